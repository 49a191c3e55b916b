"""The cached SQL tracker store returns what the database holds, writes every event, and loses no
turn when the database refuses it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any, AsyncIterator, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

from bot.clients.store import ClientStore
from bot.rasa import tracker_store
from bot.rasa.tracker_store import CachedSQLTrackerStore
from bot.records.conversations import ConversationFilter, list_conversations
from bot.safety.notifier import signature_is_valid
from bot.settings import PROJECT_ROOT, get_settings
from bot.storage.db import escalations
from tests.identity import verified
from tests.pager import Receiver

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))  # the client token key, under var/secrets/
    get_settings.cache_clear()
    yield str(tmp_path / "tracker.db")
    get_settings.cache_clear()


def store(db: str, **kwargs: object) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, **kwargs)


def texts(tracker: DialogueStateTracker) -> list:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def test_cache_and_database_agree_over_several_turns(db: str) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c1", DOMAIN.slots)
    for text in ("hi", "do you take aetna", "thanks"):
        tracker = await cached.retrieve("c1") or tracker
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
        await cached.save(tracker)
    from_database = await store(db).retrieve("c1")
    from_cache = await cached.retrieve("c1")
    assert texts(from_cache) == texts(from_database) == ["hi", "do you take aetna", "thanks"]
    assert len(from_cache.events) == len(from_database.events) == 6


class SavedFirstBroker(EventBroker):
    """Records what is published, and whether the database already held it at that moment."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.published: list = []

    def publish(self, event: dict) -> None:
        with sqlite3.connect(self.db) as connection:
            saved = connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (event["sender_id"],)).fetchone()[0]
        self.published.append((event["sender_id"], event["event"], event.get("text"), saved))


async def test_each_turn_s_events_go_to_the_broker_once_saved(db: str) -> None:
    broker = SavedFirstBroker(db)
    cached = store(db, event_broker=broker)
    tracker = DialogueStateTracker("c1", DOMAIN.slots)
    for text in ("hi", "do you take aetna"):
        tracker = await cached.retrieve("c1") or tracker
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
        await cached.save(tracker)
    assert [(sender, kind, text) for sender, kind, text, _ in broker.published] == [
        ("c1", "user", "hi"),
        ("c1", "action", None),
        ("c1", "user", "do you take aetna"),
        ("c1", "action", None),
    ]  # each event once, in order, though the tracker holds them all at the second save
    assert [saved for *_, saved in broker.published] == [2, 2, 4, 4]  # already in the database


async def test_slots_survive_the_cache(db: str) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c2", DOMAIN.slots)
    tracker.update(SlotSet("cb_insurance", "Aetna"))
    await cached.save(tracker)
    again = await cached.retrieve("c2")
    again.update(SlotSet("cb_first_name", "Sam"))  # a caller's change must not leak into the cache
    assert (await cached.retrieve("c2")).get_slot("cb_first_name") is None
    assert again.get_slot("cb_insurance") == "Aetna"


async def test_a_new_session_hides_the_old_one_like_the_database_does(db: str) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c3", DOMAIN.slots)
    tracker.update(UserUttered("old", {"name": "greet", "confidence": 1.0}))
    await cached.save(tracker)
    tracker = await cached.retrieve("c3")
    time.sleep(0.01)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(UserUttered("new", {"name": "greet", "confidence": 1.0}))
    await cached.save(tracker)
    assert texts(await cached.retrieve("c3")) == texts(await store(db).retrieve("c3")) == ["new"]
    full = await store(db).retrieve_full_tracker("c3")
    assert texts(full) == ["old", "new"]


async def test_least_recently_used_conversations_are_dropped_but_still_readable(db: str) -> None:
    cached = store(db, cached_conversations=2)
    for sender in ("a", "b", "c"):
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(UserUttered(sender, {"name": "greet", "confidence": 1.0}))
        await cached.save(tracker)
    assert list(cached._sessions) == ["b", "c"]
    assert texts(await cached.retrieve("a")) == ["a"]


async def test_a_verified_client_s_message_links_the_conversation(db: str) -> None:
    cached = store(db)
    clients = ClientStore(cached.engine)
    clients.add("C-7", "Sam", "adult_evening", "Dana")
    clients.add("C-8", "Alex", "adult_day", "Lee")
    tracker = DialogueStateTracker("linked", DOMAIN.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}, metadata=verified("C-7", "linked")))
    # A verdict no channel sealed for this conversation links nothing.
    tracker.update(
        UserUttered("hey", {"name": "greet", "confidence": 1.0}, metadata={"client": {"status": "verified", "id": "C-8"}})
    )
    tracker.update(UserUttered("hello again", {"name": "greet", "confidence": 1.0}, metadata={"client": {"status": "expired"}}))
    await cached.save(tracker)
    other = DialogueStateTracker("anonymous", DOMAIN.slots)
    other.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    await cached.save(other)
    assert clients.conversations("C-7") == ["linked"]
    assert clients.clients_of("anonymous") == []
    assert clients.is_linked("linked", "C-7") and not clients.is_linked("linked", "C-8")


# --- a database that refuses writes: the journal -------------------------------------------------

SECRET = "tracker-store-pager-secret-01"


@pytest.fixture
def quick_timeouts(monkeypatch: pytest.MonkeyPatch, db: str) -> Iterator[None]:
    monkeypatch.setenv("DB_BUSY_TIMEOUT_SECONDS", "0.2")
    monkeypatch.setenv("JOURNAL_RETRY_SECONDS", "0.05")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def pager(monkeypatch: pytest.MonkeyPatch, quick_timeouts: None) -> AsyncIterator[Receiver]:
    receiver = Receiver(failures=1)  # the pager's first answer is an error: the page is retried
    server = await receiver.start()
    monkeypatch.setenv("ESCALATION_WEBHOOK_URL", f"http://127.0.0.1:{server.port}/pager")
    monkeypatch.setenv("ESCALATION_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    yield receiver
    await server.close()


@contextlib.contextmanager
def writer_holding_the_lock(db: str) -> Iterator[sqlite3.Connection]:
    """Another process's writer in the middle of a long transaction."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        holder.execute("COMMIT")
        holder.close()


def crisis_turn(tracker: DialogueStateTracker, text: str = "i want to end my life tonight") -> None:
    tracker.update(UserUttered(text, {"name": "crisis", "confidence": 1.0}, [{"entity": "crisis_type", "value": "suicide"}]))
    tracker.update(ActionExecuted("utter_crisis"))
    tracker.update(ActionExecuted("action_listen"))


def rows(db: str, query: str) -> list:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return connection.execute(query).fetchall()


async def until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"never happened: {what}")


async def test_a_crisis_turn_the_database_refuses_is_journaled_paged_and_copied_in_later(db: str, pager: Receiver) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c-locked", DOMAIN.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    await cached.save(tracker)
    with writer_holding_the_lock(db):
        crisis_turn(tracker)
        await cached.save(tracker)  # returns: the reply can go out
        assert len(cached.journal) == 1
        assert rows(db, "SELECT count(*) FROM escalations") == [(0,)]
        # The conversation goes on from what was journaled, crisis turn included.
        assert texts(await cached.retrieve("c-locked")) == ["hi", "i want to end my life tonight"]
        await until(
            lambda: any(r["headers"].get("X-Companion-Event") == "escalation.unrecorded" for r in pager.accepted), "a page"
        )
    await until(lambda: len(cached.journal) == 0, "the journal copied in")
    assert [t for (t,) in rows(db, "SELECT type_name FROM events WHERE sender_id = 'c-locked' ORDER BY id")] == [
        "user",
        "user",
        "action",
        "action",
    ]
    assert rows(db, "SELECT conversation_id, crisis_type FROM escalations") == [("c-locked", "suicide")]
    assert rows(db, "SELECT event FROM notifications") == [("escalation.created",)]
    await until(
        lambda: any(r["headers"].get("X-Companion-Event") == "storage.recovered" for r in pager.accepted), "the all-clear"
    )
    page = next(r for r in pager.accepted if r["headers"]["X-Companion-Event"] == "escalation.unrecorded")
    assert signature_is_valid(SECRET, page["body"], page["headers"]["X-Companion-Signature"])
    body = json.loads(page["body"])
    assert body["conversation_id"] == "c-locked" and body["crisis_type"] == "suicide"
    assert "end my life" not in page["body"].decode()  # ids and the type, never the person's words


async def test_later_turns_wait_behind_journaled_ones_and_keep_their_order(db: str, quick_timeouts: None) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c-order", DOMAIN.slots)
    with writer_holding_the_lock(db):
        for text in ("one", "two"):
            tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
            await cached.save(tracker)
        assert len(cached.journal) == 2
    tracker.update(UserUttered("three", {"name": "greet", "confidence": 1.0}))
    await cached.save(tracker)  # the lock is free, but two turns are still ahead of this one
    await until(lambda: len(cached.journal) == 0, "the journal copied in")
    assert [
        t for (t,) in rows(db, "SELECT json_extract(data, '$.text') FROM events WHERE sender_id = 'c-order' ORDER BY id")
    ] == ["one", "two", "three"]
    assert texts(await store(db).retrieve("c-order")) == ["one", "two", "three"]


async def test_other_conversations_are_not_held_up_while_one_waits_for_the_lock(db: str, quick_timeouts: None) -> None:
    cached = store(db)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    tracker = DialogueStateTracker("c-wait", DOMAIN.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    with writer_holding_the_lock(db):
        before = ticks
        await cached.save(tracker)  # waits out the busy timeout in a worker thread
        during = ticks - before
    task.cancel()
    assert during >= 5, "the event loop was blocked while the database was locked"


async def test_a_journal_left_by_a_crash_is_copied_in_at_the_next_start(db: str, quick_timeouts: None) -> None:
    first = store(db)
    tracker = DialogueStateTracker("c-crash", DOMAIN.slots)
    with writer_holding_the_lock(db):
        crisis_turn(tracker)
        await first.save(tracker)
        first._retrier.cancel()  # the process dies with the turn journaled
    restarted = store(db)  # Rasa starts again: the store begins copying at once
    await until(lambda: len(restarted.journal) == 0, "the journal copied in")
    assert rows(db, "SELECT count(*) FROM events WHERE sender_id = 'c-crash'") == [(3,)]
    assert rows(db, "SELECT count(*) FROM escalations") == [(1,)]


async def test_a_turn_copied_just_before_a_crash_is_not_written_twice(db: str, quick_timeouts: None) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c-twice", DOMAIN.slots)
    crisis_turn(tracker)
    turn = {"sender_id": "c-twice", "events": [e.as_dict() for e in tracker.events], "earlier": [], "crisis_type": "suicide"}
    assert len(cached._write_turn(turn, from_journal=True)[0]) == 1
    assert cached._write_turn(turn, from_journal=True)[0] == []
    assert rows(db, "SELECT count(*) FROM events") == [(3,)]
    assert rows(db, "SELECT count(*) FROM escalation_messages") == [(1,)]


async def test_a_turn_is_recorded_whole_or_not_at_all(db: str, quick_timeouts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = store(db)

    def broken(*args: object) -> list:
        raise RuntimeError("escalation bug")

    monkeypatch.setattr("bot.rasa.tracker_store.record_crisis_turns", broken)
    tracker = DialogueStateTracker("c-whole", DOMAIN.slots)
    crisis_turn(tracker)
    await cached.save(tracker)
    assert rows(db, "SELECT count(*) FROM events") == [(0,)]  # not the events without their escalation
    assert len(cached.journal) == 1
    monkeypatch.undo()
    await until(lambda: len(cached.journal) == 0, "the journal copied in")
    assert rows(db, "SELECT count(*) FROM escalations") == [(1,)]


def test_the_database_file_is_private(db: str) -> None:
    store(db)
    assert stat.S_IMODE(Path(db).stat().st_mode) == 0o600


# --- the production profile: PostgreSQL, several Rasa instances ------------------------------------


def crisis_turn(tracker: DialogueStateTracker) -> None:
    tracker.update(
        UserUttered(
            "i want to end my life tonight",
            {"name": "crisis", "confidence": 1.0},
            [{"entity": "crisis_type", "value": "suicide", "start": 0, "end": 1}],
        )
    )
    tracker.update(ActionExecuted("utter_crisis"))
    tracker.update(ActionExecuted("action_listen"))


async def test_on_postgresql_a_conversation_and_its_escalation_are_kept(
    postgres: Engine, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.url.render_as_string(hide_password=False)
    on_postgres = CachedSQLTrackerStore(domain=DOMAIN, host=url)
    assert on_postgres.engine.dialect.name == "postgresql"
    tracker = DialogueStateTracker("pg1", DOMAIN.slots)
    crisis_turn(tracker)
    await on_postgres.save(tracker)
    again = await CachedSQLTrackerStore(domain=DOMAIN, host=url).retrieve("pg1")
    assert texts(again) == ["i want to end my life tonight"]
    with postgres.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(escalations)).scalar() == 1


async def test_on_postgresql_a_crisis_message_with_a_nul_or_half_a_pair_is_kept_with_its_escalation(
    postgres: Engine, db: str
) -> None:
    """Rasa's HTTP API (or an old journaled turn) does not pass through our channels' checks: the
    store keeps what PostgreSQL can hold, and the console can still read every conversation."""
    url = postgres.url.render_as_string(hide_password=False)
    on_postgres = CachedSQLTrackerStore(domain=DOMAIN, host=url)
    tracker = DialogueStateTracker("pg-nul", DOMAIN.slots)
    tracker.update(UserUttered("i want to die\x00 \ud83d", {"name": "crisis", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_crisis"))
    await on_postgres.save(tracker)
    assert len(on_postgres.journal) == 0  # written, not left waiting
    with postgres.connect() as connection:
        assert connection.execute(sa.select(escalations.c.message)).scalars().all() == ["i want to die \ufffd"]
    listed = list_conversations(on_postgres.engine, ConversationFilter(text="want to die"), dt.timezone.utc)
    assert [item.conversation_id for item in listed.items] == ["pg-nul"]


@pytest.fixture
def shared_url(postgres: Engine, db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The production profile: a shared lock store (REDIS_URL), so several instances may write."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    get_settings.cache_clear()
    return postgres.url.render_as_string(hide_password=False)


async def test_with_a_shared_lock_store_each_instance_reads_what_the_other_wrote(shared_url: str) -> None:
    first, second = CachedSQLTrackerStore(domain=DOMAIN, host=shared_url), CachedSQLTrackerStore(domain=DOMAIN, host=shared_url)
    for turn, (instance, text) in enumerate([(first, "hi"), (second, "do you take aetna"), (first, "thanks")]):
        tracker = await instance.retrieve("pg2") or DialogueStateTracker("pg2", DOMAIN.slots)
        assert len(texts(tracker)) == turn  # every earlier turn, whichever instance saved it
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
        await instance.save(tracker)
    assert texts(await second.retrieve("pg2")) == ["hi", "do you take aetna", "thanks"]


async def test_each_instance_keeps_its_own_journal_and_the_first_takes_over_those_left_behind(
    postgres: Engine, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A journal has one writer: two instances sharing one file lost each other's turns when either
    rewrote it. Started again with fewer instances, the first copies in what the others left."""
    url = postgres.url.render_as_string(hide_password=False)
    var = get_settings().var_dir
    monkeypatch.setenv("RASA_INSTANCE", "2")
    monkeypatch.setenv("RASA_INSTANCES", "2")
    get_settings.cache_clear()
    second = CachedSQLTrackerStore(domain=DOMAIN, host=url)
    assert second.journal.path == var / "tracker.pending.2.jsonl"
    tracker = DialogueStateTracker("pg-left", DOMAIN.slots)
    crisis_turn(tracker)
    turn = {"sender_id": "pg-left", "events": [e.as_dict() for e in tracker.events], "earlier": [], "crisis_type": "suicide"}
    second.journal.append(turn)  # the database refused it, then the instance stopped
    monkeypatch.setenv("RASA_INSTANCE", "1")
    monkeypatch.setenv("RASA_INSTANCES", "1")
    get_settings.cache_clear()
    first = CachedSQLTrackerStore(domain=DOMAIN, host=url)
    assert first.journal.path == var / "tracker.pending.jsonl" and not (var / "tracker.pending.2.jsonl").exists()
    await until(lambda: len(first.journal) == 0, "the journal left behind copied in")
    assert texts(await first.retrieve("pg-left")) == ["i want to end my life tonight"]
    with postgres.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(escalations)).scalar() == 1


async def test_on_postgresql_a_turn_waits_for_a_lock_only_as_long_as_on_sqlite_then_is_journaled(
    postgres: Engine, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The purge locks writers out of the events; a turn arriving meanwhile waits
    DB_BUSY_TIMEOUT_SECONDS, then is journaled and copied in later, not held for the whole purge."""
    monkeypatch.setenv("DB_BUSY_TIMEOUT_SECONDS", "0.5")
    get_settings.cache_clear()
    url = postgres.url.render_as_string(hide_password=False)
    on_postgres = CachedSQLTrackerStore(domain=DOMAIN, host=url)
    with on_postgres.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == "500ms"
        assert connection.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
    tracker = DialogueStateTracker("pg-wait", DOMAIN.slots)
    crisis_turn(tracker)
    locked, done = threading.Event(), threading.Event()

    def purge() -> None:  # holds the lock until the turn is saved, or 20 s at most
        with postgres.begin() as connection:
            connection.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
            locked.set()
            done.wait(20)

    holder = threading.Thread(target=purge)
    holder.start()
    try:
        assert locked.wait(10)
        await on_postgres.save(tracker)
        assert len(on_postgres.journal) == 1  # it did not wait for the purge: journaled, copied in later
    finally:
        done.set()
        holder.join()
    await until(lambda: len(on_postgres.journal) == 0, "the journal copied in")
    with postgres.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(escalations)).scalar() == 1


def _reads(instance: CachedSQLTrackerStore, monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The conversations ``instance`` reads in full from the database, in order."""
    read, calls = instance._read, []

    def counted(sender_id: str, all_sessions: bool) -> Any:
        calls.append(sender_id)
        return read(sender_id, all_sessions)

    monkeypatch.setattr(instance, "_read", counted)
    return calls


async def _say(instance: CachedSQLTrackerStore, sender_id: str, text: str) -> None:
    tracker = await instance.retrieve(sender_id) or DialogueStateTracker(sender_id, DOMAIN.slots)
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))
    await instance.save(tracker)


async def test_with_a_shared_lock_store_a_conversation_is_read_again_only_when_another_instance_wrote(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is checked with one aggregate: reading and decoding every event on every message
    cost the production profile a share of its throughput."""
    first, second = CachedSQLTrackerStore(domain=DOMAIN, host=shared_url), CachedSQLTrackerStore(domain=DOMAIN, host=shared_url)
    reads = _reads(first, monkeypatch)
    await _say(first, "pg3", "hi")
    await _say(first, "pg3", "do you take aetna")
    assert reads == ["pg3"]  # the first message only (nothing yet); the second used what it wrote
    await _say(second, "pg3", "what about cigna")
    await _say(first, "pg3", "thanks")
    assert reads == ["pg3", "pg3"]  # the other instance's turn was noticed
    assert texts(await first.retrieve("pg3")) == ["hi", "do you take aetna", "what about cigna", "thanks"]
    assert reads == ["pg3", "pg3"]


async def test_with_a_shared_lock_store_rows_written_meanwhile_are_not_hidden_by_the_cache(shared_url: str) -> None:
    """Another writer's rows between retrieve and save (a journaled turn copied in by another
    instance) leave the cache unconfirmed, so the next message reads them."""
    first, second = CachedSQLTrackerStore(domain=DOMAIN, host=shared_url), CachedSQLTrackerStore(domain=DOMAIN, host=shared_url)
    await _say(first, "pg4", "hi")
    tracker = await first.retrieve("pg4")
    await _say(second, "pg4", "copied in from a journal")
    tracker.update(UserUttered("do you take aetna", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))
    await first.save(tracker)
    assert first._sessions["pg4"].version is None
    assert texts(await first.retrieve("pg4")) == ["hi", "copied in from a journal", "do you take aetna"]


async def test_a_conversation_idle_for_an_hour_is_read_again_so_a_purge_is_not_undone_from_memory(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = store(db)
    await _say(cached, "idle", "hi, my name is Sam")
    with sqlite3.connect(db) as connection:  # the retention job, in another process
        connection.execute("DELETE FROM events WHERE sender_id = 'idle'")
    later = time.monotonic() + tracker_store.CACHE_IDLE_SECONDS + 1
    monkeypatch.setattr(cached, "_clock", lambda: later)
    assert await cached.retrieve("idle") is None


async def test_with_a_shared_lock_store_a_save_with_no_retrieve_before_it_writes_only_what_is_new(shared_url: str) -> None:
    """Rasa's PUT .../tracker/events saves a whole tracker without retrieving it first: the cache
    must not be trusted when another instance wrote since (found by a review: its turn was written
    twice, a crisis escalated twice)."""
    first, second = CachedSQLTrackerStore(domain=DOMAIN, host=shared_url), CachedSQLTrackerStore(domain=DOMAIN, host=shared_url)
    await _say(first, "pg5", "hi")
    await _say(second, "pg5", "what about cigna")
    tracker = await CachedSQLTrackerStore(domain=DOMAIN, host=shared_url).retrieve("pg5")
    tracker.update(UserUttered("added by PUT", {"name": "greet", "confidence": 1.0}))
    await first.save(tracker)
    assert texts(await CachedSQLTrackerStore(domain=DOMAIN, host=shared_url).retrieve("pg5")) == [
        "hi",
        "what about cigna",
        "added by PUT",
    ]


async def test_with_a_shared_lock_store_a_check_overtaken_by_a_newer_entry_does_not_put_the_old_one_back(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CachedSQLTrackerStore(domain=DOMAIN, host=shared_url)
    await _say(first, "pg6", "hi")
    version_of = first._current_version
    overtaken = asyncio.Event()

    def slow_version(sender_id: str) -> Any:
        found = version_of(sender_id)
        asyncio.run_coroutine_threadsafe(overtaken.wait(), loop).result(timeout=5)  # a locked turn runs meanwhile
        return found

    loop = asyncio.get_running_loop()
    monkeypatch.setattr(first, "_current_version", slow_version)
    unlocked_read = asyncio.ensure_future(first.retrieve("pg6"))  # e.g. GET .../story: no lock
    await asyncio.sleep(0.1)
    monkeypatch.setattr(first, "_current_version", version_of)
    await _say(first, "pg6", "turn two")
    overtaken.set()
    await unlocked_read
    await _say(first, "pg6", "turn three")
    assert texts(await CachedSQLTrackerStore(domain=DOMAIN, host=shared_url).retrieve("pg6")) == ["hi", "turn two", "turn three"]
