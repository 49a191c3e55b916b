"""The patched action-reply check accepts and rejects exactly what Rasa's own check does."""
from __future__ import annotations

from typing import Any, Dict

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
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
