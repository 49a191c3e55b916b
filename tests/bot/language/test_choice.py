"""The conversation's language: the first clear message chooses it, a request changes it for good,
a clear change of language by the person follows them, and a crisis message switches at once."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

from bot.language.choice import conversation_language, requested_language


def said(language: Optional[str], strong: bool = False, intent: str = "greet", text: str = "") -> Dict[str, Any]:
    return {"intent": {"name": intent}, "text": text, "language": {"code": language, "strong": strong}}


def switch(text: str = "", entity: Optional[str] = None) -> Dict[str, Any]:
    entities: List[Dict[str, Any]] = [{"entity": "language", "value": entity}] if entity else []
    return {"intent": {"name": "switch_language"}, "text": text, "entities": entities, "language": {"code": None}}


def test_english_until_a_message_says_otherwise() -> None:
    assert conversation_language([]) == "en"
    assert conversation_language([said(None), said(None)]) == "en"


def test_the_first_clear_message_chooses() -> None:
    assert conversation_language([said(None), said("es")]) == "es"


def test_one_short_message_in_the_other_language_does_not_switch_two_in_a_row_do() -> None:
    assert conversation_language([said("es"), said("en")]) == "es"
    assert conversation_language([said("es"), said("en"), said(None), said("en")]) == "en"
    assert conversation_language([said("es"), said("en"), said("es"), said("en")]) == "es"


def test_a_full_sentence_in_the_other_language_switches() -> None:
    assert conversation_language([said("en"), said("es", strong=True)]) == "es"


def test_a_crisis_message_switches_at_once() -> None:
    assert conversation_language([said("en"), said("es", intent="crisis")]) == "es"


def test_an_explicit_request_stands_until_another() -> None:
    events = [said("es", strong=True), switch("English please"), said("es", strong=True), said("es", intent="crisis")]
    assert conversation_language(events) == "en"
    assert conversation_language(events + [switch(entity="es")]) == "es"


@pytest.mark.parametrize(
    "text, language",
    [
        ("English please", "en"),
        ("en español por favor", "es"),
        ("¿habla español?", "es"),
        ("do you speak spanish", "es"),
        ("no hablo inglés", "es"),
        ("i don't speak spanish", "en"),
        ("prefiero ingles", "en"),
        ("can we change the language", None),
    ],
)
def test_the_language_a_request_asks_for(text: str, language: Optional[str]) -> None:
    assert requested_language({"text": text}) == language


def test_the_buttons_entity_wins_over_the_words() -> None:
    assert requested_language({"text": "/switch_language", "entities": [{"entity": "language", "value": "es"}]}) == "es"


def test_a_request_that_names_no_language_changes_nothing() -> None:
    assert conversation_language([said("es"), switch("otro idioma")]) == "es"


def test_a_language_entity_on_any_message_chooses() -> None:
    greet = {"intent": {"name": "greet"}, "text": "/greet", "entities": [{"entity": "language", "value": "es"}]}
    assert conversation_language([greet, said("en")]) == "es"  # explicit: one English word does not undo it
