"""Recognise a special situation in a question (pregnancy, a court order, a holiday...).

A broad answer can be wrong for someone in a particular situation: "can I still come?" from a
pregnant person needs more than the program's length. The center lists the situations and their
words in ``situations.yml``; the first one that matches answers instead of the intent's general
answer. Words are compared as whole words after folding case, accents, apostrophes and
punctuation, so "Court-ordered" matches "court ordered", "New Year's" matches "new years" and
"embarazada" matches "Embarazáda".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Pattern, Tuple

from bot.program.insurance import CarrierMatcher
from bot.program.models import Holiday, Situation
from bot.text import fold

_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NON_PHRASE = re.compile(r"[^a-z0-9*]+")  # a phrase keeps its wildcards


def normalise(text: str, spaces: Pattern[str] = _NON_WORD) -> str:
    """Lower case without accents ("año" is "ano"), apostrophes dropped, everything else that is
    not a letter or digit a space."""
    return " ".join(spaces.sub(" ", _APOSTROPHES.sub("", fold(text))).split())


def _word(word: str) -> str:
    return re.escape(word.rstrip("*")) + (r"[a-z0-9]*" if word.endswith("*") else "")


def phrases_pattern(phrases: Iterable[str]) -> Optional[Pattern[str]]:
    """One pattern for any of the phrases, each as whole words; None when there are none."""
    words = [normalise(p, _NON_PHRASE).split() for p in phrases]
    alternatives = sorted(
        {r"\s+".join(_word(w) for w in ws) for ws in words if "".join(ws).strip("*")},
        key=len,
        reverse=True,
    )
    if not alternatives:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])")


@dataclass(frozen=True)
class SituationMatch:
    situation: Situation
    # What the answer can name: the holiday and the insurance carrier the message mentions, if any.
    context: Dict[str, Any] = field(default_factory=dict)

    @property
    def answer(self) -> str:
        return self.situation.answer


class SituationFinder:
    def __init__(self, situations: Iterable[Situation], holidays: Iterable[Holiday], carriers: CarrierMatcher):
        self._rules: List[Tuple[Situation, Optional[Pattern[str]], Optional[Pattern[str]]]] = [
            (s, phrases_pattern(s.phrases), phrases_pattern(s.also)) for s in situations
        ]
        self._holidays = [(h, phrases_pattern(h.names)) for h in holidays]
        self._carriers = carriers

    def holiday_in(self, text: str) -> Optional[Holiday]:
        """The holiday the text names; the longest name wins ("christmas eve" over "christmas")."""
        plain = normalise(text)
        found = [(m.end() - m.start(), h) for h, pattern in self._holidays if pattern and (m := pattern.search(plain))]
        return max(found, key=lambda item: item[0])[1] if found else None

    def find(self, text: str, intent: str, question: bool = True) -> Optional[SituationMatch]:
        """The first situation (in the file's order) that this message, read as intent, is in.

        question: the intent is a question the center answers; a situation listing no intents
        applies only to those (never to a slip, a crisis or small talk).
        """
        plain = normalise(text)
        holiday = self.holiday_in(plain)
        for situation, phrases, also in self._rules:
            if intent not in situation.intents and (situation.intents or not question):
                continue
            named = bool(phrases and phrases.search(plain)) or (situation.holidays and holiday is not None)
            if named and (also is None or also.search(plain)):
                return SituationMatch(situation, self.context(text, holiday))
        return None

    def context(self, text: str, holiday: Optional[Holiday]) -> Dict[str, Any]:
        carrier = self._carriers.match(text)
        # Only a carrier named outright: a fuzzy guess is fine for "which insurance?", not here.
        return {"holiday": holiday, "carrier": carrier.carrier if carrier and carrier.exact else None}
