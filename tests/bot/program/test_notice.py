"""The automated-assistant notice: due with the first reply of a session, then not again."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from bot.program.notice import notice_due, with_notice

NOTICE = "I'm an automated assistant, not a clinician. In danger: 988 or 911."
START = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}, {"event": "action", "name": "action_listen"}]


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text}


def bot(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text}


@pytest.mark.parametrize(
    "events, due",
    [
        (START + [user("do you take aetna")], True),
        (START + [user("hi"), bot(NOTICE + "\nHello"), user("cost?")], False),
        # A domain response came first (it had no notice): the next reply carries it.
        (START + [user("who won the game"), bot("That's outside what I can help with."), user("cost?")], True),
        # A new session after the old one gave it.
        (START + [user("hi"), bot(NOTICE)] + START + [user("back again")], True),
        (START + [user("EXTERNAL: ask_next_group")], False),  # a reminder, not the person
        (START, False),
        ([user("hand-built tracker, no session")], False),
    ],
)
def test_notice_due(events: List[Dict[str, Any]], due: bool) -> None:
    assert notice_due(events, NOTICE) is due


def test_with_notice_goes_before_the_first_text() -> None:
    messages = [{"text": "Yes, we take Aetna.", "buttons": [{"title": "x", "payload": "/y"}]}, {"text": "second"}]
    assert with_notice(messages, NOTICE) == [
        {"text": NOTICE + "\nYes, we take Aetna.", "buttons": [{"title": "x", "payload": "/y"}]},
        {"text": "second"},
    ]


def test_with_notice_before_a_domain_response_is_its_own_message() -> None:
    assert with_notice([{"text": None, "response": "utter_fallback"}], NOTICE) == [
        {"text": NOTICE},
        {"text": None, "response": "utter_fallback"},
    ]


@pytest.mark.parametrize("messages", [[], [{"text": NOTICE + "\nHello"}]])
def test_with_notice_adds_nothing_to_nothing_or_twice(messages: List[Dict[str, Any]]) -> None:
    assert with_notice(messages, NOTICE) == messages
