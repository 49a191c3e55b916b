"""Enrolled clients for staff: check-ins as before/after pairs, skills, last contact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.clients.store import ClientStore
from bot.coping.checkins import Checkin, CheckinStore
from bot.records.clients import client_list, client_overview
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.bot.records.conftest import World, local


def test_overview_pairs_the_ratings_of_each_exercise(shared_world: World) -> None:
    overview = client_overview(shared_world.engine, "C-1")
    assert overview is not None
    assert (overview.client.id, overview.client.first_name, overview.client.track) == ("C-1", "Sam", "adult_evening")
    assert [(e.exercise_id, e.need, e.skill, e.before, e.after, e.change) for e in overview.exercises] == [
        ("ex1", "craving", "urge_surfing", 8, 4, -4),  # the skill was chosen after the first rating
        ("ex2", "stress", "box_breathing", 6, None, None),  # not rated after (yet)
        ("ex3", "craving", "urge_surfing", 7, 5, -2),
    ]
    first = overview.exercises[0]
    assert (first.conversation_id, first.started_at, first.finished_at) == (
        "c-client",
        local(2026, 3, 10, 18, 1),
        local(2026, 3, 10, 18, 10),
    )
    assert overview.exercises[1].finished_at is None


def test_overview_skills_contact_and_conversations(shared_world: World) -> None:
    overview = client_overview(shared_world.engine, "C-1")
    assert overview is not None
    assert [(s.skill, s.count, s.average_change) for s in overview.skills] == [
        ("urge_surfing", 2, -3.0),
        ("box_breathing", 1, None),
    ]
    assert overview.last_contact == local(2026, 3, 20, 8, 0, 5)  # "hello again"; the bot's reply after it does not count
    assert overview.conversation_ids == ["c-client"]


def test_a_client_who_never_wrote(shared_world: World) -> None:
    overview = client_overview(shared_world.engine, "C-3")
    assert overview is not None
    assert (overview.exercises, overview.skills, overview.last_contact, overview.conversation_ids) == ([], [], None, [])


def test_unknown_client(shared_world: World) -> None:
    assert client_overview(shared_world.engine, "C-404") is None
    assert client_overview(shared_world.engine, "not a valid id!") is None


def test_client_list(shared_world: World) -> None:
    rows = {row.id: row for row in client_list(shared_world.engine)}
    assert list(rows) == ["C-1", "C-2", "C-3"]
    sam, lee, kim = rows["C-1"], rows["C-2"], rows["C-3"]
    assert (sam.first_name, sam.counselor, sam.conversations) == ("Sam", "Dana", 1)
    assert sam.last_contact == local(2026, 3, 20, 8, 0, 5)
    assert (sam.latest_rating, sam.latest_rating_phase, sam.latest_rating_at) == (5, "after", local(2026, 3, 20, 8, 30))
    assert (lee.last_contact, lee.latest_rating, lee.latest_rating_phase) == (local(2025, 10, 1, 10, 0), 9, "before")
    assert (kim.conversations, kim.last_contact, kim.latest_rating, kim.latest_rating_at) == (0, None, None, None)


def test_client_list_before_rasa_ever_ran(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "clients.db")
    migrate(engine)
    ClientStore(engine).add("C-9", "Ash", "adult_day", "Ravi")
    [row] = client_list(engine)
    assert (row.id, row.last_contact, row.latest_rating, row.conversations) == ("C-9", None, None, 0)


def test_the_after_rating_names_the_skill_used(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "clients.db")
    migrate(engine)
    ClientStore(engine).add("C-5", "Jo", "adult_day", "Ravi")
    store = CheckinStore(engine)
    at = local(2026, 3, 1, 9, 0).astimezone(dt.timezone.utc)
    store.add(Checkin("conv", "ex", "before", 9, "craving", "box_breathing", at, "C-5"))
    store.add(Checkin("conv", "ex", "after", 6, "stress", "urge_surfing", at + dt.timedelta(minutes=5), "C-5"))
    store.add(Checkin("conv", "other", "before", 3, "stress", None, at + dt.timedelta(minutes=9), "C-5"))
    store.add(Checkin("elsewhere", "anon", "before", 5, "stress", "walk", at, None))  # not the client's
    overview = client_overview(engine, "C-5")
    assert overview is not None
    assert [(e.exercise_id, e.need, e.skill, e.change) for e in overview.exercises] == [
        ("ex", "stress", "urge_surfing", -3),
        ("other", "stress", None, None),
    ]
    assert [(s.skill, s.count, s.average_change) for s in overview.skills] == [("urge_surfing", 1, -3.0)]
