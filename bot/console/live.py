"""The console's live queue: requests for a person, live chats, and crisis escalations to take over.

One item per conversation: its waiting or active handoff if it has one, else its unresolved
crisis escalation. Whether a role may see an item is the transcript rule
(:func:`bot.staff.roles.can_view_conversation`): admissions get prospects, clinicians enrolled
clients and crises. Requests come first (a person is waiting on the other end), the longest
waiting first; then live chats; then escalations nobody has taken over.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.console.conversations import first_user_messages
from bot.console.events import events, events_exist
from bot.console.masking import mask_optional
from bot.handoff.store import OPEN, Handoff, HandoffStore
from bot.staff.roles import Role, can_view_conversation
from bot.storage.db import client_conversations, clients, escalations, handoffs
from bot.storage.times import from_db

PREVIEW = 160
ORDER = {"waiting": 0, "active": 1, "escalation": 2}


@dataclass(frozen=True)
class QueueItem:
    conversation_id: str
    state: str  # waiting, active (a staff member is chatting) or escalation (nobody has taken it over)
    reason: str  # requested, crisis or staff (see bot/handoff/store.py); crisis for an escalation
    since: dt.datetime  # requested, taken over, or the escalation opened
    staff_name: Optional[str]
    taken_by: Optional[str]
    client_name: Optional[str]  # an enrolled client's first name
    escalation_status: Optional[str]  # open or acknowledged, when the conversation has one
    crisis_type: Optional[str]
    last_message: str  # the person's latest message (masked for roles that need it)
    last_message_at: Optional[dt.datetime]

    @property
    def client_linked(self) -> bool:
        return self.client_name is not None


def _item(handoff: Optional[Handoff], escalation: Optional[sa.engine.Row]) -> Dict[str, object]:
    if handoff is not None:
        since = handoff.taken_at if handoff.status == "active" and handoff.taken_at else handoff.requested_at
        return dict(state=handoff.status, reason=handoff.reason, since=since, staff_name=handoff.staff_name, taken_by=handoff.taken_by)
    assert escalation is not None
    return dict(state="escalation", reason="crisis", since=from_db(escalation.created_at), staff_name=None, taken_by=None)


def live_queue(engine: Engine, role: Role, *, mask: bool) -> List[QueueItem]:
    """What ``role`` sees in the live queue, in the order to work it."""
    open_handoffs = {h.conversation_id: h for h in HandoffStore(engine).live()}
    with engine.connect() as connection:
        unresolved = {
            row.conversation_id: row
            for row in connection.execute(
                sa.select(escalations.c.conversation_id, escalations.c.status, escalations.c.crisis_type, escalations.c.created_at).where(
                    escalations.c.status != "resolved"
                )
            )
        }
        ids = sorted(set(open_handoffs) | set(unresolved))
        # The transcript rule counts an escalation of any status; a request made in crisis counts too.
        ever_escalated = set(
            connection.execute(
                sa.select(escalations.c.conversation_id).where(escalations.c.conversation_id.in_(ids)).distinct()
            ).scalars()
        ) if ids else set()
        names = {
            row.conversation_id: row.first_name
            for row in connection.execute(
                sa.select(client_conversations.c.conversation_id, clients.c.first_name)
                .join(clients, clients.c.id == client_conversations.c.client_id)
                .where(client_conversations.c.conversation_id.in_(ids))
            )
        } if ids else {}
        latest = first_user_messages(connection, ids, newest=True)
    items = []
    for conversation_id in ids:
        escalation = unresolved.get(conversation_id)
        handoff = open_handoffs.get(conversation_id)
        escalated = conversation_id in ever_escalated or (handoff is not None and handoff.reason == "crisis")
        if not can_view_conversation(role, client_linked=conversation_id in names, escalated=escalated):
            continue
        message = latest.get(conversation_id) or {}
        stamp = message.get("timestamp")
        items.append(
            QueueItem(
                conversation_id=conversation_id,
                client_name=names.get(conversation_id),
                escalation_status=escalation.status if escalation is not None else None,
                crisis_type=escalation.crisis_type if escalation is not None else None,
                last_message=(mask_optional(message.get("text"), mask) or "")[:PREVIEW],
                last_message_at=dt.datetime.fromtimestamp(float(stamp), dt.timezone.utc) if stamp else None,
                **_item(handoff, escalation),  # type: ignore[arg-type]
            )
        )
    items.sort(key=lambda item: (ORDER[item.state], item.since))
    return items


def may_take_over(engine: Engine, role: Role, conversation_id: str) -> Optional[bool]:
    """Whether ``role`` may take the conversation over: None when there is no such conversation."""
    with engine.connect() as connection:
        if not events_exist(connection):
            return None
        known = connection.execute(sa.select(events.c.id).where(events.c.sender_id == conversation_id).limit(1)).first()
        if known is None:
            return None
        linked = connection.execute(
            sa.select(client_conversations.c.client_id).where(client_conversations.c.conversation_id == conversation_id).limit(1)
        ).first()
        escalated = connection.execute(
            sa.select(escalations.c.id).where(escalations.c.conversation_id == conversation_id).limit(1)
        ).first() or connection.execute(
            sa.select(handoffs.c.id).where(
                handoffs.c.conversation_id == conversation_id, handoffs.c.reason == "crisis", handoffs.c.status.in_(OPEN)
            )
        ).first()
    return can_view_conversation(role, client_linked=linked is not None, escalated=escalated is not None)


def unresolved_escalation(engine: Engine, conversation_id: str) -> Optional[Dict[str, str]]:
    """The conversation's escalation in progress (id, status, crisis_type), if any."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(escalations.c.id, escalations.c.status, escalations.c.crisis_type).where(
                escalations.c.conversation_id == conversation_id, escalations.c.status != "resolved"
            )
        ).first()
    return dict(row._mapping) if row is not None else None
