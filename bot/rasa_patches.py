"""Patches applied to Rasa in our own Rasa process (`python -m bot rasa ...`).

1. Group reminders across sessions. Rasa drops a reminder when it fires if the reminder is not
among the current session's events, and a session ends after an hour of quiet, so "remind me an
hour before group" on Saturday for Monday would never arrive. The patched handler looks for the
reminder in the conversation's whole history instead: only a cancellation or a restart after it
(not a new session) makes it stale.

2. Performance. Rasa checks every action-server reply with `jsonschema.validate(result, schema)`, which first
re-validates the (constant) schema against its meta-schema: 3 ms of every message that runs a
custom action, about a fifth of the Rasa process's CPU under load (README, "Performance").
The patch validates the schema once and then only the reply, with the same error on a bad reply.

3. Crisis messages during a live chat. While a staff member has the conversation (bot/handoff/),
Rasa's paused conversation records the person's messages and answers none. A crisis message is
the exception: it still gets the assistant's crisis answer (988, 911, the on-call line) at once,
whoever is or is not at the console, and the staff member sees it in the chat.

4. A live chat across a new session. When the person writes after an hour of quiet, Rasa starts a
new session, and its tracker reset forgets the pause, so the assistant would answer beside the
staff member. The pause is carried into the new session: only the staff member's hand-back or
close (a ``resume`` event) ends it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

import logging
from typing import Iterable, Optional, Text

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ConversationPaused, Event, ReminderCancelled, ReminderScheduled, Restarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety.names import CRISIS_INTENT

log = logging.getLogger(__name__)

_applied = False


@lru_cache(maxsize=1)
def _reply_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    error = jsonschema.exceptions.best_match(_reply_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid."
        )
        raise error
    return True


def reminder_still_due(events: Iterable[Event], reminder: ReminderScheduled, sender_id: Text) -> bool:
    """True unless the reminder was cancelled, or the conversation restarted, after it was set."""
    job = reminder.scheduled_job_name(sender_id)
    for event in reversed(list(events)):
        if isinstance(event, Restarted):
            return False
        if isinstance(event, ReminderCancelled) and event.cancels_job_with_name(job, sender_id):
            return False
        if isinstance(event, ReminderScheduled) and event.name == reminder.name:
            return True
    return False


async def _handle_reminder(
    self: MessageProcessor, reminder_event: ReminderScheduled, sender_id: Text, output_channel: OutputChannel
) -> None:
    async with self.lock_store.lock(sender_id):
        history = await self.tracker_store.retrieve_full_tracker(sender_id)
        events = list(history.events) if history is not None else []
        if not reminder_still_due(events, reminder_event, sender_id) or (
            reminder_event.kill_on_user_message and history is not None and self._has_message_after_reminder(history, reminder_event)
        ):
            log.debug("reminder %s for %s is no longer due", reminder_event.name, sender_id)
            return
        tracker = await self.fetch_tracker_and_update_session(sender_id, output_channel)
        await self.trigger_external_user_uttered(reminder_event.intent, reminder_event.entities or {}, tracker, output_channel)


_should_handle_message = MessageProcessor._should_handle_message


def should_handle_message(tracker: DialogueStateTracker) -> bool:
    """Rasa's rule (not paused, or a restart), and a crisis message even when paused."""
    latest = tracker.latest_message
    return _should_handle_message(tracker) or (latest is not None and latest.intent.get("name") == CRISIS_INTENT)


_update_tracker_session = MessageProcessor._update_tracker_session


async def _update_tracker_session_keeping_pause(
    self: MessageProcessor, tracker: DialogueStateTracker, output_channel: OutputChannel, metadata: Optional[Dict] = None
) -> None:
    paused = tracker.is_paused()
    await _update_tracker_session(self, tracker, output_channel, metadata)
    if paused and not tracker.is_paused():
        tracker.update(ConversationPaused())


def apply() -> None:
    global _applied
    if not _applied:
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
        MessageProcessor.handle_reminder = _handle_reminder  # type: ignore[assignment]
        MessageProcessor._should_handle_message = staticmethod(should_handle_message)  # type: ignore[assignment]
        MessageProcessor._update_tracker_session = _update_tracker_session_keeping_pause  # type: ignore[assignment]
        _applied = True
