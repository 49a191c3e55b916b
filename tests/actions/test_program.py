"""action_answer_question: every program intent is answered from the center's data."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.program import ActionAnswerQuestion
from bot.settings import PROJECT_ROOT
from tests.actions.conftest import make_tracker

RULES = yaml.safe_load((PROJECT_ROOT / "data" / "rules" / "program.yml").read_text())["rules"]
ROUTED = sorted({rule["steps"][0]["intent"] for rule in RULES})


@pytest.mark.parametrize("intent", ROUTED + ["greet"])
async def test_every_routed_intent_gets_its_answer(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], intent: str
) -> None:
    events = await ActionAnswerQuestion().run(dispatcher, make_tracker("question", intent), domain)
    assert events == []
    [message] = dispatcher.messages
    assert message["text"] and "{{" not in message["text"]


async def test_greeting_says_automated_not_clinician_and_gives_988_911(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    await ActionAnswerQuestion().run(dispatcher, make_tracker("hi", "greet"), domain)
    text = dispatcher.messages[0]["text"]
    assert "automated assistant" in text and "not a clinician" in text
    assert "988" in text and "911" in text
    assert dispatcher.messages[0]["buttons"]


async def test_answers_follow_the_data(
    service_env: Path, program_copy: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    path = program_copy / "admissions.yml"
    data = yaml.safe_load(path.read_text())
    data["admissions"]["what_to_bring"].append("your favourite mug")
    path.write_text(yaml.safe_dump(data))
    await ActionAnswerQuestion().run(dispatcher, make_tracker("what do i bring", "ask_first_day"), domain)
    assert "your favourite mug" in dispatcher.messages[0]["text"]


async def test_unknown_intent_falls_back(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    await ActionAnswerQuestion().run(dispatcher, make_tracker("zzz", "not_an_intent"), domain)
    assert dispatcher.messages[0]["response"] == "utter_fallback"


async def test_mat_answer_never_gives_doses(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    await ActionAnswerQuestion().run(dispatcher, make_tracker("suboxone?", "ask_mat"), domain)
    text = dispatcher.messages[0]["text"]
    assert "mg" not in text.split() and "can't advise" in text
