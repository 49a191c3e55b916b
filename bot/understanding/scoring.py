"""Scores of an intent classifier on a labelled set, and the fallback threshold sweep."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
# Both get "that's outside what I can help with" or "could you rephrase", never a wrong answer.
REJECTIONS = frozenset({OUT_OF_SCOPE, FALLBACK})
# A confidently wrong answer misleads; an unneeded "could you rephrase" only costs a turn.
WRONG_ANSWER_COST = 3.0
FALLBACK_COST = 1.0
# Among thresholds within this share of the lowest cost the highest wins: when the set cannot tell
# them apart, asking to rephrase is the safer error.
COST_TOLERANCE = 0.05


@dataclass(frozen=True)
class Prediction:
    text: str
    truth: str
    intent: str  # what the service acts on: after the fallback classifier and the crisis net
    top: str  # the classifier's best real intent
    confidence: float  # and its confidence


def is_right(truth: str, predicted: str) -> bool:
    return predicted == truth or (truth == OUT_OF_SCOPE and predicted in REJECTIONS)


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: Dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SetScore:
    name: str
    messages: int
    accuracy: float
    macro_recall: float
    macro_f1: float
    intents: List[IntentScore]

    def confusions(self, limit: int = 12) -> List[Tuple[str, str, int]]:
        pairs = [(s.intent, other, n) for s in self.intents for other, n in s.confused_with.items()]
        return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))[:limit]


def score(name: str, predictions: Sequence[Prediction]) -> SetScore:
    """Per-intent precision, recall and F1 over the labels of the set; accuracy over messages."""
    right: Counter[str] = Counter()
    support: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    confused: Dict[str, Counter] = defaultdict(Counter)
    for p in predictions:
        support[p.truth] += 1
        shown = p.truth if is_right(p.truth, p.intent) else p.intent
        predicted[shown] += 1
        if shown == p.truth:
            right[p.truth] += 1
        else:
            confused[p.truth][shown] += 1
    intents = []
    for intent in sorted(support):
        precision = right[intent] / predicted[intent] if predicted[intent] else 0.0
        recall = right[intent] / support[intent]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        intents.append(IntentScore(intent, precision, recall, f1, support[intent], dict(confused[intent])))
    n = len(predictions)
    return SetScore(
        name=name,
        messages=n,
        accuracy=sum(right.values()) / n if n else 0.0,
        macro_recall=sum(s.recall for s in intents) / len(intents) if intents else 0.0,
        macro_f1=sum(s.f1 for s in intents) / len(intents) if intents else 0.0,
        intents=intents,
    )


@dataclass(frozen=True)
class Rejection:
    messages: int
    rejected: int
    answered_as: List[Tuple[str, int]]  # the intents the rest got, most frequent first

    @property
    def rate(self) -> float:
        return self.rejected / self.messages if self.messages else 0.0


def rejection(predictions: Sequence[Prediction]) -> Rejection:
    """Off-topic messages: how many got out-of-scope or the fallback rather than an answer."""
    answered = Counter(p.intent for p in predictions if p.intent not in REJECTIONS)
    return Rejection(len(predictions), len(predictions) - sum(answered.values()), answered.most_common())


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    answered_right: int
    answered_wrong: int
    fell_back: int
    cost: float


def sweep(predictions: Sequence[Prediction], thresholds: Sequence[float]) -> List[ThresholdRow]:
    """What each fallback threshold would have done with the classifier's best intent."""
    rows = []
    for t in thresholds:
        right = wrong = fell_back = 0
        for p in predictions:
            if p.confidence < t:
                fell_back += p.truth != OUT_OF_SCOPE
            elif is_right(p.truth, p.top):
                right += 1
            else:
                wrong += 1
        rows.append(ThresholdRow(t, right, wrong, fell_back, wrong * WRONG_ANSWER_COST + fell_back * FALLBACK_COST))
    return rows


def best_threshold(rows: Sequence[ThresholdRow]) -> ThresholdRow:
    lowest = min(row.cost for row in rows)
    return max((row for row in rows if row.cost <= lowest * (1 + COST_TOLERANCE)), key=lambda r: r.threshold)
