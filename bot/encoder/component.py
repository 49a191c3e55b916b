"""Starts the sentence encoder on a message as the NLU pipeline begins, in a background thread.

The encoder reads about 42 MB of weights per message, which makes it memory-bound (about 12 ms
here) and the NLU model's own work (about 5 ms) is TensorFlow's: both release the GIL, so on two
cores they overlap. The crisis safety net at the end of the pipeline collects the result
(``embeddings_for``); it computes them itself when this component did not run.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.encoder.minilm import SentenceEncoder, shared_encoder
from bot.safety.risk import segments

PENDING = "sentence_embeddings_pending"  # never in the parse output
_lock = threading.Lock()
_pool: Optional[ThreadPoolExecutor] = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentence-encoder")
        return _pool


def embed_segments(encoder: SentenceEncoder, text: str) -> np.ndarray:
    """The message and its sentences (``segments``); the whole apart, since a batch pads to its longest."""
    parts = segments(text)
    if len(parts) == 1:
        return encoder.encode(parts)
    return np.vstack([encoder.encode(parts[:1]), encoder.encode(parts[1:])])


def embeddings_for(message: Message, encoder: SentenceEncoder) -> np.ndarray:
    """The started embeddings of this message, or computed now."""
    pending = message.data.pop(PENDING, None)
    if isinstance(pending, Future):
        return pending.result()
    return embed_segments(encoder, message.get(TEXT) or "")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SentenceEmbedder(GraphComponent):
    """First in the pipeline; classifies nothing."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self.encoder = encoder

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "SentenceEmbedder":
        return cls(shared_encoder())  # verified against the published sha256: a wrong model stops Rasa

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.strip() and not text.startswith("/"):
                message.data[PENDING] = _executor().submit(embed_segments, self.encoder, text)
        return messages
