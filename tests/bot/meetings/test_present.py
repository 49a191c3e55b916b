"""What a person reads: the search summary, the "when" words, and each meeting worded for a chat."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.present import WORDS, MeetingView, day_label, describe, view, when_words
from bot.meetings.query import SECULAR, TWELVE_STEP, MeetingQuery, When, read_query
from bot.meetings.search import Hit
from bot.meetings.types import TYPES, TYPES_ES

LA = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
MONDAY = dt.date(2026, 11, 23)  # Pacific standard time
SUMMER_MONDAY = dt.date(2026, 7, 13)  # Pacific daylight time


def make_meeting(**fields: Any) -> Meeting:
    values: dict = dict(
        source="test",
        key="k1",
        name="Desert Serenity",
        fellowship=Fellowship.na,
        day=0,
        start=dt.time(19, 0),
        timezone="America/Los_Angeles",
        attendance=Attendance.in_person,
        location="St. Francis Hall",
        address="1 Test Rd",
        city="Palm Springs",
        state="CA",
        postal_code="92262",
        latitude=33.83,
        longitude=-116.54,
        conference_url="https://zoom.us/j/123456789",
        conference_phone="+1 669 900 6833",
    )
    values.update(fields)
    return Meeting(**values)


def at(date: dt.date, hour: int, minute: int = 0, zone: ZoneInfo = LA) -> dt.datetime:
    """An occurrence's start as Hit holds it: aware UTC."""
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=zone).astimezone(UTC)


def seen_in_la(meeting: Meeting, start: dt.datetime, miles: Optional[float] = None, today: dt.date = MONDAY) -> MeetingView:
    return view(Hit(meeting, start, miles), LA, today)


# -- describe ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, words",
    [
        (MeetingQuery(), "meetings"),
        (MeetingQuery(fellowships=frozenset({Fellowship.na})), "NA meetings"),
        (MeetingQuery(fellowships=frozenset({Fellowship.na}), types=frozenset({"women"})), "women's NA meetings"),
        (MeetingQuery(fellowships=frozenset({Fellowship.aa}), attendance="online"), "online AA meetings"),
        (MeetingQuery(attendance="in_person"), "in-person meetings"),
        (MeetingQuery(attendance="hybrid", fellowships=frozenset({Fellowship.al_anon})), "hybrid Al-Anon meetings"),
        (MeetingQuery(fellowships=TWELVE_STEP, types=frozenset({"men"})), "men's 12-step meetings"),
        (MeetingQuery(fellowships=SECULAR), "LifeRing, Recovery Dharma or SMART meetings"),
        (MeetingQuery(fellowships=frozenset({Fellowship.smart, Fellowship.aa})), "AA or SMART meetings"),
        (MeetingQuery(types=frozenset({"lgbtq", "young_people"})), "LGBTQ+ young people's meetings"),
        (MeetingQuery(types=frozenset({"spanish", "wheelchair"})), "Spanish-language meetings (wheelchair accessible)"),
        (
            MeetingQuery(fellowships=frozenset({Fellowship.na}), types=frozenset({"wheelchair", "asl", "beginners"})),
            "newcomers' NA meetings (American Sign Language interpreted, wheelchair accessible)",
        ),
        (MeetingQuery(types=frozenset({"not_a_type"})), "meetings (not_a_type)"),
    ],
)
def test_describe(query: MeetingQuery, words: str) -> None:
    assert describe(query) == words


@pytest.mark.parametrize(
    "text, words",
    [
        ("Is there an NA meeting near 92262 tonight?", "NA meetings"),
        ("online AA women's meeting", "online women's AA meetings"),
        ("in person lgbtq wheelchair meeting", "in-person LGBTQ+ meetings (wheelchair accessible)"),
        ("12 step meeting", "12-step meetings"),
    ],
)
def test_describe_what_was_read(text: str, words: str) -> None:
    assert describe(read_query(text)) == words


# -- when_words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, words",
    [
        (When(), "in the next 7 days"),
        (When(now=True), "starting now or within the hour"),
        (When(relative_day=0), "today"),
        (When(relative_day=0, part="tonight"), "tonight"),
        (When(relative_day=0, part="morning"), "this morning"),
        (When(relative_day=0, part="afternoon"), "this afternoon"),
        (When(relative_day=0, part="noon"), "today around midday"),
        (When(relative_day=0, part="night"), "late tonight"),
        (When(relative_day=1), "tomorrow"),
        (When(relative_day=1, part="morning"), "tomorrow morning"),
        (When(relative_day=1, part="tonight"), "tomorrow evening"),
        (When(relative_day=1, clock=dt.time(19, 30)), "tomorrow around 7:30 pm"),
        (When(weekday=5), "on Saturday"),
        (When(weekday=5, part="morning"), "on Saturday morning"),
        (When(weekday=0, clock=dt.time(7, 0), clock_ambiguous=True), "on Monday around 7:00"),
        (When(weekend=True), "this weekend"),
        (When(weekend=True, part="morning"), "this weekend (morning)"),
        (When(part="afternoon"), "in the afternoon"),
        (When(part="evening"), "in the evening"),
        (When(part="noon"), "around midday"),
        (When(part="night"), "late at night"),
        (When(clock=dt.time(19, 0)), "around 7:00 pm"),
        (When(clock=dt.time(0, 0)), "around 12:00 am"),
        (When(clock=dt.time(7, 0), clock_ambiguous=True), "around 7:00"),
    ],
)
def test_when_words(when: When, words: str) -> None:
    assert when_words(when) == words


@pytest.mark.parametrize(
    "text, words",
    [
        ("NA meeting tonight", "tonight"),
        ("online AA now", "starting now or within the hour"),
        ("women's meeting saturday morning", "on Saturday morning"),
        ("at noon", "around midday"),
        ("midnight meeting", "late at night"),
        ("meeting at 7", "around 7:00"),
    ],
)
def test_when_words_of_what_was_read(text: str, words: str) -> None:
    assert when_words(read_query(text).when) == words


# -- day_label --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, label",
    [
        (dt.datetime(2026, 11, 23, 19, 0, tzinfo=LA), "today"),
        (dt.datetime(2026, 11, 23, 0, 0, tzinfo=LA), "today"),
        (dt.datetime(2026, 11, 24, 7, 0, tzinfo=LA), "tomorrow"),
        (dt.datetime(2026, 11, 22, 23, 30, tzinfo=LA), "yesterday"),
        (dt.datetime(2026, 11, 28, 10, 0, tzinfo=LA), "Saturday, Nov 28"),
        (dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA), "Monday, Nov 30"),
        (dt.datetime(2027, 1, 2, 10, 0, tzinfo=LA), "Saturday, Jan 2"),
    ],
)
def test_day_label(start: dt.datetime, label: str) -> None:
    assert day_label(start, MONDAY) == label


# -- view: in person --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "miles, shown", [(0.0, "under 1 mile"), (0.4, "under 1 mile"), (2.44, "2.4 miles"), (12.0, "12.0 miles"), (None, None)]
)
def test_in_person_meeting(miles: Optional[float], shown: Optional[str]) -> None:
    meeting = make_meeting()
    assert seen_in_la(meeting, at(MONDAY, 19), miles) == MeetingView(
        name="Desert Serenity",
        fellowship="NA",
        when="today 7:00 pm",
        attendance="in person",
        distance=shown,
        place="St. Francis Hall · 1 Test Rd, Palm Springs",
        join_url=None,  # a room only: a link in the feed is not offered
        join_phone=None,
        types="",
        notes=None,
    )


@pytest.mark.parametrize(
    "end, when",
    [
        (dt.time(20, 30), "today 7:00 pm to 8:30 pm"),
        (dt.time(19, 0), "today 7:00 pm to 7:00 pm"),  # a 24-hour marathon
    ],
)
def test_in_person_meeting_with_an_end(end: dt.time, when: str) -> None:
    assert seen_in_la(make_meeting(end=end), at(MONDAY, 19)).when == when


def test_a_meeting_past_midnight_ends_after_midnight() -> None:
    meeting = make_meeting(start=dt.time(23, 30), end=dt.time(0, 30))
    assert seen_in_la(meeting, at(MONDAY, 23, 30)).when == "today 11:30 pm to 12:30 am"


@pytest.mark.parametrize(
    "start, today, when",
    [
        (at(dt.date(2026, 11, 24), 7), MONDAY, "tomorrow 7:00 am"),
        (at(dt.date(2026, 11, 28), 10), MONDAY, "Saturday, Nov 28 10:00 am"),
        (at(dt.date(2026, 11, 23), 12), MONDAY, "today 12:00 pm"),
    ],
)
def test_in_person_day_words(start: dt.datetime, today: dt.date, when: str) -> None:
    assert seen_in_la(make_meeting(), start, 1.5, today=today).when == when


@pytest.mark.parametrize(
    "fields, place",
    [
        ({}, "St. Francis Hall · 1 Test Rd, Palm Springs"),
        ({"location": None}, "1 Test Rd, Palm Springs"),
        ({"address": None}, "St. Francis Hall · Palm Springs"),
        ({"address": None, "city": None}, "St. Francis Hall"),
        ({"location": None, "address": None, "city": None}, None),
    ],
)
def test_place_words(fields: dict, place: Optional[str]) -> None:
    assert seen_in_la(make_meeting(**fields), at(MONDAY, 19)).place == place


# -- view: online in another timezone ---------------------------------------------------------------


@pytest.fixture
def new_york_online() -> Meeting:
    return make_meeting(
        name="East Coast Noon",
        fellowship=Fellowship.aa,
        start=dt.time(15, 0),
        end=dt.time(16, 0),
        timezone="America/New_York",
        attendance=Attendance.online,
        city="New York",
        state="NY",
    )


@pytest.mark.parametrize(
    "date, when",
    [
        (MONDAY, "today 12:00 pm PST (3:00 pm EST where it is hosted) to 1:00 pm"),
        (SUMMER_MONDAY, "today 12:00 pm PDT (3:00 pm EDT where it is hosted) to 1:00 pm"),
    ],
)
def test_online_meeting_hosted_in_new_york_seen_from_los_angeles(new_york_online: Meeting, date: dt.date, when: str) -> None:
    shown = view(Hit(new_york_online, at(date, 15, zone=NEW_YORK), 2400.0), LA, date)
    assert shown == MeetingView(
        name="East Coast Noon",
        fellowship="AA",
        when=when,
        attendance="online",
        distance=None,  # no room to travel to
        place=None,
        join_url="https://zoom.us/j/123456789",
        join_phone="+1 669 900 6833",
        types="",
        notes=None,
    )


def test_online_meeting_after_midnight_where_hosted_is_still_today_for_the_person(new_york_online: Meeting) -> None:
    meeting = new_york_online.copy(update={"start": dt.time(1, 0), "end": None, "day": 1})
    shown = view(Hit(meeting, at(dt.date(2026, 11, 24), 1, zone=NEW_YORK), None), LA, MONDAY)
    assert shown.when == "today 10:00 pm PST (1:00 am EST where it is hosted)"


def test_online_meeting_in_the_persons_own_zone_shows_one_time(new_york_online: Meeting) -> None:
    meeting = new_york_online.copy(update={"timezone": "America/Los_Angeles"})
    assert seen_in_la(meeting, at(MONDAY, 15)).when == "today 3:00 pm to 4:00 pm"


def test_same_offset_zones_show_one_time() -> None:
    # In summer Phoenix (MST, no DST) and Los Angeles (PDT) are both UTC-7.
    meeting = make_meeting(timezone="America/Phoenix", attendance=Attendance.online, start=dt.time(18, 0))
    start = dt.datetime(2026, 7, 13, 18, 0, tzinfo=ZoneInfo("America/Phoenix")).astimezone(UTC)
    assert view(Hit(meeting, start, None), LA, SUMMER_MONDAY).when == "today 6:00 pm"


# -- view: hybrid ----------------------------------------------------------------------------------


def test_hybrid_meeting_has_the_place_and_the_link() -> None:
    meeting = make_meeting(attendance=Attendance.hybrid, fellowship=Fellowship.al_anon, end=dt.time(20, 0))
    assert seen_in_la(meeting, at(MONDAY, 19), 3.14) == MeetingView(
        name="Desert Serenity",
        fellowship="Al-Anon",
        when="today 7:00 pm to 8:00 pm",
        attendance="in person and online",
        distance="3.1 miles",
        place="St. Francis Hall · 1 Test Rd, Palm Springs",
        join_url="https://zoom.us/j/123456789",
        join_phone="+1 669 900 6833",
        types="",
        notes=None,
    )


# -- types and notes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "types, words",
    [
        (("open", "women", "wheelchair"), "open to anyone, women, wheelchair accessible"),
        (("wheelchair", "open"), "wheelchair accessible, open to anyone"),  # feed order kept
        (("spanish", "agnostic"), "in Spanish, secular (agnostic and atheist friendly)"),
        (("closed", "not_a_type"), "closed (for people who want to stop drinking or using)"),
        ((), ""),
    ],
)
def test_types_in_plain_words(types: tuple, words: str) -> None:
    assert seen_in_la(make_meeting(types=types), at(MONDAY, 19)).types == words


@pytest.mark.parametrize(
    "notes",
    [
        "Enter by the side door — ring the bell 🔔",
        "Parking: lot B (free after 6pm)\nWheelchair ramp on Elm St.\nhttps://example.org/meet?id=1&pw=abc",
        "Bring your Basic Text!  Coffee & cookies; <b>not</b> HTML, *not* markdown, {not} a template.",
        "Línea en español: reunión cerrada",
    ],
)
def test_notes_are_shown_exactly_as_given(notes: str) -> None:
    assert seen_in_la(make_meeting(notes=notes), at(MONDAY, 19)).notes == notes


@pytest.mark.parametrize(
    "notes, shown",
    [
        ("First line\n\nSecond line", "First line\nSecond line"),
        ("First line\n \n\t\n\nSecond line\nThird", "First line\nSecond line\nThird"),
        ("  padded note  ", "padded note"),
    ],
)
def test_notes_lose_only_blank_lines_and_outer_spaces(notes: str, shown: str) -> None:
    assert seen_in_la(make_meeting(notes=notes), at(MONDAY, 19)).notes == shown


# -- Spanish (issue 19) ------------------------------------------------------------------------------

ES = "es"


def test_every_language_has_every_phrase() -> None:
    english = WORDS["en"]
    for words in WORDS.values():
        for table in ("today_parts", "tomorrow_parts", "day_parts", "weekend_parts", "any_day_parts"):
            assert set(getattr(words, table)) == set(getattr(english, table))
        assert set(words.adjectives) == set(english.adjectives)
        assert set(words.attendance_labels) == set(english.attendance_labels)
        assert set(words.fellowship_names) == set(Fellowship)
    assert set(TYPES_ES) == set(TYPES)


@pytest.mark.parametrize(
    "query, words",
    [
        (MeetingQuery(), "reuniones"),
        (MeetingQuery(fellowships=frozenset({Fellowship.na})), "reuniones de NA"),
        (MeetingQuery(fellowships=frozenset({Fellowship.na}), types=frozenset({"women"})), "reuniones de NA para mujeres"),
        (MeetingQuery(fellowships=frozenset({Fellowship.aa}), attendance="online"), "reuniones de AA en línea"),
        (MeetingQuery(attendance="in_person"), "reuniones presenciales"),
        (MeetingQuery(attendance="hybrid", fellowships=frozenset({Fellowship.al_anon})), "reuniones de Al-Anon híbridas"),
        (MeetingQuery(fellowships=TWELVE_STEP, types=frozenset({"men"})), "reuniones de 12 pasos para hombres"),
        (MeetingQuery(fellowships=SECULAR), "reuniones de LifeRing, Recovery Dharma o SMART"),
        (MeetingQuery(types=frozenset({"spanish", "wheelchair"})), "reuniones en español (accesible en silla de ruedas)"),
    ],
)
def test_describe_in_spanish(query: MeetingQuery, words: str) -> None:
    assert describe(query, ES) == words


@pytest.mark.parametrize(
    "when, words",
    [
        (When(), "en los próximos 7 días"),
        (When(now=True), "ahora o dentro de la próxima hora"),
        (When(relative_day=0), "hoy"),
        (When(relative_day=0, part="tonight"), "esta noche"),
        (When(relative_day=0, part="morning"), "esta mañana"),
        (When(relative_day=0, part="noon"), "hoy al mediodía"),
        (When(relative_day=1), "mañana"),
        (When(relative_day=1, part="morning"), "mañana en la mañana"),
        (When(relative_day=1, part="tonight"), "mañana en la noche"),
        (When(relative_day=1, clock=dt.time(19, 30)), "mañana alrededor de las 7:30 p. m."),
        (When(weekday=0), "el lunes"),
        (When(weekday=5, part="morning"), "el sábado en la mañana"),
        (When(weekday=0, clock=dt.time(13, 0)), "el lunes alrededor de la 1:00 p. m."),
        (When(weekday=0, clock=dt.time(7, 0), clock_ambiguous=True), "el lunes alrededor de las 7:00"),
        (When(weekend=True), "este fin de semana"),
        (When(weekend=True, part="morning"), "este fin de semana (en la mañana)"),
        (When(part="afternoon"), "en la tarde"),
        (When(part="night"), "tarde en la noche"),
    ],
)
def test_when_words_in_spanish(when: When, words: str) -> None:
    assert when_words(when, ES) == words


@pytest.mark.parametrize(
    "start, label",
    [
        (dt.datetime(2026, 11, 23, 19, 0, tzinfo=LA), "hoy"),
        (dt.datetime(2026, 11, 24, 7, 0, tzinfo=LA), "mañana"),
        (dt.datetime(2026, 11, 22, 23, 30, tzinfo=LA), "ayer"),
        (dt.datetime(2026, 11, 28, 10, 0, tzinfo=LA), "sábado 28 de nov."),
        (dt.datetime(2026, 12, 7, 10, 0, tzinfo=LA), "lunes 7 de dic."),
    ],
)
def test_day_label_in_spanish(start: dt.datetime, label: str) -> None:
    assert day_label(start, MONDAY, ES) == label


def test_a_meeting_worded_in_spanish() -> None:
    meeting = make_meeting(attendance=Attendance.hybrid, end=dt.time(20, 30), types=("open", "wheelchair", "spanish"))
    assert view(Hit(meeting, at(MONDAY, 19), 2.44), LA, MONDAY, ES) == MeetingView(
        name="Desert Serenity",
        fellowship="NA",
        when="hoy de 7:00 p. m. a 8:30 p. m.",
        attendance="en persona y en línea",
        distance="2.4 millas",
        place="St. Francis Hall · 1 Test Rd, Palm Springs",
        join_url="https://zoom.us/j/123456789",
        join_phone="+1 669 900 6833",
        types="abierta a todos, accesible en silla de ruedas, en español",
        notes=None,
    )


@pytest.mark.parametrize(
    "start, today, miles, when, distance",
    [
        (at(MONDAY, 19), MONDAY, 0.4, "hoy a las 7:00 p. m.", "menos de 1 milla"),
        (at(MONDAY, 13), MONDAY, 1.5, "hoy a la 1:00 p. m.", "1.5 millas"),
        (at(dt.date(2026, 12, 7), 10), MONDAY, None, "lunes 7 de dic. a las 10:00 a. m.", None),
    ],
)
def test_spanish_start_and_distance(
    start: dt.datetime, today: dt.date, miles: Optional[float], when: str, distance: Optional[str]
) -> None:
    shown = view(Hit(make_meeting(), start, miles), LA, today, ES)
    assert (shown.when, shown.distance) == (when, distance)


def test_an_online_meeting_in_another_timezone_in_spanish(new_york_online: Meeting) -> None:
    shown = view(Hit(new_york_online, at(MONDAY, 15, zone=NEW_YORK), None), LA, MONDAY, ES)
    assert shown.when == "hoy de 12:00 p. m. PST (3:00 p. m. EST, hora de donde se organiza) a 1:00 p. m."
    assert shown.attendance == "en línea"


def test_an_unknown_language_reads_as_english() -> None:
    assert describe(MeetingQuery(fellowships=frozenset({Fellowship.na})), "fr") == "NA meetings"
    assert when_words(When(weekday=0), "fr") == "on Monday"
