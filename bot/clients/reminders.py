"""Group reminders: "remind me an hour before group" (how long before, and when it is due).

The action schedules a Rasa reminder for the time worked out here; when it fires it reminds the
client and schedules the one for the group after (actions/clients.py), so one request covers
every group until the client says "stop reminders".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Optional

from bot.program.models import Track
from bot.program.occurrences import Occurrence, on_date, upcoming

DEFAULT_LEAD = dt.timedelta(hours=1)
MIN_LEAD = dt.timedelta(minutes=5)
MAX_LEAD = dt.timedelta(hours=24)
# Rasa's reminder names are global to the process: one per conversation.
NAME_PREFIX = "group_reminder"

_UNITS = {"min": 1, "minute": 1, "minutes": 1, "mins": 1, "hour": 60, "hours": 60, "hr": 60, "hrs": 60}
_AMOUNT = r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty[- ]five|ninety)"
_LEAD = re.compile(_AMOUNT + r"\s*(minutes?|mins?|hours?|hrs?)\b(\s+and\s+a\s+half)?")
_HALF_HOUR = re.compile(r"\bhalf\s+(?:an\s+)?hour\b")
_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "forty five": 45,
    "ninety": 90,
}


class LeadError(ValueError):
    """The lead time asked for can't be used; the message says why, for the person."""


def parse_lead(text: str) -> dt.timedelta:
    """How long before group: "an hour" (the default), "30 minutes", "2 hours", "an hour and a half"."""
    lowered = text.casefold()
    match = _LEAD.search(lowered)
    if _HALF_HOUR.search(lowered) and not (match and match.group(3)):
        lead = dt.timedelta(minutes=30)
    elif match:
        amount = float(_WORDS.get(match.group(1), 0) or match.group(1))
        minutes = amount * _UNITS[match.group(2)]
        if match.group(3):
            minutes += 30 if match.group(2).startswith("h") else 0
        lead = dt.timedelta(minutes=minutes)
    else:
        return DEFAULT_LEAD
    if lead < MIN_LEAD or lead > MAX_LEAD:
        raise LeadError(f"I can remind you between {words(MIN_LEAD)} and {words(MAX_LEAD)} before group.")
    return lead


def words(lead: dt.timedelta) -> str:
    """1 hour, 30 minutes, 1 hour 30 minutes."""
    minutes = int(lead.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


@dataclass(frozen=True)
class Plan:
    occurrence: Occurrence
    at: dt.datetime  # when to remind, in the center's zone


def next_reminder(track: Track, now: dt.datetime, zone: Any, lead: dt.timedelta) -> Plan:
    """The first group whose reminder time is still ahead (a group starting sooner than the lead is skipped)."""
    for occurrence in upcoming(track, now, zone, include_in_progress=False):
        # In absolute time: an hour before a group just after a clock change is not wall-clock minus one.
        at = (occurrence.start.astimezone(dt.timezone.utc) - lead).astimezone(occurrence.start.tzinfo)
        if at > now:
            return Plan(occurrence, at)
    raise AssertionError("upcoming() is endless")  # pragma: no cover


def group_reminded(track: Track, zone: Any, group_at: dt.datetime, now: dt.datetime) -> Optional[Occurrence]:
    """The group a firing reminder was set for, if it is still on the schedule and has not begun.

    None when the schedule changed since, or the reminder fires late (the service was down) and
    the group has started: then there is nothing to remind of.
    """
    for occurrence in on_date(track, group_at.astimezone(zone).date(), zone):
        if occurrence.start == group_at and now < occurrence.start:
            return occurrence
    return None


def reminder_name(conversation_id: str) -> str:
    return f"{NAME_PREFIX}:{conversation_id}"
