"""action_answer_insurance: yes, let us verify, or no, with the next step; remembered for follow-ups
("is there a copay?", "do I need a referral for that") and for a callback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.insurance import ActionAnswerInsurance
from tests.actions.conftest import make_tracker


def carrier(value: str) -> List[Dict[str, Any]]:
    return [{"entity": "insurance_carrier", "value": value}]


@pytest.mark.parametrize(
    "text, entities, expected_text, slot",
    [
        ("do you take aetna?", carrier("Aetna"), "Yes, we're in network with Aetna", "Aetna"),
        ("bcbs?", carrier("Blue Cross Blue Shield"), "in network with Blue Cross Blue Shield", "Blue Cross Blue Shield"),
        ("do you take cigana", [], "in network with Cigna", "Cigna"),
        ("what about humana", [], "let us verify", "Humana"),
        ("do you take medi-cal", carrier("Medi-Cal"), "don't currently accept Medi-Cal", "Medi-Cal"),
        ("i have acme health", carrier("acme health"), 'I don\'t have "acme health" on my list', "acme health"),
    ],
)
async def test_carrier_answers(
    service_env: Path,
    dispatcher: CollectingDispatcher,
    domain: Dict[str, Any],
    text: str,
    entities: List[Dict[str, Any]],
    expected_text: str,
    slot: Optional[str],
) -> None:
    events = await ActionAnswerInsurance().run(dispatcher, make_tracker(text, "ask_insurance", entities=entities), domain)
    assert expected_text in dispatcher.messages[0]["text"]
    assert events == [SlotSet("insurance_aspect", None), SlotSet("insurer", slot), SlotSet("cb_insurance", slot)]


async def test_not_accepted_gives_the_next_step(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    await ActionAnswerInsurance().run(dispatcher, make_tracker("kaiser?", "ask_insurance"), domain)
    text = dispatcher.messages[0]["text"]
    assert "Kaiser" in text and "referral" in text and "(760) 555-0141" in text


async def test_no_carrier_named_lists_in_network_and_asks(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await ActionAnswerInsurance().run(dispatcher, make_tracker("is it covered by insurance", "ask_insurance"), domain)
    text = dispatcher.messages[0]["text"]
    assert "Aetna" in text and "Which insurance do you have?" in text
    assert events == [SlotSet("insurance_aspect", None)]


VERIFICATION = "Send us your insurance card details and we check your benefits"


@pytest.mark.parametrize(
    "text, intent, insurer, values, aspect",
    [
        ("is there a copay?", "ask_insurance", "Aetna", {"carrier": "Aetna", "verification": VERIFICATION}, "copay"),
        ("what about my deductible", "ask_insurance", "Humana", {"carrier": "Humana"}, "copay"),
        ("is there a copay?", "ask_insurance", None, {"verification": VERIFICATION}, "copay"),
    ],
)
async def test_a_copay_follow_up_is_about_the_insurer_named_before(
    service_env: Path,
    dispatcher: CollectingDispatcher,
    domain: Dict[str, Any],
    text: str,
    intent: str,
    insurer: Optional[str],
    values: Dict[str, str],
    aspect: str,
) -> None:
    events = await ActionAnswerInsurance().run(dispatcher, make_tracker(text, intent, slots={"insurer": insurer}), domain)
    (message,) = dispatcher.messages
    response = "utter_insurance_copay" if insurer else "utter_insurance_copay_which"
    assert message["response"] == response
    assert all(value in message[key] for key, value in values.items())
    # Every blank in the domain response is filled by the action.
    assert set(re.findall(r"{(\w+)}", domain["responses"][response][0]["text"])) <= set(message)
    # The insurer stays as it was; the aspect is kept for the answer to "which insurance?".
    assert events == [SlotSet("insurance_aspect", aspect)]


@pytest.mark.parametrize(
    "text, intent, insurer, expected",
    [
        ("do I need a referral for that", "ask_insurance", "Aetna", "Some Aetna plans do ask for a referral"),
        (
            "do I need a referral for that",
            "ask_assessment",
            "Kaiser Permanente",
            "Kaiser members usually need a referral from Kaiser",
        ),
        ("do i need a referral", "ask_admissions", "Humana", "Some Humana plans do ask for a referral"),
    ],
)
async def test_a_referral_follow_up_is_about_the_insurer_named_before(
    service_env: Path,
    dispatcher: CollectingDispatcher,
    domain: Dict[str, Any],
    text: str,
    intent: str,
    insurer: str,
    expected: str,
) -> None:
    events = await ActionAnswerInsurance().run(dispatcher, make_tracker(text, intent, slots={"insurer": insurer}), domain)
    assert expected in dispatcher.messages[0]["text"]
    assert events == [SlotSet("insurance_aspect", "referral")]


async def test_the_copay_with_a_carrier_we_do_not_take_is_its_own_answer_not_a_repeat(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    await ActionAnswerInsurance().run(
        dispatcher, make_tracker("is there a copay?", "ask_insurance", slots={"insurer": "Medi-Cal"}), domain
    )
    text = dispatcher.messages[0]["text"]
    assert "Since we don't accept Medi-Cal" in text and "wouldn't owe a copay" in text and "payment plans" in text


async def test_the_answer_to_which_insurance_keeps_the_aspect(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    tracker = make_tracker("i have cigna", "ask_insurance", entities=carrier("Cigna"), slots={"insurance_aspect": "copay"})
    events = await ActionAnswerInsurance().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_insurance_copay" and dispatcher.messages[0]["carrier"] == "Cigna"
    assert events == [SlotSet("insurance_aspect", "copay"), SlotSet("insurer", "Cigna"), SlotSet("cb_insurance", "Cigna")]


async def test_another_insurer_named_after_one_is_a_question_of_its_own(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    slots = {"insurer": "Kaiser Permanente", "insurance_aspect": "referral"}
    tracker = make_tracker("what about Aetna?", "meeting_followup", entities=carrier("Aetna"), slots=slots)
    events = await ActionAnswerInsurance().run(dispatcher, tracker, domain)
    assert "Yes, we're in network with Aetna" in dispatcher.messages[0]["text"]
    assert events == [SlotSet("insurance_aspect", None), SlotSet("insurer", "Aetna"), SlotSet("cb_insurance", "Aetna")]


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("what happens at the assessment", "ask_assessment", "takes about an hour"),
        ("any online ones?", "meeting_followup", "not sure I understood"),
    ],
)
async def test_a_message_sent_here_by_the_topic_but_not_about_insurance_gets_its_own_answer(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], text: str, intent: str, expected: str
) -> None:
    events = await ActionAnswerInsurance().run(dispatcher, make_tracker(text, intent, slots={"insurer": "Aetna"}), domain)
    (message,) = dispatcher.messages
    shown = message.get("text") or domain["responses"][message["response"]][0]["text"]
    assert expected in shown
    assert events == []


async def test_a_spanish_copay_question_gets_the_verification_in_spanish(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    """The domain response's fill-in value came from the English data: English inside Spanish."""
    tracker = make_tracker("¿hay copago?", "ask_insurance", slots={"language": "es"})
    await ActionAnswerInsurance().run(dispatcher, tracker, domain)
    [message] = [m for m in dispatcher.messages if m.get("response")]
    assert message["response"] == "utter_insurance_copay_which"
    assert message["verification"].startswith("Mándenos los datos de su tarjeta")
