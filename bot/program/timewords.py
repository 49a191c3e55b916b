"""Words people use for days and times of day, shared by the schedule and the meeting finder."""

from __future__ import annotations

import re
from typing import Dict, List, Pattern, Tuple

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
# A clock time as people type it: "5pm", "9:30", "after 5", "between 9 and 11", "10-noon".
CLOCK = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)\b|"
    r"\b(?:after|before|between|around|at|by|from|until|till|til|past)\s+\d{1,2}(?::\d{2})?\b|"
    r"\b\d{1,2}(?::\d{2})?\s*(?:-|to|and)\s*(?:\d{1,2}|noon)\b"
)
ANY_TIME = re.compile(r"\b(any ?time|whenever|all day|asap|as soon as possible|right away|(?:right )?now|later|soon|weekdays?)\b")


def weekdays_in(lowered: str) -> Tuple[int, ...]:
    """Weekday indexes named in a lower-cased text, in week order."""
    return tuple(index for index, pattern in DAY_PATTERNS if pattern.search(lowered))


def time_phrases(lowered: str) -> List[str]:
    """The words in a lower-cased text that name a day or a time of day ("tomorrow", "fri", "evening")."""
    patterns = [TOMORROW, TODAY, *PARTS.values(), *(pattern for _, pattern in DAY_PATTERNS)]
    return [match.group(0) for pattern in patterns for match in pattern.finditer(lowered)]


def says_a_time(lowered: str) -> bool:
    """Whether a lower-cased text gives a time ("evenings", "after 5", "tomorrow morning", "any time")."""
    return bool(time_phrases(lowered) or CLOCK.search(lowered) or ANY_TIME.search(lowered))
