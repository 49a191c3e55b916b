"""The imported meetings in the service's database, and the searchable index the actions use.

The web app's refresher writes (bot.meetings.refresh); the action server reads. Each source has a
version that goes up with every successful refresh, so a reader rebuilds its index only when a
version moved.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.meetings.models import Meeting
from bot.meetings.search import MeetingIndex
from bot.meetings.sources import Source
from bot.storage.db import meeting_sources, meetings


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: Optional[dt.datetime]) -> dt.datetime:
    """``value`` (now when None) in UTC: SQLite keeps the wall time and drops the offset."""
    if value is None:
        return utcnow()
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def _aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return value.replace(tzinfo=dt.timezone.utc) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class SourceStatus:
    name: str
    format: str
    location: str
    meetings: int
    rows_skipped: int
    last_attempt_at: Optional[dt.datetime]
    last_success_at: Optional[dt.datetime]
    last_error: Optional[str]


class MeetingStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def _ensure_source(self, connection: sa.engine.Connection, source: Source) -> None:
        exists = connection.execute(sa.select(meeting_sources.c.name).where(meeting_sources.c.name == source.name)).first()
        if exists is None:
            connection.execute(
                meeting_sources.insert().values(name=source.name, format=source.format.value, location=source.where)
            )
        else:
            connection.execute(
                meeting_sources.update()
                .where(meeting_sources.c.name == source.name)
                .values(format=source.format.value, location=source.where)
            )

    def replace(self, source: Source, found: Sequence[Meeting], rows_skipped: int, at: Optional[dt.datetime] = None) -> None:
        """A clean refresh: the source's meetings become exactly ``found``, in one transaction."""
        at = _utc(at)
        with self.engine.begin() as connection:
            self._ensure_source(connection, source)
            connection.execute(meetings.delete().where(meetings.c.source == source.name))
            if found:
                connection.execute(
                    meetings.insert(),
                    [{"id": m.id, "source": source.name, "data": m.json(exclude_none=True)} for m in found],
                )
            connection.execute(
                meeting_sources.update()
                .where(meeting_sources.c.name == source.name)
                .values(
                    meetings=len(found),
                    rows_skipped=rows_skipped,
                    last_attempt_at=at,
                    last_success_at=at,
                    last_error=None,
                    version=meeting_sources.c.version + 1,
                )
            )

    def record_failure(self, source: Source, error: str, at: Optional[dt.datetime] = None) -> None:
        """A failed refresh: the last good meetings stay; the error is kept for the health check."""
        with self.engine.begin() as connection:
            self._ensure_source(connection, source)
            connection.execute(
                meeting_sources.update()
                .where(meeting_sources.c.name == source.name)
                .values(last_attempt_at=_utc(at), last_error=error)
            )

    def remove_sources_except(self, names: Iterable[str]) -> List[str]:
        """Drops sources no longer listed in sources.yml (or disabled), with their meetings."""
        keep = set(names)
        with self.engine.begin() as connection:
            stored = [row.name for row in connection.execute(sa.select(meeting_sources.c.name))]
            gone = [name for name in stored if name not in keep]
            if gone:
                connection.execute(meetings.delete().where(meetings.c.source.in_(gone)))
                connection.execute(meeting_sources.delete().where(meeting_sources.c.name.in_(gone)))
        return gone

    def statuses(self) -> List[SourceStatus]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(meeting_sources).order_by(meeting_sources.c.name)).all()
        return [
            SourceStatus(
                name=row.name,
                format=row.format,
                location=row.location,
                meetings=row.meetings,
                rows_skipped=row.rows_skipped,
                last_attempt_at=_aware(row.last_attempt_at),
                last_success_at=_aware(row.last_success_at),
                last_error=row.last_error,
            )
            for row in rows
        ]

    def stamp(self) -> Tuple[Tuple[str, int], ...]:
        """Changes whenever any source's meetings change."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(meeting_sources.c.name, meeting_sources.c.version).order_by(meeting_sources.c.name)
            )
            return tuple((row.name, row.version) for row in rows)

    def load(self) -> List[Meeting]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(meetings.c.data).order_by(meetings.c.id)).scalars().all()
        return [Meeting.parse_obj(json.loads(data)) for data in rows]


class IndexCache:
    """The current index for the action server, rebuilt when the stored meetings change."""

    def __init__(self, store: MeetingStore):
        self.store = store
        self._lock = threading.Lock()
        self._stamp: Optional[Tuple[Tuple[str, int], ...]] = None
        self._index = MeetingIndex([])

    def get(self) -> MeetingIndex:
        stamp = self.store.stamp()
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._index = MeetingIndex(self.store.load())
                    self._stamp = stamp
        return self._index
