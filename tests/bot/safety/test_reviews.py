"""Review items: a "no" to the screening question, and a false alarm that stops the paging."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from bot.safety.escalations import record_crisis_events
from bot.safety.reviews import FALSE_ALARM, SCREENING_NO, pending, record_review_items, review_items
from tests.bot.safety.conftest import user_event


def action(name: str, timestamp: float = 2.0) -> dict:
    return {"event": "action", "name": name, "timestamp": timestamp}


def test_the_reply_marks_the_item_and_the_message_before_it_is_kept() -> None:
    events = [user_event("no im ok, just tired", "deny"), action("utter_risk_screen_no")]
    [item] = review_items("c1", events)
    assert (item.kind, item.message) == (SCREENING_NO, "no im ok, just tired")
    assert (
        review_items("c1", [action("utter_crisis_false_alarm")], earlier=[user_event("i meant the movie", "crisis_false_alarm")])[
            0
        ].kind
        == FALSE_ALARM
    )
    assert review_items("c1", [user_event("hi", "greet"), action("utter_greet")]) == []


def test_a_screening_no_is_stored_without_an_escalation(engine: Engine) -> None:
    assert (
        record_review_items(engine, "c1", [user_event("no", "deny"), action("utter_risk_screen_no")], crisis_type="suicide") == 1
    )
    [row] = pending(engine)
    assert row["kind"] == SCREENING_NO and row["escalation_id"] is None and row["crisis_type"] == "suicide"
    assert row["created_at"] is not None and row["reviewed_at"] is None


def test_a_false_alarm_is_tied_to_the_open_escalation(engine: Engine) -> None:
    [escalation_id] = record_crisis_events(engine, "c1", [user_event("my friend is overdosing", "crisis", "overdose")])
    record_review_items(
        engine, "c1", [user_event("sorry, i meant in a film", "crisis_false_alarm"), action("utter_crisis_false_alarm")]
    )
    [row] = pending(engine)
    assert row["kind"] == FALSE_ALARM and row["escalation_id"] == escalation_id
    assert isinstance(row["created_at"], dt.datetime)
