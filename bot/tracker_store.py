"""Rasa's SQL tracker store with an in-process cache of the current conversation sessions.

Rasa reads a conversation's events from the database on every message and counts them again before
saving. With one Rasa process (the embedded default: in-memory lock store), every write goes
through this process, so the events it last saved are exactly what the database would return.
The cache keeps them (bounded, least recently used first out); the database stays the record:
every event is still written before the reply is sent, and other readers (the staff console,
Rasa's /conversations API for past sessions) read the database.

Every saved crisis message also opens or extends a crisis escalation (bot/safety/escalations.py),
so staff are alerted whatever the action server's state, and every message from a verified
enrolled client (bot/channels/) links the conversation to the client's record.

For SQLite it also keeps pooled connections in WAL mode with synchronous=NORMAL, which is safe
against corruption and avoids one fsync per message.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clients.store import ClientStore
from bot.safety.escalations import record_crisis_events
from bot.safety.reviews import record_review_items
from bot.storage.db import create_tables

log = logging.getLogger(__name__)

DEFAULT_CACHED_CONVERSATIONS = 5000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def current_session(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events Rasa's SQL query returns: those at or after the latest session start."""
    starts = [e["timestamp"] for e in events if e.get("event") == SessionStarted.type_name]
    if not starts:
        return events
    latest = max(starts)
    return [e for e in events if e["timestamp"] >= latest]


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url,
                poolclass=sa.pool.QueuePool,
                pool_size=4,
                hide_parameters=True,  # errors are logged: never with what a person wrote
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        create_tables(self.engine)  # our tables (escalations, ...) live beside Rasa's events
        self._capacity = max(0, int(cached_conversations))
        self._sessions: "OrderedDict[str, List[Dict[str, Any]]]" = OrderedDict()

    def _remember(self, sender_id: str, events: List[Dict[str, Any]]) -> None:
        if self._capacity == 0:
            return
        self._sessions[sender_id] = events
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self._capacity:
            self._sessions.popitem(last=False)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        cached = self._sessions.get(sender_id)
        if cached is None:
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                self._remember(sender_id, [event.as_dict() for event in tracker.events])
            return tracker
        self._sessions.move_to_end(sender_id)
        # from_dict builds new event objects, so the caller may change its tracker freely.
        return DialogueStateTracker.from_dict(sender_id, cached, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        cached = self._sessions.get(sender_id)
        try:
            with self.session_scope() as session:
                if cached is None:
                    stored = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()
                else:
                    stored = len(cached)
                events = list(tracker.events)
                new = [event.as_dict() for event in events[stored:]]
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
                if rows:  # one executemany: the ORM's per-object bookkeeping costs more than the write
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        except Exception:
            self._sessions.pop(sender_id, None)  # the database is the truth: read it next time
            raise
        earlier = cached if cached is not None else [event.as_dict() for event in events[:stored]]
        self._remember(sender_id, current_session(earlier + new))
        self._record_escalations(sender_id, earlier, new, tracker.get_slot("crisis_type"))
        self._link_clients(sender_id, new)

    def _record_escalations(self, sender_id: str, earlier: List[Dict[str, Any]], new: List[Dict[str, Any]], crisis_type: Any) -> None:
        """Open (or add to) an escalation for each crisis turn just saved, and note review items.

        Its own transaction, after the events are safe: a failure here must never lose the
        conversation. It is logged loudly; the crisis reply itself has already gone out.
        """
        try:
            for escalation_id in record_crisis_events(self.engine, sender_id, new, earlier, crisis_type):
                log.warning("crisis escalation %s recorded for conversation %s", escalation_id, sender_id)
            if record_review_items(self.engine, sender_id, new, earlier, crisis_type):
                log.info("safety review item recorded for conversation %s", sender_id)
        except Exception:  # noqa: BLE001 - see docstring
            log.exception("could not record the crisis escalation for conversation %s", sender_id)

    def _link_clients(self, sender_id: str, new: List[Dict[str, Any]]) -> None:
        """Link the conversation to each client whose verified message was just saved (bot/channels/)."""
        links = {}
        for event in new:
            client = (event.get("metadata") or {}).get("client") if event.get("event") == "user" else None
            if isinstance(client, dict) and client.get("status") == "verified" and client.get("id"):
                at = event.get("timestamp")
                links[str(client["id"])] = dt.datetime.fromtimestamp(float(at), dt.timezone.utc) if at else dt.datetime.now(dt.timezone.utc)
        if not links:
            return
        try:
            store = ClientStore(self.engine)
            for client_id, at in links.items():
                store.link(sender_id, client_id, at)
        except Exception:  # noqa: BLE001 - like the escalations: the conversation is already saved
            log.exception("could not link conversation %s to its client", sender_id)
