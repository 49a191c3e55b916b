"""Staff stores on a real SQLite database in tmp_path, with cheap argon2 parameters for speed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from bot.staff import passwords
from bot.staff.audit import AuditLog
from bot.staff.sessions import SessionStore
from bot.staff.users import StaffUser, UserStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate

PASSWORD = "correct horse battery"
DEFAULT_HASHER = passwords._HASHER  # the production parameters, for the tests that check them
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """argon2id with the smallest parameters: the production ones cost ~0.2 s per hash."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_HASHER", hasher)
    return hasher


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(tmp_path / "var" / "staff.db")
    migrate(engine)
    return engine


@pytest.fixture
def users(engine: Engine) -> UserStore:
    return UserStore(engine)


@pytest.fixture
def sessions(engine: Engine) -> SessionStore:
    return SessionStore(engine)


@pytest.fixture
def audit(engine: Engine) -> AuditLog:
    return AuditLog(engine)


@pytest.fixture
def add_user(users: UserStore) -> Callable[..., StaffUser]:
    def add(username: str = "dana", role: str = "clinician", password: str = PASSWORD) -> StaffUser:
        return users.add(username, username.title(), role, password, now=T0)

    return add
