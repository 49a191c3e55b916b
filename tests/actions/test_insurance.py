"""action_answer_insurance: yes, let us verify, or no, with the next step; remembered for a callback."""
from __future__ import annotations

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
    assert events == [SlotSet("cb_insurance", slot)]


async def test_not_accepted_gives_the_next_step(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    await ActionAnswerInsurance().run(dispatcher, make_tracker("kaiser?", "ask_insurance"), domain)
    text = dispatcher.messages[0]["text"]
    assert "Kaiser" in text and "referral" in text and "(760) 555-0141" in text


async def test_no_carrier_named_lists_in_network_and_asks(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await ActionAnswerInsurance().run(dispatcher, make_tracker("is it covered by insurance", "ask_insurance"), domain)
    text = dispatcher.messages[0]["text"]
    assert "Aetna" in text and "Which insurance do you have?" in text
    assert events == []
