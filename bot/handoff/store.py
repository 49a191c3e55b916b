"""Handoff records and their transitions (table ``handoffs`` in bot/storage/db.py).

::

    (request) ──> waiting ──take──> active ──hand back──> returned
                     │                 └─────close─────> closed
                     └──nobody in time──> expired
    (take-over of a conversation with no request, e.g. a crisis) ──> active

Every transition is one guarded UPDATE (``WHERE status = ...``), so two staff members clicking
"Take over" at once cannot both win, and a timeout cannot expire a request someone just took.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from typing import Any, Iterable, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.storage.db import handoffs, staff_presence
from bot.storage.times import from_db, to_utc

REASONS = ("requested", "crisis", "staff")
OPEN = ("waiting", "active")
SYSTEM = "system"  # ended_by for what the timer ended


@dataclass(frozen=True)
class Handoff:
    id: str
    conversation_id: str
    reason: str
    status: str
    requested_at: dt.datetime
    taken_at: Optional[dt.datetime] = None
    taken_by: Optional[str] = None
    staff_name: Optional[str] = None
    ended_at: Optional[dt.datetime] = None
    ended_by: Optional[str] = None

    @classmethod
    def from_row(cls, row: Any) -> "Handoff":
        return cls(
            id=row.id,
            conversation_id=row.conversation_id,
            reason=row.reason,
            status=row.status,
            requested_at=from_db(row.requested_at),
            taken_at=from_db(row.taken_at),
            taken_by=row.taken_by,
            staff_name=row.staff_name,
            ended_at=from_db(row.ended_at),
            ended_by=row.ended_by,
        )


class HandoffNotFound(LookupError):
    pass


class HandoffTaken(Exception):
    """Another staff member has the conversation; ``handoff`` says who."""

    def __init__(self, handoff: Handoff) -> None:
        super().__init__(f"{handoff.staff_name or handoff.taken_by} is already chatting in this conversation")
        self.handoff = handoff


class NotYours(Exception):
    """Only the staff member chatting may write, hand back or close."""


class _Retry(Exception):
    """A guarded update lost a race: read the current state again."""


class HandoffStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- reading ---------------------------------------------------------------------------------

    @staticmethod
    def _open(connection: Connection, conversation_id: str) -> Optional[Handoff]:
        row = connection.execute(
            sa.select(handoffs).where(handoffs.c.conversation_id == conversation_id, handoffs.c.status.in_(OPEN))
        ).first()
        return Handoff.from_row(row) if row else None

    def open_for(self, conversation_id: str) -> Optional[Handoff]:
        """The waiting or active handoff of a conversation, if any."""
        with self.engine.connect() as connection:
            return self._open(connection, conversation_id)

    def get(self, handoff_id: str) -> Handoff:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
        if row is None:
            raise HandoffNotFound(handoff_id)
        return Handoff.from_row(row)

    def live(self) -> List[Handoff]:
        """Every waiting and active handoff, the longest waiting first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(handoffs).where(handoffs.c.status.in_(OPEN)).order_by(handoffs.c.requested_at, handoffs.c.id)
            ).all()
        return [Handoff.from_row(row) for row in rows]

    def latest_for(self, conversation_ids: Iterable[str]) -> List[Handoff]:
        ids = list(conversation_ids)
        if not ids:
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(handoffs).where(handoffs.c.conversation_id.in_(ids)).order_by(handoffs.c.requested_at)
            ).all()
        return [Handoff.from_row(row) for row in rows]

    # --- transitions -----------------------------------------------------------------------------

    def request(self, conversation_id: str, reason: str, at: dt.datetime) -> Tuple[Handoff, bool]:
        """A new waiting request, or the conversation's open one (created is then False)."""
        if reason not in REASONS:
            raise ValueError(f"unknown handoff reason {reason!r}")
        try:
            with self.engine.begin() as connection:
                current = self._open(connection, conversation_id)
                if current is not None:
                    return current, False
                handoff = Handoff(uuid.uuid4().hex, conversation_id, reason, "waiting", to_utc(at))
                connection.execute(
                    handoffs.insert().values(
                        id=handoff.id,
                        conversation_id=conversation_id,
                        reason=reason,
                        status="waiting",
                        requested_at=handoff.requested_at,
                    )
                )
                return handoff, True
        except sa.exc.IntegrityError:  # a request from a second process won the race
            current = self.open_for(conversation_id)
            if current is None:
                raise
            return current, False

    def take(
        self,
        conversation_id: str,
        username: str,
        staff_name: str,
        at: dt.datetime,
        reason: str = "staff",
        *,
        replacing: Optional[str] = None,
    ) -> Tuple[Handoff, Optional[Handoff]]:
        """Make ``username`` the conversation's live staff member.

        Returns the active handoff and what was there before (None, the waiting request, or the
        chat ``replacing`` held), which :meth:`undo_take` needs if the assistant cannot be paused.
        Taking a conversation one already has is harmless. HandoffTaken when another staff member
        has it, unless that is ``replacing`` (a clinician taking a crisis over from admissions).
        """
        if reason not in REASONS:
            raise ValueError(f"unknown handoff reason {reason!r}")
        when = to_utc(at)
        taken = dict(status="active", taken_at=when, taken_by=username, staff_name=staff_name)
        try:
            with self.engine.begin() as connection:
                current = self._open(connection, conversation_id)
                if current is None:
                    handoff_id = uuid.uuid4().hex
                    connection.execute(
                        handoffs.insert().values(
                            id=handoff_id, conversation_id=conversation_id, reason=reason, requested_at=when, **taken
                        )
                    )
                elif current.status == "waiting":
                    handoff_id = current.id
                    won = connection.execute(
                        handoffs.update().where(handoffs.c.id == current.id, handoffs.c.status == "waiting").values(**taken)
                    ).rowcount
                    if not won:  # it changed under us (taken, or expired): decide again on what is there now
                        raise _Retry()
                elif current.taken_by == username:
                    return current, current
                elif replacing is not None and current.taken_by == replacing:
                    handoff_id = current.id
                    won = connection.execute(
                        handoffs.update()
                        .where(handoffs.c.id == current.id, handoffs.c.status == "active", handoffs.c.taken_by == replacing)
                        .values(taken_at=when, taken_by=username, staff_name=staff_name)
                    ).rowcount
                    if not won:
                        raise _Retry()
                else:
                    raise HandoffTaken(current)
                row = connection.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
                return Handoff.from_row(row), current
        except _Retry:
            return self.take(conversation_id, username, staff_name, at, reason, replacing=replacing)
        except sa.exc.IntegrityError:  # another process opened one first
            current = self.open_for(conversation_id)
            if current is None:
                raise
            if current.status == "active" and current.taken_by == username:
                return current, current
            if current.status == "waiting" or (replacing is not None and current.taken_by == replacing):
                return self.take(conversation_id, username, staff_name, at, reason, replacing=replacing)
            raise HandoffTaken(current) from None

    def undo_take(self, handoff: Handoff, before: Optional[Handoff]) -> None:
        """Put things back as they were before :meth:`take` (the assistant could not be paused)."""
        with self.engine.begin() as connection:
            if before is None:
                connection.execute(handoffs.delete().where(handoffs.c.id == handoff.id, handoffs.c.status == "active"))
            elif before.status == "waiting":
                connection.execute(
                    handoffs.update()
                    .where(handoffs.c.id == handoff.id, handoffs.c.status == "active")
                    .values(status="waiting", taken_at=None, taken_by=None, staff_name=None)
                )
            elif before.taken_by != handoff.taken_by:  # the chat goes back to whoever held it
                connection.execute(
                    handoffs.update()
                    .where(handoffs.c.id == handoff.id, handoffs.c.status == "active", handoffs.c.taken_by == handoff.taken_by)
                    .values(taken_at=before.taken_at, taken_by=before.taken_by, staff_name=before.staff_name)
                )

    def end(self, conversation_id: str, username: str, status: str, at: dt.datetime) -> Handoff:
        """Hand back (``returned``) or close (``closed``) the active handoff ``username`` has."""
        if status not in ("returned", "closed"):
            raise ValueError(f"a handoff ends returned or closed, not {status!r}")
        with self.engine.begin() as connection:
            current = self._open(connection, conversation_id)
            if current is None or current.status != "active":
                raise HandoffNotFound(conversation_id)
            if current.taken_by != username:
                raise NotYours(current.staff_name or current.taken_by)
            connection.execute(
                handoffs.update()
                .where(handoffs.c.id == current.id, handoffs.c.status == "active")
                .values(status=status, ended_at=to_utc(at), ended_by=username)
            )
            row = connection.execute(sa.select(handoffs).where(handoffs.c.id == current.id)).first()
            return Handoff.from_row(row)

    def expire_waiting(self, requested_before: dt.datetime, at: dt.datetime) -> List[Handoff]:
        """Mark every request nobody took since ``requested_before`` expired; returns them."""
        expired = []
        with self.engine.begin() as connection:
            rows = connection.execute(
                sa.select(handoffs).where(handoffs.c.status == "waiting", handoffs.c.requested_at <= to_utc(requested_before))
            ).all()
            for row in rows:
                won = connection.execute(
                    handoffs.update()
                    .where(handoffs.c.id == row.id, handoffs.c.status == "waiting")
                    .values(status="expired", ended_at=to_utc(at), ended_by=SYSTEM)
                ).rowcount
                if won:
                    expired.append(replace(Handoff.from_row(row), status="expired", ended_at=to_utc(at), ended_by=SYSTEM))
        return expired

    def reopen(self, handoff_id: str) -> bool:
        """An expiry whose notice could not be delivered: wait again, so the next sweep retries it.

        False when the conversation has another open handoff by now (a new request, a take-over):
        the expiry then stays, since the person is no longer waiting on this one.
        """
        try:
            with self.engine.begin() as connection:
                return bool(
                    connection.execute(
                        handoffs.update()
                        .where(handoffs.c.id == handoff_id, handoffs.c.status == "expired")
                        .values(status="waiting", ended_at=None, ended_by=None)
                    ).rowcount
                )
        except sa.exc.IntegrityError:
            return False

    def abandoned(self, seen_before: dt.datetime) -> List[Handoff]:
        """Active handoffs whose staff member's console has not reported since ``seen_before``."""
        cutoff = to_utc(seen_before)
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(handoffs)
                .select_from(handoffs.outerjoin(staff_presence, staff_presence.c.username == handoffs.c.taken_by))
                .where(
                    handoffs.c.status == "active",
                    handoffs.c.taken_at <= cutoff,
                    sa.or_(staff_presence.c.seen_at.is_(None), staff_presence.c.seen_at <= cutoff),
                )
            ).all()
        return [Handoff.from_row(row) for row in rows]

    def end_abandoned(self, handoff: Handoff, at: dt.datetime) -> bool:
        """Hand an abandoned conversation back to the assistant; False if its staff member acted first."""
        with self.engine.begin() as connection:
            return bool(
                connection.execute(
                    handoffs.update()
                    .where(handoffs.c.id == handoff.id, handoffs.c.status == "active", handoffs.c.taken_by == handoff.taken_by)
                    .values(status="returned", ended_at=to_utc(at), ended_by=SYSTEM)
                ).rowcount
            )
