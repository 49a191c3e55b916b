"""MeetingStore and IndexCache against a real SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator, List
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.sources import FeedFormat, Source
from bot.meetings.store import IndexCache, MeetingStore
from bot.storage.db import make_engine, meetings
from bot.storage.schema import migrate

UTC = dt.timezone.utc
AA = Source(name="desert-aa", format=FeedFormat.meeting_guide, path=Path("aa.json"), timezone="America/Los_Angeles")
NA = Source(name="desert-na", format=FeedFormat.bmlt, url="https://bmlt.example/main_server/json", timezone="America/Los_Angeles")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(tmp_path / "var" / "meetings.db")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> MeetingStore:
    return MeetingStore(engine)


def meeting(source: Source, key: str, **more) -> Meeting:  # type: ignore[no-untyped-def]
    fields = dict(
        source=source.name,
        key=key,
        name=f"Meeting {key}",
        fellowship=source.default_fellowship,
        day=2,
        start=dt.time(19, 0),
        timezone="America/Los_Angeles",
        attendance=Attendance.in_person,
        address="450 Palm Canyon Drive",
        city="Palm Springs",
    )
    fields.update(more)
    return Meeting(**fields)


def full_meeting() -> Meeting:
    """Every field set, with values that a careless encoding would change."""
    return Meeting(
        source=AA.name,
        key="sunrise-serenity-7@0",
        name="Sunrise Serenity ☀ (Español)",
        fellowship=Fellowship.al_anon,
        day=6,
        start=dt.time(23, 30, 15),
        end=dt.time(0, 45),
        timezone="America/Phoenix",
        attendance=Attendance.hybrid,
        types=("women", "lgbtq", "closed"),
        location="Valley Alano Club",
        address="450 Palm Canyon Drive",
        city="Palm Springs",
        state="CA",
        postal_code="02262",
        latitude=33.830312345678,
        longitude=-116.5453,
        conference_url="https://zoom.us/j/5550001234?pwd=a&b=c",
        conference_phone="+1 669 555 0100,,5550001234#",
        notes="Use the side door.\n\nWe meet upstairs.",
        updated=dt.datetime(2021, 3, 14, 9, 26, 53, tzinfo=UTC),
    )


def by_id(found: List[Meeting]) -> List[Meeting]:
    return sorted(found, key=lambda m: m.id)


def test_replace_then_load_round_trips_meetings_exactly(store: MeetingStore) -> None:
    stored = [full_meeting(), meeting(AA, "b", end=None, types=()), meeting(NA, "1187", fellowship=Fellowship.na)]
    store.replace(AA, stored[:2], rows_skipped=0)
    store.replace(NA, stored[2:], rows_skipped=0)
    loaded = store.load()
    assert loaded == by_id(stored)
    # Exactly: same types too (a tuple, an aware datetime, times with seconds), not just equal values.
    first = next(m for m in loaded if m.key == "sunrise-serenity-7@0")
    assert first.dict() == full_meeting().dict()
    assert isinstance(first.types, tuple) and first.updated is not None and first.updated.utcoffset() == dt.timedelta(0)


def test_replace_again_leaves_no_leftovers(store: MeetingStore, engine: Engine) -> None:
    store.replace(AA, [meeting(AA, "a"), meeting(AA, "b"), meeting(AA, "c")], rows_skipped=2)
    store.replace(NA, [meeting(NA, "1")], rows_skipped=0)
    store.replace(AA, [meeting(AA, "b", name="Renamed"), meeting(AA, "d")], rows_skipped=0)
    assert [(m.id, m.name) for m in store.load()] == [
        ("desert-aa:b", "Renamed"),
        ("desert-aa:d", "Meeting d"),
        ("desert-na:1", "Meeting 1"),
    ]
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(meetings)).scalar() == 3
    status = {s.name: s for s in store.statuses()}["desert-aa"]
    assert (status.meetings, status.rows_skipped, status.last_error) == (2, 0, None)


def test_replace_with_nothing_empties_the_source(store: MeetingStore) -> None:
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0)
    store.replace(AA, [], rows_skipped=0)
    assert store.load() == []
    assert store.statuses()[0].meetings == 0


def test_record_failure_keeps_the_meetings_and_records_the_error(store: MeetingStore) -> None:
    good = dt.datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    bad = dt.datetime(2024, 5, 1, 20, 0, tzinfo=UTC)
    store.replace(AA, [meeting(AA, "a"), meeting(AA, "b")], rows_skipped=1, at=good)
    before = store.load()
    store.record_failure(AA, "HTTP 500 from https://aa.example (after 3 attempts)", at=bad)
    assert store.load() == before
    [status] = store.statuses()
    assert status.meetings == 2
    assert status.rows_skipped == 1
    assert status.last_attempt_at == bad
    assert status.last_success_at == good
    assert status.last_error == "HTTP 500 from https://aa.example (after 3 attempts)"
    # The next clean refresh clears the error.
    store.replace(AA, before, rows_skipped=0, at=bad + dt.timedelta(hours=1))
    assert store.statuses()[0].last_error is None


def test_record_failure_of_a_new_source_creates_its_status(store: MeetingStore) -> None:
    store.record_failure(NA, "no answer")
    [status] = store.statuses()
    assert (status.name, status.format, status.location) == ("desert-na", "bmlt", "https://bmlt.example/main_server/json")
    assert (status.meetings, status.last_success_at, status.last_error) == (0, None, "no answer")
    assert store.load() == []


def test_stamp_changes_only_on_successful_replace(store: MeetingStore) -> None:
    assert store.stamp() == ()
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0)
    first = store.stamp()
    assert first == (("desert-aa", 1),)
    store.record_failure(AA, "down")
    assert store.stamp() == first
    store.load()
    store.statuses()
    assert store.stamp() == first
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0)  # the same meetings: still a new version
    assert store.stamp() == (("desert-aa", 2),)
    store.replace(NA, [meeting(NA, "1")], rows_skipped=0)
    assert store.stamp() == (("desert-aa", 2), ("desert-na", 1))


def test_changed_location_is_recorded(store: MeetingStore) -> None:
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0)
    moved = AA.copy(update={"path": None, "url": "https://aa.example/feed"})
    store.record_failure(moved, "down")
    assert store.statuses()[0].location == "https://aa.example/feed"


def test_remove_sources_except(store: MeetingStore) -> None:
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0)
    store.replace(NA, [meeting(NA, "1"), meeting(NA, "2")], rows_skipped=0)
    stamp = store.stamp()
    assert store.remove_sources_except(["desert-aa", "not-stored"]) == ["desert-na"]
    assert [m.id for m in store.load()] == ["desert-aa:a"]
    assert [s.name for s in store.statuses()] == ["desert-aa"]
    assert store.stamp() != stamp
    assert store.remove_sources_except(["desert-aa"]) == []
    assert store.remove_sources_except([]) == ["desert-aa"]
    assert (store.load(), store.statuses(), store.stamp()) == ([], [], ())


def test_statuses_give_aware_utc_datetimes(store: MeetingStore) -> None:
    store.replace(NA, [meeting(NA, "1")], rows_skipped=0)
    store.record_failure(AA, "down")
    for status in store.statuses():
        assert status.last_attempt_at is not None and status.last_attempt_at.utcoffset() == dt.timedelta(0)
        assert abs(dt.datetime.now(UTC) - status.last_attempt_at) < dt.timedelta(minutes=1)
    assert {s.name: s.last_success_at for s in store.statuses()}["desert-aa"] is None
    assert {s.name: s.last_success_at for s in store.statuses()}["desert-na"].tzinfo is not None  # type: ignore[union-attr]


def test_times_given_in_another_zone_are_stored_as_the_same_instant(store: MeetingStore) -> None:
    # SQLite keeps only the wall time: 04:00 in Los Angeles must not come back as 04:00 UTC.
    local = dt.datetime(2024, 1, 1, 4, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0, at=local)
    store.record_failure(NA, "down", at=local + dt.timedelta(hours=1))
    status = {s.name: s for s in store.statuses()}
    assert status["desert-aa"].last_success_at == dt.datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    assert status["desert-na"].last_attempt_at == dt.datetime(2024, 1, 1, 13, 0, tzinfo=UTC)


def test_a_second_store_on_the_same_file_sees_the_writes(store: MeetingStore, tmp_path: Path) -> None:
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0)
    other = make_engine(tmp_path / "var" / "meetings.db")
    try:
        assert [m.id for m in MeetingStore(other).load()] == ["desert-aa:a"]
    finally:
        other.dispose()


def test_index_cache_rebuilds_only_when_the_stamp_moves(store: MeetingStore) -> None:
    cache = IndexCache(store)
    empty = cache.get()
    assert cache.get() is empty

    store.replace(AA, [meeting(AA, "a"), meeting(AA, "b")], rows_skipped=0)
    first = cache.get()
    assert first is not empty
    assert cache.get() is first

    store.record_failure(AA, "down")
    assert cache.get() is first

    store.replace(NA, [meeting(NA, "1")], rows_skipped=0)
    second = cache.get()
    assert second is not first
    assert cache.get() is second

    store.remove_sources_except(["desert-na"])
    third = cache.get()
    assert third is not second
    assert cache.get() is third


def test_index_cache_loads_only_when_the_stamp_moves(store: MeetingStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.replace(AA, [meeting(AA, "a")], rows_skipped=0)
    cache = IndexCache(store)
    loads: List[int] = []
    real_load = store.load

    def counting_load() -> List[Meeting]:
        loads.append(1)
        return real_load()

    monkeypatch.setattr(store, "load", counting_load)
    for _ in range(5):
        cache.get()
    assert len(loads) == 1
    store.replace(AA, [meeting(AA, "b")], rows_skipped=0)
    for _ in range(5):
        cache.get()
    assert len(loads) == 2
