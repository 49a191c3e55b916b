"""Metadata as the chat channels write it for a verified client: the verdict and its seal."""

from __future__ import annotations

from typing import Any, Dict

from bot.clients.identity import seal
from bot.settings import get_settings


def verified(client_id: str, conversation_id: str = "test-conversation") -> Dict[str, Any]:
    key = get_settings().client_token_key()
    return {"client": {"status": "verified", "id": client_id, "seal": seal(key, conversation_id, client_id)}}
