"""The third layer of the crisis net: a classifier on the sentence encoder's embedding.

The patterns know the phrasings someone wrote down, and the NLU model knows its training
examples; this layer reads what a message *means*, as the pretrained encoder places it, beside
its character and word n-grams (shorthand, misspellings and digits for letters). One logistic
regression says how much danger (none, possible, clear), another what kind, and one on the
embedding alone whether the writer or someone else is at risk. On the dev set the n-grams beside the
embedding caught 76% of crises at 3% false alarms, against 52% for the embedding alone.

A long message is also scored sentence by sentence, so one crisis sentence inside a friendly
paragraph is not averaged away. Plain numpy and scikit-learn, no Rasa: trained and saved by
``bot.rasa.nlu.crisis_net``, evaluated by ``bot.safety.evaluation``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import joblib
import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.safety.patterns import CRISIS_TYPES
from bot.understanding.tfidf import TfidfTransform

RISK_LEVELS = ("none", "possible", "clear")
# The saved heads' layout: bumped when it changes, so `rasa train` retrains the component and a
# model of another layout is refused at load with what to do (2: the kind head reads the n-grams).
FORMAT = 2
# What a message says as a reply in crisis mode; everything else is "other" (bot/safety/mode.py).
REPLY_KINDS = (
    "crisis_safe",
    "crisis_false_alarm",
    "crisis_cannot_call",
    "crisis_contacted",
    "crisis_help_arrived",
    "request_human",
    "affirm",
    "deny",
    "crisis",
    "other",
)
PERSONS = ("self", "other")
MAX_SEGMENTS = 8  # bounded work per message: the whole text and at most 7 of its sentences
EMBEDDING_WEIGHT = 2.0  # the embedding's scale beside the unit-length n-gram vectors
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
    crisis_type: str = ""  # one of CRISIS_TYPES, or "" when not known (then only the risk head learns from it)
    person: str = "self"
    weight: float = 1.0  # how much it counts in the danger head (bot.rasa.nlu.crisis_net: by language)


@dataclass(frozen=True)
class Reply:
    intent: str  # one of REPLY_KINDS
    confidence: float


@dataclass(frozen=True)
class RiskScore:
    clear: float  # probability of a clear crisis, the highest over the message's segments
    possible: float  # probability of possible or clear danger, the highest over the segments
    crisis_type: str
    person: str
    segment: int  # which segment scored highest (0: the whole message)


def _labels(values: Sequence[str], classes: Sequence[str]) -> List[int]:
    missing = sorted(set(classes) - set(values))
    if missing:
        raise ValueError(f"the crisis classifier has no training examples for: {', '.join(missing)}")
    return [list(classes).index(v) for v in values]


class RiskModel:
    """Four heads: danger and its type (embedding and n-grams), the person at risk (embedding), and
    what the message says as a reply in crisis mode (embedding and n-grams, trained on the NLU examples)."""

    def __init__(
        self,
        chars: TfidfVectorizer,
        words: TfidfVectorizer,
        risk: LogisticRegression,
        kind: LogisticRegression,
        person: LogisticRegression,
        reply: LogisticRegression,
    ) -> None:
        self.chars, self.words, self.risk, self.kind, self.person, self.reply = chars, words, risk, kind, person, reply
        self._chars, self._words = TfidfTransform(chars), TfidfTransform(words)
        self._weight_blocks: Dict[int, Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def _features(self, texts: Sequence[str], embeddings: np.ndarray) -> csr_matrix:
        return hstack([self._chars(texts), self._words(texts), csr_matrix(embeddings * EMBEDDING_WEIGHT)]).tocsr()

    def _blocks(self, head: LogisticRegression) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """A head's weights split by feature block, contiguous, computed once per head."""
        cached = self._weight_blocks.get(id(head))
        if cached is None:
            chars, words = len(self.chars.vocabulary_), len(self.words.vocabulary_)
            coef = head.coef_
            cached = (
                np.ascontiguousarray(coef[:, :chars].T),
                np.ascontiguousarray(coef[:, chars : chars + words].T),
                np.ascontiguousarray(coef[:, chars + words :].T) * EMBEDDING_WEIGHT,
                head.intercept_,
            )
            self._weight_blocks[id(head)] = cached
        return cached

    def _probabilities(
        self, head: LogisticRegression, chars: csr_matrix, words: csr_matrix, embeddings: np.ndarray
    ) -> np.ndarray:
        """``head.predict_proba`` on ``_features``, without building the stacked matrix: each block
        of features meets its block of weights (the same figures, a third of the time)."""
        char_w, word_w, embedding_w, intercept = self._blocks(head)
        logits = np.asarray(chars @ char_w + words @ word_w + embeddings @ embedding_w + intercept)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    @classmethod
    def train(
        cls,
        embeddings: np.ndarray,
        examples: Sequence[LabelledExample],
        replies: Sequence[int],
        reply_labels: Sequence[str],
        c: float = 8.0,
    ) -> "RiskModel":
        """``replies``: the indexes of the examples that teach the reply head, with ``reply_labels``."""
        if len(embeddings) != len(examples) or len(replies) != len(reply_labels):
            raise ValueError("one embedding per example, one label per reply example")
        texts = [e.text for e in examples]
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True).fit(texts)
        words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
        model = cls(
            chars, words, LogisticRegression(C=c, max_iter=3000), _head(), _head(), LogisticRegression(C=c, max_iter=3000)
        )
        features = model._features(texts, embeddings)
        model.risk.fit(features, _labels([e.risk for e in examples], RISK_LEVELS), sample_weight=[e.weight for e in examples])
        model.reply.fit(features[list(replies)], _labels(list(reply_labels), REPLY_KINDS))
        crises = [i for i, e in enumerate(examples) if e.risk != "none" and e.crisis_type]
        # The kind reads the n-grams too: the English encoder places Spanish poorly ("me está pegando",
        # "labios morados"); on the dev sets the right type went from 86% to 93% (Spanish 70% to 89%).
        model.kind.fit(features[crises], _labels([examples[i].crisis_type for i in crises], CRISIS_TYPES))
        model.person.fit(embeddings[crises], _labels([examples[i].person for i in crises], PERSONS))
        return model

    def save(self, path: Path) -> None:
        joblib.dump(
            {
                "format": FORMAT,
                "chars": self.chars,
                "words": self.words,
                "risk": self.risk,
                "kind": self.kind,
                "person": self.person,
                "reply": self.reply,
            },
            path,
        )

    @classmethod
    def load(cls, path: Path) -> "RiskModel":
        parts = joblib.load(path)  # our own model archive, written by `rasa train`
        if parts.get("format") != FORMAT:
            raise ValueError(
                f"the crisis classifier in this model has layout {parts.get('format', 1)}, this code reads layout "
                f"{FORMAT}: train the model again (make train)"
            )
        return cls(parts["chars"], parts["words"], parts["risk"], parts["kind"], parts["person"], parts["reply"])

    def score(self, texts: Sequence[str], embeddings: np.ndarray) -> Tuple[RiskScore, Reply]:
        """One message's segments (the whole message first) and their embeddings."""
        chars, words = self._chars(texts), self._words(texts)
        risk = self._probabilities(self.risk, chars, words, embeddings)
        reply = self._probabilities(self.reply, chars[:1], words[:1], embeddings[:1])[0]
        clear = risk[:, RISK_LEVELS.index("clear")]
        at_risk = clear + risk[:, RISK_LEVELS.index("possible")]
        best = int(np.argmax(at_risk))
        kind = self._probabilities(self.kind, chars[best : best + 1], words[best : best + 1], embeddings[best : best + 1])[0]
        person = _linear_probabilities(self.person, embeddings[best])
        score = RiskScore(
            clear=float(clear.max()),
            possible=float(at_risk.max()),
            crisis_type=CRISIS_TYPES[int(np.argmax(kind))],
            person=PERSONS[int(np.argmax(person))],
            segment=best,
        )
        return score, Reply(REPLY_KINDS[int(np.argmax(reply))], float(reply.max()))


def _linear_probabilities(head: LogisticRegression, x: np.ndarray) -> np.ndarray:
    """``head.predict_proba`` for one row, without scikit-learn's checks (they cost more than the sum)."""
    logits = head.coef_ @ x + head.intercept_
    if logits.shape[0] == 1:  # two classes keep one column
        p = 1.0 / (1.0 + np.exp(-logits[0]))
        return np.array([1.0 - p, p])
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


def _head() -> LogisticRegression:
    return LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")
