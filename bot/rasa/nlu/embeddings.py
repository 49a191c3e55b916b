"""The sentence embeddings of a message, shared by the pipeline's components.

``SentenceFeaturizer`` computes them once per message (the whole message, then its sentences) and
leaves them on the message; the crisis safety net at the end of the pipeline takes them
(``embeddings_for``), or computes them itself when the featurizer did not run.
"""

from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.encoder.minilm import SentenceEncoder
from bot.safety.risk import segments

PENDING = "sentence_embeddings"  # never in the parse output: taken by the crisis net


def embed_segments(encoder: SentenceEncoder, text: str) -> np.ndarray:
    """The message and its sentences (``segments``), in one pass."""
    return encoder.encode(segments(text))


def embeddings_for(message: Message, encoder: SentenceEncoder) -> np.ndarray:
    """The embeddings the featurizer left on this message (taking them off), or computed now."""
    found = message.data.pop(PENDING, None)
    if isinstance(found, np.ndarray):
        return found
    return embed_segments(encoder, message.get(TEXT) or "")
