"""Group schedule questions, answered from the tracks' sessions in the center's timezone.

A signed-in client asking about a day ("group on thursday?") hears about their own track.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, identity_of, send
from bot.clients import schedule as own_schedule
from bot.program import schedule
from bot.program.answers import AnswerBook, Reply


def schedule_replies(book: AnswerBook, tracker: Tracker) -> List[Reply]:
    return schedule.answer(book, tracker.latest_message.get("text") or "", dt.datetime.now(dt.timezone.utc))


class ActionAnswerSchedule(CompanionAction):
    def name(self) -> str:
        return "action_answer_schedule"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        who = identity_of(tracker)
        text = tracker.latest_message.get("text") or ""
        now = dt.datetime.now(dt.timezone.utc)
        if who.track is not None and schedule.read_question(text, now.astimezone(self.book.program.center.zone)).days:
            send(dispatcher, own_schedule.answer(self.book, who.track, text, now))
            return []
        for reply in schedule_replies(self.book, tracker):
            send(dispatcher, reply)
        return []
