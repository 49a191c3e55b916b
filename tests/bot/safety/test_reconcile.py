"""The backstop finds a crisis turn that has no escalation and raises one, once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.safety.escalations import record_crisis_events, utcnow
from bot.safety.reconcile import reconcile, unescalated
from bot.storage.db import escalations, notifications
from bot.storage.rasa_events import events, rasa_metadata
from tests.bot.safety.conftest import user_event

NOW = utcnow()


def ago(minutes: float) -> float:
    return (NOW - dt.timedelta(minutes=minutes)).timestamp()


@pytest.fixture
def rasa_events(engine: Engine) -> Engine:
    rasa_metadata.create_all(engine)
    return engine


def save(engine: Engine, sender_id: str, *items: Dict[str, Any]) -> None:
    """Events as Rasa's tracker store writes them."""
    with engine.begin() as connection:
        for item in items:
            connection.execute(
                events.insert().values(
                    sender_id=sender_id,
                    type_name=item["event"],
                    timestamp=item["timestamp"],
                    intent_name=(item.get("parse_data") or {}).get("intent", {}).get("name"),
                    action_name=item.get("name"),
                    data=json.dumps(item),
                )
            )


def action(name: str, timestamp: float) -> Dict[str, Any]:
    return {"event": "action", "name": name, "timestamp": timestamp}


def count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_a_crisis_turn_without_an_escalation_gets_one_with_a_notification(rasa_events: Engine) -> None:
    save(rasa_events, "c-gap", user_event("i took all my pills", "crisis", "overdose", ago(5)), action("utter_crisis", ago(5)))
    [escalation_id] = reconcile(rasa_events, NOW)
    with rasa_events.connect() as connection:
        row = connection.execute(sa.select(escalations)).one()
    assert (row.id, row.conversation_id, row.crisis_type) == (escalation_id, "c-gap", "overdose")
    assert count(rasa_events, notifications) == 1
    assert reconcile(rasa_events, NOW) == []  # once: the next round finds nothing missing


def test_turns_already_escalated_are_left_alone(rasa_events: Engine) -> None:
    said = user_event("i want to die", "crisis", "suicide", ago(5))
    save(rasa_events, "c-ok", said, action("utter_crisis", ago(5)))
    record_crisis_events(rasa_events, "c-ok", [said])
    assert unescalated(rasa_events, NOW) == []


def test_a_yes_to_the_screening_question_counts_with_the_type_asked_about(rasa_events: Engine) -> None:
    save(
        rasa_events,
        "c-screen",
        {"event": "slot", "name": "crisis_type", "value": "self_harm", "timestamp": ago(6)},
        user_event("yes", "affirm", timestamp=ago(5)),
        action("utter_crisis", ago(5)),
    )
    [missing] = unescalated(rasa_events, NOW)
    assert (missing.conversation_id, missing.crisis_type, missing.text) == ("c-screen", "self_harm", "yes")


def test_a_turn_still_being_written_and_one_too_old_are_not_touched(rasa_events: Engine) -> None:
    save(rasa_events, "c-new", user_event("kms", "crisis", "suicide", ago(0.2)))
    save(rasa_events, "c-old", user_event("kms", "crisis", "suicide", ago(60 * 24 * 3)))
    assert unescalated(rasa_events, NOW) == []


def test_before_rasa_ever_ran_there_is_nothing_to_check(engine: Engine) -> None:
    assert reconcile(engine, NOW) == []
