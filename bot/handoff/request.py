""""Talk to a person": whether someone can join now, and what the assistant says.

Someone is asked to join only inside the center's staffed hours *and* when a staff member who may
open the conversation (bot/staff/roles.py: admissions for prospects, clinicians for enrolled
clients and crises) is available on the console's live page; otherwise the person gets the callback form and the phone
numbers straight away instead of waiting for nobody. A second request while one is waiting does
not queue twice.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from bot.handoff.hours import is_staffed, staffed_hours_text
from bot.handoff.presence import PresenceStore
from bot.handoff.store import HandoffStore
from bot.program.models import Center
from bot.staff.roles import can_view_conversation


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
    crisis: bool,
    client_linked: bool,
    wait_seconds: float,
    at: dt.datetime,
) -> Outcome:
    context = answer_context(center, crisis=crisis, wait_seconds=wait_seconds)
    current = handoffs.open_for(conversation_id)
    if current is not None:
        # While a staff member chats the assistant is paused, so "active" only comes this way in a race.
        return Outcome("handoff_already_waiting", current.status, context)
    if not is_staffed(center, at):
        return Outcome("handoff_unstaffed", None, context)
    if not any(
        can_view_conversation(role, client_linked=client_linked, escalated=crisis) for _, role in presence.available_roles(at)
    ):
        return Outcome("handoff_busy", None, context)
    handoff, _ = handoffs.request(conversation_id, "crisis" if crisis else "requested", at)
    return Outcome("handoff_waiting", handoff.status, context)


def answer_context(center: Center, *, crisis: bool, wait_seconds: float) -> Dict[str, Any]:
    """What the handoff answers in answers.yml may use."""
    return {"staffed": staffed_hours_text(center), "crisis": crisis, "wait_minutes": wait_minutes(wait_seconds)}


def wait_minutes(seconds: float) -> int:
    """The wait promised in words: whole minutes, rounded up (never promise less than the timer)."""
    return max(1, math.ceil(seconds / 60))
