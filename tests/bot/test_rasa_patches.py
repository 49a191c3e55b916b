"""The patched action-reply check accepts and rejects exactly what Rasa's own check does."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import (
    ConversationPaused,
    Event,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_patches

ORIGINAL = RemoteAction._validate_action_result

REPLIES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "cb_insurance", "value": "Aetna", "timestamp": None}], "responses": [{"text": "hi", "buttons": [{"title": "a", "payload": "/b"}]}]},
    {"events": [{"event": "followup", "name": "callback_form"}], "responses": [{"response": "utter_fallback"}]},
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [], "responses": [{"text": 42}]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_question", EndpointConfig("http://127.0.0.1:1/webhook"))


def outcome(validate: Any, action: RemoteAction, reply: Dict[str, Any]) -> str:
    try:
        validate(action, reply)
        return "valid"
    except jsonschema.ValidationError as error:
        assert "Failed to validate Action server response" in error.message
        return "invalid"


@pytest.mark.parametrize("reply", REPLIES)
def test_same_verdict_as_rasa(action: RemoteAction, reply: Dict[str, Any]) -> None:
    assert outcome(rasa_patches._validate_action_result, action, reply) == outcome(ORIGINAL, action, reply)


def test_bad_reply_is_rejected(action: RemoteAction) -> None:
    assert outcome(rasa_patches._validate_action_result, action, {"events": "nope", "responses": []}) == "invalid"


def test_apply_installs_the_patch_once() -> None:
    rasa_patches.apply()
    rasa_patches.apply()
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result
    RemoteAction._validate_action_result = ORIGINAL  # leave Rasa as other tests expect it
    rasa_patches._applied = False


# Group reminders survive a new session; a cancellation or a restart stops them.
def _reminder(name: str = "group_reminder:c1") -> ReminderScheduled:
    return ReminderScheduled("ask_next_group", dt.datetime(2027, 1, 4, 1, 0, tzinfo=dt.timezone.utc), name=name, kill_on_user_message=False)


def _history(*middle: Event) -> List[Event]:
    return [SessionStarted(), UserUttered("remind me"), _reminder(), *middle]


@pytest.mark.parametrize(
    "later, due",
    [
        ([], True),
        (["session", "message"], True),  # a new session after an hour of quiet does not cancel it
        (["cancel"], False),
        (["session", "cancel"], False),
        (["restart"], False),
        (["other_cancel"], True),  # another conversation's reminder name
    ],
)
def test_a_reminder_is_due_across_sessions_until_cancelled(later: List[str], due: bool) -> None:
    events = {
        "session": SessionStarted(),
        "message": UserUttered("hi"),
        "cancel": ReminderCancelled(name="group_reminder:c1"),
        "other_cancel": ReminderCancelled(name="group_reminder:c2"),
        "restart": Restarted(),
    }
    assert rasa_patches.reminder_still_due(_history(*(events[e] for e in later)), _reminder(), "c1") is due


def test_a_reminder_missing_from_the_history_is_not_due() -> None:
    assert not rasa_patches.reminder_still_due([], _reminder(), "c1")


def test_apply_replaces_rasa_s_reminder_handler() -> None:
    rasa_patches.apply()
    assert MessageProcessor.handle_reminder is rasa_patches._handle_reminder


def _tracker(intent: str, paused: bool) -> DialogueStateTracker:
    events: List[Event] = [ConversationPaused()] if paused else []
    events.append(UserUttered("...", {"name": intent, "confidence": 1.0}))
    return DialogueStateTracker.from_events("someone", events)


@pytest.mark.parametrize(
    "intent, paused, handled",
    [
        ("ask_cost", False, True),
        ("ask_cost", True, False),  # a staff member has the chat: the assistant stays quiet
        ("crisis", True, True),  # ... except for a crisis, which always gets the crisis answer
        ("crisis", False, True),
        ("restart", True, True),  # Rasa's own exception
    ],
)
def test_a_paused_conversation_still_answers_a_crisis(intent: str, paused: bool, handled: bool) -> None:
    assert rasa_patches.should_handle_message(_tracker(intent, paused)) is handled


def test_the_patch_is_what_rasa_calls() -> None:
    rasa_patches.apply()
    assert MessageProcessor._should_handle_message(_tracker("crisis", True)) is True
    assert MessageProcessor._should_handle_message(_tracker("ask_cost", True)) is False


@pytest.mark.parametrize("paused", [True, False])
async def test_a_new_session_keeps_a_live_chat_s_pause(monkeypatch: pytest.MonkeyPatch, paused: bool) -> None:
    """Rasa's session start resets the tracker (which unpauses it); the patch pauses it again."""

    async def start_a_session(self: Any, tracker: DialogueStateTracker, output_channel: Any, metadata: Any = None) -> None:
        tracker.update(SessionStarted())

    monkeypatch.setattr(rasa_patches, "_update_tracker_session", start_a_session)
    tracker = DialogueStateTracker.from_events("someone", [ConversationPaused()] if paused else [])
    await rasa_patches._update_tracker_session_keeping_pause(None, tracker, None)  # type: ignore[arg-type]
    assert tracker.is_paused() is paused
    assert isinstance(tracker.events[-1], ConversationPaused if paused else SessionStarted)


def test_the_session_patch_is_installed() -> None:
    rasa_patches.apply()
    assert MessageProcessor._update_tracker_session is rasa_patches._update_tracker_session_keeping_pause
