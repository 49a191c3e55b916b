"""Answers about the program (what IOP is, therapies, admissions, ...) from the center's data."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, send
from bot.program import replies, suggestions


def entity(tracker: Tracker, name: str) -> Optional[str]:
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == name]
    return str(values[0]) if values and values[0] else None


def given(tracker: Tracker) -> List[str]:
    value = tracker.get_slot(replies.GIVEN_SLOT)
    return [str(key) for key in value] if isinstance(value, list) else []


class ActionAnswerQuestion(CompanionAction):
    """Replies with the answer named like the message's intent (answers.yml in the program data),
    or a special situation's answer recognised in the question; long answers short first."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        before = given(tracker)
        if intent == replies.MORE_INTENT:
            answered = replies.expand(self.book_for(tracker), entity(tracker, replies.ANSWER_KEY_ENTITY), before)
        else:
            question = replies.question_answer(self.book_for(tracker), intent, tracker.latest_message.get("text") or "")
            if question is None:
                dispatcher.utter_message(response="utter_fallback")
                return []
            key, extra = question
            answered = replies.respond(self.book_for(tracker), key, before, **extra)
        send(dispatcher, answered.reply)
        return [SlotSet(replies.GIVEN_SLOT, answered.given)] if answered.given != before else []


class ActionFallback(CompanionAction):
    """A message the model was unsure of: its likeliest answers as buttons, or, when none is likely
    enough, the plain "could you put it another way" (bot/program/suggestions.py)."""

    ends_an_exercise = False  # not understood: the person may still be in the exercise

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        message = tracker.latest_message
        reply = suggestions.did_you_mean(
            self.book_for(tracker), message.get("intent_ranking") or [], message.get("text") or "", message.get("entities") or []
        )
        if reply is None:
            dispatcher.utter_message(response="utter_fallback")
        else:
            send(dispatcher, reply)
        return []
