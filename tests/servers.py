"""The machine's real servers for the production profile's tests: a new, empty PostgreSQL
database (dropped afterwards) and a Redis database emptied before and after.

The servers are the ones the machine runs on loopback; TEST_POSTGRES_URL names another PostgreSQL
(any database on it the user may connect to, to create the test's own) and TEST_REDIS_URL another
Redis database.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from typing import Iterator

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://127.0.0.1:5432/postgres")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@contextlib.contextmanager
def fresh_postgres() -> Iterator[Engine]:
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


@contextlib.contextmanager
def fresh_redis() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(
            f"Redis is not reachable at {REDIS} ({exc}). Start it (redis-server --daemonize yes --bind 127.0.0.1) "
            "or set TEST_REDIS_URL.",
            pytrace=False,
        )
    try:
        yield REDIS
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def postgres() -> Iterator[Engine]:
    with fresh_postgres() as engine:
        yield engine


@pytest.fixture
def redis_url() -> Iterator[str]:
    with fresh_redis() as url:
        yield url
