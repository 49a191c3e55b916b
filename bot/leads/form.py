"""Checks and clean-up of what a person types into the callback request.

Each function takes the raw text and returns the value to store, or raises InvalidAnswer naming
the answer (answers.yml, in each language) that says what is wrong and what to type instead.
English and Spanish answers are both read ("sí", "me llamo Ana", "no tengo seguro").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import phonenumbers

from bot.program.timewords import says_a_time

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+){0,2}\.?$")
_NAME_LEAD_IN = re.compile(
    r"^(?:hi[, ]+|hola[, ]+)?(?:my name is|my name's|name is|i am|i'm|im|it's|its|this is|call me|"
    r"me llamo|mi nombre es|soy|habla)(?:\s+|$)",
    re.I,
)
_SKIP = re.compile(
    r"^(skip|none|no insurance|n/?a|not sure|don'?t know|dont know|idk|self[ -]?pay|no|nope|uninsured|"
    r"no tengo|ninguno|ninguna|no s[eé]|sin seguro|pago yo|pagar[ée] yo)\b",
    re.I,
)
_YES = re.compile(
    r"^(y|ya|yes+|yeah|yep|yup|sure|ok(ay)?|of course|please do|please|i agree|agreed|that'?s fine|fine|go ahead|"
    r"looks (good|right|fine|correct)|sounds good|(that'?s |all )?(correct|right)|all good|perfect|"
    r"s[ií]|claro|est[aá] bien|de acuerdo|[aá]ndale|[oó]rale|sale|va|por favor|perfecto|correcto|as[ií] est[aá] bien)\b",
    re.I,
)
_NO = re.compile(r"^(n|no+|nope|nah|no thanks|don'?t|do not|not now|nel|no gracias|ahorita no|mejor no)\b", re.I)
# The details of the request, as people name them when they want one changed ("my number is
# wrong", "the time", "who it's for"), in the order the form asks for them.
_FIELDS: Tuple[Tuple[str, re.Pattern], ...] = (
    ("cb_first_name", re.compile(r"\b(name|spell(ed|ing|t)?|nombre)\b", re.I)),
    (
        "cb_contact",
        re.compile(r"\b(phone|number|cell|mobile|e-?mail|mail|contact|digits?|tel[eé]fono|n[uú]mero|celular|correo)\b|@", re.I),
    ),
    ("cb_best_time", re.compile(r"\b(time|times|when|hours?|hora|horario|cu[aá]ndo)\b", re.I)),
    ("cb_for_whom", re.compile(r"\b(who|whom|it'?s for|relationship|para qui[eé]n)\b", re.I)),
    ("cb_insurance", re.compile(r"\b(insurance|insurer|plan|carrier|coverage|policy|seguro|aseguranza)\b", re.I)),
)
_NOTHING = re.compile(
    r"^(nothing|none|never ?mind|nvm|all good|it'?s (all )?(fine|good|ok(ay)?|correct|right)|no changes?|"
    r"nada|ninguno|todo bien|as[ií] est[aá] bien)\b",
    re.I,
)
# Words of someone correcting a detail rather than answering yes or no ("no, the email is wrong").
_CORRECTION = re.compile(
    r"\b(wrong|change|changed|fix|typo|update|correction|edit|mistake|misspell\w*|incorrect|"
    r"not right|isn'?t right|messed up|meant|mal|cambiar|corregir|equivocad[oa]|error)\b",
    re.I,
)


class InvalidAnswer(ValueError):
    """The answer does not fit the question; ``key`` names the answer to show, with its ``values``."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


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
        raise InvalidAnswer("callback_invalid_first_name")
    return candidate.split()[0].capitalize() if candidate.islower() else candidate.split()[0]


# The leads table's columns (bot/storage/db.py): PostgreSQL refuses a longer value, and with it the lead.
MAX_PHONE_CHARS = 32
MAX_EMAIL_CHARS = 254


def contact(text: str, region: str = "US") -> Contact:
    email = _EMAIL.search(text)
    if email and len(email.group(0)) <= MAX_EMAIL_CHARS:
        return Contact(email=email.group(0).lower())
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        number = match.number
        if phonenumbers.is_valid_number(number):
            fmt = (
                phonenumbers.PhoneNumberFormat.NATIONAL
                if phonenumbers.region_code_for_number(number) == region
                else phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            phone = phonenumbers.format_number(number, fmt)
            if len(phone) <= MAX_PHONE_CHARS:  # an extension of twenty digits is not one to call
                return Contact(phone=phone)
    if len(re.sub(r"\D", "", text)) >= 5:
        raise InvalidAnswer("callback_invalid_phone")
    raise InvalidAnswer("callback_invalid_contact")


def free_text(text: str, limit: int = 120) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidAnswer("callback_invalid_empty")
    if len(value) > limit:
        raise InvalidAnswer("callback_invalid_long", limit=limit)
    return value


def is_skip(text: str) -> bool:
    return bool(_SKIP.match(text.strip()))


def is_time(text: str) -> bool:
    """An answer to "when is a good time?": "evening", "after 5", "tomorrow morning", "any time"."""
    return says_a_time(text.casefold())


def fields_named(text: str) -> Tuple[str, ...]:
    """The details a message names, in form order: "my number is wrong" names cb_contact."""
    return tuple(slot for slot, pattern in _FIELDS if pattern.search(text))


def correction(text: str, correcting: bool) -> Dict[str, Optional[str]]:
    """The details to change, each with its new value when the message gives one (a new phone
    number or e-mail), else None so that the form asks again; empty when the message is not a
    correction. ``correcting``: the person is known to be correcting (the form has just asked
    which detail, or they asked to change something), so naming a detail ("the phone number") or
    typing a new value is enough; otherwise the message must say it is a correction."""
    fields = fields_named(text)
    if not fields:
        return _new_value(text) if correcting else {}
    if not correcting and not _CORRECTION.search(text):
        return {}  # "yes, call my cell" is an answer, not a correction
    changes: Dict[str, Optional[str]] = dict.fromkeys(fields)
    if "cb_contact" in changes:
        try:
            changes["cb_contact"] = contact(text).display
        except InvalidAnswer:
            pass  # no new number or address in the message: the form asks for one
    return changes


def nothing_to_change(text: str) -> bool:
    """A reply to "what would you like to change?" that changes nothing ("no", "nothing", "it's fine")."""
    return bool(_NOTHING.match(text.strip()) or _NO.match(text.strip()) or _YES.match(text.strip()))


def _new_value(text: str) -> Dict[str, Optional[str]]:
    """A new value typed instead of the detail's name ("6pm instead", "dee@example.com")."""
    try:
        return {"cb_contact": contact(text).display}
    except InvalidAnswer:
        pass
    if is_time(text) and not _NO.match(text.strip()) and len(text) <= 120:
        return {"cb_best_time": free_text(text)}
    return {}


def consent(text: str, intent: Optional[str]) -> bool:
    """True for a clear yes, False for a clear no; anything else is not an answer."""
    if intent == "affirm" or _YES.match(text.strip()):
        return True
    if intent == "deny" or _NO.match(text.strip()):
        return False
    raise InvalidAnswer("callback_invalid_consent")
