"""The console's live queue: requests for a person, live chats, and crisis escalations to take over.

One item per conversation: its waiting or active handoff if it has one, else its unresolved
crisis escalation. A role sees what it may answer (:func:`bot.staff.roles.can_take_over`):
admissions get prospects, clinicians enrolled clients and every crisis. Crises nobody is answering
come first, then people waiting for a person, then chats in progress; the oldest first in each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.handoff.store import OPEN, HandoffStore
from bot.records.conversations import first_user_messages
from bot.records.masking import for_staff
from bot.staff.roles import Role, can_take_over
from bot.storage.db import client_conversations, clients, escalations, handoffs
from bot.storage.rasa_events import events, events_exist
from bot.storage.times import from_db

PREVIEW = 160


@dataclass(frozen=True)
class QueueItem:
    conversation_id: str
    state: str  # waiting, active (a staff member is chatting) or escalation (nobody has taken it over)
    reason: str  # requested, crisis or staff (see bot/handoff/store.py); crisis for an escalation
    in_crisis: bool  # an unresolved escalation, or a request made in crisis mode
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

    @property
    def rank(self) -> int:
        """Crises nobody is answering first, then people waiting, then chats in progress."""
        if self.in_crisis and self.state != "active":
            return 0
        return 1 if self.state == "waiting" else 2


@dataclass(frozen=True)
class Audience:
    """What decides who may answer a conversation live (bot/staff/roles.py ``can_take_over``)."""

    client_linked: bool
    escalated: bool  # an escalation of any status (the transcript rule)
    in_crisis: bool  # an unresolved escalation, or an open request made in crisis mode

    def allows(self, role: Role) -> bool:
        return can_take_over(role, client_linked=self.client_linked, escalated=self.escalated, in_crisis=self.in_crisis)


def live_queue(engine: Engine, role: Role, username: str, *, mask: bool) -> List[QueueItem]:
    """What ``role`` sees in the live queue, in the order to work it; a staff member always sees
    the chats they hold, even once only the clinical team may take them over."""
    open_handoffs = {h.conversation_id: h for h in HandoffStore(engine).live()}
    with engine.connect() as connection:
        unresolved = {
            row.conversation_id: row
            for row in connection.execute(
                sa.select(
                    escalations.c.conversation_id, escalations.c.status, escalations.c.crisis_type, escalations.c.created_at
                ).where(escalations.c.status != "resolved")
            )
        }
        ids = sorted(set(open_handoffs) | set(unresolved))
        ever_escalated = (
            set(
                connection.execute(
                    sa.select(escalations.c.conversation_id).where(escalations.c.conversation_id.in_(ids)).distinct()
                ).scalars()
            )
            if ids
            else set()
        )
        names = (
            {
                row.conversation_id: row.first_name
                for row in connection.execute(
                    sa.select(client_conversations.c.conversation_id, clients.c.first_name)
                    .join(clients, clients.c.id == client_conversations.c.client_id)
                    .where(client_conversations.c.conversation_id.in_(ids))
                )
            }
            if ids
            else {}
        )
        latest = first_user_messages(connection, ids, newest=True)
    items = []
    for conversation_id in ids:
        escalation = unresolved.get(conversation_id)
        handoff = open_handoffs.get(conversation_id)
        crisis_request = handoff is not None and handoff.reason == "crisis"
        audience = Audience(
            client_linked=conversation_id in names,
            escalated=conversation_id in ever_escalated or crisis_request,
            in_crisis=escalation is not None or crisis_request,
        )
        holds = handoff is not None and handoff.status == "active" and handoff.taken_by == username
        if not (holds or audience.allows(role)):
            continue
        message = latest.get(conversation_id) or {}
        stamp = message.get("timestamp")
        if handoff is not None:
            state, reason = handoff.status, handoff.reason
            since = handoff.taken_at if handoff.status == "active" and handoff.taken_at else handoff.requested_at
        else:
            # Without a handoff, it is in ``ids`` for an unresolved escalation.
            state, reason, since = "escalation", "crisis", from_db(unresolved[conversation_id].created_at)
        items.append(
            QueueItem(
                conversation_id=conversation_id,
                state=state,
                reason=reason,
                in_crisis=audience.in_crisis,
                since=since,
                staff_name=handoff.staff_name if handoff is not None else None,
                taken_by=handoff.taken_by if handoff is not None else None,
                client_name=names.get(conversation_id),
                escalation_status=escalation.status if escalation is not None else None,
                crisis_type=escalation.crisis_type if escalation is not None else None,
                last_message=(for_staff(message.get("text"), mask) or "")[:PREVIEW],
                last_message_at=dt.datetime.fromtimestamp(float(stamp), dt.timezone.utc) if stamp else None,
            )
        )
    items.sort(key=lambda item: (item.rank, item.since))
    return items


def audience_of(engine: Engine, conversation_id: str) -> Optional[Audience]:
    """Who may answer the conversation live; None when there is no such conversation."""
    with engine.connect() as connection:
        if not events_exist(connection):
            return None
        known = connection.execute(sa.select(events.c.id).where(events.c.sender_id == conversation_id).limit(1)).first()
        if known is None:
            return None
        linked = connection.execute(
            sa.select(client_conversations.c.client_id).where(client_conversations.c.conversation_id == conversation_id).limit(1)
        ).first()
        statuses = set(
            connection.execute(sa.select(escalations.c.status).where(escalations.c.conversation_id == conversation_id)).scalars()
        )
        crisis_request = connection.execute(
            sa.select(handoffs.c.id).where(
                handoffs.c.conversation_id == conversation_id, handoffs.c.reason == "crisis", handoffs.c.status.in_(OPEN)
            )
        ).first()
    return Audience(
        client_linked=linked is not None,
        escalated=bool(statuses) or crisis_request is not None,
        in_crisis=bool(statuses - {"resolved"}) or crisis_request is not None,
    )
