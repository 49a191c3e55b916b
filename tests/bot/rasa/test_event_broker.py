"""RabbitMQ as Rasa's event broker, on the machine's RabbitMQ: off the answer path, nothing lost
while it connects, no password in the logs."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Iterator, List

import aio_pika
import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.rasa import event_broker
from bot.rasa.event_broker import RabbitMQEventBroker
from bot.records.event_feed import QUEUE
from tests.servers import fresh_rabbitmq


@pytest.fixture
def rabbitmq() -> Iterator[str]:
    with fresh_rabbitmq() as url:
        yield url


async def _drain(url: str, expected: int) -> List[dict]:
    found: List[dict] = []
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(QUEUE, durable=True)
        for _ in range(100):
            message = await queue.get(fail=False)
            if message is None:
                if len(found) >= expected:
                    break
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            found.append(json.loads(message.body))
    return found


async def test_no_url_means_no_broker() -> None:
    assert await RabbitMQEventBroker.from_endpoint_config(EndpointConfig(url="", queues=[QUEUE])) is None
    assert await RabbitMQEventBroker.from_endpoint_config(None) is None


async def test_events_published_while_connecting_reach_the_queue(rabbitmq: str) -> None:
    broker = await RabbitMQEventBroker.from_endpoint_config(EndpointConfig(url=rabbitmq, queues=[QUEUE]))
    assert broker is not None
    try:
        broker.publish({"sender_id": "web-1", "event": "user", "text": "hi"})  # before the connection is up
        for _ in range(100):
            if broker.is_ready():
                break
            await asyncio.sleep(0.05)
        broker.publish({"sender_id": "web-1", "event": "bot", "text": "hello"})
        events = await _drain(rabbitmq, expected=2)
    finally:
        await broker.close()
    assert [(e["sender_id"], e["event"]) for e in events] == [("web-1", "user"), ("web-1", "bot")]


async def test_rabbitmq_down_keeps_a_bounded_backlog_and_says_what_to_check(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(event_broker, "MAX_UNPUBLISHED", 3)
    url = "amqp://companion:hunter2-secret@127.0.0.1:1/%2F"
    with caplog.at_level(logging.WARNING, logger="bot.rasa.event_broker"):
        broker = await RabbitMQEventBroker.from_endpoint_config(EndpointConfig(url=url, queues=[QUEUE]))
        assert broker is not None
        for number in range(5):
            broker.publish({"sender_id": "web-1", "event": "user", "n": number})
        await asyncio.sleep(0.5)
        await broker.close()
    assert [event["n"] for event in broker._unpublished_events] == [2, 3, 4]  # the newest kept
    warning = caplog.text
    assert "RabbitMQ at 127.0.0.1:1 cannot be reached" in warning and "RABBITMQ_URL" in warning
    assert "hunter2" not in warning


class RefusingExchange:
    async def publish(self, message: aio_pika.Message, routing_key: str) -> None:
        raise aio_pika.exceptions.ChannelClosed(406, "gone")


async def test_a_failed_publish_is_kept_and_logged_without_the_text(caplog: pytest.LogCaptureFixture) -> None:
    broker = RabbitMQEventBroker("amqp://guest:guest@127.0.0.1:1/%2F", queues=[QUEUE])
    broker._exchange = RefusingExchange()  # type: ignore[assignment]
    with caplog.at_level(logging.WARNING, logger="bot.rasa.event_broker"):
        await broker._publish({"sender_id": "web-1", "event": "user", "text": "my private words"})
    assert [event["text"] for event in broker._unpublished_events] == ["my private words"]
    assert "could not be sent to RabbitMQ at 127.0.0.1:1" in caplog.text
    assert "my private words" not in caplog.text


async def test_a_burst_of_events_is_sent_in_order_by_one_task_without_waiting_for_confirms(rabbitmq: str) -> None:
    """About ten events a chat message: Rasa's task and publisher confirm per event cost the Rasa
    process about 0.4 ms each; the database holds them all, so a live view needs no confirm."""
    broker = await RabbitMQEventBroker.from_endpoint_config(EndpointConfig(url=rabbitmq, queues=[QUEUE]))
    assert broker is not None
    try:
        for _ in range(100):
            if broker.is_ready():
                break
            await asyncio.sleep(0.05)
        assert broker._exchange is not None and broker._exchange.channel.publisher_confirms is False
        broker.publish({"sender_id": "web-1", "event": "user", "n": 0})
        sender = broker._sending
        for number in range(1, 30):
            broker.publish({"sender_id": "web-1", "event": "bot", "n": number})
        assert broker._sending is sender is not None  # one task for the whole burst
        events = await _drain(rabbitmq, expected=30)
    finally:
        await broker.close()
    assert [event["n"] for event in events] == list(range(30))


async def test_events_waiting_past_the_bound_drop_the_oldest_and_say_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(event_broker, "MAX_UNPUBLISHED", 2)
    broker = RabbitMQEventBroker("amqp://guest:guest@127.0.0.1:1/%2F", queues=[QUEUE])
    with caplog.at_level(logging.WARNING, logger="bot.rasa.event_broker"):
        for number in range(3):  # nothing sends before the loop runs again
            broker.publish({"sender_id": "web-1", "event": "user", "n": number})
    assert [event["n"] for event, _ in broker._outgoing] == [1, 2]
    assert "slower than they come" in caplog.text
    await broker.close()
