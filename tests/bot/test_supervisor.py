"""The supervisor's restart policy: a crashed child comes back, one that keeps crashing stops all."""
from __future__ import annotations

from bot.supervisor import RESTART_DELAYS, RESTART_WINDOW_SECONDS, Child


def test_restart_delays_grow_then_give_up() -> None:
    child = Child("actions", ["true"])
    delays = [child.next_restart_delay(now=100.0 + i) for i in range(len(RESTART_DELAYS) + 1)]
    assert delays[:-1] == [float(d) for d in RESTART_DELAYS]
    assert delays[-1] is None


def test_old_crashes_are_forgotten() -> None:
    child = Child("actions", ["true"])
    for i in range(len(RESTART_DELAYS)):
        child.next_restart_delay(now=float(i))
    assert child.next_restart_delay(now=RESTART_WINDOW_SECONDS + len(RESTART_DELAYS) + 1.0) == float(RESTART_DELAYS[0])
