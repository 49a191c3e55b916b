import pytest

from bot.understanding.scoring import (
    FALLBACK,
    OUT_OF_SCOPE,
    Prediction,
    best_threshold,
    is_right,
    rejection,
    score,
    sweep,
)


def p(truth: str, intent: str, confidence: float = 0.9, top: str = "") -> Prediction:
    return Prediction("text", truth, intent, top or intent, confidence)


@pytest.mark.parametrize(
    "truth, predicted, right",
    [
        ("ask_cost", "ask_cost", True),
        ("ask_cost", "ask_insurance", False),
        (OUT_OF_SCOPE, FALLBACK, True),  # both decline to answer
        ("ask_cost", FALLBACK, False),
        (OUT_OF_SCOPE, "ask_cost", False),
    ],
)
def test_a_fallback_is_right_only_for_an_off_topic_message(truth, predicted, right):
    assert is_right(truth, predicted) is right


def test_scores_per_intent_and_overall():
    predictions = [p("a", "a"), p("a", "a"), p("a", "b"), p("b", "b"), p(OUT_OF_SCOPE, FALLBACK)]
    result = score("s", predictions)
    by = {s.intent: s for s in result.intents}
    assert result.messages == 5 and result.accuracy == pytest.approx(4 / 5)
    assert by["a"].recall == pytest.approx(2 / 3) and by["a"].precision == 1.0
    assert by["b"].precision == pytest.approx(1 / 2) and by["b"].recall == 1.0
    assert by["a"].confused_with == {"b": 1}
    assert by[OUT_OF_SCOPE].f1 == 1.0
    assert result.macro_recall == pytest.approx((2 / 3 + 1 + 1) / 3)
    assert result.confusions() == [("a", "b", 1)]


def test_rejection_counts_out_of_scope_and_fallback_and_names_the_rest():
    result = rejection(
        [p(OUT_OF_SCOPE, OUT_OF_SCOPE), p(OUT_OF_SCOPE, FALLBACK), p(OUT_OF_SCOPE, "ask_cost"), p(OUT_OF_SCOPE, "ask_cost")]
    )
    assert (result.rejected, result.messages, result.rate) == (2, 4, 0.5)
    assert result.answered_as == [("ask_cost", 2)]


def test_sweep_weighs_a_wrong_answer_three_times_a_needless_fallback():
    predictions = [p("a", "a", 0.9), p("a", "b", 0.3, top="b"), p("a", "a", 0.25)]
    low, mid, high = sweep(predictions, [0.1, 0.28, 0.5])
    assert (low.answered_right, low.answered_wrong, low.fell_back, low.cost) == (2, 1, 0, 3.0)
    assert (mid.answered_right, mid.answered_wrong, mid.fell_back, mid.cost) == (1, 1, 1, 4.0)
    assert (high.answered_right, high.answered_wrong, high.fell_back, high.cost) == (1, 0, 2, 2.0)
    assert best_threshold([low, mid, high]).threshold == 0.5


def test_best_threshold_prefers_the_higher_of_near_equal_costs():
    predictions = [p("a", "a", 0.9)] * 40 + [p("a", "b", 0.15, top="b")]
    rows = sweep(predictions, [0.1, 0.2])
    assert [r.cost for r in rows] == [3.0, 1.0]
    assert best_threshold(rows).threshold == 0.2
