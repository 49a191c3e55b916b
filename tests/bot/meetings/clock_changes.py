"""Test helper: the instants a zone's clocks change, found by search (not from the code under test)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Tuple
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
FIRST, LAST = dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2029, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=None)
def transitions(zone_name: str) -> Tuple[dt.datetime, ...]:
    """The zone's UTC offset changes in 2025-2028, to the minute."""
    zone = ZoneInfo(zone_name)
    found = []
    t = FIRST
    while t < LAST:
        nxt = t + dt.timedelta(days=1)
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            lo, hi = t, nxt  # offset(lo) != offset(hi): bisect to the minute
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(second=0, microsecond=0))
        t = nxt
    return tuple(found)
