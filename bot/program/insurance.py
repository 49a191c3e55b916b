"""Recognise an insurance carrier in what a person typed, forgivingly.

People write "BCBS", "blue-cross", "united helthcare" or "Medi Cal". We compare normalised text
(case, punctuation and spacing folded) against each carrier's name and aliases, first exactly,
then as whole words inside a longer message, then with a similarity ratio for misspellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, List, Optional, Tuple

from bot.program.models import Carrier

FUZZY_MIN_RATIO = 0.84
# Short names ("uhc", "kp") are matched exactly only: a one-letter typo is a different word.
FUZZY_MIN_LENGTH = 5
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    text = text.casefold().replace("&", " and ")
    return _NON_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class CarrierMatch:
    carrier: Carrier
    matched: str
    exact: bool


class CarrierMatcher:
    def __init__(self, carriers: Iterable[Carrier]):
        names: List[Tuple[str, Carrier]] = []
        for carrier in carriers:
            for name in [carrier.name, *carrier.aliases]:
                names.append((normalise(name), carrier))
        # Longest first, so "anthem blue cross" wins over "blue cross".
        self._names = sorted(names, key=lambda item: len(item[0]), reverse=True)
        self._by_squashed = {name.replace(" ", ""): carrier for name, carrier in self._names}

    def match(self, text: str) -> Optional[CarrierMatch]:
        query = normalise(text)
        if not query:
            return None
        squashed = query.replace(" ", "")
        if squashed in self._by_squashed:
            return CarrierMatch(self._by_squashed[squashed], text, exact=True)
        padded = f" {query} "
        for name, carrier in self._names:
            if f" {name} " in padded:
                return CarrierMatch(carrier, name, exact=True)
        return self._fuzzy(query)

    def _fuzzy(self, query: str) -> Optional[CarrierMatch]:
        words = query.split()
        best: Optional[Tuple[float, str, Carrier]] = None
        for name, carrier in self._names:
            if len(name) < FUZZY_MIN_LENGTH:
                continue
            width = len(name.split())
            for size in (width, width + 1):  # a split word ("tri care") makes one more
                for start in range(0, max(1, len(words) - size + 1)):
                    window = " ".join(words[start : start + size])
                    ratio = SequenceMatcher(None, window.replace(" ", ""), name.replace(" ", "")).ratio()
                    if ratio >= FUZZY_MIN_RATIO and (best is None or ratio > best[0]):
                        best = (ratio, window, carrier)
        if best is None:
            return None
        return CarrierMatch(best[2], best[1], exact=False)
