"""Adds each message's language (bot/language/detect.py) to its parse data, where the language
policy (bot/rasa/language_policy.py) reads it to choose the conversation's language."""

from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.choice import READING_KEY
from bot.language.detect import LanguageDetector, shared_detector


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LanguageReader(GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    def __init__(self, detector: LanguageDetector) -> None:
        self._detector = detector

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "LanguageReader":
        return cls(shared_detector())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            reading = self._detector.read(message.get(TEXT) or "")
            message.set(READING_KEY, reading.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # training examples need no language: the classifier never reads it
