"""The question set aside by the screening question, handed back to the dialogue after a "no"."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import ActionAnswerSetAside
from bot.said import REPLAYED
from tests.actions.conftest import DOMAIN


def user(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": "socketio", "metadata": {"language": "es"}}


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def tracker(events: List[Dict[str, Any]]) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    return Tracker("c1", {}, latest, events, False, None, {}, "action_listen")


IEHP = [{"entity": "insurance_carrier", "value": "IEHP", "start": 8, "end": 12}]
ASIDE = [
    action("action_listen"),
    user("mi hijo anda tomando mucho", "risk_possible"),
    action("utter_risk_screen"),
    action("action_listen"),
    user("tenemos iehp", "ask_insurance", IEHP),
    action("utter_risk_screen_again"),
    action("action_listen"),
    user("no", "deny"),
    action("utter_risk_screen_no"),
]


async def test_the_question_is_said_again_as_it_was_with_a_mark_for_the_transcript() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerSetAside().run(dispatcher, tracker(ASIDE), DOMAIN)
    assert dispatcher.messages == []
    listen, replay = events
    assert listen["event"] == "action" and listen["name"] == "action_listen"
    assert replay["event"] == "user" and replay["text"] == "tenemos iehp" and replay["input_channel"] == "socketio"
    assert replay["parse_data"]["intent"]["name"] == "ask_insurance" and replay["parse_data"]["entities"] == IEHP
    assert replay["metadata"] == {"language": "es", REPLAYED: True}


async def test_nothing_set_aside_nothing_replayed() -> None:
    plain = ASIDE[:3] + [action("action_listen"), user("no", "deny"), action("utter_risk_screen_no")]
    assert await ActionAnswerSetAside().run(CollectingDispatcher(), tracker(plain), DOMAIN) == []
