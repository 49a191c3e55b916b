"""The dashboard's numbers, worked out by hand from the world in conftest.py."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.records.dashboard import dashboard
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.bot.records.conftest import NOW, ZONE, Chat, World, local, set_aside_and_answered, tracker_store


def test_conversations_per_day_zero_filled_in_the_center_s_zone(shared_world: World) -> None:
    board = dashboard(shared_world.engine, ZONE, days=30, now=NOW)
    assert (board.first_day, board.last_day) == (dt.date(2026, 2, 19), dt.date(2026, 3, 20))
    days = [entry.day for entry in board.conversations_per_day]
    assert days == [dt.date(2026, 2, 19) + dt.timedelta(days=n) for n in range(30)]
    counts = {entry.day: entry.conversations for entry in board.conversations_per_day if entry.conversations}
    # c-crisis started at 22:30 on the 19th in Los Angeles (the 20th in UTC); c-client counts on
    # its first day only, c-feb and older ones are outside the 30 days, c-widget has no message.
    assert counts == {
        dt.date(2026, 3, 5): 2,
        dt.date(2026, 3, 10): 1,
        dt.date(2026, 3, 18): 1,
        dt.date(2026, 3, 19): 1,
        dt.date(2026, 3, 20): 1,
    }
    assert board.conversations == 6


def test_fallback_rate(shared_world: World) -> None:
    board = dashboard(shared_world.engine, ZONE, days=30, now=NOW)
    # 11 user messages in the period; in c-fallback, "asdf qwerty" (nlu_fallback, then
    # utter_fallback) and the ask_cost message answered by action_default_fallback.
    assert (board.user_messages, board.fallback_messages) == (11, 2)
    assert board.fallback_rate == pytest.approx(2 / 11)


def test_top_intents(shared_world: World) -> None:
    board = dashboard(shared_world.engine, ZONE, days=30, now=NOW)
    assert [(i.name, i.count) for i in board.top_intents] == [
        ("greet", 2),
        ("inform", 2),
        ("ask_cost", 1),
        ("ask_insurance", 1),
        ("craving_help", 1),
        ("crisis", 1),
        ("inform_rating", 1),
        ("nlu_fallback", 1),
        ("thank", 1),
    ]


async def test_a_replayed_question_counts_once(world: World) -> None:
    await set_aside_and_answered("c-replay", local(2026, 3, 20, 11, 0)).save(tracker_store(world.database))
    board = dashboard(world.engine, ZONE, days=30, now=NOW)
    assert (board.user_messages, board.fallback_messages) == (11 + 2, 2)
    counts = {i.name: i.count for i in board.top_intents}
    assert (counts["ask_cost"], counts["deny"]) == (1 + 1, 1)


def test_escalation_and_lead_counts(shared_world: World) -> None:
    board = dashboard(shared_world.engine, ZONE, days=30, now=NOW)
    assert (board.open_escalations, board.unresolved_escalations) == (1, 2)  # c-crisis open, c-old-open acknowledged
    assert (board.new_leads, board.leads_in_period) == (1, 1)  # c-prospect's; c-old's is contacted and old


def test_a_shorter_period(shared_world: World) -> None:
    board = dashboard(shared_world.engine, ZONE, days=1, now=NOW)
    assert [(e.day, e.conversations) for e in board.conversations_per_day] == [(dt.date(2026, 3, 20), 1)]
    # c-fallback's three messages and c-client's "hello again" (c-crisis is the 19th there).
    assert (board.user_messages, board.fallback_messages, board.leads_in_period) == (4, 2, 0)
    assert [(i.name, i.count) for i in board.top_intents] == [("ask_cost", 1), ("greet", 1), ("nlu_fallback", 1), ("thank", 1)]


def test_the_day_follows_the_zone(shared_world: World) -> None:
    board = dashboard(shared_world.engine, dt.timezone.utc, days=2, now=NOW)
    # In UTC c-crisis (05:30 on the 20th) and c-fallback start on the same day.
    assert [(e.day, e.conversations) for e in board.conversations_per_day] == [
        (dt.date(2026, 3, 19), 0),
        (dt.date(2026, 3, 20), 2),
    ]


def test_only_ten_intents_most_frequent_first(tmp_path: Path) -> None:
    chat = Chat("many", local(2026, 3, 20, 9, 0))
    for n in range(12):
        for _ in range(n + 1):
            chat.user(f"message {n}", f"intent_{n:02d}").action("utter_ok").bot("ok")
    asyncio.run(chat.save(tracker_store(tmp_path / "many.db")))
    board = dashboard(make_engine(tmp_path / "many.db"), ZONE, days=7, now=NOW)
    assert [(i.name, i.count) for i in board.top_intents] == [(f"intent_{n:02d}", n + 1) for n in range(11, 1, -1)]
    assert (board.user_messages, board.fallback_messages, board.fallback_rate) == (78, 0, 0.0)


def test_the_crisis_net_s_intents_can_be_left_out(tmp_path: Path) -> None:
    chat = Chat("crises", local(2026, 3, 20, 9, 0))
    for intent in ("crisis", "risk_possible", "crisis_safe", "crisis_false_alarm", "greet", "greet", "ask_crisis_line"):
        chat.user("a message", intent).action("utter_ok").bot("ok")
    asyncio.run(chat.save(tracker_store(tmp_path / "crises.db")))
    engine = make_engine(tmp_path / "crises.db")
    everything = dashboard(engine, ZONE, days=7, now=NOW)
    assert {i.name for i in everything.top_intents} == {
        "crisis",
        "risk_possible",
        "crisis_safe",
        "crisis_false_alarm",
        "greet",
        "ask_crisis_line",
    }
    hidden = dashboard(engine, ZONE, days=7, now=NOW, crisis_intents=False)
    assert [(i.name, i.count) for i in hidden.top_intents] == [("greet", 2), ("ask_crisis_line", 1)]
    assert (hidden.user_messages, hidden.conversations) == (7, 1)  # only the intents are left out


def test_an_empty_database(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "empty.db")
    migrate(engine)
    board = dashboard(engine, ZONE, days=7, now=NOW)
    assert [e.conversations for e in board.conversations_per_day] == [0] * 7
    assert (board.user_messages, board.fallback_rate, board.top_intents) == (0, None, [])
    assert (board.open_escalations, board.unresolved_escalations, board.new_leads, board.leads_in_period) == (0, 0, 0, 0)


@pytest.mark.parametrize("days", [0, -1, 367, True])
def test_bad_periods_are_refused(shared_world: World, days: int) -> None:
    with pytest.raises(ValueError):
        dashboard(shared_world.engine, ZONE, days=days, now=NOW)


def test_now_must_be_aware(shared_world: World) -> None:
    with pytest.raises(ValueError):
        dashboard(shared_world.engine, ZONE, now=dt.datetime(2026, 3, 20, 12, 0))
