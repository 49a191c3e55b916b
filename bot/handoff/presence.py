"""Which staff members answer live chats now.

A staff member is *available* when they switched it on at the console's live page and that page
has reported within ``FRESH_SECONDS`` (it reports every few seconds while open; the web app writes
one report in ``REPORT_SECONDS``). A closed tab, a
lost connection or a laptop going to sleep therefore stops counting by itself, and the assistant
never promises a person who is not there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage.db import staff_presence, staff_users
from bot.storage.times import from_db, to_utc

# Background tabs may be throttled to about one timer a minute, so allow two missed reports.
FRESH_SECONDS = 150
REPORT_SECONDS = 30


class PresenceStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._written: Dict[str, dt.datetime] = {}  # the last report this store wrote, per staff member

    def _upsert(self, username: str, values: dict, at: dt.datetime) -> None:
        update = staff_presence.update().where(staff_presence.c.username == username).values(seen_at=to_utc(at), **values)
        try:
            with self.engine.begin() as connection:
                if not connection.execute(update).rowcount:
                    connection.execute(
                        staff_presence.insert().values(
                            username=username, seen_at=to_utc(at), available=bool(values.get("available", False))
                        )
                    )
        except sa.exc.IntegrityError:  # two tabs' first reports at once: the row exists now
            with self.engine.begin() as connection:
                connection.execute(update)

    def set_available(self, username: str, available: bool, at: dt.datetime) -> None:
        self._upsert(username, {"available": available}, at)

    def seen(self, username: str, at: dt.datetime, *, at_most_every: float = 0) -> None:
        """The live page is still open for ``username``.

        The console's pages report every second or two; with ``at_most_every`` (seconds) only the
        first report of each interval is written, so the reports cost no write lock on the database
        the conversations are saved in, while staying far fresher than FRESH_SECONDS needs.
        """
        last = self._written.get(username)
        if last is not None and dt.timedelta(0) <= at - last < dt.timedelta(seconds=at_most_every):
            return
        self._upsert(username, {}, at)
        self._written[username] = at

    def is_available(self, username: str, at: dt.datetime) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(staff_presence.c.available, staff_presence.c.seen_at).where(staff_presence.c.username == username)
            ).first()
        return bool(row and row.available and self._fresh(from_db(row.seen_at), at))

    def is_marked_available(self, username: str) -> bool:
        """The switch itself, whether or not the page is open now (to draw the switch)."""
        with self.engine.connect() as connection:
            value = connection.execute(
                sa.select(staff_presence.c.available).where(staff_presence.c.username == username)
            ).scalar()
        return bool(value)

    @staticmethod
    def _available_at(at: dt.datetime) -> Any:
        """Switched on, and reported within FRESH_SECONDS of ``at``."""
        since = to_utc(at - dt.timedelta(seconds=FRESH_SECONDS))
        return sa.and_(staff_presence.c.available.is_(True), staff_presence.c.seen_at >= since)

    def available(self, at: dt.datetime) -> List[str]:
        """Usernames available for a live chat at ``at``."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(staff_presence.c.username).where(self._available_at(at)).order_by(staff_presence.c.username)
            ).scalars()
            return list(rows)

    def available_roles(self, at: dt.datetime) -> List[Tuple[str, str]]:
        """(username, role) of every enabled staff account available at ``at``."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(staff_presence.c.username, staff_users.c.role)
                .join(staff_users, staff_users.c.username == staff_presence.c.username)
                .where(self._available_at(at), staff_users.c.disabled.is_(False))
                .order_by(staff_presence.c.username)
            ).all()
        return [(row.username, row.role) for row in rows]

    def last_seen(self, username: str) -> Optional[dt.datetime]:
        with self.engine.connect() as connection:
            value = connection.execute(sa.select(staff_presence.c.seen_at).where(staff_presence.c.username == username)).scalar()
        return from_db(value)

    @staticmethod
    def _fresh(seen_at: dt.datetime, at: dt.datetime) -> bool:
        return at - seen_at <= dt.timedelta(seconds=FRESH_SECONDS)
