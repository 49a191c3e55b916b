"""Carrier recognition: the names people really type, forgivingly, and no false matches."""

from __future__ import annotations

import pytest

from bot.program.answers import AnswerBook
from bot.program.insurance import CarrierMatcher, normalise


@pytest.fixture(scope="module")
def matcher(book: AnswerBook) -> CarrierMatcher:
    return book.carriers


@pytest.mark.parametrize(
    "text, carrier, exact",
    [
        ("do you take aetna?", "Aetna", True),
        ("bcbs?", "Blue Cross Blue Shield", True),
        ("BCBS", "Blue Cross Blue Shield", True),
        ("Blue-Cross", "Blue Cross Blue Shield", True),
        ("bluecross", "Blue Cross Blue Shield", True),
        ("do u take anthem blue cross", "Blue Cross Blue Shield", True),
        ("UHC", "UnitedHealthcare", True),
        ("united health care", "UnitedHealthcare", True),
        ("i have optum through work", "UnitedHealthcare", True),
        ("Medi Cal", "Medi-Cal", True),
        ("medi-cal", "Medi-Cal", True),
        ("IEHP", "Medi-Cal", True),
        ("Tri care", "TRICARE", True),
        ("kaiser permanente", "Kaiser Permanente", True),
        ("cigana", "Cigna", False),
        ("aetena", "Aetna", False),
        ("i have humanna", "Humana", False),
        ("Blue Sheild", "Blue Cross Blue Shield", False),
        ("molena healthcare", "Molina Healthcare", False),
    ],
)
def test_recognises_carriers(matcher: CarrierMatcher, text: str, carrier: str, exact: bool) -> None:
    match = matcher.match(text)
    assert match is not None, text
    assert match.carrier.name == carrier
    assert match.exact is exact


@pytest.mark.parametrize(
    "text",
    ["is it covered", "do you take my insurance", "how much does it cost", "is this covered by my plan", "", "??", "ukh"],
)
def test_no_carrier_no_match(matcher: CarrierMatcher, text: str) -> None:
    assert matcher.match(text) is None


@pytest.mark.parametrize("raw, expected", [("Blue-Cross & Blue Shield!", "blue cross and blue shield"), ("  UHC  ", "uhc")])
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
