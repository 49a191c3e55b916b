"""The third layer of the crisis net: a classifier on sentence embeddings.

The patterns know the phrasings someone wrote down, and the NLU model knows its training
examples; this layer knows what a message *means*, as the pretrained encoder places it, so it
also catches the crises nobody wrote a pattern for (shorthand, euphemism, a plan told as a
story). Three small logistic regressions on the 384-dimensional embedding: how much danger
(none, possible, clear), what kind, and whether the writer or someone else is at risk.

A long message is also scored sentence by sentence, so one crisis sentence inside a friendly
paragraph is not averaged away. Plain numpy and scikit-learn, no Rasa: trained and saved by
``bot.safety.component``, evaluated by ``bot.safety.evaluation``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence

import numpy as np

from bot.safety.patterns import CRISIS_TYPES

RISK_LEVELS = ("none", "possible", "clear")
PERSONS = ("self", "other")
MAX_SEGMENTS = 8  # bounded work per message: the whole text and at most 7 of its sentences
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*|\s+(?:but|and then|anyway|also|btw)\s+", re.IGNORECASE)
_MIN_SEGMENT_CHARS = 12


def segments(text: str) -> List[str]:
    """The message, then its sentences when it has several (the longest first, if capped)."""
    text = text.strip()
    parts = [p.strip() for p in _SENTENCE.split(text) if p and len(p.strip()) >= _MIN_SEGMENT_CHARS]
    if len(parts) <= 1:
        return [text]
    parts = sorted(parts, key=len, reverse=True)[: MAX_SEGMENTS - 1]
    return [text] + parts


@dataclass(frozen=True)
class LabelledExample:
    text: str
    risk: str  # one of RISK_LEVELS
    crisis_type: str = ""  # one of CRISIS_TYPES when risk is not "none"
    person: str = "self"


@dataclass(frozen=True)
class RiskScore:
    clear: float  # probability of a clear crisis, the highest over the message's segments
    possible: float  # probability of possible or clear danger, the highest over the segments
    crisis_type: str
    person: str
    segment: int  # which segment scored highest (0: the whole message)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


class _Linear:
    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: Sequence[str]) -> None:
        self.coef, self.intercept, self.classes = coef.astype(np.float32), intercept.astype(np.float32), tuple(classes)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = x @ self.coef.T + self.intercept
        if logits.shape[1] == 1:  # scikit-learn keeps one column for two classes
            p = 1.0 / (1.0 + np.exp(-logits))
            return np.hstack([1 - p, p])
        return _softmax(logits)


def _fit(x: np.ndarray, y: List[str], classes: Sequence[str], c: float) -> _Linear:
    from sklearn.linear_model import LogisticRegression  # training only

    missing = sorted(set(classes) - set(y))
    if missing:
        raise ValueError(f"the crisis classifier has no training examples for: {', '.join(missing)}")
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    model.fit(x, [list(classes).index(label) for label in y])
    return _Linear(model.coef_, model.intercept_, classes)


class RiskModel:
    """The three classifiers; ``arrays`` round-trips them through one ``.npz`` file."""

    def __init__(self, risk: _Linear, kind: _Linear, person: _Linear) -> None:
        self.risk, self.kind, self.person = risk, kind, person

    @classmethod
    def train(cls, embeddings: np.ndarray, examples: Sequence[LabelledExample], c: float = 4.0) -> "RiskModel":
        if len(embeddings) != len(examples):
            raise ValueError("one embedding per example")
        risk = _fit(embeddings, [e.risk for e in examples], RISK_LEVELS, c)
        crises = [i for i, e in enumerate(examples) if e.risk != "none"]
        if not crises:
            raise ValueError("the crisis classifier needs crisis examples")
        kind = _fit(embeddings[crises], [examples[i].crisis_type for i in crises], CRISIS_TYPES, c)
        person = _fit(embeddings[crises], [examples[i].person for i in crises], PERSONS, c)
        return cls(risk, kind, person)

    def arrays(self) -> Dict[str, np.ndarray]:
        out: Dict[str, np.ndarray] = {}
        for name, layer in (("risk", self.risk), ("kind", self.kind), ("person", self.person)):
            out[f"{name}_coef"], out[f"{name}_intercept"] = layer.coef, layer.intercept
        return out

    @classmethod
    def from_arrays(cls, arrays: Dict[str, np.ndarray]) -> "RiskModel":
        def layer(name: str, classes: Sequence[str]) -> _Linear:
            return _Linear(arrays[f"{name}_coef"], arrays[f"{name}_intercept"], classes)

        return cls(layer("risk", RISK_LEVELS), layer("kind", CRISIS_TYPES), layer("person", PERSONS))

    def score_embeddings(self, x: np.ndarray) -> RiskScore:
        """``x``: the embeddings of one message's segments (the whole message first)."""
        risk = self.risk.probabilities(x)
        clear = risk[:, RISK_LEVELS.index("clear")]
        at_risk = clear + risk[:, RISK_LEVELS.index("possible")]
        best = int(np.argmax(at_risk))
        kind = self.kind.probabilities(x[best : best + 1])[0]
        person = self.person.probabilities(x[best : best + 1])[0]
        return RiskScore(
            clear=float(clear.max()),
            possible=float(at_risk.max()),
            crisis_type=CRISIS_TYPES[int(np.argmax(kind))],
            person=PERSONS[int(np.argmax(person))],
            segment=best,
        )
