import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder.minilm import DIMENSION, shared_encoder
from bot.rasa.nlu.embeddings import PENDING, embeddings_for
from bot.rasa.nlu.featurizer import SentenceFeaturizer


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder()


def featurizer(encoder):
    return SentenceFeaturizer(SentenceFeaturizer.get_default_config(), "sentence", encoder)


def sentence_feature(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT)
    return sentence.features


def test_training_messages_get_the_embedding_as_a_sentence_feature(encoder):
    messages = [Message({TEXT: "do you take medi-cal", "intent": "ask_insurance"}), Message({TEXT: "hi", "intent": "greet"})]
    featurizer(encoder).process_training_data(TrainingData(messages))
    for message in messages:
        feature = sentence_feature(message)
        assert feature.shape == (1, DIMENSION)
        np.testing.assert_allclose(feature[0], encoder.encode([message.get(TEXT)])[0], atol=1e-5)
        sequence, _ = message.get_dense_features(TEXT)
        assert sequence is None  # the word-level features stay the sparse ones


def test_a_parsed_message_leaves_its_embeddings_for_the_crisis_net(encoder):
    message = Message({TEXT: "I can't stop thinking about using. First sentence. Second one here."})
    featurizer(encoder).process([message])
    rows = message.data[PENDING]
    assert isinstance(rows, np.ndarray) and rows.shape[0] > 1  # the whole message and its sentences
    np.testing.assert_allclose(sentence_feature(message)[0], rows[0])
    assert embeddings_for(message, encoder) is rows
    assert PENDING not in message.data


@pytest.mark.parametrize("text", ["  ", "/ask_cost", '/inform{"cb_time": "evening"}'])
def test_an_empty_message_or_a_button_payload_gets_no_feature(encoder, text):
    message = Message({TEXT: text})
    featurizer(encoder).process([message])
    assert message.get_dense_features(TEXT) == (None, None) and PENDING not in message.data
