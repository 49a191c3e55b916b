"""The API on a real app: the console tests' realistic world (tests/bot/records/conftest.py)
copied into the app's SQLite file, three staff members with real sessions, and the token.

Principals: ``anonymous``, ``wrong-token``, ``admissions``, ``clinician``, ``admin`` (each a
staff user with a session cookie made by SessionStore) and ``token`` (STAFF_API_TOKEN).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from bot.settings import get_settings
from bot.staff import passwords
from bot.staff.audit import AuditEntry, AuditLog
from bot.staff.sessions import COOKIE_NAME, SessionStore
from bot.staff.users import StaffUser, UserStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from bot.web.app import create_app
from tests.bot.records.conftest import World, make_world

PASSWORD = "correct horse battery"
ROLES = ("admissions", "clinician", "admin")
PRINCIPALS = ("anonymous", "wrong-token", *ROLES, "token")
STAFF = {"admissions": ("ada", "Ada Reyes"), "clinician": ("cleo", "Cleo Ortiz"), "admin": ("root", "Rae Admin")}


@dataclass(frozen=True)
class Member:
    user: StaffUser
    token: str  # the session cookie's value
    csrf: str


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the smallest parameters: the production ones cost ~0.2 s per hash."""
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="module")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, World]:
    """The world, built once per module; each test gets a copy (``db``)."""
    path = tmp_path_factory.mktemp("api-world") / "companion.db"
    world = make_world(path)
    world.engine.dispose()
    return path, world


@pytest.fixture
def world(world_template: Tuple[Path, World]) -> World:
    return world_template[1]


@pytest.fixture
def db(service_env: Path, world_template: Tuple[Path, World]) -> Path:
    """The app's database: a copy of the world (SQLite's backup API, so WAL content comes along)."""
    service_env.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(world_template[0]), sqlite3.connect(service_env)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    engine = make_engine(service_env)
    migrate(engine)
    engine.dispose()
    return service_env


@pytest.fixture
def staff(db: Path) -> Dict[str, Member]:
    engine = make_engine(db)
    users, sessions = UserStore(engine), SessionStore(engine)
    members = {}
    for role, (username, name) in STAFF.items():
        user = users.add(username, name, role, PASSWORD)
        new = sessions.create(user.id, dt.datetime.now(dt.timezone.utc))
        members[role] = Member(user, new.token, new.csrf_token)
    engine.dispose()
    return members


def api_token() -> str:
    return get_settings().api_token()


class Api:
    """A test client speaking as one principal at a time (``use``)."""

    def __init__(self, client: TestClient, staff: Dict[str, Member]):
        self.client = client
        self.staff = staff
        self.principal = "anonymous"
        self.last_headers: Dict[str, str] = {}

    def use(self, principal: str) -> "Api":
        assert principal in PRINCIPALS, principal
        self.principal = principal
        jar = self.client.session.cookie_jar
        jar.clear()
        if principal in self.staff:
            jar.update_cookies({COOKIE_NAME: self.staff[principal].token})
        return self

    def headers(self, csrf: Optional[str] = "session") -> Dict[str, str]:
        """The principal's headers; ``csrf``: "session" sends the session's token, None none, else that value."""
        headers: Dict[str, str] = {}
        if self.principal == "token":
            headers["Authorization"] = f"Bearer {api_token()}"
        elif self.principal == "wrong-token":
            headers["Authorization"] = "Bearer not-the-token-not-the-token"
        elif self.principal in self.staff and csrf is not None:
            headers["X-CSRF-Token"] = self.staff[self.principal].csrf if csrf == "session" else csrf
        return headers

    async def call(self, method: str, path: str, body: Any = None, csrf: Optional[str] = "session") -> Tuple[int, Any]:
        kwargs: Dict[str, Any] = {"headers": self.headers(csrf)}
        if body is not None:
            kwargs["json"] = body
        async with self.client.request(method, path, **kwargs) as response:
            self.last_headers = dict(response.headers)
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.text()

    async def get(self, path: str) -> Any:
        """The JSON of a GET that must succeed."""
        status, body = await self.call("GET", path)
        assert status == 200, (path, status, body)
        return body


@pytest.fixture
async def api(db: Path, staff: Dict[str, Member], aiohttp_client) -> Api:  # type: ignore[no-untyped-def]
    return Api(await aiohttp_client(create_app(get_settings())), staff)


@pytest.fixture
def audit_entries(db: Path):  # type: ignore[no-untyped-def]
    """The audit log's entries, oldest first, optionally of one action."""

    def read(action: Optional[str] = None) -> List[AuditEntry]:
        engine = make_engine(db)
        try:
            entries, _ = AuditLog(engine).list(limit=500, action=action)
        finally:
            engine.dispose()
        return list(reversed(entries))

    return read
