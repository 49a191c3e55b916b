"""Bounds on what one person (or one address) can make the Rasa server do, checked by both channels
before a message reaches Rasa. A crisis is never turned away.

- Length: a message longer than MAX_MESSAGE_CHARS is not parsed (one 1 MB message stalled every chat
  for 12 s). The person gets a clear answer with the crisis lines in it. If the curated crisis
  patterns find danger anywhere in it, the part around it goes to Rasa as the message instead,
  so the crisis answer and the escalation still happen.
- Rate: at most RATE_PER_SENDER messages a minute per conversation and RATE_PER_ADDRESS per
  network address; past that the person is asked to slow down, unless the message is a crisis.

The windows are kept in memory, per Rasa process, bounded in size.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Callable, Deque, Optional

from bot.safety.detector import decide

# Largest HTTP body or socket.io message the Rasa server reads: room for a message far over the
# length limit (so a crisis in it is still found) and its metadata, and no more.
CHAT_BODY_LIMIT_BYTES = 64 * 1024
WINDOW_SECONDS = 60.0
MAX_TRACKED_KEYS = 50_000
OVERLAP_CHARS = 200  # a crisis sentence cut by a window boundary is whole in the next one

TOO_LONG = (
    "That message is longer than I can read at once ({length:,} characters; the limit is {limit:,}). "
    "Could you send it in shorter parts? If you are in danger right now, call 911, or call or text 988."
)
SLOW_DOWN = (
    "You're sending messages faster than I can answer them, so I skipped that one. Please wait a "
    "moment and send it again. If you are in danger right now, call 911, or call or text 988."
)


class SlidingWindow:
    """Counts events per key over the last WINDOW_SECONDS; the least recently seen keys are dropped first."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._seen: "OrderedDict[str, Deque[float]]" = OrderedDict()

    def allow(self, key: str) -> bool:
        """Counts one event for ``key``; False when the key is over its limit (then it is not counted)."""
        now = self.clock()
        times = self._seen.pop(key, None) or deque()
        while times and now - times[0] >= WINDOW_SECONDS:
            times.popleft()
        allowed = len(times) < self.limit
        if allowed:
            times.append(now)
        self._seen[key] = times
        while len(self._seen) > MAX_TRACKED_KEYS:
            self._seen.popitem(last=False)
        return allowed


def client_address(request: Any) -> str:
    """The person's address: behind a reverse proxy, the one the proxy reports, when Sanic is told
    to trust it (SANIC_PROXIES_COUNT or SANIC_REAL_IP_HEADER); else the connection's peer."""
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", ""))


@dataclass(frozen=True)
class Decision:
    text: Optional[str]  # what Rasa should read, or None: answer with ``reply`` instead
    reply: Optional[str] = None
    reason: str = "ok"  # ok, too_long, crisis_in_long_message, rate_limited, crisis_over_rate


def crisis_part(text: str, limit: int) -> Optional[str]:
    """The first window of at most ``limit`` characters in which the crisis patterns see danger."""
    step = max(1, limit - OVERLAP_CHARS)
    for start in range(0, len(text), step):
        window = text[start : start + limit]
        if decide(window, model_says_crisis=False).crisis:
            return window
    return None


class MessageGuard:
    def __init__(self, max_chars: int, per_sender: int, per_address: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_chars = max_chars
        self._senders = SlidingWindow(per_sender, clock)
        self._addresses = SlidingWindow(per_address, clock)

    def check(self, text: str, sender_id: str, address: Optional[str]) -> Decision:
        if len(text) > self.max_chars:
            part = crisis_part(text, self.max_chars)
            if part is not None:
                return Decision(part, reason="crisis_in_long_message")
            return Decision(None, TOO_LONG.format(length=len(text), limit=self.max_chars), "too_long")
        # Both windows count every message, so a burst cannot hide behind the other limit.
        sender_ok = self._senders.allow(sender_id)
        address_ok = self._addresses.allow(address) if address else True
        if sender_ok and address_ok:
            return Decision(text)
        if decide(text, model_says_crisis=False).crisis:
            return Decision(text, reason="crisis_over_rate")
        return Decision(None, SLOW_DOWN, "rate_limited")
