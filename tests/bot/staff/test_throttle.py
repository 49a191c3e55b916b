"""Log-in throttling by address: free attempts, doubling waits, forgetting, and the key of an address."""

from __future__ import annotations

from typing import List

import pytest

from bot.staff import throttle
from bot.staff.throttle import BASE_DELAY, FORGET_AFTER, FREE_ATTEMPTS, MAX_DELAY, LoginThrottle, address_key, delay_after
from tests.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(clock: Clock) -> LoginThrottle:
    return LoginThrottle(clock)


def test_the_first_attempts_are_free_then_each_wait_doubles(limiter: LoginThrottle, clock: Clock) -> None:
    assert (FREE_ATTEMPTS, BASE_DELAY, MAX_DELAY) == (5, 1.0, 900.0)
    assert [limiter.acquire("203.0.113.7") for _ in range(FREE_ATTEMPTS)] == [0] * FREE_ATTEMPTS
    waits: List[int] = []
    for _ in range(4):
        wait = limiter.acquire("203.0.113.7")
        waits.append(wait)
        assert limiter.acquire("203.0.113.7") == wait  # refused attempts are not counted
        clock.now += wait
        assert limiter.acquire("203.0.113.7") == 0
    assert waits == [1, 2, 4, 8]


def test_the_wait_stops_growing_at_fifteen_minutes() -> None:
    assert delay_after(FREE_ATTEMPTS - 1) == 0
    assert delay_after(FREE_ATTEMPTS + 9) == 512
    assert delay_after(FREE_ATTEMPTS + 10) == MAX_DELAY
    assert delay_after(10**6) == MAX_DELAY


def test_parallel_attempts_are_counted_before_they_are_checked(limiter: LoginThrottle) -> None:
    """Twenty attempts arriving together (none has failed yet) still get only the free ones."""
    granted = [limiter.acquire("203.0.113.7") == 0 for _ in range(20)]
    assert granted.count(True) == FREE_ATTEMPTS


def test_a_success_forgives_the_address(limiter: LoginThrottle) -> None:
    for _ in range(FREE_ATTEMPTS):
        limiter.acquire("203.0.113.7")
    limiter.succeeded("203.0.113.7")
    assert [limiter.acquire("203.0.113.7") for _ in range(FREE_ATTEMPTS)] == [0] * FREE_ATTEMPTS


def test_an_address_is_forgotten_after_an_hour_without_attempts(limiter: LoginThrottle, clock: Clock) -> None:
    for _ in range(FREE_ATTEMPTS + 1):
        limiter.acquire("203.0.113.7")
        clock.now += 1
    assert limiter.acquire("203.0.113.7") > 0
    clock.now += FORGET_AFTER
    assert [limiter.acquire("203.0.113.7") for _ in range(FREE_ATTEMPTS)] == [0] * FREE_ATTEMPTS


def test_addresses_are_counted_apart(limiter: LoginThrottle) -> None:
    for _ in range(FREE_ATTEMPTS + 1):
        limiter.acquire("203.0.113.7")
    assert limiter.acquire("203.0.113.7") > 0
    assert limiter.acquire("198.51.100.2") == 0


def test_memory_is_bounded(limiter: LoginThrottle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "MAX_ADDRESSES", 3)
    for _ in range(FREE_ATTEMPTS + 1):
        limiter.acquire("203.0.113.7")
    for other in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        limiter.acquire(other)
    assert limiter.acquire("203.0.113.7") == 0  # the least recently seen address was dropped


@pytest.mark.parametrize(
    "remote, key",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),  # the same machine's other address
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_the_key_of_an_address(remote: object, key: str) -> None:
    assert address_key(remote) == key  # type: ignore[arg-type]
