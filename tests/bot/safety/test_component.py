"""The NLU component on messages as the classifiers leave them (no trained model needed)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.safety.component import CrisisSafetyNet
from bot.safety.names import DIAGNOSTICS


def message(text: str, ranking: List[tuple], fallback: bool = False, entities: Optional[List[Dict[str, Any]]] = None) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    if fallback:
        intents.insert(0, {"name": "nlu_fallback", "confidence": 0.2})
    msg = Message(data={"text": text})
    msg.set("intent", intents[0], add_to_output=True)
    msg.set("intent_ranking", intents, add_to_output=True)
    msg.set("entities", entities or [], add_to_output=True)
    return msg


@pytest.fixture
def net() -> CrisisSafetyNet:
    return CrisisSafetyNet(CrisisSafetyNet.get_default_config())


def crisis_type(msg: Message) -> Optional[str]:
    return next((e["value"] for e in msg.get("entities") if e["entity"] == "crisis_type"), None)


def test_patterns_override_the_model(net: CrisisSafetyNet) -> None:
    [msg] = net.process([message("what are your hours? also i want to kill myself", [("ask_time_commitment", 0.9), ("crisis", 0.05)])])
    assert msg.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert msg.get("intent_ranking")[0]["name"] == "crisis" and [i["name"] for i in msg.get("intent_ranking")].count("crisis") == 1
    assert crisis_type(msg) == "suicide"
    assert msg.get(DIAGNOSTICS) == {"model_crisis": False, "model_confidence": 0.0, "decided_by": "patterns"}


def test_a_crisis_the_fallback_classifier_hid_is_still_a_crisis(net: CrisisSafetyNet) -> None:
    [msg] = net.process([message("i just feel so done with everything", [("crisis", 0.85), ("out_of_scope", 0.1)], fallback=True)])
    assert msg.get("intent")["name"] == "crisis" and msg.get(DIAGNOSTICS)["decided_by"] == "model"


def test_a_weak_model_crisis_does_not_count(net: CrisisSafetyNet) -> None:
    [msg] = net.process([message("hmm not sure", [("crisis", 0.5), ("out_of_scope", 0.3)])])
    assert msg.get("intent")["name"] == "out_of_scope" and crisis_type(msg) is None
    assert "crisis" not in [i["name"] for i in msg.get("intent_ranking")]


def test_a_benign_use_overrules_the_model(net: CrisisSafetyNet) -> None:
    [msg] = net.process([message("my uncle died of an overdose in 2015", [("crisis", 0.6), ("ask_help_loved_one", 0.35)])])
    assert msg.get("intent")["name"] == "ask_help_loved_one"
    assert "crisis" not in [i["name"] for i in msg.get("intent_ranking")] and crisis_type(msg) is None


def test_other_entities_are_kept(net: CrisisSafetyNet) -> None:
    carrier = {"entity": "insurance_carrier", "value": "Aetna", "start": 0, "end": 5}
    [msg] = net.process([message("aetna. also i took too many pills", [("ask_insurance", 0.9)], entities=[carrier])])
    assert carrier in msg.get("entities") and crisis_type(msg) == "overdose"


def test_button_payloads_are_left_alone(net: CrisisSafetyNet) -> None:
    [msg] = net.process([message("/deny", [("deny", 1.0)])])
    assert msg.get("intent")["name"] == "deny" and msg.get(DIAGNOSTICS) is None


def test_an_overruled_crisis_falls_back_when_the_next_intent_is_unsure(net: CrisisSafetyNet) -> None:
    [msg] = net.process([message("can my spouse come along", [("crisis", 0.5), ("inform", 0.15), ("ask_family_involvement", 0.1)])])
    assert msg.get("intent")["name"] == "nlu_fallback"
    assert [i["name"] for i in msg.get("intent_ranking")][:2] == ["nlu_fallback", "inform"]
