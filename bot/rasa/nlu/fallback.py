"""Rasa's FallbackClassifier with its confidence threshold chosen per language.

The intent model is sure of itself on English, which most of its examples are in, and less sure
on Spanish: at one threshold, Spanish questions it reads right fall to "not sure I understood"
far more often (the dev splits' sweeps, `make evaluate`). Each language's threshold is chosen on
its own dev split; a message whose language is undecided (bot/language/detect.py: "ok", a name)
keeps the general one. Only the threshold changes: the ambiguity rule and the fallback intent
are Rasa's. tests/bot/rasa/test_fallback.py fails if Rasa's method changes shape.
"""

from __future__ import annotations

from typing import Any, Dict, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import THRESHOLD_KEY, FallbackClassifier
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.language.choice import READING_KEY

LANGUAGE_THRESHOLDS_KEY = "language_thresholds"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageFallbackClassifier(FallbackClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**FallbackClassifier.get_default_config(), LANGUAGE_THRESHOLDS_KEY: {}}

    def threshold_for(self, message: Message) -> float:
        reading = message.get(READING_KEY) or {}
        language = reading.get("code") if isinstance(reading, dict) else None
        thresholds = self.component_config.get(LANGUAGE_THRESHOLDS_KEY) or {}
        return float(thresholds.get(language, self.component_config[THRESHOLD_KEY]))

    def _nlu_confidence_below_threshold(self, message: Message) -> Tuple[bool, float]:
        nlu_confidence = message.data[INTENT].get(PREDICTED_CONFIDENCE_KEY)
        return nlu_confidence < self.threshold_for(message), nlu_confidence
