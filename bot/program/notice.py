"""The automated-assistant notice goes with the first reply of a conversation, whatever was asked.

Read from the conversation's events (event dicts): Rasa starts every conversation session with
``session_started``; the notice is due until a reply in this session has carried it. A reminder
the service triggers on its own (Rasa's external messages) is not a person writing, so it waits
for the person's first message.

Two places send a first reply, and each adds the notice to its own: our actions
(``actions/common.py``, on the action server) and the response generator (``bot/rasa/nlg.py``, in Rasa)
for a domain response that a rule or policy runs directly (fallback, off-topic, crisis, medication
safety...). An action's domain responses pass through the generator too, marked ``NOTICE_HANDLED``
so that the notice is not added twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Mapping, NamedTuple, Sequence, Tuple

from bot.said import is_external

if TYPE_CHECKING:
    from bot.program.answers import AnswerBook

NOTICE_HANDLED = "notice_handled"  # on an action's response messages: the action placed the notice

# Replies whose urgent steps come before the notice (a person in danger reads them first).
URGENT_RESPONSES = ("utter_crisis", "utter_risk_screen")


class Notices(NamedTuple):
    """The notice's wordings (answers.yml): before a reply, after a crisis reply's steps, and the
    words by which any reply tells the person they are talking to an automated assistant."""

    first: str
    after_urgent: str
    disclosures: Tuple[str, ...]  # in every language: a notice given in one counts in the other

    @classmethod
    def of(cls, book: "AnswerBook") -> "Notices":
        return cls(
            book.render("notice").text,
            book.render("notice_after_urgent").text,
            tuple(other.render("notice_disclosure").text for other in book.in_every_language()),
        )

    def carried_by(self, text: str) -> bool:
        return any(words and words in text for words in (self.first, self.after_urgent, *self.disclosures))


def _latest_session(events: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    return list(events[starts[-1] + 1 :]) if starts else []


def notice_due(events: Sequence[Mapping[str, Any]], notices: Notices) -> bool:
    """Whether a reply now should carry the notice: the person wrote in this session and no reply
    so far carried it. False for a hand-built tracker with no session (nothing to go by)."""
    session = _latest_session(events)
    users = [e for e in session if e.get("event") == "user"]
    if not users or is_external(users[-1]):  # a reminder firing: the person wrote nothing
        return False
    return not any(notices.carried_by(str(e.get("text") or "")) for e in session if e.get("event") == "bot")


def with_notice(messages: Iterable[Mapping[str, Any]], notices: Notices) -> List[Mapping[str, Any]]:
    """The messages with the notice before the first one's text (or as its own message, before a
    domain response that has no text here); unchanged when nothing is sent or it is there already."""
    messages = list(messages)
    notice = notices.first
    if not messages or any(notices.carried_by(str(m.get("text") or "")) for m in messages):
        return messages
    if messages[0].get("text"):
        return [{**messages[0], "text": f"{notice}\n{messages[0]['text']}"}, *messages[1:]]
    return [{"text": notice}, *messages]


def with_notice_in_text(response: str, text: str, notices: Notices) -> str:
    """One domain response's text with the notice: after the urgent steps of a crisis or screening
    reply, before anything else."""
    if notices.carried_by(text):
        return text
    if response.startswith(URGENT_RESPONSES):
        return f"{text}\n{notices.after_urgent}" if text else notices.after_urgent
    return f"{notices.first}\n{text}" if text else notices.first
