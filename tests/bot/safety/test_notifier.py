"""The notification worker against a real local HTTP receiver."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any, List

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine

from bot.safety.escalations import EVENT_CREATED, EVENT_REMINDER, EscalationStore, record_crisis_events, utcnow
from bot.safety.notifier import (
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    Notifier,
    backoff_seconds,
    sign,
    signature_is_valid,
)
from bot.safety.reviews import record_review_items
from bot.settings import Settings
from tests.bot.safety.conftest import user_event
from tests.pager import Receiver

SECRET = "test-secret-test-secret"


def settings_for(tmp_path: Path, url: str, **extra: Any) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        escalation_webhook_url=f"{url}/primary",
        escalation_webhook_secret=SECRET,
        escalation_retry_base_seconds=0.01,
        escalation_retry_max_seconds=0.05,
        public_url="https://staff.example",
        **extra,
    )


async def run_until(notifier: Notifier, condition, rounds: int = 200) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        await notifier.tick()
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


@pytest.fixture
async def receiver_factory():  # type: ignore[no-untyped-def]
    servers: List[TestServer] = []

    async def start(receiver: Receiver) -> str:
        server = await receiver.start()
        servers.append(server)
        return str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()


async def test_retries_until_2xx_then_delivers_exactly_once_with_a_valid_signature(
    engine: Engine, tmp_path: Path, receiver_factory
) -> None:  # type: ignore[no-untyped-def]
    receiver = Receiver(failures=3)
    url = await receiver_factory(receiver)
    [escalation_id] = record_crisis_events(engine, "conv-1", [user_event("i want to die", "crisis", "suicide")])
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, settings_for(tmp_path, url), session)
        await run_until(notifier, lambda: len(receiver.requests) == 4)
        for _ in range(5):  # delivered: nothing more is sent
            await notifier.tick()
    assert len(receiver.requests) == 4
    keys = {r["headers"][IDEMPOTENCY_HEADER] for r in receiver.requests}
    bodies = {r["body"] for r in receiver.requests}
    assert len(keys) == 1 and len(bodies) == 1, "every retry is the same notification, byte for byte"
    last = receiver.requests[-1]
    assert signature_is_valid(SECRET, last["body"], last["headers"][SIGNATURE_HEADER])
    assert last["headers"][EVENT_HEADER] == EVENT_CREATED
    payload = json.loads(last["body"])
    assert payload["escalation"]["id"] == escalation_id and payload["escalation"]["conversation_id"] == "conv-1"
    assert payload["escalation"]["crisis_type"] == "suicide"
    assert payload["escalation"]["link"] == f"https://staff.example/api/escalations/{escalation_id}"
    assert "message" not in payload["escalation"] and b"want to die" not in last["body"], "no message text by default"
    [notification] = EscalationStore(engine).get(escalation_id)["notifications"]
    assert notification["attempts"] == 4 and notification["delivered_at"] is not None and notification["last_status"] == 200


async def test_message_text_only_when_configured(engine: Engine, tmp_path: Path, receiver_factory) -> None:  # type: ignore[no-untyped-def]
    receiver = Receiver()
    url = await receiver_factory(receiver)
    record_crisis_events(engine, "conv-1", [user_event("my husband has a knife", "crisis", "violence")])
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, settings_for(tmp_path, url, escalation_include_text=True), session)
        await run_until(notifier, lambda: len(receiver.requests) == 1)
    assert json.loads(receiver.requests[0]["body"])["escalation"]["message"] == "my husband has a knife"


async def test_receiver_down_keeps_the_notification_queued(engine: Engine, tmp_path: Path) -> None:
    record_crisis_events(engine, "conv-1", [user_event("kms", "crisis", "suicide")])
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, settings_for(tmp_path, "http://127.0.0.1:9"), session)  # nothing listens on port 9
        await notifier.tick()
        pending = notifier.due(now=utcnow() + dt.timedelta(seconds=1))
    assert len(pending) == 1 and pending[0]["attempts"] == 1 and pending[0]["delivered_at"] is None
    assert "ClientConnectorError" in pending[0]["last_error"]


async def test_unacknowledged_escalation_is_notified_again_at_the_backup_url(
    engine: Engine, tmp_path: Path, receiver_factory
) -> None:  # type: ignore[no-untyped-def]
    receiver = Receiver()
    url = await receiver_factory(receiver)
    settings = settings_for(tmp_path, url, escalation_backup_url=f"{url}/backup", escalation_ack_timeout_seconds=60)
    [escalation_id] = record_crisis_events(engine, "conv-1", [user_event("kms", "crisis", "suicide")])
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, settings, session)
        await run_until(notifier, lambda: len(receiver.requests) == 1)
        assert notifier.queue_reminders() == 0, "not yet: the timeout has not passed"
        later = utcnow() + dt.timedelta(seconds=61)
        assert notifier.queue_reminders(now=later) == 1
        assert notifier.queue_reminders(now=later) == 0, "one reminder at a time"
        await run_until(notifier, lambda: len(receiver.requests) == 2)
    reminder = receiver.requests[1]
    assert reminder["path"] == "/backup" and reminder["headers"][EVENT_HEADER] == EVENT_REMINDER
    assert json.loads(reminder["body"])["escalation"]["reminders_sent"] == 1
    assert EscalationStore(engine).get(escalation_id)["reminders_sent"] == 1


async def test_acknowledged_escalation_gets_no_reminder(engine: Engine, tmp_path: Path) -> None:
    [escalation_id] = record_crisis_events(engine, "conv-1", [user_event("kms", "crisis", "suicide")])
    EscalationStore(engine).acknowledge(escalation_id, "Sam")
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, settings_for(tmp_path, "http://127.0.0.1:9"), session)
        assert notifier.queue_reminders(now=utcnow() + dt.timedelta(hours=1)) == 0


async def test_a_reported_false_alarm_stops_the_reminders_but_leaves_the_escalation_open(engine: Engine, tmp_path: Path) -> None:
    [escalation_id] = record_crisis_events(engine, "conv-1", [user_event("my friend is overdosing", "crisis", "overdose")])
    record_review_items(
        engine,
        "conv-1",
        [
            user_event("sorry no, i meant in the film", "crisis_false_alarm"),
            {"event": "action", "name": "utter_crisis_false_alarm", "timestamp": 2.0},
        ],
    )
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, settings_for(tmp_path, "http://127.0.0.1:9"), session)
        assert notifier.queue_reminders(now=utcnow() + dt.timedelta(hours=1)) == 0
    assert EscalationStore(engine).get(escalation_id)["status"] == "open"


async def test_a_reopened_escalation_is_notified_at_once_and_not_twice(engine: Engine, tmp_path: Path, receiver_factory) -> None:  # type: ignore[no-untyped-def]
    receiver = Receiver()
    url = await receiver_factory(receiver)
    store = EscalationStore(engine)
    [escalation_id] = record_crisis_events(engine, "conv-1", [user_event("kms", "crisis", "suicide")])
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, settings_for(tmp_path, url, escalation_ack_timeout_seconds=60), session)
        await run_until(notifier, lambda: len(receiver.requests) == 1)
        store.acknowledge(escalation_id, "Dana", "Took over the live chat.")
        assert store.reopen(escalation_id, "The live chat was left.")
        await run_until(notifier, lambda: len(receiver.requests) == 2)  # no ack timeout to wait for
        assert notifier.queue_reminders() == 0, "the reopening was the reminder: the timeout starts again"
        assert notifier.queue_reminders(now=utcnow() + dt.timedelta(seconds=61)) == 1
    reminder = receiver.requests[1]
    assert reminder["path"] == "/primary" and reminder["headers"][EVENT_HEADER] == EVENT_REMINDER
    assert json.loads(reminder["body"])["escalation"]["status"] == "open"


async def test_without_a_webhook_url_nothing_is_lost(engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    record_crisis_events(engine, "conv-1", [user_event("kms", "crisis", "suicide")])
    async with aiohttp.ClientSession() as session:
        notifier = Notifier(engine, Settings(var_dir=tmp_path / "var"), session)
        assert await notifier.tick() == 0
        assert len(notifier.due()) == 1
    assert "ESCALATION_WEBHOOK_URL is not set" in caplog.text


def test_signature_is_hmac_sha256_of_the_body() -> None:
    import hashlib
    import hmac

    body = b'{"a":1}'
    assert sign(SECRET, body) == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature_is_valid(SECRET, body, sign(SECRET, body))
    assert not signature_is_valid(SECRET, body + b" ", sign(SECRET, body))
    assert not signature_is_valid(SECRET, body, None)


@pytest.mark.parametrize("attempts, expected", [(1, 2.0), (2, 4.0), (3, 8.0), (10, 300.0)])
def test_backoff_doubles_up_to_the_ceiling(attempts: int, expected: float) -> None:
    assert backoff_seconds(attempts, 2.0, 300.0, jitter=lambda: 0.0) == expected
    assert backoff_seconds(attempts, 2.0, 300.0, jitter=lambda: 1.0) == expected * 1.25
