"""bot.program.occurrences: when a track's weekly groups really happen, checked against an oracle.

The oracle (``wall_instant``) never uses ``datetime.combine(..., tzinfo=zone)``: it finds the UTC
instants whose wall clock in the zone reads the wanted time by trying every offset the zone uses
around that date. An ambiguous time (clocks fall back) is the earlier instant; a time in the
spring-forward gap is read with the offset in force before the jump (moved forward by the gap).
Instants are compared in UTC throughout: Python compares two datetimes sharing a tzinfo by their
wall clocks, which would hide exactly the fold mistakes these tests look for.
"""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import List, Tuple
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.program.answers import AnswerBook
from bot.program.loader import load_program
from bot.program.models import Session, Track
from bot.program.occurrences import (
    Occurrence,
    local_today,
    next_occurrence,
    occurrence_on,
    on_date,
    upcoming,
)
from bot.settings import PROJECT_ROOT
from tests.bot.meetings.clock_changes import transitions

UTC = dt.timezone.utc
LA = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
PHOENIX = ZoneInfo("America/Phoenix")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)

# The real program, for the property tests (hypothesis draws from it; the ``book`` fixture serves the rest).
PROGRAM = load_program(PROJECT_ROOT / "data" / "program")
TRACK_KEYS = [track.key for track in PROGRAM.tracks]


# -- helpers and the oracle --------------------------------------------------------------------------
def utc(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=UTC)


def la(*fields: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=LA, fold=fold)


def track_of(book: AnswerBook, key: str) -> Track:
    return next(track for track in book.program.tracks if track.key == key)


def session(day: str, start: str, end: str) -> Session:
    return Session(day=day, start=start, end=end)


def make_track(*sessions: Session, key: str = "test") -> Track:
    return Track(
        key=key,
        name="Test track",
        level="iop",
        audience="anyone",
        ages={"min": 18, "max": 99},
        sessions=list(sessions),
        length_weeks={"min": 1, "max": 2},
        step_down="none",
    )


def wall_instant(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Oracle: the UTC instant a wall time on a local date happens (first if ambiguous, gap moved forward)."""
    naive = dt.datetime.combine(day, wall.replace(fold=0))
    probe = naive.replace(tzinfo=UTC)
    offsets = sorted({(probe + dt.timedelta(hours=h)).astimezone(zone).utcoffset() for h in range(-26, 27, 13)})
    real = sorted(
        (naive - offset).replace(tzinfo=UTC)
        for offset in offsets
        if (naive - offset).replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None) == naive
    )
    if real:
        return real[0]
    return (naive - min(offsets)).replace(tzinfo=UTC)  # in a gap: the offset before the jump (the smaller)


def brute_force(track: Track, zone: ZoneInfo, first: dt.date, days: int) -> List[Tuple[dt.datetime, dt.datetime, Session]]:
    """Oracle: every (start, end) in UTC of the track on local days first..first+days, sorted."""
    found = []
    for n in range(days):
        day = first + n * DAY
        for s in track.sessions:
            if day.weekday() == s.day.index:
                start, end = wall_instant(day, s.start, zone), wall_instant(day, s.end, zone)
                found.append((start, max(start, end), s))
    return sorted(found, key=lambda item: (item[0], item[1]))


def as_utc(occurrence: Occurrence) -> Tuple[dt.datetime, dt.datetime]:
    return occurrence.start.astimezone(UTC), occurrence.end.astimezone(UTC)


def local_wall(moment: dt.datetime, zone: ZoneInfo) -> Tuple[str, int, int]:
    local = moment.astimezone(zone)
    return local.strftime("%A").lower(), local.hour, local.minute


# -- the oracle itself, so the tests below mean something --------------------------------------------
def test_the_oracle_knows_the_2027_los_angeles_changes() -> None:
    assert utc(2027, 3, 14, 10, 0) in transitions("America/Los_Angeles")  # 02:00 PST -> 03:00 PDT
    assert utc(2027, 11, 7, 9, 0) in transitions("America/Los_Angeles")  # 02:00 PDT -> 01:00 PST
    assert wall_instant(dt.date(2027, 3, 14), dt.time(2, 30), LA) == utc(2027, 3, 14, 10, 30)
    assert wall_instant(dt.date(2027, 11, 7), dt.time(1, 30), LA) == utc(2027, 11, 7, 8, 30)
    assert wall_instant(dt.date(2027, 11, 7), dt.time(3, 0), LA) == utc(2027, 11, 7, 11, 0)


# -- week boundaries with the real tracks ------------------------------------------------------------
@pytest.mark.parametrize(
    "key, now, expected_start",
    [
        # Saturday night and all of Sunday point at Monday.
        ("adult_evening", la(2026, 6, 13, 23, 0), la(2026, 6, 15, 18, 0)),
        ("adult_evening", la(2026, 6, 14, 0, 0), la(2026, 6, 15, 18, 0)),
        ("adult_evening", la(2026, 6, 14, 23, 59), la(2026, 6, 15, 18, 0)),
        ("adult_day", la(2026, 6, 14, 12, 0), la(2026, 6, 15, 9, 30)),
        ("php_day", la(2026, 6, 13, 22, 0), la(2026, 6, 15, 9, 0)),
        ("adolescent", la(2026, 6, 14, 8, 0), la(2026, 6, 15, 15, 30)),
        # Young adults meet Saturday morning: Saturday night points at Tuesday.
        ("young_adult", la(2026, 6, 13, 22, 0), la(2026, 6, 16, 13, 0)),
        # Friday after the week's last session: next week.
        ("adult_day", la(2026, 6, 19, 12, 30), la(2026, 6, 22, 9, 30)),
        ("adult_day", la(2026, 6, 19, 18, 0), la(2026, 6, 22, 9, 30)),
        ("php_day", la(2026, 6, 19, 15, 0), la(2026, 6, 22, 9, 0)),
        ("adult_evening", la(2026, 6, 19, 8, 0), la(2026, 6, 22, 18, 0)),
        ("adolescent", la(2026, 6, 19, 8, 0), la(2026, 6, 22, 15, 30)),
    ],
)
def test_week_boundaries(book: AnswerBook, key: str, now: dt.datetime, expected_start: dt.datetime) -> None:
    track = track_of(book, key)
    for include in (True, False):
        found = next_occurrence(track, now, LA, include_in_progress=include)
        assert found.start.astimezone(UTC) == expected_start.astimezone(UTC)
        assert found.start.tzinfo is LA and found.end.tzinfo is LA
        assert found.session.day.index == expected_start.weekday()


def test_a_group_in_progress_is_returned_only_when_asked(book: AnswerBook) -> None:
    track = track_of(book, "adult_evening")
    now = la(2026, 6, 15, 19, 15)  # Monday, 75 minutes into the 18:00-21:00 group
    running = next_occurrence(track, now, LA)
    assert running.start == la(2026, 6, 15, 18, 0) and running.end == la(2026, 6, 15, 21, 0)
    assert running.in_progress_at(now)
    following = next_occurrence(track, now, LA, include_in_progress=False)
    assert following.start == la(2026, 6, 16, 18, 0)  # Tuesday
    assert not following.in_progress_at(now)
    # The iterator: the running one first, then the same sequence as without it.
    with_it = list(islice(upcoming(track, now, LA), 4))
    without = list(islice(upcoming(track, now, LA, include_in_progress=False), 3))
    assert with_it[0] == running and with_it[1:] == without


@pytest.mark.parametrize(
    "now, include, expected",
    [
        (la(2026, 6, 15, 18, 0), True, la(2026, 6, 15, 18, 0)),  # exactly at start: it has begun
        (la(2026, 6, 15, 18, 0), False, la(2026, 6, 16, 18, 0)),  # ...so not "after now"
        (la(2026, 6, 15, 18, 0) - dt.timedelta(microseconds=1), False, la(2026, 6, 15, 18, 0)),
        (la(2026, 6, 15, 21, 0) - dt.timedelta(microseconds=1), True, la(2026, 6, 15, 18, 0)),
        (la(2026, 6, 15, 21, 0), True, la(2026, 6, 16, 18, 0)),  # exactly at end: over
        (la(2026, 6, 15, 21, 0), False, la(2026, 6, 16, 18, 0)),
    ],
)
def test_start_and_end_boundaries(book: AnswerBook, now: dt.datetime, include: bool, expected: dt.datetime) -> None:
    track = track_of(book, "adult_evening")
    assert next_occurrence(track, now, LA, include_in_progress=include).start == expected


@pytest.mark.parametrize(
    "now, in_progress",
    [
        (la(2026, 6, 15, 18, 0), True),
        (la(2026, 6, 15, 20, 59, 59), True),
        (la(2026, 6, 15, 21, 0), False),
        (la(2026, 6, 15, 17, 59, 59), False),
        (utc(2026, 6, 16, 1, 0), True),  # 18:00 PDT Monday, given in UTC (already Tuesday there)
        (utc(2026, 6, 16, 4, 0), False),  # 21:00 PDT
    ],
)
def test_in_progress_at(book: AnswerBook, now: dt.datetime, in_progress: bool) -> None:
    monday_evening = occurrence_on(track_of(book, "adult_evening").sessions[0], dt.date(2026, 6, 15), LA)
    assert monday_evening is not None
    assert monday_evening.in_progress_at(now) is in_progress


@pytest.mark.parametrize(
    "key, now, expected",
    [
        # 2027-12-31 is a Friday.
        ("adult_evening", la(2027, 12, 30, 22, 0), [la(2028, 1, 3, 18, 0), la(2028, 1, 4, 18, 0)]),
        ("adult_day", la(2027, 12, 31, 13, 0), [la(2028, 1, 3, 9, 30), la(2028, 1, 5, 9, 30)]),
        ("adult_day", la(2027, 12, 31, 10, 0), [la(2027, 12, 31, 9, 30), la(2028, 1, 3, 9, 30)]),
        # 2026-12-31 is a Thursday; the evening group that night, then Monday in the new year.
        ("adult_evening", la(2026, 12, 31, 12, 0), [la(2026, 12, 31, 18, 0), la(2027, 1, 4, 18, 0)]),
        ("young_adult", utc(2027, 1, 1, 0, 0), [la(2027, 1, 2, 10, 0), la(2027, 1, 5, 13, 0)]),
    ],
)
def test_year_end(book: AnswerBook, key: str, now: dt.datetime, expected: List[dt.datetime]) -> None:
    found = list(islice(upcoming(track_of(book, key), now, LA), len(expected)))
    assert [o.start.astimezone(UTC) for o in found] == [e.astimezone(UTC) for e in expected]


@pytest.mark.parametrize(
    "now",
    [
        la(2026, 6, 15, 19, 15),
        la(2027, 3, 14, 23, 30),  # the spring-forward Sunday's last half hour
        la(2027, 11, 7, 1, 30, fold=1),  # the second 01:30 of the fall-back night
        la(2027, 12, 31, 23, 0),
        utc(2027, 3, 15, 6, 30),
    ],
)
@pytest.mark.parametrize("key", TRACK_KEYS)
def test_the_zone_of_now_does_not_matter(book: AnswerBook, key: str, now: dt.datetime) -> None:
    track = track_of(book, key)
    for include in (True, False):
        expected = next_occurrence(track, now, LA, include)
        for zone in (UTC, TOKYO, PHOENIX, ZoneInfo("Pacific/Kiritimati")):
            same = now.astimezone(zone)
            assert next_occurrence(track, same, LA, include) == expected
            assert list(islice(upcoming(track, same, LA, include), 5)) == list(islice(upcoming(track, now, LA, include), 5))
        assert local_today(now.astimezone(TOKYO), LA) == local_today(now, LA) == now.astimezone(LA).date()


def test_tokyo_is_already_tuesday_when_the_monday_group_is_still_ahead(book: AnswerBook) -> None:
    now = dt.datetime(2026, 6, 16, 8, 0, tzinfo=TOKYO)  # Tuesday 08:00 in Tokyo = Monday 16:00 PDT
    assert local_today(now, LA) == dt.date(2026, 6, 15)
    found = next_occurrence(track_of(book, "adult_evening"), now, LA)
    assert found.start == la(2026, 6, 15, 18, 0)


def test_a_naive_now_is_refused(book: AnswerBook) -> None:
    track = track_of(book, "adult_evening")
    naive = dt.datetime(2026, 6, 15, 19, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrence(track, naive, LA)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrence(track, naive, LA, include_in_progress=False)
    with pytest.raises(ValueError, match="timezone-aware"):
        upcoming(track, naive, LA)  # at the call, not at the first next()
    with pytest.raises(ValueError, match="timezone-aware"):
        local_today(naive, LA)
    occurrence = next_occurrence(track, la(2026, 6, 15, 19, 0), LA)
    with pytest.raises(ValueError, match="timezone-aware"):
        occurrence.in_progress_at(naive)


# -- on_date and occurrence_on ------------------------------------------------------------------------
def test_on_date_lists_a_days_groups_in_order(book: AnswerBook) -> None:
    php = on_date(track_of(book, "php_day"), dt.date(2026, 6, 17), LA)  # Wednesday
    assert [(o.start, o.end) for o in php] == [(la(2026, 6, 17, 9, 0), la(2026, 6, 17, 14, 30))]
    assert on_date(track_of(book, "php_day"), dt.date(2026, 6, 20), LA) == []  # Saturday
    track = make_track(
        session("tuesday", "18:00", "19:00"), session("tuesday", "08:00", "09:00"), session("monday", "08:00", "09:00")
    )
    tuesday = on_date(track, dt.date(2026, 6, 16), LA)
    assert [o.start.hour for o in tuesday] == [8, 18]


def test_occurrence_on_another_weekday_is_none(book: AnswerBook) -> None:
    monday = track_of(book, "adult_day").sessions[0]
    assert occurrence_on(monday, dt.date(2026, 6, 16), LA) is None
    found = occurrence_on(monday, dt.date(2026, 6, 15), LA)
    assert found is not None and found.start == la(2026, 6, 15, 9, 30)


def test_tomorrow_means_the_centers_tomorrow(book: AnswerBook) -> None:
    """Sunday 23:30 PDT is Monday 06:30 UTC: "group tomorrow?" is Monday's, not Tuesday's."""
    now = utc(2027, 3, 15, 6, 30)
    today = local_today(now, LA)
    assert today == dt.date(2027, 3, 14) and today.weekday() == 6
    tomorrow = on_date(track_of(book, "adult_day"), today + DAY, LA)
    assert [o.start.astimezone(UTC) for o in tomorrow] == [utc(2027, 3, 15, 16, 30)]


# -- daylight saving in Los Angeles -------------------------------------------------------------------
@pytest.mark.parametrize(
    "monday, offset_hours, start_utc, end_utc",
    [
        (dt.date(2027, 3, 8), -8, utc(2027, 3, 8, 17, 30), utc(2027, 3, 8, 20, 30)),  # before spring-forward
        (dt.date(2027, 3, 15), -7, utc(2027, 3, 15, 16, 30), utc(2027, 3, 15, 19, 30)),  # after
        (dt.date(2027, 11, 1), -7, utc(2027, 11, 1, 16, 30), utc(2027, 11, 1, 19, 30)),  # before fall-back
        (dt.date(2027, 11, 8), -8, utc(2027, 11, 8, 17, 30), utc(2027, 11, 8, 20, 30)),  # after
    ],
)
def test_the_monday_around_a_change_has_the_right_offset(
    book: AnswerBook, monday: dt.date, offset_hours: int, start_utc: dt.datetime, end_utc: dt.datetime
) -> None:
    track = track_of(book, "adult_day")
    saturday_before = dt.datetime.combine(monday - 2 * DAY, dt.time(12), tzinfo=LA)
    found = next_occurrence(track, saturday_before, LA)
    assert found.start.date() == monday
    assert found.start.utcoffset() == found.end.utcoffset() == dt.timedelta(hours=offset_hours)
    assert as_utc(found) == (start_utc, end_utc)
    assert (found.start.hour, found.start.minute) == (9, 30)
    assert found.duration == 3 * HOUR


def test_the_week_across_a_change_is_an_hour_short_or_long(book: AnswerBook) -> None:
    track = track_of(book, "adult_evening")
    # Thursday 18:00 PST, then Monday and Tuesday 18:00 PDT: the Thursday-to-Monday gap loses an hour.
    spring = [as_utc(o)[0] for o in islice(upcoming(track, la(2027, 3, 11, 12, 0), LA), 3)]
    assert spring == [utc(2027, 3, 12, 2, 0), utc(2027, 3, 16, 1, 0), utc(2027, 3, 17, 1, 0)]
    assert [b - a for a, b in zip(spring, spring[1:])] == [4 * DAY - HOUR, DAY]
    friday = next_occurrence(track_of(book, "adult_day"), la(2027, 3, 12, 8, 0), LA)
    monday = next_occurrence(track_of(book, "adult_day"), la(2027, 3, 12, 13, 0), LA)
    assert as_utc(monday)[0] - as_utc(friday)[0] == 3 * DAY - HOUR
    friday = next_occurrence(track_of(book, "adult_day"), la(2027, 11, 5, 8, 0), LA)
    monday = next_occurrence(track_of(book, "adult_day"), la(2027, 11, 5, 13, 0), LA)
    assert as_utc(monday)[0] - as_utc(friday)[0] == 3 * DAY + HOUR


@pytest.mark.parametrize(
    "now, local_date, key, expected_utc",
    [
        # Between UTC midnight and local midnight: UTC says Monday, the center says Sunday.
        (utc(2027, 3, 15, 6, 30), dt.date(2027, 3, 14), "adult_day", utc(2027, 3, 15, 16, 30)),
        (utc(2027, 11, 8, 7, 30), dt.date(2027, 11, 7), "adult_day", utc(2027, 11, 8, 17, 30)),
        # Monday evening PDT is Tuesday in UTC; the Monday group is still running.
        (utc(2027, 3, 16, 3, 0), dt.date(2027, 3, 15), "adult_evening", utc(2027, 3, 16, 1, 0)),
        # Sunday 16:30 PST is Monday 00:30 UTC: the Monday group is still 17 hours away.
        (utc(2027, 11, 8, 0, 30), dt.date(2027, 11, 7), "php_day", utc(2027, 11, 8, 17, 0)),
    ],
)
def test_the_hours_between_utc_and_local_midnight(
    book: AnswerBook, now: dt.datetime, local_date: dt.date, key: str, expected_utc: dt.datetime
) -> None:
    assert local_today(now, LA) == local_date
    assert now.date() != local_date
    assert as_utc(next_occurrence(track_of(book, key), now, LA))[0] == expected_utc


def test_a_session_in_the_spring_forward_gap_moves_forward() -> None:
    track = make_track(session("sunday", "02:30", "04:00"))
    found = next_occurrence(track, la(2027, 3, 13, 12, 0), LA)
    assert found.start.date() == dt.date(2027, 3, 14)
    assert (found.start.hour, found.start.minute, found.start.tzname()) == (3, 30, "PDT")
    assert as_utc(found) == (utc(2027, 3, 14, 10, 30), utc(2027, 3, 14, 11, 0))
    assert found.duration == dt.timedelta(minutes=30)
    assert occurrence_on(track.sessions[0], dt.date(2027, 3, 14), LA) == found
    # Seen at 03:10 PDT it has not started; at 03:40 PDT it is running.
    assert not found.in_progress_at(la(2027, 3, 14, 3, 10))
    assert next_occurrence(track, la(2027, 3, 14, 3, 10), LA, include_in_progress=False) == found
    assert found.in_progress_at(la(2027, 3, 14, 3, 40))
    assert next_occurrence(track, la(2027, 3, 14, 3, 40), LA, include_in_progress=False).start == la(2027, 3, 21, 2, 30)


def test_a_session_ending_just_after_the_gap_is_empty_not_negative() -> None:
    """02:30-03:15 on the spring-forward night: 02:30 reads as 03:30 PDT, after 03:15 PDT."""
    track = make_track(session("sunday", "02:30", "03:15"))
    found = occurrence_on(track.sessions[0], dt.date(2027, 3, 14), LA)
    assert found is not None
    assert as_utc(found) == (utc(2027, 3, 14, 10, 30), utc(2027, 3, 14, 10, 30))
    assert found.duration == dt.timedelta(0)
    assert not found.in_progress_at(found.start)
    assert next_occurrence(track, la(2027, 3, 14, 3, 0), LA) == found


def test_an_ambiguous_session_takes_the_first_reading() -> None:
    track = make_track(session("sunday", "01:30", "01:45"))
    found = next_occurrence(track, la(2027, 11, 6, 12, 0), LA)
    assert (found.start.hour, found.start.minute, found.start.tzname(), found.start.fold) == (1, 30, "PDT", 0)
    assert as_utc(found) == (utc(2027, 11, 7, 8, 30), utc(2027, 11, 7, 8, 45))
    # At the second 01:35 (PST) that group ended an hour ago: not in progress, and next week's is next.
    second = la(2027, 11, 7, 1, 35, fold=1)
    assert second.tzname() == "PST"
    assert not found.in_progress_at(second)  # a wall-clock comparison would say it is
    assert next_occurrence(track, second, LA).start == la(2027, 11, 14, 1, 30)


def test_the_fold_carried_by_a_session_time_is_ignored() -> None:
    track = make_track(Session(day="sunday", start=dt.time(1, 30, fold=1), end=dt.time(1, 50, fold=1)))
    found = occurrence_on(track.sessions[0], dt.date(2027, 11, 7), LA)
    assert found is not None and as_utc(found) == (utc(2027, 11, 7, 8, 30), utc(2027, 11, 7, 8, 50))


@pytest.mark.parametrize(
    "day, start, end, expected_start_utc, real_hours",
    [
        (dt.date(2027, 3, 14), "01:00", "04:00", utc(2027, 3, 14, 9, 0), 2),  # spring-forward: an hour shorter
        (dt.date(2027, 3, 14), "00:30", "02:30", utc(2027, 3, 14, 8, 30), 2),  # ends in the gap: 03:30 PDT
        (dt.date(2027, 11, 7), "00:00", "03:00", utc(2027, 11, 7, 7, 0), 4),  # fall-back: an hour longer
        (dt.date(2027, 11, 7), "01:30", "02:30", utc(2027, 11, 7, 8, 30), 2),  # 01:30 PDT to 02:30 PST
        (dt.date(2027, 11, 7), "09:00", "12:00", utc(2027, 11, 7, 17, 0), 3),  # after the change: unaffected
    ],
)
def test_durations_across_the_change(
    day: dt.date, start: str, end: str, expected_start_utc: dt.datetime, real_hours: float
) -> None:
    s = session("sunday", start, end)
    found = occurrence_on(s, day, LA)
    assert found is not None
    assert as_utc(found)[0] == expected_start_utc
    assert found.duration == dt.timedelta(hours=real_hours)
    assert as_utc(found)[1] == wall_instant(day, s.end, LA)


# -- other zones ---------------------------------------------------------------------------------------
def test_lord_howe_moves_by_half_an_hour() -> None:
    # 2027-10-03 02:00 (+10:30) jumps to 02:30 (+11:00); 2027-04-04 02:00 (+11:00) falls back to 01:30.
    assert utc(2027, 10, 2, 15, 30) in transitions("Australia/Lord_Howe")
    assert utc(2027, 4, 3, 15, 0) in transitions("Australia/Lord_Howe")
    gap = occurrence_on(session("sunday", "02:15", "03:00"), dt.date(2027, 10, 3), LORD_HOWE)
    assert gap is not None
    assert (gap.start.hour, gap.start.minute, gap.start.utcoffset()) == (2, 45, dt.timedelta(hours=11))
    assert as_utc(gap) == (utc(2027, 10, 2, 15, 45), utc(2027, 10, 2, 16, 0))
    ambiguous = occurrence_on(session("sunday", "01:45", "02:30"), dt.date(2027, 4, 4), LORD_HOWE)
    assert ambiguous is not None
    assert ambiguous.start.utcoffset() == dt.timedelta(hours=11)  # the first 01:45
    assert ambiguous.end.utcoffset() == dt.timedelta(hours=10, minutes=30)
    assert ambiguous.duration == dt.timedelta(minutes=75)  # 45 minutes on the wall
    # A Monday 09:00 group: half an hour apart in UTC either side of each change.
    monday = make_track(session("monday", "09:00", "10:00"))
    spring = [as_utc(o)[0] for o in islice(upcoming(monday, utc(2027, 9, 20), LORD_HOWE), 3)]
    assert [b - a for a, b in zip(spring, spring[1:])] == [WEEK - dt.timedelta(minutes=30), WEEK]
    autumn = [as_utc(o)[0] for o in islice(upcoming(monday, utc(2027, 3, 22), LORD_HOWE), 3)]
    assert [b - a for a, b in zip(autumn, autumn[1:])] == [WEEK + dt.timedelta(minutes=30), WEEK]


def test_phoenix_keeps_its_clock_all_year(book: AnswerBook) -> None:
    assert transitions("America/Phoenix") == ()
    track = track_of(book, "adult_evening")  # the same weekly times, as if the center were in Phoenix
    starts = [as_utc(o)[0] for o in islice(upcoming(track, utc(2027, 1, 1), PHOENIX), 3 * 52)]
    assert all(s.hour == 1 and s.minute == 0 for s in starts)  # 18:00 MST = 01:00 UTC every time
    assert all(b - a in (DAY, 2 * DAY, 4 * DAY) for a, b in zip(starts, starts[1:]))
    assert all(s.astimezone(PHOENIX).utcoffset() == dt.timedelta(hours=-7) for s in starts)


def test_a_skipped_day_keeps_the_order_and_the_group_in_progress() -> None:
    """Samoa skipped Friday 2011-12-30 (-10:00 -> +14:00): Friday's group lands on Saturday.

    Read with the offset before the jump, Friday 10:00 is Saturday 10:00, an hour after Saturday's own
    09:00 group starts: occurrences must still come in time order, and Friday's must be found while
    it runs on a local date later than its own.
    """
    apia = ZoneInfo("Pacific/Apia")
    friday, saturday = session("friday", "10:00", "12:00"), session("saturday", "09:00", "09:30")
    track = make_track(friday, saturday)
    moved = occurrence_on(friday, dt.date(2011, 12, 30), apia)
    assert moved is not None
    assert moved.start.date() == dt.date(2011, 12, 31) and moved.start.utcoffset() == dt.timedelta(hours=14)
    assert as_utc(moved) == (utc(2011, 12, 30, 20, 0), utc(2011, 12, 30, 22, 0))
    thursday = dt.datetime(2011, 12, 29, 12, 0, tzinfo=apia)
    starts = [(o.session.day.value, o.start) for o in islice(upcoming(track, thursday, apia), 4)]
    assert starts == [
        ("saturday", dt.datetime(2011, 12, 31, 9, 0, tzinfo=apia)),
        ("friday", dt.datetime(2011, 12, 31, 10, 0, tzinfo=apia)),
        ("friday", dt.datetime(2012, 1, 6, 10, 0, tzinfo=apia)),
        ("saturday", dt.datetime(2012, 1, 7, 9, 0, tzinfo=apia)),
    ]
    during = dt.datetime(2011, 12, 31, 11, 0, tzinfo=apia)
    assert next_occurrence(track, during, apia) == moved
    assert next_occurrence(track, during, apia, include_in_progress=False).start == dt.datetime(2012, 1, 6, 10, 0, tzinfo=apia)


# -- properties -------------------------------------------------------------------------------------
SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
NOW_ZONES = (UTC, LA, TOKYO, PHOENIX, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago"))
LA_CHANGES = transitions("America/Los_Angeles")

any_instant = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2030, 12, 31, 23, 59, 59), timezones=st.just(UTC)
)
near_change = st.builds(lambda t, s: t + dt.timedelta(seconds=s), st.sampled_from(LA_CHANGES), st.integers(-4 * 86400, 4 * 86400))


@st.composite
def track_and_now(draw: st.DrawFn) -> Tuple[Track, dt.datetime]:
    """A real track and an aware instant, often right at or around one of its own starts or ends."""
    track = PROGRAM.tracks[draw(st.integers(0, len(PROGRAM.tracks) - 1))]
    now = draw(st.one_of(any_instant, near_change))
    if draw(st.booleans()):
        s = draw(st.sampled_from(track.sessions))
        day = now.astimezone(LA).date()
        day += dt.timedelta(days=(s.day.index - day.weekday()) % 7)
        edge = wall_instant(day, draw(st.sampled_from([s.start, s.end])), LA)
        now = edge + dt.timedelta(microseconds=draw(st.sampled_from([-1, 0, 0, 1, 60_000_000])))
    return track, now.astimezone(draw(st.sampled_from(NOW_ZONES)))


@SETTINGS
@given(track_and_now())
def test_next_occurrence_is_the_first_start_after_now(case: Tuple[Track, dt.datetime]) -> None:
    track, now = case
    found = next_occurrence(track, now, LA, include_in_progress=False)
    start, end = as_utc(found)
    assert start > now
    assert found.session in track.sessions
    assert local_wall(found.start, LA) == (found.session.day.value, found.session.start.hour, found.session.start.minute)
    assert local_wall(found.end, LA) == (found.session.day.value, found.session.end.hour, found.session.end.minute)
    # No earlier occurrence of any session between now and it, by brute force over local days.
    candidates = brute_force(track, LA, local_today(now, LA) - 2 * DAY, 21)
    first = next(c for c in candidates if c[0] > now)
    assert (start, end, found.session) == first
    assert start - now <= WEEK


@SETTINGS
@given(track_and_now())
def test_include_in_progress_adds_only_the_running_group(case: Tuple[Track, dt.datetime]) -> None:
    track, now = case
    candidates = brute_force(track, LA, local_today(now, LA) - 2 * DAY, 21)
    expected = [c for c in candidates if c[0] > now or c[0] <= now < c[1]][:4]
    found = list(islice(upcoming(track, now, LA), 4))
    assert [(*as_utc(o), o.session) for o in found] == expected
    running = next_occurrence(track, now, LA)
    assert running.in_progress_at(now) == (as_utc(running)[0] <= now)
    if not running.in_progress_at(now):
        assert running == next_occurrence(track, now, LA, include_in_progress=False)


# Hand-built sessions in the small hours of DST zones: gaps, folds and empty occurrences.
ZONES = (LA, LORD_HOWE, ZoneInfo("Europe/London"), ZoneInfo("Pacific/Auckland"), PHOENIX)
small_hours = st.builds(dt.time, st.integers(0, 4), st.sampled_from([0, 10, 15, 30, 45, 59]))
any_hour = st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def hand_built(draw: st.DrawFn) -> Tuple[Track, ZoneInfo, dt.datetime]:
    sessions = []
    for _ in range(draw(st.integers(1, 4))):
        a, b = draw(st.one_of(small_hours, any_hour)), draw(st.one_of(small_hours, any_hour))
        if a == b:
            b = dt.time(23, 59) if a < dt.time(23, 59) else dt.time(23, 58)
        sessions.append(Session(day=draw(st.sampled_from(["saturday", "sunday", "monday"])), start=min(a, b), end=max(a, b)))
    zone = draw(st.sampled_from(ZONES))
    changes = [
        t
        for name in ("America/Los_Angeles", "Australia/Lord_Howe", "Europe/London", "Pacific/Auckland")
        for t in transitions(name)
    ]
    now = draw(
        st.one_of(
            any_instant,
            st.builds(lambda t, s: t + dt.timedelta(seconds=s), st.sampled_from(changes), st.integers(-3 * 86400, 3 * 86400)),
        )
    )
    return make_track(*sessions), zone, now


@SETTINGS
@given(hand_built(), st.booleans())
def test_upcoming_matches_brute_force_in_dst_zones(case: Tuple[Track, ZoneInfo, dt.datetime], include: bool) -> None:
    track, zone, now = case
    candidates = brute_force(track, zone, local_today(now, zone) - 2 * DAY, 7 * 7 + 4)
    expected = [c for c in candidates if c[0] > now or (include and c[0] <= now < c[1])][:6]
    found = list(islice(upcoming(track, now, zone, include), 6))
    assert [(*as_utc(o), o.session) for o in found] == expected
    for a, b in zip(found, found[1:]):
        assert as_utc(a) <= as_utc(b)
