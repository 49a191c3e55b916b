"""What the crisis net's encoder classifier learns from: the labelled files in data/safety/, then
the NLU examples, except those in a language the English encoder cannot read (config)."""

from __future__ import annotations

from typing import Any, Dict, List

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


def texts(skips: List[str]) -> List[str]:
    data = TrainingData([Message(data={"text": text, "intent": intent}) for text, intent in NLU])
    examples, _, _ = training_examples(config(encoder_skips_languages=skips), data)
    return [e.text for e in examples]


def test_spanish_nlu_examples_are_left_out_when_configured() -> None:
    learned = texts(["es"])
    assert "how much does the program cost" in learned and "i dont want to be alive anymore" in learned and "ok" in learned
    assert "¿cuánto cuesta el programa para mi hijo?" not in learned
    assert "ya no quiero vivir, estoy cansado de todo" not in learned


def test_every_nlu_example_is_learned_by_default() -> None:
    learned = texts([])
    assert all(text in learned for text, _ in NLU)


def test_the_labelled_spanish_examples_of_data_safety_are_always_learned() -> None:
    spanish = [
        i.text
        for i in load(PROJECT_ROOT / "data" / "safety" / "crisis_examples.yml", CrisisItem)
        if detector().read(i.text).language == "es"
    ]
    assert spanish, "data/safety/crisis_examples.yml holds Spanish crises"
    learned = set(texts(["es"]))
    assert all(text in learned for text in spanish)
