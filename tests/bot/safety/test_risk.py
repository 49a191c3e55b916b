"""The crisis classifier's heads, saved and loaded, and the layout a model must have."""

from __future__ import annotations

from pathlib import Path
from typing import Tuple

import joblib
import pytest

from bot.encoder.minilm import shared_encoder
from bot.safety.risk import FORMAT, LabelledExample, Reply, RiskModel, RiskScore, segments
from tests.bot.safety.conftest import REPLY_EXAMPLES

EXAMPLES = [
    LabelledExample("i want to end my life tonight", "clear", "suicide"),
    LabelledExample("ya no quiero vivir, me voy a matar", "clear", "suicide"),
    LabelledExample("took the whole bottle of pills an hour ago", "clear", "overdose"),
    LabelledExample("mi hermano no respira, se metio algo", "clear", "overdose", "other"),
    LabelledExample("he is hitting me again and locked the door", "clear", "violence"),
    LabelledExample("mi esposo me esta pegando otra vez", "clear", "violence"),
    LabelledExample("cut my arm again last night", "clear", "self_harm"),
    LabelledExample("me corte el brazo otra vez", "clear", "self_harm"),
    LabelledExample("day 2 no alcohol and seeing bugs on the wall", "clear", "medical"),
    LabelledExample("deje el alcohol de golpe y estoy temblando", "possible", "medical"),
    LabelledExample("what are your hours", "none"),
    LabelledExample("cuanto cuesta el programa", "none"),
    LabelledExample("do you take aetna", "none"),
    LabelledExample("hay grupos en la noche", "none"),
]


@pytest.fixture(scope="module")
def model() -> RiskModel:
    examples = EXAMPLES + [LabelledExample(text, "none") for text in REPLY_EXAMPLES]
    labels = ["crisis" if e.risk != "none" else "other" for e in EXAMPLES] + list(REPLY_EXAMPLES.values())
    embeddings = shared_encoder().encode_sorted([e.text for e in examples])
    return RiskModel.train(embeddings, examples, list(range(len(examples))), labels, c=8.0)


def score(model: RiskModel, text: str) -> Tuple[RiskScore, Reply]:
    parts = segments(text)
    return model.score(parts, shared_encoder().encode_sorted(parts))


def test_the_kind_reads_the_n_grams_as_well_as_the_embedding(model: RiskModel) -> None:
    """The English encoder places Spanish poorly; the kind head sees the words too (layout 2)."""
    width = len(model.chars.vocabulary_) + len(model.words.vocabulary_) + 384
    assert model.kind.coef_.shape[1] == width and model.risk.coef_.shape[1] == width
    assert model.person.coef_.shape[1] == 384


def test_a_saved_model_scores_the_same_when_loaded(model: RiskModel, tmp_path: Path) -> None:
    model.save(tmp_path / "risk.joblib")
    loaded = RiskModel.load(tmp_path / "risk.joblib")
    text = "mi esposo me esta pegando y no puedo salir"
    assert score(loaded, text) == score(model, text)


def test_a_model_of_another_layout_is_refused_with_what_to_do(model: RiskModel, tmp_path: Path) -> None:
    model.save(tmp_path / "risk.joblib")
    parts = joblib.load(tmp_path / "risk.joblib")
    del parts["format"]  # as a model trained before layout 2 was saved
    joblib.dump(parts, tmp_path / "old.joblib")
    with pytest.raises(ValueError, match=rf"layout 1, this code reads layout {FORMAT}: train the model again \(make train\)"):
        RiskModel.load(tmp_path / "old.joblib")


def test_an_examples_weight_sets_how_much_it_teaches_the_danger_head() -> None:
    # Ordinary Spanish questions at full weight pull Spanish toward "safe"; at a small weight they barely do.
    spanish_questions = [
        "cuanto tiempo dura el programa",
        "a que hora empieza el grupo",
        "aceptan medi-cal",
        "donde estan ubicados",
    ]

    def danger(weight: float) -> float:
        examples = (
            EXAMPLES
            + [LabelledExample(text, "none") for text in REPLY_EXAMPLES]
            + [LabelledExample(text, "none", weight=weight) for text in spanish_questions]
        )
        labels = ["crisis" if e.risk != "none" else "other" for e in EXAMPLES] + list(REPLY_EXAMPLES.values())
        embeddings = shared_encoder().encode_sorted([e.text for e in examples])
        trained = RiskModel.train(embeddings, examples, list(range(len(labels))), labels, c=8.0)
        return score(trained, "cuanto tiempo tengo que ir cada semana")[0].possible

    assert danger(1.0) < danger(0.01)
