"""The admissions team's work on callback requests (``leads``): status, notes, CSV export.

Statuses and the changes allowed between them (anything else raises :class:`LeadTransitionError`)::

    new ──────► contacted ──────► enrolled   (final)
     │              │  ▲
     └──► closed ◄──┘  └── closed          (reopened: the person called back)

A lead is contacted before it is enrolled; ``closed`` covers "not interested", "unreachable" and
duplicates. Every change is kept in ``lead_notes`` with its author, the old and new status and an
optional note, in the same transaction as the change itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.storage.db import counts_by, lead_notes, leads
from bot.storage.paging import DEFAULT_PER_PAGE, Page, check_paging
from bot.storage.times import from_db as aware

STATUSES: Tuple[str, ...] = ("new", "contacted", "enrolled", "closed")
TRANSITIONS: Mapping[str, Tuple[str, ...]] = {
    "new": ("contacted", "closed"),
    "contacted": ("enrolled", "closed"),
    "closed": ("contacted",),
    "enrolled": (),
}
MAX_NOTE = 5000
MAX_AUTHOR = 120  # the column's size
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP), also
# after leading white space (spaces, tabs, line breaks), which it skips.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n")  # OWASP: quoted even when no formula follows
CSV_COLUMNS: Tuple[str, ...] = (
    "id",
    "created_at",
    "status",
    "first_name",
    "phone",
    "email",
    "best_time",
    "for_whom",
    "insurance",
    "language",
    "consent_at",
    "conversation_id",
)


class LeadNotFound(LookupError):
    """No lead has this id."""


class LeadTransitionError(ValueError):
    """The lead cannot move to the asked status from the one it is in; the message says why."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class LeadRow:
    id: int
    conversation_id: str
    first_name: str
    phone: Optional[str]
    email: Optional[str]
    best_time: str
    for_whom: str
    insurance: Optional[str]
    consent_at: dt.datetime
    created_at: dt.datetime
    status: str
    note_count: int  # rows in lead_notes: notes and status changes
    updated_at: Optional[dt.datetime]  # the latest note or status change
    language: str  # the conversation's language when they asked (en, es): call back in it


@dataclass(frozen=True)
class LeadNote:
    id: int
    lead_id: int
    at: dt.datetime
    author: str
    note: Optional[str]
    status_from: Optional[str]  # both set when the row records a status change
    status_to: Optional[str]


def allowed_transitions(status: str) -> Tuple[str, ...]:
    """The statuses a lead in ``status`` may move to (empty for a final status)."""
    return TRANSITIONS.get(status, ())


def _note_count() -> Any:
    return (
        sa.select(sa.func.count(lead_notes.c.id)).where(lead_notes.c.lead_id == leads.c.id).scalar_subquery().label("note_count")
    )


def _updated_at() -> Any:
    return sa.select(sa.func.max(lead_notes.c.at)).where(lead_notes.c.lead_id == leads.c.id).scalar_subquery().label("updated_at")


def _lead_query() -> sa.sql.Select:
    return sa.select(leads, _note_count(), _updated_at())


def _lead_row(row: Any) -> LeadRow:
    data = row._mapping
    return LeadRow(
        id=int(data["id"]),
        conversation_id=data["conversation_id"],
        first_name=data["first_name"],
        phone=data["phone"],
        email=data["email"],
        best_time=data["best_time"],
        for_whom=data["for_whom"],
        insurance=data["insurance"],
        consent_at=aware(data["consent_at"]),
        created_at=aware(data["created_at"]),
        status=data["status"],
        note_count=int(data["note_count"] or 0),
        updated_at=aware(data["updated_at"]),
        language=data["language"] or "en",
    )


def lead_rows(connection: Connection, where: Any) -> List[LeadRow]:
    """The leads matching ``where`` (a clause on ``leads``), oldest first."""
    query = _lead_query().where(where).order_by(leads.c.created_at, leads.c.id)
    return [_lead_row(row) for row in connection.execute(query)]


def _note(row: Any) -> LeadNote:
    return LeadNote(
        id=int(row.id),
        lead_id=int(row.lead_id),
        at=aware(row.at),
        author=row.author,
        note=row.note,
        status_from=row.status_from,
        status_to=row.status_to,
    )


def _check_status(status: Optional[str]) -> None:
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown lead status {status!r}: use one of {', '.join(STATUSES)}")


def _clean_author(author: str) -> str:
    if not isinstance(author, str) or not author.strip():
        raise ValueError("the author (the staff member's username) must not be blank")
    author = author.strip()
    if len(author) > MAX_AUTHOR:
        raise ValueError(f"the author is too long (at most {MAX_AUTHOR} characters)")
    return author


def _clean_note(note: Optional[str], required: bool) -> Optional[str]:
    if note is None or (isinstance(note, str) and not note.strip()):
        if required:
            raise ValueError("the note must not be blank")
        return None
    if not isinstance(note, str):
        raise ValueError("the note must be text")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValueError(f"the note is too long (at most {MAX_NOTE} characters)")
    return note


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: strings starting like a formula get a leading quote."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and (value.lstrip().startswith(FORMULA_STARTS) or value.startswith(CONTROL_STARTS)):
        return "'" + value
    return "" if value is None else value


class LeadWorkflow:
    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow):
        self.engine = engine
        self.clock = clock

    def _now(self) -> dt.datetime:
        return self.clock().astimezone(dt.timezone.utc)  # SQLite keeps the wall time: store UTC

    def list(self, status: Optional[str] = None, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> Page[LeadRow]:
        """Leads newest first, all or only those in ``status``."""
        _check_status(status)
        check_paging(page, per_page)
        where = sa.true() if status is None else leads.c.status == status
        query = (
            _lead_query()
            .where(where)
            .order_by(leads.c.created_at.desc(), leads.c.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        with self.engine.connect() as connection:
            total = int(connection.execute(sa.select(sa.func.count()).select_from(leads).where(where)).scalar() or 0)
            items = [_lead_row(row) for row in connection.execute(query)]
        return Page(items=items, total=total, page=page, per_page=per_page)

    def get(self, lead_id: int) -> Optional[LeadRow]:
        with self.engine.connect() as connection:
            row = connection.execute(_lead_query().where(leads.c.id == lead_id)).first()
        return _lead_row(row) if row is not None else None

    def set_status(self, lead_id: int, status: str, author: str, note: Optional[str] = None) -> LeadRow:
        """Moves the lead to ``status`` and records who did it (with ``note``, if any).

        Raises LeadNotFound, LeadTransitionError (not allowed from the current status, including
        "already in it"), or ValueError (blank author, note too long).
        """
        if status not in STATUSES:
            raise LeadTransitionError(f"unknown lead status {status!r}: use one of {', '.join(STATUSES)}")
        author = _clean_author(author)
        note = _clean_note(note, required=False)
        with self.engine.begin() as connection:
            current = connection.execute(sa.select(leads.c.status).where(leads.c.id == lead_id)).scalar()
            if current is None:
                raise LeadNotFound(lead_id)
            if status not in allowed_transitions(current):
                allowed = allowed_transitions(current)
                hint = f"from {current} it can move to: {', '.join(allowed)}" if allowed else f"{current} is final"
                if status == current:
                    raise LeadTransitionError(f"lead {lead_id} is already {current}")
                raise LeadTransitionError(f"lead {lead_id} cannot move from {current} to {status}: {hint}")
            # Conditional on the status just read: two staff members acting at once cannot both win.
            changed = connection.execute(
                leads.update().where(leads.c.id == lead_id, leads.c.status == current).values(status=status)
            ).rowcount
            if changed != 1:
                raise LeadTransitionError(f"lead {lead_id} was changed by someone else meanwhile: reload and try again")
            connection.execute(
                lead_notes.insert().values(
                    lead_id=lead_id, at=self._now(), author=author, note=note, status_from=current, status_to=status
                )
            )
        row = self.get(lead_id)
        assert row is not None
        return row

    def add_note(self, lead_id: int, author: str, note: str) -> LeadNote:
        author = _clean_author(author)
        text = _clean_note(note, required=True)
        at = self._now()
        with self.engine.begin() as connection:
            if connection.execute(sa.select(leads.c.id).where(leads.c.id == lead_id)).first() is None:
                raise LeadNotFound(lead_id)
            result = connection.execute(lead_notes.insert().values(lead_id=lead_id, at=at, author=author, note=text))
            note_id = int(result.inserted_primary_key[0])
        return LeadNote(id=note_id, lead_id=lead_id, at=aware(at), author=author, note=text, status_from=None, status_to=None)

    def notes(self, lead_id: int) -> List[LeadNote]:
        """The lead's notes and status changes, oldest first."""
        with self.engine.connect() as connection:
            if connection.execute(sa.select(leads.c.id).where(leads.c.id == lead_id)).first() is None:
                raise LeadNotFound(lead_id)
            rows = connection.execute(
                sa.select(lead_notes).where(lead_notes.c.lead_id == lead_id).order_by(lead_notes.c.at, lead_notes.c.id)
            )
            return [_note(row) for row in rows]

    def export_csv(self, status: Optional[str] = None) -> str:
        """Every lead (or those in ``status``), oldest first, as RFC 4180 CSV (CRLF line ends).

        Text cells starting with = + - @, also after spaces, tabs or line breaks (or with a tab or
        a line break at all), get a leading ``'`` so a spreadsheet does not run them as formulas;
        a phone number like ``+1 760 ...`` is exported as ``'+1 760 ...`` for that reason.
        """
        _check_status(status)
        where = sa.true() if status is None else leads.c.status == status
        with self.engine.connect() as connection:
            rows = lead_rows(connection, where)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            values: Dict[str, Any] = row.__dict__
            writer.writerow([safe_cell(values[column]) for column in CSV_COLUMNS])
        return out.getvalue()


def leads_for_conversation(connection: Connection, conversation_id: str) -> List[LeadRow]:
    return lead_rows(connection, leads.c.conversation_id == conversation_id)


__all__: Sequence[str] = (
    "LeadNote",
    "LeadNotFound",
    "LeadRow",
    "LeadTransitionError",
    "LeadWorkflow",
    "STATUSES",
    "TRANSITIONS",
    "allowed_transitions",
)


def status_counts(engine: Engine) -> Dict[str, int]:
    """How many leads have each status, and ``all``."""
    return counts_by(engine, leads.c.status, STATUSES)
