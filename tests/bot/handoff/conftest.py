"""The handoff stores on a real SQLite file, and a real HTTP server standing in for Rasa.

``FakeRasa`` answers ``POST /conversations/{id}/tracker/events`` as Rasa's HTTP API does: it
checks the token (401 otherwise), reads every event with Rasa's own ``Event.from_parameters``
(400 when one is not a Rasa event), records what it got and answers 200 with the events. It can
be told to refuse (``fail_with = 500``), to refuse only its first requests (``fail_first = 1``:
one that fails midway and is back at once) or to be slow (``delay``); ``closed_port()`` gives a
port nobody listens on, for a Rasa that is down. tests/bot/web/test_live.py uses it too.

``staff``: one account per role (ana admissions, dana clinician, root admin) and a disabled one
(old, clinician), with argon2's smallest parameters as in tests/bot/staff/.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from argon2 import PasswordHasher
from rasa.shared.core.events import Event
from sqlalchemy.engine import Engine

from bot.staff import passwords
from bot.staff.users import StaffUser, UserStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate

RASA_TOKEN = "fake-rasa-token-0123456789abcdef"
T0 = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.timezone.utc)  # noon in Palm Springs (PDT)


@dataclass(frozen=True)
class Received:
    conversation_id: str  # as Rasa reads it from the path
    raw_path: str  # as it came over the wire (quoting)
    query: Dict[str, str]
    events: List[Dict[str, Any]]


class FakeRasa:
    def __init__(self, token: str = RASA_TOKEN) -> None:
        self.token = token
        self.received: List[Received] = []
        self.attempts = 0
        self.fail_with: Optional[int] = None
        self.fail_first = 0  # refuse (500) this many requests, then answer
        self.delay = 0.0
        self.server: Optional[TestServer] = None
        self.app = web.Application()
        self.app.router.add_post("/conversations/{conversation_id}/tracker/events", self._append)

    async def _append(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.query.get("token") != self.token:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        if self.fail_with is not None or self.attempts <= self.fail_first:
            return web.json_response({"status": "failure", "message": "Rasa says no"}, status=self.fail_with or 500)
        body = await request.json()
        if not isinstance(body, list) or not body or not all(self._readable(event) for event in body):
            return web.json_response({"status": "failure", "reason": "BadRequest"}, status=400)
        self.received.append(Received(request.match_info["conversation_id"], request.raw_path, dict(request.query), body))
        return web.json_response({"sender_id": request.match_info["conversation_id"], "events": body})

    @staticmethod
    def _readable(event: Any) -> bool:
        try:
            return isinstance(event, dict) and Event.from_parameters(event) is not None
        except (ValueError, KeyError, TypeError):
            return False

    async def start(self, aiohttp_server: Callable[..., Awaitable[TestServer]], port: Optional[int] = None) -> "FakeRasa":
        self.server = await aiohttp_server(self.app, **({"port": port} if port else {}))
        return self

    @property
    def port(self) -> int:
        assert self.server is not None and self.server.port is not None
        return self.server.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def events_for(self, conversation_id: str) -> List[List[Dict[str, Any]]]:
        return [r.events for r in self.received if r.conversation_id == conversation_id]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def rasa(aiohttp_server: Any) -> FakeRasa:
    return await FakeRasa().start(aiohttp_server)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A real SQLite file with every table of bot/storage/db.py."""
    made = make_engine(tmp_path / "companion.db")
    migrate(made)
    yield made
    made.dispose()


STAFF = {
    "ana": ("Ana Admissions", "admissions"),
    "dana": ("Dana Reyes", "clinician"),
    "root": ("Site Admin", "admin"),
    "old": ("Former Clinician", "clinician"),
}


@pytest.fixture
def staff(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Dict[str, StaffUser]:
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users = UserStore(engine)
    made = {name: users.add(name, display, role, "handoff tests password") for name, (display, role) in STAFF.items()}
    made["old"] = users.disable("old")
    return made
