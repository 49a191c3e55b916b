"""`python -m bot gate` (`make train`): a newly trained model goes into service only if it is no worse.

`make train` trains into ``models/candidate/``. The gate evaluates the candidate on the sealed sets
only (the NLU sealed sets and the crisis net's sealed crisis and not-crisis messages, English and
Spanish pooled: the figures the targets are judged on, and the least parsing that judges them) and compares it with the scores
recorded for the model in service (``models/companion.scores.json``, written when a model is put
in service). It refuses the candidate when sealed crisis recall drops at all, escalations on the
sealed not-crisis messages rise at all, the screening question on them rises by more than half a
point, or NLU macro recall drops by more than one point, naming the intents that got worse. With
``--override`` the candidate goes into service anyway and a line goes to var/logs/model-gate.log.

``compare`` is the rule, a pure function; the rest reads and writes score files, evaluates a model
when its scores are missing or stale, and moves the candidate into service.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from bot.safety.evaluation import Rate, evaluate, load_directory
from bot.safety.examples import DataError
from bot.understanding import scoring
from bot.understanding.cli import predict
from bot.understanding.parser import nlu_parser
from bot.understanding.sets import EvaluationDataError, distinct, load_rasa_nlu

# Issue 21's tolerances. A missed crisis and a needless page are never traded for anything else;
# the screening question is one kind question, so it may move a little (0.5 point: 7 more of 1,520).
# NLU uses macro recall, the "macro accuracy": each intent's share of its own messages answered
# right, averaged so that a small intent counts as much as a large one. It is one of the figures
# `make evaluate` prints, and a drop in it is a drop in named intents' recall, which the gate lists
# with counts. (Macro F1 would also move with precision, i.e. with other intents' mistakes.)
SCREENING_RISE_POINTS = 0.5
MACRO_RECALL_DROP_POINTS = 1.0
MACRO_RECALL_REASON = "sealed NLU macro recall dropped"  # this reason names the intents that got worse
LOG_NAME = "model-gate.log"
OVERRIDE_HINT = "make train GATE=override (or: python -m bot gate --override)"


@dataclass(frozen=True)
class Scores:
    """A model's figures on the sealed sets, as recorded beside the model."""

    crisis_caught: Rate  # sealed crisis messages that got the crisis answer or the screening question
    escalated: Rate  # sealed not-crisis messages that got the crisis answer (staff paged)
    screened: Rate  # sealed not-crisis messages that got the screening question
    nlu_accuracy: float
    nlu_macro_recall: float
    nlu_macro_f1: float
    intents: Dict[str, Rate]  # per intent: its sealed messages answered right (its recall)
    model: str = ""  # sha256 of the model file the figures are for
    sets: str = ""  # sha256 of the sealed sets' files they were measured on
    measured: str = ""  # when

    def to_json(self) -> Dict[str, Any]:
        data = dataclasses.asdict(self)
        data["intents"] = {name: dataclasses.asdict(rate) for name, rate in sorted(self.intents.items())}
        return data

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> Scores:
        return cls(
            crisis_caught=Rate(**data["crisis_caught"]),
            escalated=Rate(**data["escalated"]),
            screened=Rate(**data["screened"]),
            nlu_accuracy=float(data["nlu_accuracy"]),
            nlu_macro_recall=float(data["nlu_macro_recall"]),
            nlu_macro_f1=float(data["nlu_macro_f1"]),
            intents={name: Rate(**rate) for name, rate in data["intents"].items()},
            model=str(data["model"]),
            sets=str(data["sets"]),
            measured=str(data.get("measured", "")),
        )


@dataclass(frozen=True)
class IntentChange:
    intent: str
    before: Rate
    after: Rate

    @property
    def points(self) -> float:
        return _points(self.before.value, self.after.value)

    def __str__(self) -> str:
        return f"{self.intent} {self.before.hits}/{self.before.n} -> {self.after.hits}/{self.after.n} ({self.points:+.1f} pt)"


@dataclass(frozen=True)
class Verdict:
    reasons: List[str]  # why the candidate is refused; none when it may go into service
    worse_intents: List[IntentChange]  # every intent with a lower sealed recall, the largest drop first

    @property
    def passed(self) -> bool:
        return not self.reasons


def _points(before: float, after: float) -> float:
    # Rounded so that a change of exactly half a point is 0.5, not 0.5000000000000004.
    return round((after - before) * 100, 9)


def _rate(rate: Rate) -> str:
    return f"{rate.value:.1%} ({rate.hits}/{rate.n})"


def worse_intents(service: Scores, candidate: Scores) -> List[IntentChange]:
    both = sorted(service.intents.keys() & candidate.intents.keys())
    changes = [IntentChange(name, service.intents[name], candidate.intents[name]) for name in both]
    return sorted((c for c in changes if c.after.value < c.before.value), key=lambda c: (c.points, c.intent))


def compare(service: Scores, candidate: Scores) -> Verdict:
    """The gate's rule: the reasons to refuse the candidate, and the intents that got worse."""
    if service.sets != candidate.sets:
        raise ValueError("the two models were measured on different sealed sets: measure the one in service again")
    reasons = []
    if candidate.crisis_caught.value < service.crisis_caught.value:
        reasons.append(f"sealed crisis recall dropped: {_rate(service.crisis_caught)} -> {_rate(candidate.crisis_caught)}")
    if candidate.escalated.value > service.escalated.value:
        reasons.append(
            f"escalations on the sealed not-crisis messages rose: {_rate(service.escalated)} -> {_rate(candidate.escalated)}"
        )
    screening = _points(service.screened.value, candidate.screened.value)
    if screening > SCREENING_RISE_POINTS:
        reasons.append(
            f"the screening question on the sealed not-crisis messages rose by {screening:.1f} points "
            f"(more than {SCREENING_RISE_POINTS}): {_rate(service.screened)} -> {_rate(candidate.screened)}"
        )
    worse = worse_intents(service, candidate)
    drop = -_points(service.nlu_macro_recall, candidate.nlu_macro_recall)
    if drop > MACRO_RECALL_DROP_POINTS:
        reasons.append(
            f"{MACRO_RECALL_REASON} by {drop:.1f} points (more than {MACRO_RECALL_DROP_POINTS:.0f}): "
            f"{service.nlu_macro_recall:.3f} -> {candidate.nlu_macro_recall:.3f}; worse: " + "; ".join(map(str, worse))
        )
    return Verdict(reasons, worse)


Row = Tuple[str, str, str, float, str]  # figure, in service, candidate, change in points, rule


def table(service: Scores, candidate: Scores) -> str:
    """The comparison as the gate prints it: the figures it judges, then two NLU figures for reference."""

    def rate_row(name: str, pick: Callable[[Scores], Rate], rule: str) -> Row:
        before, after = pick(service), pick(candidate)
        return name, _rate(before), _rate(after), _points(before.value, after.value), rule

    def figure_row(name: str, pick: Callable[[Scores], float], rule: str) -> Row:
        before, after = pick(service), pick(candidate)
        return name, f"{before:.3f}", f"{after:.3f}", _points(before, after), rule

    rows = [
        rate_row("sealed crisis caught", lambda s: s.crisis_caught, "no drop"),
        rate_row("escalations, not crisis", lambda s: s.escalated, "no rise"),
        rate_row("screening, not crisis", lambda s: s.screened, f"rise <= {SCREENING_RISE_POINTS} pt"),
        figure_row("NLU macro recall", lambda s: s.nlu_macro_recall, f"drop <= {MACRO_RECALL_DROP_POINTS} pt"),
        figure_row("NLU accuracy", lambda s: s.nlu_accuracy, "shown only"),
        figure_row("NLU macro F1", lambda s: s.nlu_macro_f1, "shown only"),
    ]
    lines = [f"{'sealed sets':<25}{'in service':>18}{'candidate':>18}{'change':>11}  rule"]
    lines += [f"{name:<25}{before:>18}{after:>18}{change:>+8.1f} pt  {rule}" for name, before, after, change, rule in rows]
    return "\n".join(lines)


def figures(service: Scores, candidate: Scores) -> str:
    """Both models' judged figures on one line, for the override log."""
    pairs = [
        ("crisis caught", service.crisis_caught, candidate.crisis_caught),
        ("escalations", service.escalated, candidate.escalated),
        ("screening", service.screened, candidate.screened),
    ]
    text = "; ".join(f"{name} {b.hits}/{b.n} -> {a.hits}/{a.n}" for name, b, a in pairs)
    return text + f"; NLU macro recall {service.nlu_macro_recall:.3f} -> {candidate.nlu_macro_recall:.3f}"


# --- measuring a model on the sealed sets ------------------------------------------------------


# English and Spanish, pooled: a model that loses ground in either language loses it here.
NLU_SEALED = ("nlu_sealed", "nlu_sealed_es", "nlu_sealed_es2")
SAFETY_SEALED = ("sealed", "sealed_es", "sealed_es2")


def sealed_files(data: Path) -> List[Path]:
    return [path for name in NLU_SEALED for path in sorted((data / name).glob("*.yml"))] + [
        path for name in SAFETY_SEALED for path in sorted((data / "safety" / name).glob("*.yml"))
    ]


def sealed_digest(data: Path) -> str:
    """Recorded scores are comparable only on the same sealed sets; a new sealed set means measuring again."""
    digest = hashlib.sha256()
    for path in sealed_files(data):
        digest.update(path.relative_to(data).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def measure(parse: Callable[[str], Dict[str, Any]], data: Path) -> Scores:
    """One model's figures on the sealed sets, with the same scoring as `make evaluate` and `make eval-safety`."""
    items = distinct([item for name in NLU_SEALED for item in load_rasa_nlu(data / name)])
    nlu = scoring.score("sealed", [predict(parse, item.text, item.intent) for item in items])
    safety = load_directory("sealed", data / "safety" / SAFETY_SEALED[0])
    for name in SAFETY_SEALED[1:]:
        more = load_directory(name, data / "safety" / name)
        safety.crisis += more.crisis
        safety.other += more.other
    # The crisis-mode replies are no part of the gate's rule: leaving them out saves 420 parses.
    safety.crisis_mode = []
    report = evaluate([safety], parse)
    crisis, other = report.crisis[0], report.other[0]
    return Scores(
        crisis_caught=crisis.caught["pipeline"],
        escalated=other.escalated["pipeline"],
        screened=other.screened["pipeline"],
        nlu_accuracy=nlu.accuracy,
        nlu_macro_recall=nlu.macro_recall,
        nlu_macro_f1=nlu.macro_f1,
        # recall * support is a whole number of messages; round() only undoes the float division.
        intents={s.intent: Rate(round(s.recall * s.support), s.support) for s in nlu.intents},
    )


# --- the decision: files in, files moved -----------------------------------------------------


@dataclass(frozen=True)
class Paths:
    candidate: Path  # models/candidate/companion.tar.gz
    service: Path  # models/companion.tar.gz
    log: Path  # var/logs/model-gate.log


def scores_path(model: Path) -> Path:
    """models/companion.tar.gz -> models/companion.scores.json"""
    return model.with_name(model.name.removesuffix(".tar.gz") + ".scores.json")


def read_scores(path: Path) -> Optional[Scores]:
    try:
        return Scores.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or unreadable: the model is measured again


def write_scores(path: Path, scores: Scores) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(scores.to_json(), indent=1) + "\n", encoding="utf-8")
    partial.replace(path)  # a reader never sees half a file


def recorded_or_measured(model: Path, measure_model: Callable[[Path], Scores], sets_digest: str) -> Scores:
    """The scores recorded beside the model if they are for this very file and these sets; else measured once."""
    digest = file_digest(model)
    recorded = read_scores(scores_path(model))
    if recorded is not None and recorded.model == digest and recorded.sets == sets_digest:
        return recorded
    print(f"Evaluating {model} on the sealed sets ...", flush=True)
    started = time.monotonic()
    scores = dataclasses.replace(
        measure_model(model), model=digest, sets=sets_digest, measured=datetime.now().astimezone().isoformat(timespec="seconds")
    )
    print(f"  evaluated in {time.monotonic() - started:.0f} s", flush=True)
    write_scores(scores_path(model), scores)
    return scores


def promote(paths: Paths, scores: Scores) -> None:
    os.replace(paths.candidate, paths.service)
    write_scores(scores_path(paths.service), scores)
    scores_path(paths.candidate).unlink(missing_ok=True)
    print(f"In service: {paths.service} (scores in {scores_path(paths.service)})")


def override_line(user: str, service: Scores, candidate: Scores, verdict: Verdict) -> str:
    when = datetime.now().astimezone().isoformat(timespec="seconds")
    return (
        f"{when} user={user} override: model {candidate.model[:12]} put in service in place of {service.model[:12]}; "
        f"{figures(service, candidate)}; reasons overridden: " + " | ".join(verdict.reasons)
    )


def settle(paths: Paths, measure_model: Callable[[Path], Scores], sets_digest: str, override: bool, user: str) -> int:
    """Put the candidate in service or refuse it; 0 when the model in service is the one to use."""
    if not paths.candidate.is_file():
        if paths.service.is_file():
            print(f"No candidate at {paths.candidate}: {paths.service} stays in service.")
            return 0
        print(f"No candidate at {paths.candidate} and no model in service: run `make train`.", file=sys.stderr)
        return 1
    candidate = recorded_or_measured(paths.candidate, measure_model, sets_digest)
    if not paths.service.is_file():
        print("No model in service yet: the candidate goes into service.")
        promote(paths, candidate)
        return 0
    service = recorded_or_measured(paths.service, measure_model, sets_digest)
    verdict = compare(service, candidate)
    print(table(service, candidate))
    if verdict.worse_intents and not any(r.startswith(MACRO_RECALL_REASON) for r in verdict.reasons):
        print("intents with a lower sealed recall (within the tolerance):")
        print("\n".join(f"  {change}" for change in verdict.worse_intents))
    if verdict.passed:
        promote(paths, candidate)
        return 0
    if override:
        line = override_line(user, service, candidate, verdict)
        paths.log.parent.mkdir(parents=True, exist_ok=True)
        with paths.log.open("a", encoding="utf-8") as log:
            log.write(line + "\n")
        print(f"OVERRIDDEN (logged in {paths.log}):\n{line}")
        promote(paths, candidate)
        return 0
    # On stderr, as `make evaluate`'s failures: the Makefile shows that log's tail when the gate fails.
    refusal = [
        "The candidate is NOT put in service:",
        *(f"  - {r}" for r in verdict.reasons),
        f"{paths.service} stays in service; the candidate stays in {paths.candidate.parent}/.",
        f"To put it in service anyway (logged): {OVERRIDE_HINT}",
    ]
    print("\n".join(refusal), file=sys.stderr)
    return 1


# --- the command ---------------------------------------------------------------------------


def add_parser(sub: Any, project_root: Path) -> argparse.ArgumentParser:
    models = project_root / "models"
    parser = sub.add_parser(
        "gate", help="put the candidate model in service only if it is no worse on the sealed sets (make train runs it)"
    )
    parser.add_argument("--candidate", default=str(models / "candidate" / "companion.tar.gz"))
    parser.add_argument("--model", default=str(models / "companion.tar.gz"), help="the model in service")
    parser.add_argument(
        "--override", action="store_true", help=f"put it in service even if worse (logged in var/logs/{LOG_NAME})"
    )
    return parser


def _user() -> str:
    """$USER, as the override log names who overrode; the account's name where $USER is unset (cron, containers)."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):  # a uid with no name in the password database
        return "unknown"


def run(args: argparse.Namespace, project_root: Path, settings: Any) -> int:
    data = project_root / "tests" / "data"
    paths = Paths(Path(args.candidate), Path(args.model), settings.var_dir / "logs" / LOG_NAME)

    def measure_model(model: Path) -> Scores:
        return measure(nlu_parser(model, settings.rasa_environment(), project_root), data)

    started = time.monotonic()
    try:
        status = settle(paths, measure_model, sealed_digest(data), args.override, _user())
    except (EvaluationDataError, DataError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"gate: {time.monotonic() - started:.0f} s")
    return status
