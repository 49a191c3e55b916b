"""What the crisis net's encoder classifier learns from: the labelled files in data/safety/, then
the NLU examples, those in a language the English encoder cannot read at a configured weight."""

from __future__ import annotations

from typing import Any, Dict

import yaml
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.detect import shared_detector as detector
from bot.rasa.nlu.crisis_net import CrisisSafetyNet, training_examples
from bot.safety.examples import CrisisItem, load
from bot.settings import PROJECT_ROOT

NLU = [
    ("how much does the program cost", "ask_cost"),
    ("¿cuánto cuesta el programa para mi hijo?", "ask_cost"),
    ("ya no quiero vivir, estoy cansado de todo", "crisis"),
    ("i dont want to be alive anymore", "crisis"),
    ("ok", "affirm"),  # undecided: kept
]


def config(**changes: Any) -> Dict[str, Any]:
    files = {
        "crisis_examples": str(PROJECT_ROOT / "data" / "safety" / "crisis_examples.yml"),
        "other_examples": str(PROJECT_ROOT / "data" / "safety" / "not_crisis_examples.yml"),
    }
    return {**CrisisSafetyNet.get_default_config(), **files, **changes}


def weights(language_weights: Dict[str, float]) -> Dict[str, float]:
    data = TrainingData([Message(data={"text": text, "intent": intent}) for text, intent in NLU])
    examples, _, _ = training_examples(config(encoder_language_weights=language_weights), data)
    return {e.text: e.weight for e in examples}


def test_spanish_nlu_examples_count_at_their_configured_weight() -> None:
    learned = weights({"es": 0.1})
    assert learned["how much does the program cost"] == learned["i dont want to be alive anymore"] == learned["ok"] == 1.0
    assert learned["¿cuánto cuesta el programa para mi hijo?"] == learned["ya no quiero vivir, estoy cansado de todo"] == 0.1


def test_a_weight_of_zero_leaves_a_language_out() -> None:
    learned = weights({"es": 0})
    assert "how much does the program cost" in learned and "i dont want to be alive anymore" in learned
    assert "¿cuánto cuesta el programa para mi hijo?" not in learned
    assert "ya no quiero vivir, estoy cansado de todo" not in learned


def test_every_nlu_example_is_learned_at_full_weight_by_default() -> None:
    learned = weights({})
    assert all(learned[text] == 1.0 for text, _ in NLU)


def test_the_service_leaves_the_spanish_nlu_examples_out_of_the_danger_head() -> None:
    # Any weight tried so far lost sealed crises at the model gate (config.yml says which).
    pipeline = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())["pipeline"]
    net = next(c for c in pipeline if c["name"].endswith("CrisisSafetyNet"))
    assert net["encoder_language_weights"] == {"es": 0}


def test_the_labelled_spanish_examples_of_data_safety_are_always_learned() -> None:
    spanish = [
        i.text
        for i in load(PROJECT_ROOT / "data" / "safety" / "crisis_examples.yml", CrisisItem)
        if detector().read(i.text).language == "es"
    ]
    assert spanish, "data/safety/crisis_examples.yml holds Spanish crises"
    learned = weights({"es": 0})
    assert all(learned[text] == 1.0 for text in spanish)
