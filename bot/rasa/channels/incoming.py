"""What a chat message must look like when it arrives, on either channel.

A conversation id (``sender`` on REST, ``session_id`` on socket.io) that is missing or empty is
refused, never mapped to a shared "default" conversation; the text must be text; metadata must be
a small JSON object. What no database can keep (a NUL, half of a UTF-16 pair) is taken out of both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot.said import IS_EXTERNAL, REPLAYED
from bot.text import storable, storable_json

MAX_SENDER_CHARS = 255  # Rasa's events.sender_id column
MAX_METADATA_BYTES = 4096
SHAPE = '{"sender": "<conversation id>", "message": "<text>"}'


class BadMessage(ValueError):
    """The payload is not a message; the text says what is wrong."""


@dataclass(frozen=True)
class Incoming:
    sender: str
    text: str
    metadata: Dict[str, Any]


def check_fields(sender: Any, text: Any, metadata: Any, sender_name: str = "sender") -> Incoming:
    if not isinstance(sender, str) or not sender.strip():
        raise BadMessage(f'"{sender_name}" must be a non-empty string: the id of the conversation')
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        raise BadMessage(f'"{sender_name}" must be at most {MAX_SENDER_CHARS} printable characters')
    if not isinstance(text, str) or not text.strip():
        raise BadMessage('"message" must be a non-empty string')
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise BadMessage('"metadata" must be a JSON object when given')
    if len(json.dumps(metadata)) > MAX_METADATA_BYTES:
        raise BadMessage(f'"metadata" must be at most {MAX_METADATA_BYTES} bytes of JSON')
    text = storable(text)  # a stray NUL must not cost the person their message
    if not text.strip():
        raise BadMessage('"message" must be a non-empty string')
    # The marks of what the assistant itself says (bot/said.py) are never the sender's to set: a
    # message marked so would be left out of crisis mode and the transcript.
    kept = {key: value for key, value in storable_json(metadata).items() if key not in (IS_EXTERNAL, REPLAYED)}
    return Incoming(sender, text, kept)


def parse_body(raw: bytes) -> Incoming:
    """A REST webhook body."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadMessage(f"the body must be JSON: {SHAPE}") from None
    if not isinstance(body, dict):
        raise BadMessage(f"the body must be a JSON object: {SHAPE}")
    return check_fields(body.get("sender"), body.get("message"), body.get("metadata"))


def parse_event(data: Any, metadata_key: str) -> Optional[Incoming]:
    """A socket.io ``user_uttered`` event (as Rasa Webchat sends it), or None when it is not one."""
    if not isinstance(data, dict):
        return None
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):  # some widgets send it as a JSON string
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    try:
        return check_fields(data.get("session_id"), data.get("message"), metadata, "session_id")
    except BadMessage:
        return None
