"""The NLU component on messages as the classifiers leave them, with and without the encoder layer.

The encoder layer here is a real RiskModel trained on a few dozen examples with the real encoder:
enough to show how its verdict is combined, not how good it is (``make eval-safety`` says that).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import pytest
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder.minilm import shared_encoder
from bot.rasa.nlu import crisis_net
from bot.rasa.nlu.crisis_net import CrisisSafetyNet, training_examples
from bot.rasa.nlu.embeddings import PENDING
from bot.rasa.nlu.featurizer import SentenceFeaturizer
from bot.safety.names import DIAGNOSTICS
from bot.safety.risk import LabelledExample, RiskModel
from tests.bot.safety.conftest import REPLY_EXAMPLES

CRISES = [
    ("i dont see a way forward, i just want it all to stop forever", "suicide"),
    ("been giving away my stuff, wont need it after this weekend", "suicide"),
    ("standing on the overpass right now thinking about it", "suicide"),
    ("i want to disappear and never come back, nobody would miss me", "suicide"),
    ("took the razor out again tonight, need to feel something", "self_harm"),
    ("burned my arm with a lighter again tonight", "self_harm"),
    ("my roommate is blue and wont wake up after using", "overdose"),
    ("swallowed the whole bottle of my pills an hour ago", "overdose"),
    ("day 2 off alcohol and im seeing bugs on the walls and shaking", "medical"),
    ("stopped my benzos and my hands wont stop jerking, feel like ill seize", "medical"),
    ("hes hitting me again and locked the door, cant call", "violence"),
    ("my husband has a knife and says hell use it tonight", "violence"),
]
ORDINARY = [
    "what are your hours",
    "do you take aetna",
    "how long is the program",
    "can my mom visit",
    "is there an evening group",
    "where do i park",
    "thanks so much",
    "hi there",
    "what is iop",
    "how much does it cost",
    "do you offer suboxone",
    "is there an aa meeting near palm springs",
    "what should i bring on my first day",
    "can i keep working while in the program",
    "my phone died earlier sorry",
    "this traffic is killing me lol",
    "im dying to know the price",
    "what are the signs of an overdose",
    "my uncle overdosed years ago, now i want help for myself",
]


@pytest.fixture(scope="module")
def risk_model() -> RiskModel:
    examples = [
        LabelledExample(t, "clear", k, "other" if t.startswith(("my roommate", "my husband")) and k != "violence" else "self")
        for t, k in CRISES
    ]
    examples += [LabelledExample(t, "none") for t in ORDINARY]
    examples += [LabelledExample("kinda feel like everyone would be better off", "possible", "suicide")]
    replies = REPLY_EXAMPLES
    examples += [LabelledExample(t, "none") for t in replies]
    first = len(examples) - len(replies)
    indexes = list(range(len(ORDINARY) + len(CRISES) + 1)) + list(range(first, len(examples)))
    labels = ["other"] * (len(ORDINARY) + len(CRISES) + 1) + list(replies.values())
    return RiskModel.train(shared_encoder().encode_sorted([e.text for e in examples]), examples, indexes, labels, c=8.0)


def build(risk_model: Optional[RiskModel] = None, **config: Any) -> CrisisSafetyNet:
    settings = {**CrisisSafetyNet.get_default_config(), **config}
    return CrisisSafetyNet(settings, None, None, risk_model, shared_encoder() if risk_model else None)  # type: ignore[arg-type]


def message(text: str, ranking: List[tuple], fallback: bool = False, entities: Optional[List[Dict[str, Any]]] = None) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    if fallback:
        intents.insert(0, {"name": "nlu_fallback", "confidence": 0.2})
    msg = Message(data={"text": text})
    msg.set("intent", intents[0], add_to_output=True)
    msg.set("intent_ranking", intents, add_to_output=True)
    msg.set("entities", entities or [], add_to_output=True)
    return msg


def crisis_type(msg: Message) -> Optional[str]:
    return next((e["value"] for e in msg.get("entities") if e["entity"] == "crisis_type"), None)


def crisis_person(msg: Message) -> Optional[str]:
    return next((e["value"] for e in msg.get("entities") if e["entity"] == "crisis_person"), None)


def intent(msg: Message) -> str:
    return msg.get("intent")["name"]


# --- without the encoder layer: patterns and the NLU model ----------------------------------


def test_patterns_override_the_model() -> None:
    [msg] = build().process(
        [message("what are your hours? also i want to kill myself", [("ask_time_commitment", 0.9), ("crisis", 0.05)])]
    )
    assert msg.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert [i["name"] for i in msg.get("intent_ranking")].count("crisis") == 1 and msg.get("intent_ranking")[0][
        "name"
    ] == "crisis"
    assert crisis_type(msg) == "suicide" and crisis_person(msg) == "self"
    assert msg.get(DIAGNOSTICS)["tier"] == "clear" and msg.get(DIAGNOSTICS)["decided_by"] == "patterns"


def test_the_model_alone_gets_the_screening_question_not_the_crisis_answer() -> None:
    [msg] = build().process(
        [message("i just feel so done with everything", [("crisis", 0.85), ("out_of_scope", 0.1)], fallback=True)]
    )
    assert intent(msg) == "risk_possible" and msg.get(DIAGNOSTICS)["decided_by"] == "model"
    assert crisis_type(msg) is not None


def test_a_weak_model_crisis_does_not_count() -> None:
    [msg] = build().process([message("hmm not sure", [("crisis", 0.5), ("out_of_scope", 0.3)])])
    assert intent(msg) == "out_of_scope" and crisis_type(msg) is None
    assert "crisis" not in [i["name"] for i in msg.get("intent_ranking")]


def test_a_benign_use_overrules_the_model() -> None:
    [msg] = build().process([message("my uncle died of an overdose in 2015", [("crisis", 0.9), ("ask_help_loved_one", 0.35)])])
    assert intent(msg) == "ask_help_loved_one" and crisis_type(msg) is None


def test_a_model_risk_possible_nobody_confirms_is_overruled() -> None:
    [msg] = build().process([message("what time is it", [("risk_possible", 0.5), ("out_of_scope", 0.4)])])
    assert intent(msg) == "out_of_scope" and "risk_possible" not in [i["name"] for i in msg.get("intent_ranking")]


def test_other_entities_are_kept() -> None:
    carrier = {"entity": "insurance_carrier", "value": "Aetna", "start": 0, "end": 5}
    [msg] = build().process([message("aetna. also i took too many pills", [("ask_insurance", 0.9)], entities=[carrier])])
    assert carrier in msg.get("entities") and crisis_type(msg) == "overdose"


def test_button_payloads_are_left_alone() -> None:
    [msg] = build().process([message("/deny", [("deny", 1.0)])])
    assert intent(msg) == "deny" and msg.get(DIAGNOSTICS) is None


def test_an_overruled_crisis_falls_back_when_the_next_intent_is_unsure() -> None:
    [msg] = build().process(
        [message("can my spouse come along", [("crisis", 0.5), ("inform", 0.15), ("ask_family_involvement", 0.1)])]
    )
    assert intent(msg) == "nlu_fallback"
    assert [i["name"] for i in msg.get("intent_ranking")][:2] == ["nlu_fallback", "inform"]


# --- with the encoder layer ------------------------------------------------------------------


OVERPASS = "standing on the overpass looking down at the cars"  # no pattern matches it


def test_the_encoder_catches_a_crisis_no_pattern_and_no_model_saw(risk_model: RiskModel) -> None:
    score, _ = build(risk_model).risk(Message(data={"text": OVERPASS}))
    assert score is not None and score.clear > 0.2  # trained on "standing on the overpass right now thinking about it"
    net = build(risk_model, encoder_clear=score.clear - 1e-6)
    [msg] = net.process([message(OVERPASS, [("ask_cost", 0.6)])])
    assert intent(msg) == "crisis" and msg.get(DIAGNOSTICS)["decided_by"] == "encoder"


def test_an_unsure_encoder_asks_instead_of_alarming(risk_model: RiskModel) -> None:
    net = build(risk_model, encoder_clear=0.999, encoder_agree=0.999, encoder_possible=0.2)
    [msg] = net.process([message(OVERPASS, [("ask_cost", 0.6)])])
    assert intent(msg) == "risk_possible" and msg.get(DIAGNOSTICS)["encoder_tier"] == "possible"


def test_the_model_and_the_encoder_agreeing_is_a_clear_crisis(risk_model: RiskModel) -> None:
    net = build(risk_model, encoder_clear=0.999, encoder_agree=0.3)
    [msg] = net.process([message("i dont see a way forward anymore, i want it all to stop", [("crisis", 0.9)])])
    assert intent(msg) == "crisis" and msg.get(DIAGNOSTICS)["decided_by"] == "model+encoder"


def test_someone_else_at_risk_gets_its_own_type(risk_model: RiskModel) -> None:
    net = build(risk_model)
    [msg] = net.process([message("my friend says she is going to kill herself tonight", [("ask_help_loved_one", 0.6)])])
    assert intent(msg) == "crisis" and crisis_type(msg) in ("someone_else", "suicide")


def test_ordinary_messages_stay_ordinary(risk_model: RiskModel) -> None:
    net = build(risk_model)
    for text in ("what are your hours", "do you take blue shield"):
        [msg] = net.process([message(text, [("ask_contact", 0.9)])])
        assert intent(msg) == "ask_contact" and msg.get(DIAGNOSTICS)["tier"] == "none"


def test_a_crisis_sentence_inside_a_long_message_is_scored_on_its_own(risk_model: RiskModel) -> None:
    text = (
        "Hi, I had a question about the evening group and whether my insurance covers it. "
        "My counselor said to ask here. "
        "Honestly my roommate is blue and wont wake up after using. "
        "Also do you have parking?"
    )
    score, _ = build(risk_model).risk(Message(data={"text": text}))
    assert score is not None and score.segment > 0


def test_every_message_carries_what_the_reply_head_reads(risk_model: RiskModel) -> None:
    [msg] = build(risk_model).process([message("ok i texted 988 like you said", [("affirm", 0.7)])])
    assert msg.get("crisis_reply")["intent"] == "crisis_contacted" and 0 < msg.get("crisis_reply")["confidence"] <= 1


def test_training_examples_join_the_labelled_files_and_the_nlu_data(tmp_path) -> None:
    crisis = tmp_path / "crisis.yml"
    crisis.write_text("messages:\n  - text: i want to stop existing\n    type: suicide\n    person: self\n    tier: possible\n")
    other = tmp_path / "other.yml"
    other.write_text("messages:\n  - text: this wait is killing me\n    kind: idiom\n")
    nlu = TrainingData(
        [
            Message(data={"text": "i'm going to end it tonight", "intent": "crisis"}),
            Message(data={"text": "are you thinking of ending it", "intent": "risk_possible"}),
            Message(data={"text": "what are your hours", "intent": "ask_contact"}),
            Message(data={"text": "this wait is killing me", "intent": "out_of_scope"}),  # already labelled
        ]
    )
    examples, replies, labels = training_examples({"crisis_examples": str(crisis), "other_examples": str(other)}, nlu)
    assert (replies, labels) == ([2, 3, 4], ["crisis", "other", "other"])
    assert [(e.text, e.risk) for e in examples] == [
        ("i want to stop existing", "possible"),
        ("this wait is killing me", "none"),
        ("i'm going to end it tonight", "clear"),
        ("are you thinking of ending it", "possible"),
        ("what are your hours", "none"),
    ]


def test_the_labelled_files_change_the_fingerprint(tmp_path) -> None:
    crisis, other = tmp_path / "c.yml", tmp_path / "o.yml"
    crisis.write_text("a")
    other.write_text("b")
    config = {"crisis_examples": str(crisis), "other_examples": str(other)}
    before = CrisisSafetyNet.fingerprint_addon(config)
    other.write_text("c")
    assert CrisisSafetyNet.fingerprint_addon(config) != before


def test_the_featurizers_embeddings_are_used_and_not_output(risk_model: RiskModel) -> None:
    text = "ok i texted 988 like you said"
    msg = message(text, [("affirm", 0.7)])
    SentenceFeaturizer(SentenceFeaturizer.get_default_config(), "sentence", shared_encoder()).process([msg])
    assert PENDING in msg.data
    [msg] = build(risk_model).process([msg])
    assert PENDING not in msg.data and PENDING not in msg.as_dict(only_output_properties=True)
    assert msg.get("crisis_reply")["intent"] == "crisis_contacted"


def test_training_reuses_the_featurizers_embeddings_and_encodes_only_the_rest(monkeypatch) -> None:
    featured = Message({"text": "do you take aetna", "intent": "ask_insurance"})
    featured.add_features(Features(np.full((1, 384), 0.5, dtype=np.float32), "sentence", "text", "sentence"))
    encoded = []

    class Encoder:
        def encode_sorted(self, texts):
            encoded.extend(texts)
            return np.ones((len(texts), 384), dtype=np.float32)

    monkeypatch.setattr(crisis_net, "shared_encoder", lambda: Encoder())
    examples = [LabelledExample("i want to end it", "clear", "suicide"), LabelledExample("do you take aetna", "none")]
    rows = crisis_net._embeddings(examples, TrainingData([featured]))
    assert encoded == ["i want to end it"]
    assert rows.shape == (2, 384) and rows[0, 0] == 1.0 and rows[1, 0] == 0.5


def test_whose_danger_it_is_goes_with_the_type(risk_model: RiskModel) -> None:
    """A parent asked about a son's overdose gets the reply for someone else after a "no"
    (domain.yml, utter_risk_screen_no): the person is an entity beside the type."""
    [msg] = build(risk_model).process([message("my roommate is blue and wont wake up after using", [("ask_cost", 0.3)])])
    assert intent(msg) == "crisis" and crisis_type(msg) == "overdose" and crisis_person(msg) == "other"
    [msg] = build(risk_model).process(
        [message("my friend says she is going to kill herself tonight", [("ask_help_loved_one", 0.6)])]
    )
    assert (crisis_type(msg) == "someone_else") == (crisis_person(msg) == "other")  # suicide and self-harm say it in the type
    [msg] = build(risk_model).process([message("what are your hours", [("ask_hours", 0.9)])])
    assert crisis_person(msg) is None  # no danger, no entity
