"""Answers about the program (what IOP is, therapies, admissions, ...) from the center's data."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, send


class ActionAnswerQuestion(CompanionAction):
    """Replies with the answer named like the message's intent (answers.yml in the program data)."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        book = self.book
        if book.has(intent):
            send(dispatcher, book.render(intent))
        else:
            dispatcher.utter_message(response="utter_fallback")
        return []
