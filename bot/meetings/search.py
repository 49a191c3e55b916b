"""Search meetings by place, time window, fellowship, attendance and type: soonest, then nearest.

Built for 100,000 meetings in well under 10 ms: the filters run over NumPy columns, and the start
of each candidate's next occurrence is first bounded from its minute of the week (exact in a zone
whose clocks do not change around the window; within an hour either way when they do, or possibly
a week later for a meeting whose time came up just before the search began). Only the candidates
that could be on the requested page get their exact start from bot.meetings.timing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import numpy as np

from bot.meetings.geo import distances_miles
from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.timing import next_occurrence

MINUTES_PER_WEEK = 7 * 24 * 60
# Largest error of the minute-of-week estimate (one DST shift) plus a safety margin.
_ESTIMATE_SLACK = 90
_ROUNDING = 1e-6  # minutes, for float error in the bounds
_ATTENDANCE = {Attendance.in_person: 0, Attendance.online: 1, Attendance.hybrid: 2}


def _minute_of_day(time: dt.time) -> float:
    """Minutes since midnight, seconds included (a feed may say 19:00:30)."""
    return time.hour * 60 + time.minute + (time.second + time.microsecond / 1e6) / 60


@dataclass(frozen=True)
class Criteria:
    """A resolved search: the window is absolute, the place known (or not needed)."""

    start: dt.datetime  # aware; occurrences starting in [start, end)
    end: dt.datetime
    fellowships: FrozenSet[Fellowship] = frozenset()  # empty: any
    attendance: Optional[str] = None  # None or "in_person": has a room; "online": has a link; "hybrid"
    types: FrozenSet[str] = frozenset()  # all of them
    origin: Optional[Tuple[float, float]] = None  # latitude, longitude
    radius_miles: float = 10.0


@dataclass(frozen=True)
class Hit:
    meeting: Meeting
    start: dt.datetime  # aware UTC
    distance_miles: Optional[float]


@dataclass(frozen=True)
class Page:
    hits: List[Hit]
    has_more: bool


class MeetingIndex:
    """An immutable, searchable set of meetings."""

    def __init__(self, meetings: Sequence[Meeting]):
        self.meetings: List[Meeting] = list(meetings)
        n = len(self.meetings)
        fellowships = list(Fellowship)
        self._fellowship = np.array([fellowships.index(m.fellowship) for m in self.meetings], dtype=np.int16)
        self._attendance = np.array([_ATTENDANCE[m.attendance] for m in self.meetings], dtype=np.int8)
        self.type_keys: List[str] = sorted({t for m in self.meetings for t in m.types})
        column = {key: i for i, key in enumerate(self.type_keys)}
        self._types = np.zeros((n, max(1, len(self.type_keys))), dtype=bool)
        for row, meeting in enumerate(self.meetings):
            for key in meeting.types:
                self._types[row, column[key]] = True
        self._type_column = column
        self._lat = np.array([m.latitude if m.latitude is not None else np.nan for m in self.meetings], dtype=float)
        self._lon = np.array([m.longitude if m.longitude is not None else np.nan for m in self.meetings], dtype=float)
        self._minute = np.array([m.day * 1440 + _minute_of_day(m.start) for m in self.meetings], dtype=float)
        self.zones: List[str] = sorted({m.timezone for m in self.meetings})
        zone_column = {zone: i for i, zone in enumerate(self.zones)}
        self._zone = np.array([zone_column[m.timezone] for m in self.meetings], dtype=np.int16)
        self._zone_info = [ZoneInfo(zone) for zone in self.zones]

    def __len__(self) -> int:
        return len(self.meetings)

    @cached_property
    def _by_id(self) -> Dict[str, Meeting]:
        # Built on the first question about a listed meeting, not with the index: searches never need it.
        return {m.id: m for m in self.meetings}

    def get(self, meeting_id: str) -> Optional[Meeting]:
        """A meeting by its id ("source:key"), or None once a refresh has dropped it."""
        return self._by_id.get(meeting_id)

    def _mask(self, criteria: Criteria) -> np.ndarray:
        mask = np.ones(len(self.meetings), dtype=bool)
        if criteria.fellowships:
            codes = [list(Fellowship).index(f) for f in criteria.fellowships]
            mask &= np.isin(self._fellowship, codes)
        if criteria.attendance == "online":
            mask &= self._attendance != _ATTENDANCE[Attendance.in_person]
        elif criteria.attendance == "hybrid":
            mask &= self._attendance == _ATTENDANCE[Attendance.hybrid]
        else:
            mask &= self._attendance != _ATTENDANCE[Attendance.online]
        for key in criteria.types:
            column = self._type_column.get(key)
            if column is None:
                return np.zeros(len(self.meetings), dtype=bool)
            mask &= self._types[:, column]
        return mask

    def _minutes_until(self, rows: np.ndarray, start: dt.datetime) -> Tuple[np.ndarray, np.ndarray]:
        """Bounds (low, high) on the minutes from ``start`` to each row's next start at or after it."""
        local_minute = np.empty(len(self.zones), dtype=float)
        steady = np.empty(len(self.zones), dtype=bool)
        for i, zone in enumerate(self._zone_info):
            local = start.astimezone(zone)
            # To the microsecond: at 19:00:30 a 19:00 meeting is next week's, not "now".
            local_minute[i] = local.weekday() * 1440 + _minute_of_day(local.time())
            # No clock change from a day before to eight days after: wall minutes are real minutes.
            steady[i] = len({(start + dt.timedelta(days=d)).astimezone(zone).utcoffset() for d in range(-1, 9)}) == 1
        delta = (self._minute[rows] - local_minute[self._zone[rows]]) % MINUTES_PER_WEEK
        exact = steady[self._zone[rows]]
        # Around a change, a start just "before" now may be in the gap and still to come (02:30 is
        # 03:30 PDT), and one just after now may have happened already (the first 01:30 of the night
        # clocks fall back): those may be anything from now to a week away.
        estimate = np.where(~exact & (delta > MINUTES_PER_WEEK - _ESTIMATE_SLACK), delta - MINUTES_PER_WEEK, delta)
        low = np.where(exact, delta, estimate - _ESTIMATE_SLACK)
        high = np.where(
            exact, delta, np.where(estimate > _ESTIMATE_SLACK, estimate + _ESTIMATE_SLACK, MINUTES_PER_WEEK + _ESTIMATE_SLACK)
        )
        return low, high

    def search(self, criteria: Criteria, limit: int = 5, offset: int = 0) -> Page:
        mask = self._mask(criteria)
        rows = np.flatnonzero(mask)
        distances: Optional[np.ndarray] = None
        if criteria.origin is not None and criteria.attendance != "online" and len(rows):
            lat, lon = criteria.origin
            # A cheap box first: a degree of latitude is about 69 miles.
            box = criteria.radius_miles / 69.0 + 0.01
            near = np.abs(self._lat[rows] - lat) <= box
            rows = rows[near]
            distances = distances_miles(lat, lon, self._lat[rows], self._lon[rows])
            keep = distances <= criteria.radius_miles
            rows, distances = rows[keep], distances[keep]
        if not len(rows):
            return Page([], False)
        span = (criteria.end - criteria.start).total_seconds() / 60
        low, high = self._minutes_until(rows, criteria.start)
        # A hair of tolerance for float rounding; the exact start below has the last word.
        inside = low < span + _ROUNDING
        rows, low, high = rows[inside], low[inside], high[inside]
        if distances is not None:
            distances = distances[inside]
        wanted = offset + limit + 1  # one more tells whether there is a next page
        if len(rows) > wanted:
            # At least `wanted` rows start no later than the wanted-th smallest upper bound, so
            # no row that can rank among the first `wanted` has a lower bound above it.
            cutoff = np.partition(high, wanted - 1)[wanted - 1] + _ROUNDING
            near_top = low <= cutoff
            rows = rows[near_top]
            if distances is not None:
                distances = distances[near_top]
        hits: List[Hit] = []
        for i, row in enumerate(rows):
            meeting = self.meetings[int(row)]
            start = next_occurrence(meeting, criteria.start, in_progress=False)
            if start < criteria.end:
                distance = float(distances[i]) if distances is not None else None
                hits.append(Hit(meeting, start, distance))
        hits.sort(key=lambda hit: (hit.start, hit.distance_miles if hit.distance_miles is not None else 0.0, hit.meeting.name))
        return Page(hits[offset : offset + limit], has_more=len(hits) > offset + limit)

    def counts(self) -> Dict[str, int]:
        """Meetings per fellowship, for health checks and the refresh summary."""
        values, counts = np.unique(self._fellowship, return_counts=True)
        fellowships = list(Fellowship)
        return {fellowships[int(v)].value: int(c) for v, c in zip(values, counts)}
