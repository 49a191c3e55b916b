"""De-identification before a chat message becomes training data: identifiers become placeholders,
ordinary words and numbers stay, the counts, the refusals, and a second run changes nothing."""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Tuple

import pytest

from bot.review.deidentify import (
    REFUSED_NUMBER,
    REFUSED_SSN,
    REFUSED_TOO_MANY,
    REFUSED_URL,
    deidentify,
    replace_contact_details,
)

REPLACED: List[Tuple[str, str]] = [
    # contact details, found as the console's masking finds them
    ("call me at (760) 555-0199 tonight", "call me at [phone] tonight"),
    ("my cell is +1 760 555 0199 ext. 12", "my cell is [phone]"),
    ("email me at sam.oneil+rehab@example.com please", "email me at [email] please"),
    ("write to sam at example dot com", "write to [email]"),
    ("jake.03.14.1988@gmail.com is my email", "[email] is my email"),  # the e-mail whole, not a date in it
    # names after the words that introduce them
    ("my name is Sarah Jones and I need help", "my name is [name] and I need help"),
    ("my name is sarah jones and i need help", "my name is [name] and i need help"),  # any case here
    ("Hi, name's Mike. Do you take Cigna?", "Hi, name's [name]. Do you take Cigna?"),
    ("I'm Sarah, my son Jake is using", "I'm [name], my son [name] is using"),
    ("im Carlos and I drink every day", "im [name] and I drink every day"),
    ("I'M SARAH I NEED HELP", "I'M [name] I NEED HELP"),
    ("This is Sarah from Palm Springs", "This is [name] from Palm Springs"),  # the town stays
    ("I'm calling for my son Jake Smith", "I'm calling for my son [name]"),
    ("My Son Jake Needs Help", "My Son [name] Needs Help"),
    ("my daughter, Maria, won't stop drinking", "my daughter, [name], won't stop drinking"),
    ("my husband Luis's drinking is worse", "my husband [name]'s drinking is worse"),
    ("Dr. Patel referred me", "Dr. [name] referred me"),
    ("hi Sarah, can you call me back", "hi [name], can you call me back"),
    ("thanks, Sarah", "thanks, [name]"),
    ("Can you help? - Sarah", "Can you help? - [name]"),
    ("Is there a waitlist?\n— Sarah M.", "Is there a waitlist?\n— [name]."),
    # addresses
    ("I live at 1234 E Palm Canyon Dr, Palm Springs, CA 92262", "I live at [address], Palm Springs, CA [zip]"),
    ("send it to 55 Main Street Apt 4", "send it to [address]"),
    ("we moved to 55 main street last month", "we moved to [address] last month"),
    ("I'm in apartment 12B", "I'm in [address]"),
    ("mail goes to P.O. Box 1234", "mail goes to [address]"),
    # dates: with a year, or a date of birth
    ("my dob is 03/14/1988", "my dob is [date]"),
    ("he was born 3-14-88 in LA", "he was born [date] in LA"),
    ("intake was 1988-03-14", "intake was [date]"),
    ("I was born on March 14, 1988", "I was born on [date]"),
    ("do you have groups on March 3, 2027?", "do you have groups on [date]?"),
    ("birthday: March 14", "birthday: [date]"),  # no year, but a birthday
    ("DOB 031488", "DOB [date]"),
    ("my son was born in may 2019", "my son was born in [date]"),
    # ZIP codes
    ("Is there an NA meeting near 92262 tonight?", "Is there an NA meeting near [zip] tonight?"),
    ("our ZIP is 92264-1234", "our ZIP is [zip]"),
    # member, policy, group, claim and record numbers
    ("member id XJH123456789", "member id [id]"),
    ("my member ID: ABC 123456", "my member ID: [id]"),
    ("group number W2938 4471", "group number [id]"),
    ("claim 88213-09 was denied", "claim [id] was denied"),
    ("policy #: 88213", "policy #: [id]"),
    ("the card says XJH123456789 on it", "the card says [id] on it"),
    ("reference 1234567 please", "reference [id] please"),
    ("member id 7605550199", "member id [phone]"),  # ten digits read as a phone number: replaced all the same
]

SPANISH: List[Tuple[str, str]] = [
    ("me llamo José y necesito ayuda", "me llamo [name] y necesito ayuda"),
    ("mi nombre es ana lucía", "mi nombre es [name]"),
    ("soy Ana y tengo miedo", "soy [name] y tengo miedo"),
    ("mi hija Sofía bebe mucho", "mi hija [name] bebe mucho"),
    ("Gracias, María", "Gracias, [name]"),
    ("nací el 14 de marzo", "nací el [date]"),
    ("fecha de nacimiento: 14/03/1988", "fecha de nacimiento: [date]"),
    ("el 14 de marzo de 1988", "el [date]"),
    ("número de póliza XJH12345", "número de póliza [id]"),
    ("vivo en Avenida Juárez 45, depto 3", "vivo en [address]"),
    ("llámame al 760-555-0199", "llámame al [phone]"),
]

KEPT: List[str] = [
    # words that follow "I'm", "this is" or "my son" without being names
    "I'm Sober",
    "I'm Scared",
    "I'M SCARED",
    "I'm Scared And Alone",
    "I'm Terrified",
    "Hi, I'm Looking For Help With My Son",
    "this is Hard",
    "This Is An Emergency",
    "my son Is Using Meth",
    "my wife Drinks every day",
    "Hey There",
    "Thanks Again",
    "Thank you Very Much",
    "Monday - Friday",
    "I'm 30 days clean - on Monday",
    # dates that are about the schedule, not a person
    "do you have groups on March 3rd?",
    "I drank on March 14th",
    "can I come 12/15?",
    "can I start Monday?",
    "is there a group tomorrow at 7pm?",
    "group on Thursday at 19:00",
    "the meeting is on Friday the 14th",
    # durations, years, prices, doses and small numbers
    "I have 90 days sober",
    "I was using for 12 years",
    "sober since 2019",
    "I was born in 1988",
    "it was 2019-2020 when I drank most",
    "it costs $1,200 a week",
    "is it $12000 for the whole program?",
    "I owe 12000 dollars",
    "I take 1000mg of gabapentin",
    "I weigh 180lbs",
    "is the 12-step program required?",
    "call 988 or 911",
    "I had covid19 last year",
    "does insurance cover IOP in 2025?",
    "group 3 is full",
    "in case 2 of us come",
    "is group 2024 still on",
    "I have 3 kids",
    # places and roads that are not an address
    "born and raised in Palm Springs",
    "it's a 30 minute drive",
    "I walked 2 miles down the road",
    "do you take Aetna?",
    # Spanish
    "soy alcohólico",
    "¿hay grupo el 14 de marzo?",
    "llevo 90 días sobrio",
    "mi hijo tiene 17 años",
    "Soy Adicto",
    "",
]


@pytest.mark.parametrize("text, expected", REPLACED + SPANISH)
def test_identifiers_become_placeholders(text: str, expected: str) -> None:
    assert deidentify(text).text == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_words_and_numbers_are_kept(text: str) -> None:
    result = deidentify(text)
    assert (result.text, result.replaced, result.refused) == (text, {}, None)


@pytest.mark.parametrize(
    "text, names, expected",
    [
        ("Maria said hi, maria lopez too", ["Maria Lopez"], "[name] said hi, [name] too"),  # the full name counts once
        ("LOPEZ here", ["Maria Lopez"], "[name] here"),
        ("JOSÉ called", ["Jose"], "[name] called"),  # with or without the accent
        ("Jose called", ["José"], "[name] called"),
        ("is Jake there? jake's mom", ["Jake"], "is [name] there? [name]'s mom"),
        ("I have no hope left, Hope", ["Hope"], "I have no hope left, [name]"),  # also a word: only capitalised
        ("Al drove me al centro", ["Al"], "[name] drove me al centro"),
        ("please mark me down for Monday, Mark", ["Mark"], "please mark me down for Monday, [name]"),
        ("Maria de la Cruz called", ["Maria de la Cruz"], "[name] called"),
        ("la casa de Maria", ["Maria de la Cruz"], "la casa de [name]"),  # "de" and "la" are not names
        ("my son Jake", ["Jake"], "my son [name]"),  # found twice, replaced once
        ("Jakeson is not Jake", ["Jake"], "Jakeson is not [name]"),  # whole words
        ("call O'Neil", ["O'Neil"], "call [name]"),
        ("nothing to see", ["", "  "], "nothing to see"),
    ],
)
def test_given_names_are_replaced_as_whole_words(text: str, names: List[str], expected: str) -> None:
    assert deidentify(text, names).text == expected


@pytest.mark.parametrize(
    "text, names, replaced",
    [
        ("call me at (760) 555-0199", [], {"phone": 1}),
        ("760-555-0199 or 760-555-0198, sam@example.com", [], {"phone": 2, "email": 1}),
        ("my son Jake", ["Jake"], {"name": 1}),
        ("I'm Sarah, born March 14, 1988, at 55 Main Street", [], {"name": 1, "date": 1, "address": 1}),
        ("member id XJH123456789, ZIP 92262", [], {"id": 1, "zip": 1}),
        ("I'm Sober since 2019", [], {}),
    ],
)
def test_replaced_counts_each_kind(text: str, names: List[str], replaced: Dict[str, int]) -> None:
    assert deidentify(text, names).replaced == replaced


@pytest.mark.parametrize(
    "text, expected, reason",
    [
        ("my ssn is 123-45-6789", "my ssn is [id]", REFUSED_SSN),
        ("it's 123 45 6789", "it's [id]", REFUSED_SSN),
        ("social security number 123456789", "social security number [id]", REFUSED_SSN),
        ("mi seguro social es 123456789", "mi seguro social es [id]", REFUSED_SSN),
        (
            "https://example.com/form?email=sam@example.com",
            "https://example.com/form?email=[email]",
            REFUSED_URL,
        ),
        ("see www.example.com/x?id=5 please", "see www.example.com/x?id=5 please", REFUSED_URL),
        (
            "I'm Sarah Jones, 55 Main Street, 760-555-0199, sam@example.com, DOB 3/14/88",
            "I'm [name], [address], [phone], [email], DOB [date]",
            REFUSED_TOO_MANY,
        ),
        ("Jake Jake Jake Jake Jake", "[name] [name] [name] [name] [name]", REFUSED_TOO_MANY),
        ("my code is 123456", "my code is 123456", REFUSED_NUMBER),
    ],
)
def test_identifying_text_is_refused_but_still_replaced(text: str, expected: str, reason: str) -> None:
    names = ["Jake"] if text.startswith("Jake") else []
    result = deidentify(text, names)
    assert (result.text, result.refused) == (expected, reason)


@pytest.mark.parametrize(
    "text",
    [
        "Jake Jake Jake Jake",  # four placeholders are still a useful example
        "see https://example.com/program/iop for details",  # a web address without query parameters
        "do I need my social security card?",
        "it costs $100,000 a year",
    ],
)
def test_text_that_identifies_no_one_is_not_refused(text: str) -> None:
    assert deidentify(text, ["Jake"]).refused is None


def test_the_first_reason_wins_when_there_are_several() -> None:
    result = deidentify("https://example.com/x?ssn=1 123-45-6789")
    assert result.refused == REFUSED_SSN


@pytest.mark.parametrize(
    "text",
    [text for text, _ in REPLACED + SPANISH]
    + ["Sarah Jones, 1234 E Palm Canyon Dr Apt 4, 92262, member id W2938 4471, born 3/14/1988 - Sarah"],
)
def test_a_second_run_replaces_nothing_more(text: str) -> None:
    once = deidentify(text, ["Jones"])
    twice = deidentify(once.text, ["Jones"])
    assert (twice.text, twice.replaced) == (once.text, {})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("call 760-555-0199 or sam at example dot com", ("call [phone] or [email]", {"phone": 1, "email": 1})),
        ("[phone] and [e-mail] already", ("[phone] and [email] already", {})),  # old placeholders are not counted
        ("no contact details here, only 2019", ("no contact details here, only 2019", {})),
    ],
)
def test_contact_details_are_replaced_and_counted(text: str, expected: Tuple[str, Dict[str, int]]) -> None:
    assert replace_contact_details(text) == expected


def test_the_result_cannot_be_changed() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        deidentify("hello").text = "changed"  # type: ignore[misc]
