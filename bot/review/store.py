"""The review inbox's records: messages in (from each saved turn, or a staff flag), labels out.

Rows are grouped by :func:`bot.review.normalize.review_key`, so a message people keep writing is
one row with a count, labelled once. Who sees what follows the transcripts' rule: a message from
a conversation linked to an enrolled client is a treatment record, never shown to admissions.

A label of ``crisis`` on messages the net did not treat as one makes each a *missed crisis*; when
its conversation had a message in the last 24 hours and nobody has been alerted since, an
escalation is raised now, which pages the clinical team as any other does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.review.collect import DEFAULT_THRESHOLDS, FLAGGED, REASONS, Observation, Thresholds, judge, observations
from bot.review.normalize import review_key
from bot.safety.escalations import CrisisMessage, record, utcnow
from bot.safety.names import CRISIS_INTENT
from bot.safety.patterns import UNSPECIFIED
from bot.storage.db import client_conversations, escalations, missed_crises, one_at_a_time, review_items, review_labels
from bot.storage.paging import DEFAULT_PER_PAGE, Page, check_paging
from bot.storage.rasa_events import events

DECISIONS = ("confirm", "correct", "new_topic", "exclude")
ACTIVE_WINDOW = dt.timedelta(hours=24)


class NotFound(LookupError):
    pass


class InvalidLabel(ValueError):
    pass


@dataclass(frozen=True)
class InboxFilter:
    reason: Optional[str] = None
    intent: Optional[str] = None
    since: Optional[dt.datetime] = None
    until: Optional[dt.datetime] = None
    status: Literal["todo", "labeled", "all"] = "todo"
    order: Literal["newest", "frequent"] = "newest"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    include_client_conversations: bool = True  # False for roles that may not see treatment records

    def __post_init__(self) -> None:
        check_paging(self.page, self.per_page)
        if self.reason is not None and self.reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}, not {self.reason!r}")


@dataclass(frozen=True)
class Label:
    decision: str
    intent: Optional[str]
    note: Optional[str]
    labeled_by: str
    labeled_at: dt.datetime


@dataclass(frozen=True)
class Alternative:
    intent: str
    confidence: float


@dataclass(frozen=True)
class InboxRow:
    key: str
    text: str  # the newest occurrence, as written
    count: int
    conversations: int
    first_at: dt.datetime
    last_at: dt.datetime
    reasons: List[str]
    intent: Optional[str]
    confidence: Optional[float]
    alternatives: List[Alternative]
    reply: Optional[str]
    conversation_id: str  # of the newest occurrence
    label: Optional[Label] = None


@dataclass(frozen=True)
class MissedCrisis:
    conversation_id: str
    text: str
    message_at: dt.datetime
    labeled_by: str
    labeled_at: dt.datetime
    escalation_id: Optional[str]  # raised by the label; None: the conversation was not recent, or someone was alerted


@dataclass(frozen=True)
class Standing:
    client_linked: bool
    escalated: bool


@dataclass(frozen=True)
class LabelOutcome:
    label: Label
    missed_crises: int = 0  # occurrences newly counted as missed crises
    escalations: List[str] = field(default_factory=list)  # raised now

    def audit_detail(self) -> str:
        """What the audit log says of the label: the decision and intent, never the message."""
        detail = self.label.decision + (f" {self.label.intent}" if self.label.intent else "")
        if self.missed_crises:
            detail += f"; missed crises {self.missed_crises}, escalations raised {len(self.escalations)}"
        return detail


def _reasons(value: str) -> List[str]:
    return [reason for reason in value.split(",") if reason]


def _wrap(reasons: Sequence[str]) -> str:
    ordered = [reason for reason in REASONS if reason in set(reasons)]
    return "," + ",".join(ordered) + ","


def add_observations(
    connection: Connection, conversation_id: str, found: Sequence[Observation], flagged_by: Optional[str] = None
) -> int:
    """Each observation as an inbox item; a message already in merges the new reasons into its own."""
    added = 0
    for item in found:
        existing = connection.execute(
            sa.select(review_items.c.id, review_items.c.reasons).where(
                review_items.c.conversation_id == conversation_id, review_items.c.event_timestamp == item.timestamp
            )
        ).first()
        if existing is not None:
            merged = _wrap(_reasons(existing.reasons) + item.reasons)
            values: Dict[str, Any] = {"reasons": merged}
            if flagged_by:
                values["flagged_by"] = flagged_by
            connection.execute(review_items.update().where(review_items.c.id == existing.id).values(**values))
            continue
        connection.execute(
            review_items.insert().values(
                conversation_id=conversation_id,
                event_timestamp=item.timestamp,
                message_at=item.at,
                text=item.text,
                key=review_key(item.text),
                reasons=_wrap(item.reasons),
                intent=item.intent,
                confidence=item.confidence,
                alternatives=json.dumps(item.alternatives),
                reply=item.reply,
                handled_as_crisis=item.handled_as_crisis,
                flagged_by=flagged_by,
                created_at=utcnow(),
            )
        )
        added += 1
    return added


def add_turn(
    connection: Connection,
    conversation_id: str,
    new: Sequence[Dict[str, Any]],
    earlier: Sequence[Dict[str, Any]] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> int:
    """The inbox items of a turn just saved, in the caller's transaction (the tracker store's)."""
    found = observations(new, earlier, thresholds)
    return add_observations(connection, conversation_id, found) if found else 0


def visibility(flt: InboxFilter) -> List[Any]:
    """The conditions on review_items for what the filter's viewer may see."""
    conditions: List[Any] = []
    if not flt.include_client_conversations:
        linked = sa.select(client_conversations.c.client_id).where(
            client_conversations.c.conversation_id == review_items.c.conversation_id
        )
        conditions.append(~sa.exists(linked))
    return conditions


def _conditions(flt: InboxFilter) -> List[Any]:
    conditions = visibility(flt)
    if flt.reason:
        conditions.append(review_items.c.reasons.like(f"%,{flt.reason},%"))
    if flt.intent:
        conditions.append(review_items.c.intent == flt.intent)
    if flt.since:
        conditions.append(review_items.c.message_at >= flt.since)
    if flt.until:
        conditions.append(review_items.c.message_at < flt.until)
    return conditions


def _label(row: Any) -> Optional[Label]:
    if row is None or row.decision is None:
        return None
    return Label(row.decision, row.label_intent, row.note, row.labeled_by, row.labeled_at)


class ReviewStore:
    def __init__(self, engine: Engine, thresholds: Thresholds = DEFAULT_THRESHOLDS):
        self.engine = engine
        self.thresholds = thresholds

    # --- the inbox ---------------------------------------------------------------------------

    def page(self, flt: InboxFilter) -> Page[InboxRow]:
        conditions = _conditions(flt)
        grouped = (
            sa.select(
                review_items.c.key,
                sa.func.count().label("n"),
                sa.func.count(sa.distinct(review_items.c.conversation_id)).label("conversations"),
                sa.func.max(review_items.c.id).label("last_id"),
                sa.func.min(review_items.c.message_at).label("first_at"),
                sa.func.max(review_items.c.message_at).label("last_at"),
            )
            .where(*conditions)
            .group_by(review_items.c.key)
            .subquery("grouped")
        )
        joined = grouped.outerjoin(review_labels, review_labels.c.key == grouped.c.key)
        status: List[Any] = []
        if flt.status == "todo":
            status.append(review_labels.c.key.is_(None))
        elif flt.status == "labeled":
            status.append(review_labels.c.key.is_not(None))
        order = (
            [grouped.c.n.desc(), grouped.c.last_at.desc()]
            if flt.order == "frequent"
            else [grouped.c.last_at.desc(), grouped.c.n.desc()]
        )
        with self.engine.connect() as connection:
            total = connection.execute(sa.select(sa.func.count()).select_from(joined).where(*status)).scalar_one()
            offset = (flt.page - 1) * flt.per_page
            groups = connection.execute(
                sa.select(
                    grouped,
                    review_labels.c.decision,
                    review_labels.c.intent.label("label_intent"),
                    review_labels.c.note,
                    review_labels.c.labeled_by,
                    review_labels.c.labeled_at,
                )
                .select_from(joined)
                .where(*status)
                .order_by(*order, grouped.c.key)
                .limit(flt.per_page)
                .offset(offset)
            ).all()
            keys = [group.key for group in groups]
            latest = {
                row.id: row
                for row in connection.execute(
                    sa.select(review_items).where(review_items.c.id.in_([group.last_id for group in groups]))
                )
            }
            reasons: Dict[str, set] = {key: set() for key in keys}
            if keys:
                for row in connection.execute(
                    sa.select(review_items.c.key, review_items.c.reasons)
                    .where(review_items.c.key.in_(keys), *conditions)
                    .distinct()
                ):
                    reasons[row.key].update(_reasons(row.reasons))
        rows = []
        for group in groups:
            item = latest[group.last_id]
            rows.append(
                InboxRow(
                    key=group.key,
                    text=item.text,
                    count=int(group.n),
                    conversations=int(group.conversations),
                    first_at=group.first_at,
                    last_at=group.last_at,
                    reasons=[reason for reason in REASONS if reason in reasons[group.key]],
                    intent=item.intent,
                    confidence=item.confidence,
                    alternatives=[
                        Alternative(str(a["intent"]), float(a["confidence"])) for a in json.loads(item.alternatives or "[]")
                    ],
                    reply=item.reply,
                    conversation_id=item.conversation_id,
                    label=_label(group),
                )
            )
        return Page(rows, int(total), flt.page, flt.per_page)

    def predicted_intents(self) -> List[str]:
        """The intents the inbox's messages were read as, for the filter."""
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(review_items.c.intent).where(review_items.c.intent.is_not(None)).distinct()
            ).scalars()
            return sorted(str(name) for name in found)

    def standing(self, conversation_id: str) -> Optional[Standing]:
        """Whether a conversation exists, is an enrolled client's, and has an escalation (who may open it)."""
        with self.engine.connect() as connection:
            if connection.execute(sa.select(events.c.id).where(events.c.sender_id == conversation_id).limit(1)).first() is None:
                return None
            linked = connection.execute(
                sa.select(client_conversations.c.client_id)
                .where(client_conversations.c.conversation_id == conversation_id)
                .limit(1)
            ).first()
            escalated = connection.execute(
                sa.select(escalations.c.id).where(escalations.c.conversation_id == conversation_id).limit(1)
            ).first()
        return Standing(client_linked=linked is not None, escalated=escalated is not None)

    def missed(self, limit: int = 50) -> List[MissedCrisis]:
        """The crises staff found that the net missed, newest label first (for the clinical team)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(missed_crises, review_items.c.text, review_items.c.message_at)
                .join(review_items, review_items.c.id == missed_crises.c.item_id)
                .order_by(missed_crises.c.labeled_at.desc(), missed_crises.c.id.desc())
                .limit(limit)
            ).all()
        return [
            MissedCrisis(row.conversation_id, row.text, row.message_at, row.labeled_by, row.labeled_at, row.escalation_id)
            for row in rows
        ]

    # --- flags -------------------------------------------------------------------------------

    def flag(self, conversation_id: str, timestamp: float, by: str) -> str:
        """A staff member's flag on one user message of a transcript; returns its inbox key."""
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(events.c.data).where(
                    events.c.sender_id == conversation_id,
                    events.c.type_name == "user",
                    # the transcript gives the time to the microsecond; Rasa stores a float
                    events.c.timestamp.between(timestamp - 0.0005, timestamp + 0.0005),
                )
            ).first()
            if row is None:
                raise NotFound("No user message at that time in that conversation")
            event = json.loads(row.data)
            timestamp = float(event.get("timestamp") or timestamp)
            text = str(event.get("text") or "").strip()
            if not text:
                raise NotFound("That message has no text to review")
            reasons, top, confidence, alternatives = judge(event.get("parse_data") or {}, self.thresholds)
            intent_name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            item = Observation(
                text=text,
                timestamp=float(timestamp),
                reasons=[*reasons, FLAGGED],
                intent=top,
                confidence=confidence,
                alternatives=alternatives,
                reply=self._reply_after(connection, conversation_id, timestamp),
                handled_as_crisis=intent_name == CRISIS_INTENT,
            )
            add_observations(connection, conversation_id, [item], flagged_by=by)
        return review_key(text)

    @staticmethod
    def _reply_after(connection: Connection, conversation_id: str, timestamp: float) -> Optional[str]:
        rows = connection.execute(
            sa.select(events.c.type_name, events.c.data)
            .where(events.c.sender_id == conversation_id, events.c.timestamp > timestamp)
            .order_by(events.c.id)
            .limit(20)
        ).all()
        texts = []
        for row in rows:
            if row.type_name == "user":
                break
            if row.type_name == "bot":
                text = json.loads(row.data).get("text")
                if text:
                    texts.append(str(text))
        return "\n\n".join(texts)[:600] or None

    # --- labels ------------------------------------------------------------------------------

    def label(self, key: str, decision: str, intent: Optional[str], note: Optional[str], by: str) -> LabelOutcome:
        """Label every message of a row; a crisis the net missed is counted and, if recent, escalated."""
        if decision not in DECISIONS:
            raise InvalidLabel(f"decision must be one of {', '.join(DECISIONS)}")
        if decision in ("confirm", "correct") and not intent:
            raise InvalidLabel(f"a {decision} needs the intent the message meant")
        if decision == "new_topic" and not (note or "").strip():
            raise InvalidLabel("a new topic needs a note saying what the person wanted")
        now = utcnow()
        values = {"decision": decision, "intent": intent, "note": note, "labeled_by": by, "labeled_at": now}
        outcome_missed, raised = 0, []
        with self.engine.begin() as connection:
            items = connection.execute(sa.select(review_items).where(review_items.c.key == key)).all()
            if not items:
                raise NotFound("No inbox row with that key")
            one_at_a_time(connection, f"review_label:{key}")  # two staff labelling the row at once
            updated = connection.execute(review_labels.update().where(review_labels.c.key == key).values(**values))
            if updated.rowcount == 0:
                connection.execute(review_labels.insert().values(key=key, **values))
            if intent == CRISIS_INTENT and decision in ("confirm", "correct"):
                outcome_missed, raised = self._missed(connection, items, by, now)
        return LabelOutcome(Label(decision, intent, note, by, now), outcome_missed, raised)

    @staticmethod
    def _missed(connection: Connection, items: Sequence[Any], by: str, now: dt.datetime) -> tuple:
        counted, raised = 0, []
        for item in items:
            if item.handled_as_crisis:
                continue
            already = connection.execute(sa.select(missed_crises.c.id).where(missed_crises.c.item_id == item.id)).first()
            if already is not None:
                continue
            escalation_id = None
            if _needs_alert(connection, item.conversation_id, item.message_at, now):
                message = CrisisMessage(item.conversation_id, UNSPECIFIED, item.text, now)
                escalation_id = record(connection, message)
                raised.append(escalation_id)
            connection.execute(
                missed_crises.insert().values(
                    item_id=item.id,
                    conversation_id=item.conversation_id,
                    labeled_by=by,
                    labeled_at=now,
                    escalation_id=escalation_id,
                )
            )
            counted += 1
        return counted, raised


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def _needs_alert(connection: Connection, conversation_id: str, message_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a missed crisis should page now: its conversation was active in the last 24 hours,
    and no escalation has been raised for it since the message (nobody was alerted)."""
    last = connection.execute(sa.select(sa.func.max(events.c.timestamp)).where(events.c.sender_id == conversation_id)).scalar()
    if last is None or dt.datetime.fromtimestamp(float(last), dt.timezone.utc) < now - ACTIVE_WINDOW:
        return False
    alerted = connection.execute(
        sa.select(escalations.c.id).where(
            escalations.c.conversation_id == conversation_id,
            sa.or_(escalations.c.status != "resolved", escalations.c.last_message_at >= _as_utc(message_at)),
        )
    ).first()
    return alerted is None
