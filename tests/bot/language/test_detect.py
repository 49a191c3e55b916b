"""One message's language: English, Spanish, or undecided when it does not say."""

from __future__ import annotations

import pytest

from bot.language.detect import LanguageDetector, Reading, shared_detector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return shared_detector()


@pytest.mark.parametrize(
    "text",
    [
        "hola",
        "buenas tardes",
        "gracias",
        "¿aceptan Medi-Cal?",
        "hay reuniones de NA en español?",
        "q horario tienen",
        "kiero ayuda pa mi hijo",
        "quiero morir",
        "ya no aguanto",
        "tienen groups en la noche?",  # mixed: most words Spanish
        "mi aseguranza es blue shield",
        "y mañana?",
    ],
)
def test_spanish(detector: LanguageDetector, text: str) -> None:
    assert detector.read(text).language == "es"


@pytest.mark.parametrize(
    "text",
    ["hi", "thanks", "do you take medi-cal", "what about tomorrow?", "I want to die", "my son is using again", "English please"],
)
def test_english(detector: LanguageDetector, text: str) -> None:
    assert detector.read(text).language == "en"


@pytest.mark.parametrize("text", ["ok", "no", "si", "Kaiser", "Maria", "760-555-0199", "", "/affirm", "😊"])
def test_names_numbers_payloads_and_words_of_both_leave_it_undecided(detector: LanguageDetector, text: str) -> None:
    assert detector.read(text) == Reading(None)


@pytest.mark.parametrize(
    "text, strong",
    [
        ("mi hijo anda tomando mucho y no sé qué hacer", True),
        ("my son is drinking a lot and I don't know what to do", True),
        ("gracias", False),
        ("hi", False),
    ],
)
def test_a_full_sentence_is_strong_a_word_is_not(detector: LanguageDetector, text: str, strong: bool) -> None:
    assert detector.read(text).strong is strong


def test_the_readers_disagreeing_on_a_short_message_leave_it_undecided() -> None:
    """One Spanish-only word against a model sure of English: too little to tell."""

    class SureOfEnglish:
        def classify(self, text: str) -> tuple:
            return ("en", 0.99)

    assert LanguageDetector(lambda: SureOfEnglish()).read("hola friend") == Reading(None)


def test_the_model_is_loaded_once_on_first_use() -> None:
    loads = []

    class Model:
        def classify(self, text: str) -> tuple:
            return ("es", 0.99)

    detector = LanguageDetector(lambda: loads.append(1) or Model())
    assert loads == []
    detector.read("hola que tal")
    detector.read("buenas noches")
    assert loads == [1]
