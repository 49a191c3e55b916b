"""The automated-assistant notice goes with the first reply of a conversation, whatever was asked.

Read from the conversation's events (rasa-sdk's event dicts): Rasa starts every conversation
session with ``session_started``; the notice is due until a reply in this session has carried it.
A reminder the service triggers on its own (Rasa's external messages) is not a person writing, so
it waits for the person's first message.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Sequence

EXTERNAL_PREFIX = "EXTERNAL: "  # rasa.shared.core.constants.EXTERNAL_MESSAGE_PREFIX


def _latest_session(events: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    return list(events[starts[-1] + 1 :]) if starts else []


def notice_due(events: Sequence[Mapping[str, Any]], notice: str) -> bool:
    """Whether a reply now should carry the notice: the person wrote in this session and no reply
    so far carried it. False for a hand-built tracker with no session (nothing to go by)."""
    session = _latest_session(events)
    users = [e for e in session if e.get("event") == "user"]
    if not users or str(users[-1].get("text") or "").startswith(EXTERNAL_PREFIX):
        return False
    return not any(notice in str(e.get("text") or "") for e in session if e.get("event") == "bot")


def with_notice(messages: Iterable[Mapping[str, Any]], notice: str) -> List[Mapping[str, Any]]:
    """The messages with the notice before the first one's text (or as its own message, before a
    domain response that has no text here); unchanged when nothing is sent or it is there already."""
    messages = list(messages)
    if not messages or any(notice in str(m.get("text") or "") for m in messages):
        return messages
    if messages[0].get("text"):
        return [{**messages[0], "text": f"{notice}\n{messages[0]['text']}"}, *messages[1:]]
    return [{"text": notice}, *messages]
