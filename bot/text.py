"""Text folding shared by every reader of messages (language, crisis patterns, situations, review),
and what of a message a database can keep.

One definition, so that "Qué", "que" and "QUÉ", or "mañana" and "manana", are the same word to
all of them: people type Spanish on phones with and without accents.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any


def fold(text: str) -> str:
    """Case-folded, in compatibility form, with accents and other combining marks dropped
    ("Año" -> "ano", "ﬁ" -> "fi"). Decomposed before and after case folding: the compatibility
    form of styled letters ("𝐃𝐈𝐄", "™") is upper case again. A spacing acute ("´", a Spanish
    keyboard's apostrophe: "don´t") is an apostrophe, not a space and an accent."""
    if text.isascii():  # most messages: nothing to decompose
        return text.lower()
    text = text.replace("\u00b4", "'")
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# What a database cannot keep: PostgreSQL refuses NUL in text, and fails to read JSON holding a
# NUL or a lone surrogate (half of a UTF-16 pair, which a JSON body can carry as "\ud83d").
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` with NUL removed and lone surrogates replaced by U+FFFD: the same on every back end."""
    if text.isascii() and "\x00" not in text:  # nearly every string of every turn: nothing to do
        return text
    return _UNSTORABLE.sub(lambda found: "" if found.group() == "\x00" else "\ufffd", text)


def storable_json(value: Any) -> Any:
    """A JSON value (an event, metadata) with every string in it :func:`storable`, keys too."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(key)): storable_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable_json(item) for item in value]
    return value
