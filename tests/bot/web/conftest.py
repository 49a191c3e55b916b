"""The console pages against the real app, a real SQLite file and the real stores.

``world`` is the database of tests/bot/records/conftest.py (its conversations written through
Rasa's tracker store once per session, then copied to the file the app uses in each test); ``staff`` adds one account per role; ``as_role(role)`` gives a test
client with that account's session cookie (a session made by the real SessionStore), ``anonymous``
one without. argon2 runs with its smallest parameters, as in tests/bot/staff/.
"""

from __future__ import annotations

import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import sqlalchemy as sa
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
from bot.web.auth import now
from tests.bot.records.conftest import World, make_world

PASSWORD = "juniper ridge staff 2026"
ACCOUNTS = {
    "admissions": ("ana", "Ana Admissions"),
    "clinician": ("dana", "Dana Reyes"),
    "admin": ("root", "Site Admin"),
}
ROLES = tuple(ACCOUNTS)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def no_meeting_feeds(service_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The meeting finder's feeds are not the console's business: the app starts without any."""
    meetings = service_env.parent.parent / "meetings"
    meetings.mkdir(parents=True, exist_ok=True)
    (meetings / "sources.yml").write_text("sources: []\n")
    monkeypatch.setenv("MEETINGS_DIR", str(meetings))
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The world, written once through Rasa's tracker store; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("web-world") / "companion.db"
    built = make_world(path)
    migrate(built.engine)
    with built.engine.begin() as connection:
        connection.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    built.engine.dispose()
    return built


@pytest.fixture
def world(service_env: Path, no_meeting_feeds: None, world_template: World) -> Iterator[World]:
    service_env.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{world_template.database}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{service_env}{suffix}")
    engine = make_engine(service_env)
    yield World(
        database=service_env,
        engine=engine,
        lead_ids=dict(world_template.lead_ids),
        escalation_ids=dict(world_template.escalation_ids),
    )
    engine.dispose()


@pytest.fixture
def staff(world: World) -> Dict[str, StaffUser]:
    users = UserStore(world.engine)
    return {role: users.add(username, name, role, PASSWORD) for role, (username, name) in ACCOUNTS.items()}


@pytest.fixture
async def anonymous(world: World, staff: Dict[str, StaffUser], aiohttp_client: Any) -> TestClient:
    return await aiohttp_client(create_app(get_settings()))


class Signed:
    """A test client signed in as one staff member, with the session's CSRF token."""

    def __init__(self, client: TestClient, user: StaffUser, csrf: str):
        self.client = client
        self.user = user
        self.csrf = csrf

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


@pytest.fixture
def as_role(world: World, staff: Dict[str, StaffUser], aiohttp_client: Any) -> Callable[[str], Awaitable[Signed]]:
    async def make(role: str) -> Signed:
        client = await aiohttp_client(create_app(get_settings()))
        user = staff[role]
        session = SessionStore(world.engine).create(user.id, now())
        client.session.cookie_jar.update_cookies({COOKIE_NAME: session.token})
        return Signed(client, user, session.csrf_token)

    return make


def audit_entries(world: World, action: Optional[str] = None) -> List[AuditEntry]:
    entries, _ = AuditLog(world.engine).list(limit=500, action=action)
    return entries


def scalar(world: World, sql: str, **params: Any) -> Any:
    with world.engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar()


class _Forms(HTMLParser):
    """Every form's method, action and hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: List[Tuple[str, str, Dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((values.get("method", "get").lower(), values.get("action", ""), {}))
        elif tag == "input" and self.forms and values.get("type") == "hidden":
            self.forms[-1][2][values.get("name", "")] = values.get("value", "")


def forms(html: str) -> List[Tuple[str, Dict[str, str]]]:
    """The POST forms of a page: (action, hidden fields)."""
    parser = _Forms()
    parser.feed(html)
    return [(action, hidden) for method, action, hidden in parser.forms if method == "post"]


def text_of(html: str) -> str:
    """The page's text with tags removed and white space collapsed (for phrase assertions)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
