""" "Talk to a person": whether someone can join now, and what the assistant says.

Someone is asked to join only inside the center's staffed hours *and* when a staff member who may
answer the conversation (bot/staff/roles.py ``can_take_over``: admissions for prospects,
clinicians for enrolled clients and anyone in crisis) is available on the console's live page;
otherwise the person gets the callback form and the phone numbers straight away instead of
waiting for nobody. A second request while one is waiting does
not queue twice. Only the website's chat (Rasa's socket.io channel) can carry a live chat: staff
messages are pushed to it, and a REST caller would never see them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from bot.clients.store import ClientStore
from bot.handoff.hours import is_staffed, staffed_hours_text
from bot.handoff.presence import PresenceStore
from bot.handoff.store import HandoffStore
from bot.program.models import Center
from bot.staff.roles import can_take_over

LIVE_CHANNEL = "socketio"


@dataclass(frozen=True)
class Outcome:
    answer: str  # the key in answers.yml
    status: Optional[str] = None  # the handoff's status to show in the widget, when one is waiting
    context: Dict[str, Any] = field(default_factory=dict)


def request_person(
    handoffs: HandoffStore,
    presence: PresenceStore,
    center: Center,
    conversation_id: str,
    *,
    channel: Optional[str],
    crisis: bool,
    client_linked: bool,
    wait_seconds: float,
    at: dt.datetime,
) -> Outcome:
    context = answer_context(center, crisis=crisis, wait_seconds=wait_seconds)
    if channel != LIVE_CHANNEL:
        return Outcome("handoff_not_here", None, context)
    current = handoffs.open_for(conversation_id)
    if current is not None:
        # While a staff member chats the assistant is paused, so "active" only comes this way in a race.
        return Outcome("handoff_already_waiting", current.status, context)
    if not is_staffed(center, at):
        return Outcome("handoff_unstaffed", None, context)
    if not any(
        can_take_over(role, client_linked=client_linked, escalated=crisis, in_crisis=crisis)
        for _, role in presence.available_roles(at)
    ):
        return Outcome("handoff_busy", None, context)
    handoff, _ = handoffs.request(conversation_id, "crisis" if crisis else "requested", at)
    return Outcome("handoff_waiting", handoff.status, context)


def is_client_conversation(clients: ClientStore, conversation_id: str, *, verified_now: bool) -> bool:
    """A signed-in client's chat, or one linked to a client before: treatment records stay clinical."""
    return verified_now or bool(clients.clients_of(conversation_id))


def answer_context(center: Center, *, crisis: bool, wait_seconds: float) -> Dict[str, Any]:
    """What the handoff answers in answers.yml may use."""
    return {"staffed": staffed_hours_text(center), "crisis": crisis, "wait_minutes": wait_minutes(wait_seconds)}


def wait_minutes(seconds: float) -> int:
    """The wait promised in words: whole minutes, rounded up (never promise less than the timer)."""
    return max(1, math.ceil(seconds / 60))
