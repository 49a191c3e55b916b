"""The conversation list and transcripts, read from Rasa's ``events`` and our tables.

Definitions:

- A *conversation* is a Rasa sender id with at least one user message. Ids that only ever got a
  session start (a chat widget opened, nothing typed) are not listed; :func:`transcript` still
  shows them.
- ``started_at`` is the first user message, ``last_at`` the last user or bot message.
- The date filter keeps conversations with at least one user message on those days (inclusive,
  in the center's zone), so a client's months-long conversation shows up on every day they wrote.
- The list is newest first: by ``last_at``, then by conversation id (descending).
- Audience: ``"clients"`` are conversations linked to an enrolled client (client_conversations
  with a row in clients), ``"prospects"`` all others, ``"all"`` both.
- ``escalation_status`` is the status of the conversation's unresolved escalation if it has one
  (there is at most one), else ``"resolved"`` if it had any, else None.
- ``language`` is the language the assistant answers the conversation in now (the ``language``
  slot, bot/language/choice.py); the filter keeps conversations in that language.
- The text search matches user and bot message texts, case-insensitively for ASCII letters
  (SQLite's LIKE); ``%`` and ``_`` in the query are literal. It searches the unmasked text.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.language.choice import DEFAULT as DEFAULT_LANGUAGE
from bot.language.detect import LANGUAGES
from bot.leads.work import LeadRow, leads_for_conversation
from bot.records.masking import EMAIL, PHONE, for_staff
from bot.safety.names import CRISIS_INTENT, DIAGNOSTICS
from bot.said import person_wrote as written_by_the_person
from bot.storage.db import client_conversations, clients, escalation_messages, escalations, leads
from bot.storage.paging import DEFAULT_PER_PAGE, Page, check_paging
from bot.storage.rasa_events import (
    ACTION,
    BOT,
    LIKE_ESCAPE,
    MESSAGES,
    SESSION_STARTED,
    SLOT,
    USER,
    day_bounds,
    events,
    events_exist,
    from_epoch,
    json_text,
    like_pattern,
    person_wrote,
)
from bot.storage.times import from_db as aware

Audience = Literal["all", "prospects", "clients"]
AUDIENCES = ("all", "prospects", "clients")
PREVIEW_CHARS = 120
LANGUAGE_SLOT = "language"
HIDDEN_ACTIONS = frozenset({"action_listen"})  # runs after every turn; says nothing to staff


@dataclass(frozen=True)
class ConversationFilter:
    """What the conversation list shows; None (or "") means "don't filter on this"."""

    date_from: Optional[dt.date] = None
    date_to: Optional[dt.date] = None
    has_escalation: Optional[bool] = None
    has_lead: Optional[bool] = None
    enrolled_client: Optional[bool] = None
    intent: Optional[str] = None  # any user message with this intent
    text: Optional[str] = None  # substring of a user or bot message
    client_id: Optional[str] = None
    audience: Audience = "all"
    language: Optional[str] = None  # the conversation's language now: en or es
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def __post_init__(self) -> None:
        check_paging(self.page, self.per_page)
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {self.audience!r}")
        if self.language is not None and self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {self.language!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from ({self.date_from}) is after date_to ({self.date_to})")
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
                raise ValueError(f"{name} must be a date, not {value!r}")
        for name in ("intent", "client_id"):
            value = getattr(self, name)
            object.__setattr__(self, name, value.strip() or None if isinstance(value, str) else value)
        if isinstance(self.text, str) and not self.text.strip():
            object.__setattr__(self, "text", None)


@dataclass(frozen=True)
class ConversationSummary:
    conversation_id: str
    started_at: dt.datetime  # the first user message (UTC)
    last_at: dt.datetime  # the last user or bot message (UTC)
    user_messages: int
    preview: str  # the first user message, masked if asked, at most PREVIEW_CHARS characters
    has_escalation: bool
    escalation_status: Optional[str]
    has_lead: bool
    client_id: Optional[str]  # the linked enrolled client (the first by id if several)
    channel: Optional[str]  # input_channel of the first user message
    language: str = DEFAULT_LANGUAGE  # the language the assistant answers in now (bot/language/)


@dataclass(frozen=True)
class Entity:
    entity: str
    value: Any
    extractor: Optional[str] = None


@dataclass(frozen=True)
class SafetyNet:
    """What the crisis safety net (bot/rasa/nlu/crisis_net.py) noted on a message."""

    decided_by: Optional[str]  # "patterns", "model", "overruled" or "none"
    model_crisis: Optional[bool]
    model_confidence: Optional[float]


@dataclass(frozen=True)
class UserTurn:
    at: dt.datetime
    text: Optional[str]
    intent: Optional[str]
    confidence: Optional[float]
    entities: List[Entity]
    crisis: bool  # the message was handled as a crisis (intent "crisis")
    safety_net: Optional[SafetyNet]
    channel: Optional[str]
    kind: Literal["user"] = "user"


@dataclass(frozen=True)
class BotTurn:
    at: dt.datetime
    text: Optional[str]
    buttons: List[str]  # the buttons' titles
    kind: Literal["bot"] = "bot"
    # A live handoff's message (bot/handoff/notices.py): written by this staff member ...
    staff_name: Optional[str] = None
    # ... or a notice of the handoff's state (waiting, active, returned, closed, expired).
    handoff_status: Optional[str] = None


@dataclass(frozen=True)
class ActionTurn:
    at: dt.datetime
    name: str
    kind: Literal["action"] = "action"


@dataclass(frozen=True)
class SessionStart:
    at: dt.datetime
    kind: Literal["session_started"] = "session_started"


Turn = Union[UserTurn, BotTurn, ActionTurn, SessionStart]


@dataclass(frozen=True)
class EscalationInfo:
    id: str
    status: str
    crisis_type: str
    created_at: dt.datetime
    last_message_at: dt.datetime
    acknowledged_by: Optional[str]
    acknowledged_at: Optional[dt.datetime]
    resolved_by: Optional[str]
    resolved_at: Optional[dt.datetime]
    note: Optional[str]
    messages: int  # crisis messages added to it


@dataclass(frozen=True)
class ClientLink:
    client_id: str
    first_name: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime


@dataclass(frozen=True)
class Transcript:
    conversation_id: str
    started_at: dt.datetime  # the first event
    last_at: dt.datetime  # the last event
    turns: List[Turn]
    escalations: List[EscalationInfo] = field(default_factory=list)
    leads: List[LeadRow] = field(default_factory=list)
    clients: List[ClientLink] = field(default_factory=list)
    language: str = DEFAULT_LANGUAGE  # the language the assistant answers in now (bot/language/)


# --- the list ---------------------------------------------------------------------------------


def _count_where(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _enrolled(conversation_id: Any) -> Any:
    # Any link, also a removed client's (bot/clients/store.py): a treatment record stays one.
    return sa.exists(sa.select(client_conversations.c.client_id).where(client_conversations.c.conversation_id == conversation_id))


def _grouped(flt: ConversationFilter, zone: dt.tzinfo) -> Any:
    """One row per conversation, with the message-level filters applied (GROUP BY over events)."""
    is_user = person_wrote()
    user_messages = _count_where(is_user)
    query = (
        sa.select(
            events.c.sender_id.label("conversation_id"),
            sa.func.min(sa.case((is_user, events.c.timestamp))).label("started"),
            sa.func.max(events.c.timestamp).label("last"),
            user_messages.label("user_messages"),
        )
        .where(events.c.type_name.in_(MESSAGES))
        .group_by(events.c.sender_id)
        .having(user_messages > 0)
    )
    if flt.date_from or flt.date_to:
        in_range = is_user
        if flt.date_from:
            in_range = in_range & (events.c.timestamp >= day_bounds(flt.date_from, flt.date_from, zone)[0])
        if flt.date_to:
            in_range = in_range & (events.c.timestamp < day_bounds(flt.date_to, flt.date_to, zone)[1])
        query = query.having(_count_where(in_range) > 0)
    if flt.intent:
        query = query.having(_count_where(is_user & (events.c.intent_name == flt.intent)) > 0)
    if flt.text:
        matches = json_text("$.text").ilike(like_pattern(flt.text), escape=LIKE_ESCAPE)
        query = query.having(_count_where(matches) > 0)
    return query.subquery("conversation")


def _conversation_filters(flt: ConversationFilter, conversation_id: Any) -> List[Any]:
    """The conditions on our tables, correlated to ``conversation_id``."""
    conditions = []
    has_escalation = sa.exists(sa.select(escalations.c.id).where(escalations.c.conversation_id == conversation_id))
    has_lead = sa.exists(sa.select(leads.c.id).where(leads.c.conversation_id == conversation_id))
    enrolled = _enrolled(conversation_id)
    if flt.has_escalation is not None:
        conditions.append(has_escalation if flt.has_escalation else ~has_escalation)
    if flt.has_lead is not None:
        conditions.append(has_lead if flt.has_lead else ~has_lead)
    if flt.enrolled_client is not None:
        conditions.append(enrolled if flt.enrolled_client else ~enrolled)
    if flt.audience == "clients":
        conditions.append(enrolled)
    elif flt.audience == "prospects":
        conditions.append(~enrolled)
    if flt.language:
        conditions.append(conversation_language(conversation_id) == flt.language)
    if flt.client_id:
        conditions.append(
            sa.exists(
                sa.select(client_conversations.c.client_id).where(
                    client_conversations.c.conversation_id == conversation_id,
                    client_conversations.c.client_id == flt.client_id,
                )
            )
        )
    return conditions


def _escalation_status(conversation_id: Any) -> Any:
    return (
        sa.select(escalations.c.status)
        .where(escalations.c.conversation_id == conversation_id)
        .order_by((escalations.c.status == "resolved").asc(), escalations.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def conversation_language(conversation_id: Any) -> Any:
    """The conversation's language: its latest ``language`` slot event, else the default (English
    conversations never set it: the slot starts there)."""
    latest = (
        sa.select(json_text("$.value"))
        .where(events.c.sender_id == conversation_id, events.c.type_name == SLOT, json_text("$.name") == LANGUAGE_SLOT)
        .order_by(events.c.timestamp.desc(), events.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(latest, DEFAULT_LANGUAGE)


def _first_client(conversation_id: Any) -> Any:
    return (
        sa.select(client_conversations.c.client_id)
        .join(clients, clients.c.id == client_conversations.c.client_id)
        .where(client_conversations.c.conversation_id == conversation_id)
        .order_by(client_conversations.c.client_id)
        .limit(1)
        .scalar_subquery()
    )


def first_user_messages(
    connection: Connection, conversation_ids: Sequence[str], *, newest: bool = False
) -> Dict[str, Dict[str, Any]]:
    """The first (or, with ``newest``, the latest) user event of each conversation, as Rasa's event dict."""
    if not conversation_ids:
        return {}
    order = (events.c.timestamp.desc(), events.c.id.desc()) if newest else (events.c.timestamp, events.c.id)
    number = sa.func.row_number().over(partition_by=events.c.sender_id, order_by=order)
    ranked = (
        sa.select(events.c.sender_id, events.c.data, number.label("n"))
        .where(person_wrote(), events.c.sender_id.in_(list(conversation_ids)))
        .subquery()
    )
    found = {}
    for row in connection.execute(sa.select(ranked.c.sender_id, ranked.c.data).where(ranked.c.n == 1)):
        found[row.sender_id] = _load(row.data)
    return found


def _load(data: Optional[str]) -> Dict[str, Any]:
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _preview(text: Optional[str], mask: bool) -> str:
    # Masked before it is cut, so a number cut in half is not half shown.
    text = " ".join((for_staff(text, mask) or "").split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1].rstrip() + "…"


def list_conversations(
    engine: Engine,
    filter: ConversationFilter,
    zone: dt.tzinfo,
    *,
    mask: bool = True,  # the brief's name
) -> Page[ConversationSummary]:
    """One page of the conversations matching ``filter``, newest first, with the total for paging.

    Three queries whatever the number of conversations: the count, the page (one GROUP BY over
    ``events`` with EXISTS on our tables), and the first user message of the page's conversations.
    """
    flt = filter
    empty: Page[ConversationSummary] = Page(items=[], total=0, page=flt.page, per_page=flt.per_page)
    with engine.connect() as connection:
        if not events_exist(connection):
            return empty
        grouped = _grouped(flt, zone)
        cid = grouped.c.conversation_id
        conditions = _conversation_filters(flt, cid)
        total = int(
            connection.execute(sa.select(sa.func.count()).select_from(sa.select(cid).where(*conditions).subquery())).scalar() or 0
        )
        if total == 0:
            return empty
        page_query = (
            sa.select(
                grouped,
                _escalation_status(cid).label("escalation_status"),
                sa.exists(sa.select(leads.c.id).where(leads.c.conversation_id == cid)).label("has_lead"),
                _first_client(cid).label("client_id"),
                conversation_language(cid).label("language"),
            )
            .where(*conditions)
            .order_by(grouped.c.last.desc(), cid.desc())
            .limit(flt.per_page)
            .offset((flt.page - 1) * flt.per_page)
        )
        rows = connection.execute(page_query).all()
        firsts = first_user_messages(connection, [row.conversation_id for row in rows])
    items = []
    for row in rows:
        first = firsts.get(row.conversation_id, {})
        items.append(
            ConversationSummary(
                conversation_id=row.conversation_id,
                started_at=from_epoch(row.started),  # type: ignore[arg-type]
                last_at=from_epoch(row.last),  # type: ignore[arg-type]
                user_messages=int(row.user_messages),
                preview=_preview(first.get("text"), mask),
                has_escalation=row.escalation_status is not None,
                escalation_status=row.escalation_status,
                has_lead=bool(row.has_lead),
                client_id=row.client_id,
                channel=first.get("input_channel"),
                language=row.language,
            )
        )
    return Page(items=items, total=total, page=flt.page, per_page=flt.per_page)


# --- one transcript ---------------------------------------------------------------------------


def _float(value: Any) -> Optional[float]:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _user_turn(event: Dict[str, Any], at: dt.datetime, mask: bool) -> UserTurn:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    entities = []
    for item in parse.get("entities") or []:
        if not isinstance(item, dict):
            continue
        value = item.get("value")
        entities.append(
            Entity(
                entity=str(item.get("entity")),
                value=for_staff(value, mask) if isinstance(value, str) else value,
                extractor=item.get("extractor"),
            )
        )
    diagnostics = parse.get(DIAGNOSTICS)
    safety_net = None
    if isinstance(diagnostics, dict):
        safety_net = SafetyNet(
            decided_by=diagnostics.get("decided_by"),
            model_crisis=diagnostics.get("model_crisis"),
            model_confidence=_float(diagnostics.get("model_confidence")),
        )
    return UserTurn(
        at=at,
        text=for_staff(event.get("text"), mask),
        intent=intent.get("name"),
        confidence=_float(intent.get("confidence")),
        entities=entities,
        crisis=intent.get("name") == CRISIS_INTENT,
        safety_net=safety_net,
        channel=event.get("input_channel"),
    )


def _bot_turn(event: Dict[str, Any], at: dt.datetime, mask: bool) -> BotTurn:
    data = event.get("data") or {}
    buttons = [str(b.get("title")) for b in data.get("buttons") or [] if isinstance(b, dict) and b.get("title") is not None]
    handoff = (event.get("metadata") or {}).get("handoff")
    handoff = handoff if isinstance(handoff, dict) else {}
    staff = handoff.get("kind") == "staff"
    return BotTurn(
        at=at,
        text=for_staff(event.get("text"), mask),
        buttons=buttons,
        staff_name=str(handoff.get("staff_name") or "staff") if staff else None,
        handoff_status=str(handoff["status"]) if handoff.get("kind") == "status" and handoff.get("status") else None,
    )


def _turns(rows: Sequence[Any], mask: bool) -> List[Turn]:
    turns: List[Turn] = []
    for row in rows:
        at = from_epoch(row.timestamp) or dt.datetime.fromtimestamp(0, dt.timezone.utc)
        if row.type_name == USER:
            data = _load(row.data)
            if written_by_the_person(data):  # not a reminder firing, nor a question replayed (bot/said.py)
                turns.append(_user_turn(data, at, mask))
        elif row.type_name == BOT:
            turns.append(_bot_turn(_load(row.data), at, mask))
        elif row.type_name == ACTION:
            name = row.action_name or _load(row.data).get("name")
            if name and name not in HIDDEN_ACTIONS:
                turns.append(ActionTurn(at=at, name=name))
        elif row.type_name == SESSION_STARTED:
            turns.append(SessionStart(at=at))
    return turns


def _escalations(connection: Connection, conversation_id: str, mask: bool) -> List[EscalationInfo]:
    count = (
        sa.select(sa.func.count(escalation_messages.c.id))
        .where(escalation_messages.c.escalation_id == escalations.c.id)
        .scalar_subquery()
    )
    query = (
        sa.select(escalations, count.label("messages"))
        .where(escalations.c.conversation_id == conversation_id)
        .order_by(escalations.c.created_at, escalations.c.id)
    )
    return [
        EscalationInfo(
            id=row.id,
            status=row.status,
            crisis_type=row.crisis_type,
            created_at=aware(row.created_at),
            last_message_at=aware(row.last_message_at),
            acknowledged_by=row.acknowledged_by,
            acknowledged_at=aware(row.acknowledged_at),
            resolved_by=row.resolved_by,
            resolved_at=aware(row.resolved_at),
            note=for_staff(row.note, mask),
            messages=int(row.messages or 0),
        )
        for row in connection.execute(query)
    ]


def _masked_lead(lead: LeadRow) -> LeadRow:
    return replace(lead, phone=PHONE if lead.phone else None, email=EMAIL if lead.email else None)


def _client_links(connection: Connection, conversation_id: str) -> List[ClientLink]:
    query = (
        sa.select(client_conversations, clients.c.first_name)
        .outerjoin(clients, clients.c.id == client_conversations.c.client_id)  # a removed client has no row
        .where(client_conversations.c.conversation_id == conversation_id)
        .order_by(client_conversations.c.client_id)
    )
    return [
        ClientLink(
            client_id=row.client_id,
            first_name=row.first_name or "(removed client)",
            first_seen_at=aware(row.first_seen_at),
            last_seen_at=aware(row.last_seen_at),
        )
        for row in connection.execute(query)
    ]


def turns_since(engine: Engine, conversation_id: str, after_id: int, *, mask: bool = True) -> Tuple[List[Turn], int]:
    """The turns saved after event ``after_id`` (0: all), and the id to ask after next time.

    For the console's live chat, which asks every second or two: one indexed range query.
    """
    with engine.connect() as connection:
        if not events_exist(connection):
            return [], after_id
        rows = connection.execute(
            sa.select(events.c.id, events.c.type_name, events.c.timestamp, events.c.action_name, events.c.data)
            .where(events.c.sender_id == conversation_id, events.c.id > after_id)
            .order_by(events.c.id)
        ).all()
    return _turns(rows, mask), max((row.id for row in rows), default=after_id)


def last_event_id(engine: Engine, conversation_id: str) -> int:
    """Where :func:`turns_since` should start to give only what comes after a page just drawn."""
    with engine.connect() as connection:
        if not events_exist(connection):
            return 0
        return int(
            connection.execute(sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == conversation_id)).scalar() or 0
        )


def without_escalation_handling(found: Transcript) -> Transcript:
    """The transcript for a role that does not handle escalations: that there was one, its kind and
    status, but not who handled it or the clinician's note."""
    hidden = [
        replace(e, acknowledged_by=None, acknowledged_at=None, resolved_by=None, resolved_at=None, note=None)
        for e in found.escalations
    ]
    return replace(found, escalations=hidden)


def transcript(engine: Engine, conversation_id: str, *, mask: bool = True) -> Optional[Transcript]:
    """Every session of the conversation in order, with its escalations, leads and client links.

    User turns, bot turns, the actions run between them (except ``action_listen``) and session
    starts; slots and other bookkeeping events are left out. None when there is no such
    conversation. With ``mask``, phone numbers and e-mail addresses are hidden in message texts,
    entity values and escalation notes, and the leads' phone and e-mail fields are replaced. Bidi
    controls in those texts are always shown as visible markers (bot/records/masking.py).
    """
    with engine.connect() as connection:
        if not events_exist(connection):
            return None
        rows = connection.execute(
            sa.select(events.c.type_name, events.c.timestamp, events.c.action_name, events.c.data)
            .where(events.c.sender_id == conversation_id)
            .order_by(events.c.timestamp, events.c.id)
        ).all()
        if not rows:
            return None
        found_escalations = _escalations(connection, conversation_id, mask)
        found_leads = leads_for_conversation(connection, conversation_id)
        links = _client_links(connection, conversation_id)
    stamps = [row.timestamp for row in rows if row.timestamp is not None] or [0.0]
    slots = [_load(row.data) for row in rows if row.type_name == SLOT]
    language = next((str(s["value"]) for s in reversed(slots) if s.get("name") == LANGUAGE_SLOT and s.get("value")), None)
    return Transcript(
        conversation_id=conversation_id,
        started_at=from_epoch(min(stamps)),  # type: ignore[arg-type]
        last_at=from_epoch(max(stamps)),  # type: ignore[arg-type]
        turns=_turns(rows, mask),
        escalations=found_escalations,
        leads=[_masked_lead(lead) for lead in found_leads] if mask else found_leads,
        clients=links,
        language=language or DEFAULT_LANGUAGE,
    )


INTENTS_TTL = 300.0  # seconds the intent choices are kept
_intents_cache: Dict[int, Tuple[float, List[str]]] = {}


def known_intents(engine: sa.engine.Engine) -> List[str]:
    """The intents users' messages got (for the filter's choices), cached for a few minutes."""
    cached = _intents_cache.get(id(engine))
    if cached is not None and time.monotonic() - cached[0] < INTENTS_TTL:
        return cached[1]
    with engine.connect() as connection:
        if not events_exist(connection):
            return []
        found = list(
            connection.execute(
                sa.select(events.c.intent_name)
                .where(events.c.type_name == USER, events.c.intent_name.isnot(None))
                .distinct()
                .order_by(events.c.intent_name)
                .limit(500)
            ).scalars()
        )
    _intents_cache[id(engine)] = (time.monotonic(), found)
    return found
