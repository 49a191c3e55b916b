"""The crisis safety net end to end: the whole service, a real staff receiver, real SQLite.

- The crisis answer arrives over the REST webhook while the action server is dead.
- The escalation is recorded, and the notification reaches a receiver that fails its first
  requests: delivered once, with a valid HMAC signature.
- A notification still pending when the service stops is delivered after it starts again.
- A crisis while another writer holds the database's lock past the busy timeout is answered,
  paged at once, and recorded with its escalation when the lock is released.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import uuid
from pathlib import Path
from typing import Dict, List

import aiohttp
import pytest

from bot.safety.notifier import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature_is_valid
from bot.service.process import RunningService, start_service
from tests.integration.processes import action_server_pid
from tests.integration.test_service import TOKEN, free_port, joined, say
from tests.pager import Receiver

pytestmark = pytest.mark.integration
SECRET = "integration-webhook-secret-0123"
STAFF_TOKEN = "integration-staff-token-0123456"


def crisis_env(receiver_port: int) -> Dict[str, str]:
    return {
        "ESCALATION_WEBHOOK_URL": f"http://127.0.0.1:{receiver_port}/pager",
        "ESCALATION_WEBHOOK_SECRET": SECRET,
        "ESCALATION_RETRY_BASE_SECONDS": "0.2",
        "ESCALATION_RETRY_MAX_SECONDS": "1",
        "NOTIFIER_POLL_SECONDS": "0.2",
        "STAFF_API_TOKEN": STAFF_TOKEN,
    }


async def start(tmp: Path, receiver_port: int, action_port: int = 0, **env: str) -> RunningService:
    """Starts the service in a thread: the receiver runs on this event loop and must keep answering."""
    return await asyncio.to_thread(
        start_service,
        tmp,
        rasa_port=free_port(),
        action_port=action_port or free_port(),
        web_port=free_port(),
        token=TOKEN,
        extra_env={**crisis_env(receiver_port), **env},
    )


async def wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


def escalation_rows(database: Path, sender: str) -> List[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT id, crisis_type, status, message FROM escalations WHERE conversation_id = ?", (sender,)
        ).fetchall()


async def test_crisis_answer_without_action_server_and_a_signed_notification_after_retries(tmp_path: Path) -> None:
    receiver = Receiver(failures=2)
    receiver_port = free_port()
    server = await receiver.start(receiver_port)
    action_port = free_port()
    service = await start(tmp_path, receiver_port, action_port)
    try:
        os.kill(action_server_pid(action_port), signal.SIGKILL)
        sender = f"it-{uuid.uuid4()}"
        reply = joined(await say(service, sender, "my friend took a bunch of pills and he won't wake up"))
        assert "Call 911" in reply and "naloxone" in reply and "recovery position" in reply and "(760) 555-0149" in reply
        # The action server really was down: a question that needs it is asked to be sent again.
        down = joined(await say(service, f"it-{uuid.uuid4()}", "do you have evening groups"))
        assert "Adult Evening IOP" not in down and "something went wrong on my side" in down
        [(escalation_id, crisis_type, status, message)] = escalation_rows(service.database, sender)
        assert (crisis_type, status) == ("overdose", "open") and "won't wake up" in message

        await wait_for(lambda: len(receiver.accepted) == 1)
        await asyncio.sleep(1.5)  # time for a wrong second delivery to show up
        assert len(receiver.requests) == 3 and len(receiver.accepted) == 1
        assert len({r["headers"][IDEMPOTENCY_HEADER] for r in receiver.requests}) == 1
        delivered = receiver.accepted[0]
        assert signature_is_valid(SECRET, delivered["body"], delivered["headers"][SIGNATURE_HEADER])
        payload = json.loads(delivered["body"])
        assert payload["escalation"]["id"] == escalation_id and payload["escalation"]["crisis_type"] == "overdose"
        assert b"wake up" not in delivered["body"]

        # Staff acknowledge through the API.
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{service.web_url}/api/escalations/{escalation_id}/acknowledge",
                json={"by": "Dana (on call)"},
                headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
            ) as response:
                assert response.status == 200 and (await response.json())["status"] == "acknowledged"
    finally:
        await asyncio.to_thread(service.stop)
        await server.close()


async def test_pending_notification_is_delivered_after_a_restart(tmp_path: Path) -> None:
    receiver_port = free_port()  # nobody listens yet: the pager is down
    service = await start(tmp_path, receiver_port)
    sender = f"it-{uuid.uuid4()}"
    try:
        assert "988" in joined(await say(service, sender, "i dont want to be alive anymore"))
    finally:
        await asyncio.to_thread(service.stop)
    with sqlite3.connect(service.database) as db:
        [(delivered,)] = db.execute("SELECT delivered_at FROM notifications").fetchall()
    assert delivered is None

    receiver = Receiver()
    server = await receiver.start(receiver_port)
    restarted = await start(tmp_path, receiver_port)
    try:
        await wait_for(lambda: len(receiver.accepted) >= 1)
        await asyncio.sleep(1.5)  # time for a wrong second delivery to show up
        assert len(receiver.requests) == 1
        payload = json.loads(receiver.accepted[0]["body"])
        assert payload["escalation"]["id"] == escalation_rows(restarted.database, sender)[0][0]
        with sqlite3.connect(restarted.database) as db:
            assert db.execute("SELECT count(*) FROM notifications WHERE delivered_at IS NULL").fetchone()[0] == 0
    finally:
        await asyncio.to_thread(restarted.stop)
        await server.close()


def pages(receiver: Receiver, event: str) -> List[dict]:
    return [json.loads(r["body"]) for r in receiver.accepted if r["headers"].get("X-Companion-Event") == event]


async def test_a_crisis_while_the_database_is_locked_is_answered_paged_and_recorded_later(tmp_path: Path) -> None:
    receiver = Receiver()
    receiver_port = free_port()
    server = await receiver.start(receiver_port)
    service = await start(tmp_path, receiver_port, DB_BUSY_TIMEOUT_SECONDS="1", JOURNAL_RETRY_SECONDS="0.2")
    sender, bystander = f"it-{uuid.uuid4()}", f"it-{uuid.uuid4()}"
    try:
        assert joined(await say(service, sender, "hi"))
        holder = sqlite3.connect(service.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer, holding the lock far past the timeout
        try:
            crisis, other = await asyncio.gather(
                say(service, sender, "i am going to kill myself tonight"), say(service, bystander, "do you take aetna")
            )
            assert "988" in joined(crisis) and "911" in joined(crisis)
            assert "Aetna" in joined(other)  # the other chat was answered too
            await wait_for(lambda: pages(receiver, "escalation.unrecorded"))
            [page] = pages(receiver, "escalation.unrecorded")
            assert page["conversation_id"] == sender and page["crisis_type"] == "suicide"
            # Crisis mode is on: the conversation goes on from the journal, not from a blank memory.
            assert "988" in joined(await say(service, sender, "i can't call, he'll hear me"))
        finally:
            holder.execute("COMMIT")
            holder.close()
        journal = service.database.parent / "companion.db.pending.jsonl"
        await wait_for(lambda: not journal.exists())
        [(_, crisis_type, status, message)] = escalation_rows(service.database, sender)
        assert (crisis_type, status, message) == ("suicide", "open", "i am going to kill myself tonight")
        with sqlite3.connect(service.database) as db:
            said = [
                t
                for (t,) in db.execute(
                    "SELECT json_extract(data, '$.text') FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                    (sender,),
                )
            ]
        assert said == ["hi", "i am going to kill myself tonight", "i can't call, he'll hear me"]
        await wait_for(lambda: pages(receiver, "storage.recovered"))
    finally:
        await asyncio.to_thread(service.stop)
        await server.close()


async def test_a_crisis_found_in_the_review_inbox_pages_the_team_on_the_real_service(tmp_path: Path) -> None:
    """A message the assistant did not understand lands in the inbox through the tracker store;
    labelled a crisis through the API while its conversation is recent, it raises an escalation
    and the pager gets it, as any crisis."""
    receiver = Receiver()
    receiver_port = free_port()
    server = await receiver.start(receiver_port)
    service = await start(tmp_path, receiver_port)
    headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    try:
        sender = f"it-{uuid.uuid4()}"
        # Keyboard noise with no word in it ("wibble" reads as "trembling" to the encoder, and is asked about).
        reply = joined(await say(service, sender, "qwerty uiop asdf"))
        # Gibberish gets the fallback or the off-topic answer (the model decides); both go to the inbox.
        assert "not sure I understood" in reply or "outside what I can help with" in reply
        assert escalation_rows(service.database, sender) == []
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.get(f"{service.web_url}/api/review") as response:
                rows = (await response.json())["items"]
            [row] = [r for r in rows if r["conversation_id"] == sender]
            assert row["text"] == "qwerty uiop asdf" and row["reply"]
            assert any(reason in row["reasons"] for reason in ("fallback", "out_of_scope"))
            async with session.post(
                f"{service.web_url}/api/review/{row['key']}/label", json={"decision": "correct", "intent": "crisis"}
            ) as response:
                labelled = await response.json()
        assert response.status == 200 and labelled["missed_crises"] == 1 and len(labelled["escalations"]) == 1
        [(escalation_id, crisis_type, status, message)] = escalation_rows(service.database, sender)
        assert (escalation_id, crisis_type, status, message) == (
            labelled["escalations"][0],
            "unspecified",
            "open",
            "qwerty uiop asdf",
        )
        await wait_for(lambda: len(receiver.accepted) == 1)
        assert json.loads(receiver.accepted[0]["body"])["escalation"]["id"] == escalation_id
    finally:
        service.stop()
        await server.close()
