"""After a clear "no" to the screening question: the question the person asked meanwhile, answered.

"mi hijo anda tomando mucho" gets the screening question; "tenemos iehp" is not an answer to it,
so it is asked once more (bot/rasa/policy.py); then "no". The person's question is still waiting:
this action hands it back to the dialogue as if just said (Rasa's own two-stage fallback does
the same), so the rules answer it the usual way, whichever answer that is.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from bot.safety.mode import question_set_aside
from bot.said import REPLAYED


class ActionAnswerSetAside(Action):
    def name(self) -> str:
        return "action_answer_set_aside"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        at = question_set_aside(tracker.events)
        if at is None:
            return []  # nothing set aside (the policy predicts this action only when something is)
        question = tracker.events[at]
        replay = UserUttered(
            question.get("text"), parse_data=question.get("parse_data"), input_channel=question.get("input_channel")
        )
        replay["metadata"] = {**(question.get("metadata") or {}), REPLAYED: True}
        return [ActionExecuted("action_listen"), replay]
