"""The callback form: validation, questions answered mid-form, corrections, and the saved lead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import FORM_SLOTS, NO_INSURANCE, ActionCallbackEdit, ActionSubmitCallback, ValidateCallbackForm
from actions.common import resources
from tests.actions.conftest import make_tracker

FILLED = {
    "cb_first_name": "Maria",
    "cb_contact": "(760) 555-0199",
    "cb_best_time": "evenings",
    "cb_for_whom": "my son",
    "cb_insurance": "Aetna",
    "cb_consent": True,
}


async def validate(slot: str, text: str, intent: str = "inform", confidence: float = 0.9) -> tuple:
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateCallbackForm(), f"validate_{slot}")
    result = await method(text, dispatcher, make_tracker(text, intent, confidence, active_loop="callback_form"), {})
    return result, dispatcher.messages


@pytest.mark.parametrize(
    "slot, text, intent, value",
    [
        ("cb_first_name", "maria", "inform", "Maria"),
        ("cb_contact", "760.555.0199", "inform", "(760) 555-0199"),
        ("cb_contact", "Dee@Example.com", "inform", "dee@example.com"),
        ("cb_best_time", "after 5pm", "inform", "after 5pm"),
        ("cb_best_time", "evening", "nlu_fallback", "evening"),
        # A time with a question mark is still the answer, whatever the model made of it.
        ("cb_best_time", "any time after 5?", "ask_schedule", "any time after 5?"),
        ("cb_best_time", "Evenings?", "ask_schedule", "Evenings?"),
        ("cb_for_whom", "my son", "ask_help_loved_one", "my son"),
        ("cb_for_whom", "A family member", "inform", "A family member"),
        ("cb_insurance", "bcbs", "ask_insurance", "Blue Cross Blue Shield"),
        ("cb_insurance", "skip", "deny", NO_INSURANCE),
        ("cb_insurance", "Acme Health Plan", "inform", "Acme Health Plan"),
        ("cb_consent", "/affirm", "affirm", True),
        ("cb_consent", "no", "deny", False),
        ("cb_consent", "looks good", "inform", True),
    ],
)
async def test_valid_answers_fill_the_slot(service_env: Path, slot: str, text: str, intent: str, value: Any) -> None:
    result, messages = await validate(slot, text, intent)
    assert result == {slot: value}
    assert messages == []


@pytest.mark.parametrize(
    "slot, text, hint",
    [
        ("cb_first_name", "12345", "first name"),
        ("cb_contact", "555-0199", "area code"),
        ("cb_contact", "whenever", "phone number"),
        ("cb_consent", "hmm maybe", "yes or no"),
    ],
)
async def test_invalid_answers_are_re_asked_with_a_reason(service_env: Path, slot: str, text: str, hint: str) -> None:
    result, messages = await validate(slot, text, intent="inform", confidence=0.5)
    assert result == {slot: None}
    assert hint in messages[0]["text"]


@pytest.mark.parametrize(
    "slot, text, intent, expected",
    [
        ("cb_contact", "how much does it cost?", "ask_cost", "a week"),
        ("cb_best_time", "do you take aetna?", "ask_insurance", "in network with Aetna"),
        ("cb_for_whom", "any groups on saturday?", "ask_schedule", "on Saturday"),
        ("cb_first_name", "what is iop?", "ask_what_is_iop", "Intensive Outpatient Program"),
    ],
)
async def test_a_question_mid_form_is_answered_and_the_slot_stays_empty(
    service_env: Path, slot: str, text: str, intent: str, expected: str
) -> None:
    result, messages = await validate(slot, text, intent)
    assert result == {slot: None}
    assert expected in messages[0]["text"]


async def test_submit_saves_the_lead_with_the_conversation_id(service_env: Path) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/affirm", "affirm", slots=dict(FILLED), sender_id="conv-42")
    events = await ActionSubmitCallback().run(dispatcher, tracker, {})
    assert events == [SlotSet(slot, None) for slot in (*FORM_SLOTS, "cb_edit_settled")]
    text = dispatcher.messages[0]["text"]
    assert "Thank you, Maria" in text and "(760) 555-0199" in text and "Admissions hours are Mon–Thu" in text
    [lead] = resources().leads.for_conversation("conv-42")
    assert lead["first_name"] == "Maria" and lead["phone"] == "(760) 555-0199" and lead["email"] is None
    assert lead["insurance"] == "Aetna" and lead["for_whom"] == "my son" and lead["status"] == "new"
    assert lead["consent_at"] is not None


async def test_no_consent_saves_nothing(service_env: Path) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**FILLED, "cb_consent": False}
    await ActionSubmitCallback().run(dispatcher, make_tracker("no", "deny", slots=slots, sender_id="conv-7"), {})
    assert "haven't saved anything" in dispatcher.messages[0]["text"]
    assert resources().leads.for_conversation("conv-7") == []


async def test_skipped_insurance_is_stored_as_none(service_env: Path) -> None:
    slots = {**FILLED, "cb_insurance": NO_INSURANCE, "cb_contact": "dee@example.com"}
    await ActionSubmitCallback().run(CollectingDispatcher(), make_tracker("yes", "affirm", slots=slots, sender_id="c3"), {})
    [lead] = resources().leads.for_conversation("c3")
    assert lead["insurance"] is None and lead["email"] == "dee@example.com" and lead["phone"] is None


async def test_database_failure_tells_the_person_how_to_reach_us(service_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_lead: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(resources().leads), "add", lambda self, lead: broken(lead))
    dispatcher = CollectingDispatcher()
    await ActionSubmitCallback().run(dispatcher, make_tracker("yes", "affirm", slots=dict(FILLED)), {})
    text = dispatcher.messages[0]["text"]
    assert "couldn't save" in text and "(760) 555-0141" in text


@pytest.mark.parametrize("text", ["change something", "/callback_edit", "i need to fix something"])
async def test_edit_without_a_field_asks_which(service_env: Path, text: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCallbackEdit().run(dispatcher, make_tracker(text, "callback_edit"), {})
    assert events == [SlotSet("cb_edit_settled", None)] and dispatcher.messages[0]["response"] == "utter_callback_edit_which"


async def test_edit_a_field_from_a_button_clears_it_and_the_rules_return_to_the_form(service_env: Path) -> None:
    tracker = make_tracker("/callback_edit", "callback_edit", entities=[{"entity": "cb_field", "value": "cb_contact"}])
    events = await ActionCallbackEdit().run(CollectingDispatcher(), tracker, {})
    assert events == [SlotSet("cb_contact", None), SlotSet("cb_consent", None), SlotSet("cb_edit_settled", None)]


@pytest.mark.parametrize(
    "text, intent, changed",
    [
        # Typed as the correction itself.
        ("my number is wrong", "callback_edit", [SlotSet("cb_contact", None)]),
        ("change the time", "callback_edit", [SlotSet("cb_best_time", None)]),
        (
            "the name is wrong and so is the insurance",
            "callback_edit",
            [SlotSet("cb_first_name", None), SlotSet("cb_insurance", None)],
        ),
        ("the phone is wrong, its 760 555 0123", "callback_edit", [SlotSet("cb_contact", "(760) 555-0123")]),
        # Typed instead of a button, after "What would you like to change?".
        ("the phone number", "ask_contact", [SlotSet("cb_contact", None)]),
        ("my name", "inform", [SlotSet("cb_first_name", None)]),
        ("who it's for", "inform", [SlotSet("cb_for_whom", None)]),
        ("the insurance", "ask_insurance", [SlotSet("cb_insurance", None)]),
        ("the time", "ask_schedule", [SlotSet("cb_best_time", None)]),
        ("after 6 instead", "inform", [SlotSet("cb_best_time", "after 6 instead")]),
        # Nothing to change after all: back to the question it was on.
        ("no, it's fine", "deny", []),
    ],
)
async def test_a_detail_typed_in_words_is_read_and_the_rules_return_to_the_form(
    service_env: Path, text: str, intent: str, changed: list
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCallbackEdit().run(dispatcher, make_tracker(text, intent, active_loop="callback_form"), {})
    assert events == [*changed, SlotSet("cb_consent", None), SlotSet("cb_edit_settled", True)]
    assert dispatcher.messages == []


async def test_a_reply_naming_no_detail_asks_again(service_env: Path) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCallbackEdit().run(dispatcher, make_tracker("hmm", "nlu_fallback", 0.2, active_loop="callback_form"), {})
    assert events == [SlotSet("cb_edit_settled", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_edit_unclear"]


@pytest.mark.parametrize(
    "text, intent, result",
    [
        # A correction typed as the answer to "may our admissions team contact you?".
        ("no, my email is wrong", "deny", {"cb_contact": None, "cb_consent": None}),
        ("wait the number is wrong, it's 619 555 0134", "inform", {"cb_contact": "(619) 555-0134", "cb_consent": None}),
        # Not a correction: a yes that happens to name a detail.
        ("yes please call my cell", "affirm", {"cb_consent": True}),
    ],
)
async def test_a_correction_instead_of_yes_or_no(service_env: Path, text: str, intent: str, result: dict) -> None:
    assert (await validate("cb_consent", text, intent))[0] == result
