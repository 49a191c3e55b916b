"""When two messages are "the same" for the review inbox: one row, one label, a count.

Case, spacing, punctuation, accents and numbers are ignored ("Do you take Cigna??" and "do you
take cigna" are one row; so are "group at 6?" and "group at 7?"): staff label what a message
means, and those differences do not change it. Stretched letters ("heyyyy") count once past two.
"""

from __future__ import annotations

import hashlib
import re

from bot.text import fold

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NOT_WORD = re.compile(r"[^\w#]+")  # "#" stays: "0" and "#0" are different things to ask about
_STRETCHED = re.compile(r"(\w)\1{2,}")
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")  # "what's" and "whats" are one word


def normalize(text: str) -> str:
    """``text`` as the inbox compares it: lower case, no accents or punctuation, numbers as ``#``."""
    folded = _APOSTROPHES.sub("", _NUMBER.sub("#", fold(text)))
    folded = _STRETCHED.sub(r"\1\1", folded)
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


def review_key(text: str) -> str:
    """The inbox row a message belongs to: the SHA-256 of its normalized form (64 hex digits)."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()
