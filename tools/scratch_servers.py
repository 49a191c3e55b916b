"""A new, empty PostgreSQL database (dropped afterwards) and an emptied Redis database, on the
machine's own servers: for the production profile's tests and benchmarks.

SCRATCH_POSTGRES_URL names the PostgreSQL server (any database on it the user may connect to, to
create the scratch one) and SCRATCH_REDIS_URL the Redis database to empty; both default to the
standard loopback ports.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from typing import Iterator

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

POSTGRES = os.environ.get("SCRATCH_POSTGRES_URL", "postgresql+psycopg2://127.0.0.1:5432/postgres")
REDIS = os.environ.get("SCRATCH_REDIS_URL", "redis://127.0.0.1:6379/14")


class ServerUnavailable(RuntimeError):
    """A server is not reachable; the message says which and how to start it."""


@contextlib.contextmanager
def fresh_postgres(prefix: str = "companion_scratch") -> Iterator[Engine]:
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", future=True)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        raise ServerUnavailable(
            f"PostgreSQL is not reachable at {POSTGRES} ({exc.orig}). Start it "
            "(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set SCRATCH_POSTGRES_URL."
        ) from None
    engine = sa.create_engine(make_url(POSTGRES).set(database=name), future=True)
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
        raise ServerUnavailable(
            f"Redis is not reachable at {REDIS} ({exc}). Start it (redis-server --daemonize yes --bind 127.0.0.1) "
            "or set SCRATCH_REDIS_URL."
        ) from None
    try:
        yield REDIS
    finally:
        client.flushdb()
        client.close()
