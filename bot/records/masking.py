"""Text shown to staff: bidi controls made visible, and phone numbers and e-mail addresses hidden
from staff who should not see them (:func:`for_staff` does both).

Bidirectional formatting characters (embeddings, overrides, isolates and marks: U+061C,
U+200E-U+200F, U+202A-U+202E, U+2066-U+2069) are invisible but reorder the text around them, so a
message holding U+202E could make staff read something other than what was written. Each is shown
as a visible marker instead, e.g. ``⟨U+202E⟩``.

US phone numbers in the usual spellings: ``(760) 555-0199``, ``760-555-0199``, ``760.555.0199``,
``760 555 0199``, ``7605550199``, with ``+1``/``1`` in front and an extension behind, and local
seven-digit numbers written with a dash or dot (``555-0199``). E-mail addresses, also spelled out
(``sam at example dot com``, ``sam [at] example [dot] com``).

It errs towards hiding: a ten-digit order number is masked too. Years, ZIP codes (also ZIP+4),
clock times, dates, prices and amounts are left alone. Insurance member ids are not recognised.
"""

from __future__ import annotations

import re
from typing import Optional

PHONE = "[phone]"
EMAIL = "[e-mail]"

_SEP = r"[ \t.\-\u2010-\u2015]?"  # one optional space, dot, hyphen or dash between groups
_EXTENSION = r"(?:\s*(?:,\s*)?(?:x|ext\.?|extension)\s*\d{1,6})?"
_COUNTRY = rf"(?:\+\s?1{_SEP}|\b1{_SEP})?"
_PHONE = re.compile(
    rf"""
    (?:
        (?<![\w+$/.\-]){_COUNTRY}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{4}}     # 760-555-0199, +1 760 555 0199
      | (?<![\d+$/.\-]){_COUNTRY}\(\s*\d{{3}}\s*\){_SEP}\d{{3}}{_SEP}\d{{4}}   # (760) 555-0199
      | (?<![\w+$/.\-])\d{{3}}[.\-]\d{{4}}                         # 555-0199: needs its dash or dot
    )
    {_EXTENSION}
    (?!\d|[.:/\-]\d)   # and must not run on into more digits (ZIP+4, dates, decimals)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+(?:'[\w.+%-]+)*@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_SPELLED_EMAIL = re.compile(
    r"""
    \b[\w.+-]+\s*
    (?:\[\s*at\s*\]|\(\s*at\s*\)|\s at \s)\s*
    [\w-]+(?:\s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\s dot \s)\s*[\w-]+)*
    \s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\s dot \s)\s*
    (?:com|net|org|edu|gov|us|io|info|me|co)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)


_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def show_bidi_controls(text: str) -> str:
    """``text`` with every bidi control replaced by a visible marker such as ``⟨U+202E⟩``."""
    return _BIDI_CONTROLS.sub(lambda found: f"⟨U+{ord(found.group()):04X}⟩", text)


def for_staff(text: Optional[str], mask: bool) -> Optional[str]:
    """``text`` as staff see it: bidi controls visible and, with ``mask``, contact details hidden."""
    return show_bidi_controls(mask_optional(text, mask) or "") if text else text


def mask_text(text: str) -> str:
    """``text`` with every phone number replaced by ``[phone]`` and e-mail address by ``[e-mail]``."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _SPELLED_EMAIL.sub(EMAIL, text)
    return _PHONE.sub(PHONE, text)


def mask_optional(text: Optional[str], mask: bool) -> Optional[str]:
    """``mask_text(text)`` when ``mask`` is set and there is text; ``text`` unchanged otherwise."""
    return mask_text(text) if mask and text else text
