"""The conversation's language, chosen from its messages and remembered.

- The first message whose language is clear (bot/language/detect.py) chooses it; until then the
  assistant speaks English, the site's language.
- The person can change it at any time ("English please", "¿habla español?", the widget's
  language button): an explicit choice stands until another explicit choice. A button's
  ``language`` entity on any message is one too (the widget greets a Spanish page with
  ``/greet{"language": "es"}``).
- Otherwise it changes when the person clearly writes in the other language: one full sentence
  in it, or two short messages in a row. A crisis message switches at once, so that the crisis
  answer is in the language of the person who needs it.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Optional

from bot.language.detect import ENGLISH, LANGUAGES, SPANISH
from bot.text import fold

SWITCH_INTENT = "switch_language"
LANGUAGE_ENTITY = "language"
READING_KEY = "language"  # what the NLU pipeline adds to a message (bot/rasa/nlu/language.py)
DEFAULT = ENGLISH
# The key under which each reply carries the conversation's language to the channel, so the
# widget's labels follow it (set by bot/rasa/nlg.py and actions/common.py).
REPLY_LANGUAGE_KEY = "language"

_NAMED = (
    (SPANISH, re.compile(r"\b(?:spanish|espanol|castellano)\b")),
    (ENGLISH, re.compile(r"\b(?:english|ingles|engles)\b")),
)
_NEGATED = re.compile(r"\b(?:no|not|dont|don t|do not|cant|can t|ni)\s+(?:\w+\s+){0,2}$")


def _entity(parse: Mapping[str, Any]) -> Optional[str]:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == LANGUAGE_ENTITY and entity.get("value") in LANGUAGES:
            return str(entity["value"])
    return None


def requested_language(parse: Mapping[str, Any]) -> Optional[str]:
    """The language a switch request asks for: the button's entity, else the language it names
    ("no hablo inglés" names English to refuse it: the other one)."""
    entity = _entity(parse)
    if entity is not None:
        return entity
    text = fold(str(parse.get("text") or "")).replace("'", " ")
    for language, pattern in _NAMED:
        match = pattern.search(text)
        if match is None:
            continue
        if _NEGATED.search(text[: match.start()]):
            return ENGLISH if language == SPANISH else SPANISH
        return language
    return None


def conversation_language(messages: Iterable[Mapping[str, Any]]) -> str:
    """The language to answer in after these user messages (their NLU parse data, oldest first)."""
    chosen: Optional[str] = None
    explicit = False
    pending: Optional[str] = None  # a short message's language, waiting for a second one
    for parse in messages:
        intent = (parse.get("intent") or {}).get("name")
        if intent == SWITCH_INTENT or _entity(parse) is not None:
            asked = requested_language(parse)
            if asked is not None:
                chosen, explicit, pending = asked, True, None
                continue
        if explicit:
            continue
        reading = parse.get(READING_KEY) or {}
        language = reading.get("code") if isinstance(reading, Mapping) else None
        if language not in LANGUAGES:
            continue
        if chosen is None or language == chosen:
            chosen, pending = language, None
        elif reading.get("strong") or intent == "crisis" or pending == language:
            chosen, pending = language, None
        else:
            pending = language
    return chosen or DEFAULT
