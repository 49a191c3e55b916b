"""The web app's handoff timer, every ``HANDOFF_POLL_SECONDS``:

- a request nobody took within ``HANDOFF_WAIT_SECONDS`` expires: the person is told and offered
  the callback form (with 988 and 911 again when the request came in a crisis);
- a live chat whose staff member's console has been silent for ``HANDOFF_ABANDON_SECONDS`` (tab
  closed, laptop asleep, connection lost) goes back to the assistant, so nobody is left talking
  to a paused bot; a crisis escalation it had acknowledged is open again and staff are notified.

When Rasa cannot be reached, nothing is lost: the expiry is undone and retried on the next round,
and an abandoned chat stays as it is until the notice can be delivered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Callable

import sqlalchemy as sa

from bot.handoff import notices
from bot.handoff.assistant import Assistant, AssistantUnavailable
from bot.handoff.store import HandoffStore
from bot.program.answers import AnswerBook
from bot.program.errors import ProgramDataError
from bot.safety.escalations import EscalationStore

log = logging.getLogger(__name__)


class Sweeper:
    def __init__(
        self,
        handoffs: HandoffStore,
        escalations: EscalationStore,
        assistant: Assistant,
        book: Callable[[], AnswerBook],
        *,
        wait_seconds: float,
        abandon_seconds: float,
    ) -> None:
        self.handoffs = handoffs
        self.escalations = escalations
        self.assistant = assistant
        self.book = book
        self.wait = dt.timedelta(seconds=wait_seconds)
        self.abandon = dt.timedelta(seconds=abandon_seconds)

    async def sweep(self, now: dt.datetime) -> None:
        await self._expire_requests(now)
        await self._return_abandoned(now)

    async def _expire_requests(self, now: dt.datetime) -> None:
        for handoff in await asyncio.to_thread(self.handoffs.expire_waiting, now - self.wait, now):
            try:
                if await asyncio.to_thread(self.handoffs.open_for, handoff.conversation_id) is not None:
                    # Taken, or asked for again, since: this notice (and its resume) would be wrong now.
                    continue
                book = await asyncio.to_thread(self.book)
                # In crisis when asked, or since: an escalation opened while the person waited.
                crisis = (
                    handoff.reason == "crisis"
                    or await asyncio.to_thread(self.escalations.unresolved, handoff.conversation_id) is not None
                )
                await self.assistant.append(handoff.conversation_id, notices.expired(book, crisis=crisis))
                log.info("handoff %s: nobody took it in time; the person was offered a callback", handoff.id)
            except (AssistantUnavailable, ProgramDataError, sa.exc.SQLAlchemyError) as exc:
                if await asyncio.to_thread(self.handoffs.reopen, handoff.id):
                    log.warning("handoff %s expired but the person could not be told (%s); retrying", handoff.id, exc)
                else:
                    log.warning(
                        "handoff %s expired and the person could not be told (%s); it has been superseded", handoff.id, exc
                    )

    async def _return_abandoned(self, now: dt.datetime) -> None:
        for handoff in await asyncio.to_thread(self.handoffs.abandoned, now - self.abandon):
            try:
                book = await asyncio.to_thread(self.book)
                await self.assistant.append(
                    handoff.conversation_id, notices.ended(book, "left", handoff.staff_name or "Our team member")
                )
            except (AssistantUnavailable, ProgramDataError) as exc:  # retried next round
                log.warning(
                    "handoff %s: the staff member's console went quiet, but the chat could not be handed back (%s)",
                    handoff.id,
                    exc,
                )
                continue
            if await asyncio.to_thread(self.handoffs.end_abandoned, handoff, now):
                log.warning(
                    "handoff %s: %s's console went quiet; the chat went back to the assistant", handoff.id, handoff.taken_by
                )
                await self._crisis_unanswered(handoff.conversation_id)

    async def _crisis_unanswered(self, conversation_id: str) -> None:
        """Taking a crisis over acknowledged its escalation; now nobody answers it, so it is open
        again and staff are notified."""
        try:
            escalation = await asyncio.to_thread(self.escalations.unresolved, conversation_id)
            if escalation is not None and await asyncio.to_thread(
                self.escalations.reopen,
                escalation["id"],
                "The live chat ended without a hand-back: the staff member's console went quiet.",
            ):
                log.warning("escalation %s is open again: its live chat was left", escalation["id"])
        except sa.exc.SQLAlchemyError:
            # The chat is back with the assistant; the escalation stays acknowledged: say so loudly.
            log.exception("could not reopen the escalation of conversation %s after its live chat was left", conversation_id)

    async def run_forever(self, poll_seconds: float) -> None:
        while True:
            try:
                await self.sweep(dt.datetime.now(dt.timezone.utc))
            except Exception:  # the timer must outlive a database hiccup
                log.exception("the handoff timer failed; trying again")
            await asyncio.sleep(poll_seconds)
