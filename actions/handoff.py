""" "Talk to a person": ask a staff member to join the chat live, or offer the callback form."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List

import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, identity_of, resources
from bot.handoff.notices import handoff_meta
from bot.handoff.presence import PresenceStore
from bot.handoff.request import LIVE_CHANNEL, Outcome, answer_context, is_client_conversation, request_person
from bot.handoff.store import HandoffStore
from bot.safety.escalations import EscalationStore
from bot.safety.mode import in_crisis_mode
from bot.settings import get_settings

log = logging.getLogger(__name__)


class ActionRequestHandoff(CompanionAction):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        book = self.book_for(tracker)
        center = book.program.center
        crisis = in_crisis_mode(tracker.events)
        channel = tracker.get_latest_input_channel()
        wait = get_settings().handoff_wait_seconds
        try:
            engine = resources().engine
            # "I'm safe" ends crisis mode, not the escalation: until it is resolved, clinicians answer.
            crisis = crisis or EscalationStore(engine).unresolved(tracker.sender_id) is not None
            client_linked = is_client_conversation(
                resources().clients, tracker.sender_id, verified_now=identity_of(tracker).status == "verified"
            )
            outcome = request_person(
                HandoffStore(engine),
                PresenceStore(engine),
                center,
                tracker.sender_id,
                channel=channel,
                crisis=crisis,
                client_linked=client_linked,
                wait_seconds=wait,
                at=dt.datetime.now(dt.timezone.utc),
            )
        except sa.exc.SQLAlchemyError:
            # Nobody can be asked without the database: the person still gets the numbers and the form.
            log.exception("could not record the request for a person in conversation %s", tracker.sender_id)
            answer = "handoff_busy" if channel == LIVE_CHANNEL else "handoff_not_here"
            outcome = Outcome(answer, None, answer_context(center, crisis=crisis, wait_seconds=wait))
        reply = book.render(outcome.answer, **outcome.context)
        extra = {"handoff": handoff_meta("status", outcome.status)} if outcome.status else {}
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None, **extra)
        return []
