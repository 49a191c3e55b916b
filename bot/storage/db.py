"""The database engine and the service's tables (SQLAlchemy Core).

SQLite by default, shared with Rasa's tracker store; WAL mode and a busy timeout let Rasa, the
action server and the web app write to the same file from separate processes.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()

leads = sa.Table(
    "leads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("first_name", sa.String(80), nullable=False),
    sa.Column("phone", sa.String(32)),
    sa.Column("email", sa.String(254)),
    sa.Column("best_time", sa.String(120), nullable=False),
    sa.Column("for_whom", sa.String(120), nullable=False),
    sa.Column("insurance", sa.String(120)),
    sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, server_default="new"),
    sa.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="lead_has_contact"),
)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(database: Path) -> Engine:
    database = Path(database)
    database.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{database}", future=True)
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)
