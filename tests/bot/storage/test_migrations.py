"""Schema migrations (bot/storage/schema.py, bot/storage/migrations/) on a real SQLite file and a
real PostgreSQL database: migrating gives exactly the tables bot/storage/db.py declares, a
database made before migrations joins them with its rows, and concurrent starts are safe."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from bot.storage import schema
from bot.storage.db import leads, make_engine, metadata
from bot.storage.schema import alembic_config, current, head, migrate

NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.timezone.utc)


def differences(engine: Engine) -> List[object]:
    """What the database's tables lack or have beyond bot/storage/db.py's (empty: the same)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_server_default": True, "compare_type": True})
        return [diff for diff in compare_metadata(context, metadata) if not _rasa_table(diff)]


def _rasa_table(diff: object) -> bool:
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == "events"


@pytest.fixture
def sqlite(tmp_path: Path) -> Engine:
    return make_engine(tmp_path / "companion.db")


def test_migrating_a_new_sqlite_database_gives_the_declared_schema(sqlite: Engine) -> None:
    assert current(sqlite) is None
    migrate(sqlite)
    assert current(sqlite) == head()
    assert differences(sqlite) == []


def test_migrating_a_new_postgresql_database_gives_the_declared_schema(postgres: Engine) -> None:
    migrate(postgres)
    assert current(postgres) == head()
    assert differences(postgres) == []
    with postgres.connect() as connection:  # the partial unique indexes exist on PostgreSQL too
        indexes = set(connection.execute(sa.text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")).scalars())
    assert {"one_unresolved_escalation_per_conversation", "one_open_handoff_per_conversation"} <= indexes


def test_the_schema_checks_hold_on_postgresql(postgres: Engine) -> None:
    migrate(postgres)
    with pytest.raises(sa.exc.IntegrityError, match="lead_has_contact"), postgres.begin() as connection:
        connection.execute(
            leads.insert().values(
                conversation_id="c", first_name="Sam", best_time="any", for_whom="me", consent_at=NOW, created_at=NOW
            )
        )


def test_a_database_made_before_migrations_keeps_its_rows(sqlite: Engine) -> None:
    # Before migrations, each process ran metadata.create_all: here an older one that had leads
    # only, as they were then (without the columns migrations added since: language, 0003).
    then = sa.Table("leads", sa.MetaData(), *[c.copy() for c in leads.columns if c.name != "language"])
    then.create(sqlite)
    with sqlite.begin() as connection:
        connection.execute(
            leads.insert().values(
                conversation_id="c1",
                first_name="Sam",
                phone="+17605550199",
                best_time="mornings",
                for_whom="me",
                consent_at=NOW,
                created_at=NOW,
            )
        )
    migrate(sqlite)
    assert current(sqlite) == head()
    assert differences(sqlite) == []
    with sqlite.connect() as connection:
        assert connection.execute(sa.select(leads.c.first_name)).scalars().all() == ["Sam"]


def test_rasa_s_own_tables_are_left_alone(sqlite: Engine) -> None:
    with sqlite.begin() as connection:
        connection.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))"))
        connection.execute(sa.text("INSERT INTO events (sender_id) VALUES ('c1')"))
    migrate(sqlite)
    with sqlite.connect() as connection:
        assert connection.execute(sa.text("SELECT sender_id FROM events")).scalars().all() == ["c1"]


def test_a_database_at_the_newest_revision_is_not_migrated_again(sqlite: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    migrate(sqlite)

    def must_not_run(engine: Engine) -> None:
        raise AssertionError("upgraded a database already at head")

    monkeypatch.setattr(schema, "_upgrade", must_not_run)
    migrate(sqlite)


def _start(url: str) -> None:
    """One process of the service starting: its own engine, then the migration."""
    engine = make_engine(Path(url.removeprefix("sqlite:///"))) if url.startswith("sqlite") else sa.create_engine(url)
    migrate(engine)
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_processes_starting_together_on_a_new_database_all_get_the_schema(backend: str, request: pytest.FixtureRequest) -> None:
    engine: Engine = request.getfixturevalue(backend)
    url = engine.url.render_as_string(hide_password=False)
    processes = [multiprocessing.get_context("fork").Process(target=_start, args=(url,)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    assert current(engine) == head()
    assert differences(engine) == []


def test_revisions_form_one_numbered_line() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [head()]
    revisions = [script.revision for script in scripts.walk_revisions()][::-1]
    assert revisions == [f"{number:04d}" for number in range(1, len(revisions) + 1)]
