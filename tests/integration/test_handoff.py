"""Live handoff end to end: the real service (Rasa, action server, web app), a socket.io chat as
the widget speaks it, and a staff member working the console over HTTP with a real session.

The center's data is a copy with live chat staffed "always", so the tests do not depend on the
hour; requests expire after a few seconds instead of minutes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import aiohttp
import pytest
import yaml

from bot.handoff.presence import PresenceStore
from bot.service.process import RunningService, start_service
from bot.settings import PROJECT_ROOT
from bot.staff.users import UserStore
from bot.storage.db import make_engine
from tests.integration.test_clients import Socket, open_socket
from tests.integration.test_crisis import wait_for
from tests.integration.test_service import TOKEN, free_port

pytestmark = pytest.mark.integration
WAIT_SECONDS = 6
PASSWORD = "integration staff password 2026"


def always_staffed(target: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "data" / "program", target)
    center = yaml.safe_load((target / "center.yml").read_text())
    center["center"]["staffed_hours"] = "always"
    (target / "center.yml").write_text(yaml.safe_dump(center))
    return target


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    root = tmp_path_factory.mktemp("handoff")
    env = {
        "PROGRAM_DATA_DIR": str(always_staffed(root / "program")),
        "HANDOFF_WAIT_SECONDS": str(WAIT_SECONDS),
        "HANDOFF_POLL_SECONDS": "0.5",
    }
    running = start_service(
        root / "var", rasa_port=free_port(), action_port=free_port(), web_port=free_port(), token=TOKEN, extra_env=env
    )
    engine = make_engine(running.database)
    UserStore(engine).add("ana", "Ana Ruiz", "admissions", PASSWORD)
    engine.dispose()
    yield running
    running.stop()


def set_presence(service: RunningService, available: bool) -> None:
    engine = make_engine(service.database)
    PresenceStore(engine).set_available("ana", available, dt.datetime.now(dt.timezone.utc))
    engine.dispose()


def handoff_rows(service: RunningService, conversation_id: str) -> List[Tuple[str, str]]:
    with sqlite3.connect(service.database) as db:
        return db.execute(
            "SELECT reason, status FROM handoffs WHERE conversation_id = ? ORDER BY requested_at", (conversation_id,)
        ).fetchall()


async def start_chat(service: RunningService) -> Tuple[Any, Socket, str]:
    ws, socket = await open_socket(service)
    session_id = uuid.uuid4().hex
    await socket.emit("session_request", {"session_id": session_id})
    assert await socket.until("session_confirm") == session_id
    return ws, socket, session_id


async def say(socket: Socket, session_id: str, text: str) -> Dict[str, Any]:
    await socket.emit("user_uttered", {"message": text, "session_id": session_id})
    return await socket.until("bot_uttered")


async def staff_session(service: RunningService) -> Tuple[aiohttp.ClientSession, str]:
    """Ana (admissions) signed in to the console (the real log-in form); returns the session and its CSRF token."""
    # unsafe=True: the jar keeps cookies for an IP address host (127.0.0.1) too.
    http = aiohttp.ClientSession(base_url=service.web_url, cookie_jar=aiohttp.CookieJar(unsafe=True))
    form = await (await http.get("/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, "the log-in form has a CSRF token"
    signed_in = await http.post(
        "/login",
        data={"csrf_token": token[1], "username": "ana", "password": PASSWORD, "next": "/console/live"},
        allow_redirects=False,
    )
    assert signed_in.status == 303, await signed_in.text()
    page = await (await http.get("/console/live")).text()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    return http, csrf[1]


async def test_nobody_available_offers_the_callback_form(service: RunningService) -> None:
    set_presence(service, False)
    ws, socket, session_id = await start_chat(service)
    try:
        reply = await say(socket, session_id, "can i talk to a real person")
    finally:
        await ws.close()
    assert "Everyone on our team is busy" in reply["text"]
    assert [q["payload"] for q in reply["quick_replies"]] == ["/request_callback"]
    assert "handoff" not in reply
    assert handoff_rows(service, session_id) == []


async def test_a_request_nobody_takes_expires_with_a_callback_offer(service: RunningService) -> None:
    set_presence(service, True)
    ws, socket, session_id = await start_chat(service)
    try:
        waiting = await say(socket, session_id, "i want to talk to a human")
        assert "asking a member of our team" in waiting["text"]
        assert waiting["handoff"] == {"kind": "status", "status": "waiting"}
        assert handoff_rows(service, session_id) == [("requested", "waiting")]
        expired = await socket.until("bot_uttered", timeout=WAIT_SECONDS + 15)
    finally:
        await ws.close()
    assert "nobody from our team could join" in expired["text"]
    assert expired["handoff"] == {"kind": "status", "status": "expired"}
    assert [q["payload"] for q in expired["quick_replies"]] == ["/request_callback"]
    assert handoff_rows(service, session_id) == [("requested", "expired")]


async def test_a_staff_member_takes_over_chats_and_hands_back(service: RunningService) -> None:
    set_presence(service, True)
    ws, socket, session_id = await start_chat(service)
    http, csrf = await staff_session(service)
    try:
        await say(socket, session_id, "can i speak to someone")
        queue = await (await http.get("/console/live/queue.json")).json()
        assert any(item["conversation_id"] == session_id and item["state"] == "waiting" for item in queue["items"])

        taken = await http.post(f"/console/live/{session_id}/take", data={"csrf_token": csrf}, allow_redirects=False)
        assert taken.status == 303 and taken.headers["Location"] == f"/console/live/{session_id}"
        joined = await socket.until("bot_uttered")
        assert joined["text"].startswith("Ana Ruiz from Juniper Ridge has joined the chat")
        assert joined["handoff"] == {"kind": "status", "status": "active", "staff_name": "Ana Ruiz"}

        # The assistant is paused: the person's message reaches the console, and no bot reply comes.
        await socket.emit("user_uttered", {"message": "thank you, i have a question about my son", "session_id": session_id})
        seen: List[Dict[str, Any]] = []
        for _ in range(40):
            events = await (await http.get(f"/console/live/{session_id}/events?after=0")).json()
            seen = [t for t in events["turns"] if t["kind"] == "user"]
            if any("my son" in t["text"] for t in seen):
                break
            await asyncio.sleep(0.25)
        assert any("my son" in t["text"] for t in seen)
        assert events["handoff"] == {"status": "active", "reason": "requested", "staff_name": "Ana Ruiz", "mine": True}

        sent = await http.post(
            f"/console/live/{session_id}/messages",
            data={"csrf_token": csrf, "text": "Of course. What would you like to know?"},
            headers={"Accept": "application/json"},
        )
        assert sent.status == 200, await sent.text()
        staff = await socket.until("bot_uttered")
        assert staff == {
            "text": "Of course. What would you like to know?",
            "handoff": {"kind": "staff", "status": "active", "staff_name": "Ana Ruiz"},
        }

        back = await http.post(f"/console/live/{session_id}/return", data={"csrf_token": csrf}, allow_redirects=False)
        assert back.status == 303
        returned = await socket.until("bot_uttered")
        assert returned["handoff"]["status"] == "returned" and "handed the chat back" in returned["text"]
        assert handoff_rows(service, session_id) == [("requested", "returned")]

        answer = await say(socket, session_id, "do you take aetna?")
        assert "Aetna" in answer["text"]  # the assistant answers again
    finally:
        await ws.close()
        await http.close()


def escalation_count(service: RunningService, conversation_id: str) -> int:
    with sqlite3.connect(service.database) as db:
        return int(db.execute("SELECT count(*) FROM escalations WHERE conversation_id = ?", (conversation_id,)).fetchone()[0])


async def test_a_crisis_during_a_live_chat_still_gets_the_crisis_answer(service: RunningService) -> None:
    set_presence(service, True)
    ws, socket, session_id = await start_chat(service)
    http, csrf = await staff_session(service)
    try:
        await say(socket, session_id, "hello")
        taken = await http.post(f"/console/live/{session_id}/take", data={"csrf_token": csrf}, allow_redirects=False)
        assert taken.status == 303
        assert (await socket.until("bot_uttered"))["handoff"]["status"] == "active"
        crisis = await say(socket, session_id, "i want to kill myself")
        assert "988" in crisis["text"] and "911" in crisis["text"] and "handoff" not in crisis
        # On the socket the answer goes out before the turn is saved: wait for the save.
        await wait_for(lambda: escalation_count(service, session_id) == 1)
        events = await (await http.get(f"/console/live/{session_id}/events?after=0")).json()
        assert any(t["kind"] == "user" and t["crisis"] for t in events["turns"])
        assert events["handoff"]["mine"]  # still the staff member's chat
    finally:
        await ws.close()
        await http.close()
