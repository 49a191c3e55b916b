"""The sentence encoder's embedding as a dense sentence feature for the NLU model.

The intent classifier then sees meaning beside the sparse word and character n-grams, so a
paraphrase it was never shown ("whats the process" for "how do I get started") lands near its
intent. The embedding is the one the crisis safety net uses: computed once per message, with the
message's sentences, and left on the message for the net.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder.minilm import SentenceEncoder, shared_encoder
from bot.rasa.nlu.embeddings import PENDING, embed_segments


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the whole message's embedding (unit length) as a sentence feature."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return DenseFeaturizer.get_default_config()

    def __init__(self, config: Dict[Text, Any], name: Text, encoder: SentenceEncoder) -> None:
        super().__init__(name, config)
        self.encoder = encoder

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to configure."""

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "SentenceFeaturizer":
        return cls(config, execution_context.node_name, shared_encoder())

    def _add(self, message: Message, embedding: np.ndarray) -> None:
        self.add_features_to_message(None, embedding[None, :], TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [m for m in training_data.training_examples if (m.get(TEXT) or "").strip()]
        embeddings = self.encoder.encode_sorted([m.get(TEXT).strip() for m in messages])
        for message, embedding in zip(messages, embeddings):
            self._add(message, embedding)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip() or text.startswith("/"):
                continue  # empty, or a button payload that names its intent itself (no encoder pass)
            embeddings = embed_segments(self.encoder, text)
            message.data[PENDING] = embeddings  # the crisis net reads the same rows, not computed twice
            self._add(message, embeddings[0])
        return messages
