"""The gate on a new model (bot/understanding/gate.py): the rule on two score dicts, the score files,
and the decision path that moves the candidate into service or refuses it (fake models, no Rasa)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from bot.__main__ import main
from bot.safety.evaluation import Rate
from bot.settings import PROJECT_ROOT, get_settings
from bot.understanding import gate
from bot.understanding.gate import Paths, Scores, compare

SETS = "sealed-sets-digest"


def scores(
    caught: int = 458,
    escalated: int = 20,
    screened: int = 81,
    macro_recall: float = 0.947,
    intents: Optional[Dict[str, Rate]] = None,
    n_other: int = 1520,
    model: str = "",
) -> Scores:
    return Scores(
        crisis_caught=Rate(caught, 480),
        escalated=Rate(escalated, n_other),
        screened=Rate(screened, n_other),
        nlu_accuracy=0.946,
        nlu_macro_recall=macro_recall,
        nlu_macro_f1=0.968,
        intents=intents if intents is not None else {"ask_cost": Rate(23, 27), "greet": Rate(30, 30)},
        model=model,
        sets=SETS,
    )


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "candidate, refused_for",
    [
        ({}, []),  # the same figures
        ({"caught": 459, "escalated": 19, "screened": 75, "macro_recall": 0.96}, []),  # better everywhere
        ({"caught": 457}, ["crisis recall"]),  # one crisis more missed: refused, no tolerance
        ({"escalated": 21}, ["escalations"]),  # one needless page more: refused, no tolerance
        ({"screened": 88}, []),  # +7 of 1,520 = 0.46 point
        ({"screened": 89}, ["screening"]),  # +8 = 0.53 point
        ({"macro_recall": 0.937}, []),  # exactly 1 point lower: allowed
        ({"macro_recall": 0.9369}, ["macro recall"]),  # just over 1 point
        (
            {"caught": 450, "escalated": 25, "screened": 100, "macro_recall": 0.9},
            ["crisis recall", "escalations", "screening", "macro recall"],
        ),
    ],
)
def test_the_candidate_is_refused_for_each_rule_it_breaks(candidate: Dict[str, Any], refused_for: List[str]):
    verdict = compare(scores(), scores(**candidate))
    assert verdict.passed is (not refused_for)
    assert len(verdict.reasons) == len(refused_for)
    for reason, expected in zip(verdict.reasons, refused_for):
        assert expected in reason


@pytest.mark.parametrize("more, refused", [(5, False), (6, True)])
def test_a_screening_rise_of_exactly_half_a_point_is_allowed(more: int, refused: bool):
    # On 1,000 messages 5 more is 0.5 point exactly, which float subtraction makes 0.5000000000000004.
    verdict = compare(scores(screened=80, n_other=1000), scores(screened=80 + more, n_other=1000))
    assert verdict.passed is not refused


def test_the_figures_are_in_the_reasons():
    verdict = compare(scores(), scores(caught=456, escalated=22))
    assert verdict.reasons == [
        "sealed crisis recall dropped: 95.4% (458/480) -> 95.0% (456/480)",
        "escalations on the sealed not-crisis messages rose: 1.3% (20/1520) -> 1.4% (22/1520)",
    ]


@pytest.mark.parametrize(
    "before, after, worse",
    [
        ({"a": Rate(27, 27), "b": Rate(20, 27)}, {"a": Rate(27, 27), "b": Rate(20, 27)}, []),
        ({"a": Rate(27, 27), "b": Rate(20, 27)}, {"a": Rate(26, 27), "b": Rate(22, 27)}, ["a 27/27 -> 26/27 (-3.7 pt)"]),
        (
            {"a": Rate(27, 27), "b": Rate(20, 27), "c": Rate(10, 10)},
            {"a": Rate(25, 27), "b": Rate(19, 27), "c": Rate(9, 10)},
            ["c 10/10 -> 9/10 (-10.0 pt)", "a 27/27 -> 25/27 (-7.4 pt)", "b 20/27 -> 19/27 (-3.7 pt)"],  # largest drop first
        ),
    ],
)
def test_the_intents_that_got_worse_are_named_with_counts(before, after, worse):
    verdict = compare(scores(intents=before), scores(intents=after))
    assert [str(change) for change in verdict.worse_intents] == worse


def test_a_macro_recall_refusal_names_the_worse_intents():
    before = {"a": Rate(27, 27), "b": Rate(20, 27)}
    after = {"a": Rate(21, 27), "b": Rate(20, 27)}
    verdict = compare(scores(intents=before, macro_recall=0.870), scores(intents=after, macro_recall=0.759))
    assert verdict.reasons == [
        "sealed NLU macro recall dropped by 11.1 points (more than 1): 0.870 -> 0.759; worse: a 27/27 -> 21/27 (-22.2 pt)"
    ]


def test_scores_on_different_sealed_sets_are_not_compared():
    with pytest.raises(ValueError, match="different sealed sets"):
        compare(scores(), dataclasses.replace(scores(), sets="another"))


def test_scores_survive_their_file(tmp_path: Path):
    path = tmp_path / "companion.scores.json"
    gate.write_scores(path, scores(model="abc"))
    assert gate.read_scores(path) == scores(model="abc")
    path.write_text("{not json")
    assert gate.read_scores(path) is None


def test_the_sealed_sets_are_measured_with_the_pipelines_answer():
    # A fake pipeline that says "crisis" to everything: every sealed crisis caught, every
    # not-crisis message escalated, and no NLU message right (the crisis intents are not in that set).
    parsed: List[str] = []

    def parse(text: str) -> Dict[str, Any]:
        parsed.append(text)
        return {"intent": {"name": "crisis"}}

    result = gate.measure(parse, PROJECT_ROOT / "tests" / "data")
    # Only what the rule judges is parsed (the gate's time): not the 420 sealed crisis-mode replies.
    # English and Spanish pooled: 2,852 distinct NLU messages (English 1,557, the two Spanish sets
    # the rest), 480 + 199 + 220 crises, 1,520 + 348 + 420 not.
    assert len(parsed) == 2852 + 899 + 2288
    assert (result.crisis_caught, result.escalated, result.screened) == (Rate(899, 899), Rate(2288, 2288), Rate(0, 2288))
    assert result.nlu_macro_recall == 0.0
    assert sum(rate.n for rate in result.intents.values()) == 2852 and len(result.intents) == 53


# --- the decision path: files in, files moved (no model: the score files are already there) ----


@pytest.fixture
def models(tmp_path: Path) -> Paths:
    (tmp_path / "candidate").mkdir()
    return Paths(tmp_path / "candidate" / "companion.tar.gz", tmp_path / "companion.tar.gz", tmp_path / "logs" / "model-gate.log")


def place(model: Path, content: bytes, figures: Optional[Scores], sets: str = SETS) -> Optional[Scores]:
    """A fake model file and, given figures, its scores file recorded for exactly that file."""
    model.write_bytes(content)
    if figures is None:
        return None
    recorded = dataclasses.replace(figures, model=gate.file_digest(model), sets=sets)
    gate.write_scores(gate.scores_path(model), recorded)
    return recorded


def no_model(model: Path) -> Scores:
    raise AssertionError(f"{model} should not have been evaluated: its scores are recorded")


@pytest.mark.parametrize(
    "candidate_figures, override, status, in_service",
    [
        (scores(macro_recall=0.95), False, 0, "candidate"),  # no worse: into service
        (scores(caught=450), False, 1, "service"),  # worse: refused, nothing moves
        (scores(caught=450), True, 0, "candidate"),  # worse, overridden: into service, logged
    ],
)
def test_the_candidate_goes_into_service_or_stays_out(models: Paths, candidate_figures, override, status, in_service, capsys):
    service = place(models.service, b"service", scores())
    candidate = place(models.candidate, b"candidate", candidate_figures)
    assert gate.settle(models, no_model, SETS, override=override, user="tester") == status
    expected = {"candidate": (b"candidate", candidate), "service": (b"service", service)}[in_service]
    assert models.service.read_bytes() == expected[0]
    assert gate.read_scores(gate.scores_path(models.service)) == expected[1]
    assert models.candidate.exists() is (in_service == "service")
    assert models.log.exists() is override
    if status:
        assert "make train GATE=override" in capsys.readouterr().err


@pytest.mark.parametrize("macro_recall, listed_as", [(0.94, "within the tolerance"), (0.90, "worse: ")])
def test_the_worse_intents_are_listed_once(models: Paths, macro_recall: float, listed_as: str, capsys):
    # Within the tolerance they are listed for information; past it, in the reason (and its log line).
    place(models.service, b"service", scores(intents={"ask_cost": Rate(23, 27)}))
    place(models.candidate, b"candidate", scores(macro_recall=macro_recall, intents={"ask_cost": Rate(20, 27)}))
    gate.settle(models, no_model, SETS, override=False, user="tester")
    printed = capsys.readouterr()
    shown = printed.out + printed.err
    assert shown.count("ask_cost 23/27 -> 20/27 (-11.1 pt)") == 1 and listed_as in shown


def test_the_first_model_goes_into_service_with_its_scores(models: Paths):
    measured: List[Path] = []

    def measure(model: Path) -> Scores:
        measured.append(model)
        return scores()

    models.candidate.write_bytes(b"candidate")
    assert gate.settle(models, measure, SETS, override=False, user="tester") == 0
    assert measured == [models.candidate]
    assert models.service.read_bytes() == b"candidate" and not models.candidate.exists()
    recorded = gate.read_scores(gate.scores_path(models.service))
    assert recorded is not None and recorded.model == gate.file_digest(models.service) and recorded.sets == SETS


@pytest.mark.parametrize("stale", ["missing", "other model", "other sets"])
def test_the_model_in_service_is_evaluated_once_when_its_scores_are_missing_or_stale(models: Paths, stale: str):
    measured: List[Path] = []

    def measure(model: Path) -> Scores:
        measured.append(model)
        return scores(caught=470)  # better than the candidate: it stays in service

    place(models.service, b"service", None if stale == "missing" else scores(), sets="old" if stale == "other sets" else SETS)
    if stale == "other model":
        models.service.write_bytes(b"service, replaced by hand")
    place(models.candidate, b"candidate", scores())
    assert gate.settle(models, measure, SETS, override=False, user="tester") == 1
    assert measured == [models.service]
    assert gate.settle(models, measure, SETS, override=False, user="tester") == 1
    assert measured == [models.service]  # recorded the first time
    recorded = gate.read_scores(gate.scores_path(models.service))
    assert recorded is not None and recorded.crisis_caught == Rate(470, 480)


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("USER", "tester")
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_the_override_from_the_command_line_is_logged_and_printed(models: Paths, var_dir: Path, capsys):
    # Through `python -m bot gate --override`, on the real sealed sets' digest, with recorded scores.
    sets = gate.sealed_digest(PROJECT_ROOT / "tests" / "data")
    place(models.service, b"service", scores(), sets=sets)
    candidate = place(models.candidate, b"candidate", scores(caught=457, screened=90), sets=sets)
    argv = ["gate", "--candidate", str(models.candidate), "--model", str(models.service), "--override"]
    assert main(argv) == 0
    assert models.service.read_bytes() == b"candidate"
    assert gate.read_scores(gate.scores_path(models.service)) == candidate
    lines = (var_dir / "logs" / "model-gate.log").read_text().splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert " user=tester override: " in line
    assert "crisis caught 458/480 -> 457/480; escalations 20/1520 -> 20/1520; screening 81/1520 -> 90/1520" in line
    assert "reasons overridden: sealed crisis recall dropped" in line and "| the screening question" in line
    assert line in capsys.readouterr().out


def test_without_the_override_the_command_line_refuses_and_logs_nothing(models: Paths, var_dir: Path, capsys):
    sets = gate.sealed_digest(PROJECT_ROOT / "tests" / "data")
    place(models.service, b"service", scores(), sets=sets)
    place(models.candidate, b"candidate", scores(escalated=21), sets=sets)
    assert main(["gate", "--candidate", str(models.candidate), "--model", str(models.service)]) == 1
    assert models.service.read_bytes() == b"service" and models.candidate.read_bytes() == b"candidate"
    assert not (var_dir / "logs" / "model-gate.log").exists()
    err = capsys.readouterr().err
    assert "escalations on the sealed not-crisis messages rose: 1.3% (20/1520) -> 1.4% (21/1520)" in err
    assert json.loads(gate.scores_path(models.candidate).read_text())["escalated"] == {"hits": 21, "n": 1520}
