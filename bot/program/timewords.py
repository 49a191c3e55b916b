"""Words people use for days and times of day, shared by the schedule and the meeting finder.

English and Spanish alike: a conversation in Spanish asks "¿hay grupo el lunes?" or "y mañana?".
Spanish "mañana" alone is tomorrow; after an article ("en la mañana", "por la mañana", "de la
mañana", "esta mañana", "las mañanas") it is the morning, so "mañana en la mañana" is tomorrow
morning. "Tarde" is the afternoon only after an article too: bare, it means late.
"""

from __future__ import annotations

import re
from typing import Dict, List, Pattern, Tuple

# Weekday index (0 = Monday, as datetime.weekday()) -> how people write it, typos included.
_DAY_WORDS = (
    r"mon(day)?s?|mondy|lunes",
    r"tue(s(day)?)?s?|tuesdays?|teusday|martes",
    r"wed(s|nesday)?s?|wensday|wendsday|wednsday|mi[eé]rcoles",
    r"thu(r|rs)?|thursdays?|thrusday|thurday|jueves",
    r"fri(day)?s?|firday|viernes",
    r"sat(urday)?s?|saterday|s[aá]bados?",
    r"sun(day)?s?|sundy|domingos?",
)
DAY_PATTERNS: Tuple[Tuple[int, Pattern[str]], ...] = tuple(
    (index, re.compile(rf"\b(?:{words})\b")) for index, words in enumerate(_DAY_WORDS)
)
# "mañana" that is the morning, not tomorrow: after an article, "esta", "cada" or "pasado"
# ("pasado mañana", the day after tomorrow, is not tomorrow either).
_NOT_TOMORROW = r"(?<!\bla )(?<!\blas )(?<!\besta )(?<!\bcada )(?<!\bpasado )"
# Spanish "tonight": "esta noche", "hoy en la noche", "hoy por la noche", "la noche de hoy".
_ESTA_NOCHE = r"esta noche|hoy (?:en|por|a) la noche|(?:en|por) la noche de hoy"
TODAY = re.compile(
    r"\b(today|tonight|tonite|this (morning|afternoon|evening)|"
    rf"hoy|{_ESTA_NOCHE}|esta (?:ma[nñ]ana|tarde))\b"
)
TONIGHT = re.compile(rf"\b(tonight|tonite|this evening|{_ESTA_NOCHE})\b")
TOMORROW = re.compile(rf"\b(tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|tmrow|2morrow|2moro)\b|{_NOT_TOMORROW}\bma[nñ]ana\b")
# The article before a Spanish part of the day: "en la tarde", "por las noches", "esta mañana".
_ARTICLE = r"(?:la|las|esta)"
PARTS: Dict[str, Pattern[str]] = {
    "morning": re.compile(
        rf"\b(mornings?|am|a\.m\.|before work|early|{_ARTICLE} ma[nñ]anas?|temprano|a\. ?m|antes del trabajo)\b"
    ),
    "afternoon": re.compile(
        rf"\b(afternoons?|after school|midday|lunch ?time|noon|{_ARTICLE} tardes?|mediod[ií]a|"
        r"hora de(?:l)? almuerzo|despu[eé]s de (?:la )?escuela)\b"
    ),
    "evening": re.compile(
        r"\b(evenings?|nights?|tonight|tonite|after work|pm|p\.m\.|late|"
        r"(?<!\bbuenas )noches?|nocturnos?|despu[eé]s del trabajo|p\. ?m)\b"
    ),
    "weekend": re.compile(r"\b(weekends?|wknd|week end|fin(?:es)? de semana|finde)\b"),
}
# A clock time as people type it: "5pm", "9:30", "after 5", "between 9 and 11", "10-noon";
# "a las 5", "después de las 5", "entre las 9 y las 11", "7 de la tarde".
CLOCK = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)\b|"
    r"\b(?:after|before|between|around|at|by|from|until|till|til|past)\s+\d{1,2}(?::\d{2})?\b|"
    r"\b\d{1,2}(?::\d{2})?\s*(?:-|to|and)\s*(?:\d{1,2}|noon)\b|"
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\. ?m|p\. ?m|de la (?:ma[nñ]ana|tarde|noche))\b|"
    r"\b(?:despu[eé]s de|antes de|entre|a|alrededor de|como a|hasta|desde|de)\s+las?\s+\d{1,2}(?::\d{2})?\b"
)
ANY_TIME = re.compile(
    r"\b(any ?time|whenever|all day|asap|as soon as possible|right away|(?:right )?now|later|soon|weekdays?|"
    r"a cualquier hora|cualquier (?:hora|d[ií]a|momento)|cuando sea|todo el d[ií]a|lo antes posible|"
    r"ahora(?: mismo)?|ahorita|m[aá]s tarde|pronto|entre semana)\b"
)


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
