"""Log-in throttling by client address: exponential back-off after a few failed attempts.

The account lock-out (bot/staff/users.py) guards one account against guesses from many places;
this guards against one place guessing, at one account or many, and makes locking someone out
slow: after ``FREE_ATTEMPTS`` failures an address waits ``BASE_DELAY`` before its next attempt,
then twice as long after each further failure, up to ``MAX_DELAY``. A success from the address
clears its count; so does ``FORGET_AFTER`` without an attempt.

An attempt is counted when it starts, before its password is checked (:meth:`LoginThrottle.acquire`
runs on the event loop, so it is atomic): parallel requests cannot slip through while the first
checks are still running. An attempt refused here is neither counted nor checked.

The count lives in the web app's memory (one process serves the console): a restart forgets it,
and the account lock-out, which is in the database, still holds. IPv6 addresses count by their
/64 network, what one machine is usually given.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Optional

FREE_ATTEMPTS = 5
BASE_DELAY = 1.0  # seconds
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 60 * 60.0  # longer than MAX_DELAY, so waiting out the back-off does not reset it
MAX_ADDRESSES = 10_000  # a bound on memory; the least recently seen address is forgotten first
UNKNOWN_ADDRESS = "unknown"


@dataclass
class _Record:
    failures: int
    last_attempt: float


def address_key(remote: Optional[str]) -> str:
    """What an address is counted as: itself (IPv4), its /64 network (IPv6), or ``unknown``."""
    if not remote:
        return UNKNOWN_ADDRESS
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return remote
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def delay_after(failures: int) -> float:
    """Seconds an address must wait after its latest attempt, having made ``failures`` of them."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY, BASE_DELAY * 2 ** min(failures - FREE_ATTEMPTS, 32))


class LoginThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._records: "OrderedDict[str, _Record]" = OrderedDict()

    def acquire(self, remote: Optional[str]) -> int:
        """0 when an attempt from ``remote`` may go ahead (it is counted as a failure until
        :meth:`succeeded` says otherwise); else the whole seconds to wait before the next one."""
        key, now = address_key(remote), self._clock()
        record = self._records.get(key)
        if record is not None and now - record.last_attempt >= FORGET_AFTER:
            record = None
        if record is not None:
            wait = record.last_attempt + delay_after(record.failures) - now
            if wait > 0:
                return max(1, math.ceil(wait))
        record = _Record(failures=(record.failures if record else 0) + 1, last_attempt=now)
        self._records[key] = record
        self._records.move_to_end(key)
        while len(self._records) > MAX_ADDRESSES:
            self._records.popitem(last=False)
        return 0

    def succeeded(self, remote: Optional[str]) -> None:
        """A log-in from ``remote`` succeeded: its failures are forgiven."""
        self._records.pop(address_key(remote), None)
