"""When the center staffs live chat: the demo's staffed_hours (Mon–Thu 08:00–19:00, Fri
08:00–17:00, no weekend), always in the center's zone (America/Los_Angeles), whatever zone the
instant comes in; and ``staffed_hours: always`` in center.yml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.answer_book import load_answer_book
from bot.handoff.hours import is_staffed, staffed_hours_text
from bot.program.answers import AnswerBook
from bot.program.errors import ProgramDataError
from bot.program.loader import load_program
from bot.program.models import Center, OpeningHours

LA = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.timezone.utc


def la(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 1) -> dt.datetime:
    """2026 in Palm Springs; 5 January 2026 is a Monday (PST, UTC-8)."""
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=LA)


def utc(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture(scope="module")
def center(book: AnswerBook) -> Center:
    return book.program.center


def with_staffed_hours(center: Center, value: object) -> Center:
    return center.copy(update={"staffed_hours": value})


@pytest.mark.parametrize(
    "at, staffed",
    [
        pytest.param(la(5, 12), True, id="monday-noon"),
        pytest.param(la(5, 8), True, id="start-is-inclusive"),
        pytest.param(la(5, 7, 59, 59), False, id="a-second-before-start"),
        pytest.param(la(5, 18, 59, 59), True, id="a-second-before-end"),
        pytest.param(la(5, 19), False, id="end-is-exclusive"),
        pytest.param(la(7, 3), False, id="wednesday-night"),
        pytest.param(la(8, 18, 30), True, id="thursday-evening"),
        pytest.param(la(9, 16, 59), True, id="friday-before-its-earlier-close"),
        pytest.param(la(9, 17), False, id="friday-closes-at-17"),
        pytest.param(la(9, 18), False, id="friday-18-open-on-other-days"),
        pytest.param(la(10, 10), False, id="saturday-left-out"),
        pytest.param(la(11, 12), False, id="sunday-left-out"),
    ],
)
def test_staffed_by_weekday_and_clock_in_the_center_s_zone(center: Center, at: dt.datetime, staffed: bool) -> None:
    assert is_staffed(center, at) is staffed


@pytest.mark.parametrize(
    "at, staffed",
    [
        # 02:00 UTC on Tuesday is 18:00 on Monday in Palm Springs: staffed.
        pytest.param(utc(1, 6, 2), True, id="utc-tuesday-0200-is-monday-evening"),
        pytest.param(utc(1, 6, 3), False, id="utc-tuesday-0300-is-monday-1900"),
        # 15:30 UTC on Monday is 07:30 there: not yet.
        pytest.param(utc(1, 5, 15, 30), False, id="utc-monday-morning-is-before-opening"),
        pytest.param(utc(1, 5, 16), True, id="utc-1600-is-0800"),
        # Saturday 00:30 UTC is still Friday 16:30 there; Friday 20:00 UTC is Friday noon.
        pytest.param(utc(1, 10, 0, 30), True, id="utc-saturday-is-friday-afternoon"),
        pytest.param(utc(1, 10, 1), False, id="utc-saturday-0100-is-friday-1700"),
        pytest.param(utc(1, 12, 6), False, id="utc-monday-0600-is-sunday-night"),
        # Another zone: 11:00 in New York is 08:00 in Palm Springs.
        pytest.param(dt.datetime(2026, 1, 5, 11, 0, tzinfo=NEW_YORK), True, id="new-york-1100"),
        pytest.param(dt.datetime(2026, 1, 5, 10, 59, tzinfo=NEW_YORK), False, id="new-york-1059"),
    ],
)
def test_an_instant_in_any_zone_is_read_on_the_center_s_clock(center: Center, at: dt.datetime, staffed: bool) -> None:
    assert is_staffed(center, at) is staffed


@pytest.mark.parametrize(
    "at, staffed",
    [
        # Clocks spring forward on Sunday 8 March 2026: 08:00 is 16:00 UTC before, 15:00 UTC after.
        pytest.param(utc(3, 6, 15, 30), False, id="friday-before-dst-1530utc-is-0730-pst"),
        pytest.param(utc(3, 6, 16), True, id="friday-before-dst-1600utc-is-0800-pst"),
        pytest.param(utc(3, 9, 15, 30), True, id="monday-after-dst-1530utc-is-0830-pdt"),
        pytest.param(utc(3, 9, 15), True, id="monday-after-dst-1500utc-is-0800-pdt"),
        pytest.param(utc(3, 9, 14, 59, 59), False, id="monday-after-dst-a-second-before"),
        pytest.param(utc(3, 10, 2), False, id="tuesday-after-dst-0200utc-is-monday-1900-pdt"),
        pytest.param(utc(3, 10, 1, 59), True, id="tuesday-after-dst-0159utc-is-monday-1859-pdt"),
        # They fall back on Sunday 1 November 2026.
        pytest.param(utc(10, 30, 15), True, id="friday-before-fall-back-1500utc-is-0800-pdt"),
        pytest.param(utc(11, 2, 15), False, id="monday-after-fall-back-1500utc-is-0700-pst"),
        pytest.param(utc(11, 2, 16), True, id="monday-after-fall-back-1600utc-is-0800-pst"),
    ],
)
def test_daylight_saving_time_moves_the_hours_in_utc(center: Center, at: dt.datetime, staffed: bool) -> None:
    assert is_staffed(center, at) is staffed


@pytest.mark.parametrize("at", [la(10, 3), la(11, 23, 59, 59), la(5, 19), utc(3, 8, 10), utc(11, 1, 9, 30)])
def test_always_is_staffed_at_every_instant(center: Center, at: dt.datetime) -> None:
    assert not is_staffed(center, at)  # the demo's hours, for contrast
    assert is_staffed(with_staffed_hours(center, "always"), at) is True


def test_no_staffed_day_at_all_is_never_staffed(center: Center) -> None:
    closed = with_staffed_hours(center, OpeningHours.parse_obj({}))
    assert [is_staffed(closed, la(5 + day, 12)) for day in range(7)] == [False] * 7


def test_staffed_hours_text(center: Center) -> None:
    assert staffed_hours_text(center) == "Mon–Thu 8:00 am–7:00 pm; Fri 8:00 am–5:00 pm"
    assert staffed_hours_text(with_staffed_hours(center, "always")) == "around the clock"
    weekend = OpeningHours.parse_obj(
        {"saturday": {"start": "09:30", "end": "12:00"}, "sunday": {"start": "09:30", "end": "12:00"}}
    )
    assert staffed_hours_text(with_staffed_hours(center, weekend)) == "Sat–Sun 9:30 am–12:00 pm"


def _set_staffed_hours(program: Path, value: object) -> None:
    path = program / "center.yml"
    document = yaml.safe_load(path.read_text())
    document["center"]["staffed_hours"] = value
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def test_center_yml_accepts_always(program_copy: Path) -> None:
    _set_staffed_hours(program_copy, "always")
    book = load_answer_book(program_copy)
    assert book.program.center.staffed_hours == "always"
    assert is_staffed(book.program.center, la(11, 3))  # Sunday, 3 in the morning
    text = book.render("handoff_unstaffed", staffed=staffed_hours_text(book.program.center), crisis=False, wait_minutes=3).text
    assert "they answer chats around the clock (Pacific time)" in text


def test_center_yml_hours_per_weekday_still_load(program_copy: Path) -> None:
    _set_staffed_hours(program_copy, {"saturday": {"start": "10:00", "end": "14:00"}})
    center = load_program(program_copy).center
    assert is_staffed(center, la(10, 10)) and not is_staffed(center, la(10, 14)) and not is_staffed(center, la(5, 12))


@pytest.mark.parametrize("value", ["Always", "24/7", "never", "weekdays", "", [], {}])
def test_center_yml_rejects_any_other_word(program_copy: Path, value: object) -> None:
    _set_staffed_hours(program_copy, value)
    with pytest.raises(ProgramDataError) as caught:
        load_program(program_copy)
    problems = [p for p in caught.value.problems if "center.staffed_hours" in p]
    assert problems and all(p.startswith(f"{program_copy / 'center.yml'}: ") for p in problems)
    assert problems == [
        f'{program_copy / "center.yml"}: center.staffed_hours: must be "always" or hours for at least one weekday, '
        'like monday: {start: "08:00", end: "19:00"}'
    ]


def test_center_yml_reports_a_bad_day_precisely(program_copy: Path) -> None:
    _set_staffed_hours(program_copy, {"monday": {"start": "19:00", "end": "08:00"}})
    with pytest.raises(ProgramDataError) as caught:
        load_program(program_copy)
    assert f"{program_copy / 'center.yml'}: center.staffed_hours.monday: end must be later than start" in caught.value.problems
