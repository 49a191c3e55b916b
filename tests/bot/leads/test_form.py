"""Callback form answers: accepted, cleaned up, or refused with a message saying what to type."""

from __future__ import annotations

import pytest

from bot.leads import form


@pytest.mark.parametrize(
    "text, expected",
    [
        ("maria", "Maria"),
        ("my name is Dee", "Dee"),
        ("it's jake", "Jake"),
        ("Jean-Luc", "Jean-Luc"),
        ("José", "José"),
        ("call me Sam.", "Sam"),
    ],
)
def test_first_name_accepted(text: str, expected: str) -> None:
    assert form.first_name(text) == expected


@pytest.mark.parametrize("text", ["", "12345", "how much does it cost?", "my name is", "a b c d e f", "x" * 50])
def test_first_name_refused_with_a_reason(text: str) -> None:
    with pytest.raises(form.InvalidAnswer, match="callback_invalid_first_name"):
        form.first_name(text)


@pytest.mark.parametrize(
    "text, phone, email",
    [
        ("760 555 0199", "(760) 555-0199", None),
        ("(619)555-0134", "(619) 555-0134", None),
        ("call me at 7605550199 pls", "(760) 555-0199", None),
        ("1-760-555-0199", "(760) 555-0199", None),
        ("+44 20 7946 0958", "+44 20 7946 0958", None),
        ("Sam.R@Example.com", None, "sam.r@example.com"),
        ("email me: dee+iop@example.org thanks", None, "dee+iop@example.org"),
    ],
)
def test_contact_accepted(text: str, phone: str, email: str) -> None:
    contact = form.contact(text)
    assert (contact.phone, contact.email) == (phone, email)


@pytest.mark.parametrize(
    "text, hint",
    [
        ("555-0199", "callback_invalid_phone"),
        ("12345", "callback_invalid_phone"),
        ("nope", "callback_invalid_contact"),
        ("sam@", "callback_invalid_contact"),
        # longer than the leads table keeps: refused here with a hint, not by PostgreSQL with the lead
        ("call me at 201-555-0123 ext. 1234567890123456789", "callback_invalid_phone"),
        ("a" * 250 + "@example.com", "callback_invalid_contact"),
    ],
)
def test_contact_refused_with_a_hint(text: str, hint: str) -> None:
    with pytest.raises(form.InvalidAnswer, match=hint):
        form.contact(text)


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes", None, True),
        ("Yes please call me", None, True),
        ("/affirm", "affirm", True),
        ("no thanks", None, False),
        ("nah", "deny", False),
    ],
)
def test_consent(text: str, intent: str, expected: bool) -> None:
    assert form.consent(text, intent) is expected


def test_consent_needs_a_clear_answer() -> None:
    with pytest.raises(form.InvalidAnswer, match="callback_invalid_consent"):
        form.consent("what happens next?", "ask_admissions")


@pytest.mark.parametrize("text", ["skip", "None", "self pay", "self-pay", "no insurance", "idk"])
def test_skip_insurance(text: str) -> None:
    assert form.is_skip(text)


def test_free_text_limits() -> None:
    assert form.free_text("  after   5 pm ") == "after 5 pm"
    with pytest.raises(form.InvalidAnswer):
        form.free_text("   ")
    with pytest.raises(form.InvalidAnswer, match="callback_invalid_long"):
        form.free_text("x" * 121)


@pytest.mark.parametrize(
    "text",
    ["evening", "Evenings?", "after 5", "any time after 5pm?", "tomorrow morning", "between 9 and 11", "whenever", "weekdays"],
)
def test_time_answers(text: str) -> None:
    assert form.is_time(text)


@pytest.mark.parametrize("text", ["my son", "Maria", "what does it cost?", "the phone number"])
def test_not_time_answers(text: str) -> None:
    assert not form.is_time(text)


@pytest.mark.parametrize(
    "text, correcting, changes",
    [
        # Asked which detail: naming it is enough.
        ("the phone number", True, {"cb_contact": None}),
        ("my email", True, {"cb_contact": None}),
        ("Name", True, {"cb_first_name": None}),
        ("the time", True, {"cb_best_time": None}),
        ("who it's for", True, {"cb_for_whom": None}),
        ("insurance", True, {"cb_insurance": None}),
        ("my name and number", True, {"cb_first_name": None, "cb_contact": None}),
        # ... or typing the new value.
        ("dee@example.com", True, {"cb_contact": "dee@example.com"}),
        ("evening instead", True, {"cb_best_time": "evening instead"}),
        ("nothing", True, {}),
        ("no", True, {}),
        # Otherwise the message must say it corrects something.
        ("my number is wrong", False, {"cb_contact": None}),
        ("no, the email is wrong", False, {"cb_contact": None}),
        ("my number is wrong, it's 760 555 0123", False, {"cb_contact": "(760) 555-0123"}),
        ("can i change the time?", False, {"cb_best_time": None}),
        ("yes please call my cell", False, {}),
        ("when will they call?", False, {}),
        ("the phone number", False, {}),
    ],
)
def test_corrections(text: str, correcting: bool, changes: dict) -> None:
    assert form.correction(text, correcting) == changes


@pytest.mark.parametrize(
    "text, nothing",
    [("no", True), ("nothing", True), ("it's fine", True), ("never mind", True), ("the time", False), ("hmm", False)],
)
def test_nothing_to_change(text: str, nothing: bool) -> None:
    assert form.nothing_to_change(text) is nothing


@pytest.mark.parametrize("text", ["looks good", "sounds good", "that's right", "correct", "all good", "perfect"])
def test_consent_in_other_words(text: str) -> None:
    assert form.consent(text, None) is True


@pytest.mark.parametrize(
    "text, expected", [("sí", True), ("Si, está bien", True), ("claro", True), ("no gracias", False), ("nel", False)]
)
def test_consent_in_spanish(text: str, expected: bool) -> None:
    assert form.consent(text, None) is expected


@pytest.mark.parametrize("text, name", [("me llamo Ana", "Ana"), ("Mi nombre es José", "José"), ("soy Lupe", "Lupe")])
def test_a_first_name_given_in_spanish(text: str, name: str) -> None:
    assert form.first_name(text) == name


@pytest.mark.parametrize("text", ["no tengo seguro", "ninguno", "no sé"])
def test_no_insurance_in_spanish_is_a_skip(text: str) -> None:
    assert form.is_skip(text)


def test_a_problem_names_its_answer_with_its_values() -> None:
    with pytest.raises(form.InvalidAnswer) as caught:
        form.free_text("x" * 121)
    assert (caught.value.key, caught.value.values) == ("callback_invalid_long", {"limit": 120})


def test_the_contact_bounds_are_the_leads_table_s() -> None:
    from bot.storage.db import leads

    assert (leads.c.phone.type.length, leads.c.email.type.length) == (form.MAX_PHONE_CHARS, form.MAX_EMAIL_CHARS)
