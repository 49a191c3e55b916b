"""Any program question answered in one call, for flows (the callback form) that get interrupted."""

from __future__ import annotations

from typing import List, Optional

from rasa_sdk import Tracker

from actions.insurance import insurance_reply
from actions.program import entity, given
from actions.schedule import schedule_replies
from bot.program import replies
from bot.program.answers import AnswerBook, Reply

NOT_QUESTIONS = {"greet", "inform"}


def replies_for(intent: str, book: AnswerBook, tracker: Tracker) -> Optional[List[Reply]]:
    """The replies to a question with this intent, or None when the intent is not a question.

    Told in passing: a long answer gives its short version without a "Tell me more" button, which
    the form would take for the answer to its own question.
    """
    if intent == "ask_insurance":
        return [insurance_reply(book, tracker)[0]]
    if intent == "ask_schedule":
        return schedule_replies(book, tracker)
    if intent == replies.MORE_INTENT:
        key = replies.more_of(book, entity(tracker, replies.ANSWER_KEY_ENTITY), given(tracker))
        return [book.render(key)] if key else None
    if intent in NOT_QUESTIONS:
        return None
    question = replies.question_answer(book, intent, tracker.latest_message.get("text") or "")
    if question is None:
        return None
    key, extra = question
    return [replies.brief(book, key, **extra)]
