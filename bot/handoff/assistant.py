"""The Rasa HTTP API calls a handoff needs: append events to a conversation and deliver them.

Pausing is Rasa's own: a ``pause`` event (ConversationPaused) makes Rasa record what the person
writes without predicting replies, and ``resume`` undoes it. Bot events appended with
``execute_side_effects`` are sent on the conversation's latest input channel (the widget's
socket.io room) and stay in the transcript like any bot message.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List
from urllib.parse import quote

import aiohttp

TIMEOUT_SECONDS = 10


class AssistantUnavailable(Exception):
    """Rasa could not be reached or refused the call; the message says which and what to check."""


class Assistant:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.token = token

    async def append(self, conversation_id: str, events: List[Dict[str, Any]]) -> None:
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/tracker/events"
        params = {"output_channel": "latest", "execute_side_effects": "true", "token": self.token}
        try:
            async with self.session.post(
                url, json=events, params=params, timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
            ) as response:
                if response.status != 200:
                    detail = (await response.text())[:300]
                    raise AssistantUnavailable(
                        f"the assistant (Rasa, {self.base_url}) refused the change with HTTP {response.status}: {detail}"
                    )
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise AssistantUnavailable(
                f"the assistant (Rasa, {self.base_url}) could not be reached ({exc.__class__.__name__}); "
                "check that the service is running (make run) and try again"
            ) from None
