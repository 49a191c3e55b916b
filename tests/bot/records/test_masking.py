"""Phone numbers and e-mail addresses are hidden; numbers that are not contact details stay; bidi
controls are shown as visible markers."""

from __future__ import annotations

import pytest

from bot.records.masking import for_staff, mask_optional, mask_text, show_bidi_controls


@pytest.mark.parametrize(
    "text",
    [
        "(760) 555-0199",
        "(760)555-0199",
        "( 760 ) 555-0199",
        "760-555-0199",
        "760.555.0199",
        "760 555 0199",
        "7605550199",
        "760–555–0199",  # en dashes
        "+1 760 555 0199",
        "+1-760-555-0199",
        "+1 (760) 555-0199",
        "+1(760)555-0199",
        "+17605550199",
        "1-760-555-0199",
        "1 (760) 555 0199",
        "1.800.555.0100",
        "17605550199",
        "760-555-0199 ext. 12",
        "760-555-0199x12",
        "555-0199",
        "555.0199",
    ],
)
def test_phone_numbers_are_masked(text: str) -> None:
    assert mask_text(f"call me at {text} tonight") == "call me at [phone] tonight"


@pytest.mark.parametrize(
    "text",
    [
        "sam@example.com",
        "Sam.O'Neil+recovery@mail.example.co.uk",
        "JANE_DOE99@Example.ORG",
        "first-last%tag@sub-domain.example.io",
        "sam at example dot com",
        "sam [at] example [dot] com",
        "sam (at) mail (dot) example (dot) org",
    ],
)
def test_email_addresses_are_masked(text: str) -> None:
    assert mask_text(f"write to {text} please") == "write to [e-mail] please"


@pytest.mark.parametrize(
    "text",
    [
        "I have been sober since 2024",
        "between 1999-2005 I drank daily",
        "we live in 94110",
        "our ZIP is 94110-1234",
        "the group meets at 6:00",
        "from 10:30-11:30 on Tuesdays",
        "at 12:30:45 exactly",
        "it costs $1,200 a week",
        "a $12,500.00 deductible",
        "about 1,234,567,890 people",
        "on 12/25/2024",
        "on 2024-01-15",
        "on 01.15.2024",
        "for 30 days, 2 times a day",
        "version 1.2.3",
        "pi is 3.141.5926",
        "a 13 digit 1234567890123 id",
        "the 555-01999 code",
        "order v760-555-0199",
        "meet me at the center",
        "I looked at the schedule",
        "not an address: sam@ or @example.com",
        "",
    ],
)
def test_other_numbers_and_words_are_kept(text: str) -> None:
    assert mask_text(text) == text


def test_several_in_one_message_and_punctuation_kept() -> None:
    text = "Call (760) 555-0199, or 760 555 0198; mail sam@example.com. Thanks!"
    assert mask_text(text) == "Call [phone], or [phone]; mail [e-mail]. Thanks!"


def test_mask_optional_only_masks_when_asked() -> None:
    assert mask_optional("760-555-0199", True) == "[phone]"
    assert mask_optional("760-555-0199", False) == "760-555-0199"
    assert mask_optional(None, True) is None


@pytest.mark.parametrize(
    "text, shown",
    [
        ("pay \u202edlrow olleh\u202c now", "pay ⟨U+202E⟩dlrow olleh⟨U+202C⟩ now"),
        ("\u202a\u202b\u202d", "⟨U+202A⟩⟨U+202B⟩⟨U+202D⟩"),
        ("a\u2066b\u2067c\u2068d\u2069", "a⟨U+2066⟩b⟨U+2067⟩c⟨U+2068⟩d⟨U+2069⟩"),
        ("\u200e\u200f\u061c", "⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩"),
        ("שלום, hello", "שלום, hello"),  # right-to-left letters themselves are fine
        ("👩\u200d💻 zero width joiner", "👩\u200d💻 zero width joiner"),  # not a bidi control
    ],
)
def test_bidi_controls_are_shown_visibly(text: str, shown: str) -> None:
    assert show_bidi_controls(text) == shown


@pytest.mark.parametrize("mask, shown", [(True, "call ⟨U+202E⟩[phone]"), (False, "call ⟨U+202E⟩760-555-0199")])
def test_text_for_staff_shows_bidi_controls_whether_masked_or_not(mask: bool, shown: str) -> None:
    assert for_staff("call \u202e760-555-0199", mask) == shown
    assert for_staff(None, mask) is None and for_staff("", mask) == ""
