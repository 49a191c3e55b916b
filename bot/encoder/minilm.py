"""all-MiniLM-L6-v2 run with numpy: BERT's forward pass, mean pooling and L2 norm.

The same arithmetic as sentence-transformers' model (tests/bot/encoder/ compares the output with
vectors the reference PyTorch model produced), in float32, with no torch and no network. One
message of 20 tokens costs about 15 ms on one core here, and a batch of several little more: a
batch's texts go through the linear maps as one matrix, with no padding, and concurrent callers
share passes.
"""

from __future__ import annotations

import threading
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

from bot.encoder.coalescing import Coalescer
from bot.encoder.weights import EncoderFiles, EncoderUnavailable, read_files

DIMENSION = 384
MAX_TOKENS = 256  # the model's max_seq_length: longer texts are cut, as sentence-transformers does
_LAYERS = 6
_HEADS = 12
_HEAD_SIZE = DIMENSION // _HEADS
_SCALE = np.float32(1.0 / np.sqrt(_HEAD_SIZE))
_EPS = 1e-12


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """In place: ``x`` is a fresh intermediate (a message's rows are few, so numpy's per-call cost
    counts as much as the arithmetic)."""
    x -= x.mean(-1, keepdims=True)
    variance = np.einsum("ij,ij->i", x, x)
    variance /= DIMENSION
    variance += _EPS
    x *= (1.0 / np.sqrt(variance))[:, None]
    x *= weight
    x += bias
    return x


# erf by Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7, below float32's own rounding
# here): a fifth of scipy's time, which was a fifth of a layer's (tests/bot/encoder/ compare both).
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))
_SQRT_HALF = np.float32(np.sqrt(0.5))


def erf(x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    t = 1.0 / (1.0 + _ERF_P * a)
    poly = _ERF_A[0] * t
    for coefficient in _ERF_A[1:]:
        poly += coefficient
        poly *= t
    np.multiply(a, a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    np.subtract(1.0, poly, out=poly)
    return np.copysign(poly, x, out=poly)


def _gelu(x: np.ndarray) -> np.ndarray:
    out = erf(x * _SQRT_HALF)
    out += 1.0
    out *= x
    out *= 0.5
    return out


class _Layer:
    def __init__(self, t: Dict[str, np.ndarray], prefix: str) -> None:
        def w(name: str) -> np.ndarray:
            return t[f"{prefix}.{name}"]

        # PyTorch's Linear keeps (out, in); one fused (in, 3*out) matrix for query, key and value,
        # with attention's 1/sqrt(head size) folded into the query's part.
        self.qkv_w = np.ascontiguousarray(np.concatenate([w(f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T)
        self.qkv_b = np.concatenate([w(f"attention.self.{n}.bias") for n in ("query", "key", "value")])
        self.qkv_w[:, :DIMENSION] *= _SCALE
        self.qkv_b[:DIMENSION] *= _SCALE
        self.out_w = np.ascontiguousarray(w("attention.output.dense.weight").T)
        self.out_b = w("attention.output.dense.bias")
        self.ln1 = (w("attention.output.LayerNorm.weight"), w("attention.output.LayerNorm.bias"))
        self.up_w = np.ascontiguousarray(w("intermediate.dense.weight").T)
        self.up_b = w("intermediate.dense.bias")
        self.down_w = np.ascontiguousarray(w("output.dense.weight").T)
        self.down_b = w("output.dense.bias")
        self.ln2 = (w("output.LayerNorm.weight"), w("output.LayerNorm.bias"))

    def __call__(self, x: np.ndarray, spans: Sequence[Tuple[int, int]]) -> np.ndarray:
        """``x``: (rows, 384), the texts' tokens one after another, with no padding: the linear maps
        see one matrix for all of them, attention each text's own rows (``spans``: start, end)."""
        qkv = x @ self.qkv_w
        qkv += self.qkv_b
        context = np.empty_like(x)
        for start, end in spans:
            q, k, v = qkv[start:end].reshape(end - start, 3, _HEADS, _HEAD_SIZE).transpose(1, 2, 0, 3)
            scores = q @ k.transpose(0, 2, 1)
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context[start:end] = (scores @ v).transpose(1, 0, 2).reshape(end - start, DIMENSION)
        h = context @ self.out_w
        h += self.out_b
        h += x
        x = _layer_norm(h, *self.ln1)
        h = x @ self.up_w
        h += self.up_b
        h = _gelu(h) @ self.down_w
        h += self.down_b
        h += x
        return _layer_norm(h, *self.ln2)


class SentenceEncoder:
    """Texts in, unit-length 384-dimensional float32 vectors out."""

    def __init__(self, files: EncoderFiles) -> None:
        try:
            tensors = load_safetensors(files.weights)
            self._tokenizer = Tokenizer.from_str(files.tokenizer)
        except Exception as exc:  # the files passed their hash check, so this is a broken install
            raise EncoderUnavailable(f"the encoder's files could not be read: {exc}") from exc
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._words = tensors["embeddings.word_embeddings.weight"]
        self._positions = tensors["embeddings.position_embeddings.weight"]
        self._token_type = tensors["embeddings.token_type_embeddings.weight"][0]
        self._ln = (tensors["embeddings.LayerNorm.weight"], tensors["embeddings.LayerNorm.bias"])
        self._layers = [_Layer(tensors, f"encoder.layer.{i}") for i in range(_LAYERS)]
        self._coalescer = Coalescer(self._encode_batch)

    def token_ids(self, texts: Sequence[str]) -> List[List[int]]:
        return [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order; concurrent callers share passes (bot/encoder/coalescing.py)."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return self._coalescer.encode(texts)

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        ids = self.token_ids(texts)
        lengths = np.array([len(row) for row in ids])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        spans = [(int(a), int(a + n)) for a, n in zip(starts, lengths)]
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = self._words[np.concatenate(ids)] + self._positions[positions] + self._token_type
        x = _layer_norm(x, *self._ln)
        for layer in self._layers:
            x = layer(x, spans)
        pooled = np.add.reduceat(x, starts, axis=0) / lengths[:, None].astype(np.float32)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode_sorted(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Many texts, in batches (texts of similar length together: attention's cost per text grows
        with its length squared, so like with like keeps each batch's pass even)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
        return out


_lock = threading.Lock()
_shared: Optional[SentenceEncoder] = None


def shared_encoder() -> SentenceEncoder:
    """One verified encoder per process, loaded on first use (about 90 MB of weights)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = SentenceEncoder(read_files())
        return _shared
