"""Times in our tables: written in UTC, read back as aware UTC (SQLite drops the offset)."""

from __future__ import annotations

import datetime as dt
from typing import Optional, overload


def to_utc(value: dt.datetime) -> dt.datetime:
    """A time to store; a naive one is refused, since its zone would be a guess."""
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return value.astimezone(dt.timezone.utc)


@overload
def from_db(value: dt.datetime) -> dt.datetime: ...
@overload
def from_db(value: None) -> None: ...
def from_db(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """A time read back: SQLite hands back naive datetimes, and everything we store is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
