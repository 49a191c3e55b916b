import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder.minilm import shared_encoder
from bot.rasa.nlu.featurizer import SentenceFeaturizer
from bot.rasa.nlu.intent_classifier import LinearIntentClassifier, MissingEmbedding, softmax

EXAMPLES = {
    "ask_insurance": [
        "do you take aetna",
        "is blue cross accepted",
        "medi-cal ok?",
        "does my insurance cover it",
        "u take cigna",
    ],
    "ask_cost": ["how much does it cost", "what's the price", "is there a payment plan", "cost per week?", "how expensive is it"],
    "greet": ["hi", "hello there", "hey", "good morning", "hiya"],
}


@pytest.fixture(scope="module")
def featurizer():
    return SentenceFeaturizer(SentenceFeaturizer.get_default_config(), "sentence", shared_encoder())


def training_data(featurizer) -> TrainingData:
    data = TrainingData([Message({TEXT: t, "intent": i}) for i, texts in EXAMPLES.items() for t in texts])
    return featurizer.process_training_data(data)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def parse(component, featurizer, text: str) -> Message:
    message = Message({TEXT: text})
    featurizer.process([message])
    component.process([message])
    return message


def test_trained_model_ranks_intents_with_confidences_that_sum_to_one(featurizer, storage):
    resource = Resource("intent_classifier")
    component = LinearIntentClassifier.create({"ranking_length": 3}, storage, resource, context())
    component.train(training_data(featurizer))
    message = parse(component, featurizer, "do you guys accept kaiser insurance")
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "ask_insurance"
    assert [r["name"] for r in ranking][0] == "ask_insurance" and len(ranking) == 3
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0, abs=1e-6)
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])


def test_a_saved_model_loads_and_answers_the_same(featurizer, storage):
    resource = Resource("intent_classifier")
    trained = LinearIntentClassifier.create({}, storage, resource, context())
    trained.train(training_data(featurizer))
    loaded = LinearIntentClassifier.load({}, storage, resource, context())
    before = parse(trained, featurizer, "what's it cost").get("intent_ranking")
    after = parse(loaded, featurizer, "what's it cost").get("intent_ranking")
    assert before == after and after[0]["name"] == "ask_cost"


def test_a_message_without_the_sentence_feature_is_a_clear_configuration_error(featurizer, storage):
    component = LinearIntentClassifier.create({}, storage, Resource("c"), context())
    component.train(training_data(featurizer))
    with pytest.raises(MissingEmbedding, match="SentenceFeaturizer before it"):
        component.process([Message({TEXT: "hello"})])


def test_empty_messages_are_left_alone(featurizer, storage):
    component = LinearIntentClassifier.create({}, storage, Resource("c"), context())
    component.train(training_data(featurizer))
    message = Message({TEXT: "   "})
    component.process([message])
    assert message.get("intent") is None


def test_a_button_payload_without_the_embedding_still_gets_an_intent_for_the_next_components(featurizer, storage):
    component = LinearIntentClassifier.create({}, storage, Resource("c"), context())
    component.train(training_data(featurizer))
    message = Message({TEXT: "/ask_cost"})
    featurizer.process([message])  # no encoder pass for a payload
    component.process([message])
    assert message.get("intent")["name"] in EXAMPLES and message.get("intent_ranking")


def test_softmax_temperature_sharpens_without_changing_the_order():
    scores = np.array([[1.0, 0.5, -1.0]])
    mild, sharp = softmax(scores, 1.0)[0], softmax(scores, 5.0)[0]
    assert list(np.argsort(-mild)) == list(np.argsort(-sharp)) == [0, 1, 2]
    assert sharp[0] > mild[0] and mild.sum() == pytest.approx(1.0) and sharp.sum() == pytest.approx(1.0)


def test_class_weights_favour_the_weighted_intent_on_a_borderline_message(featurizer, storage):
    data = training_data(featurizer)
    plain = LinearIntentClassifier.create({}, storage, Resource("plain"), context())
    plain.train(data)
    weighted = LinearIntentClassifier.create(
        {"class_weights": {"ask_cost": 20.0, "not_an_intent": 5.0}}, storage, Resource("w"), context()
    )
    weighted.train(data)
    text = "insurance or price"

    def cost(component):
        return next(r["confidence"] for r in parse(component, featurizer, text).get("intent_ranking") if r["name"] == "ask_cost")

    assert cost(weighted) > cost(plain)
