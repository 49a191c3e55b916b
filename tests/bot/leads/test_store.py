"""The lead store on a real SQLite database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.leads.store import Lead, LeadStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate


@pytest.fixture
def store(tmp_path: Path) -> LeadStore:
    engine = make_engine(tmp_path / "nested" / "leads.db")
    migrate(engine)
    return LeadStore(engine)


def lead(**changes: object) -> Lead:
    values = dict(
        conversation_id="c1",
        first_name="Sam",
        best_time="mornings",
        for_whom="myself",
        consent_at=dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.timezone.utc),
        phone="(760) 555-0199",
    )
    values.update(changes)
    return Lead(**values)  # type: ignore[arg-type]


def test_saved_leads_are_found_by_conversation(store: LeadStore) -> None:
    first = store.add(lead())
    second = store.add(lead(first_name="Dee", phone=None, email="dee@example.com"))
    store.add(lead(conversation_id="other"))
    rows = store.for_conversation("c1")
    assert [r["id"] for r in rows] == [first, second]
    assert rows[1]["email"] == "dee@example.com" and rows[0]["status"] == "new"


def test_a_lead_needs_a_way_to_reach_them(store: LeadStore) -> None:
    with pytest.raises(ValueError, match="phone number or an e-mail"):
        store.add(lead(phone=None))


def test_database_enforces_contact_too(store: LeadStore) -> None:
    from bot.storage.db import leads

    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as connection:
            connection.execute(
                leads.insert().values(
                    conversation_id="c",
                    first_name="x",
                    best_time="t",
                    for_whom="f",
                    consent_at=dt.datetime.now(dt.timezone.utc),
                    created_at=dt.datetime.now(dt.timezone.utc),
                )
            )


def test_sqlite_runs_in_wal_mode(store: LeadStore) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
