"""The live views' wake-ups: waiting on a conversation, and Rasa's events read from the real RabbitMQ."""

from __future__ import annotations

import asyncio
import json
from typing import Iterator

import aio_pika
import pytest

from bot.records.event_feed import QUEUE, ConversationSignals, consume_forever, conversation_of
from tests.servers import fresh_rabbitmq


@pytest.fixture
def rabbitmq() -> Iterator[str]:
    with fresh_rabbitmq() as url:
        yield url


async def test_a_waiter_is_woken_by_its_conversation_only() -> None:
    signals = ConversationSignals()
    signals.connected = True
    mine = asyncio.create_task(signals.wait("c1", timeout=5))
    other = asyncio.create_task(signals.wait("c2", timeout=0.3))
    await asyncio.sleep(0.05)
    signals.notify("c1")
    assert await mine is True
    assert await other is False  # timed out: nothing for c2
    assert signals._waiters == {} and signals._count == 0


async def test_nobody_waits_without_a_feed_or_past_the_bound() -> None:
    signals = ConversationSignals(max_waiters=1)
    assert await signals.wait("c1", timeout=5) is False  # not connected: answered at once
    signals.connected = True
    first = asyncio.create_task(signals.wait("c1", timeout=5))
    await asyncio.sleep(0.05)
    assert await asyncio.wait_for(signals.wait("c2", timeout=5), 1) is False  # the bound is reached
    signals.notify("c1")
    assert await first is True


@pytest.mark.parametrize(
    "body, conversation",
    [
        (json.dumps({"sender_id": "web-1", "event": "user", "text": "hi"}).encode(), "web-1"),
        (json.dumps({"event": "user"}).encode(), None),
        (json.dumps(["web-1"]).encode(), None),
        (json.dumps({"sender_id": 7}).encode(), None),
        (b"not json", None),
        (json.dumps({"sender_id": "web-1", "text": "x" * 2_000_000}).encode(), None),  # too large to read
    ],
)
def test_the_conversation_of_a_published_event(body: bytes, conversation: object) -> None:
    assert conversation_of(body) == conversation


async def test_events_on_the_queue_wake_their_conversation(rabbitmq: str) -> None:
    signals = ConversationSignals()
    task = asyncio.create_task(consume_forever(rabbitmq, signals))
    try:
        for _ in range(100):
            if signals.connected:
                break
            await asyncio.sleep(0.05)
        assert signals.connected
        waiting = asyncio.create_task(signals.wait("web-42", timeout=10))
        connection = await aio_pika.connect(rabbitmq)
        async with connection:
            channel = await connection.channel()
            for body in (b"garbage first", json.dumps({"sender_id": "web-42", "event": "user"}).encode()):
                await channel.default_exchange.publish(aio_pika.Message(body), routing_key=QUEUE)
        assert await waiting is True
        # Both were acknowledged, the unreadable one too: nothing is left to be delivered again.
        connection = await aio_pika.connect(rabbitmq)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(QUEUE, durable=True, passive=True)
            assert queue.declaration_result.message_count == 0
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert not signals.connected


async def test_a_feed_that_cannot_connect_keeps_trying_and_nobody_waits() -> None:
    signals = ConversationSignals()
    task = asyncio.create_task(consume_forever("amqp://guest:guest@127.0.0.1:1/%2F", signals))
    await asyncio.sleep(0.5)
    assert not task.done() and not signals.connected
    assert await signals.wait("c1", timeout=5) is False
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
