"""Read Rasa's NLU test results: per-intent report, confusion pairs, and fallback tuning.

`rasa test nlu` on the held-out split (tests/data/nlu_holdout/) writes intent_report.json and the
per-example predictions; this module turns them into the summary and the pass/fail verdict.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

MACRO_F1_TARGET = 0.92
# With 8 to 10 held-out messages per intent one message moves an intent's F1 by about 0.06, so
# the floor catches an intent that is broken (two or more misses plus confusions), not noise;
# the macro target carries the overall quality.
INTENT_F1_FLOOR = 0.75
# A confidently wrong answer misleads; an unneeded "could you rephrase" only costs a turn.
WRONG_ANSWER_COST = 3.0
FALLBACK_COST = 1.0
# Intents whose reply is the same as the fallback's: a low score there is no harm.
FALLBACK_LIKE = {"out_of_scope"}


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: Dict[str, int]


@dataclass(frozen=True)
class Report:
    intents: List[IntentScore]
    macro_f1: float

    @property
    def failures(self) -> List[str]:
        problems = []
        if self.macro_f1 < MACRO_F1_TARGET:
            problems.append(f"macro F1 {self.macro_f1:.3f} is below {MACRO_F1_TARGET}")
        for score in self.intents:
            if score.f1 < INTENT_F1_FLOOR:
                problems.append(f"intent {score.intent}: F1 {score.f1:.3f} is below {INTENT_F1_FLOOR}")
        return problems


def load_report(results: Path) -> Report:
    data = json.loads((results / "intent_report.json").read_text())
    intents = [
        IntentScore(
            intent=name,
            precision=values["precision"],
            recall=values["recall"],
            f1=values["f1-score"],
            support=int(values["support"]),
            confused_with=values.get("confused_with", {}),
        )
        for name, values in sorted(data.items())
        if isinstance(values, dict) and "support" in values and name not in {"macro avg", "weighted avg", "micro avg"}
    ]
    return Report(intents=intents, macro_f1=data["macro avg"]["f1-score"])


def format_report(report: Report) -> str:
    lines = [f"{'intent':<26} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>4}  confused with"]
    for s in sorted(report.intents, key=lambda s: s.f1):
        confused = ", ".join(f"{k} ({v})" for k, v in sorted(s.confused_with.items(), key=lambda kv: -kv[1]))
        lines.append(f"{s.intent:<26} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:4d}  {confused}")
    lines.append(f"\nmacro F1: {report.macro_f1:.3f} (target >= {MACRO_F1_TARGET}; every intent >= {INTENT_F1_FLOOR})")
    pairs = confusion_pairs(report)
    if pairs:
        lines.append("confusion pairs (true -> predicted: count): " + "; ".join(f"{a} -> {b}: {n}" for a, b, n in pairs))
    return "\n".join(lines)


def confusion_pairs(report: Report) -> List[Tuple[str, str, int]]:
    pairs = [(s.intent, other, n) for s in report.intents for other, n in s.confused_with.items()]
    return sorted(pairs, key=lambda p: -p[2])


@dataclass(frozen=True)
class Prediction:
    truth: str
    predicted: str
    confidence: float


def load_predictions(results: Path) -> List[Prediction]:
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = results / name
        if path.exists():
            for item in json.loads(path.read_text()):
                rows.append(
                    Prediction(item["intent"], item["intent_prediction"]["name"], float(item["intent_prediction"]["confidence"]))
                )
    return rows


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    answered_right: int
    answered_wrong: int
    fell_back: int
    cost: float


def sweep_thresholds(predictions: List[Prediction], thresholds: List[float]) -> List[ThresholdRow]:
    rows = []
    for t in thresholds:
        right = wrong = fallback = 0
        for p in predictions:
            if p.confidence < t:
                fallback += p.truth not in FALLBACK_LIKE
            elif p.predicted == p.truth or (p.truth in FALLBACK_LIKE and p.predicted in FALLBACK_LIKE):
                right += 1
            else:
                wrong += 1
        rows.append(ThresholdRow(t, right, wrong, fallback, wrong * WRONG_ANSWER_COST + fallback * FALLBACK_COST))
    return rows


# Among thresholds within this share of the lowest cost, the highest wins: when the held-out split
# cannot tell them apart, asking to rephrase is the safer error.
COST_TOLERANCE = 0.05


def best_threshold(rows: List[ThresholdRow]) -> ThresholdRow:
    lowest = min(row.cost for row in rows)
    near = [row for row in rows if row.cost <= lowest * (1 + COST_TOLERANCE)]
    return max(near, key=lambda r: r.threshold)


def configured_threshold(config_path: Path) -> float:
    config = yaml.safe_load(config_path.read_text())
    fallback = next(c for c in config["pipeline"] if c["name"] == "FallbackClassifier")
    return float(fallback["threshold"])
