"""Fixtures for the safety net: a real SQLite database with the service's tables."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from sqlalchemy.engine import Engine

from bot.storage.db import make_engine
from bot.storage.schema import migrate


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(tmp_path / "safety.db")
    migrate(engine)
    yield engine
    engine.dispose()


def user_event(text: str, intent: str, crisis_type: Optional[str] = None, timestamp: Optional[float] = None) -> Dict[str, Any]:
    """A user event as Rasa's tracker store saves it."""
    entities: List[Dict[str, Any]] = []
    if crisis_type:
        entities.append(
            {"entity": "crisis_type", "value": crisis_type, "start": 0, "end": len(text), "extractor": "CrisisSafetyNet"}
        )
    return {
        "event": "user",
        "timestamp": time.time() if timestamp is None else timestamp,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": entities, "text": text},
    }


# One message per reply the encoder's reply head tells apart (bot/safety/risk.py REPLY_KINDS), for
# the small classifiers the tests train.
REPLY_EXAMPLES: Dict[str, str] = {
    "im safe now, i wont do anything": "crisis_safe",
    "this isnt an emergency, i was asking for my boyfriend": "crisis_false_alarm",
    "i cant call, he will hear me": "crisis_cannot_call",
    "ok i texted 988": "crisis_contacted",
    "the ambulance is here": "crisis_help_arrived",
    "ok": "affirm",
    "no not really": "deny",
    "can i talk to a real person": "request_human",
    "i am going to kill myself": "crisis",
}
