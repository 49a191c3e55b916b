"""The machine's real servers for the production profile's tests: a new, empty PostgreSQL
database per test (dropped afterwards) and a Redis database emptied before and after
and no RabbitMQ event queue left from before (tools/scratch_servers.py; SCRATCH_POSTGRES_URL,
SCRATCH_REDIS_URL and SCRATCH_RABBITMQ_URL name other servers)."""

from __future__ import annotations

import contextlib
from typing import Iterator

import pytest
from sqlalchemy.engine import Engine

from tools import scratch_servers
from tools.scratch_servers import ServerUnavailable


@contextlib.contextmanager
def fresh_postgres() -> Iterator[Engine]:
    try:
        with scratch_servers.fresh_postgres("companion_test") as engine:
            yield engine
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@contextlib.contextmanager
def fresh_redis() -> Iterator[str]:
    try:
        with scratch_servers.fresh_redis() as url:
            yield url
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@contextlib.contextmanager
def fresh_rabbitmq() -> Iterator[str]:
    try:
        with scratch_servers.fresh_rabbitmq() as url:
            yield url
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def postgres() -> Iterator[Engine]:
    with fresh_postgres() as engine:
        yield engine


@pytest.fixture
def redis_url() -> Iterator[str]:
    with fresh_redis() as url:
        yield url
