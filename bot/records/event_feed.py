"""Rasa's events as they happen, from RabbitMQ: what wakes the console's live views.

With RABBITMQ_URL (the production profile), every Rasa instance publishes each new event to the
durable queue ``QUEUE`` (bot/rasa/event_broker.py). The web app consumes it and wakes whoever
waits on that conversation, so the live chat shows the person's message as soon as any instance
has saved it, instead of at its next poll. The turns themselves are always read from the
database, which is the record: a wake-up lost on the way (RabbitMQ down, the web app restarting)
delays a live view by one poll and loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Dict, Optional, Set

import aio_pika

log = logging.getLogger(__name__)

QUEUE = "companion.events"  # endpoints.yml, event_broker.queues
# At most this many requests wait at once; past it a request is answered at once (the page polls).
MAX_WAITERS = 1_000
RETRY_MAX_SECONDS = 30.0
MAX_BODY_BYTES = 1_000_000


class ConversationSignals:
    """Futures that resolve when a conversation gets a new event."""

    def __init__(self, max_waiters: int = MAX_WAITERS) -> None:
        self._waiters: Dict[str, Set["asyncio.Future[None]"]] = {}
        self._count = 0
        self.max_waiters = max_waiters
        self.connected = False  # consuming the queue now: waiting is worth it

    def notify(self, conversation_id: str) -> None:
        for future in self._waiters.pop(conversation_id, set()):
            if not future.done():
                future.set_result(None)

    async def wait(self, conversation_id: str, timeout: float) -> bool:
        """True when the conversation got an event within ``timeout`` seconds; False at once when
        nothing feeds the signals or too many wait already."""
        if not self.connected or self._count >= self.max_waiters:
            return False
        future: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(conversation_id, set()).add(future)
        self._count += 1
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            self._count -= 1
            waiting = self._waiters.get(conversation_id)
            if waiting is not None:
                waiting.discard(future)
                if not waiting:
                    del self._waiters[conversation_id]


def conversation_of(body: bytes) -> Optional[str]:
    """The conversation a published Rasa event belongs to, or None for anything else."""
    if len(body) > MAX_BODY_BYTES:
        return None
    try:
        event = json.loads(body)
    except ValueError:
        return None
    sender = event.get("sender_id") if isinstance(event, dict) else None
    return sender if isinstance(sender, str) and sender else None


async def consume_forever(url: str, signals: ConversationSignals) -> None:
    """Consumes QUEUE, waking ``signals``; reconnects with a growing pause while RabbitMQ is away."""
    pause = 1.0
    while True:
        try:
            connection = await aio_pika.connect(url, timeout=5)
            async with connection:
                channel = await connection.channel()
                await channel.set_qos(prefetch_count=200)
                # Declared as Rasa declares it (durable), so either may start first; Rasa binds it.
                queue = await channel.declare_queue(QUEUE, durable=True)
                signals.connected = True
                pause = 1.0
                log.info("listening to Rasa's events on RabbitMQ (queue %s)", QUEUE)
                async with queue.iterator() as messages:
                    async for message in messages:
                        async with message.process():  # acknowledged even when unreadable: never redelivered in a loop
                            conversation_id = conversation_of(message.body)
                        if conversation_id is not None:
                            signals.notify(conversation_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - a feed that fails must not stop: it reconnects
            log.warning(
                "RabbitMQ's event queue cannot be read (%s: %s); the console's live views check the database meanwhile. "
                "Trying again in %.0f s.",
                type(error).__name__,
                error,
                pause,
            )
        finally:
            signals.connected = False
        await asyncio.sleep(pause)
        pause = min(pause * 2, RETRY_MAX_SECONDS)
