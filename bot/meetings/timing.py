"""When a weekly meeting next happens, in its own timezone, across midnight, week ends and DST.

A meeting is a weekday and a wall-clock time in an IANA zone. Its occurrence on a date is that
wall time in that zone; on the night clocks spring forward a time in the gap (02:30) happens at
the same instant as the clock would show if it had not jumped (03:30), and on the night they fall
back an ambiguous time happens the first time round (fold=0), which is what people in the room do.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from bot.meetings.models import Meeting

UTC = dt.timezone.utc


def occurrence_on(meeting: Meeting, date: dt.date) -> dt.datetime:
    """The meeting's start on a local date (any weekday), as an aware UTC datetime."""
    # fold=0 whatever the time object carries (``some_datetime.time()`` keeps its fold): an
    # ambiguous time is the first one, as the module says.
    wall = dt.datetime.combine(date, meeting.start.replace(fold=0), tzinfo=meeting.zone)
    # Through UTC and back: a time in the spring-forward gap becomes a real instant.
    return wall.astimezone(UTC)


def occurrences_from(meeting: Meeting, after: dt.datetime) -> Iterator[dt.datetime]:
    """Every start, in order, of the meeting not yet over at ``after`` (an aware datetime).

    The first one may already have started: it is in progress at ``after``.
    """
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    local_day = after.astimezone(meeting.zone).date()
    # Start a day early: yesterday's late meeting may still be running past midnight.
    date = local_day - dt.timedelta(days=1)
    date += dt.timedelta(days=(meeting.day - date.weekday()) % 7)
    while True:
        start = occurrence_on(meeting, date)
        if start + meeting.duration > after:
            yield start
        date += dt.timedelta(days=7)


def next_occurrence(meeting: Meeting, after: dt.datetime, in_progress: bool = True) -> dt.datetime:
    """The next start at or after ``after``; with ``in_progress``, one that started and has not ended."""
    for start in occurrences_from(meeting, after):
        if in_progress or start >= after:
            return start
    raise AssertionError("unreachable: occurrences_from never ends")


def local_start(meeting: Meeting, start: dt.datetime) -> dt.datetime:
    """An occurrence's start as the wall clock in the meeting's own timezone shows it."""
    return start.astimezone(meeting.zone)
