"""RabbitMQ as Rasa's event broker (the production profile, RABBITMQ_URL), kept off the answer path.

Rasa's own broker (``type: pika``) tries 20 times, 5 s apart, at start and then stops the server
when RabbitMQ is down; it builds its log lines from a URL with the password in it; and it drops
events published before the connection is up. The events' record is the database: the broker
feeds live views (bot/records/event_feed.py). So this one connects in the background (the
server answers meanwhile), keeps what is published until then (bounded) and sends it once the
connection is up, logs the host only (never an event's text), and says what to check while
RabbitMQ cannot be reached.

Each event is still one message in Rasa's format, but sending costs less: Rasa starts a task per
event (about ten a chat message) and waits for RabbitMQ to confirm each one, which took about
0.4 ms of the Rasa process's CPU an event here. This one sends in order from one task, and
without publisher confirms: the database holds every event, and an event lost in a RabbitMQ crash
costs a live view one poll.
With RABBITMQ_URL unset there is no broker (the embedded default).

Written for Rasa 3.6.21's PikaEventBroker (tests/bot/rasa/test_rasa_internals.py pins it).
"""

from __future__ import annotations

import asyncio
import collections
import logging
from asyncio import AbstractEventLoop
from typing import Any, Deque, Dict, List, Optional, Text, Tuple
from urllib.parse import urlsplit

import aio_pika
import rasa.shared.core.events  # noqa: F401 (Rasa's pika module uses it without importing it)
from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

# Events kept while RabbitMQ cannot be reached, or waiting to be sent; past this the oldest go (the
# database has them all).
MAX_UNPUBLISHED = 10_000
CONNECT_TIMEOUT_SECONDS = 5.0
RETRY_MAX_SECONDS = 30.0


class RabbitMQEventBroker(PikaEventBroker):
    def __init__(self, url: Text, queues: List[Text], event_loop: Optional[AbstractEventLoop] = None, **kwargs: Any) -> None:
        parts = urlsplit(url)
        super().__init__(
            parts.hostname or "",
            username="",
            password="",
            port=parts.port or 5672,
            queues=queues,
            event_loop=event_loop,
            **kwargs,
        )
        self._url = url
        self._unpublished_events: Deque[Dict[Text, Any]] = collections.deque(maxlen=MAX_UNPUBLISHED)
        self._outgoing: Deque[Tuple[Dict[Text, Any], Optional[Dict[Text, Text]]]] = collections.deque(maxlen=MAX_UNPUBLISHED)
        self._connecting: Optional[asyncio.Task] = None
        self._sending: Optional[asyncio.Task] = None

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: Optional[EndpointConfig], event_loop: Optional[AbstractEventLoop] = None
    ) -> Optional["RabbitMQEventBroker"]:
        if broker_config is None or not broker_config.url:
            return None
        broker = cls(broker_config.url, event_loop=event_loop, **broker_config.kwargs)
        broker._connecting = broker._loop.create_task(broker.connect_until_up())
        return broker

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    async def connect_until_up(self) -> None:
        """Connects, retrying with a growing pause, then sends what was published meanwhile."""
        pause = 1.0
        while True:
            try:
                await self.connect()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - every connection error: refused, DNS, credentials, TLS
                log.warning(
                    "RabbitMQ at %s cannot be reached (%s: %s); trying again in %.0f s. The chat works meanwhile and "
                    "the console's live views check the database. Check RABBITMQ_URL and that RabbitMQ runs "
                    "(rabbitmq-diagnostics ping).",
                    self.where,
                    type(error).__name__,
                    error,
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_MAX_SECONDS)
                continue
            self._publish_unpublished_messages()
            return

    async def connect(self) -> None:
        self._connection = await self._connect()
        self._connection.reconnect_callbacks.add(self._publish_unpublished_messages)
        channel = await self._connection.channel(publisher_confirms=False)
        self._exchange = await self._set_up_exchange(channel)

    async def _connect(self) -> aio_pika.abc.AbstractRobustConnection:
        # One attempt: connect_until_up retries. The URL carries the virtual host and TLS (amqps).
        return await aio_pika.connect_robust(self._url, timeout=CONNECT_TIMEOUT_SECONDS)

    def publish(self, event: Dict[Text, Any], headers: Optional[Dict[Text, Text]] = None) -> None:
        """Queues the event; one task sends what is queued, in order (a turn's events go together)."""
        if len(self._outgoing) == self._outgoing.maxlen:
            log.warning("RabbitMQ at %s takes events slower than they come: the oldest waiting one is dropped", self.where)
        self._outgoing.append((event, headers))
        if self._sending is None:
            self._sending = self._loop.create_task(self._send_outgoing())

    async def _send_outgoing(self) -> None:
        try:
            while self._outgoing:
                await self._publish(*self._outgoing.popleft())
        finally:
            self._sending = None

    async def _publish(self, event: Dict[Text, Any], headers: Optional[Dict[Text, Text]] = None) -> None:
        # Rasa's deep-copies every event for a debug line and logs the event, text and all, when a
        # publish fails: a cost on every message and what people wrote in the logs.
        if self._exchange is None:  # not connected yet: keep it for when the connection is up
            self._unpublished_events.append(event)
            return
        try:
            await self._exchange.publish(self._message(event, headers), "")
        except Exception as error:  # noqa: BLE001 - kept and sent again once the connection is back
            log.warning(
                "an event could not be sent to RabbitMQ at %s (%s); it is kept for later", self.where, type(error).__name__
            )
            self._unpublished_events.append(event)

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
        if self._sending is not None:  # what is queued goes out first, if RabbitMQ takes it soon
            await asyncio.wait([self._sending], timeout=CONNECT_TIMEOUT_SECONDS)
        await super().close()
