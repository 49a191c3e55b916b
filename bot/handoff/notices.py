"""What the person sees as a handoff goes along, as Rasa events for :class:`Assistant.append`.

The wording is the center's, in data/program/answers.yml (``handoff_*``). Every bot message of a
handoff carries ``metadata.handoff`` — ``kind`` (``status`` or ``staff``), ``status`` and the staff
member's display name — which the socket.io channel passes to the widget (bot/rasa/channels/socketio.py)
and the console shows in the transcript.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.program.answers import AnswerBook, Reply

PAUSE = {"event": "pause"}
RESUME = {"event": "resume"}


def handoff_meta(kind: str, status: str, staff_name: Optional[str] = None) -> Dict[str, Any]:
    meta: Dict[str, Any] = {"kind": kind, "status": status}
    if staff_name:
        meta["staff_name"] = staff_name
    return meta


def _bot(reply: Reply, meta: Dict[str, Any]) -> Dict[str, Any]:
    event: Dict[str, Any] = {"event": "bot", "text": reply.text, "metadata": {"handoff": meta}}
    if reply.buttons:
        event["data"] = {"buttons": reply.buttons}
    return event


def joined(book: AnswerBook, staff_name: str) -> List[Dict[str, Any]]:
    """Pause the assistant, then say who joined."""
    return [PAUSE, _bot(book.render("handoff_joined", staff_name=staff_name), handoff_meta("status", "active", staff_name))]


def staff_message(text: str, staff_name: str) -> List[Dict[str, Any]]:
    return [_bot(Reply(text=text), handoff_meta("staff", "active", staff_name))]


def ended(book: AnswerBook, status: str, staff_name: str) -> List[Dict[str, Any]]:
    """``returned`` (handed back), ``closed``, or ``left`` (the console went away): say so, then resume."""
    key = {"returned": "handoff_returned", "closed": "handoff_closed", "left": "handoff_left"}[status]
    shown = "returned" if status == "left" else status
    return [_bot(book.render(key, staff_name=staff_name), handoff_meta("status", shown, staff_name)), RESUME]


def expired(book: AnswerBook, crisis: bool) -> List[Dict[str, Any]]:
    """Nobody took the request in time: say so and offer the callback form (and 988 / 911 in a
    crisis). The resume is harmless when nothing paused the conversation, and undoes a pause a
    failed take-over may have left behind."""
    return [_bot(book.render("handoff_expired", crisis=crisis), handoff_meta("status", "expired")), RESUME]
