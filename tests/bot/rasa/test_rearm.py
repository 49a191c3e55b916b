"""Group reminders found again in the tracker store after a restart, and scheduled as Rasa would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, AsyncIterator, List

import pytest
from rasa.core import jobs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ReminderCancelled, ReminderScheduled, Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa.rearm import pending_reminders, rearm
from bot.rasa.tracker_store import CachedSQLTrackerStore
from bot.settings import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
LATER = dt.datetime(2030, 1, 7, 1, 0, tzinfo=dt.timezone.utc)


def reminder(conversation: str, at: dt.datetime = LATER, name: str = "") -> ReminderScheduled:
    return ReminderScheduled(
        "ask_next_group",
        at,
        entities=[{"entity": "group_reminder", "value": "60"}],
        name=name or f"group_reminder:{conversation}",
        kill_on_user_message=False,
    )


@pytest.fixture
def store(tmp_path: Path) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


async def save(store: CachedSQLTrackerStore, conversation: str, *events: Any) -> None:
    tracker = await store.retrieve(conversation) or DialogueStateTracker(conversation, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


async def test_the_latest_reminder_of_each_conversation_still_due_is_found(store: CachedSQLTrackerStore) -> None:
    first = LATER - dt.timedelta(days=1)
    await save(store, "due", SessionStarted(), UserUttered("remind me"), reminder("due", first))
    await save(store, "due", reminder("due", LATER), SessionStarted(), UserUttered("hi"))  # renewed, then a new session
    await save(store, "cancelled", SessionStarted(), reminder("cancelled"), ReminderCancelled(name="group_reminder:cancelled"))
    await save(store, "restarted", SessionStarted(), reminder("restarted"), Restarted())
    await save(store, "other", SessionStarted(), reminder("other", name="someone_else_s_reminder"))
    found = pending_reminders(store.engine)
    assert [(conversation, r.trigger_date_time) for conversation, r in found] == [("due", LATER)]


async def test_an_empty_database_has_none(tmp_path: Path) -> None:
    from bot.storage.db import make_engine

    assert pending_reminders(make_engine(tmp_path / "empty.db")) == []


class Processor:
    def __init__(self) -> None:
        self.handled: List[Any] = []

    async def handle_reminder(self, event: ReminderScheduled, sender_id: str, output_channel: Any) -> None:
        self.handled.append((event.name, sender_id, output_channel))


@pytest.fixture
async def scheduler() -> AsyncIterator[None]:
    yield
    jobs.kill_scheduler()  # inside the test's event loop, which the scheduler runs on


async def test_rearm_schedules_each_with_rasa_s_job_id_and_a_missed_one_at_once(
    store: CachedSQLTrackerStore, scheduler: None
) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    await save(store, "future", SessionStarted(), reminder("future", now + dt.timedelta(days=2)))
    await save(store, "missed", SessionStarted(), reminder("missed", now - dt.timedelta(hours=1)))
    processor = Processor()
    assert await rearm(processor, "socket", store.engine, now) == 2
    scheduled = {job.id: job for job in (await jobs.scheduler()).get_jobs()}
    assert set(scheduled) == {"group_reminder:future", "group_reminder:missed"}
    assert scheduled["group_reminder:future"].next_run_time == now + dt.timedelta(days=2)
    assert dt.timedelta(0) < scheduled["group_reminder:missed"].next_run_time - now <= dt.timedelta(seconds=2)
    assert scheduled["group_reminder:missed"].args[1:] == ("missed", "socket")
