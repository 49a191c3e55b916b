"""`python -m bot eval-safety`: load the sets and the trained model, parse, report.

``--sweep`` prints how the pipeline's figures move with the encoder thresholds and the pattern
doubt, each from the values in config.yml, on the dev sets only (the sealed sets are never used to
choose anything); ``--public`` adds the public set.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Dict, List

import yaml

from bot.safety import evaluation, public_set
from bot.safety.examples import DataError
from bot.safety.risk import RiskScore
from bot.safety.tiers import CLEAR, NONE, POSSIBLE, Thresholds, assess
from bot.understanding.parser import nlu_parser

# The sets under tests/data/safety/ (README in each), and the older tuned set.
SET_NAMES = ("sealed", "sealed_es", "sealed_es2", "dev", "dev2", "dev3", "dev4", "dev5", "dev_es", "dev_es2", "tuned")


def add_parser(sub: Any, project_root: Path) -> argparse.ArgumentParser:
    parser = sub.add_parser("eval-safety", help="crisis net figures on every evaluation set (needs a trained model)")
    parser.add_argument("--model", default=str(project_root / "models" / "companion.tar.gz"))
    parser.add_argument(
        "--sets",
        default="sealed,sealed_es,sealed_es2,dev,dev2,dev3,dev4,dev5,dev_es,dev_es2,tuned",
        help=f"comma-separated: {', '.join(SET_NAMES)}",
    )
    parser.add_argument("--public", action="store_true", help="also the public Reddit C-SSRS set (several minutes)")
    parser.add_argument("--sweep", action="store_true", help="sweep the encoder thresholds on each dev set given")
    parser.add_argument("--details", action="store_true", help="list every miss and alarm")
    return parser


def _sets(names: List[str], data: Path) -> List[evaluation.EvaluationSet]:
    sets = []
    for name in names:
        if name == "tuned":
            sets.append(evaluation.load_tuned(data / "safety", data / "nlu_holdout"))
        elif name in SET_NAMES:
            sets.append(evaluation.load_directory(name, data / "safety" / name))
        else:
            raise DataError(f"unknown set {name!r}: use {', '.join(SET_NAMES)}")
    return sets


def run(args: argparse.Namespace, project_root: Path, settings: Any) -> int:
    data = project_root / "tests" / "data"
    try:
        sets = _sets([s.strip() for s in args.sets.split(",") if s.strip()], data)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    parse = nlu_parser(Path(args.model), settings.rasa_environment(), project_root)
    if args.sweep:
        dev = [s for s in sets if s.name.startswith("dev")]  # thresholds are chosen on dev sets only
        if not dev:
            print("--sweep needs a dev set (--sets dev, or dev_es for the Spanish thresholds)", file=sys.stderr)
            return 1
        for one in dev:
            print(f"== {one.name}\n{sweep(one, parse, configured_thresholds(project_root / 'config.yml'))}")
        return 0
    report = evaluation.evaluate(sets, parse)
    if args.public:
        report.public = public_figures(parse)
    print(evaluation.format_report(report, details=args.details))
    evaluation.write_json(report, settings.var_dir / "results" / "safety.json")
    failures = report.sealed_failures()
    if failures:
        print("\nTargets not met on the sealed sets:\n" + "\n".join(f"  - {p}" for p in failures))
    regressions = report.regressions()
    if regressions:
        print(
            "\nWorse than the recorded floor on the sealed sets:\n" + "\n".join(f"  - {p}" for p in regressions), file=sys.stderr
        )
        return 1
    return 0


def public_figures(parse: Callable[[str], Dict[str, Any]]) -> Dict[str, Any]:
    users = public_set.load()
    if users is None:
        return {}

    def flagged(user: public_set.User) -> bool:
        return any(evaluation.observe(post, parse(post)).tiers["pipeline"] != NONE for post in user.posts)

    at_risk = [u for u in users if u.at_risk]
    comparison = [u for u in users if not u.at_risk]
    return {
        "name": public_set.NAME,
        "recall": evaluation.Rate(sum(flagged(u) for u in at_risk), len(at_risk)),
        "false_alarms": evaluation.Rate(sum(flagged(u) for u in comparison), len(comparison)),
    }


def configured_thresholds(config_path: Path) -> Thresholds:
    """The crisis net's thresholds in config.yml (the defaults for any it does not set)."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    component: Dict[str, Any] = next(
        (c for c in config.get("pipeline", []) if str(c.get("name", "")).endswith("CrisisSafetyNet")), {}
    )
    return replace(Thresholds(), **{k: float(component[k]) for k in Thresholds().__dict__ if k in component})


def sweep(dev: evaluation.EvaluationSet, parse: Callable[[str], Dict[str, Any]], base: Thresholds) -> str:
    """Recall and false alarms on a dev set: the encoder thresholds over a grid, then the pattern
    doubt, each from ``base`` (the configured values), so the other thresholds are as in service."""
    parsed = {evaluation.text_of(i): parse(evaluation.text_of(i)) for i in dev.crisis + dev.other}

    def tier(text: str, thresholds: Thresholds) -> str:
        d = parsed[text].get("crisis_safety_net") or {}
        risk = None
        if d.get("encoder_clear") is not None:
            risk = RiskScore(d["encoder_clear"], d["encoder_possible"], "suicide", "self", 0)
        model_crisis = d.get("model_confident") and d.get("model_intent") == "crisis"
        model_possible = d.get("model_confident") and d.get("model_intent") == "risk_possible"
        return assess(text, bool(model_crisis), risk, thresholds, bool(model_possible)).tier

    def figures(thresholds: Thresholds) -> str:
        crisis_tiers = [tier(evaluation.text_of(i), thresholds) for i in dev.crisis]
        other_tiers = [tier(evaluation.text_of(i), thresholds) for i in dev.other]
        n, m = max(len(crisis_tiers), 1), max(len(other_tiers), 1)
        return (
            f"{sum(t != NONE for t in crisis_tiers) / n:>9.1%}{sum(t == CLEAR for t in crisis_tiers) / n:>8.1%}"
            f"{sum(t == CLEAR for t in other_tiers) / m:>8.1%}{sum(t == POSSIBLE for t in other_tiers) / m:>8.1%}"
        )

    header = f"{'recall':>9}{'clear':>8}{'escal.':>8}{'screen':>8}"
    lines = [f"configured: {base}", f"{'clear':>6}{'agree':>6}{'possible':>9}{header}"]
    for clear, agree, possible in itertools.product((0.8, 0.9, 0.95), (0.3, 0.5), (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)):
        chosen = replace(base, encoder_clear=clear, encoder_agree=agree, encoder_possible=possible)
        lines.append(f"{clear:>6}{agree:>6}{possible:>9}{figures(chosen)}")
    lines.append(f"{'pattern_doubt':>21}{header}")
    for doubt in (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3):
        lines.append(f"{doubt:>21}{figures(replace(base, pattern_doubt=doubt))}")
    return "\n".join(lines)
