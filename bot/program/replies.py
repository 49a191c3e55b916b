"""Which reply a program question gets in this conversation.

- A special situation recognised in the question (``situations.yml``) answers before the
  intent's general answer.
- A long answer (one with a ``short`` version) opens with the short version and a "Tell me more"
  button; the button, or typing "tell me more", gives the full text.
- A long answer already given in this conversation is not repeated: the person gets a reminder
  ("As I mentioned: ...", the short version) with the same button.

The long answers given so far are kept in a slot, oldest first (``given``), so that a typed
"tell me more" expands the latest one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.program.answers import AnswerBook, Reply

GIVEN_SLOT = "answers_given"
MORE_INTENT = "tell_me_more"
ANSWER_KEY_ENTITY = "answer_key"  # which answer a "Tell me more" button expands


@dataclass(frozen=True)
class Answered:
    reply: Reply
    given: List[str]


def question_answer(book: AnswerBook, intent: str, text: str) -> Optional[Tuple[str, Dict[str, Any]]]:
    """The answer for a question read as this intent, with its extra values; None if it has none."""
    match = book.situations.find(text, intent, question=book.has(intent))
    if match is not None:
        return match.answer, match.context
    return (intent, {}) if book.has(intent) else None


def _remember(given: Sequence[str], key: str) -> List[str]:
    return [k for k in given if k != key] + [key]


def more_button(book: AnswerBook, key: str) -> Dict[str, str]:
    return {"title": book.render("tell_me_more").text, "payload": f'/{MORE_INTENT}{{"{ANSWER_KEY_ENTITY}": "{key}"}}'}


def respond(book: AnswerBook, key: str, given: Sequence[str], **extra: Any) -> Answered:
    """The answer named key, short first when it is long, a reminder when it was given already."""
    if not book.has_short(key):
        return Answered(book.render(key, **extra), list(given))
    short = book.render_short(key, **extra)
    if key in given:
        reminder = book.render("already_said", short=short.text)
        return Answered(Reply(reminder.text, [more_button(book, key)]), _remember(given, key))
    return Answered(Reply(short.text, [more_button(book, key), *short.buttons]), _remember(given, key))


def brief(book: AnswerBook, key: str, **extra: Any) -> Reply:
    """The answer told in passing (inside a form): the short version alone, no "Tell me more"."""
    return book.render_short(key, **extra) if book.has_short(key) else book.render(key, **extra)


def more_of(book: AnswerBook, key: Optional[str], given: Sequence[str]) -> Optional[str]:
    """The long answer "tell me more" is about: the one named (the button says which), or the
    last one given; None when there is none (only long answers have more to tell)."""
    key = key or (given[-1] if given else None)
    return key if key is not None and book.has_short(key) else None


def expand(book: AnswerBook, key: Optional[str], given: Sequence[str]) -> Answered:
    """ "Tell me more": the full text, or something to ask instead when there is nothing to expand."""
    found = more_of(book, key, given)
    if found is None:
        return Answered(book.render("nothing_more"), list(given))
    return Answered(book.render(found), _remember(given, found))
