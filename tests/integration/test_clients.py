"""Enrolled clients end to end: the real service, the real CLI, tokens over socket.io and REST,
a group reminder that arrives on the socket, and check-ins stored with the client.

The center's data is a copy whose timezone puts the center near midday and whose Adult Evening
track gets two groups starting a few minutes from now, so "5 minutes before" reminders fire
during the tests: the first on the socket, the second after the service restarted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple
from zoneinfo import ZoneInfo

import pytest
import websockets
import yaml

from bot.clients import tokens
from bot.service.process import RunningService, start_service
from bot.settings import PROJECT_ROOT
from tests.integration.test_service import TOKEN, free_port, joined, say

pytestmark = pytest.mark.integration
SECRET = "integration-client-token-secret-0123456789"


def midday_zone() -> ZoneInfo:
    """An Etc/GMT zone where it is about noon now: the test's group never runs past midnight."""
    utc_hour = dt.datetime.now(dt.timezone.utc).hour
    offset = max(-12, min(12, 12 - utc_hour))  # local = utc + offset
    # IANA's Etc/GMT signs are inverted: Etc/GMT-5 is UTC+5.
    return ZoneInfo("Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}")


def program_with_groups_soon(target: Path) -> Tuple[List[dt.datetime], ZoneInfo]:
    shutil.copytree(PROJECT_ROOT / "data" / "program", target)
    zone = midday_zone()
    first = (dt.datetime.now(zone) + dt.timedelta(minutes=6, seconds=30)).replace(second=0, microsecond=0)
    starts = [first, first + dt.timedelta(minutes=3)]
    center = yaml.safe_load((target / "center.yml").read_text())
    center["center"]["timezone"] = zone.key
    (target / "center.yml").write_text(yaml.safe_dump(center))
    tracks = yaml.safe_load((target / "tracks.yml").read_text())
    evening = next(t for t in tracks["tracks"] if t["key"] == "adult_evening")
    for start in starts:
        end = min(start + dt.timedelta(hours=1), start.replace(hour=23, minute=59))
        evening["sessions"].append(
            {"day": start.strftime("%A").lower(), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
        )
    (target / "tracks.yml").write_text(yaml.safe_dump(tracks))
    return starts, zone


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    root = tmp_path_factory.mktemp("clients")
    groups, zone = program_with_groups_soon(root / "program")
    env = {"CLIENT_TOKEN_SECRET": SECRET, "PROGRAM_DATA_DIR": str(root / "program")}
    service = start_service(
        root / "var", rasa_port=free_port(), action_port=free_port(), web_port=free_port(), token=TOKEN, extra_env=env
    )
    running = {"service": service, "env": env, "groups": groups, "zone": zone, "root": root}
    yield running
    running["service"].stop()


def cli(setup: Dict[str, Any], *args: str) -> subprocess.CompletedProcess:
    service: RunningService = setup["service"]
    env = {**os.environ, **setup["env"], "VAR_DIR": str(service.database.parent), "DATABASE_PATH": str(service.database)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "clients", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def sam_token(setup: Dict[str, Any]) -> str:
    added = cli(setup, "add", "C-1", "--first-name", "Sam", "--track", "adult_evening", "--counselor", "Dana Reyes")
    assert added.returncode == 0, added.stderr
    issued = cli(setup, "token", "C-1")
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip()


def clock(value: dt.datetime) -> str:
    return value.strftime("%-I:%M %p").lower()


class Socket:
    """Socket.IO v5 over Engine.IO v4 on a plain websocket, as the widget's client speaks it."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def event(self, timeout: float = 20) -> List[Any]:
        while True:
            packet = await asyncio.wait_for(self.ws.recv(), timeout)
            if packet == "2":  # Engine.IO ping
                await self.ws.send("3")
            elif packet.startswith("42"):
                return json.loads(packet[2:])

    async def emit(self, name: str, data: Dict[str, Any]) -> None:
        await self.ws.send("42" + json.dumps([name, data]))

    async def until(self, name: str, timeout: float = 20) -> Any:
        while True:
            event, data = await self.event(timeout)
            if event == name:
                return data


async def open_socket(service: RunningService) -> Tuple[Any, Socket]:
    url = service.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = await websockets.connect(url)
    assert (await ws.recv()).startswith("0")
    await ws.send("40")
    assert (await asyncio.wait_for(ws.recv(), 10)).startswith("40")
    return ws, Socket(ws)


async def test_a_signed_in_client_gets_their_group_and_a_reminder_on_the_socket(setup: Dict[str, Any], sam_token: str) -> None:
    service: RunningService = setup["service"]
    session_id = f"web-{uuid.uuid4().hex}"
    ws, socket = await open_socket(service)
    try:
        await socket.emit("session_request", {"session_id": session_id, "customData": {"client_token": sam_token}})
        assert await socket.until("client_identity") == {"status": "verified"}
        await socket.emit("user_uttered", {"message": "when is my next group?", "session_id": session_id})
        reply = (await socket.until("bot_uttered"))["text"]
        group = clock(setup["groups"][0])
        assert "Adult Evening IOP group" in reply and group in reply
        await socket.emit("user_uttered", {"message": "remind me 5 minutes before group", "session_id": session_id})
        assert "5 minutes before each group" in (await socket.until("bot_uttered"))["text"]
        # Due 5 minutes before the group: within about two minutes of now.
        reminder = (await socket.until("bot_uttered", timeout=180))["text"]
        assert reminder.startswith("Reminder, Sam: your Adult Evening IOP group starts today at " + group)
    finally:
        await ws.close()
    with sqlite3.connect(service.database) as db:
        assert db.execute("SELECT client_id FROM client_conversations WHERE conversation_id = ?", (session_id,)).fetchall() == [
            ("C-1",)
        ]
        stored = [
            json.loads(row[0])
            for row in db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (session_id,))
        ]
    assert all("client_token" not in (event.get("metadata") or {}) for event in stored)  # the token never reaches the database


async def test_a_reminder_set_before_a_restart_still_fires(setup: Dict[str, Any], sam_token: str) -> None:
    service: RunningService = setup["service"]
    sender = f"it-{uuid.uuid4()}"
    set_reply = joined(await say(service, sender, "remind me 5 minutes before group", metadata={"client_token": sam_token}))
    second = setup["groups"][1]
    assert f"for your {clock(second)} group" in set_reply  # the first group is too close for 5 minutes' notice
    assert service.stop() == 0
    setup["service"] = service = start_service(
        setup["root"] / "var",
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        token=TOKEN,
        extra_env=setup["env"],
    )
    expected = f"Reminder, Sam: your Adult Evening IOP group starts today at {clock(second)}"
    deadline = asyncio.get_running_loop().time() + 240
    while asyncio.get_running_loop().time() < deadline:
        with sqlite3.connect(service.database) as db:
            said = [
                json.loads(row[0]).get("text") or ""
                for row in db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot'", (sender,))
            ]
        if any(text.startswith(expected) for text in said):
            return
        await asyncio.sleep(2)
    pytest.fail(f"no reminder after the restart; the bot said: {said}")


async def test_an_expired_token_is_refused_and_the_chat_goes_on_as_a_visitor(setup: Dict[str, Any], sam_token: str) -> None:
    # Signed with the service's key two hours ago for one hour: well past the verifier's leeway.
    expired = tokens.issue("C-1", SECRET, dt.timedelta(hours=1), now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2))
    reply = joined(
        await say(setup["service"], f"it-{uuid.uuid4()}", "when is my next group?", metadata={"client_token": expired})
    )
    assert "has expired" in reply and "Adult Day IOP" in reply and "Your next" not in reply


async def test_a_forged_identity_gets_nobody_s_data(setup: Dict[str, Any], sam_token: str) -> None:
    forged = {"client": {"status": "verified", "id": "C-1"}, "client_token": sam_token[:-2] + "xx"}
    reply = joined(await say(setup["service"], f"it-{uuid.uuid4()}", "when is my next group?", metadata=forged))
    assert "couldn't confirm your sign-in" in reply and "Your next" not in reply


async def test_a_coping_exercise_stores_both_ratings_with_the_client(setup: Dict[str, Any], sam_token: str) -> None:
    service: RunningService = setup["service"]
    sender = f"it-{uuid.uuid4()}"
    token = {"client_token": sam_token}
    assert "how strong is the craving right now" in joined(
        await say(service, sender, "i'm having a really bad craving", metadata=token)
    )
    first = joined(await say(service, sender, "9", metadata=token))
    assert "(760) 555-0149" in first and "ask Dana Reyes to call you" in first and "Step 1 of" in first
    assert "how strong is the craving now" in joined(await say(service, sender, "/coping_done", metadata=token))
    assert "from 9 to 4" in joined(await say(service, sender, "4", metadata=token))
    with sqlite3.connect(service.database) as db:
        rows = db.execute(
            "SELECT phase, rating, client_id, skill FROM craving_checkins WHERE conversation_id = ? ORDER BY id", (sender,)
        ).fetchall()
    assert rows == [("before", 9, "C-1", "urge_surfing"), ("after", 4, "C-1", "urge_surfing")]
