"""Text folding shared by every reader of messages (language, crisis patterns, situations, review).

One definition, so that "Qué", "que" and "QUÉ", or "mañana" and "manana", are the same word to
all of them: people type Spanish on phones with and without accents.
"""

from __future__ import annotations

import unicodedata


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
