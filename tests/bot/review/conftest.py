"""Fixtures for the review inbox: a real SQLite database, and Rasa's events as the tracker store saves them."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest
from sqlalchemy.engine import Engine

from bot.storage.db import make_engine
from bot.storage.rasa_events import events
from bot.storage.schema import migrate

_clock = itertools.count(int(time.time()) - 3600)  # an hour ago, a second a step


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(tmp_path / "review.db")
    migrate(engine)
    with engine.begin() as connection:
        events.create(connection, checkfirst=True)  # Rasa's own table, made by Rasa in service
    yield engine
    engine.dispose()


def user(text: str, ranking: Sequence[Tuple[str, float]], timestamp: Optional[float] = None) -> Dict[str, Any]:
    """A user event; ``ranking`` is the model's intents, best first (``nlu_fallback`` may lead)."""
    names = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return {
        "event": "user",
        "timestamp": float(next(_clock)) if timestamp is None else timestamp,
        "text": text,
        "parse_data": {"intent": names[0], "intent_ranking": names, "entities": [], "text": text},
    }


def bot(text: str, action: str, timestamp: Optional[float] = None) -> List[Dict[str, Any]]:
    """The assistant's reply: the action, then what it said."""
    at = float(next(_clock)) if timestamp is None else timestamp
    return [{"event": "action", "name": action, "timestamp": at}, {"event": "bot", "text": text, "timestamp": at}]


def loop(name: Optional[str]) -> Dict[str, Any]:
    return {"event": "active_loop", "name": name}


def save(engine: Engine, conversation_id: str, saved: Sequence[Dict[str, Any]]) -> None:
    """Rasa's events table as Rasa writes it (what the transcripts and flags read)."""
    with engine.begin() as connection:
        for event in saved:
            connection.execute(
                events.insert().values(
                    sender_id=conversation_id,
                    type_name=event["event"],
                    timestamp=event.get("timestamp") or float(next(_clock)),
                    intent_name=((event.get("parse_data") or {}).get("intent") or {}).get("name"),
                    action_name=event.get("name"),
                    data=json.dumps(event),
                )
            )
