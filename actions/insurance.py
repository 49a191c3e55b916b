"""Insurance questions: is a carrier accepted, must it be verified, or is it not taken; and the
follow-ups read against the insurer named before ("is there a copay?", "do I need a referral for
that?", "and medi-cal?"; bot/program/followups.py)."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, send
from bot.program import followups
from bot.program.answers import AnswerBook, Reply


def carrier_entity(tracker: Tracker) -> Optional[str]:
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "insurance_carrier"]
    return str(values[0]) if values and values[0] else None


def read_question(book: AnswerBook, tracker: Tracker) -> followups.InsuranceQuestion:
    return followups.read_insurance(
        tracker.latest_message.get("text") or "",
        carrier_entity(tracker),
        book.carriers,
        remembered=tracker.get_slot("insurer"),
        last_aspect=tracker.get_slot("insurance_aspect"),
    )


def insurance_reply(book: AnswerBook, tracker: Tracker) -> Tuple[Reply, Optional[str]]:
    """The answer about the carrier (for a question in the middle of the callback form: the book's
    answer, without the follow-up's aspect), and the carrier to remember (None when none was named)."""
    question = dataclasses.replace(read_question(book, tracker), aspect=None)
    answer = followups.insurance_answer(question, book.program)
    return book.render(answer.key, **answer.values), question.carrier if question.named else None


class ActionAnswerInsurance(CompanionAction):
    def name(self) -> str:
        return "action_answer_insurance"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        book = self.book_for(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        question = read_question(book, tracker)
        if intent != "ask_insurance" and not (question.aspect or question.named):
            # The rules sent it here because an insurance answer came just before, but it is not
            # about insurance ("what happens at the assessment?"): that intent's own answer.
            if book.has(intent):
                send(dispatcher, book.render(intent))
            else:
                dispatcher.utter_message(response="utter_fallback")
            return []
        answer = followups.insurance_answer(question, book.program, book.worded(book.program.insurance))
        if answer.from_book:
            send(dispatcher, book.render(answer.key, **answer.values))
        else:
            dispatcher.utter_message(response=answer.key, **answer.values)
        events: List[EventType] = [SlotSet("insurance_aspect", question.aspect)]
        if question.named:
            # Remembered for follow-ups, and so that a callback request need not ask for it again.
            events += [SlotSet("insurer", question.carrier), SlotSet("cb_insurance", question.carrier)]
        return events
