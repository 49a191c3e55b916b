"""Crisis mode and the screening question, read from events, and the policy's replies."""

from __future__ import annotations

from typing import List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa.policy import (
    ANSWER_SET_ASIDE,
    CRISIS_MODE_DEFAULT,
    CRISIS_MODE_REPLIES,
    SCREENING_NO_REPLY,
    CrisisModePolicy,
    next_action,
)
from bot.safety.mode import (
    NOT_SAFE,
    SCREENING_AGAIN,
    UNCLEAR,
    in_crisis_mode,
    question_set_aside,
    reply_intent,
    says_not_safe,
    screening_pending,
)

OWN = CrisisModePolicy.own_replies_of()


def said(intent: str, text: str = "...") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def did(action: str) -> ActionExecuted:
    return ActionExecuted(action)


def crisis(text: str = "i want to end it") -> List[Event]:
    return [did("action_listen"), said("crisis", text), did("utter_crisis"), did("action_listen")]


def test_crisis_mode_starts_with_a_crisis_and_ends_only_on_safety_or_a_false_alarm() -> None:
    assert not in_crisis_mode([])
    assert in_crisis_mode(crisis())
    assert in_crisis_mode(crisis() + [said("affirm", "ok"), did("utter_crisis_mode_ack")])
    assert not in_crisis_mode(crisis() + [said("crisis_safe", "i'm safe now, i won't do anything")])
    assert not in_crisis_mode(crisis() + [said("crisis_false_alarm", "sorry i meant the movie")])
    assert in_crisis_mode(crisis() + [said("crisis_safe"), said("crisis", "no it came back")])


def test_staff_end_crisis_mode_with_the_slot() -> None:
    assert not in_crisis_mode(crisis() + [SlotSet("crisis_active", False)])
    assert in_crisis_mode(crisis() + [SlotSet("crisis_active", True)])  # only false ends it


def test_any_crisis_answer_starts_crisis_mode() -> None:
    # A yes to the screening question: the message is "affirm", the answer is the crisis answer.
    assert in_crisis_mode(
        [said("risk_possible"), did("utter_risk_screen"), did("action_listen"), said("affirm", "yes"), did("utter_crisis")]
    )


def test_event_dicts_from_the_action_server_read_the_same() -> None:
    events = [e.as_dict() for e in crisis()]
    assert in_crisis_mode(events)
    assert not in_crisis_mode(events + [said("crisis_safe").as_dict()])


def test_the_screening_question_waits_until_the_assistant_says_something_else() -> None:
    asked = [said("risk_possible"), did("utter_risk_screen"), did("action_listen")]
    assert screening_pending(asked)
    assert not screening_pending(asked + [said("deny"), did("utter_risk_screen_no")])


def tracker(events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("c1", events)


def reply(before: List[Event], intent: str, text: str = "...") -> Optional[str]:
    return next_action(tracker(before + [said(intent, text)]), OWN)


@pytest.mark.parametrize(
    "intent, expected",
    [
        ("affirm", "utter_crisis_mode_ack"),
        ("crisis_cannot_call", "utter_crisis_mode_cannot_call"),
        ("crisis_contacted", "utter_crisis_mode_contacted"),
        ("crisis_help_arrived", "utter_crisis_mode_help_arrived"),
        ("crisis_safe", "utter_crisis_safe"),
        ("crisis_false_alarm", "utter_crisis_false_alarm"),
        ("deny", "utter_crisis_unsafe"),
        ("ask_cost", CRISIS_MODE_DEFAULT),
        ("nlu_fallback", CRISIS_MODE_DEFAULT),
        ("crisis", None),  # the crisis rule answers again
        ("request_human", None),  # the handoff rule answers
    ],
)
def test_in_crisis_mode_each_message_gets_the_reply_that_fits(intent: str, expected: Optional[str]) -> None:
    assert reply(crisis(), intent) == expected


def test_outside_crisis_mode_the_policy_stays_out_of_the_way() -> None:
    assert reply([did("action_listen")], "affirm") is None
    assert reply([did("action_listen")], "crisis_safe") is None
    after_safe = crisis() + [said("crisis_safe"), did("utter_crisis_safe"), did("action_listen")]
    assert reply(after_safe, "ask_cost") is None


@pytest.mark.parametrize(
    "intent, expected",
    [
        ("deny", SCREENING_NO_REPLY),
        ("crisis_safe", SCREENING_NO_REPLY),
        ("crisis_false_alarm", SCREENING_NO_REPLY),
        ("affirm", "utter_crisis"),
        ("ask_cost", SCREENING_AGAIN),  # a question instead of an answer: asked once more (below)
        ("nlu_fallback", "utter_crisis"),
        ("crisis", None),
    ],
)
def test_the_screening_answer(intent: str, expected: Optional[str]) -> None:
    asked = [did("action_listen"), said("risk_possible"), did("utter_risk_screen"), did("action_listen")]
    assert reply(asked, intent) == expected


def test_after_its_own_reply_the_policy_listens() -> None:
    for response in OWN:
        assert next_action(tracker(crisis() + [said("affirm"), did(response)]), OWN) == "action_listen"


def test_every_reply_is_in_the_domain() -> None:
    domain = Domain.load("domain.yml")
    for response in set(filter(None, CRISIS_MODE_REPLIES.values())) | {
        CRISIS_MODE_DEFAULT,
        SCREENING_NO_REPLY,
        "utter_crisis",
        "utter_risk_screen",
    }:
        assert response in domain.responses, response
    for intent in set(CRISIS_MODE_REPLIES) - {NOT_SAFE}:  # NOT_SAFE is a reading of words, not an intent
        assert intent in domain.intents, intent


def parse(intent: str, read_as: Optional[str] = None, confidence: float = 0.9) -> dict:
    data: dict = {"intent": {"name": intent, "confidence": 0.9}}
    if read_as:
        data["crisis_reply"] = {"intent": read_as, "confidence": confidence}
    return data


@pytest.mark.parametrize(
    "intent, read_as, confidence, expected",
    [
        ("crisis_safe", "crisis_safe", 0.9, "crisis_safe"),  # both agree: it ends crisis mode
        ("crisis_safe", "crisis_false_alarm", 0.9, "crisis_safe"),
        ("crisis_safe", "affirm", 0.9, "affirm"),  # the head heard a bare ok: asked again
        ("crisis_false_alarm", "other", 0.9, UNCLEAR),  # disagreement never ends the mode
        ("crisis_safe", None, 0.0, "crisis_safe"),  # a button: taken as it is
        ("affirm", "crisis_contacted", 0.8, "crisis_contacted"),
        ("affirm", "crisis_contacted", 0.4, "affirm"),  # the head unsure: the model decides
        ("deny", "crisis_safe", 0.99, "deny"),  # the head alone never ends crisis mode
        ("crisis", "crisis_safe", 0.99, "crisis"),
        ("request_human", "crisis_cannot_call", 0.99, "request_human"),
    ],
)
def test_the_reply_crisis_mode_acts_on(intent: str, read_as: Optional[str], confidence: float, expected: str) -> None:
    assert reply_intent(parse(intent, read_as, confidence)) == expected


@pytest.mark.parametrize(
    "read_as, expected",
    [("crisis_false_alarm", "crisis_false_alarm"), ("other", UNCLEAR)],
)
def test_under_the_fallback_threshold_the_models_best_reading_still_counts(read_as: str, expected: str) -> None:
    data = {
        "intent": {"name": "nlu_fallback", "confidence": 0.8},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.8},
            {"name": "crisis_false_alarm", "confidence": 0.77},
            {"name": "ask_what_is_iop", "confidence": 0.09},
        ],
        "crisis_reply": {"intent": read_as, "confidence": 0.8},
    }
    assert reply_intent(data) == expected


@pytest.mark.parametrize("ranking", [[], [{"name": "deny", "confidence": 0.6}]])
def test_any_other_reading_under_the_fallback_threshold_stays_a_fallback(ranking: list) -> None:
    data = {"intent": {"name": "nlu_fallback", "confidence": 0.8}, "intent_ranking": ranking}
    assert reply_intent(data) == "nlu_fallback"  # a doubtful "no" to the screening question is not a clear no


def test_a_safety_statement_the_reply_head_doubts_keeps_crisis_mode_on() -> None:
    doubted = UserUttered(
        "im fine whatever", {"name": "crisis_safe", "confidence": 0.9}, parse_data=parse("crisis_safe", "other")
    )
    assert in_crisis_mode(crisis() + [doubted])
    assert reply(crisis(), "crisis_safe") == "utter_crisis_safe"


@pytest.mark.parametrize(
    "text",
    [
        "no im not safe",
        "Not safe. I'm still in the garage.",
        "i dont feel safe",
        "no. i dont want to be safe. leave me alone",
        "i am not feeling safe at all",
        "unsafe",
        "not really okay",
        "no estoy bien. no",
        "no me siento segura",
        "i don´t feel safe",  # a Spanish keyboard's apostrophe
        "I can´t keep myself safe",
    ],
)
@pytest.mark.parametrize("read_as", ["crisis_safe", "deny", "crisis_false_alarm"])
def test_saying_not_safe_never_ends_crisis_mode_nor_answers_no_to_the_screening(text: str, read_as: str) -> None:
    assert says_not_safe(text)
    words = UserUttered(text, {"name": read_as, "confidence": 0.95}, parse_data={**parse(read_as, read_as), "text": text})
    assert in_crisis_mode(crisis() + [words])
    assert next_action(tracker(crisis() + [words]), OWN) == "utter_crisis_unsafe"
    asked = [did("action_listen"), said("risk_possible"), did("utter_risk_screen"), did("action_listen")]
    assert next_action(tracker(asked + [words]), OWN) == "utter_crisis"


@pytest.mark.parametrize(
    "text",
    [
        "I'm safe, I'm not going to hurt myself, I just had a bad moment",
        "yes im safe now",
        "no, im safe",
        "im not in danger, im safe",
        "im ok now, not gonna do it",
    ],
)
def test_statements_of_safety_are_not_read_as_not_safe(text: str) -> None:
    assert not says_not_safe(text)


SCREENED = [
    did("action_listen"),
    said("risk_possible", "mi hijo anda tomando mucho"),
    did("utter_risk_screen"),
    did("action_listen"),
]


@pytest.mark.parametrize("question", ["ask_insurance", "ask_cost", "find_meeting", "request_callback", "inform"])
def test_a_question_instead_of_an_answer_is_asked_once_more_then_counts_as_a_yes(question: str) -> None:
    """ "tenemos iehp" after a misread screening is not an answer: asked once more (911 and 988 in
    it), not the crisis answer and a page; a second question is a yes."""
    assert reply(SCREENED, question, "tenemos iehp") == SCREENING_AGAIN
    again = SCREENED + [said(question, "tenemos iehp"), did(SCREENING_AGAIN), did("action_listen")]
    assert screening_pending(again)
    assert reply(again, "ask_cost", "cuanto cuesta") == "utter_crisis"
    assert reply(again, "deny", "no") == SCREENING_NO_REPLY
    assert reply(again, "affirm", "si") == "utter_crisis"


@pytest.mark.parametrize("answer", ["affirm", "thank", "greet", "nlu_fallback", "out_of_scope", "risk_possible"])
def test_anything_else_but_a_no_is_still_a_yes_at_once(answer: str) -> None:
    assert reply(SCREENED, answer) == "utter_crisis"


def test_after_a_no_the_question_set_aside_is_answered() -> None:
    """ "tenemos iehp" waited while the screening question was asked again; after the "no" it is
    handed back to the rules (actions/screening.py), once."""
    again = SCREENED + [said("ask_insurance", "tenemos iehp"), did(SCREENING_AGAIN), did("action_listen")]
    no = again + [said("deny", "no")]
    answered = no + [did(SCREENING_NO_REPLY)]
    assert question_set_aside(answered) == len(SCREENED)
    assert next_action(tracker(answered), OWN) == ANSWER_SET_ASIDE
    replayed = answered + [did(ANSWER_SET_ASIDE), did("action_listen"), said("ask_insurance", "tenemos iehp")]
    assert next_action(tracker(replayed), OWN) is None  # the rules answer it
    assert question_set_aside(replayed) is None


@pytest.mark.parametrize(
    "events",
    [
        SCREENED + [said("deny", "no"), did(SCREENING_NO_REPLY)],  # a plain no: nothing set aside
        SCREENED + [said("affirm", "si"), did("utter_crisis")],  # a yes: the crisis answer
    ],
)
def test_nothing_is_replayed_when_nothing_was_set_aside(events: List[Event]) -> None:
    assert question_set_aside(events) is None
    assert next_action(tracker(events), OWN) == "action_listen"


def reminder_fired() -> List[Event]:
    """A group reminder firing (Rasa's external intent) and its answer, then listening again."""
    return [UserUttered.create_external("ask_next_group"), did("action_answer_next_group"), did("action_listen")]


def test_a_reminder_firing_is_answered_by_its_rule_whatever_the_person_s_state() -> None:
    for before in (SCREENED, crisis()):
        fired = before + [UserUttered.create_external("ask_next_group")]
        assert next_action(tracker(fired), OWN) is None


@pytest.mark.parametrize(
    "answer, expected", [("affirm", "utter_crisis"), ("deny", SCREENING_NO_REPLY), ("ask_cost", SCREENING_AGAIN)]
)
def test_the_screening_question_still_waits_for_the_person_after_a_reminder(answer: str, expected: str) -> None:
    """The person did not write the reminder: it is not their answer, and their "yes" after it still is."""
    assert screening_pending(SCREENED + reminder_fired())
    assert reply(SCREENED + reminder_fired(), answer) == expected


def test_a_reminder_neither_ends_crisis_mode_nor_sets_a_question_aside() -> None:
    assert in_crisis_mode(crisis() + reminder_fired())
    assert reply(crisis() + reminder_fired(), "ask_cost") == CRISIS_MODE_DEFAULT
    no = SCREENED + [said("ask_insurance", "tenemos iehp"), did(SCREENING_AGAIN), did("action_listen")]
    no += reminder_fired() + [said("deny", "no"), did(SCREENING_NO_REPLY)]
    assert question_set_aside(no) == len(SCREENED)
    only_the_reminder = SCREENED + reminder_fired() + [said("deny", "no"), did(SCREENING_NO_REPLY)]
    assert question_set_aside(only_the_reminder) is None


def test_in_a_paused_conversation_a_reminder_hides_nothing_the_person_or_staff_do_after_it() -> None:
    """Paused by a handoff, Rasa records the reminder but runs no actions after it, so no
    listening closes it: the person's crisis message and staff ending crisis mode still count."""
    paused_reminder = [UserUttered.create_external("ask_next_group")]
    crisis_said = [said("crisis", "i want to end it"), did("utter_crisis")]
    assert in_crisis_mode(paused_reminder + crisis_said)
    assert not in_crisis_mode(crisis() + paused_reminder + [SlotSet("crisis_active", False)])
    assert reply(paused_reminder + crisis_said + [did("action_listen")], "affirm", "ok") == "utter_crisis_mode_ack"
