"""Group schedule questions, answered from the tracks' sessions in the center's timezone.

A signed-in client asking about a day ("group on thursday?") hears about their own track. Anyone
else may name their track ("I'm in the evening program"): it is remembered, and their questions
about a day ("what about tomorrow?", "and friday?") are then about that track (bot/program/followups.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, identity_of, send
from bot.clients import schedule as own_schedule
from bot.program import followups, schedule
from bot.program.answers import AnswerBook, Reply
from bot.program.wording import WORDINGS


def schedule_replies(book: AnswerBook, tracker: Tracker) -> List[Reply]:
    return schedule.answer(book, tracker.latest_message.get("text") or "", dt.datetime.now(dt.timezone.utc))


class ActionAnswerSchedule(CompanionAction):
    def name(self) -> str:
        return "action_answer_schedule"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        book = self.book_for(tracker)
        who = identity_of(tracker)
        text = tracker.latest_message.get("text") or ""
        now = dt.datetime.now(dt.timezone.utc)
        now_local = now.astimezone(book.program.center.zone)
        plain = schedule.read_question(text, now_local)
        if who.track is not None and plain.days:
            send(dispatcher, own_schedule.answer(book, who.track, text, now))
            return []
        focus = followups.read_schedule(
            text, now_local, book.program, tracker.get_slot("schedule_track"), tracker.get_slot("schedule_asked")
        )
        events: List[EventType] = [SlotSet("schedule_asked", focus.remembered())]
        if focus.member_track:
            events.append(SlotSet("schedule_track", focus.member_track))
        if focus.track is not None and focus.overview:
            track = book.worded(focus.track)
            dispatcher.utter_message(
                response="utter_schedule_track",
                track=track.name,
                times=WORDINGS[book.language].timetable(track.sessions),
                zone=book.facts.center.timezone_label,
                notes=f" {track.notes}" if track.notes else "",
            )
            return events
        if focus.question.days and (focus.track is not None or focus.question != plain):
            replies = schedule.day_replies(book, focus.question, focus.track)  # a track, or a day or time carried from before
        else:
            replies = schedule_replies(book, tracker)
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if intent == "meeting_followup" and replies == [book.render("schedule_overview")]:
                # Sent here by the rules because a schedule answer came just before, but it asks
                # nothing about the schedule ("any online ones?").
                dispatcher.utter_message(response="utter_fallback")
                return []
        for reply in replies:
            send(dispatcher, reply)
        return events
