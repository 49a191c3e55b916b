"""A client's own groups, answered in the center's timezone (Adult Evening IOP: Mon, Tue, Thu 6-9 pm)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clients import schedule
from bot.program.answers import AnswerBook
from bot.program.models import Track


@pytest.fixture
def evening(book: AnswerBook) -> Track:
    return next(track for track in book.program.tracks if track.key == "adult_evening")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    "now, expected",
    [
        ("2026-12-05T20:00-08:00", "Your next Adult Evening IOP group is on Monday, 6:00 pm–9:00 pm"),  # Saturday night
        ("2026-12-06T23:59-08:00", "is tomorrow (Monday), 6:00 pm"),  # Sunday, a minute to midnight
        ("2026-12-07T07:59Z", "is tomorrow (Monday), 6:00 pm"),  # 07:59 UTC is still Sunday 23:59 in LA
        ("2026-12-07T08:00Z", "is today, 6:00 pm"),  # and a minute later it is Monday there
        ("2026-12-07T10:00-08:00", "is today, 6:00 pm"),
        ("2026-12-10T21:00-08:00", "is on Monday, 6:00 pm"),  # Thursday, right as the last group of the week ends
        ("2026-12-31T22:00-08:00", "is on Monday, 6:00 pm"),  # across the year end
    ],
)
def test_the_next_group(book: AnswerBook, evening: Track, now: str, expected: str) -> None:
    assert expected in schedule.answer(book, evening, "when is my next group?", at(now)).text


def test_a_group_on_now_says_so_and_gives_the_next(book: AnswerBook, evening: Track) -> None:
    text = schedule.answer(book, evening, "when is my next group", at("2026-12-08T19:00-08:00")).text  # Tuesday 7 pm
    assert "on right now: it started at 6:00 pm and ends at 9:00 pm" in text
    assert "next one is on Thursday at 6:00 pm" in text


@pytest.mark.parametrize(
    "question, now, expected",
    [
        (
            "what time is group tomorrow?",
            "2026-12-07T12:00-08:00",
            "Tomorrow (tuesday) your adult evening iop group meets 6:00 pm–9:00 pm",
        ),
        ("do i have group today", "2026-12-07T12:00-08:00", "Today your adult evening iop group meets 6:00 pm–9:00 pm"),
        (
            "do i have group tomorrow",
            "2026-12-08T12:00-08:00",
            "You don't have group tomorrow (Wednesday). Your next one is on Thursday at 6:00 pm",
        ),
        ("is there group on saturday", "2026-12-07T12:00-08:00", "You don't have group on Saturday. Your next one is"),
        ("what time is my group on thursday", "2026-12-07T12:00-08:00", "On thursday your adult evening iop group meets 6:00 pm"),
        # Saturday 11 pm: "tomorrow" is Sunday in the center, whatever the server's zone says.
        ("group tomorrow?", "2026-12-06T07:00Z", "You don't have group tomorrow (Sunday)"),
    ],
)
def test_a_named_day(book: AnswerBook, evening: Track, question: str, now: str, expected: str) -> None:
    text = schedule.answer(book, evening, question, at(now)).text
    assert expected.casefold() in text.casefold()


def test_today_after_the_group_ended_has_none_left(book: AnswerBook, evening: Track) -> None:
    text = schedule.answer(book, evening, "do i have group today", at("2026-12-07T21:30-08:00")).text
    assert "You don't have group today" in text and "next one is tomorrow (Tuesday) at 6:00 pm" in text


def test_a_clock_change_week_keeps_local_times(book: AnswerBook, evening: Track) -> None:
    # Sunday 2027-03-14 is the spring-forward day in Los Angeles: Monday's group is still 6 pm local.
    text = schedule.answer(book, evening, "when's my next group", at("2027-03-14T12:00-07:00")).text
    assert "tomorrow (Monday), 6:00 pm–9:00 pm" in text


@pytest.mark.parametrize(
    "identity, words",
    [
        ("none", "can't tell who you are"),
        ("expired", "has expired"),
        ("invalid", "couldn't confirm your sign-in"),
        ("unknown_client", "couldn't find your client record"),
    ],
)
def test_a_visitor_gets_the_reason_and_the_general_schedule(book: AnswerBook, identity: str, words: str) -> None:
    text = schedule.visitor_answer(book, identity).text
    assert words in text
    for track in book.program.tracks:
        assert track.name in text


def test_the_general_schedule_can_be_left_out(book: AnswerBook) -> None:
    assert "Adult Evening IOP" not in schedule.visitor_answer(book, "none", general=False).text


@pytest.mark.parametrize(
    "day, today, words",
    [
        (dt.date(2026, 12, 7), dt.date(2026, 12, 7), "today"),
        (dt.date(2026, 12, 8), dt.date(2026, 12, 7), "tomorrow (Tuesday)"),
        (dt.date(2026, 12, 10), dt.date(2026, 12, 7), "on Thursday"),
        (dt.date(2026, 12, 14), dt.date(2026, 12, 7), "on Monday, December 14"),
    ],
)
def test_day_words(day: dt.date, today: dt.date, words: str) -> None:
    assert schedule.day_words(day, today) == words


def test_a_weekday_asked_after_today_s_group_ended_means_next_week(book: AnswerBook, evening: Track) -> None:
    text = schedule.answer(book, evening, "group on thursday?", at("2026-12-10T21:30-08:00")).text  # Thursday night
    assert text.startswith("On Thursday, December 17 your Adult Evening IOP group meets 6:00 pm–9:00 pm")


# -- Spanish (issue 19) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, today, words",
    [
        (dt.date(2026, 12, 7), dt.date(2026, 12, 7), "hoy"),
        (dt.date(2026, 12, 8), dt.date(2026, 12, 7), "mañana (martes)"),
        (dt.date(2026, 12, 10), dt.date(2026, 12, 7), "el jueves"),
        (dt.date(2026, 12, 14), dt.date(2026, 12, 7), "el lunes 14 de diciembre"),
    ],
)
def test_day_words_in_spanish(day: dt.date, today: dt.date, words: str) -> None:
    assert schedule.day_words(day, today, "es") == words


@pytest.mark.parametrize(
    "question, now, expected",
    [
        (
            "¿cuándo es mi próximo grupo?",
            "2026-12-05T20:00-08:00",
            "Su próximo grupo del IOP de noche para adultos es el lunes, 6:00 p. m.–9:00 p. m.",
        ),
        (
            "¿a qué hora es el grupo mañana?",
            "2026-12-07T12:00-08:00",
            "Mañana (martes) su grupo del IOP de noche para adultos se reúne 6:00 p. m.",
        ),
        (
            "¿tengo grupo mañana?",
            "2026-12-08T12:00-08:00",
            "No tiene grupo mañana (miércoles). El próximo es el jueves a las 6:00 p. m.",
        ),
        (
            "¿tengo grupo el jueves?",
            "2026-12-10T21:30-08:00",
            "El jueves 17 de diciembre su grupo del IOP de noche para adultos se reúne",
        ),
    ],
)
def test_a_client_asking_in_spanish(book: AnswerBook, evening: Track, question: str, now: str, expected: str) -> None:
    text = schedule.answer(book.in_language("es"), evening, question, at(now)).text
    assert text.startswith(expected)
    assert "tomorrow" not in text and " on " not in text
