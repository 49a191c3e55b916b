"""Helpers to run an action the way the action server does, on a hand-built tracker."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import PROJECT_ROOT

DOMAIN: Dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def make_tracker(
    text: str,
    intent: str,
    confidence: float = 0.95,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    sender_id: str = "test-conversation",
    latest_action_name: str = "action_listen",
    metadata: Optional[Dict[str, Any]] = None,
    input_channel: Optional[str] = None,
) -> Tracker:
    """``input_channel``: the channel the message came in on (``socketio`` for the website's chat,
    ``rest``, ...), as Rasa records it on the user event; without it the tracker has no events."""
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    events: List[Dict[str, Any]] = []
    if input_channel is not None:
        events.append(
            {
                "event": "user",
                "timestamp": 0.0,
                "text": text,
                "parse_data": latest_message,
                "input_channel": input_channel,
                "metadata": metadata or {},
            }
        )
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest_message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=latest_action_name,
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> Dict[str, Any]:
    return DOMAIN
