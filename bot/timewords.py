"""Words people use for days and times of day, shared by the schedule and the meeting finder."""
from __future__ import annotations

import re
from typing import Dict, Pattern, Tuple

# Weekday index (0 = Monday, as datetime.weekday()) -> how people write it, typos included.
_DAY_WORDS = (
    r"mon(day)?s?|mondy",
    r"tue(s(day)?)?s?|tuesdays?|teusday",
    r"wed(s|nesday)?s?|wensday|wendsday|wednsday",
    r"thu(r|rs)?|thursdays?|thrusday|thurday",
    r"fri(day)?s?|firday",
    r"sat(urday)?s?|saterday",
    r"sun(day)?s?|sundy",
)
DAY_PATTERNS: Tuple[Tuple[int, Pattern[str]], ...] = tuple(
    (index, re.compile(rf"\b(?:{words})\b")) for index, words in enumerate(_DAY_WORDS)
)
TODAY = re.compile(r"\b(today|tonight|tonite|this (morning|afternoon|evening))\b")
TONIGHT = re.compile(r"\b(tonight|tonite|this evening)\b")
TOMORROW = re.compile(r"\b(tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|tmrow|2morrow|2moro)\b")
PARTS: Dict[str, Pattern[str]] = {
    "morning": re.compile(r"\b(mornings?|am|a\.m\.|before work|early)\b"),
    "afternoon": re.compile(r"\b(afternoons?|after school|midday|lunch ?time|noon)\b"),
    "evening": re.compile(r"\b(evenings?|nights?|tonight|tonite|after work|pm|p\.m\.|late)\b"),
    "weekend": re.compile(r"\b(weekends?|wknd|week end)\b"),
}


def weekdays_in(lowered: str) -> Tuple[int, ...]:
    """Weekday indexes named in a lower-cased text, in week order."""
    return tuple(index for index, pattern in DAY_PATTERNS if pattern.search(lowered))
