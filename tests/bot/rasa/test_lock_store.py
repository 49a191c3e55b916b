"""Conversation locks in the machine's Redis, taken by several instances at once: one holder at a
time, first come first served, an expired holder cannot take the lock back, Redis down is a clear
error."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import List

import pytest
import redis as sync_redis
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.lock_store import AtomicRedisLockStore
from tests.servers import redis_url  # noqa: F401 (fixture)


def instance(url: str) -> AtomicRedisLockStore:
    """One Rasa instance's lock store: its own client and connections."""
    return AtomicRedisLockStore(EndpointConfig(url=url, key_prefix="companion"))


def test_instances_in_separate_threads_never_hold_one_conversation_at_once(redis_url: str) -> None:
    """Rasa's own store reads, changes and writes one JSON value per step: two instances taking a
    ticket at once could both be first."""
    inside, overlaps, served, errors = [0], [0], [0], []

    def run() -> None:
        store = instance(redis_url)

        async def turns() -> None:
            for _ in range(60):
                async with store.lock("c1", lock_lifetime=10):
                    inside[0] += 1
                    overlaps[0] += inside[0] > 1
                    await asyncio.sleep(0.001)
                    inside[0] -= 1
                    served[0] += 1

        try:
            asyncio.run(turns())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and served[0] == 180 and overlaps[0] == 0


async def test_messages_are_served_in_the_order_they_took_their_tickets(redis_url: str) -> None:
    stores = [instance(redis_url), instance(redis_url)]
    order: List[int] = []
    holder = stores[0].lock("c2")
    await holder.__aenter__()

    async def message(number: int) -> None:
        async with stores[number % 2].lock("c2"):
            order.append(number)

    waiting = []
    for number in range(6):
        waiting.append(asyncio.create_task(message(number)))
        await asyncio.sleep(0.02)  # each has taken its ticket before the next arrives
    await holder.__aexit__(None, None, None)
    await asyncio.wait_for(asyncio.gather(*waiting), 10)
    assert order == [0, 1, 2, 3, 4, 5]


async def test_a_holder_past_its_lifetime_gives_way_and_its_late_release_frees_no_one_else(redis_url: str) -> None:
    first, second = instance(redis_url), instance(redis_url)
    stuck = first.lock("c3", lock_lifetime=0.3)
    await stuck.__aenter__()  # an instance that stalls holding the lock
    inside = asyncio.Event()
    leave = asyncio.Event()

    async def next_message() -> None:
        async with second.lock("c3", lock_lifetime=10):
            inside.set()
            await leave.wait()

    task = asyncio.create_task(next_message())
    await asyncio.wait_for(inside.wait(), 5)  # served once the stalled ticket expired
    await stuck.__aexit__(None, None, None)  # the stalled instance wakes up and releases
    third = asyncio.create_task(_enter(instance(redis_url), "c3"))
    await asyncio.sleep(0.3)
    assert not third.done(), "a late release let a third message in beside the second"
    leave.set()
    await asyncio.wait_for(asyncio.gather(task, third), 5)


async def _enter(store: AtomicRedisLockStore, conversation_id: str) -> None:
    async with store.lock(conversation_id):
        pass


async def test_a_waiting_message_whose_ticket_expired_is_an_error_not_a_second_holder(redis_url: str) -> None:
    holder = instance(redis_url).lock("c4", lock_lifetime=10)
    await holder.__aenter__()
    with pytest.raises(LockError, match="held past its lifetime"):
        await asyncio.wait_for(_enter_with_lifetime(instance(redis_url), "c4", 0.2), 5)
    await holder.__aexit__(None, None, None)


async def _enter_with_lifetime(store: AtomicRedisLockStore, conversation_id: str, lifetime: float) -> None:
    async with store.lock(conversation_id, lock_lifetime=lifetime):
        pass


async def test_nothing_but_the_ticket_counter_is_left_once_every_message_is_served(redis_url: str) -> None:
    store = instance(redis_url)
    await asyncio.gather(*[_enter(store, "c5") for _ in range(5)])
    client = sync_redis.Redis.from_url(redis_url)
    assert sorted(key.decode() for key in client.keys("companion:lock:c5*")) == ["companion:lock:c5:next"]
    assert 0 < client.ttl("companion:lock:c5:next") <= 24 * 3600


async def test_redis_down_is_a_lock_error_that_says_what_to_check() -> None:
    store = instance("redis://127.0.0.1:1/0")
    with pytest.raises(LockError, match="check REDIS_URL"):
        await _enter(store, "c6")


async def test_a_release_redis_refuses_is_logged_not_raised(redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    store = instance(redis_url)

    async def refused(**_: object) -> None:
        raise sync_redis.exceptions.ConnectionError("gone")

    store._release = refused  # type: ignore[assignment]
    with caplog.at_level(logging.WARNING, logger="bot.rasa.lock_store"):
        await _enter(store, "c7")
    assert "could not be released" in caplog.text
