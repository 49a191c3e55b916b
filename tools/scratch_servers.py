"""A new, empty PostgreSQL database (dropped afterwards), an emptied Redis database and an emptied
RabbitMQ event queue, on the machine's own servers: for the production profile's tests and benchmarks.

SCRATCH_POSTGRES_URL names the PostgreSQL server (any database on it the user may connect to, to
create the scratch one), SCRATCH_REDIS_URL the Redis database to empty and SCRATCH_RABBITMQ_URL
the RabbitMQ server (the default virtual host of guest/guest on loopback); all default to the
standard loopback ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from typing import Iterator

import aio_pika
import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot.records.event_feed import QUEUE

POSTGRES = os.environ.get("SCRATCH_POSTGRES_URL", "postgresql+psycopg2://127.0.0.1:5432/postgres")
REDIS = os.environ.get("SCRATCH_REDIS_URL", "redis://127.0.0.1:6379/14")
RABBITMQ = os.environ.get("SCRATCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


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


async def _delete_event_queue(url: str) -> None:
    connection = await aio_pika.connect(url, timeout=5)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(QUEUE)


@contextlib.contextmanager
def fresh_rabbitmq() -> Iterator[str]:
    """RabbitMQ with no event queue left from an earlier run; the queue Rasa makes is deleted after."""
    try:
        asyncio.run(_delete_event_queue(RABBITMQ))
    except (OSError, aio_pika.exceptions.AMQPError) as exc:
        raise ServerUnavailable(
            f"RabbitMQ is not reachable at {RABBITMQ} ({exc!r}). Start it (rabbitmq-server -detached) or set SCRATCH_RABBITMQ_URL."
        ) from None
    try:
        yield RABBITMQ
    finally:
        asyncio.run(_delete_event_queue(RABBITMQ))
