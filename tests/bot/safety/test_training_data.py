"""The crisis net's training examples never include a message of an evaluation set: a figure
measured on messages the model learned from says nothing about the ones it has not seen."""

from typing import Iterator

import pytest
import yaml

from bot.safety.examples import CrisisItem, NotCrisisItem, load
from bot.settings import PROJECT_ROOT
from bot.understanding.sets import plain as _plain

EVALUATION = PROJECT_ROOT / "tests" / "data"


def _texts(node: object) -> Iterator[str]:
    """Every message in an evaluation file, whatever its layout (safety sets or Rasa NLU YAML)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            elif key == "examples" and isinstance(value, str):
                yield from (line.strip()[2:] for line in value.splitlines() if line.strip().startswith("- "))
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


@pytest.fixture(scope="module")
def evaluation_messages() -> set:
    found = {_plain(t) for path in EVALUATION.rglob("*.yml") for t in _texts(yaml.safe_load(path.read_text()))}
    assert len(found) > 5000  # the sealed, dev and holdout sets are all read
    return found


@pytest.mark.parametrize("name, schema", [("crisis_examples.yml", CrisisItem), ("not_crisis_examples.yml", NotCrisisItem)])
def test_no_training_example_is_an_evaluation_message(name: str, schema: type, evaluation_messages: set) -> None:
    items = load(PROJECT_ROOT / "data" / "safety" / name, schema)
    leaked = [i.text for i in items if _plain(i.text) in evaluation_messages]
    assert not leaked, f"{name}: evaluation messages in the training data (remove them): {leaked[:5]}"
