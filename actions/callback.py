"""The admissions callback request: a Rasa form, its validation, corrections and the saved lead.

Every slot is filled from free text; the validators here decide whether the text answers the
question, is a question of its own (answered, then the form asks again), or needs a clearer answer.
Every question takes typed answers as well as its buttons: "after 5" for the time, "the phone
number" or "my number is wrong" for which detail to change (bot/leads/form.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import CompanionAction, book_in, resources, send
from actions.questions import replies_for
from bot.leads import form
from bot.leads.store import Lead

FORM_SLOTS = ("cb_first_name", "cb_contact", "cb_best_time", "cb_for_whom", "cb_insurance", "cb_consent")
NO_INSURANCE = "not given"
# A message that does not answer the form's question but is confidently one of these intents is
# answered as a question; the form then asks again.
QUESTION_CONFIDENCE = 0.7


def _intent(tracker: Tracker) -> Dict[str, Any]:
    return tracker.latest_message.get("intent") or {}


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    def _answer_if_question(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        intent = _intent(tracker)
        if float(intent.get("confidence") or 0) < QUESTION_CONFIDENCE:
            return False
        replies = replies_for(intent.get("name") or "", book_in(tracker), tracker)
        for reply in replies or []:
            send(dispatcher, reply)
        return bool(replies)

    def _validated(
        self,
        slot: str,
        check: Any,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict[Text, Any]:
        try:
            return {slot: check(str(value))}
        except form.InvalidAnswer as problem:
            if not self._answer_if_question(dispatcher, tracker):
                send(dispatcher, book_in(tracker).render(problem.key, **problem.values))
            return {slot: None}

    async def validate_cb_first_name(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._validated("cb_first_name", form.first_name, slot_value, dispatcher, tracker)

    async def validate_cb_contact(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._validated("cb_contact", lambda text: form.contact(text).display, slot_value, dispatcher, tracker)

    async def validate_cb_best_time(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # "evenings?" or "any time after 5?" answers the question, whatever the model made of it.
        if not form.is_time(str(slot_value)) and self._is_question(slot_value) and self._answer_if_question(dispatcher, tracker):
            return {"cb_best_time": None}
        return self._validated("cb_best_time", form.free_text, slot_value, dispatcher, tracker)

    async def validate_cb_for_whom(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if self._is_question(slot_value) and self._answer_if_question(dispatcher, tracker):
            return {"cb_for_whom": None}
        return self._validated("cb_for_whom", form.free_text, slot_value, dispatcher, tracker)

    async def validate_cb_insurance(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value)
        if form.is_skip(text):
            return {"cb_insurance": NO_INSURANCE}
        if self._is_question(text) and self._answer_if_question(dispatcher, tracker):
            return {"cb_insurance": None}
        match = book_in(tracker).carriers.match(text)
        if match:
            return {"cb_insurance": match.carrier.name}
        return self._validated("cb_insurance", form.free_text, text, dispatcher, tracker)

    async def validate_cb_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if isinstance(slot_value, bool):
            return {"cb_consent": slot_value}
        changes = form.correction(str(slot_value), correcting=False)
        if changes:
            # "No, my email is wrong": the form asks for each detail left empty, then for consent
            # again with the details shown.
            return {**changes, "cb_consent": None}
        return self._validated(
            "cb_consent",
            lambda text: form.consent(text, _intent(tracker).get("name")),
            slot_value,
            dispatcher,
            tracker,
        )

    @staticmethod
    def _is_question(text: Any) -> bool:
        return "?" in str(text)


class ActionSubmitCallback(CompanionAction):
    """Saves the lead when the person consented, confirms, and clears the form for next time."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        book = self.book_for(tracker)
        values = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
        clear = [SlotSet(slot, None) for slot in (*FORM_SLOTS, "cb_edit_settled")]
        if values["cb_consent"] is not True:
            send(dispatcher, book.render("callback_declined"))
            return clear
        contact = form.contact(str(values["cb_contact"]))
        insurance: Optional[str] = values["cb_insurance"]
        lead = Lead(
            conversation_id=tracker.sender_id,
            first_name=str(values["cb_first_name"]),
            phone=contact.phone,
            email=contact.email,
            best_time=str(values["cb_best_time"]),
            for_whom=str(values["cb_for_whom"]),
            insurance=None if insurance in (None, NO_INSURANCE) else insurance,
            consent_at=dt.datetime.now(dt.timezone.utc),
            language=str(tracker.get_slot("language") or "en"),
        )
        try:
            await asyncio.to_thread(resources().leads.add, lead)
        except Exception:  # noqa: BLE001 - the person must not lose their request silently
            send(dispatcher, book.render("callback_failed"))
            return clear
        send(dispatcher, book.render("callback_saved", first_name=lead.first_name, contact=contact.display))
        return clear


class ActionCallbackEdit(CompanionAction):
    """Change something. A button names the detail (the rules then run the form, which asks for it
    again); typed words are read here ("my number is wrong", or "the phone number" after "what would
    you like to change?"), and cb_edit_settled tells the rules to run the form. Otherwise it asks
    which detail."""

    def name(self) -> str:
        return "action_callback_edit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        field = next(
            (e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "cb_field"),
            None,
        )
        if field in FORM_SLOTS and field != "cb_consent":
            return [SlotSet(field, None), SlotSet("cb_consent", None), SlotSet("cb_edit_settled", None)]
        text = tracker.latest_message.get("text") or ""
        changes = form.correction(text, correcting=True)
        if changes or form.nothing_to_change(text):
            return [
                *(SlotSet(slot, value) for slot, value in changes.items()),
                SlotSet("cb_consent", None),
                SlotSet("cb_edit_settled", True),
            ]
        asked_again = _intent(tracker).get("name") != "callback_edit"  # a reply to "which detail?"
        dispatcher.utter_message(response="utter_callback_edit_unclear" if asked_again else "utter_callback_edit_which")
        return [SlotSet("cb_edit_settled", None)]
