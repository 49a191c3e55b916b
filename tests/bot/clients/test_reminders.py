"""Group reminders: how long before, and when each is due (in absolute time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.clients import reminders
from bot.program.answers import AnswerBook
from bot.program.models import Track

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def evening(book: AnswerBook) -> Track:
    return next(track for track in book.program.tracks if track.key == "adult_evening")


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("remind me an hour before group", 60),
        ("remind me before group", 60),
        ("30 minutes before my session", 30),
        ("remind me half an hour before", 30),
        ("2 hours before please", 120),
        ("an hour and a half before", 90),
        ("remind me 15 mins before", 15),
        ("ninety minutes ahead", 90),
        ("1.5 hours before", 90),
    ],
)
def test_lead_times(text: str, minutes: int) -> None:
    assert reminders.parse_lead(text) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["remind me 2 minutes before", "remind me 30 hours before"])
def test_lead_times_out_of_bounds_say_the_bounds(text: str) -> None:
    with pytest.raises(reminders.LeadError, match="between 5 minutes and 24 hours"):
        reminders.parse_lead(text)


@pytest.mark.parametrize(
    "minutes, words", [(60, "1 hour"), (30, "30 minutes"), (90, "1 hour 30 minutes"), (120, "2 hours"), (1, "1 minute")]
)
def test_lead_words(minutes: int, words: str) -> None:
    assert reminders.words(dt.timedelta(minutes=minutes)) == words


def test_the_reminder_is_an_hour_before_the_next_group(evening: Track) -> None:
    plan = reminders.next_reminder(evening, dt.datetime(2026, 12, 5, 20, 0, tzinfo=LA), LA, dt.timedelta(hours=1))
    assert plan.occurrence.start == dt.datetime(2026, 12, 7, 18, 0, tzinfo=LA)
    assert plan.at == dt.datetime(2026, 12, 7, 17, 0, tzinfo=LA)


def test_a_group_too_soon_for_the_lead_is_skipped(evening: Track) -> None:
    # Monday 5:30 pm: the 6 pm group is 30 minutes away, so an hour's notice is for Tuesday's.
    plan = reminders.next_reminder(evening, dt.datetime(2026, 12, 7, 17, 30, tzinfo=LA), LA, dt.timedelta(hours=1))
    assert plan.occurrence.start == dt.datetime(2026, 12, 8, 18, 0, tzinfo=LA)


def test_a_lead_over_a_clock_change_is_absolute_time(evening: Track) -> None:
    # 24 hours before Monday 2027-03-15 6 pm PDT is Sunday 6 pm PDT (the clocks changed that morning).
    plan = reminders.next_reminder(evening, dt.datetime(2027, 3, 13, 12, 0, tzinfo=LA), LA, dt.timedelta(hours=24))
    assert plan.occurrence.start == dt.datetime(2027, 3, 15, 18, 0, tzinfo=LA)
    assert plan.occurrence.start - plan.at == dt.timedelta(hours=24)
    assert plan.at.astimezone(dt.timezone.utc) == dt.datetime(2027, 3, 15, 1, 0, tzinfo=dt.timezone.utc)


def test_reminder_names_are_per_conversation() -> None:
    assert reminders.reminder_name("a") != reminders.reminder_name("b")


@pytest.mark.parametrize(
    "now, found",
    [
        (dt.datetime(2026, 12, 7, 17, 0, tzinfo=LA), True),  # on time, an hour before
        (dt.datetime(2026, 12, 7, 17, 50, tzinfo=LA), True),  # late, but the group has not begun
        (dt.datetime(2026, 12, 7, 18, 0, tzinfo=LA), False),  # it has begun: nothing to remind of
        (dt.datetime(2026, 12, 7, 19, 0, tzinfo=LA), False),
    ],
)
def test_the_group_a_reminder_was_for(evening: Track, now: dt.datetime, found: bool) -> None:
    group_at = dt.datetime(2026, 12, 8, 2, 0, tzinfo=dt.timezone.utc)  # Monday 6 pm in LA
    group = reminders.group_reminded(evening, LA, group_at, now)
    assert (group is not None) is found
    if group is not None:
        assert group.start == group_at


def test_a_group_no_longer_on_the_schedule_is_not_reminded_of(evening: Track) -> None:
    group_at = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.timezone.utc)  # Monday 5 pm: no such group
    assert reminders.group_reminded(evening, LA, group_at, dt.datetime(2026, 12, 7, 16, 0, tzinfo=LA)) is None
