"""Rasa's SQL tracker store with an in-process cache of the current conversation sessions, which
never loses a turn: what the database refuses is journaled on disk and copied in later.

Rasa reads a conversation's events from the database on every message and counts them again before
saving. With one Rasa process (the embedded default: in-memory lock store), every write goes
through this process, so the events it last saved are exactly what the database would return.
With a shared lock store (REDIS_URL) several processes may write, so a cached conversation is used
only while the database still holds the same number of its rows and the same last row id (one
indexed aggregate, instead of reading and decoding every event of the session); any other
writer's row changes that, and the conversation is read again.
The cache keeps them (bounded, least recently used first out); the database stays the record:
every event is written before the reply is sent, and other readers (the staff console, Rasa's
/conversations API for past sessions) read the database.

One transaction per turn holds its events, the crisis escalation for a crisis message (with the
staff notification queued in the outbox), safety review items, and the link to a verified enrolled
client (bot/rasa/channels/): a turn is recorded whole or not at all.

When that transaction fails (another writer holds SQLite's lock past DB_BUSY_TIMEOUT_SECONDS, the
disk is read-only, the server is down), the turn goes to the journal (bot/storage/journal.py),
fsynced before the reply goes out, and staff are paged at once (bot/safety/alarms.py); a crisis
turn pages on its own. Rasa's FailSafeTrackerStore would otherwise answer and keep the conversation
in memory only. A retry loop copies journaled turns into the database in order, each with its
escalation, and later turns of the same conversation queue behind them. Database work runs in
worker threads, so a lock held elsewhere stalls one conversation, not every chat.

With an event broker (RABBITMQ_URL, bot/rasa/event_broker.py), a turn's events are published once
they are saved (or journaled), so whoever a published event wakes finds it in the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Text, Tuple, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clients.identity import sealed_client
from bot.clients.store import link_client
from bot.review.collect import Thresholds
from bot.review.store import add_turn as add_inbox_items
from bot.safety.alarms import ESCALATION_UNRECORDED, STORAGE_FAILED, STORAGE_RECOVERED, StorageAlarm
from bot.safety.escalations import crisis_messages, record_crisis_turns
from bot.safety.reviews import add_review_items
from bot.settings import get_settings
from bot.storage.db import postgresql_session, private_file, sqlite_pragmas
from bot.storage.journal import Journal
from bot.storage.schema import migrate
from bot.text import storable_json

log = logging.getLogger(__name__)

DEFAULT_CACHED_CONVERSATIONS = 5000
# A conversation idle this long is read again: the retention job (another process, days of
# inactivity) may have purged it, and what it removed must not come back from memory.
CACHE_IDLE_SECONDS = 3600.0
Turn = Dict[str, Any]
# A conversation's rows in the database: how many, and the last id (None: no row yet).
Version = Tuple[int, Optional[int]]
T = TypeVar("T")


class Cached(NamedTuple):
    events: List[Dict[str, Any]]  # the current session, as Rasa's query returns it
    version: Optional[Version]  # what the database held when they were read or written (shared profile)
    used: float  # time.monotonic() of the last read or write
    # The tracker retrieve last built from these events: its new events are those after them,
    # whatever another instance wrote meanwhile.
    handed_out: Optional["weakref.ReferenceType[DialogueStateTracker]"] = None

    def built(self, tracker: DialogueStateTracker) -> bool:
        return self.handed_out is not None and self.handed_out() is tracker


def current_session(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events Rasa's SQL query returns: those at or after the latest session start."""
    starts = [e["timestamp"] for e in events if e.get("event") == SessionStarted.type_name]
    if not starts:
        return events
    latest = max(starts)
    return [e for e in events if e["timestamp"] >= latest]


def since_last_user(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The part of the earlier events that decides whether a new event belongs to a crisis turn."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index:]
    return []


def verified_clients(key: str, sender_id: str, new: Iterable[Dict[str, Any]]) -> Dict[str, dt.datetime]:
    """Client id -> time of the latest message among ``new`` that a channel verified and sealed."""
    links = {}
    for event in new:
        verdict = (event.get("metadata") or {}).get("client") if event.get("event") == "user" else None
        client_id = sealed_client(key, sender_id, verdict)
        if client_id is not None:
            at = event.get("timestamp")
            links[client_id] = dt.datetime.fromtimestamp(float(at), dt.timezone.utc) if at else dt.datetime.now(dt.timezone.utc)
    return links


def journal_path(var_dir: Path, instance: int) -> Path:
    """Each Rasa instance's own journal on a shared database (a journal has one writer)."""
    return var_dir / ("tracker.pending.jsonl" if instance == 1 else f"tracker.pending.{instance}.jsonl")


def adopt_orphans(journal: Journal, var_dir: Path, instances: int) -> None:
    """Turns journaled by an instance this start does not run (started before with more
    instances) are taken over by the first instance, which copies them in with its own."""
    for path in sorted(var_dir.glob("tracker.pending.*.jsonl")):
        number = path.name.split(".")[2]
        if not number.isdigit() or int(number) <= instances:
            continue
        orphaned = Journal(path)
        for record in orphaned.records():
            journal.append({key: value for key, value in record.items() if key != "id"})
        orphaned.remove([record["id"] for record in orphaned.records()])
        log.warning("journaled turns of Rasa instance %s (%s) taken over by instance 1", number, path)


class CachedSQLTrackerStore(SQLTrackerStore):
    engine: sa.engine.Engine  # set by Rasa's untyped base class, replaced below

    def __init__(self, *args: Any, cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS, **kwargs: Any) -> None:
        # endpoints.yml gives the database as a URL (``url: ${DATABASE_URL}``), which Rasa takes as
        # is; Rasa's own keys (dialect, db, ...) work too.
        host = str(kwargs.get("host") or "")
        if "://" in host:
            url = sa.engine.make_url(host)
            sqlite_file = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
        else:
            sqlite_file = Path(kwargs["db"]) if kwargs.get("dialect") == "sqlite" and kwargs.get("db") else None
        if sqlite_file is not None:
            private_file(sqlite_file)  # before Rasa's engine creates it with the default mode
        super().__init__(*args, **kwargs)
        # Rasa's engine, rebuilt: errors are logged, never with what a person wrote.
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            self.engine = sa.create_engine(
                url,
                poolclass=sa.pool.QueuePool,
                pool_size=4,
                hide_parameters=True,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", sqlite_pragmas)
        else:  # a restarted database server costs a retry, not an error
            self.engine = sa.create_engine(url, hide_parameters=True, pool_pre_ping=True, **create_engine_kwargs(url))
            if url.get_backend_name() == "postgresql":
                sa.event.listen(self.engine, "connect", postgresql_session)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        migrate(self.engine)  # our tables (escalations, ...) live beside Rasa's events
        settings = get_settings()
        # With a shared lock store (REDIS_URL), several Rasa instances may take turns on one
        # conversation: what this process saved last may not be the whole story, so a cached
        # conversation is checked against the database's version of it before use.
        self._shared = bool(settings.redis_url)
        self._capacity = max(0, int(cached_conversations))
        self._sessions: "OrderedDict[str, Cached]" = OrderedDict()
        self._clock: Callable[[], float] = time.monotonic
        self._retry_seconds = settings.journal_retry_seconds
        self._client_key = settings.client_token_key()
        self._review = Thresholds(settings.review_confidence, settings.review_margin)
        if sqlite_file:
            self.journal = Journal(sqlite_file.with_name(sqlite_file.name + ".pending.jsonl"))
        else:
            self.journal = Journal(journal_path(settings.var_dir, settings.rasa_instance))
            if settings.rasa_instance == 1:
                adopt_orphans(self.journal, settings.var_dir, settings.rasa_instances)
        self.alarm = StorageAlarm(settings)
        self._outage = False
        self._retrier: Optional["asyncio.Task[None]"] = None
        if len(self.journal):
            log.error("%d journaled turn(s) from an earlier run are not in the database yet: copying them in", len(self.journal))
            self._fail(STORAGE_FAILED, reason="journaled turns found at start", pending=len(self.journal))

    # --- the cache ------------------------------------------------------------------------------

    def _remember(self, sender_id: str, events: List[Dict[str, Any]], version: Optional[Version] = None) -> None:
        self._keep(sender_id, Cached(events, version, self._clock()))

    def _keep(self, sender_id: str, entry: Cached) -> None:
        if self._capacity == 0 and sender_id not in self.journal.senders():
            return
        self._sessions[sender_id] = entry
        self._sessions.move_to_end(sender_id)
        if len(self._sessions) > self._capacity:
            # A conversation with journaled turns stays: the database alone would miss them.
            waiting = self.journal.senders()
            for old in [s for s in self._sessions if s not in waiting][: len(self._sessions) - self._capacity]:
                del self._sessions[old]

    def _journaled(self, sender_id: str) -> List[Dict[str, Any]]:
        return [event for record in self.journal.records() if record["sender_id"] == sender_id for event in record["events"]]

    # --- reading ----------------------------------------------------------------------------------

    def _version(self, connection: Any, sender_id: str) -> Version:
        table = self.SQLEvent.__table__
        query = sa.select(sa.func.count(table.c.id), sa.func.max(table.c.id)).where(table.c.sender_id == sender_id)
        count, last = connection.execute(query).one()
        return int(count), last

    def _read(self, sender_id: str, all_sessions: bool) -> Tuple[List[Dict[str, Any]], Optional[Version]]:
        with self.session_scope() as session:
            # The version first: a row written in between makes it older than the events, never newer.
            version = self._version(session, sender_id) if self._shared else None
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=all_sessions).all()
            return [json.loads(row.data) for row in rows], version

    def _current_version(self, sender_id: str) -> Version:
        with self.engine.connect() as connection:
            return self._version(connection, sender_id)

    async def _off_loop(self, sender_id: str, read: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.to_thread(read, sender_id, *args)
        except Exception as exc:
            log.error("could not read conversation %s from the database: %s", sender_id, exc.__class__.__name__)
            self._fail(STORAGE_FAILED, reason=f"read failed: {exc.__class__.__name__}")
            raise

    async def _cached(self, sender_id: str) -> Optional[Cached]:
        """The cached session, if it is still what the database holds."""
        cached = self._sessions.get(sender_id)
        if cached is None:
            return None
        if sender_id not in self.journal.senders():  # journaled turns: only the cache has them all
            if self._clock() - cached.used > CACHE_IDLE_SECONDS:
                return None
            if self._shared:
                if cached.version is None or await self._off_loop(sender_id, self._current_version) != cached.version:
                    return None
                if self._sessions.get(sender_id) is not cached:  # replaced meanwhile: what was checked is old
                    return None
        self._sessions[sender_id] = cached = cached._replace(used=self._clock())
        self._sessions.move_to_end(sender_id)
        return cached

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._keep_retrying()
        cached = await self._cached(sender_id)
        if cached is None:
            events, version = await self._off_loop(sender_id, self._read, False)
            cached = Cached(current_session(events + self._journaled(sender_id)), version, self._clock())
            self._keep(sender_id, cached)  # none yet too: the save that follows then counts nothing
        if not cached.events:
            return None
        # from_dict builds new event objects, so the caller may change its tracker freely.
        tracker = DialogueStateTracker.from_dict(sender_id, cached.events, self.domain.slots)
        if self._sessions.get(sender_id) is cached:
            self._sessions[sender_id] = cached._replace(handed_out=weakref.ref(tracker))
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        events, _ = await self._off_loop(conversation_id, self._read, True)
        events += self._journaled(conversation_id)
        return DialogueStateTracker.from_dict(conversation_id, events, self.domain.slots) if events else None

    def _keys(self) -> List[str]:
        with self.session_scope() as session:
            return [sender_id for (sender_id,) in session.query(self.SQLEvent.sender_id).distinct()]

    async def keys(self) -> Iterable[Text]:
        return sorted(set(await asyncio.to_thread(self._keys)) | self.journal.senders())

    # --- writing ----------------------------------------------------------------------------------

    def _count(self, sender_id: str) -> int:
        with self.session_scope() as session:
            return self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._keep_retrying()
        sender_id = tracker.sender_id
        events = list(tracker.events)
        cached = self._sessions.get(sender_id)
        if self._shared and cached is not None and not cached.built(tracker):
            # Not the tracker this process's retrieve built (Rasa's PUT .../tracker/events): another
            # instance may have written since, so the cache must be what the database holds.
            try:
                cached = await self._cached(sender_id)
            except Exception:  # noqa: BLE001 - unreadable: counted below, and the turn journaled if that fails too
                cached = None
        if cached is not None:
            stored = len(cached.events)
        else:
            try:
                stored = await asyncio.to_thread(self._count, sender_id)
            except Exception:  # noqa: BLE001 - unreadable: the retrieve failed too, so the tracker is new
                stored = 0
        earlier = cached.events if cached is not None else [event.as_dict() for event in events[:stored]]
        new = [event.as_dict() for event in events[stored:]]
        version = cached.version if cached is not None else None
        if new:
            turn: Turn = {
                "sender_id": sender_id,
                "events": new,
                "earlier": since_last_user(earlier),
                "crisis_type": tracker.get_slot("crisis_type"),
            }
            if sender_id in self.journal.senders():
                await self._journal(turn, "earlier turns of this conversation are still waiting")
            else:
                try:
                    escalation_ids, version = await asyncio.to_thread(self._write_turn, turn, version)
                except Exception as exc:  # noqa: BLE001 - whatever the cause, the turn must not be lost
                    await self._journal(turn, f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                else:
                    for escalation_id in escalation_ids:
                        log.warning("crisis escalation %s recorded for conversation %s", escalation_id, sender_id)
            self._publish(sender_id, new)
        self._remember(sender_id, current_session(earlier + new), version)

    def _publish(self, sender_id: str, new: List[Dict[str, Any]]) -> None:
        """The turn's events to the event broker (RABBITMQ_URL), as Rasa's stream_events sends them,
        but once they are saved, so a consumer woken by one finds it in the database, and without
        Rasa's second read of the conversation to tell which events are new."""
        if self.event_broker is not None:
            for event in new:
                self.event_broker.publish({"sender_id": sender_id, **event})

    def _write_turn(
        self, turn: Turn, known: Optional[Version] = None, from_journal: bool = False
    ) -> Tuple[List[str], Optional[Version]]:
        """The turn's events, escalation, safety review items, inbox items and client links: one
        transaction. With the conversation's ``known`` version before it (shared profile), also its
        version after, or None when another writer's rows came in between."""
        sender_id = turn["sender_id"]
        # Whatever the entry point (the channels, Rasa's HTTP API, an action's reply, a journaled
        # turn from before): a NUL or a lone surrogate must not refuse the turn and its escalation.
        new, earlier = storable_json(turn["events"]), storable_json(turn["earlier"])
        with self.engine.begin() as connection:
            if from_journal and self._already_written(connection, sender_id, new[0]):
                return [], None  # copied before a crash, which left it in the journal
            rows = [
                {
                    "sender_id": sender_id,
                    "type_name": data.get("event"),
                    "timestamp": data.get("timestamp"),
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
                for data in new
            ]
            # one executemany: the ORM's per-object bookkeeping costs more than the write
            connection.execute(self.SQLEvent.__table__.insert(), rows)
            escalation_ids = record_crisis_turns(connection, sender_id, new, earlier, turn["crisis_type"])
            add_review_items(connection, sender_id, new, earlier, turn["crisis_type"])
            add_inbox_items(connection, sender_id, new, earlier, self._review)
            for client_id, at in verified_clients(self._client_key, sender_id, new).items():
                link_client(connection, sender_id, client_id, at)
            after = self._version(connection, sender_id) if known is not None else None
        return escalation_ids, after if after is not None and known is not None and after[0] == known[0] + len(new) else None

    def _already_written(self, connection: Any, sender_id: str, event: Dict[str, Any]) -> bool:
        table = self.SQLEvent.__table__
        query = sa.select(table.c.id).where(
            table.c.sender_id == sender_id, table.c.timestamp == event.get("timestamp"), table.c.type_name == event.get("event")
        )
        return connection.execute(query.limit(1)).first() is not None

    # --- the journal and the pages ----------------------------------------------------------------

    async def _journal(self, turn: Turn, reason: str) -> None:
        sender_id = turn["sender_id"]
        try:
            await asyncio.to_thread(self.journal.append, turn)
        except OSError as exc:
            # Nowhere durable is left: say so as loudly as possible; Rasa answers but keeps the turn in memory.
            log.critical(
                "conversation %s: a turn could be written neither to the database nor to %s: %s",
                sender_id,
                self.journal.path,
                exc,
            )
            self._fail(
                STORAGE_FAILED,
                reason=f"turn lost: database and journal both failed ({exc.__class__.__name__})",
                conversation_id=sender_id,
            )
            raise
        log.error("conversation %s: turn journaled to %s, not yet in the database (%s)", sender_id, self.journal.path, reason)
        crises = crisis_messages(sender_id, turn["events"], turn["earlier"], turn["crisis_type"])
        for crisis in crises:
            self._fail(ESCALATION_UNRECORDED, conversation_id=sender_id, crisis_type=crisis.crisis_type, reason=reason)
        if not crises:
            self._fail(STORAGE_FAILED, reason=reason, pending=len(self.journal))

    def _fail(self, event: str, **details: Any) -> None:
        """Queues a page; storage.failed once per outage, each unrecorded crisis on its own."""
        if event == STORAGE_FAILED and self._outage:
            return
        self._outage = True
        self.alarm.raise_(event, **details)
        self._keep_retrying()

    def _keep_retrying(self) -> None:
        """Runs the retry loop while anything is journaled or a page is undelivered."""
        if not (len(self.journal) or self.alarm.queued) or (self._retrier is not None and not self._retrier.done()):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not inside Rasa's server yet: the first message starts it
        self._retrier = loop.create_task(self._retry())

    async def _retry(self) -> None:
        while True:
            undelivered = await self.alarm.send()
            if len(self.journal):
                try:
                    copied = await asyncio.to_thread(self._copy_journal)
                except Exception as exc:  # noqa: BLE001 - the database is still refusing: wait and try again
                    log.warning(
                        "journaled turns still cannot be written (%s); trying again in %.0f s",
                        exc.__class__.__name__,
                        self._retry_seconds,
                    )
                else:
                    log.warning("copied %d journaled turn(s) into the database", copied)
                    if not len(self.journal) and self._outage:
                        self._outage = False
                        self.alarm.raise_(STORAGE_RECOVERED, copied=copied)
                        continue
            elif not undelivered:
                return
            await asyncio.sleep(self._retry_seconds)

    def _copy_journal(self) -> int:
        """Oldest first; each turn leaves the journal once its transaction committed."""
        copied = 0
        for record in self.journal.records():
            for escalation_id in self._write_turn(record, from_journal=True)[0]:
                log.warning(
                    "crisis escalation %s recorded for conversation %s (from the journal)", escalation_id, record["sender_id"]
                )
            self.journal.remove([record["id"]])
            copied += 1
        return copied
