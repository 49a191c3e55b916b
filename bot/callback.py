"""Checks and clean-up of what a person types into the callback request.

Each function takes the raw text and returns the value to store, or raises InvalidAnswer with a
message that says what is wrong and what to type instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import phonenumbers

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+){0,2}\.?$")
_NAME_LEAD_IN = re.compile(r"^(?:hi[, ]+)?(?:my name is|my name's|name is|i am|i'm|im|it's|its|this is|call me)(?:\s+|$)", re.I)
_SKIP = re.compile(r"^(skip|none|no insurance|n/?a|not sure|don'?t know|dont know|idk|self[ -]?pay|no|nope|uninsured)\b", re.I)
_YES = re.compile(r"^(y|ya|yes+|yeah|yep|yup|sure|ok(ay)?|of course|please do|please|i agree|agreed|that'?s fine|fine|go ahead)\b", re.I)
_NO = re.compile(r"^(n|no+|nope|nah|no thanks|don'?t|do not|not now)\b", re.I)


class InvalidAnswer(ValueError):
    """The answer does not fit the question; str() is the message to show."""


@dataclass(frozen=True)
class Contact:
    phone: Optional[str] = None
    email: Optional[str] = None

    @property
    def display(self) -> str:
        return self.phone or self.email or ""


def first_name(text: str) -> str:
    candidate = _NAME_LEAD_IN.sub("", text.strip()).strip(" .!,")
    if not candidate or not _NAME.match(candidate) or len(candidate) > 40:
        raise InvalidAnswer("Sorry, I didn't catch a first name there. What first name should admissions ask for?")
    return candidate.split()[0].capitalize() if candidate.islower() else candidate.split()[0]


def contact(text: str, region: str = "US") -> Contact:
    email = _EMAIL.search(text)
    if email:
        return Contact(email=email.group(0).lower())
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        number = match.number
        if phonenumbers.is_valid_number(number):
            fmt = (
                phonenumbers.PhoneNumberFormat.NATIONAL
                if phonenumbers.region_code_for_number(number) == region
                else phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            return Contact(phone=phonenumbers.format_number(number, fmt))
    if len(re.sub(r"\D", "", text)) >= 5:
        raise InvalidAnswer(
            "That phone number doesn't look complete. Please type it with the area code, like 760-555-0123, or give an e-mail address."
        )
    raise InvalidAnswer(
        "I need a phone number (with area code, like 760-555-0123) or an e-mail address so admissions can reach you."
    )


def free_text(text: str, limit: int = 120) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidAnswer("Please type a short answer, or tap one of the buttons.")
    if len(value) > limit:
        raise InvalidAnswer(f"That's a bit long for this form; please keep it under {limit} characters.")
    return value


def is_skip(text: str) -> bool:
    return bool(_SKIP.match(text.strip()))


def consent(text: str, intent: Optional[str]) -> bool:
    """True for a clear yes, False for a clear no; anything else is not an answer."""
    if intent == "affirm" or _YES.match(text.strip()):
        return True
    if intent == "deny" or _NO.match(text.strip()):
        return False
    raise InvalidAnswer("Please answer yes or no: may our admissions team contact you?")
