"""The numpy encoder gives the reference model's vectors (sentence-transformers on PyTorch, once)."""

import json
from pathlib import Path

import numpy as np
import pytest

from bot.encoder.minilm import DIMENSION, MAX_TOKENS, shared_encoder

REFERENCE = json.loads((Path(__file__).parent / "reference_embeddings.json").read_text())


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder()


def test_the_vectors_are_the_reference_models(encoder):
    ours = encoder.encode(REFERENCE["texts"])
    assert ours.shape == (len(REFERENCE["texts"]), DIMENSION)
    assert np.abs(ours - np.array(REFERENCE["embeddings"])).max() < 1e-4


def test_vectors_are_unit_length_and_batching_changes_nothing(encoder):
    texts = REFERENCE["texts"]
    together = encoder.encode(texts)
    one_by_one = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.abs(together - one_by_one).max() < 1e-5  # padding never leaks into a shorter text
    assert np.abs(encoder.encode_sorted(texts[::-1], batch_size=2) - together[::-1]).max() < 1e-5


def test_meaning_decides_similarity(encoder):
    a, b, c = encoder.encode(["I want to end my life", "i dont want to live anymore", "what time does group start"])
    assert a @ b > 0.5 > a @ c


def test_long_and_empty_input_is_bounded(encoder):
    assert len(encoder.token_ids(["word " * 5000])[0]) == MAX_TOKENS
    assert encoder.encode(["word " * 5000]).shape == (1, DIMENSION)
    assert encoder.encode([""]).shape == (1, DIMENSION)
    assert encoder.encode([]).shape == (0, DIMENSION)


def test_one_encoder_per_process(encoder):
    assert shared_encoder() is encoder


def test_the_fast_erf_is_scipys_to_float32_precision():
    from scipy.special import erf as reference

    from bot.encoder.minilm import erf

    x = np.linspace(-6, 6, 20001, dtype=np.float32)
    ours = erf(x.copy())
    assert ours.dtype == np.float32
    assert np.abs(ours - reference(x.astype(np.float64))).max() < 1e-6
    assert ours[0] == pytest.approx(-1.0) and ours[-1] == pytest.approx(1.0) and ours[10000] == 0.0
