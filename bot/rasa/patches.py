"""Patches applied to Rasa in our own Rasa process (`python -m bot rasa ...`).

1. Group reminders across sessions. Rasa drops a reminder when it fires if the reminder is not
among the current session's events, and a session ends after an hour of quiet, so "remind me an
hour before group" on Saturday for Monday would never arrive. The patched handler looks for the
reminder in the conversation's whole history instead: only a cancellation or a restart after it
(not a new session) makes it stale. With several Rasa instances each may hold the same reminder (each
schedules the pending ones again when it starts); under the conversation's lock (Redis) the
first to fire it leaves its message in the history, and the others then find it no longer due.

2. Performance. Rasa checks every action-server reply with `jsonschema.validate(result, schema)`, which first
re-validates the (constant) schema against its meta-schema: 3 ms of every message that runs a
custom action, about a fifth of the Rasa process's CPU under load (docs/performance.md).
The patch validates the schema once and then only the reply, with the same error on a bad reply.

3. Crisis messages during a live chat. While a staff member has the conversation (bot/handoff/),
Rasa's paused conversation records the person's messages and answers none. A crisis message is
the exception: it still gets the assistant's crisis answer (988, 911, the on-call line) at once,
whoever is or is not at the console, and the staff member sees it in the chat.

4. A live chat across a new session. When the person writes after an hour of quiet, Rasa starts a
new session, and its tracker reset forgets the pause, so the assistant would answer beside the
staff member. The pause is carried into the new session: only the staff member's hand-back or
close (a ``resume`` event) ends it.

5. An action server that is down or hung. Rasa logs the failure, drops the action's events and
answers nothing (HTTP 200 with an empty reply), after waiting up to 5 minutes for a hung server.
The patched call gives up after ACTION_TIMEOUT_SECONDS (settings) and answers ``utter_action_failed`` (send
it again, or call). When the failed action was a form's validation, the slots the person just
filled are emptied again, so the form asks the same question instead of moving on with an
unchecked answer; the form and the answers before it are kept.

6. Logs without what people wrote. When it is not on a terminal, Rasa logs JSON through structlog,
whose traceback renderer includes every frame's local variables: a failed message logged its text,
its metadata and tokens. The renderer Rasa picks up is replaced by one without locals.

7. Parsing off the event loop. Rasa parses a message on its event loop, and the NLU pipeline (the
sentence encoder's matrix products above all) holds that loop for 15-20 ms: one process then
serves about 33 msg/s whatever the cores. The patched parse runs the same graph in a small thread
pool; numpy releases the interpreter lock in its products, so other conversations' dialogue work
goes on meanwhile. Four threads, so that messages parsed at the same time share the encoder's
passes (bot/encoder/coalescing.py): at 10 conversations, closed loop, 28-30 msg/s with two
threads and 34-35 with four, side by side (eight: 34). Rasa's lock store still serialises each
conversation's messages. It also leaves out Rasa's debug log of the parsed text.

8. Rule matching from memory. Before each action, RulePolicy checks every learned rule (about
300 here) against each recent turn, in Python: under load about a quarter of the time the Rasa
process holds the interpreter lock. The turns people reach repeat (the same intent after the same
action with the same slots), so a loaded policy keeps, per turn position and turn, the rules that
match it (``_IndexedRules``) and intersects those sets: the same keys as Rasa's loop, which the
tests compare. Only a loaded policy gets it: in training the rules change as they are checked.

Written for Rasa 3.6.21 (structlog 23.3): tests/bot/rasa/test_patches.py checks what each patch does, and
tests/bot/rasa/test_rasa_internals.py fails if the source of a Rasa function patched here changes.
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Text, Tuple

import jsonschema
import structlog
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import EXTERNAL_MESSAGE_PREFIX, IS_EXTERNAL, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ConversationPaused,
    Event,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from structlog.tracebacks import ExceptionDictTransformer

from bot.safety.names import CRISIS_INTENT
from bot.settings import get_settings

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
            ". Failed to validate Action server response from API, make sure your response from the Action endpoint is valid."
        )
        raise error
    return True


def _entity_values(entities: Optional[Iterable[Dict[Text, Any]]]) -> FrozenSet[Tuple[str, str]]:
    return frozenset((str(e.get("entity")), str(e.get("value"))) for e in entities or () if isinstance(e, dict))


def _same_reminder(event: ReminderScheduled, reminder: ReminderScheduled) -> bool:
    # Rasa's ReminderScheduled.__eq__ compares names only; a reminder set again keeps its name.
    return (
        event.trigger_date_time == reminder.trigger_date_time
        and event.intent == reminder.intent
        and _entity_values(event.entities) == _entity_values(reminder.entities)
    )


def _fired(event: Event, reminder: ReminderScheduled) -> bool:
    """``event`` is the message that ``reminder`` triggered when it fired."""
    return (
        isinstance(event, UserUttered)
        and (bool((event.metadata or {}).get(IS_EXTERNAL)) or (event.text or "").startswith(EXTERNAL_MESSAGE_PREFIX))
        and event.intent_name == reminder.intent
        and _entity_values(event.entities) == _entity_values(reminder.entities)
    )


def reminder_still_due(events: Iterable[Event], reminder: ReminderScheduled, sender_id: Text) -> bool:
    """True unless, after the reminder was set, it was cancelled, the conversation restarted, the
    reminder already fired (on this or another instance), or it was set again for another time."""
    job = reminder.scheduled_job_name(sender_id)
    for event in reversed(list(events)):
        if isinstance(event, Restarted):
            return False
        if isinstance(event, ReminderCancelled) and event.cancels_job_with_name(job, sender_id):
            return False
        if _fired(event, reminder):
            return False
        if isinstance(event, ReminderScheduled) and event.name == reminder.name:
            return _same_reminder(event, reminder)
    return False


async def _handle_reminder(
    self: MessageProcessor, reminder_event: ReminderScheduled, sender_id: Text, output_channel: OutputChannel
) -> None:
    async with self.lock_store.lock(sender_id):
        history = await self.tracker_store.retrieve_full_tracker(sender_id)
        events = list(history.events) if history is not None else []
        if not reminder_still_due(events, reminder_event, sender_id) or (
            reminder_event.kill_on_user_message
            and history is not None
            and self._has_message_after_reminder(history, reminder_event)
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


_rasa_parse_message = (
    MessageProcessor.parse_message
)  # what the patch re-states (its source is pinned in tests/bot/rasa/test_rasa_internals.py)
_PARSE_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="nlu-parse")  # threads start on first use


async def _parse_message_off_the_loop(
    self: MessageProcessor, message: Any, tracker: Optional[DialogueStateTracker] = None, only_output_properties: bool = True
) -> Dict[Text, Any]:
    """Rasa's ``MessageProcessor.parse_message`` with the graph run in ``_PARSE_POOL``."""
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        loop = asyncio.get_running_loop()
        parse_data = await loop.run_in_executor(
            _PARSE_POOL, self._parse_message_with_graph, message, tracker, only_output_properties
        )
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


ACTION_FAILED = "utter_action_failed"
# Actions whose failure needs no word to the person: the question set aside by the screening
# question was already answered with 911 and 988, and can be asked again.
QUIET_ON_FAILURE = ("action_answer_set_aside",)
_remote_run = RemoteAction.run


def slots_just_filled(tracker: DialogueStateTracker) -> List[str]:
    """Slots set since the person's latest message (a form validation's candidates)."""
    filled: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, SlotSet) and event.key != REQUESTED_SLOT and event.value is not None:
            filled.append(event.key)
    return filled


async def _run_remote_action(
    self: RemoteAction,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> List[Event]:
    try:
        return await asyncio.wait_for(
            _remote_run(self, output_channel, nlg, tracker, domain), get_settings().action_timeout_seconds
        )
    except ActionExecutionRejection:
        raise  # a form validation's own refusal, not a failure
    except (RasaException, asyncio.TimeoutError) as exc:
        if self.name() in QUIET_ON_FAILURE:
            log.error("custom action %s failed (%s); nothing is lost, nothing said", self.name(), exc.__class__.__name__)
            return []
        log.error("custom action %s failed (%s); the person is asked to send it again", self.name(), exc.__class__.__name__)
        message = await nlg.generate(ACTION_FAILED, tracker, output_channel.name())
        if message is None:
            raise
        events: List[Event] = [create_bot_utterance(message)]  # the processor sends it, as any action's
        if self.name().startswith("validate_"):
            events += [SlotSet(slot, None) for slot in slots_just_filled(tracker)]
        return events


TRACEBACKS_WITHOUT_LOCALS = structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False))


class _IndexedRules:
    """``RulePolicy._get_possible_keys`` for a loaded policy: per lookup, turn position and turn,
    the rule keys that match, computed once (Rasa's ``_is_rule_applicable``) and intersected."""

    MAX_ENTRIES = 4096  # distinct (position, turn) pairs seen; cleared when full (a few MB)

    def __init__(self, policy: RulePolicy) -> None:
        self._policy = policy
        self._matching: Dict[Tuple[int, int, str], FrozenSet[Text]] = {}
        self._longest: Dict[int, int] = {}

    def possible_keys(self, lookup: Dict[Text, Text], states: List[Dict[Text, Any]]) -> Set[Text]:
        longest = self._longest.get(id(lookup))
        if longest is None:  # a loaded policy's lookups never change, so their ids are stable
            longest = self._longest[id(lookup)] = max((len(RulePolicy._rule_key_to_state(k)) for k in lookup), default=0)
        possible: Optional[FrozenSet[Text]] = None
        # Past the longest rule every rule applies (Rasa: turn_index >= len(rule) -> True).
        for turn_index, state in enumerate(reversed(states[-longest:] if longest else [])):
            matching = self._matching_at(lookup, turn_index, state)
            possible = matching if possible is None else possible & matching
            if not possible:
                break
        return set(lookup) if possible is None else set(possible)

    def _matching_at(self, lookup: Dict[Text, Text], turn_index: int, state: Dict[Text, Any]) -> FrozenSet[Text]:
        key = (id(lookup), turn_index, json.dumps(state, sort_keys=True, default=repr))
        found = self._matching.get(key)
        if found is None:
            if len(self._matching) >= self.MAX_ENTRIES:
                self._matching.clear()
            found = self._matching[key] = frozenset(k for k in lookup if self._policy._is_rule_applicable(k, turn_index, state))
        return found


_rasa_rule_policy_load = RulePolicy.load.__func__


def _load_rule_policy_indexed(cls: type, *args: Any, **kwargs: Any) -> RulePolicy:
    policy = _rasa_rule_policy_load(cls, *args, **kwargs)
    policy._get_possible_keys = _IndexedRules(policy).possible_keys
    return policy


def apply() -> None:
    global _applied
    if not _applied:
        RemoteAction._validate_action_result = _validate_action_result
        RemoteAction.run = _run_remote_action
        # rasa.utils.log_utils.configure_structlog reads this attribute when Rasa starts logging.
        structlog.processors.dict_tracebacks = TRACEBACKS_WITHOUT_LOCALS
        MessageProcessor.handle_reminder = _handle_reminder
        MessageProcessor._should_handle_message = staticmethod(should_handle_message)
        MessageProcessor._update_tracker_session = _update_tracker_session_keeping_pause
        MessageProcessor.parse_message = _parse_message_off_the_loop
        RulePolicy.load = classmethod(_load_rule_policy_indexed)
        _applied = True
