"""Which messages go to the review inbox, and with which reasons."""

from __future__ import annotations

from typing import List, Sequence, Tuple

import pytest

from bot.review.collect import (
    AMBIGUOUS,
    FALLBACK,
    LOW_CONFIDENCE,
    OUT_OF_SCOPE,
    REPHRASED,
    SCREENING,
    Thresholds,
    observations,
    says_the_answer_missed,
)
from tests.bot.review.conftest import bot, loop, user

SURE = [("ask_cost", 0.97), ("ask_insurance", 0.02)]


def reasons_of(events: Sequence[dict], earlier: Sequence[dict] = ()) -> List[Tuple[str, List[str]]]:
    return [(item.text, item.reasons) for item in observations(events, earlier)]


@pytest.mark.parametrize(
    ("ranking", "reply", "expected"),
    [
        ([("nlu_fallback", 0.8), ("ask_cost", 0.41), ("ask_insurance", 0.3)], "utter_fallback", [FALLBACK]),
        ([("ask_cost", 0.5)], "utter_fallback_again", [LOW_CONFIDENCE, FALLBACK]),
        ([("out_of_scope", 0.95)], "utter_out_of_scope", [OUT_OF_SCOPE]),
        ([("ask_cost", 0.85), ("ask_insurance", 0.1)], "utter_cost", [LOW_CONFIDENCE]),
        ([("ask_cost", 0.93), ("ask_insurance", 0.86)], "utter_cost", [AMBIGUOUS]),
        ([("risk_possible", 1.0)], "utter_risk_screen", [SCREENING]),
        (SURE, "utter_cost", []),
    ],
)
def test_each_reason(ranking: List[Tuple[str, float]], reply: str, expected: List[str]) -> None:
    found = observations([user("how much is it", ranking), *bot("...", reply)])
    assert [item.reasons for item in found] == ([expected] if expected else [])


def test_the_row_keeps_the_reading_and_the_reply() -> None:
    [item] = observations(
        [
            user("whats the damage", [("nlu_fallback", 0.8), ("ask_cost", 0.41), ("ask_insurance", 0.3), ("greet", 0.1)]),
            *bot("Sorry, I'm not sure I understood.", "utter_fallback"),
        ]
    )
    assert (item.intent, item.confidence) == ("ask_cost", 0.41)
    assert item.alternatives == [{"intent": "ask_insurance", "confidence": 0.3}, {"intent": "greet", "confidence": 0.1}]
    assert item.reply == "Sorry, I'm not sure I understood."
    assert not item.handled_as_crisis


def test_thresholds_come_from_the_caller() -> None:
    message = [user("how much", [("ask_cost", 0.85), ("ask_insurance", 0.1)]), *bot("...", "utter_cost")]
    assert observations(message, thresholds=Thresholds(confidence=0.8, margin=0.1)) == []
    assert observations(message, thresholds=Thresholds(confidence=0.9, margin=0.1))


@pytest.mark.parametrize(
    "message",
    [
        user("i want to end it all", [("crisis", 1.0)]),
        user("/affirm", [("affirm", 1.0), ("deny", 0.95)]),
        user("   ", [("nlu_fallback", 0.8)]),
    ],
)
def test_crises_payloads_and_empty_messages_stay_out(message: dict) -> None:
    assert observations([message, *bot("...", "utter_crisis")]) == []


def test_a_crisis_answer_keeps_the_message_out_whatever_its_intent() -> None:
    assert observations([user("yes", [("affirm", 0.6)]), *bot("Please call 988", "utter_crisis")]) == []


def test_answers_to_a_form_stay_out() -> None:
    earlier = [loop("callback_form")]
    assert observations([user("Maria Lopez", [("inform", 0.4)]), *bot("Thanks", "callback_form")], earlier) == []
    after = [loop(None), user("and the cost?", [("ask_cost", 0.7)]), *bot("...", "utter_cost")]
    assert reasons_of(after, earlier) == [("and the cost?", [LOW_CONFIDENCE])]


@pytest.mark.parametrize(
    "complaint",
    [
        "that's not what I asked",
        "No, I meant the evening group",
        "thats not what i meant",
        "you didn't answer my question",
        "wrong answer",
        "eso no es lo que pregunté",
        "that doesn't answer it",
    ],
)
def test_a_complaint_sends_the_message_before_it(complaint: str) -> None:
    earlier = [user("can my wife come to group", SURE), *bot("Our program costs ...", "utter_cost")]
    assert reasons_of([user(complaint, SURE), *bot("...", "utter_ask_rephrase")], earlier) == [
        ("can my wife come to group", [REPHRASED])
    ]


def test_the_same_question_again_is_a_complaint_but_a_greeting_twice_is_not() -> None:
    first = [user("is there parking at the center", SURE), *bot("...", "utter_cost")]
    assert reasons_of([user("Is there parking at the center??", SURE)], first) == [
        ("is there parking at the center", [REPHRASED])
    ]
    assert reasons_of([user("hi", [("greet", 0.99)])], [user("hi", [("greet", 0.99)])]) == []


@pytest.mark.parametrize("text", ["what did i ask about insurance", "what's not covered", "i meant to ask earlier about parking"])
def test_ordinary_messages_are_not_complaints(text: str) -> None:
    assert not says_the_answer_missed(text)


def test_a_question_answered_after_the_screening_is_observed_once_and_its_answer_is_its_own() -> None:
    """actions/screening.py replays a question set aside by the screening question: the copy is not
    a second message, and a complaint after it is about the copy's answer, not about the "no"."""
    unsure = [("ask_cost", 0.6), ("ask_insurance", 0.3)]
    question = user("how much does it cost", unsure)
    replayed = {**user("how much does it cost", unsure), "metadata": {"replayed": True}}
    events = [
        question,
        *bot("Before that: are you safe right now?", "utter_risk_screen_again"),
        user("no", [("deny", 0.99)]),
        *bot("Thank you for telling me.", "utter_risk_screen_no"),
        {"event": "action", "name": "action_answer_set_aside"},
        replayed,
        *bot("Our program costs ...", "utter_cost"),
        user("that's not what I asked", SURE),
    ]
    assert reasons_of(events) == [
        ("how much does it cost", [LOW_CONFIDENCE]),
        ("how much does it cost", [LOW_CONFIDENCE, REPHRASED]),
    ]


def test_a_complaint_after_a_reminder_fired_is_not_about_the_reminder() -> None:
    """Rasa records a reminder firing as a user event ("EXTERNAL: ask_next_group"): never an inbox row."""
    reminder = {"event": "user", "text": "EXTERNAL: ask_next_group", "metadata": {"is_external": True}, "parse_data": {}}
    events = [
        reminder,
        *bot("Reminder: your group starts at 6 pm.", "action_answer_next_group"),
        user("thats not what i asked", SURE),
    ]
    assert reasons_of(events) == []
