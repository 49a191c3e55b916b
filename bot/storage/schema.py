"""Brings a database's tables to the schema the code expects (Alembic, bot/storage/migrations/).

``python -m bot run`` migrates once before it starts the service's processes; each process that
opens the database migrates too, which costs one read when the schema is current, so a test, a
CLI command or a process started on its own never meets a missing table. Two processes migrating
one new database at once are serialised, PostgreSQL by an advisory lock and SQLite by a lock on a
file beside the database: the second finds the schema current and does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK = 7_310_421  # PostgreSQL advisory lock key: any constant of our own


def alembic_config(connection: Optional[Connection] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head() -> str:
    """The newest revision in bot/storage/migrations/versions/."""
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if found is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS / 'versions'}")
    return found


def current(engine: Engine) -> Optional[str]:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Upgrades the database to :func:`head`; nothing to do (one read) when it is there."""
    if current(engine) == head():
        return
    with _sqlite_file_lock(engine):
        _upgrade(engine)
    log.info("database schema at revision %s", head())


def _upgrade(engine: Engine) -> None:
    """Alembic reads the revision again once the lock is held, so a migration another process
    finished meanwhile is not run twice."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SET LOCAL lock_timeout = 0"))  # another process's migration: wait it out
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        command.upgrade(alembic_config(connection), "head")


@contextlib.contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    # pysqlite runs DDL outside a transaction, so SQLite's own lock cannot hold a whole migration.
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    # Private like the database beside it (the files under var/ are the owner's only).
    lock = os.open(f"{database}.migrating", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)  # releases the lock
