"""action_answer_question: every program intent is answered from the center's data; special
situations before the general answer; long answers short first; the first reply's notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import resources
from actions.program import ActionAnswerQuestion, ActionFallback
from actions.questions import replies_for
from bot.answer_book import load_answer_book
from bot.program.notice import NOTICE_HANDLED
from bot.program.replies import GIVEN_SLOT
from bot.settings import PROJECT_ROOT
from tests.actions.conftest import make_tracker

RULES = yaml.safe_load((PROJECT_ROOT / "data" / "rules" / "program.yml").read_text())["rules"]
ROUTED = sorted({rule["steps"][0]["intent"] for rule in RULES} - {"tell_me_more"})
BOOK = load_answer_book(PROJECT_ROOT / "data" / "program")
LONG = sorted(key for key in ROUTED if BOOK.has_short(key))
NOTICE = BOOK.render("notice").text


def conversation(
    text: str,
    intent: str,
    earlier: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    """A tracker as Rasa sends it: the session's start, what came before, then this message."""
    message = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or [], "metadata": {}}
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        *(earlier or []),
        {"event": "user", "text": text, "parse_data": message},
    ]
    return Tracker("test-conversation", slots or {}, message, events, False, None, {}, "action_listen")


async def answer(tracker: Tracker, domain: Dict[str, Any]) -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    return dispatcher.messages, events


@pytest.mark.parametrize("intent", ROUTED + ["greet"])
async def test_every_routed_intent_gets_its_answer(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], intent: str
) -> None:
    events = await ActionAnswerQuestion().run(dispatcher, make_tracker("question", intent), domain)
    [message] = dispatcher.messages
    assert message["text"] and "{{" not in message["text"]
    if intent in LONG:  # short first, with the button for the rest, and remembered
        assert events == [SlotSet(GIVEN_SLOT, [intent])]
        assert message["buttons"][0] == {"title": "Tell me more", "payload": f'/tell_me_more{{"answer_key": "{intent}"}}'}
        assert message["text"] == BOOK.render_short(intent).text
    else:
        assert events == []


def test_the_long_answers_are_the_ones_expected() -> None:
    assert LONG == [
        "ask_admissions",
        "ask_candidate",
        "ask_first_day",
        "ask_group_therapy",
        "ask_help_loved_one",
        "ask_mat",
        "ask_privacy",
        "ask_therapy_approaches",
        "ask_time_commitment",
        "ask_tracks",
        "compare_levels_of_care",
    ]


async def test_greeting_as_first_reply_says_automated_not_clinician_and_gives_988_911(
    service_env: Path, domain: Dict[str, Any]
) -> None:
    [message], _ = await answer(conversation("hi", "greet"), domain)
    first_line, greeting = message["text"].split("\n", 1)
    assert "automated assistant" in first_line and "not a clinician" in first_line
    assert "988" in first_line and "911" in first_line
    assert greeting == BOOK.render("greet").text and message["buttons"]


@pytest.mark.parametrize(
    "text, intent",
    [
        ("how much does it cost", "ask_cost"),
        ("is IOP right for my son", "ask_candidate"),
        ("can i bring my dog", "ask_other_question"),
        ("I'm 10 weeks pregnant and using meth, can I still come?", "ask_candidate"),
    ],
)
async def test_the_first_reply_carries_the_notice_whatever_the_first_message(
    service_env: Path, domain: Dict[str, Any], text: str, intent: str
) -> None:
    [message], _ = await answer(conversation(text, intent), domain)
    assert message["text"].startswith(NOTICE + "\n")
    assert message["text"].count("automated assistant") == 1


async def test_a_fallback_as_first_reply_gets_the_notice_as_its_own_message_first(
    service_env: Path, domain: Dict[str, Any]
) -> None:
    messages, _ = await answer(conversation("zzz", "not_an_intent"), domain)
    assert [m.get("text") for m in messages] == [NOTICE, None]
    assert messages[1]["response"] == "utter_fallback"
    assert messages[1][NOTICE_HANDLED] is True  # so Rasa's response generator adds no second one


async def test_later_replies_do_not_repeat_the_notice(service_env: Path, domain: Dict[str, Any]) -> None:
    earlier = [
        {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "bot", "text": NOTICE + "\nI can answer questions."},
    ]
    [message], _ = await answer(conversation("how much is it", "ask_cost", earlier), domain)
    assert NOTICE not in message["text"] and "automated assistant" not in message["text"]


async def test_a_reminder_the_service_triggers_does_not_use_up_the_notice(service_env: Path, domain: Dict[str, Any]) -> None:
    fired = conversation("EXTERNAL: ask_cost", "ask_cost")
    fired.events[-1]["metadata"] = {"is_external": True}  # as Rasa's UserUttered.create_external marks it
    [message], _ = await answer(fired, domain)
    assert NOTICE not in message["text"]


@pytest.mark.parametrize(
    "text, intent, expected, wrong",
    [
        ("what ASAM level is your IOP?", "compare_levels_of_care", ["ASAM Level 2.1"], ["Treatment comes in steps"]),
        ("what ASAM level is your IOP?", "ask_what_is_iop", ["ASAM Level 2.1"], ["structured addiction treatment"]),
        (
            "how do I get a referral from Kaiser?",
            "ask_assessment",
            ["Kaiser", "addiction medicine department"],
            ["You do not need a referral", "You don't need a referral"],
        ),
        ("do i need a referral from my doctor to start", "ask_admissions", ["You don't need a referral"], []),
        (
            "I'm 10 weeks pregnant and using meth, can I still come?",
            "ask_candidate",
            ["pregnant doesn't rule you out", "OB", "911"],
            ["weeks", "IOP is usually a good fit"],
        ),
        (
            "im pregnant and using fentanyl what do i do",
            "ask_candidate",
            ["talk to a doctor or your OB now", "don't stop suddenly on your own without medical advice", "admissions", "911"],
            [" mg", "milligram"],
        ),
        ("can I just quit drinking cold turkey at home?", "ask_detox", ["seizures", "See a doctor", "detox"], []),
        ("the judge ordered me to do an outpatient program", "ask_admissions", ["court", "written consent"], []),
        ("my employer's EAP referred me", "ask_privacy", ["employee assistance program", "in writing"], ["HIPAA"]),
        ("I left the program last month, can I come back?", "ask_admissions", ["you can come back", "tolerance"], []),
        ("are you open on christmas?", "ask_contact", ["closed on Christmas Day"], ["Front desk"]),
    ],
)
async def test_a_special_situation_answers_before_the_general_answer(
    service_env: Path, domain: Dict[str, Any], text: str, intent: str, expected: List[str], wrong: List[str]
) -> None:
    messages, _ = await answer(conversation(text, intent), domain)
    reply = messages[0]["text"].replace(NOTICE, "")
    for part in expected:
        assert part in reply
    for part in wrong:
        assert part not in reply


async def test_a_situation_word_in_a_question_it_does_not_concern_keeps_the_general_answer(
    service_env: Path, domain: Dict[str, Any]
) -> None:
    [message], _ = await answer(conversation("can my probation officer see my records?", "ask_privacy"), domain)
    assert message["text"].replace(NOTICE + "\n", "") == BOOK.render_short("ask_privacy").text


async def test_tell_me_more_button_gives_the_full_answer(service_env: Path, domain: Dict[str, Any]) -> None:
    [short], events = await answer(conversation("is iop right for me", "ask_candidate"), domain)
    payload = short["buttons"][0]["payload"]
    assert payload == '/tell_me_more{"answer_key": "ask_candidate"}'
    more = conversation(
        payload,
        "tell_me_more",
        slots={GIVEN_SLOT: ["ask_candidate"]},
        entities=[{"entity": "answer_key", "value": "ask_candidate"}],
    )
    [full], events = await answer(more, domain)
    assert full["text"].replace(NOTICE + "\n", "") == BOOK.render("ask_candidate").text
    assert "A higher level of care may come first when:" in full["text"]
    assert events == []  # already remembered, and last


async def test_typed_tell_me_more_expands_the_latest_long_answer(service_env: Path, domain: Dict[str, Any]) -> None:
    tracker = conversation("tell me more", "tell_me_more", slots={GIVEN_SLOT: ["ask_tracks", "ask_mat"]})
    [full], _ = await answer(tracker, domain)
    assert "Suboxone" in full["text"] and "Whether a medication is right for you" in full["text"]


@pytest.mark.parametrize("slots, entities", [({}, []), ({}, [{"entity": "answer_key", "value": "callback_saved"}])])
async def test_tell_me_more_with_nothing_to_expand_asks_what_to_tell(
    service_env: Path, domain: Dict[str, Any], slots: Dict[str, Any], entities: List[Dict[str, Any]]
) -> None:
    [message], events = await answer(conversation("tell me more", "tell_me_more", slots=slots, entities=entities), domain)
    assert message["text"].replace(NOTICE + "\n", "") == BOOK.render("nothing_more").text and events == []


async def test_a_long_answer_asked_again_is_a_short_reminder_with_the_button(service_env: Path, domain: Dict[str, Any]) -> None:
    tracker = conversation(
        "what happens in group again", "ask_group_therapy", slots={GIVEN_SLOT: ["ask_group_therapy", "ask_cost"]}
    )
    [message], events = await answer(tracker, domain)
    assert message["text"].replace(NOTICE + "\n", "") == "As I mentioned: " + BOOK.render_short("ask_group_therapy").text
    assert [b["title"] for b in message["buttons"]] == ["Tell me more"]
    assert events == [SlotSet(GIVEN_SLOT, ["ask_cost", "ask_group_therapy"])]


async def test_answers_follow_the_data(
    service_env: Path, program_copy: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    path = program_copy / "admissions.yml"
    data = yaml.safe_load(path.read_text())
    data["admissions"]["what_to_bring"].append("your favourite mug")
    path.write_text(yaml.safe_dump(data))
    entities = [{"entity": "answer_key", "value": "ask_first_day"}]
    await ActionAnswerQuestion().run(dispatcher, make_tracker("tell me more", "tell_me_more", entities=entities), domain)
    assert "your favourite mug" in dispatcher.messages[0]["text"]


async def test_unknown_intent_falls_back(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    await ActionAnswerQuestion().run(dispatcher, make_tracker("zzz", "not_an_intent"), domain)
    assert dispatcher.messages[0]["response"] == "utter_fallback"


@pytest.mark.parametrize("intent", ["ask_mat", "tell_me_more"])
async def test_mat_answer_never_gives_doses(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], intent: str
) -> None:
    entities = [{"entity": "answer_key", "value": "ask_mat"}]
    await ActionAnswerQuestion().run(dispatcher, make_tracker("suboxone?", intent, entities=entities), domain)
    text = dispatcher.messages[0]["text"]
    assert "mg" not in text.split() and "can't advise" in text


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("is iop right for me?", "ask_candidate", BOOK.render_short("ask_candidate").text),
        ("I'm pregnant, can I still come?", "ask_candidate", "pregnant doesn't rule you out"),
        ("how much is it?", "ask_cost", BOOK.render("ask_cost").text),
    ],
)
async def test_a_question_inside_a_form_gets_the_short_answer_without_tell_me_more(
    service_env: Path, text: str, intent: str, expected: str
) -> None:
    [reply] = replies_for(intent, resources().program.get(), make_tracker(text, intent)) or []
    assert expected in reply.text
    assert all("tell_me_more" not in button["payload"] for button in reply.buttons)


@pytest.mark.parametrize(
    "slots, expected",
    [({GIVEN_SLOT: ["ask_tracks"]}, "Adolescent IOP for teens"), ({}, None)],
)
async def test_tell_me_more_inside_a_form(service_env: Path, slots: Dict[str, Any], expected: Optional[str]) -> None:
    found = replies_for("tell_me_more", resources().program.get(), make_tracker("tell me more", "tell_me_more", slots=slots))
    if expected is None:
        assert found is None  # nothing to tell: the form asks its question again
    else:
        assert found is not None and expected in found[0].text


async def test_a_message_the_model_was_unsure_of_gets_its_likeliest_answers_as_buttons(
    service_env: Path, domain: Dict[str, Any]
) -> None:
    tracker = conversation("hi, my daughter is 17 and drinking a lot, do u have anything for teens", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.8},
        {"name": "ask_help_loved_one", "confidence": 0.71},
        {"name": "ask_tracks", "confidence": 0.13},
    ]
    dispatcher = CollectingDispatcher()
    assert await ActionFallback().run(dispatcher, tracker, domain) == []
    [message] = dispatcher.messages
    assert message["text"].startswith(NOTICE.strip())  # a first reply carries the notice
    assert "Did you mean" in message["text"]
    # The likeliest intent, then the programs, which the message names ("teens").
    assert [b["payload"] for b in message["buttons"]] == [
        "/ask_help_loved_one",
        "/ask_tracks",
        "/ask_capabilities",
        "/request_human",
    ]


async def test_with_no_likely_answer_the_plain_fallback(service_env: Path, domain: Dict[str, Any]) -> None:
    tracker = conversation("the thing with the stuff", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.8}, {"name": "greet", "confidence": 0.1}]
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker, domain)
    assert [m.get("response") for m in dispatcher.messages][-1:] == ["utter_fallback"]
    assert not any(m.get("buttons") for m in dispatcher.messages[:-1])
