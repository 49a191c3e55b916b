"""`python -m bot eval-safety`: load the sets and the trained model, parse, report.

``--sweep`` prints how the pipeline's figures move with the encoder thresholds, on the dev set
only (the sealed sets are never used to choose anything); ``--public`` adds the public set.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

from bot.safety import evaluation, public_set
from bot.safety.examples import DataError
from bot.safety.risk import RiskScore
from bot.safety.tiers import NONE, Thresholds, assess
from bot.understanding.parser import nlu_parser

# The sets under tests/data/safety/ (README in each), and the older tuned set.
SET_NAMES = ("sealed", "sealed_es", "sealed_es2", "dev", "dev2", "dev3", "dev4", "dev_es", "dev_es2", "tuned")


def add_parser(sub: Any, project_root: Path) -> argparse.ArgumentParser:
    parser = sub.add_parser("eval-safety", help="crisis net figures on every evaluation set (needs a trained model)")
    parser.add_argument("--model", default=str(project_root / "models" / "companion.tar.gz"))
    parser.add_argument(
        "--sets",
        default="sealed,sealed_es,sealed_es2,dev,dev2,dev3,dev4,dev_es,dev_es2,tuned",
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
            print(f"== {one.name}\n{sweep(one, parse)}")
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


def sweep(dev: evaluation.EvaluationSet, parse: Callable[[str], Dict[str, Any]]) -> str:
    """Recall and false alarms on the dev set for a grid of encoder thresholds."""
    parsed = {evaluation.text_of(i): parse(evaluation.text_of(i)) for i in dev.crisis + dev.other}
    lines = [f"{'clear':>6}{'agree':>6}{'possible':>9}{'recall':>9}{'clear':>8}{'escal.':>8}{'screen':>8}"]
    for clear, agree, possible in itertools.product((0.8, 0.9, 0.95), (0.3, 0.5), (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)):
        thresholds = Thresholds(encoder_clear=clear, encoder_agree=agree, encoder_possible=possible)

        def tier(text: str, thresholds: Thresholds = thresholds) -> str:
            d = parsed[text].get("crisis_safety_net") or {}
            risk = None
            if d.get("encoder_clear") is not None:
                risk = RiskScore(d["encoder_clear"], d["encoder_possible"], "suicide", "self", 0)
            model_crisis = d.get("model_confident") and d.get("model_intent") == "crisis"
            model_possible = d.get("model_confident") and d.get("model_intent") == "risk_possible"
            return assess(text, bool(model_crisis), risk, thresholds, bool(model_possible)).tier

        crisis_tiers = [tier(i.text) for i in dev.crisis]
        other_tiers = [tier(i.text) for i in dev.other]
        n, m = len(crisis_tiers), len(other_tiers)
        lines.append(
            f"{clear:>6}{agree:>6}{possible:>9}{sum(t != NONE for t in crisis_tiers) / n:>9.1%}{sum(t == 'clear' for t in crisis_tiers) / n:>8.1%}"
            f"{sum(t == 'clear' for t in other_tiers) / m:>8.1%}{sum(t == 'possible' for t in other_tiers) / m:>8.1%}"
        )
    return "\n".join(lines)
