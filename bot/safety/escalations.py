"""Crisis escalations: recorded from the conversation's events, worked by staff.

Rasa's tracker store calls :func:`record_crisis_turns` in the transaction that saves a turn's
events (or, when the database refused them, in the one that later copies them from the journal), so
an escalation exists for every crisis message Rasa processed, whether or not the action server is
up. The notification to staff is queued in the same transaction (the outbox, ``notifications``) and
delivered by ``bot.safety.notifier``; ``bot.safety.reconcile`` checks the two against each other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.safety.detector import URGENCY
from bot.safety.names import CRISIS_INTENT, CRISIS_TYPE_ENTITY
from bot.safety.patterns import UNSPECIFIED
from bot.storage.db import counts_by, escalation_messages, escalations, notifications, one_at_a_time

EVENT_CREATED = "escalation.created"
EVENT_UPDATED = "escalation.updated"  # a later message showed another kind of danger
EVENT_REMINDER = "escalation.unacknowledged"
STATUSES = ("open", "acknowledged", "resolved")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite gives back naive datetimes; everything here is stored in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class CrisisMessage:
    conversation_id: str
    crisis_type: str
    text: str
    at: dt.datetime


CRISIS_ANSWER = "utter_crisis"


KNOWN_TYPES = frozenset(URGENCY) | {UNSPECIFIED}


def known_type(value: Any) -> str:
    """A crisis type staff will see; anything else (``/crisis{"crisis_type": "<script>"}`` typed by
    hand) is recorded as unspecified."""
    return value if isinstance(value, str) and value in KNOWN_TYPES else UNSPECIFIED


def _crisis_type_of(parse: Dict[str, Any]) -> Optional[str]:
    return next(
        (e.get("value") for e in parse.get("entities") or [] if e.get("entity") == CRISIS_TYPE_ENTITY and e.get("value")), None
    )


def event_time(event: Dict[str, Any]) -> dt.datetime:
    """When a Rasa event dict happened, in UTC (now, if it has no timestamp)."""
    return dt.datetime.fromtimestamp(float(event.get("timestamp") or 0) or utcnow().timestamp(), dt.timezone.utc)


def crisis_messages(
    conversation_id: str,
    events: Iterable[Dict[str, Any]],
    earlier: Sequence[Dict[str, Any]] = (),
    current_type: Optional[str] = None,
) -> List[CrisisMessage]:
    """The crisis turns among ``events`` (Rasa's event dicts, just saved).

    A turn is a crisis when NLU marked the message as one, or when the assistant gave the crisis
    answer to it (a "yes" to the screening question): every crisis answer reaches staff. Each turn
    counts once, when its first sign of crisis is among the new events; ``earlier`` holds the
    session's events saved before them, for a turn whose answer is saved after its message.
    """
    found: List[CrisisMessage] = []
    last_user: Optional[Dict[str, Any]] = None
    counted = False  # whether the current turn is already a crisis
    for event in earlier:
        if event.get("event") == "user":
            last_user, counted = event, ((event.get("parse_data") or {}).get("intent") or {}).get("name") == CRISIS_INTENT
        elif event.get("event") == "action" and event.get("name") == CRISIS_ANSWER:
            counted = True
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            last_user, counted = event, (parse.get("intent") or {}).get("name") == CRISIS_INTENT
            if counted:
                found.append(
                    CrisisMessage(conversation_id, known_type(_crisis_type_of(parse)), event.get("text") or "", event_time(event))
                )
        elif kind == "action" and event.get("name") == CRISIS_ANSWER and not counted and last_user is not None:
            counted = True
            found.append(CrisisMessage(conversation_id, known_type(current_type), last_user.get("text") or "", event_time(event)))
    return found


def _more_urgent(a: str, b: str) -> str:
    rank = {kind: index for index, kind in enumerate(URGENCY)}
    return min(a, b, key=lambda kind: rank.get(kind, len(rank)))


def queue_notification(connection: Connection, escalation_id: str, event: str, target: str = "primary") -> str:
    notification_id = uuid.uuid4().hex
    now = utcnow()
    connection.execute(
        notifications.insert().values(
            id=notification_id, escalation_id=escalation_id, event=event, target=target, created_at=now, next_attempt_at=now
        )
    )
    return notification_id


def record(connection: Connection, message: CrisisMessage) -> str:
    """Add a crisis message to the conversation's unresolved escalation, opening one if needed."""
    one_at_a_time(connection, f"escalation:{message.conversation_id}")  # a crisis turn and a staff label at once
    current = connection.execute(
        sa.select(escalations.c.id, escalations.c.crisis_type).where(
            escalations.c.conversation_id == message.conversation_id, escalations.c.status != "resolved"
        )
    ).first()
    if current is None:
        escalation_id = uuid.uuid4().hex
        connection.execute(
            escalations.insert().values(
                id=escalation_id,
                conversation_id=message.conversation_id,
                crisis_type=message.crisis_type,
                message=message.text,
                created_at=message.at,
                last_message_at=message.at,
                status="open",
            )
        )
        event: Optional[str] = EVENT_CREATED
    else:
        escalation_id = current.id
        seen = set(
            connection.execute(
                sa.select(escalation_messages.c.crisis_type).where(escalation_messages.c.escalation_id == escalation_id)
            ).scalars()
        )
        connection.execute(
            escalations.update()
            .where(escalations.c.id == escalation_id)
            .values(last_message_at=message.at, crisis_type=_more_urgent(current.crisis_type, message.crisis_type))
        )
        event = EVENT_UPDATED if message.crisis_type not in seen else None
    connection.execute(
        escalation_messages.insert().values(
            escalation_id=escalation_id, crisis_type=message.crisis_type, message=message.text, at=message.at
        )
    )
    if event is not None:
        queue_notification(connection, escalation_id, event)
    return escalation_id


def record_crisis_events(
    engine: Engine,
    conversation_id: str,
    events: Iterable[Dict[str, Any]],
    earlier: Sequence[Dict[str, Any]] = (),
    current_type: Optional[str] = None,
) -> List[str]:
    """Record every crisis turn among newly saved events; one transaction for all of them."""
    with engine.begin() as connection:
        return record_crisis_turns(connection, conversation_id, events, earlier, current_type)


def record_crisis_turns(
    connection: Connection,
    conversation_id: str,
    events: Iterable[Dict[str, Any]],
    earlier: Sequence[Dict[str, Any]] = (),
    current_type: Optional[str] = None,
) -> List[str]:
    """:func:`record_crisis_events` inside the caller's transaction (the tracker store's turn)."""
    return [record(connection, message) for message in crisis_messages(conversation_id, events, earlier, current_type)]


class EscalationNotFound(LookupError):
    pass


class InvalidTransition(ValueError):
    """The escalation is not in a state that allows this change (e.g. acknowledging a resolved one)."""


def _row(row: Any) -> Dict[str, Any]:
    data = dict(row._mapping)
    for key, value in data.items():
        if isinstance(value, dt.datetime):
            data[key] = as_utc(value)
    return data


class EscalationStore:
    """What staff (and the JSON API) do with escalations."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def counts(self) -> Dict[str, int]:
        """How many escalations have each status, and ``all``."""
        return counts_by(self.engine, escalations.c.status, STATUSES)

    def list(self, status: Optional[str] = None, limit: int = 100) -> List[Dict[str, Any]]:
        query = sa.select(escalations).order_by(escalations.c.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(escalations.c.status == status)
        with self.engine.connect() as connection:
            return [_row(row) for row in connection.execute(query)]

    def get(self, escalation_id: str) -> Dict[str, Any]:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(escalations).where(escalations.c.id == escalation_id)).first()
            if row is None:
                raise EscalationNotFound(escalation_id)
            data = _row(row)
            data["messages"] = [
                _row(m)
                for m in connection.execute(
                    sa.select(escalation_messages.c.crisis_type, escalation_messages.c.message, escalation_messages.c.at)
                    .where(escalation_messages.c.escalation_id == escalation_id)
                    .order_by(escalation_messages.c.id)
                )
            ]
            data["notifications"] = [
                _row(n)
                for n in connection.execute(
                    sa.select(
                        notifications.c.id,
                        notifications.c.event,
                        notifications.c.target,
                        notifications.c.created_at,
                        notifications.c.attempts,
                        notifications.c.delivered_at,
                        notifications.c.last_status,
                        notifications.c.last_error,
                    )
                    .where(notifications.c.escalation_id == escalation_id)
                    .order_by(notifications.c.created_at)
                )
            ]
        return data

    def unresolved(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        """The conversation's escalation in progress (id, status, crisis_type), if any."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(escalations.c.id, escalations.c.status, escalations.c.crisis_type).where(
                    escalations.c.conversation_id == conversation_id, escalations.c.status != "resolved"
                )
            ).first()
        return dict(row._mapping) if row is not None else None

    def _transition(self, escalation_id: str, allowed_from: Iterable[str], values: Dict[str, Any]) -> Dict[str, Any]:
        with self.engine.begin() as connection:
            conversation_id = connection.execute(
                sa.select(escalations.c.conversation_id).where(escalations.c.id == escalation_id)
            ).scalar()
            if conversation_id is None:
                raise EscalationNotFound(escalation_id)
            # A crisis message being added (record) waits, or is added first: never to a resolved one.
            one_at_a_time(connection, f"escalation:{conversation_id}")
            status = connection.execute(sa.select(escalations.c.status).where(escalations.c.id == escalation_id)).scalar()
            if status not in allowed_from:
                raise InvalidTransition(f"escalation {escalation_id} is {status}")
            # Only from the status read: a resolve and an acknowledge at once must not leave a
            # resolved escalation acknowledged (unresolved) again.
            changed = connection.execute(
                escalations.update()
                .where(escalations.c.id == escalation_id, escalations.c.status.in_(tuple(allowed_from)))
                .values(**values)
            ).rowcount
            if changed == 0:
                raise InvalidTransition(f"escalation {escalation_id} changed meanwhile: read it again")
        return self.get(escalation_id)

    def acknowledge(self, escalation_id: str, by: str, note: Optional[str] = None) -> Dict[str, Any]:
        values: Dict[str, Any] = {"status": "acknowledged", "acknowledged_by": by, "acknowledged_at": utcnow()}
        if note:
            values["note"] = note
        return self._transition(escalation_id, ("open",), values)

    def reopen(self, escalation_id: str, note: str) -> bool:
        """An acknowledged escalation nobody is answering any more (a crisis chat whose staff
        member's console went quiet): open again, and staff are notified at once. False when it
        was not acknowledged (still open, or resolved)."""
        now = utcnow()
        with self.engine.begin() as connection:
            reopened = connection.execute(
                escalations.update()
                .where(escalations.c.id == escalation_id, escalations.c.status == "acknowledged")
                .values(
                    status="open",
                    acknowledged_by=None,
                    acknowledged_at=None,
                    note=note,
                    last_reminder_at=now,
                    reminders_sent=escalations.c.reminders_sent + 1,
                )
            ).rowcount
            if reopened:
                queue_notification(connection, escalation_id, EVENT_REMINDER)
        return bool(reopened)

    def resolve(self, escalation_id: str, by: str, note: Optional[str] = None) -> Dict[str, Any]:
        values: Dict[str, Any] = {"status": "resolved", "resolved_by": by, "resolved_at": utcnow()}
        if note:
            values["note"] = note
        return self._transition(escalation_id, ("open", "acknowledged"), values)
