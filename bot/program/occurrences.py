"""When a track's groups actually happen: weekly sessions turned into real instants.

A session is a weekday and wall-clock times in the center's IANA zone ("Monday 18:00-21:00,
Pacific time"). Clients ask "when is my next group?" or want a reminder an hour before, so the
bot needs the real instant, right across week ends, year ends and daylight-saving changes, and
whatever zone the server's clock (or the ``now`` it is given) happens to be in.

The rules match ``bot.meetings.timing``: a wall time that does not exist (the spring-forward gap)
happens where a clock that had not jumped would show it, i.e. moved forward by the gap (02:30 ->
03:30 in Los Angeles); an ambiguous one (clocks fall back) happens the first time round (fold=0),
which is when people in the room would meet. The end is resolved the same way, so a session keeps
its wall-clock end (a 01:00-04:00 group on the spring-forward night is two real hours long).

Python compares and subtracts two datetimes that share a tzinfo by their wall clocks, ignoring
fold and offset changes; everything here that orders or measures instants does it in UTC.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.program.models import Session, Track

UTC = dt.timezone.utc
_DAY = dt.timedelta(days=1)
# A wall time t on local date D resolves to the instant (D t) - offset, the offset being the one
# in force before any jump; no zone's offset (historical LMT included) is beyond +/-16 h. So every
# occurrence on D starts at or after D 00:00 UTC - 16 h and ends before D+2 00:00 UTC, and an
# instant whose local date is L is at or after L 00:00 UTC - 16 h: scanning from three local days
# before ``now`` misses nothing, and a day's occurrences can be released once that bound is passed.
_EARLIEST_OFFSET = dt.timedelta(hours=16)
_LOOKBACK_DAYS = 3


def _require_aware(now: dt.datetime, name: str = "now") -> None:
    """A naive datetime would be read in the server's zone, the very bug this module exists to avoid."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime (got naive {now.isoformat()}); pass e.g. datetime.now(timezone.utc)"
        )


def _resolve(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The instant a wall time on a local date happens, per the module's gap and fold rules."""
    # fold=0 whatever the time object carries: an ambiguous time is the first one round, and in a
    # gap fold=0 reads the time with the offset before the jump, which moves it forward by the gap.
    local = dt.datetime.combine(day, wall.replace(fold=0), tzinfo=zone)
    # Through UTC and back: a gap time becomes the wall time the clock really shows then.
    return local.astimezone(UTC).astimezone(zone)


@dataclass(frozen=True)
class Occurrence:
    """One real meeting of a weekly session; start and end are aware, in the center's zone.

    ``session`` is left out of the hash (pydantic models are unhashable) so occurrences can go in
    sets; two occurrences are still equal only if their sessions are.
    """

    session: Session = field(hash=False)
    start: dt.datetime
    end: dt.datetime

    @property
    def duration(self) -> dt.timedelta:
        """Real elapsed time; ``end - start`` would give the wall-clock difference (same tzinfo)."""
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    def in_progress_at(self, now: dt.datetime) -> bool:
        """Whether the group is meeting at ``now``: from its start (included) to its end (excluded)."""
        _require_aware(now)
        instant = now.astimezone(UTC)
        return self.start.astimezone(UTC) <= instant < self.end.astimezone(UTC)

    def _sort_key(self) -> Tuple[dt.datetime, dt.datetime]:
        return self.start.astimezone(UTC), self.end.astimezone(UTC)


def local_today(now: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The center's calendar date at ``now``; "today" and "tomorrow" mean the center's days."""
    _require_aware(now)
    return now.astimezone(zone).date()


def occurrence_on(session: Session, day: dt.date, zone: ZoneInfo) -> Optional[Occurrence]:
    """The session's occurrence on a local date, or None if it does not meet on that weekday.

    Start and end are each resolved by the gap/fold rules. If the start lies in a spring-forward
    gap and the end just after it (02:30-03:15 on a night 02:00 jumps to 03:00), the resolved start
    would fall after the end; the occurrence is then empty (end = start) rather than negative, so it
    is never in progress and still shows where it would have been.
    """
    if day.weekday() != session.day.index:
        return None
    start = _resolve(day, session.start, zone)
    end = _resolve(day, session.end, zone)
    if end.astimezone(UTC) < start.astimezone(UTC):
        end = start
    return Occurrence(session=session, start=start, end=end)


def on_date(track: Track, day: dt.date, zone: ZoneInfo) -> List[Occurrence]:
    """The track's occurrences on a local date (e.g. "what time is group tomorrow?"), by start."""
    found = [occurrence for occurrence in (occurrence_on(s, day, zone) for s in track.sessions) if occurrence]
    return sorted(found, key=Occurrence._sort_key)


def _all_from(track: Track, first_day: dt.date, zone: ZoneInfo) -> Iterator[Occurrence]:
    """Every occurrence on local dates from ``first_day`` on, in order of their real start.

    Days are generated in order, but a gap can push a session past later ones (even past midnight
    in a zone that skipped a day), so occurrences wait in a heap until no later day can start first.
    """
    heap: List[Tuple[dt.datetime, dt.datetime, int, Occurrence]] = []
    counter = 0  # tie-break: equal instants keep the order they were made in (day, then session)
    day = first_day
    while True:
        for occurrence in on_date(track, day, zone):
            heapq.heappush(heap, (*occurrence._sort_key(), counter, occurrence))
            counter += 1
        day += _DAY
        bound = dt.datetime.combine(day, dt.time(0), tzinfo=UTC) - _EARLIEST_OFFSET
        while heap and heap[0][0] < bound:
            yield heapq.heappop(heap)[3]


def upcoming(track: Track, now: dt.datetime, zone: ZoneInfo, include_in_progress: bool = True) -> Iterator[Occurrence]:
    """The track's occurrences in time order, endlessly, from ``now`` on.

    First comes the one in progress at ``now`` (if ``include_in_progress``: "group has started,
    you can still join"), otherwise the next one to start strictly after ``now``. An occurrence
    starting exactly at ``now`` is in progress; one ending exactly at ``now`` is over.
    """
    # Checked here (local_today checks too), not inside a generator, so a naive ``now`` fails at the call.
    _require_aware(now)
    instant = now.astimezone(UTC)
    first_day = local_today(now, zone) - _LOOKBACK_DAYS * _DAY
    return (
        occurrence
        for occurrence in _all_from(track, first_day, zone)
        if occurrence.start.astimezone(UTC) > instant or (include_in_progress and occurrence.in_progress_at(instant))
    )


def next_occurrence(track: Track, now: dt.datetime, zone: ZoneInfo, include_in_progress: bool = True) -> Occurrence:
    """The first of ``upcoming``: the group a client means by "my next group"."""
    return next(upcoming(track, now, zone, include_in_progress))
