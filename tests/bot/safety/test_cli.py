"""`eval-safety --sweep` starts from the thresholds in service: before, it swept the encoder's
with the pattern doubt and the benign-words override at their defaults (off), so its figures were
not the pipeline's."""

from typing import Any, Dict

from bot.safety import evaluation
from bot.safety.cli import configured_thresholds, sweep
from bot.safety.examples import CrisisItem
from bot.safety.tiers import Thresholds
from bot.settings import PROJECT_ROOT


def test_the_configured_thresholds_are_those_of_config_yml(tmp_path: Any) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n  - name: WhitespaceTokenizer\n  - name: bot.rasa.nlu.crisis_net.CrisisSafetyNet\n"
        "    encoder_clear: 0.85\n    pattern_doubt: 0.15\n    model_confidence: 0.8\n"
    )
    assert configured_thresholds(config) == Thresholds(encoder_clear=0.85, pattern_doubt=0.15)
    assert configured_thresholds(PROJECT_ROOT / "config.yml").pattern_doubt > 0  # the project's own is read


def _parsed(encoder: float) -> Dict[str, Any]:
    return {
        "crisis_safety_net": {
            "encoder_clear": encoder,
            "encoder_possible": encoder,
            "model_intent": None,
            "model_confident": False,
        }
    }


def test_the_sweep_moves_one_threshold_and_keeps_the_others_as_configured() -> None:
    # A pattern's hit the encoder sees little danger in: clear without the doubt, asked with it.
    text = "i want to kill myself"
    dev = evaluation.EvaluationSet(
        "dev", crisis=[CrisisItem(text=text, type="suicide", person="self", tier="clear")], other=["hi"]
    )
    report = sweep(dev, lambda t: _parsed(0.1 if t == text else 0.0), Thresholds(pattern_doubt=0.15))
    lines = report.splitlines()
    header = next(i for i, line in enumerate(lines) if line.strip().startswith("pattern_doubt"))
    rows = {line.split()[0]: line.split()[1:] for line in lines[header + 1 :]}
    assert rows["0.0"][:2] == ["100.0%", "100.0%"]  # caught, answered at once
    assert rows["0.15"][:2] == ["100.0%", "0.0%"]  # caught, asked first
    grid = next(line for line in lines if line.split()[:3] == ["0.8", "0.5", "0.5"])
    assert grid.split()[3:5] == ["100.0%", "0.0%"]  # the grid keeps the configured doubt
