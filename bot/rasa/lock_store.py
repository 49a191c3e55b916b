"""Conversation locks in Redis for several Rasa instances (the production profile, REDIS_URL).

Rasa's RedisLockStore keeps each conversation's queue of tickets as one JSON value that every step
reads, changes in Python and writes back. Two instances taking a ticket at once can both get the
first one and answer one conversation at the same time; a release that deletes the value while
another instance takes a ticket makes that message fail ("Could not acquire lock"). Each step is
also a blocking call on Rasa's event loop, five or six a message, and a waiting message polls
once a second.

Here each step is one Lua script, atomic in Redis, sent with redis-py's asyncio client:
- **take** a ticket: the next number joins the conversation's queue (first come, first served);
  tickets past their expiry (on Redis's clock) leave it; the answer says whether it is first;
- **wait**, while it is not: ask again, after 5 ms at first and at most every 100 ms;
- **release** the ticket in any case; the queue's keys go when it is empty.
A ticket expires after the lock lifetime (Rasa's TICKET_LOCK_LIFETIME, 60 s by default), so an
instance that died holding a lock holds it no longer than that, as with Rasa's store.

Written for Rasa 3.6.21's LockStore.lock (tests/bot/rasa/test_rasa_internals.py pins it): the
only method Rasa calls on a lock store.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Tuple

import redis.asyncio as redis
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 10.0
FIRST_PAUSE_SECONDS = 0.005
MAX_PAUSE_SECONDS = 0.1
# The ticket counter outlives any ticket by far: numbers never restart while an old holder, past
# its expiry, may still release its number.
COUNTER_SECONDS = 24 * 3600

# KEYS: counter, queue (ticket -> number), expiry (ticket -> expiry in ms). Drops expired tickets.
_EXPIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, ticket in ipairs(expired) do redis.call('ZREM', KEYS[2], ticket) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
"""
_FIRST = """
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
"""
# ARGV: lifetime in ms. Returns {ticket, 1 if it is first}.
TAKE = (
    _EXPIRE
    + """
local lifetime = tonumber(ARGV[1])
local ticket = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ticket, ticket)
redis.call('ZADD', KEYS[3], now + lifetime, ticket)
for i = 2, 3 do
  if redis.call('PTTL', KEYS[i]) < lifetime then redis.call('PEXPIRE', KEYS[i], lifetime) end
end"""
    + _FIRST
    + """
return {ticket, tonumber(head) == ticket and 1 or 0}
"""
)
# ARGV: ticket. Returns 1 if it is first, 0 if it waits, -1 if it expired meanwhile.
IS_FIRST = (
    _EXPIRE
    + """
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return -1 end"""
    + _FIRST
    + """
return head == ARGV[1] and 1 or 0
"""
)
# ARGV: ticket.
RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[2], KEYS[3]) end
"""


class AtomicRedisLockStore(LockStore):
    """``lock_store: type: bot.rasa.lock_store.AtomicRedisLockStore`` with ``url: redis://...``."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        if not endpoint_config.url:
            raise ValueError("the Redis lock store needs its url (REDIS_URL), e.g. redis://127.0.0.1:6379/0")
        self.red = redis.Redis.from_url(
            endpoint_config.url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=SOCKET_TIMEOUT_SECONDS
        )
        prefix = str(endpoint_config.kwargs.get("key_prefix") or "")
        self.key_prefix = f"{prefix}:lock:" if prefix.isalnum() else "lock:"
        self._take = self.red.register_script(TAKE)
        self._is_first = self.red.register_script(IS_FIRST)
        self._release = self.red.register_script(RELEASE)
        super().__init__()

    def _keys(self, conversation_id: str) -> Tuple[str, str, str]:
        base = self.key_prefix + conversation_id
        return base + ":next", base + ":queue", base + ":expiry"

    @asynccontextmanager
    async def lock(  # yields the ticket number: Rasa's callers use none
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[int]:
        keys = self._keys(conversation_id)
        try:
            ticket, first = await self._take(keys=keys, args=[int(lock_lifetime * 1000), COUNTER_SECONDS * 1000])
        except redis.RedisError as error:
            raise LockError(
                f"Redis cannot be reached for the lock of a conversation ({type(error).__name__}); check REDIS_URL"
            ) from error
        try:
            pause = FIRST_PAUSE_SECONDS
            while not first:
                await asyncio.sleep(min(pause, wait_time_in_seconds))
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
                first = await self._is_first(keys=keys, args=[ticket])
                if first == -1:
                    raise LockError(
                        f"the lock of conversation {conversation_id!r} was held past its lifetime ({lock_lifetime:.0f} s)"
                    )
            yield int(ticket)
        finally:
            await self._release_quietly(keys, ticket)

    async def _release_quietly(self, keys: Any, ticket: int) -> None:
        # The answer has gone out: a release Redis refuses now only makes the next message wait
        # for the ticket's expiry, which is no reason to fail this one.
        try:
            await self._release(keys=keys, args=[ticket])
        except redis.RedisError as error:
            log.warning("a conversation's lock could not be released (%s); it expires by itself", type(error).__name__)
