"""The running service's boundaries and failure modes: loopback ports, an action server only Rasa
can call, no secret on a command line, strict and bounded chat input, configured origins only, rate
limits that never turn a crisis away, and a hung action server that costs no answer and no form."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import uuid
from pathlib import Path
from typing import Iterator, List, Set

import aiohttp
import pytest
import websockets

from bot.service.process import RunningService, start_service
from tests.integration.processes import action_server_pid
from tests.integration.test_service import TOKEN, free_port, joined, say

pytestmark = pytest.mark.integration
ACTION_TOKEN = "integration-action-token-0123456789"
SITE = "https://www.desert-sage-recovery.example"


@pytest.fixture(scope="module")
def ports() -> dict:
    return {"rasa": free_port(), "action": free_port(), "web": free_port()}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, ports: dict) -> Iterator[RunningService]:
    running = start_service(
        tmp_path_factory.mktemp("secure"),
        rasa_port=ports["rasa"],
        action_port=ports["action"],
        web_port=ports["web"],
        token=TOKEN,
        extra_env={
            "ACTION_SERVER_TOKEN": ACTION_TOKEN,
            "ALLOWED_ORIGINS": SITE,
            "RATE_PER_SENDER": "6",
            "MAX_MESSAGE_CHARS": "1000",
            "ACTION_TIMEOUT_SECONDS": "3",
        },
    )
    yield running
    running.stop()


def listening_addresses(port: int) -> Set[str]:
    """Local addresses with a listening TCP socket on ``port`` (IPv4 and IPv6), from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def test_every_port_listens_on_loopback_only(service: RunningService, ports: dict) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for name, port in ports.items():
        addresses = listening_addresses(port)
        assert addresses and addresses <= loopback, f"{name} listens on {addresses}"


def process_tree(root: int) -> List[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def test_no_secret_is_on_any_command_line(service: RunningService) -> None:
    tree = process_tree(service.process.pid)
    assert len(tree) >= 4  # the supervisor, Rasa, the action server, the web app
    for pid in tree:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        assert TOKEN not in cmdline and ACTION_TOKEN not in cmdline, cmdline.replace("\0", " ")


def action_call(action: str) -> dict:
    """What Rasa posts to the action server for one action."""
    return {
        "next_action": action,
        "sender_id": "forged",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "forged",
            "slots": {},
            "latest_message": {
                "text": "hi",
                "intent": {"name": "greet"},
                "entities": [],
                "metadata": {"client": {"status": "verified", "id": "C-1"}},
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Action-Token": "guess"}, {"X-Action-Token": ACTION_TOKEN[:-1]}, {"Authorization": f"Bearer {ACTION_TOKEN}"}],
)
async def test_the_action_server_refuses_anyone_without_rasa_s_secret(
    service: RunningService, ports: dict, headers: dict
) -> None:
    url = f"http://127.0.0.1:{ports['action']}/webhook"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=action_call("action_answer_schedule"), headers=headers) as response:
            assert response.status == 401
            assert "X-Action-Token" in (await response.json())["error"]


async def test_the_action_server_answers_rasa_s_secret_and_its_health_check(service: RunningService, ports: dict) -> None:
    base = f"http://127.0.0.1:{ports['action']}"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/health") as response:
            assert response.status == 200
        async with session.post(
            f"{base}/webhook", json=action_call("action_answer_next_group"), headers={"X-Action-Token": ACTION_TOKEN}
        ) as response:
            assert response.status == 200
            body = await response.json()
    # The unsealed "verified" identity in the forged metadata is not believed.
    assert "couldn't confirm your sign-in" in json.dumps(body["responses"])


async def post_raw(service: RunningService, body: bytes) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{service.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        ) as response:
            await response.read()
            return response


@pytest.mark.parametrize(
    "body, complaint",
    [
        (b"", "must be JSON"),
        (b"[]", "JSON object"),
        (b'"x"', "JSON object"),
        (b"null", "JSON object"),
        (b'{"message": "hi"}', '"sender" must be a non-empty string'),
        (b'{"sender": "", "message": "hi"}', '"sender" must be a non-empty string'),
        (b'{"sender": "s", "message": 5}', '"message" must be a non-empty string'),
    ],
)
async def test_the_rest_webhook_refuses_what_is_not_a_message(service: RunningService, body: bytes, complaint: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{service.rasa_url}/webhooks/rest/webhook", data=body) as response:
            assert response.status == 400
            assert complaint in (await response.json())["error"]
    with sqlite3.connect(service.database) as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = 'default'").fetchone() == (0,)


async def test_a_body_far_over_the_limit_is_refused_before_it_is_read(service: RunningService) -> None:
    body = json.dumps({"sender": "big", "message": "a" * 200_000}).encode()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{service.rasa_url}/webhooks/rest/webhook", data=body) as response:
            assert response.status == 413


async def test_a_long_message_gets_a_clear_answer_and_a_crisis_inside_one_is_still_answered(service: RunningService) -> None:
    reply = joined(await say(service, f"it-{uuid.uuid4()}", "We had a long week. " * 80))
    assert "longer than I can read at once (1,600 characters; the limit is 1,000)" in reply and "988" in reply
    sender = f"it-{uuid.uuid4()}"
    story = (
        "We had a long week and I kept thinking about it. " * 40
        + "I took all my pills an hour ago. "
        + "Sorry for rambling. " * 10
    )
    crisis = joined(await say(service, sender, story))
    assert "911" in crisis and "longer than" not in crisis
    with sqlite3.connect(service.database) as db:
        assert db.execute("SELECT crisis_type FROM escalations WHERE conversation_id = ?", (sender,)).fetchall() == [
            ("overdose",)
        ]


async def test_a_flood_is_slowed_down_but_a_crisis_in_it_is_answered(service: RunningService) -> None:
    sender = f"it-{uuid.uuid4()}"
    replies = [joined(await say(service, sender, f"what time is group {i}")) for i in range(8)]
    assert sum("faster than I can answer" in reply for reply in replies) == 2  # RATE_PER_SENDER=6
    crisis = joined(await say(service, sender, "i want to kill myself"))
    assert "988" in crisis and "faster than" not in crisis
    with sqlite3.connect(service.database) as db:
        assert db.execute("SELECT count(*) FROM escalations WHERE conversation_id = ?", (sender,)).fetchone() == (1,)


async def test_rasa_allows_cross_origin_calls_from_the_configured_site_only(service: RunningService) -> None:
    async with aiohttp.ClientSession() as session:
        for origin, allowed in ((SITE, True), ("https://evil.example", False)):
            headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
            async with session.options(f"{service.rasa_url}/webhooks/rest/webhook", headers=headers) as response:
                assert (response.headers.get("Access-Control-Allow-Origin") == origin) is allowed, origin


async def test_the_chat_socket_s_polling_answers_carry_one_cors_header(service: RunningService) -> None:
    """Rasa's CORS and engine.io's would both add one, and browsers refuse a doubled header."""
    async with aiohttp.ClientSession() as session:
        url = f"{service.rasa_url}/socket.io/?EIO=4&transport=polling"
        async with session.get(url, headers={"Origin": SITE}) as response:
            assert response.status == 200
            assert response.headers.getall("Access-Control-Allow-Origin") == [SITE]
        async with session.get(url, headers={"Origin": "https://evil.example"}) as response:
            assert response.status == 400


def socket_url(service: RunningService) -> str:
    return service.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"


async def test_the_chat_socket_refuses_a_page_from_another_site(service: RunningService) -> None:
    with pytest.raises(websockets.exceptions.InvalidStatusCode):
        async with websockets.connect(socket_url(service), origin="https://evil.example"):
            pass
    async with websockets.connect(socket_url(service), origin=SITE) as ws:
        assert (await asyncio.wait_for(ws.recv(), 10)).startswith("0")  # Engine.IO open


async def test_an_oversized_socket_message_is_dropped_and_the_server_answers_others(service: RunningService) -> None:
    async with websockets.connect(socket_url(service), origin=SITE, max_size=None) as ws:
        assert (await ws.recv()).startswith("0")
        await ws.send("40")
        await asyncio.wait_for(ws.recv(), 10)
        await ws.send("42" + json.dumps(["user_uttered", {"message": "a" * 100_000, "session_id": "huge"}]))
        with pytest.raises((websockets.exceptions.ConnectionClosed, asyncio.TimeoutError)):
            while True:  # the server closes this connection; it never answers the message
                packet = await asyncio.wait_for(ws.recv(), 5)
                assert not packet.startswith("42"), packet
    assert "Adult Evening IOP" in joined(await say(service, f"it-{uuid.uuid4()}", "do you have evening groups"))


def test_the_database_its_wal_and_the_secrets_are_private(service: RunningService) -> None:
    files = [*service.database.parent.glob("companion.db*"), *service.database.parent.glob("secrets/*")]
    assert {p.name for p in files} >= {"companion.db", "companion.db-wal", "client_token_secret"}
    for path in files:
        assert os.stat(path).st_mode & 0o077 == 0, path


async def test_a_hung_action_server_costs_an_answer_not_the_form(service: RunningService, ports: dict) -> None:
    sender = f"it-{uuid.uuid4()}"
    assert "first name" in joined(await say(service, sender, "can someone call me back"))
    pid = action_server_pid(ports["action"])
    os.kill(pid, signal.SIGSTOP)  # alive, but answering nothing
    try:
        stalled = joined(await say(service, sender, "Maria"))
    finally:
        os.kill(pid, signal.SIGCONT)
    assert "something went wrong on my side" in stalled and "(760) 555-0140" in stalled
    assert "phone number or e-mail" not in stalled  # the form did not move on with an unchecked answer
    # Sent again: the form goes on from where it was.
    assert "phone number or e-mail" in joined(await say(service, sender, "Maria"))
    assert "area code" in joined(await say(service, sender, "555-0199"))


async def test_the_web_app_refuses_a_body_over_its_limit(service: RunningService, ports: dict) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"http://127.0.0.1:{ports['web']}/login",
            data=b"u=" + b"a" * 300_000,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as response:
            assert response.status == 413
