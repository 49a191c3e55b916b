"""The machine's real servers for the production profile's tests: a new, empty PostgreSQL
database per test (dropped afterwards) and a Redis database emptied before and after
and no RabbitMQ event queue left from before (tools/scratch_servers.py; SCRATCH_POSTGRES_URL,
SCRATCH_REDIS_URL and SCRATCH_RABBITMQ_URL name other servers)."""

from __future__ import annotations

import contextlib
from typing import ContextManager, Iterator, TypeVar

import pytest
from sqlalchemy.engine import Engine

from tools import scratch_servers
from tools.scratch_servers import ServerUnavailable

T = TypeVar("T")


@contextlib.contextmanager
def _or_fail(server: ContextManager[T]) -> Iterator[T]:
    """The scratch server, or the test fails with the message that says how to start it."""
    try:
        with server as value:
            yield value
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


def fresh_postgres() -> ContextManager[Engine]:
    return _or_fail(scratch_servers.fresh_postgres("companion_test"))


def fresh_redis() -> ContextManager[str]:
    return _or_fail(scratch_servers.fresh_redis())


def fresh_rabbitmq() -> ContextManager[str]:
    return _or_fail(scratch_servers.fresh_rabbitmq())


@pytest.fixture
def postgres() -> Iterator[Engine]:
    with fresh_postgres() as engine:
        yield engine


@pytest.fixture
def redis_url() -> Iterator[str]:
    with fresh_redis() as url:
        yield url
