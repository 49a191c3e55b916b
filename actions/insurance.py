"""Insurance questions: is a carrier accepted, must it be verified, or is it not taken."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, send
from bot.program.answers import AnswerBook, Reply

_ANSWER_BY_STATUS = {
    "in_network": "insurance_in_network",
    "verify": "insurance_verify",
    "not_accepted": "insurance_not_accepted",
}


def carrier_entity(tracker: Tracker) -> Optional[str]:
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "insurance_carrier"]
    return str(values[0]) if values and values[0] else None


def insurance_reply(book: AnswerBook, tracker: Tracker) -> Tuple[Reply, Optional[str]]:
    """The answer, and the carrier to remember (None when none was named)."""
    entity = carrier_entity(tracker)
    match = book.carriers.match(entity) if entity else None
    match = match or book.carriers.match(tracker.latest_message.get("text") or "")
    if match:
        return book.render(_ANSWER_BY_STATUS[match.carrier.status.value], carrier=match.carrier), match.carrier.name
    if entity:
        return book.render("insurance_unknown", carrier_text=entity), entity
    return book.render("insurance_general"), None


class ActionAnswerInsurance(CompanionAction):
    def name(self) -> str:
        return "action_answer_insurance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        reply, carrier = insurance_reply(self.book, tracker)
        send(dispatcher, reply)
        # Remembered so that a callback request later need not ask for the insurance again.
        return [SlotSet("cb_insurance", carrier)] if carrier else []
