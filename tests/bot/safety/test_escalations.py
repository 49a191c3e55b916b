"""Escalations recorded from saved events, one per conversation, and staff transitions."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.safety.escalations import (
    EVENT_CREATED,
    EVENT_REMINDER,
    EVENT_UPDATED,
    EscalationNotFound,
    EscalationStore,
    InvalidTransition,
    crisis_messages,
    record_crisis_events,
    utcnow,
)
from bot.storage.db import escalations, notifications
from bot.storage.schema import migrate
from tests.bot.safety.conftest import user_event


def _notifications(engine: Engine) -> list:
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(notifications).order_by(notifications.c.created_at))]


def test_only_crisis_messages_are_picked_from_events() -> None:
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        user_event("what are your hours", "ask_time_commitment"),
        user_event("i want to end it all", "crisis", "suicide"),
        user_event("/crisis", "crisis"),  # a button without a type still counts, as unspecified
    ]
    found = crisis_messages("c1", events)
    assert [(m.crisis_type, m.text) for m in found] == [("suicide", "i want to end it all"), ("unspecified", "/crisis")]


def test_first_crisis_opens_an_escalation_and_queues_one_notification(engine: Engine) -> None:
    [escalation_id] = record_crisis_events(engine, "c1", [user_event("he isn't breathing", "crisis", "overdose")])
    store = EscalationStore(engine)
    data = store.get(escalation_id)
    assert data["status"] == "open" and data["crisis_type"] == "overdose" and data["conversation_id"] == "c1"
    assert data["message"] == "he isn't breathing" and [m["message"] for m in data["messages"]] == ["he isn't breathing"]
    assert [n["event"] for n in _notifications(engine)] == [EVENT_CREATED]


def test_later_crisis_messages_join_the_open_escalation(engine: Engine) -> None:
    first = record_crisis_events(engine, "c1", [user_event("i want to die", "crisis", "suicide", 1.0)])
    again = record_crisis_events(engine, "c1", [user_event("i really mean it", "crisis", "suicide", 2.0)])
    other_kind = record_crisis_events(engine, "c1", [user_event("i took all my pills", "crisis", "overdose", 3.0)])
    assert first == again == other_kind
    data = EscalationStore(engine).get(first[0])
    assert len(data["messages"]) == 3
    assert data["crisis_type"] == "overdose"  # the most urgent danger seen so far
    # Same kind again: no new page. A new kind of danger: staff are told.
    assert [n["event"] for n in _notifications(engine)] == [EVENT_CREATED, EVENT_UPDATED]
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(escalations)).scalar() == 1


def test_a_resolved_escalation_is_not_reopened_a_new_one_starts(engine: Engine) -> None:
    store = EscalationStore(engine)
    [first] = record_crisis_events(engine, "c1", [user_event("kms", "crisis", "suicide")])
    store.resolve(first, "Dana (on call)", "spoke with client, safety plan in place")
    [second] = record_crisis_events(engine, "c1", [user_event("kms", "crisis", "suicide")])
    assert second != first and store.get(second)["status"] == "open"


def test_conversations_do_not_share_escalations(engine: Engine) -> None:
    a = record_crisis_events(engine, "a", [user_event("kms", "crisis", "suicide")])
    b = record_crisis_events(engine, "b", [user_event("kms", "crisis", "suicide")])
    assert a != b


def test_the_database_refuses_two_unresolved_escalations_for_one_conversation(engine: Engine) -> None:
    record_crisis_events(engine, "c1", [user_event("kms", "crisis", "suicide")])
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(
            escalations.insert().values(
                id="x" * 32,
                conversation_id="c1",
                crisis_type="suicide",
                message="m",
                created_at=sa.func.now(),
                last_message_at=sa.func.now(),
                status="open",
            )
        )


def test_acknowledge_then_resolve_records_who_and_when(engine: Engine) -> None:
    store = EscalationStore(engine)
    [escalation_id] = record_crisis_events(engine, "c1", [user_event("kms", "crisis", "suicide")])
    acknowledged = store.acknowledge(escalation_id, "Sam Rivera", "calling now")
    assert acknowledged["status"] == "acknowledged" and acknowledged["acknowledged_by"] == "Sam Rivera"
    assert acknowledged["acknowledged_at"] is not None and acknowledged["note"] == "calling now"
    resolved = store.resolve(escalation_id, "Sam Rivera")
    assert resolved["status"] == "resolved" and resolved["resolved_by"] == "Sam Rivera" and resolved["note"] == "calling now"
    assert [e["id"] for e in store.list(status="resolved")] == [escalation_id]
    assert store.list(status="open") == []


@pytest.mark.parametrize(
    "steps, failing", [(["resolve"], "acknowledge"), (["resolve"], "resolve"), (["acknowledge"], "acknowledge")]
)
def test_impossible_transitions_are_refused(engine: Engine, steps: list, failing: str) -> None:
    store = EscalationStore(engine)
    [escalation_id] = record_crisis_events(engine, "c1", [user_event("kms", "crisis", "suicide")])
    for step in steps:
        getattr(store, step)(escalation_id, "Sam")
    with pytest.raises(InvalidTransition):
        getattr(store, failing)(escalation_id, "Sam")


def test_unknown_escalation(engine: Engine) -> None:
    with pytest.raises(EscalationNotFound):
        EscalationStore(engine).acknowledge("nope", "Sam")


def test_unresolved_is_the_conversations_escalation_in_progress(engine: Engine) -> None:
    store = EscalationStore(engine)
    assert store.unresolved("c1") is None
    [escalation_id] = record_crisis_events(engine, "c1", [user_event("i took all my pills", "crisis", "overdose")])
    record_crisis_events(engine, "c2", [user_event("kms", "crisis", "suicide")])
    assert store.unresolved("c1") == {"id": escalation_id, "status": "open", "crisis_type": "overdose"}
    store.acknowledge(escalation_id, "Sam")
    assert store.unresolved("c1") == {"id": escalation_id, "status": "acknowledged", "crisis_type": "overdose"}
    store.resolve(escalation_id, "Sam")
    assert store.unresolved("c1") is None  # resolved is history, not in progress
    assert store.unresolved("c2") is not None and store.unresolved("c3") is None


def test_reopen_makes_an_acknowledged_escalation_open_and_notifies_at_once(engine: Engine) -> None:
    store = EscalationStore(engine)
    [escalation_id] = record_crisis_events(engine, "c1", [user_event("kms", "crisis", "suicide")])
    store.acknowledge(escalation_id, "Dana Reyes", "Took over the live chat.")
    before = utcnow()
    assert store.reopen(escalation_id, "The live chat ended without a hand-back.") is True
    data = store.get(escalation_id)
    assert data["status"] == "open"
    assert (data["acknowledged_by"], data["acknowledged_at"]) == (None, None)
    assert data["note"] == "The live chat ended without a hand-back."
    assert before <= data["last_reminder_at"] <= utcnow()
    assert [n["event"] for n in _notifications(engine)] == [EVENT_CREATED, EVENT_REMINDER]
    reminder = _notifications(engine)[-1]
    assert reminder["escalation_id"] == escalation_id and reminder["target"] == "primary" and reminder["delivered_at"] is None
    assert reminder["next_attempt_at"].replace(tzinfo=dt.timezone.utc) <= utcnow()  # due now, not after the ack timeout
    # Open again, it can be acknowledged (taken over) again.
    assert store.acknowledge(escalation_id, "Sam")["status"] == "acknowledged"


@pytest.mark.parametrize("steps", [[], ["resolve"], ["acknowledge", "resolve"]])
def test_reopen_changes_nothing_unless_acknowledged(engine: Engine, steps: list) -> None:
    store = EscalationStore(engine)
    [escalation_id] = record_crisis_events(engine, "c1", [user_event("kms", "crisis", "suicide")])
    for step in steps:
        getattr(store, step)(escalation_id, "Sam", "a note")
    before = store.get(escalation_id)
    assert store.reopen(escalation_id, "left") is False
    after = store.get(escalation_id)
    assert after == before  # status, note, notifications: all as they were
    assert [n["event"] for n in _notifications(engine)] == [EVENT_CREATED]


def test_reopen_an_unknown_escalation_is_false(engine: Engine) -> None:
    assert EscalationStore(engine).reopen("nope", "left") is False
    assert _notifications(engine) == []


def action(name: str, timestamp: float = 2.0) -> dict:
    return {"event": "action", "name": name, "timestamp": timestamp}


def test_a_crisis_answer_to_an_ordinary_intent_is_a_crisis_turn() -> None:
    # A "yes" to the screening question: the message is "affirm", the answer is the crisis answer.
    events = [user_event("yes", "affirm", timestamp=1.0), action("utter_crisis")]
    [found] = crisis_messages("c1", events, current_type="suicide")
    assert (found.text, found.crisis_type) == ("yes", "suicide")


def test_a_crisis_message_and_its_answer_count_once_even_across_saves() -> None:
    message, answer = user_event("i want to end it all", "crisis", "suicide"), action("utter_crisis")
    assert len(crisis_messages("c1", [message, answer])) == 1
    # Saved in two steps: the message first, its answer later.
    assert len(crisis_messages("c1", [message])) == 1
    assert crisis_messages("c1", [answer], earlier=[message]) == []


def test_an_answer_saved_after_its_ordinary_message_still_counts() -> None:
    earlier = [user_event("nothing matters, i have the pills right here", "affirm", timestamp=1.0)]
    [found] = crisis_messages("c1", [action("utter_crisis")], earlier=earlier, current_type=None)
    assert found.text.startswith("nothing matters") and found.crisis_type == "unspecified"


def test_the_screening_yes_opens_an_escalation(engine: Engine) -> None:
    [escalation_id] = record_crisis_events(
        engine, "c1", [user_event("yes", "affirm"), action("utter_crisis")], current_type="suicide"
    )
    assert EscalationStore(engine).get(escalation_id)["crisis_type"] == "suicide"


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "x" * 300, 42, "Suicide", ""])
def test_a_crisis_type_typed_by_hand_is_recorded_as_unspecified(typed: object) -> None:
    event = user_event("/crisis", "crisis")
    event["parse_data"]["entities"] = [{"entity": "crisis_type", "value": typed}]
    [found] = crisis_messages("c1", [event])
    assert found.crisis_type == "unspecified"
    [answered] = crisis_messages(
        "c1", [user_event("yes", "affirm"), {"event": "action", "name": "utter_crisis", "timestamp": 2.0}], current_type=typed
    )
    assert answered.crisis_type == "unspecified"


def test_a_resolve_written_between_the_read_and_the_write_of_an_acknowledge_stands(postgres: Engine) -> None:
    """The acknowledge read "open", then the escalation was resolved (here by a plain update, as
    a writer that takes no lock would): the acknowledge's write holds only from "open", so it is
    refused and the escalation stays resolved."""
    migrate(postgres)
    store = EscalationStore(postgres)
    [escalation_id] = record_crisis_events(postgres, "c1", [user_event("kms", "crisis", "suicide")])
    resolved_meanwhile = []

    def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("SELECT escalations.status") and not resolved_meanwhile:
            resolved_meanwhile.append(True)
            with postgres.begin() as other:
                other.execute(escalations.update().where(escalations.c.id == escalation_id).values(status="resolved"))

    sa.event.listen(postgres, "after_cursor_execute", after)
    try:
        with pytest.raises(InvalidTransition, match="changed meanwhile"):
            store.acknowledge(escalation_id, "Sam")
    finally:
        sa.event.remove(postgres, "after_cursor_execute", after)
    assert resolved_meanwhile and store.get(escalation_id)["status"] == "resolved"


def test_a_crisis_message_arriving_while_staff_resolve_is_never_swallowed_by_the_resolve(postgres: Engine) -> None:
    """While a resolve is under way, a crisis message in the same conversation waits for it, then
    opens a new escalation (and a page): it is never added to the escalation being resolved."""
    migrate(postgres)
    store = EscalationStore(postgres)
    [escalation_id] = record_crisis_events(postgres, "c1", [user_event("kms", "crisis", "suicide")])
    waited = []

    def crisis_message() -> None:
        record_crisis_events(postgres, "c1", [user_event("im going to do it tonight", "crisis", "suicide")])

    def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("SELECT escalations.status") and not waited:
            worker = threading.Thread(target=crisis_message)
            worker.start()
            worker.join(1.0)
            waited.append(worker)

    sa.event.listen(postgres, "after_cursor_execute", after)
    try:
        store.resolve(escalation_id, "Dana")
    finally:
        sa.event.remove(postgres, "after_cursor_execute", after)
    waited[0].join(10)
    with postgres.connect() as connection:
        rows = connection.execute(sa.select(escalations.c.id, escalations.c.status, escalations.c.message)).all()
    assert sorted((status, message) for _, status, message in rows) == [
        ("open", "im going to do it tonight"),
        ("resolved", "kms"),
    ]
