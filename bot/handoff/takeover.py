"""Taking a conversation over and ending a live chat: the steps in order, with their undo.

Take over: the conversation becomes the staff member's (a guarded UPDATE, bot/handoff/store.py),
then Rasa is told to pause and the person who joined. If Rasa cannot be told, the record goes back
as it was, and the assistant is never left paused. Taking a crisis over answers it: an open
escalation is acknowledged by whoever took it, when their role works escalations.

End (hand back or close): the person is told first, then the record closes; if the timer handed
the chat back meanwhile, the assistant is answering either way.

The web handlers (bot/web/console/live.py) parse the request, call these, audit from the result
and render it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional, Protocol

from bot.handoff import notices
from bot.handoff.assistant import Assistant, AssistantUnavailable
from bot.handoff.store import Handoff, HandoffNotFound, HandoffStore, HandoffTaken, NotYours
from bot.program.answers import AnswerBook
from bot.program.errors import ProgramDataError
from bot.safety.escalations import EscalationNotFound, EscalationStore, InvalidTransition
from bot.staff.roles import Permission, Role, allowed


class Audience(Protocol):
    """Who may answer the conversation (bot/records/live.py ``Audience``)."""

    @property
    def in_crisis(self) -> bool: ...

    def allows(self, role: Role) -> bool: ...


@dataclass(frozen=True)
class StaffMember:
    username: str
    display_name: str
    role: Role


# What a take-over came to.
TAKEN = "taken"
ALREADY_YOURS = "already_yours"
HELD_BY_ANOTHER = "taken_by_another"
ASSISTANT_DOWN = "assistant_down"


@dataclass(frozen=True)
class TakeOver:
    outcome: str
    handoff: Optional[Handoff] = None
    replaced: Optional[str] = None  # the username whose chat this was (admissions, when a crisis began)
    acknowledged: Optional[str] = None  # the escalation acknowledged by taking the chat over


class LiveChats:
    """The take-over and the end of a live chat, over the handoff records, Rasa and the escalations.

    ``role_of`` gives a staff member's role by username (None for an unknown one); ``clock`` the
    current time. The stores block, so they run in a worker thread.
    """

    def __init__(
        self,
        handoffs: HandoffStore,
        assistant: Assistant,
        book: Callable[[], AnswerBook],
        escalations: EscalationStore,
        role_of: Callable[[str], Optional[Role]],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.handoffs = handoffs
        self.assistant = assistant
        self.book = book
        self.escalations = escalations
        self.role_of = role_of
        self.clock = clock

    async def take_over(self, conversation_id: str, me: StaffMember, audience: Audience) -> TakeOver:
        replacing = await self._replaceable(me, audience, await asyncio.to_thread(self.handoffs.open_for, conversation_id))
        reason = "crisis" if audience.in_crisis else "staff"
        try:
            handoff, before = await asyncio.to_thread(
                self.handoffs.take, conversation_id, me.username, me.display_name, self.clock(), reason, replacing=replacing
            )
        except HandoffTaken:
            return TakeOver(HELD_BY_ANOTHER)
        if before is not None and before.status == "active" and before.taken_by == me.username:
            return TakeOver(ALREADY_YOURS, handoff)
        try:
            book = await asyncio.to_thread(self.book)
            await self.assistant.append(conversation_id, notices.joined(book, me.display_name))
        except (AssistantUnavailable, ProgramDataError):
            await self._undo(conversation_id, handoff, before)
            return TakeOver(ASSISTANT_DOWN)
        replaced = before.taken_by if before is not None and before.status == "active" else None
        return TakeOver(TAKEN, handoff, replaced, await self._acknowledge(conversation_id, me))

    async def may_take(self, me: StaffMember, audience: Audience, handoff: Optional[Handoff]) -> bool:
        """Whether ``me`` may take the conversation over now (the chat page's button)."""
        if not audience.allows(me.role):
            return False
        return handoff is None or handoff.status == "waiting" or await self._replaceable(me, audience, handoff) is not None

    async def end(self, conversation_id: str, me: StaffMember, handoff: Handoff, status: str) -> bool:
        """Hands the chat back (``returned``) or closes it (``closed``); False when Rasa could not
        be told (nothing changed)."""
        try:
            book = await asyncio.to_thread(self.book)
            await self.assistant.append(conversation_id, notices.ended(book, status, handoff.staff_name or me.username))
        except (AssistantUnavailable, ProgramDataError):
            return False
        try:
            await asyncio.to_thread(self.handoffs.end, conversation_id, me.username, status, self.clock())
        except (HandoffNotFound, NotYours):
            pass  # the timer handed it back meanwhile: the assistant is answering either way
        return True

    async def _replaceable(self, me: StaffMember, audience: Audience, handoff: Optional[Handoff]) -> Optional[str]:
        """The holder of a crisis chat that ``me`` may take over from: someone whose role may not
        answer a crisis (admissions chatting with a visitor when the crisis began)."""
        if handoff is None or handoff.status != "active" or handoff.taken_by == me.username or not audience.in_crisis:
            return None
        if not audience.allows(me.role):
            return None
        holder = await asyncio.to_thread(self.role_of, handoff.taken_by or "")
        if holder is not None and audience.allows(holder):
            return None
        return handoff.taken_by

    async def _undo(self, conversation_id: str, handoff: Handoff, before: Optional[Handoff]) -> None:
        await asyncio.to_thread(self.handoffs.undo_take, handoff, before)
        current = await asyncio.to_thread(self.handoffs.open_for, conversation_id)
        if (before is None or before.status == "waiting") and (current is None or current.status != "active"):
            # The pause may have reached Rasa before the error: never leave the assistant paused.
            try:
                await self.assistant.append(conversation_id, [notices.RESUME])
            except AssistantUnavailable:
                pass

    async def _acknowledge(self, conversation_id: str, me: StaffMember) -> Optional[str]:
        escalation = await asyncio.to_thread(self.escalations.unresolved, conversation_id)
        if escalation is None or escalation["status"] != "open" or not allowed(me.role, Permission.ESCALATIONS):
            return None
        try:  # taking a crisis over answers it: the pager need not remind anyone
            await asyncio.to_thread(self.escalations.acknowledge, escalation["id"], me.display_name, "Took over the live chat.")
        except (EscalationNotFound, InvalidTransition):
            return None  # someone acknowledged it meanwhile
        return str(escalation["id"])
