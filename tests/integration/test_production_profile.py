"""The production profile end to end: the whole service (`python -m bot run`) with DATABASE_URL on
the machine's PostgreSQL and REDIS_URL on its Redis, chosen by configuration only.

- A conversation's events, a lead and a crisis escalation land in PostgreSQL (recorded once).
- Rasa takes its conversation locks in Redis: while another instance holds a conversation's lock,
  a message to it waits its turn, and is answered once the lock is released.
- Two Rasa instances behind HAProxy (``--instances 2``) serve one conversation in turn; a crisis
  across them is one escalation; an instance killed mid-conversation loses no turn, and comes back.
- socket.io across instances (Redis): what one instance sends reaches a widget connected to the other.
- RabbitMQ as Rasa's event broker: the console's live chat, waiting on a conversation, is woken by
  a message that either instance saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import uuid
from pathlib import Path
from typing import Iterator, Tuple

import aiohttp
import pytest
import sqlalchemy as sa
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import Engine

from bot.rasa.lock_store import AtomicRedisLockStore
from bot.service.process import RunningService, start_service
from bot.staff.users import UserStore
from bot.storage.db import escalation_messages, escalations, leads
from bot.storage.rasa_events import events
from tests.integration.processes import rasa_pid
from tests.integration.test_clients import open_socket
from tests.integration.test_handoff import PASSWORD, staff_session
from tests.integration.test_service import TOKEN, free_port, joined, say
from tests.servers import fresh_postgres, fresh_rabbitmq, fresh_redis

pytestmark = pytest.mark.integration


@contextlib.contextmanager
def production_service(directory: Path, instances: int) -> Iterator[Tuple[RunningService, Engine, str]]:
    """The whole service on a new PostgreSQL database, an empty Redis database and RabbitMQ."""
    with fresh_postgres() as database, fresh_redis() as redis_url, fresh_rabbitmq() as rabbitmq_url:
        running = start_service(
            directory,
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            token=TOKEN,
            extra_env={
                "DATABASE_URL": database.url.render_as_string(hide_password=False),
                "REDIS_URL": redis_url,
                "RABBITMQ_URL": rabbitmq_url,
            },
            instances=instances,
        )
        try:
            yield running, database, redis_url
        finally:
            running.stop()


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[RunningService, Engine, str]]:
    with production_service(tmp_path_factory.mktemp("production"), instances=1) as started:
        yield started


def rows(database: Engine, query: sa.sql.Select) -> list:
    with database.connect() as connection:
        return list(connection.execute(query))


async def test_conversations_and_leads_are_kept_in_postgresql(production: Tuple[RunningService, Engine, str]) -> None:
    service, database, _ = production
    sender = f"pg-{uuid.uuid4()}"
    assert "first name" in joined(await say(service, sender, "can someone call me back"))
    await say(service, sender, "Maria")
    await say(service, sender, "760-555-0142")
    await say(service, sender, "weekday mornings")
    await say(service, sender, "my son")
    await say(service, sender, "skip")
    assert "call" in joined(await say(service, sender, "yes")).lower()
    assert rows(database, sa.select(leads.c.first_name).where(leads.c.conversation_id == sender)) == [("Maria",)]
    user_turns = rows(database, sa.select(events.c.id).where(events.c.sender_id == sender, events.c.type_name == "user"))
    assert len(user_turns) == 7
    assert not (Path(service.database)).exists()  # nothing went to the embedded SQLite file


async def test_a_crisis_is_answered_and_recorded_once_in_postgresql(production: Tuple[RunningService, Engine, str]) -> None:
    service, database, _ = production
    sender = f"pg-{uuid.uuid4()}"
    reply = joined(await say(service, sender, "i want to kill myself tonight"))
    assert "988" in reply and "911" in reply
    found = rows(database, sa.select(escalations.c.id, escalations.c.crisis_type).where(escalations.c.conversation_id == sender))
    assert [crisis_type for _, crisis_type in found] == ["suicide"]
    said = rows(database, sa.select(escalation_messages.c.id).where(escalation_messages.c.escalation_id == found[0][0]))
    assert len(said) == 1


async def test_the_console_lists_finds_and_shows_conversations_kept_in_postgresql(
    production: Tuple[RunningService, Engine, str],
) -> None:
    """The console's queries read Rasa's JSON events on PostgreSQL as on SQLite (bot/storage/rasa_events.py)."""
    service, database, _ = production
    UserStore(database).add("ana", "Ana Ruiz", "admissions", PASSWORD)
    sender = f"pg-{uuid.uuid4()}"
    await say(service, sender, "¿aceptan Medi-Cal?")
    http, _ = await staff_session(service)
    try:
        listed = await http.get("/api/conversations", params={"q": "medi-cal", "language": "es"})
        shown = await http.get(f"/api/conversations/{sender}")
        assert (listed.status, shown.status) == (200, 200), await listed.text()
        found, transcript = await listed.json(), await shown.json()
    finally:
        await http.close()
    assert [(item["conversation_id"], item["user_messages"], item["language"]) for item in found["items"]] == [(sender, 1, "es")]
    said = [turn["text"] for turn in transcript["turns"] if turn["kind"] == "user"]
    assert transcript["language"] == "es" and said == ["¿aceptan Medi-Cal?"]


async def test_a_conversation_locked_by_another_instance_waits_its_turn(production: Tuple[RunningService, Engine, str]) -> None:
    service, _, redis_url = production
    other_instance = AtomicRedisLockStore(EndpointConfig(url=redis_url, key_prefix="companion"))
    sender = f"pg-{uuid.uuid4()}"
    async with other_instance.lock(sender, lock_lifetime=30):
        answer = asyncio.create_task(say(service, sender, "what are your hours"))
        await asyncio.sleep(3)
        assert not answer.done(), "Rasa answered while another instance held the conversation's lock"
    assert "am" in joined(await asyncio.wait_for(answer, 30))


# --- two Rasa instances behind HAProxy (`python -m bot run --instances 2`) -------------------------


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[RunningService, Engine]]:
    with production_service(tmp_path_factory.mktemp("two-instances"), instances=2) as (running, database, _):
        yield running, database


class BadGateway(Exception):
    """The balancer could not get an answer from the instance it chose (502)."""


async def say_served(service: RunningService, sender: str, text: str) -> Tuple[str, str]:
    """The reply's text and the instance that served it."""
    async with aiohttp.ClientSession() as session:
        body = {"sender": sender, "message": text}
        async with session.post(f"{service.rasa_url}/webhooks/rest/webhook", json=body) as response:
            if response.status == 502:
                raise BadGateway(text)
            assert response.status == 200, await response.text()
            return joined(await response.json()), response.headers.get("X-Served-By", "")


CALLBACK = ["can someone call me back", "Maria", "760-555-0142", "weekday mornings", "my son", "skip", "yes"]


async def test_two_instances_serve_one_conversation_in_turn(two_instances: Tuple[RunningService, Engine]) -> None:
    service, database = two_instances
    sender = f"two-{uuid.uuid4()}"
    served = set()
    for text in CALLBACK:
        reply, instance = await say_served(service, sender, text)
        served.add(instance)
    assert served == {"rasa1", "rasa2"}
    assert "call" in reply.lower()  # the form went through to the end, whichever instance asked what
    assert rows(database, sa.select(leads.c.first_name, leads.c.phone).where(leads.c.conversation_id == sender)) == [
        ("Maria", "(760) 555-0142")
    ]


async def test_a_crisis_across_two_instances_is_recorded_once(two_instances: Tuple[RunningService, Engine]) -> None:
    service, database = two_instances
    sender = f"two-{uuid.uuid4()}"
    served = set()
    for text in ("hi", "i want to kill myself tonight", "i'm going to take all my pills tonight", "i mean it"):
        served.add((await say_served(service, sender, text))[1])
    assert served == {"rasa1", "rasa2"}
    found = rows(database, sa.select(escalations.c.id).where(escalations.c.conversation_id == sender))
    assert len(found) == 1  # one escalation; later crisis messages are added to it
    said = rows(database, sa.select(escalation_messages.c.id).where(escalation_messages.c.escalation_id == found[0][0]))
    crisis_turns = rows(
        database,
        sa.select(events.c.id).where(
            events.c.sender_id == sender, events.c.type_name == "user", events.c.intent_name == "crisis"
        ),
    )
    assert len(said) == len(crisis_turns) >= 2  # each crisis turn once, whichever instance saved it


def rasa_instance_port(service: RunningService, name: str) -> int:
    """The port of Rasa instance ``name`` (rasa1, ...) of this service, from its HAProxy config."""
    config = (Path(service.log_path).parent / "haproxy.cfg").read_text()
    return int(
        next(line.split()[2].rsplit(":", 1)[1] for line in config.splitlines() if line.strip().startswith(f"server {name} "))
    )


def rasa_instance_pid(service: RunningService, name: str) -> int:
    return rasa_pid(rasa_instance_port(service, name))


async def test_a_widget_on_one_instance_gets_what_the_other_sends(two_instances: Tuple[RunningService, Engine]) -> None:
    service, _ = two_instances
    one = dataclasses.replace(service, rasa_url=f"http://127.0.0.1:{rasa_instance_port(service, 'rasa1')}")
    ws, socket = await open_socket(one)
    session_id = uuid.uuid4().hex
    try:
        await socket.emit("session_request", {"session_id": session_id})
        assert await socket.until("session_confirm") == session_id
        await socket.emit("user_uttered", {"message": "hi", "session_id": session_id})
        await socket.until("bot_uttered")
        # What the live handoff and reminders do: Rasa's HTTP API on the *other* instance makes the
        # assistant say something on the socket.io channel.
        other = f"http://127.0.0.1:{rasa_instance_port(service, 'rasa2')}"
        async with aiohttp.ClientSession() as http:
            triggered = await http.post(
                f"{other}/conversations/{session_id}/trigger_intent",
                params={"token": TOKEN, "output_channel": "socketio"},
                json={"name": "ask_insurance"},
            )
            assert triggered.status == 200, await triggered.text()
        reply = await socket.until("bot_uttered", timeout=15)
    finally:
        await ws.close()
    assert "insurance" in reply["text"].lower()


async def test_the_live_chat_is_woken_by_rasa_s_events_on_rabbitmq(two_instances: Tuple[RunningService, Engine]) -> None:
    service, database = two_instances
    UserStore(database).add("ana", "Ana Ruiz", "admissions", PASSWORD)
    sender = f"live-{uuid.uuid4()}"
    await say_served(service, sender, "hi")
    http, _ = await staff_session(service)
    try:
        first = await (await http.get(f"/console/live/{sender}/events", params={"after": "0"})).json()
        after = first["after"]

        async def later() -> None:
            await asyncio.sleep(2)
            await say_served(service, sender, "do you take aetna?")

        loop = asyncio.get_running_loop()
        started = loop.time()
        waited, _ = await asyncio.gather(
            http.get(f"/console/live/{sender}/events", params={"after": str(after), "wait": "15"}), later()
        )
        took = loop.time() - started
        events = await waited.json()
    finally:
        await http.close()
    assert events["push"] is True  # the web app listens to RabbitMQ
    assert any(turn["kind"] == "user" and "aetna" in turn["text"] for turn in events["turns"])
    assert 1.5 < took < 10  # it waited for the message, and answered as soon as it was saved


async def test_an_instance_that_dies_mid_conversation_loses_nothing(two_instances: Tuple[RunningService, Engine]) -> None:
    service, database = two_instances
    sender = f"two-{uuid.uuid4()}"
    for text in CALLBACK[:3]:
        await say_served(service, sender, text)
    os.kill(rasa_instance_pid(service, "rasa1"), signal.SIGKILL)
    resent = 0
    for text in CALLBACK[3:]:
        try:
            reply, _ = await say_served(service, sender, text)
        except BadGateway:
            # It reached rasa1 as it died (the balancer had not yet seen it go): not taken, so
            # the client sends it again, and the other instance answers.
            resent += 1
            reply, _ = await say_served(service, sender, text)
        assert reply, f"no reply to {text!r} while rasa1 was down"
    assert resent <= 1
    assert "call" in reply.lower()
    user_turns = rows(database, sa.select(events.c.id).where(events.c.sender_id == sender, events.c.type_name == "user"))
    assert len(user_turns) == len(CALLBACK)
    assert rows(database, sa.select(leads.c.first_name).where(leads.c.conversation_id == sender)) == [("Maria",)]
    # The supervisor starts the instance again, and the balancer takes it back.
    for _ in range(120):
        if {(await say_served(service, f"probe-{uuid.uuid4()}", "hi"))[1] for _ in range(4)} == {"rasa1", "rasa2"}:
            return
        await asyncio.sleep(1)
    raise AssertionError("rasa1 did not come back")
