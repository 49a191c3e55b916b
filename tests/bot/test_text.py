"""Accent and case folding shared by every reader of messages (bot/text.py)."""

import pytest

from bot.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿Qué?", "¿que?"),
        ("MAÑANA", "manana"),
        ("está", "esta"),
        ("Año", "ano"),
        ("pingüino", "pinguino"),
        ("ﬁnal", "final"),  # a ligature in its compatibility form
        ("Straße", "strasse"),  # case-folded, not only lowered
        ("\U0001d403\U0001d408\U0001d404", "die"),  # mathematical bold capitals, as some phones style text
        ("™", "tm"),
        ("don´t", "don't"),  # a Spanish keyboard's apostrophe stays one
        ("Do You Take CIGNA?", "do you take cigna?"),
        ("plain words 24/7", "plain words 24/7"),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_every_reader_folds_the_same_way() -> None:
    """The language reader, the crisis patterns, the situations and the review inbox."""
    from bot.program.situations import normalise as situation_words
    from bot.review.normalize import normalize as review_words
    from bot.safety.detector import normalise as crisis_words

    text = "Mañana NO está bien"
    assert situation_words(text) == review_words(text) == crisis_words(text) == "manana no esta bien"
