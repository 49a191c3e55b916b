"""IANA timezone names, checked the same way wherever data names one."""

from __future__ import annotations

from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def known_zone(value: Optional[str]) -> Optional[str]:
    """A pydantic validator: the name itself, or a clear error naming the expected form."""
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not an IANA timezone like America/Los_Angeles") from None
    return value
