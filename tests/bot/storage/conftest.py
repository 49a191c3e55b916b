"""A new, empty PostgreSQL database per test on the machine's real server, dropped afterwards.

The server is the one the machine runs on loopback (TEST_POSTGRES_URL names another: any database
on it that the user may connect to, to create the test's own).
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://127.0.0.1:5432/postgres")


@pytest.fixture
def postgres() -> Iterator[Engine]:
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT", future=True)
    name = f"companion_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {SERVER} ({exc.orig}). Start it "
            "(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_POSTGRES_URL.",
            pytrace=False,
        )
    engine = sa.create_engine(make_url(SERVER).set(database=name), future=True)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
