"""Performance patches applied to Rasa in our own Rasa process (`python -m bot rasa ...`).

Rasa checks every action-server reply with `jsonschema.validate(result, schema)`, which first
re-validates the (constant) schema against its meta-schema: 3 ms of every message that runs a
custom action, about a fifth of the Rasa process's CPU under load (README, "Performance").
The patch validates the schema once and then only the reply, with the same error on a bad reply.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

import jsonschema
from rasa.core.actions.action import RemoteAction

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


def apply() -> None:
    global _applied
    if not _applied:
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
        _applied = True
