"""bot.meetings.timing: when a weekly meeting next happens, checked against an independent oracle.

The oracle below never uses ``datetime.combine(..., tzinfo=zone)``: it finds the UTC instants whose
wall clock in the zone reads the meeting's time by trying every offset the zone uses around that
date. An ambiguous time (clocks fall back) is the earlier instant; a time in the spring-forward gap
is read with the offset in force before the jump, so the wall clock shows it one gap later.
"""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.timing import local_start, next_occurrence, occurrence_on, occurrences_from
from tests.bot.meetings.clock_changes import transitions

UTC = dt.timezone.utc
WEEK = dt.timedelta(days=7)
ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Phoenix",
    "America/Chicago",
    "Europe/London",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Pacific/Auckland",
)

SETTINGS = settings(deadline=None, max_examples=250, suppress_health_check=[HealthCheck.too_slow])


def make_meeting(zone: str, day: int, start: dt.time, end: Optional[dt.time] = None, key: str = "m") -> Meeting:
    return Meeting(
        source="test",
        key=key,
        name=f"Group {key}",
        fellowship=Fellowship.aa,
        day=day,
        start=start,
        end=end,
        timezone=zone,
        attendance=Attendance.in_person,
    )


# -- the oracle --------------------------------------------------------------------------------------
def _offsets_near(zone: ZoneInfo, wall: dt.datetime) -> List[dt.timedelta]:
    """Every UTC offset the zone uses within a day either side of a (naive) wall time."""
    probe = wall.replace(tzinfo=UTC)
    return sorted({(probe + dt.timedelta(hours=h)).astimezone(zone).utcoffset() for h in range(-26, 27, 13)})


def expected_start(meeting: Meeting, date: dt.date) -> Tuple[dt.datetime, dt.timedelta]:
    """(the meeting's start on a local date as UTC, how far a spring-forward gap moved it)."""
    zone = ZoneInfo(meeting.timezone)
    wall = dt.datetime.combine(date, meeting.start)
    offsets = _offsets_near(zone, wall)
    real = sorted(
        (wall - offset).replace(tzinfo=UTC)
        for offset in offsets
        if ((wall - offset).replace(tzinfo=UTC)).astimezone(zone).replace(tzinfo=None) == wall
    )
    if real:
        return real[0], dt.timedelta(0)  # ambiguous: the first time round
    before, after = min(offsets), max(offsets)  # clocks jump forward: the offset grows
    return (wall - before).replace(tzinfo=UTC), after - before


ALL_TRANSITIONS = tuple(sorted({t for zone in ZONES for t in transitions(zone)}))


def test_the_transition_table_is_sane() -> None:
    assert transitions("America/Phoenix") == ()
    la = transitions("America/Los_Angeles")
    assert len(la) == 8
    assert dt.datetime(2026, 3, 8, 10, 0, tzinfo=UTC) in la  # 02:00 PST
    assert dt.datetime(2026, 11, 1, 9, 0, tzinfo=UTC) in la  # 02:00 PDT
    assert len(transitions("Australia/Lord_Howe")) == 8


# -- strategies --------------------------------------------------------------------------------------
minutes = st.integers(0, 59)
small_hours = st.times(min_value=dt.time(0, 30), max_value=dt.time(3, 30)).map(lambda t: t.replace(second=0, microsecond=0))
any_time = st.builds(dt.time, st.integers(0, 23), minutes)
start_times = st.one_of(
    small_hours, any_time, st.sampled_from([dt.time(0, 0), dt.time(2, 0), dt.time(2, 30), dt.time(1, 0), dt.time(23, 59)])
)
meetings = st.builds(
    make_meeting,
    zone=st.sampled_from(ZONES),
    day=st.integers(0, 6),
    start=start_times,
    end=st.one_of(st.none(), any_time, small_hours),
)
any_instant = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31, 23, 59, 59), timezones=st.just(UTC)
)
near_transition = st.builds(
    lambda t, seconds: t + dt.timedelta(seconds=seconds),
    st.sampled_from(ALL_TRANSITIONS),
    st.integers(-8 * 86400, 8 * 86400),
)
instants = st.one_of(any_instant, near_transition)


@st.composite
def meeting_and_after(draw: st.DrawFn) -> Tuple[Meeting, dt.datetime]:
    """A meeting and an instant; often within a couple of hours of one of its own starts."""
    meeting = draw(meetings)
    after = draw(instants)
    if draw(st.booleans()):
        base = expected_start(meeting, after.date())[0]
        after = base + dt.timedelta(seconds=draw(st.integers(-3 * 3600, 3 * 3600)))
        after += dt.timedelta(microseconds=draw(st.sampled_from([0, 0, 1, 999_999])))
    return meeting, after


def occurrence_date(meeting: Meeting, start: dt.datetime) -> dt.date:
    """The local date an occurrence belongs to (a gap never moves one across midnight in ZONES)."""
    local = start.astimezone(ZoneInfo(meeting.timezone))
    return local.date()


# -- properties --------------------------------------------------------------------------------------
@SETTINGS
@given(meeting_and_after())
def test_next_occurrence_is_the_first_start_at_or_after(case: Tuple[Meeting, dt.datetime]) -> None:
    meeting, after = case
    result = next_occurrence(meeting, after, in_progress=False)
    assert result.utcoffset() == dt.timedelta(0)
    assert result >= after
    assert result - after < WEEK + dt.timedelta(hours=1)

    zone = ZoneInfo(meeting.timezone)
    local = result.astimezone(zone)
    date = occurrence_date(meeting, result)
    assert local.weekday() == meeting.day
    oracle, gap = expected_start(meeting, date)
    assert result == oracle
    wall = dt.datetime.combine(date, meeting.start)
    if gap:
        assert local.replace(tzinfo=None) == wall + gap
    else:
        assert local.replace(tzinfo=None) == wall
        assert local.fold == 0  # an ambiguous time is the first one
    # Nothing in between: the week before had its start before ``after``.
    assert expected_start(meeting, date - WEEK)[0] < after
    assert occurrence_on(meeting, date) == result
    assert local_start(meeting, result) == local


@SETTINGS
@given(meeting_and_after())
def test_in_progress_allows_a_meeting_still_running(case: Tuple[Meeting, dt.datetime]) -> None:
    meeting, after = case
    result = next_occurrence(meeting, after)  # in_progress=True is the default
    date = occurrence_date(meeting, result)
    assert result == expected_start(meeting, date)[0]
    assert result + meeting.duration > after
    if result < after:
        assert next_occurrence(meeting, after, in_progress=False) == expected_start(meeting, date + WEEK)[0]
    else:
        assert result == next_occurrence(meeting, after, in_progress=False)
    # The week before is over by ``after``: it is not the one in progress.
    previous = expected_start(meeting, date - WEEK)[0]
    assert previous + meeting.duration <= after
    assert result - after < WEEK + dt.timedelta(hours=1)


@SETTINGS
@given(meeting_and_after())
def test_occurrences_are_weekly_and_increasing(case: Tuple[Meeting, dt.datetime]) -> None:
    meeting, after = case
    starts = list(islice(occurrences_from(meeting, after), 6))
    assert starts[0] == next_occurrence(meeting, after)
    assert starts[0] + meeting.duration > after
    date = occurrence_date(meeting, starts[0])
    for i, (one, two) in enumerate(zip(starts, starts[1:])):
        assert one < two
        assert abs((two - one) - WEEK) <= dt.timedelta(hours=1)
        assert two == expected_start(meeting, date + (i + 1) * WEEK)[0]


@SETTINGS
@given(meeting_and_after())
def test_the_answer_does_not_depend_on_the_zone_of_after(case: Tuple[Meeting, dt.datetime]) -> None:
    meeting, after = case
    for zone in ("Pacific/Kiritimati", "America/Phoenix", "Europe/London"):
        same = after.astimezone(ZoneInfo(zone))
        assert next_occurrence(meeting, same, in_progress=False) == next_occurrence(meeting, after, in_progress=False)
        assert next_occurrence(meeting, same) == next_occurrence(meeting, after)


def test_oracle_agrees_on_every_start_time_through_the_transition_weeks() -> None:
    """Exhaustive rather than sampled: every 10 minutes of the clock on each DST date, every zone."""
    for zone in ZONES:
        for transition in transitions(zone):
            date = transition.astimezone(ZoneInfo(zone)).date()
            for minute in range(0, 24 * 60, 10):
                meeting = make_meeting(zone, date.weekday(), dt.time(minute // 60, minute % 60))
                expected = expected_start(meeting, date)[0]
                assert occurrence_on(meeting, date) == expected
                day_before = dt.datetime.combine(date - dt.timedelta(days=1), dt.time(12), tzinfo=ZoneInfo(zone))
                assert next_occurrence(meeting, day_before, in_progress=False) == expected


# -- pinned examples ---------------------------------------------------------------------------------
LA = ZoneInfo("America/Los_Angeles")


def at(zone: str, *fields: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=ZoneInfo(zone), fold=fold)


def test_a_late_saturday_meeting_is_in_progress_after_midnight() -> None:
    meeting = make_meeting("America/New_York", 5, dt.time(23, 30), dt.time(0, 30))
    sunday_0010 = at("America/New_York", 2026, 6, 14, 0, 10)
    assert sunday_0010.weekday() == 6
    saturday_2330 = at("America/New_York", 2026, 6, 13, 23, 30)
    assert next_occurrence(meeting, sunday_0010) == saturday_2330
    assert next_occurrence(meeting, sunday_0010, in_progress=False) == saturday_2330 + WEEK
    # Once it has ended (00:30), it is next Saturday's.
    assert next_occurrence(meeting, at("America/New_York", 2026, 6, 14, 0, 30)) == saturday_2330 + WEEK


def test_a_meeting_that_has_passed_this_week_wraps_to_next_week() -> None:
    meeting = make_meeting("America/Chicago", 6, dt.time(22, 0))
    sunday_2300 = at("America/Chicago", 2026, 6, 14, 23, 0)
    assert sunday_2300.weekday() == 6
    assert next_occurrence(meeting, sunday_2300, in_progress=False) == at("America/Chicago", 2026, 6, 21, 22, 0)
    # An hour-long meeting that started at 22:00 is over at 23:00, in progress or not.
    assert next_occurrence(meeting, sunday_2300) == at("America/Chicago", 2026, 6, 21, 22, 0)
    assert next_occurrence(meeting, at("America/Chicago", 2026, 6, 14, 22, 59)) == at("America/Chicago", 2026, 6, 14, 22, 0)


def test_a_start_at_exactly_after_counts() -> None:
    meeting = make_meeting("America/Los_Angeles", 0, dt.time(19, 0))
    monday_7pm = at("America/Los_Angeles", 2026, 6, 15, 19, 0)
    assert next_occurrence(meeting, monday_7pm, in_progress=False) == monday_7pm
    assert next_occurrence(meeting, monday_7pm + dt.timedelta(microseconds=1), in_progress=False) == monday_7pm + WEEK


def test_a_time_in_the_spring_forward_gap_happens_an_hour_later() -> None:
    meeting = make_meeting("America/Los_Angeles", 6, dt.time(2, 30))
    saturday = at("America/Los_Angeles", 2026, 3, 7, 12, 0)
    start = next_occurrence(meeting, saturday, in_progress=False)
    assert start == dt.datetime(2026, 3, 8, 10, 30, tzinfo=UTC)  # 02:30 PST, which the clock shows as 03:30 PDT
    local = local_start(meeting, start)
    assert (local.hour, local.minute, local.tzname()) == (3, 30, "PDT")
    # Seen from 03:10 PDT that morning it has not started yet; from 03:40 PDT it is next week's.
    assert next_occurrence(meeting, at("America/Los_Angeles", 2026, 3, 8, 3, 10), in_progress=False) == start
    assert next_occurrence(meeting, at("America/Los_Angeles", 2026, 3, 8, 3, 40), in_progress=False) == at(
        "America/Los_Angeles", 2026, 3, 15, 2, 30
    )


def test_a_time_in_the_lord_howe_gap_moves_by_half_an_hour() -> None:
    meeting = make_meeting("Australia/Lord_Howe", 6, dt.time(2, 15))
    start = next_occurrence(meeting, dt.datetime(2026, 10, 1, tzinfo=UTC), in_progress=False)
    local = local_start(meeting, start)
    assert local.date() == dt.date(2026, 10, 4)
    assert (local.hour, local.minute) == (2, 45)
    assert local.utcoffset() == dt.timedelta(hours=11)


def test_an_ambiguous_time_happens_the_first_time_round() -> None:
    meeting = make_meeting("America/Los_Angeles", 6, dt.time(1, 30))
    start = next_occurrence(meeting, at("America/Los_Angeles", 2026, 10, 31, 12, 0), in_progress=False)
    assert start == dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 01:30 PDT
    local = local_start(meeting, start)
    assert (local.hour, local.minute, local.tzname(), local.fold) == (1, 30, "PDT", 0)
    # At 01:10 PST (the second 01:10) the 01:30 meeting began 40 minutes ago and ended at 01:30 PST.
    second_0110 = at("America/Los_Angeles", 2026, 11, 1, 1, 10, fold=1)
    assert second_0110.tzname() == "PST"
    assert next_occurrence(meeting, second_0110) == start  # an hour long: still running
    assert next_occurrence(meeting, second_0110, in_progress=False) == at("America/Los_Angeles", 2026, 11, 8, 1, 30)


def test_the_fold_of_the_meetings_time_object_is_ignored() -> None:
    """A time taken from a datetime (``.time()``) keeps its fold; the meeting still starts the first time round."""
    second_time_round = dt.datetime(2026, 11, 1, 1, 30, tzinfo=LA, fold=1).time()
    assert second_time_round.fold == 1
    meeting = make_meeting("America/Los_Angeles", 6, second_time_round)
    assert meeting.start.fold == 1
    saturday = at("America/Los_Angeles", 2026, 10, 31, 12, 0)
    assert next_occurrence(meeting, saturday, in_progress=False) == dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 01:30 PDT
    # And in the spring-forward gap it still moves forward, not back.
    gap = make_meeting("America/Los_Angeles", 6, dt.time(2, 30, fold=1))
    assert occurrence_on(gap, dt.date(2026, 3, 8)) == dt.datetime(2026, 3, 8, 10, 30, tzinfo=UTC)


def test_phoenix_keeps_its_clock_when_los_angeles_changes() -> None:
    phoenix = make_meeting("America/Phoenix", 6, dt.time(19, 0))
    la = make_meeting("America/Los_Angeles", 6, dt.time(18, 0))
    before = dt.datetime(2026, 3, 1, tzinfo=UTC)  # a week before LA springs forward
    phoenix_starts = list(islice(occurrences_from(phoenix, before), 3))
    la_starts = list(islice(occurrences_from(la, before), 3))
    assert [s.astimezone(UTC).hour for s in phoenix_starts] == [2, 2, 2]  # always 19:00 MST = 02:00 UTC
    assert all(b - a == WEEK for a, b in zip(phoenix_starts, phoenix_starts[1:]))
    # 18:00 PST is 19:00 in Phoenix; 18:00 PDT is 18:00 in Phoenix.
    assert la_starts[0] == phoenix_starts[0]
    assert la_starts[1] == phoenix_starts[1] - dt.timedelta(hours=1)
    assert la_starts[1] - la_starts[0] == WEEK - dt.timedelta(hours=1)


def test_a_naive_after_is_refused() -> None:
    meeting = make_meeting("America/Los_Angeles", 0, dt.time(19, 0))
    with pytest.raises(ValueError):
        next_occurrence(meeting, dt.datetime(2026, 6, 15, 12, 0))
    with pytest.raises(ValueError):
        next_occurrence(meeting, dt.datetime(2026, 6, 15, 12, 0), in_progress=False)
    with pytest.raises(ValueError):
        next(occurrences_from(meeting, dt.datetime(2026, 6, 15, 12, 0)))


@pytest.mark.parametrize(
    "start, end, minutes",
    [
        (dt.time(19, 0), None, 60),
        (dt.time(19, 0), dt.time(20, 30), 90),
        (dt.time(23, 30), dt.time(0, 30), 60),
        (dt.time(19, 0), dt.time(19, 0), 24 * 60),
        (dt.time(0, 0), dt.time(23, 59), 24 * 60 - 1),
    ],
)
def test_duration(start: dt.time, end: Optional[dt.time], minutes: int) -> None:
    assert make_meeting("America/Los_Angeles", 0, start, end).duration == dt.timedelta(minutes=minutes)
