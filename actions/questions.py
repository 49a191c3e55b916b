"""Any program question answered in one call, for flows (the callback form) that get interrupted."""
from __future__ import annotations

from typing import List, Optional

from rasa_sdk import Tracker

from actions.insurance import insurance_reply
from actions.schedule import schedule_replies
from bot.program.answers import AnswerBook, Reply

NOT_QUESTIONS = {"greet", "inform"}


def replies_for(intent: str, book: AnswerBook, tracker: Tracker) -> Optional[List[Reply]]:
    """The replies to a question with this intent, or None when the intent is not a question."""
    if intent == "ask_insurance":
        return [insurance_reply(book, tracker)[0]]
    if intent == "ask_schedule":
        return schedule_replies(book, tracker)
    if intent in NOT_QUESTIONS or not book.has(intent):
        return None
    return [book.render(intent)]
