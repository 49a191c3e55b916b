"""The automated-assistant notice: due with the first reply of a session, then not again."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.shared.core.events import UserUttered

from bot.program.notice import Notices, notice_due, with_notice, with_notice_in_text

NOTICES = Notices(
    "Hi, I'm the assistant bot, not a clinician. In danger: 988 or 911.",
    "I'm the assistant bot.",
    ("assistant bot", "asistente bot"),
)
NOTICE = NOTICES.first
START = [
    {"event": "action", "name": "action_session_start"},
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
]


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text}


def bot(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text}


@pytest.mark.parametrize(
    "events, due",
    [
        (START + [user("do you take aetna")], True),
        (START + [user("hi"), bot(NOTICE + "\nHello"), user("cost?")], False),
        # A reply came without it (a staff member's, in a live handoff): the next one carries it.
        (START + [user("who won the game"), bot("Hi, this is Dana from admissions."), user("cost?")], True),
        # A new session after the old one gave it.
        (START + [user("hi"), bot(NOTICE)] + START + [user("back again")], True),
        # A crisis reply came first, with the notice after its steps, or saying it in its own words.
        (START + [user("i want to die"), bot("Please call 988.\n" + NOTICES.after_urgent), user("ok")], False),
        (START + [user("i want to die"), bot("I'm an assistant bot, so call 988."), user("ok")], False),
        (START + [UserUttered.create_external("ask_next_group").as_dict()], False),  # a reminder, not the person
        (START, False),
        ([user("hand-built tracker, no session")], False),
    ],
)
def test_notice_due(events: List[Dict[str, Any]], due: bool) -> None:
    assert notice_due(events, NOTICES) is due


def test_with_notice_goes_before_the_first_text() -> None:
    messages = [{"text": "Yes, we take Aetna.", "buttons": [{"title": "x", "payload": "/y"}]}, {"text": "second"}]
    assert with_notice(messages, NOTICES) == [
        {"text": NOTICE + "\nYes, we take Aetna.", "buttons": [{"title": "x", "payload": "/y"}]},
        {"text": "second"},
    ]


def test_with_notice_before_a_domain_response_is_its_own_message() -> None:
    assert with_notice([{"text": None, "response": "utter_fallback"}], NOTICES) == [
        {"text": NOTICE},
        {"text": None, "response": "utter_fallback"},
    ]


@pytest.mark.parametrize("messages", [[], [{"text": NOTICE + "\nHello"}]])
def test_with_notice_adds_nothing_to_nothing_or_twice(messages: List[Dict[str, Any]]) -> None:
    assert with_notice(messages, NOTICES) == messages


@pytest.mark.parametrize(
    "response, text, expected",
    [
        ("utter_fallback", "Sorry, I'm not sure I understood.", NOTICE + "\nSorry, I'm not sure I understood."),
        # The urgent steps first, then the notice.
        ("utter_crisis", "Please call 911 now.", "Please call 911 now.\n" + NOTICES.after_urgent),
        (
            "utter_risk_screen",
            "Are you thinking about ending your life?",
            "Are you thinking about ending your life?\n" + NOTICES.after_urgent,
        ),
        ("utter_out_of_scope", "", NOTICE),
        ("utter_fallback", NOTICE + "\nSorry.", NOTICE + "\nSorry."),
        # A reply that says in its own words who is answering.
        (
            "utter_medication_safety",
            "I'm an assistant bot, not a clinician: ask a pharmacist.",
            "I'm an assistant bot, not a clinician: ask a pharmacist.",
        ),
        ("utter_crisis", "I'm an assistant bot, so call 988.", "I'm an assistant bot, so call 988."),
    ],
)
def test_with_notice_in_text(response: str, text: str, expected: str) -> None:
    assert with_notice_in_text(response, text, NOTICES) == expected
