"""The conversation's language, set by the policy from the person's messages."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language.choice import READING_KEY
from bot.rasa.language_policy import LanguagePolicy
from bot.said import REPLAYED
from bot.settings import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def said(text: str, language: str, metadata: Optional[Dict[str, Any]] = None) -> UserUttered:
    parse = {"text": text, "intent": {"name": "ask_cost", "confidence": 0.9}, READING_KEY: {"code": language, "strong": False}}
    return UserUttered(text, parse["intent"], parse_data=parse, metadata=metadata)


def language_after(events: List[Event]) -> Optional[str]:
    tracker = DialogueStateTracker.from_events("c1", events, DOMAIN.slots)
    context = ExecutionContext(GraphSchema({}), "test")
    policy = LanguagePolicy(LanguagePolicy.get_default_config(), None, None, context)  # type: ignore[arg-type]
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    return next((e.value for e in prediction.events if isinstance(e, SlotSet)), tracker.get_slot("language"))


def test_two_short_messages_in_another_language_switch_it_but_a_replayed_one_counts_once() -> None:
    start = [ActionExecuted("action_listen"), said("how much is it", "en"), SlotSet("language", "en")]
    assert language_after(start + [said("cuanto cuesta", "es"), said("y el seguro", "es")]) == "es"
    replayed = said("cuanto cuesta", "es", {REPLAYED: True})  # actions/screening.py: said once, replayed once
    assert language_after(start + [said("cuanto cuesta", "es"), replayed]) == "en"
