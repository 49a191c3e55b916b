"""Reads followed by writes that depend on them, run at once on PostgreSQL (bot/storage/db.py
``one_at_a_time``): the second waits for the first and sees what it wrote, instead of failing on
a unique index. SQLite lets one writer at a time anyway."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Callable, Dict, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.review.store import ReviewStore
from bot.safety.escalations import CrisisMessage, record
from bot.storage.db import escalation_messages, escalations, one_at_a_time, review_items, review_labels
from bot.storage.rasa_events import events
from bot.storage.schema import migrate

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.timezone.utc)
KEY = "k" * 64


@pytest.fixture
def database(postgres: Engine) -> Iterator[Engine]:
    migrate(postgres)
    events.create(postgres, checkfirst=True)
    yield postgres


def meanwhile(engine: Engine, first: Callable[[Connection], None], second: Callable[[], None]) -> Dict[str, str]:
    """``first`` in a transaction left open while ``second`` runs in another thread; then commits."""
    outcome: Dict[str, str] = {}

    def run() -> None:
        try:
            second()
            outcome["second"] = "done"
        except Exception as exc:  # noqa: BLE001 - the test reports what failed
            outcome["second"] = f"{type(exc).__name__}: {exc}"

    with engine.begin() as connection:
        first(connection)
        worker = threading.Thread(target=run)
        worker.start()
        worker.join(1.0)  # it waits on the lock; without it, it would have failed by now
        assert worker.is_alive(), outcome
    worker.join(10)
    return outcome


def test_a_crisis_turn_while_a_staff_label_opens_the_escalation_joins_it(database: Engine) -> None:
    def crisis_turn() -> None:
        with database.begin() as connection:
            record(connection, CrisisMessage("c1", "suicide", "I want to die", NOW))

    outcome = meanwhile(database, lambda c: record(c, CrisisMessage("c1", "unspecified", "missed crisis", NOW)), crisis_turn)
    assert outcome == {"second": "done"}
    with database.connect() as connection:
        assert connection.execute(sa.select(escalations.c.crisis_type)).scalars().all() == ["suicide"]
        assert connection.execute(sa.select(sa.func.count()).select_from(escalation_messages)).scalar() == 2


def test_two_staff_labelling_one_row_at_once_both_succeed_and_the_last_label_stands(database: Engine) -> None:
    with database.begin() as connection:
        connection.execute(
            review_items.insert().values(
                conversation_id="c1",
                event_timestamp=1.0,
                message_at=NOW,
                text="hi",
                key=KEY,
                reasons=",fallback,",
                created_at=NOW,
            )
        )

    def ann(connection: Connection) -> None:  # what ReviewStore.label does, held open
        one_at_a_time(connection, f"review_label:{KEY}")
        connection.execute(review_labels.insert().values(key=KEY, decision="exclude", labeled_by="ann", labeled_at=NOW))

    outcome = meanwhile(database, ann, lambda: ReviewStore(database).label(KEY, "exclude", None, "not for us", "bob"))
    assert outcome == {"second": "done"}
    with database.connect() as connection:
        assert connection.execute(sa.select(review_labels.c.labeled_by, review_labels.c.note)).all() == [("bob", "not for us")]
