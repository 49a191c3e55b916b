"""The picker's intents: every intent of the domain, each with a description and an example."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.review.intents import INTENTS_FILE, IntentFileError, load_choices
from bot.settings import PROJECT_ROOT


def test_every_intent_of_the_domain_is_described_and_nothing_else() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"]
    assert [choice.name for choice in load_choices(INTENTS_FILE)] == domain


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("intents: [", "not valid YAML"),
        (
            "intents:\n  - name: greet\n    description: Hello.\n    example: hi\n",
            "intents.0.description: ensure this value has at least 10",
        ),
        ("intents:\n  - name: greet\n    description: Says hello to us.\n", "intents.0.example: field required"),
        ("intents:\n  - name: Greet!\n    description: Says hello to us.\n    example: hi\n", "intents.0.name"),
        (
            "intents:\n"
            "  - {name: greet, description: Says hello to us., example: hi}\n"
            "  - {name: greet, description: Says hello again., example: hey}\n",
            "greet appear more than once",
        ),
        ("intents:\n  - {name: greet, description: Says hello to us., example: hi, colour: red}\n", "extra fields not permitted"),
    ],
)
def test_a_malformed_file_says_where_and_what(tmp_path: Path, content: str, error: str) -> None:
    path = tmp_path / "intents.yml"
    path.write_text(content)
    with pytest.raises(IntentFileError, match=error) as raised:
        load_choices(path)
    assert str(path) in str(raised.value)


def test_a_missing_file_says_what_it_is_for(tmp_path: Path) -> None:
    with pytest.raises(IntentFileError, match="lists the intents staff can choose"):
        load_choices(tmp_path / "nowhere.yml")
