"""Schedule answers: weekdays, parts of the day, and relative days in the center's timezone."""

from __future__ import annotations

import datetime as dt
from typing import List

import pytest

from bot.program import schedule
from bot.program.answers import AnswerBook
from bot.program.models import Weekday

UTC = dt.timezone.utc
# Wednesday 25 Nov 2026, 15:30 in Palm Springs (23:30 UTC).
WEDNESDAY_AFTERNOON = dt.datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
# Thursday 26 Nov 2026 07:00 UTC is still Wednesday 23:00 in Palm Springs.
THURSDAY_UTC_WEDNESDAY_LOCAL = dt.datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
# Saturday 31 Oct 2026 23:30 local is Sunday 06:30 UTC; DST ends that Sunday at 02:00 local.
SATURDAY_NIGHT_BEFORE_DST_ENDS = dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def texts(book: AnswerBook, message: str, now: dt.datetime) -> List[str]:
    return [reply.text for reply in schedule.answer(book, message, now)]


@pytest.mark.parametrize(
    "message, days, part",
    [
        ("is there group on thursday?", ("thursday",), None),
        ("do u have thurs groups", ("thursday",), None),
        ("any groups on wensday", ("wednesday",), None),
        ("do you have evening groups?", (), "evening"),
        ("morning sessions?", (), "morning"),
        ("weekend groups", (), "weekend"),
        ("group on monday or friday evening", ("monday", "friday"), "evening"),
        ("what time does it start", (), None),
    ],
)
def test_reads_the_question(message: str, days: tuple, part: str) -> None:
    question = schedule.read_question(message, WEDNESDAY_AFTERNOON.astimezone(dt.timezone(dt.timedelta(hours=-8))))
    assert tuple(d.value for d in question.days) == days
    assert question.part == part


def test_evening_groups(book: AnswerBook) -> None:
    [reply] = texts(book, "do you have evening groups?", WEDNESDAY_AFTERNOON)
    assert "Adult Evening IOP" in reply and "6:00 pm–9:00 pm" in reply
    assert "Adult Day IOP" not in reply


def test_group_on_a_weekday_lists_every_session_in_time_order(book: AnswerBook) -> None:
    [reply] = texts(book, "is there group on thursday?", WEDNESDAY_AFTERNOON)
    assert reply.startswith("Yes, on Thursday")
    order = [reply.index(name) for name in ("Partial Hospitalization", "Young Adult IOP", "Adolescent IOP", "Adult Evening IOP")]
    assert order == sorted(order)


def test_day_without_groups_points_to_the_next(book: AnswerBook) -> None:
    [reply] = texts(book, "group on sunday?", WEDNESDAY_AFTERNOON)
    assert "don't have groups on Sunday" in reply and "next ones are on Monday" in reply


@pytest.mark.parametrize(
    "now, message, expected",
    [
        (WEDNESDAY_AFTERNOON, "is there group tomorrow", "tomorrow (Thursday)"),
        (THURSDAY_UTC_WEDNESDAY_LOCAL, "is there group tomorrow", "tomorrow (Thursday)"),
        (THURSDAY_UTC_WEDNESDAY_LOCAL, "any group today", "today (Wednesday)"),
        (SATURDAY_NIGHT_BEFORE_DST_ENDS, "group tomorrow?", "tomorrow (Sunday)"),
        (SATURDAY_NIGHT_BEFORE_DST_ENDS, "anything today", "today (Saturday)"),
    ],
)
def test_relative_days_use_the_center_timezone(book: AnswerBook, now: dt.datetime, message: str, expected: str) -> None:
    assert expected in " ".join(texts(book, message, now))


def test_tonight_means_this_evening(book: AnswerBook) -> None:
    [reply] = texts(book, "any group tonight", WEDNESDAY_AFTERNOON)
    assert "don't have evening groups today (Wednesday)" in reply
    assert "next ones are on Thursday" in reply


def test_overview_lists_every_track(book: AnswerBook) -> None:
    [reply] = texts(book, "what time does it start", WEDNESDAY_AFTERNOON)
    for track in book.program.tracks:
        assert track.name in reply
    assert "Pacific time" in reply


def test_sessions_on_filters_part_of_day(book: AnswerBook) -> None:
    evening = schedule.sessions_on(book.program, Weekday.monday, "evening")
    assert [track.key for track, _ in evening] == ["adult_evening"]


@pytest.mark.parametrize(
    "message, expected",
    [
        ("group on labor day?", "We're closed on Labor Day, so there are no groups that day."),
        ("is there group on thanksgiving", "We're closed on Thanksgiving Day"),
        ("do groups run on MLK day", "Martin Luther King Jr. Day is a normal working day here"),
        ("are groups open on holidays", "We close on New Year's Day, Memorial Day"),
    ],
)
def test_holidays_are_answered_before_the_weekly_timetable(book: AnswerBook, message: str, expected: str) -> None:
    [reply] = texts(book, message, WEDNESDAY_AFTERNOON)
    assert reply.startswith(expected) and "Adult Day IOP" not in reply


# -- Spanish (issue 19) ------------------------------------------------------------------------------

ENGLISH_WORDS = ("groups", "on Monday", "on Thursday", "today", "tomorrow", "evening", "morning", "weekend", "We ")


@pytest.fixture
def spanish(book: AnswerBook) -> AnswerBook:
    return book.in_language("es")


@pytest.mark.parametrize(
    "message, days, part, relative",
    [
        ("¿hay grupo el lunes?", ("monday",), None, None),
        ("¿hay grupos el miércoles?", ("wednesday",), None, None),
        ("grupo el miercoles", ("wednesday",), None, None),
        ("¿tienen grupo el sábado?", ("saturday",), None, None),
        ("¿a qué hora es el grupo de la noche?", (), "evening", None),
        ("¿hay grupos en la mañana?", (), "morning", None),
        ("¿hay grupos por la tarde?", (), "afternoon", None),
        ("¿tienen grupos el fin de semana?", (), "weekend", None),
        ("y mañana?", ("thursday",), None, "tomorrow"),
        ("¿hay grupo mañana en la mañana?", ("thursday",), "morning", "tomorrow"),
        ("¿hay grupo hoy?", ("wednesday",), None, "today"),
        ("¿hay grupo esta noche?", ("wednesday",), "evening", "today"),
        ("buenas noches, ¿a qué hora empiezan?", (), None, None),
    ],
)
def test_reads_a_spanish_question(message: str, days: tuple, part: str, relative: str) -> None:
    question = schedule.read_question(message, WEDNESDAY_AFTERNOON.astimezone(dt.timezone(dt.timedelta(hours=-8))))
    assert tuple(d.value for d in question.days) == days
    assert (question.part, question.relative) == (part, relative)


def test_a_spanish_question_about_a_day(spanish: AnswerBook) -> None:
    [reply] = texts(spanish, "¿hay grupo el jueves?", WEDNESDAY_AFTERNOON)
    assert reply.startswith("Sí, el jueves tenemos:")
    assert "• IOP de noche para adultos, 6:00 p. m.–9:00 p. m." in reply
    [none] = texts(spanish, "¿hay grupo el domingo?", WEDNESDAY_AFTERNOON)
    assert none == "No tenemos grupos el domingo. Los próximos son el lunes."


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            "¿a qué hora es el grupo de la noche?",
            "Nuestros grupos de la noche:\n• IOP de noche para adultos: lun, mar y jue 6:00 p. m.–9:00 p. m.",
        ),
        ("¿hay grupo mañana?", "Sí, mañana (jueves) tenemos:"),
        ("¿hay grupo hoy en la noche?", "No tenemos grupos de la noche hoy (miércoles). Los próximos son el jueves."),
        ("¿tienen grupos el fin de semana?", "Nuestros grupos de fin de semana:"),
    ],
)
def test_spanish_schedule_answers_are_worded_in_spanish(spanish: AnswerBook, message: str, expected: str) -> None:
    said = " ".join(texts(spanish, message, WEDNESDAY_AFTERNOON))
    assert said.startswith(expected)
    assert not [word for word in ENGLISH_WORDS if word in said]


def test_an_english_book_still_answers_in_english_whatever_the_words(book: AnswerBook) -> None:
    [reply] = texts(book, "is there group on thursday?", WEDNESDAY_AFTERNOON)
    assert reply.startswith("Yes, on Thursday")
    [none] = texts(book, "any group tonight", WEDNESDAY_AFTERNOON)
    assert none.startswith("We don't have evening groups today (Wednesday).")
