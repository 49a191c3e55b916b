"""Reading rasa's NLU results: targets, confusion pairs and the fallback threshold sweep."""
from __future__ import annotations

import json
from pathlib import Path

from bot import evaluation
from bot.evaluation import Prediction


def write_report(path: Path, scores: dict, macro: float) -> None:
    data = {name: {"precision": f1, "recall": f1, "f1-score": f1, "support": 10, "confused_with": conf} for name, (f1, conf) in scores.items()}
    data["macro avg"] = {"precision": macro, "recall": macro, "f1-score": macro, "support": 20}
    data["accuracy"] = macro
    (path / "intent_report.json").write_text(json.dumps(data))


def test_meets_targets(tmp_path: Path) -> None:
    write_report(tmp_path, {"greet": (1.0, {}), "ask_cost": (0.9, {"ask_insurance": 1})}, 0.95)
    report = evaluation.load_report(tmp_path)
    assert report.failures == []
    assert evaluation.confusion_pairs(report) == [("ask_cost", "ask_insurance", 1)]
    assert "ask_cost -> ask_insurance: 1" in evaluation.format_report(report)


def test_reports_each_shortfall(tmp_path: Path) -> None:
    write_report(tmp_path, {"greet": (1.0, {}), "ask_cost": (0.7, {})}, 0.85)
    failures = evaluation.load_report(tmp_path).failures
    assert any("macro F1 0.850" in f for f in failures)
    assert any("ask_cost: F1 0.700" in f for f in failures)


def test_threshold_sweep_counts_and_prefers_the_cheapest() -> None:
    predictions = [
        Prediction("ask_cost", "ask_cost", 0.95),
        Prediction("ask_cost", "ask_insurance", 0.55),  # wrong, but unsure
        Prediction("greet", "greet", 0.40),  # right, but unsure
        Prediction("out_of_scope", "ask_cost", 0.50),  # off-topic, falls back above 0.5
    ]
    rows = {r.threshold: r for r in evaluation.sweep_thresholds(predictions, [0.3, 0.6])}
    assert (rows[0.3].answered_right, rows[0.3].answered_wrong, rows[0.3].fell_back) == (2, 2, 0)
    assert (rows[0.6].answered_right, rows[0.6].answered_wrong, rows[0.6].fell_back) == (1, 0, 2)
    assert evaluation.best_threshold(list(rows.values())).threshold == 0.6


def test_near_ties_go_to_the_safer_higher_threshold() -> None:
    rows = [
        evaluation.ThresholdRow(0.1, 0, 0, 0, 100.0),
        evaluation.ThresholdRow(0.2, 0, 0, 0, 104.0),
        evaluation.ThresholdRow(0.3, 0, 0, 0, 110.0),
    ]
    assert evaluation.best_threshold(rows).threshold == 0.2
