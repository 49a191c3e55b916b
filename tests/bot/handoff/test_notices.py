"""What the person sees as a handoff goes along (bot/handoff/notices.py): Rasa events, rendered
from the center's real answers, that Rasa itself can read."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, Event

from bot.handoff import notices
from bot.program.answers import AnswerBook

CALLBACK = [{"title": "Request a callback", "payload": "/request_callback"}]
ON_CALL = "(760) 555-0149"


def as_rasa(events: List[Dict[str, Any]]) -> List[Event]:
    """What Rasa's /tracker/events endpoint makes of them (after a JSON round trip)."""
    parsed = [Event.from_parameters(event) for event in json.loads(json.dumps(events))]
    assert all(event is not None for event in parsed), events
    return parsed  # type: ignore[return-value]


def test_joined_pauses_first_then_says_who_joined(book: AnswerBook) -> None:
    events = notices.joined(book, "Dana Reyes")
    assert events[0] == {"event": "pause"}
    assert events[1] == {
        "event": "bot",
        "text": "Dana Reyes from Juniper Ridge has joined the chat. You're talking with a person now.",
        "metadata": {"handoff": {"kind": "status", "status": "active", "staff_name": "Dana Reyes"}},
    }
    assert len(events) == 2
    paused, said = as_rasa(events)
    assert isinstance(paused, ConversationPaused) and isinstance(said, BotUttered)
    assert said.metadata == {"handoff": {"kind": "status", "status": "active", "staff_name": "Dana Reyes"}}
    assert said.message()["handoff"]["staff_name"] == "Dana Reyes"  # what the output channel gets


def test_a_staff_message_is_the_text_as_written(book: AnswerBook) -> None:
    text = "Hi, I'm Dana.\n\nHow are you doing right now? {{ not a template }}"
    events = notices.staff_message(text, "Dana Reyes")
    assert events == [
        {"event": "bot", "text": text, "metadata": {"handoff": {"kind": "staff", "status": "active", "staff_name": "Dana Reyes"}}}
    ]
    [said] = as_rasa(events)
    assert isinstance(said, BotUttered) and said.text == text


@pytest.mark.parametrize(
    "status, shown, words",
    [
        ("returned", "returned", "Dana Reyes has handed the chat back to me, the automated assistant."),
        ("closed", "closed", "Dana Reyes has ended the live chat."),
        ("left", "returned", "Dana Reyes had to step away, so you're back with me, the automated assistant."),
    ],
)
def test_ended_says_so_then_resumes_last(book: AnswerBook, status: str, shown: str, words: str) -> None:
    events = notices.ended(book, status, "Dana Reyes")
    assert events[-1] == {"event": "resume"} and len(events) == 2
    notice = events[0]
    assert notice["event"] == "bot" and words in notice["text"]
    assert notice["metadata"] == {"handoff": {"kind": "status", "status": shown, "staff_name": "Dana Reyes"}}
    assert "data" not in notice  # no buttons
    said, resumed = as_rasa(events)
    assert isinstance(said, BotUttered) and isinstance(resumed, ConversationResumed)


def test_closed_ends_with_988_and_911(book: AnswerBook) -> None:
    text = notices.ended(book, "closed", "Dana Reyes")[0]["text"]
    assert text.endswith(
        "If you write again, the automated assistant will answer. If you are ever in danger, call or text 988, or call 911."
    )
    for status in ("returned", "left"):
        assert "988" not in notices.ended(book, status, "Dana Reyes")[0]["text"]


def test_left_gives_the_on_call_number(book: AnswerBook) -> None:
    assert ON_CALL in notices.ended(book, "left", "Ana")[0]["text"]
    assert ON_CALL not in notices.ended(book, "closed", "Ana")[0]["text"]


def test_ended_knows_only_three_ways(book: AnswerBook) -> None:
    with pytest.raises(KeyError):
        notices.ended(book, "expired", "Ana")


@pytest.mark.parametrize("crisis", [False, True])
def test_expired_offers_the_callback_and_in_a_crisis_988_and_911(book: AnswerBook, crisis: bool) -> None:
    events = notices.expired(book, crisis=crisis)
    # Resume last: harmless when nothing paused the assistant, and it undoes a pause a failed
    # take-over may have left behind.
    notice, resume = events
    assert resume == {"event": "resume"} == notices.RESUME
    assert notice["metadata"] == {"handoff": {"kind": "status", "status": "expired"}}  # nobody's name
    assert notice["data"] == {"buttons": CALLBACK}
    text = notice["text"]
    assert text.startswith("I'm sorry, nobody from our team could join the chat just now.")
    assert "(760) 555-0141" in text and ON_CALL in text
    assert ("988" in text) is crisis and ("911" in text) is crisis
    said, resumed = as_rasa(events)
    assert isinstance(said, BotUttered) and said.data["buttons"] == CALLBACK
    assert isinstance(resumed, ConversationResumed)


@pytest.mark.parametrize(
    "args, meta",
    [
        (("status", "waiting"), {"kind": "status", "status": "waiting"}),
        (("status", "active", "Ana"), {"kind": "status", "status": "active", "staff_name": "Ana"}),
        (("staff", "active", ""), {"kind": "staff", "status": "active"}),
    ],
)
def test_handoff_meta(args: tuple, meta: Dict[str, str]) -> None:
    assert notices.handoff_meta(*args) == meta
