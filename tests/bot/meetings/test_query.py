"""Reading a meeting request into search filters, and turning "when" into a window of start times."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.meetings.models import Fellowship
from bot.meetings.query import (
    DEFAULT_RADIUS_MILES,
    MAX_RADIUS_MILES,
    SECULAR,
    TWELVE_STEP,
    MeetingQuery,
    When,
    read_query,
    window,
)
from bot.meetings.types import TYPES

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.timezone.utc
F = Fellowship


def la(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Los Angeles (never an ambiguous one in these tests)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LA)


# 2026-11-23 is a Monday in Pacific standard time; the week's Saturday is the 28th.
MONDAY = (2026, 11, 23)


def monday(hour: int, minute: int = 0) -> dt.datetime:
    return la(*MONDAY, hour, minute)


# -- read_query: whole messages ------------------------------------------------------------------

REQUESTS = [
    # text, fellowships, attendance, types, when, near_me
    ("Is there an NA meeting near 92262 tonight?", {F.na}, None, set(), When(relative_day=0, part="tonight"), False),
    ("online AA meeting now", {F.aa}, "online", set(), When(now=True), False),
    ("women's meeting in Palm Springs on Saturday morning", set(), None, {"women"}, When(weekday=5, part="morning"), False),
    ("SMART Recovery near me", {F.smart}, None, set(), When(), True),
    ("al-anon meetings", {F.al_anon}, None, set(), When(), False),
    ("Al Anon meeting for my husband's drinking", {F.al_anon}, None, set(), When(), False),
    ("AA and Al-Anon meetings", {F.aa, F.al_anon}, None, set(), When(), False),
    ("12 step meeting for men", set(TWELVE_STEP), None, {"men"}, When(), False),
    ("twelve-step meetings", set(TWELVE_STEP), None, set(), When(), False),
    ("non 12 step meetings", set(SECULAR), None, set(), When(), False),
    ("non-12-step meetings", set(SECULAR), None, set(), When(), False),
    ("any alternatives to AA?", set(SECULAR), None, set(), When(), False),
    ("an alternative to 12 steps", set(SECULAR), None, set(), When(), False),
    ("meeting in Indio, CA", set(), None, set(), When(), False),
    ("NA meeting in Indio, CA", {F.na}, None, set(), When(), False),
    ("CA meeting", {F.ca}, None, set(), When(), False),
    ("is there a C.A. meeting tonight", {F.ca}, None, set(), When(relative_day=0, part="tonight"), False),
    ("Cocaine Anonymous", {F.ca}, None, set(), When(), False),
    ("MA meetings in Boston, MA", {F.ma}, None, set(), When(), False),
    ("crystal meth anonymous", {F.cma}, None, set(), When(), False),
    ("na", {F.na}, None, set(), When(), False),
    ("NA", {F.na}, None, set(), When(), False),
    ("any na near me", {F.na}, None, set(), When(), True),
    ("online NA or AA meeting", {F.na, F.aa}, "online", set(), When(), False),
    ("AA/NA tonight", {F.na, F.aa}, None, set(), When(relative_day=0, part="tonight"), False),
    ("na im good", set(), None, set(), When(), False),
    ("na i'm good", set(), None, set(), When(), False),
    ("Na thanks", set(), None, set(), When(), False),
    ("men and women", set(), None, set(), When(), False),
    ("women", set(), None, {"women"}, When(), False),
    ("LGBTQ+ meetings in Spanish", set(), None, {"lgbtq", "spanish"}, When(), False),
    ("this weekend", set(), None, set(), When(weekend=True), False),
    ("tomorrow morning", set(), None, set(), When(relative_day=1, part="morning"), False),
    ("hybrid", set(), "hybrid", set(), When(), False),
    ("hybrid meeting, in person or on zoom", set(), "hybrid", set(), When(), False),
    ("in person", set(), "in_person", set(), When(), False),
    ("face to face meeting", set(), "in_person", set(), When(), False),
    ("a zoom meeting", set(), "online", set(), When(), False),
    ("in person or online, either is fine", set(), None, set(), When(), False),
    ("", set(), None, set(), When(), False),
    # Hyphenated types and a bare NA in a follow-up (issue 15).
    ("Spanish-speaking AA near Indio", {F.aa}, None, {"spanish"}, When(), False),
    ("spanish speaking NA near 92262 tonight", {F.na}, None, {"spanish"}, When(relative_day=0, part="tonight"), False),
    ("women-only meetings", set(), None, {"women"}, When(), False),
    ("wheelchair-accessible, LGBTQ-friendly ones", set(), None, {"wheelchair", "lgbtq"}, When(), False),
    ("Spanish-language meetings", set(), None, {"spanish"}, When(), False),
    ("what about NA?", {F.na}, None, set(), When(), False),
    ("NA online ones?", {F.na}, "online", set(), When(), False),
    ("na in palm springs", {F.na}, None, set(), When(), False),
]


@pytest.mark.parametrize("text, fellowships, attendance, types, when, near_me", REQUESTS, ids=[r[0] or "empty" for r in REQUESTS])
def test_read_query_reads_a_whole_message(
    text: str, fellowships: set, attendance: Optional[str], types: set, when: When, near_me: bool
) -> None:
    query = read_query(text)
    assert query.fellowships == frozenset(fellowships)
    assert query.attendance == attendance
    assert query.types == frozenset(types)
    assert query.when == when
    assert query.near_me is near_me


def test_a_zip_code_request_keeps_the_default_radius_and_reads_no_clock() -> None:
    query = read_query("Is there an NA meeting near 92262 tonight?")
    assert query.radius_miles == DEFAULT_RADIUS_MILES
    assert query.radius_given is False
    assert query.when.clock is None


def test_curly_apostrophes_and_extra_spaces_read_like_plain_ones() -> None:
    assert read_query("women’s   NA   meeting") == read_query("women's NA meeting")
    assert read_query("women’s   NA   meeting").types == frozenset({"women"})


@pytest.mark.parametrize(
    "text, miles",
    [
        ("within 5 miles", 5.0),
        ("NA meetings within 5 mi", 5.0),
        ("less than 2.5 miles away", 2.5),
        ("2.25 miles", 2.25),
        ("10 km", 10 * 0.621371),
        ("within 20 kilometers", 20 * 0.621371),
        ("within 100 miles", 100.0),
        ("within 150 miles", MAX_RADIUS_MILES),
        ("within 500 miles", MAX_RADIUS_MILES),
        ("within 1000 miles", MAX_RADIUS_MILES),
        ("0.5 miles", 1.0),  # a radius under a mile is read as one mile
    ],
)
def test_radius_in_miles_or_km_is_capped(text: str, miles: float) -> None:
    query = read_query(text)
    assert query.radius_miles == pytest.approx(miles)
    assert query.radius_given is True


@pytest.mark.parametrize("text", ["NA near 92262", "meeting at 7pm", "in 2 hours", "12 step meeting"])
def test_no_radius_means_the_default(text: str) -> None:
    query = read_query(text)
    assert query.radius_miles == DEFAULT_RADIUS_MILES
    assert query.radius_given is False


@pytest.mark.parametrize(
    "text, clock, ambiguous",
    [
        ("at 7pm", dt.time(19, 0), False),
        ("AT 7PM", dt.time(19, 0), False),
        ("7:30 pm", dt.time(19, 30), False),
        ("around 7:30p.m.", dt.time(19, 30), False),
        ("19:00", dt.time(19, 0), False),
        ("meeting at 0:30", dt.time(0, 30), False),
        ("at 7 a.m.", dt.time(7, 0), False),
        ("at 12am", dt.time(0, 0), False),
        ("at 12 pm", dt.time(12, 0), False),
        ("at 7", dt.time(7, 0), True),
        ("meeting at 7:30", dt.time(7, 30), True),
        ("meetings at 7 near 92262", dt.time(7, 0), True),
        ("at 12", dt.time(0, 0), True),  # midnight or noon, whichever comes next
        ("within 5 miles at 7pm", dt.time(19, 0), False),
    ],
)
def test_clock_times(text: str, clock: dt.time, ambiguous: bool) -> None:
    when = read_query(text).when
    assert (when.clock, when.clock_ambiguous) == (clock, ambiguous)
    assert when.now is False


@pytest.mark.parametrize(
    "text",
    [
        "92262",
        "NA near 92262",
        "my zip is 92262-1234",
        "5 miles",
        "within 5 miles",
        "meetings in 10 km",
        "12 step meeting",
        "7",
        "at 13pm",
    ],
)
def test_numbers_that_are_not_clock_times(text: str) -> None:
    assert read_query(text).when.clock is None


@pytest.mark.parametrize(
    "text, when",
    [
        ("tonight", When(relative_day=0, part="tonight")),
        ("this evening", When(relative_day=0, part="tonight")),
        ("this morning", When(relative_day=0, part="morning")),
        ("today", When(relative_day=0)),
        ("tomorrow", When(relative_day=1)),
        ("tmrw night", When(relative_day=1, part="evening")),
        ("saturday at 7pm", When(weekday=5, clock=dt.time(19, 0))),
        ("on Monday", When(weekday=0)),
        ("this weekend", When(weekend=True)),
        ("weekend mornings", When(weekend=True, part="morning")),
        ("at noon", When(part="noon")),
        ("midnight meeting", When(part="night")),
        ("right now", When(now=True)),
        ("tonight at 8", When(relative_day=0, part="tonight", clock=dt.time(8, 0), clock_ambiguous=True)),
    ],
)
def test_when_words(text: str, when: When) -> None:
    assert read_query(text).when == when


def test_now_gives_way_to_an_explicit_day_or_time() -> None:
    assert read_query("now, tomorrow at 7pm").when.now is False
    assert read_query("meeting starting soon").when.now is True


def test_when_given() -> None:
    assert When().given is False
    assert When(weekend=True).given is True
    assert When(relative_day=0).given is True
    assert When(clock=dt.time(7)).given is True


@pytest.mark.parametrize("attendance, needs", [(None, True), ("in_person", True), ("hybrid", True), ("online", False)])
def test_only_online_searches_need_no_place(attendance: Optional[str], needs: bool) -> None:
    assert MeetingQuery(attendance=attendance).needs_place is needs


# -- to_slot / from_slot -------------------------------------------------------------------------


def test_to_slot_is_plain_json() -> None:
    query = read_query("online NA or AA women's meeting tomorrow at 7:30pm within 5 miles")
    slot = query.to_slot()
    assert slot == {
        "fellowships": ["AA", "NA"],
        "attendance": "online",
        "types": ["women"],
        "when": {
            "now": False,
            "relative_day": 1,
            "weekday": None,
            "part": None,
            "clock": "19:30",
            "clock_ambiguous": False,
            "weekend": False,
        },
        "radius_miles": 5.0,
        "radius_given": True,
        "near_me": False,
    }
    assert MeetingQuery.from_slot(json.loads(json.dumps(slot))) == query


@pytest.mark.parametrize("text", [r[0] for r in REQUESTS] + ["at 12am", "at 7", "within 150 miles at 19:00 on sunday"])
def test_slot_round_trip_of_read_queries(text: str) -> None:
    query = read_query(text)
    assert MeetingQuery.from_slot(json.loads(json.dumps(query.to_slot()))) == query


def test_from_slot_of_nothing_is_the_default_query() -> None:
    assert MeetingQuery.from_slot({}) == MeetingQuery()
    assert MeetingQuery.from_slot({"when": None, "fellowships": None, "types": None}) == MeetingQuery()


def test_with_radius_changes_only_the_radius() -> None:
    query = read_query("NA meeting tonight")
    wider = query.with_radius(25.0)
    assert wider.radius_miles == 25.0
    assert (wider.fellowships, wider.when) == (query.fellowships, query.when)
    assert query.radius_miles == DEFAULT_RADIUS_MILES


@st.composite
def whens(draw: Any) -> When:
    clock = draw(st.none() | st.builds(dt.time, st.integers(0, 23), st.integers(0, 59)))
    ambiguous = clock is not None and clock.hour < 12 and draw(st.booleans())
    return When(
        now=draw(st.booleans()),
        relative_day=draw(st.sampled_from([None, 0, 1])),
        weekday=draw(st.none() | st.integers(0, 6)),
        part=draw(st.sampled_from([None, "morning", "noon", "afternoon", "evening", "night", "tonight"])),
        clock=clock,
        clock_ambiguous=ambiguous,
        weekend=draw(st.booleans()),
    )


queries = st.builds(
    MeetingQuery,
    fellowships=st.frozensets(st.sampled_from(list(Fellowship))),
    attendance=st.sampled_from([None, "in_person", "online", "hybrid"]),
    types=st.frozensets(st.sampled_from(sorted(TYPES))),
    when=whens(),
    radius_miles=st.floats(1.0, MAX_RADIUS_MILES, allow_nan=False),
    radius_given=st.booleans(),
    near_me=st.booleans(),
)


@settings(max_examples=75, deadline=None)
@given(queries)
def test_slot_round_trip_property(query: MeetingQuery) -> None:
    slot = json.loads(json.dumps(query.to_slot()))
    assert MeetingQuery.from_slot(slot) == query


# -- window ---------------------------------------------------------------------------------------


def span(when: When, now: dt.datetime) -> tuple:
    start, end = window(when, now, LA)
    assert start.tzinfo is not None and end.tzinfo is not None
    return start, end


def test_now_is_the_next_hour_with_twenty_minutes_of_grace() -> None:
    assert span(When(now=True), monday(15)) == (monday(14, 40), monday(16))


def test_no_when_is_the_next_seven_days() -> None:
    assert span(When(), monday(15)) == (monday(14, 50), la(2026, 11, 30, 15))


@pytest.mark.parametrize(
    "asked, expected",
    [
        (monday(15), (monday(17), la(2026, 11, 24))),
        (monday(23, 30), (monday(23, 10), la(2026, 11, 24))),
        (monday(0, 30), (monday(17), la(2026, 11, 24))),
    ],
)
def test_tonight(asked: dt.datetime, expected: tuple) -> None:
    assert span(read_query("tonight").when, asked) == expected


def test_tomorrow_morning() -> None:
    assert span(read_query("tomorrow morning").when, monday(15)) == (la(2026, 11, 24, 5), la(2026, 11, 24, 12, 1))


def test_today_whole_day_starts_now() -> None:
    assert span(read_query("today").when, monday(15)) == (monday(14, 40), la(2026, 11, 24))


def test_this_morning_asked_in_the_afternoon_is_an_empty_window() -> None:
    start, end = span(read_query("this morning").when, monday(15))
    assert start == end
    assert end >= monday(15)  # never a window of meetings already over


def test_an_unambiguous_clock_already_past_is_tomorrow() -> None:
    assert span(read_query("at 7pm").when, monday(21)) == (la(2026, 11, 24, 18, 30), la(2026, 11, 24, 20))
    assert span(read_query("at 7pm").when, monday(15)) == (monday(18, 30), monday(20))


@pytest.mark.parametrize(
    "asked, expected",
    [
        (monday(6), (monday(6, 30), monday(8))),  # 7 am is next
        (monday(7, 15), (monday(6, 55), monday(8))),  # 7 am has just started: grace
        (monday(15), (monday(18, 30), monday(20))),  # 7 pm is next
        (monday(21), (la(2026, 11, 24, 6, 30), la(2026, 11, 24, 8))),  # tomorrow's 7 am
    ],
)
def test_an_ambiguous_clock_picks_the_next_of_am_and_pm(asked: dt.datetime, expected: tuple) -> None:
    when = read_query("at 7").when
    assert when.clock_ambiguous is True
    assert span(when, asked) == expected


def test_weekday_later_this_week() -> None:
    assert span(read_query("saturday").when, monday(15)) == (la(2026, 11, 28), la(2026, 11, 29))


def test_same_weekday_whole_day_is_what_is_left_of_today() -> None:
    assert span(read_query("monday").when, monday(15)) == (monday(14, 40), la(2026, 11, 24))


def test_same_weekday_after_its_window_passed_goes_to_next_week() -> None:
    assert span(read_query("monday morning").when, monday(15)) == (la(2026, 11, 30, 5), la(2026, 11, 30, 12, 1))
    assert span(read_query("monday at 9am").when, monday(15)) == (la(2026, 11, 30, 8, 30), la(2026, 11, 30, 10))


def test_same_weekday_before_its_window_is_today() -> None:
    assert span(read_query("monday evening").when, monday(15)) == (monday(17), monday(21, 31))


@pytest.mark.parametrize(
    "asked, expected",
    [
        (monday(15), (la(2026, 11, 28), la(2026, 11, 30))),  # Monday: the coming weekend
        (la(2026, 11, 28, 10), (la(2026, 11, 28, 9, 40), la(2026, 11, 30))),  # Saturday: from now
        (la(2026, 11, 29, 10), (la(2026, 11, 29, 9, 40), la(2026, 11, 30))),  # Sunday: the one under way
    ],
)
def test_this_weekend(asked: dt.datetime, expected: tuple) -> None:
    assert span(read_query("this weekend").when, asked) == expected


def test_weekend_part_on_sunday_after_it_passed_goes_to_next_saturday() -> None:
    when = read_query("this weekend in the morning").when
    assert span(when, la(2026, 11, 29, 15)) == (la(2026, 12, 5, 5), la(2026, 12, 5, 12, 1))
    assert span(when, la(2026, 11, 28, 15)) == (la(2026, 11, 29, 5), la(2026, 11, 29, 12, 1))


def test_late_night_runs_past_midnight() -> None:
    when = read_query("late night meeting").when
    assert span(when, monday(15)) == (monday(20), la(2026, 11, 24, 2))
    # Just after midnight, last night's late meetings are still to come.
    assert span(when, la(2026, 11, 24, 0, 30)) == (la(2026, 11, 24, 0, 10), la(2026, 11, 24, 2))


def test_a_midnight_meeting_is_inside_the_midnight_window() -> None:
    start, end = span(read_query("midnight meeting").when, monday(15))
    assert start <= la(2026, 11, 24, 0, 0) < end


# Daylight saving time in Los Angeles: springs forward 2026-03-08, falls back 2026-11-01.


def test_tomorrow_is_23_hours_when_clocks_spring_forward() -> None:
    start, end = span(read_query("tomorrow").when, la(2026, 3, 7, 12))
    assert (start, end) == (la(2026, 3, 8), la(2026, 3, 9))
    assert end - start == dt.timedelta(hours=23)


def test_tomorrow_is_25_hours_when_clocks_fall_back() -> None:
    start, end = span(read_query("tomorrow").when, la(2026, 10, 31, 12))
    assert (start, end) == (la(2026, 11, 1), la(2026, 11, 2))
    assert end - start == dt.timedelta(hours=25)


def test_tomorrow_morning_on_the_spring_forward_day_is_in_daylight_time() -> None:
    start, end = span(read_query("tomorrow morning").when, la(2026, 3, 7, 15))
    assert start == dt.datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 5 am PDT, not 5 am PST (13:00 UTC)
    assert end == dt.datetime(2026, 3, 8, 19, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "date, offset_hours",
    [((2026, 3, 8), -7), ((2026, 11, 1), -8), ((2026, 3, 7), -8), ((2026, 10, 31), -7)],
)
def test_tonight_on_and_before_a_dst_change_uses_that_evenings_offset(date: tuple, offset_hours: int) -> None:
    start, end = span(read_query("tonight").when, la(*date, 12))
    expected_start = dt.datetime(*date, 17, tzinfo=dt.timezone(dt.timedelta(hours=offset_hours)))
    assert start == expected_start
    assert end - start == dt.timedelta(hours=7)  # the clock change is at 2 am, not in the evening


def test_late_night_over_the_fall_back_is_seven_hours() -> None:
    start, end = span(read_query("late night").when, la(2026, 10, 31, 15))
    assert start == dt.datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 8 pm PDT
    assert end == dt.datetime(2026, 11, 1, 10, 0, tzinfo=UTC)  # 2 am PST
    assert end - start == dt.timedelta(hours=7)


def test_window_works_from_any_timezone_of_now() -> None:
    in_utc = monday(15).astimezone(UTC)
    assert span(read_query("tonight").when, in_utc) == span(read_query("tonight").when, monday(15))


@pytest.mark.parametrize(
    "asked",
    [
        dt.datetime(2026, 3, 8, 3, 10, tzinfo=LA),  # ten minutes after clocks sprang forward
        dt.datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=LA),  # the second 1:10 am, in PST
    ],
)
def test_now_window_is_measured_in_real_time_across_a_dst_change(asked: dt.datetime) -> None:
    instant = asked.astimezone(UTC)
    start, end = span(When(now=True), asked)
    assert (start, end) == (instant - dt.timedelta(minutes=20), instant + dt.timedelta(hours=1))
    assert end - start == dt.timedelta(minutes=80)


@settings(max_examples=150, deadline=None)
@given(
    when=whens(),
    instant=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(UTC)),
    as_local=st.booleans(),
)
def test_every_window_starts_no_earlier_than_the_grace_and_is_never_in_the_past(
    when: When, instant: dt.datetime, as_local: bool
) -> None:
    now = instant.astimezone(LA) if as_local else instant
    start, end = window(when, now, LA)
    assert start <= end
    if start == end:
        assert end == instant  # nothing left: empty, and not in the past
    else:
        assert end > instant
        assert start >= instant - dt.timedelta(minutes=20)
    assert end - instant <= dt.timedelta(days=16)


# -- Spanish (issue 19) ------------------------------------------------------------------------------

SPANISH_REQUESTS = [
    # text, fellowships, attendance, types, when, near_me
    ("¿Hay una junta de NA cerca de 92262 esta noche?", {F.na}, None, set(), When(relative_day=0, part="tonight"), False),
    ("reuniones de NA hoy en la noche", {F.na}, None, set(), When(relative_day=0, part="tonight"), False),
    ("grupo de NA en línea ahorita", {F.na}, "online", set(), When(now=True), False),
    ("reunión de AA en linea ahora", {F.aa}, "online", set(), When(now=True), False),
    ("Alcohólicos Anónimos virtual", {F.aa}, "online", set(), When(), False),
    ("alcoholicos anonimos por zoom", {F.aa}, "online", set(), When(), False),
    ("Narcóticos Anónimos en persona", {F.na}, "in_person", set(), When(), False),
    ("junta presencial de AA", {F.aa}, "in_person", set(), When(), False),
    ("reuniones de Al-Anon para mi familia", {F.al_anon}, None, set(), When(), False),
    ("reuniones de AA mañana", {F.aa}, None, set(), When(relative_day=1), False),
    ("reuniones de AA mañana en la mañana", {F.aa}, None, set(), When(relative_day=1, part="morning"), False),
    ("reuniones de AA mañana por la mañana", {F.aa}, None, set(), When(relative_day=1, part="morning"), False),
    ("reuniones de AA en la mañana", {F.aa}, None, set(), When(part="morning"), False),
    ("reuniones de AA por la mañana", {F.aa}, None, set(), When(part="morning"), False),
    ("junta de AA esta mañana", {F.aa}, None, set(), When(relative_day=0, part="morning"), False),
    ("reuniones en la tarde", set(), None, set(), When(part="afternoon"), False),
    ("reuniones en la noche", set(), None, set(), When(part="evening"), False),
    ("reuniones de NA el lunes", {F.na}, None, set(), When(weekday=0), False),
    ("junta el martes en la noche", set(), None, set(), When(weekday=1, part="evening"), False),
    ("reunión el miércoles", set(), None, set(), When(weekday=2), False),
    ("reunión el miercoles", set(), None, set(), When(weekday=2), False),
    ("grupo de NA el jueves", {F.na}, None, set(), When(weekday=3), False),
    ("reuniones el viernes por la tarde", set(), None, set(), When(weekday=4, part="afternoon"), False),
    ("reuniones de mujeres el sábado en la mañana", set(), None, {"women"}, When(weekday=5, part="morning"), False),
    ("reuniones el sabado", set(), None, set(), When(weekday=5), False),
    ("junta el domingo", set(), None, set(), When(weekday=6), False),
    ("juntas de NA este fin de semana", {F.na}, None, set(), When(weekend=True), False),
    ("reuniones para hombres", set(), None, {"men"}, When(), False),
    ("reuniones de hombres y mujeres", set(), None, set(), When(), False),
    ("reuniones para jóvenes", set(), None, {"young_people"}, When(), False),
    ("reuniones para jovenes", set(), None, {"young_people"}, When(), False),
    ("junta para principiantes", set(), None, {"beginners"}, When(), False),
    ("reunión con acceso para silla de ruedas", set(), None, {"wheelchair"}, When(), False),
    ("reuniones de AA en español", {F.aa}, None, {"spanish"}, When(), False),
    ("reuniones abiertas de AA", {F.aa}, None, {"open"}, When(), False),
    ("reuniones de NA cerca de mí", {F.na}, None, set(), When(), True),
    ("reuniones de 12 pasos", set(TWELVE_STEP), None, set(), When(), False),
    ("reuniones sin 12 pasos", set(SECULAR), None, set(), When(), False),
    ("¿hay NA cerca de 92262?", {F.na}, None, set(), When(), False),
    ("NA en línea", {F.na}, "online", set(), When(), False),
    ("NA o AA hoy", {F.na, F.aa}, None, set(), When(relative_day=0), False),
    ("reuniones de CA", {F.ca}, None, set(), When(), False),
    ("reunión en Indio, CA", set(), None, set(), When(), False),
    ("pasado mañana", set(), None, set(), When(), False),  # not tomorrow
    ("buenas noches, busco reuniones de AA", {F.aa}, None, set(), When(), False),  # a greeting, not a time
]


@pytest.mark.parametrize(
    "text, fellowships, attendance, types, when, near_me", SPANISH_REQUESTS, ids=[r[0] for r in SPANISH_REQUESTS]
)
def test_read_query_reads_a_spanish_message(
    text: str, fellowships: set, attendance: Optional[str], types: set, when: When, near_me: bool
) -> None:
    query = read_query(text)
    assert query.fellowships == frozenset(fellowships)
    assert query.attendance == attendance
    assert query.types == frozenset(types)
    assert query.when == when
    assert query.near_me is near_me


@pytest.mark.parametrize(
    "text, miles",
    [
        ("reuniones a 5 millas", 5.0),
        ("a menos de 2.5 millas", 2.5),
        ("dentro de 20 kilómetros", 20 * 0.621371),
        ("a 1 milla", 1.0),
    ],
)
def test_a_spanish_radius(text: str, miles: float) -> None:
    query = read_query(text)
    assert query.radius_miles == pytest.approx(miles)
    assert query.radius_given is True
    assert query.when.clock is None


@pytest.mark.parametrize(
    "text, clock, ambiguous",
    [
        ("a las 7 de la tarde", dt.time(19, 0), False),
        ("a las 8 de la noche", dt.time(20, 0), False),
        ("a las 7 de la mañana", dt.time(7, 0), False),
        ("reunión a las 7:30 p. m.", dt.time(19, 30), False),
        ("a las 9 a. m.", dt.time(9, 0), False),
        ("a la 1", dt.time(1, 0), True),
        ("junta de las 8", dt.time(8, 0), True),
        ("a las 12 de la noche", dt.time(0, 0), False),
    ],
)
def test_spanish_clock_times(text: str, clock: dt.time, ambiguous: bool) -> None:
    when = read_query(text).when
    assert (when.clock, when.clock_ambiguous) == (clock, ambiguous)
    assert when.part is None  # "de la tarde" is part of the clock time, not a part of the day besides


def test_spanish_tonight_gives_the_same_window_as_english() -> None:
    now = monday(15)
    assert window(read_query("reuniones esta noche").when, now, LA) == window(read_query("meetings tonight").when, now, LA)
    assert window(read_query("mañana en la mañana").when, now, LA) == window(read_query("tomorrow morning").when, now, LA)
