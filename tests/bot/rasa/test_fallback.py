"""The fallback threshold per language: Spanish messages are held to the Spanish dev split's
threshold, others (English, undecided) to the general one; Rasa's ambiguity rule is unchanged."""

from __future__ import annotations

import inspect
from typing import Any, Dict, Optional

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.fallback import LanguageFallbackClassifier


def message(confidence: float, language: Optional[str], second: float = 0.0) -> Message:
    data: Dict[str, Any] = {
        "text": "x",
        "intent": {"name": "ask_cost", "confidence": confidence},
        "intent_ranking": [{"name": "ask_cost", "confidence": confidence}, {"name": "ask_insurance", "confidence": second}],
        "language": {"code": language, "strong": False},
    }
    return Message(data=data)


@pytest.fixture
def classifier() -> LanguageFallbackClassifier:
    config = {**LanguageFallbackClassifier.get_default_config(), "threshold": 0.8, "language_thresholds": {"es": 0.5}}
    return LanguageFallbackClassifier(config)


@pytest.mark.parametrize(
    "confidence, language, falls_back",
    [(0.6, "es", False), (0.45, "es", True), (0.6, "en", True), (0.6, None, True), (0.85, "en", False)],
)
def test_each_language_has_its_threshold(
    classifier: LanguageFallbackClassifier, confidence: float, language: Optional[str], falls_back: bool
) -> None:
    [out] = classifier.process([message(confidence, language)])
    assert (out.get("intent")["name"] == "nlu_fallback") is falls_back


def test_two_close_readings_still_fall_back_in_spanish(classifier: LanguageFallbackClassifier) -> None:
    [out] = classifier.process([message(0.6, "es", second=0.58)])
    assert out.get("intent")["name"] == "nlu_fallback"


def test_the_override_matches_rasas_method() -> None:
    """If Rasa renames or reshapes the method this class overrides, this fails first."""
    assert list(inspect.signature(FallbackClassifier._nlu_confidence_below_threshold).parameters) == ["self", "message"]
    assert "_nlu_confidence_below_threshold" in inspect.getsource(FallbackClassifier._should_fallback)
