"""Three tiers from three layers; here the route of a pattern's hit in a story of the past."""

from typing import Optional

import pytest

from bot.safety.detector import decide
from bot.safety.risk import RiskScore
from bot.safety.tiers import CLEAR, NONE, POSSIBLE, Thresholds, assess

THRESHOLDS = Thresholds(encoder_clear=0.8, encoder_agree=0.5, encoder_possible=0.5)


def risk(clear: float, possible: Optional[float] = None) -> RiskScore:
    return RiskScore(clear, clear if possible is None else possible, "overdose", "self", 0)


HISTORIES = [
    "I tried to take my life at 19. I'm 34 now and stable. Do you have groups for dual diagnosis?",
    "my OD was in 2017 at a party and someone i didnt know called 911. is group therapy mandatory",
    "old history: alcohol withdrawal seizures twice, DTs once. sober since 2010. my wife wants me back in a program",
]
CURRENT = [
    "I overdosed in 2019 and I'm going to do it again tonight",
    "hey is there a group tomorrow at 10? my husband is drunk and he just hit me and i'm hiding in the car",
    "i want to kill myself",
]


@pytest.mark.parametrize("text", HISTORIES)
def test_a_hit_in_a_story_of_the_past_is_told_as_history(text: str) -> None:
    assert decide(text, model_says_crisis=False).source == "history"


@pytest.mark.parametrize("text", CURRENT)
def test_a_sign_of_danger_now_keeps_the_hit_clear(text: str) -> None:
    verdict = decide(text, model_says_crisis=False)
    assert verdict.crisis and verdict.source == "patterns"
    assert assess(text, False, risk(0.0), THRESHOLDS).tier == CLEAR


@pytest.mark.parametrize("text", HISTORIES)
def test_history_asks_unless_a_learned_layer_confirms(text: str) -> None:
    quiet = assess(text, False, risk(0.01), THRESHOLDS)
    assert (quiet.tier, quiet.source) == (POSSIBLE, "patterns in a history")
    assert assess(text, False, risk(0.9), THRESHOLDS).tier == CLEAR  # the encoder sure on its own
    assert assess(text, True, risk(0.6), THRESHOLDS).tier == CLEAR  # the model and the encoder agree


CRAVINGS = [
    "i want to drink so bad i cant take it anymore",
    "the cravings are so bad tonight, i cant do this anymore",
    "tengo unas ganas de tomar y i cant take it anymore",
]
DESPAIR_AND_MORE = [
    "i cant take it anymore",  # no craving: despair on its own
    "cravings all day and i cant take it anymore, i want to die",  # another hit that counts
    "the urges are bad and i cant take it anymore. i have the pills in my hand",
    "i cant go on with these cravings",  # "can't go on" is not weighed down by a craving
]


@pytest.mark.parametrize("text", CRAVINGS)
def test_despair_said_of_a_craving_is_asked_about_unless_a_learned_layer_confirms(text: str) -> None:
    """A 3am "I want to drink so bad I can't take it anymore" gets the direct question, not the
    suicide answer and a page; the question's "yes" still escalates."""
    assert decide(text, model_says_crisis=False).source == "craving"
    quiet = assess(text, False, risk(0.2, 0.6), THRESHOLDS)
    assert (quiet.tier, quiet.source) == (POSSIBLE, "patterns in a craving")
    assert assess(text, False, risk(0.9), THRESHOLDS).tier == CLEAR
    assert assess(text, True, risk(0.6), THRESHOLDS).tier == CLEAR


@pytest.mark.parametrize("text", DESPAIR_AND_MORE)
def test_despair_without_a_craving_or_with_another_sign_stays_clear(text: str) -> None:
    verdict = decide(text, model_says_crisis=False)
    assert verdict.crisis and verdict.source == "patterns"
    assert assess(text, False, risk(0.2, 0.6), THRESHOLDS).tier == CLEAR


def test_no_layer_no_danger() -> None:
    assert assess("what are your hours on saturday", False, risk(0.01), THRESHOLDS).tier == NONE


DOUBTING = Thresholds(encoder_clear=0.8, encoder_agree=0.5, encoder_possible=0.5, pattern_doubt=0.05)


@pytest.mark.parametrize(
    "model_crisis, danger, tier",
    [
        (False, 0.01, POSSIBLE),  # neither learned layer sees any danger: asked, not escalated
        (False, 0.2, CLEAR),  # the encoder sees some danger: the pattern counts
        (True, 0.01, CLEAR),  # the model sees a crisis: the pattern counts
    ],
)
def test_a_pattern_both_learned_layers_doubt_is_asked_about(model_crisis: bool, danger: float, tier: str) -> None:
    text = "i want to kill myself"
    assert assess(text, model_crisis, risk(0.0, danger), DOUBTING).tier == tier
    assert assess(text, model_crisis, risk(0.0, danger), THRESHOLDS).tier == CLEAR  # off: the pattern always counts


OVER_BENIGN = Thresholds(encoder_clear=0.8, encoder_agree=0.5, encoder_possible=0.5, encoder_over_benign=0.95)


@pytest.mark.parametrize(
    "text",
    [
        "is it bad if i scratch my arms till they bleed when i want to drink",  # a question trap
        "my friend is asking me to help him find a way to kill himself and he's dead serious",  # "dead serious"
    ],
)
def test_benign_words_do_not_silence_an_encoder_that_is_sure(text: str) -> None:
    assert decide(text, model_says_crisis=True).source == "overruled"
    sure = assess(text, False, risk(0.02, 0.97), OVER_BENIGN)
    assert (sure.tier, sure.source) == (POSSIBLE, "encoder over benign words")
    assert assess(text, False, risk(0.02, 0.9), OVER_BENIGN).tier == NONE  # under the threshold: the words decide
    assert assess(text, False, risk(0.02, 0.97), THRESHOLDS).tier == NONE  # off unless configured


@pytest.mark.parametrize(
    "text",
    [
        "i'm safe now. i'm not going to hurt myself",
        "I'm safe for tonight, thank you. I'm not going to hurt myself",
        "i would never kill myself, i just wanted to vent",
    ],
)
def test_a_plain_denial_is_not_overruled_by_the_encoder(text: str) -> None:
    """The encoder cannot read a negation (0.96 on "i'm not going to hurt myself"): a statement of
    safety, in crisis mode the one that ends it, must not become a screening question."""
    verdict = decide(text, model_says_crisis=True)
    assert (verdict.source, verdict.denied) == ("overruled", True)
    assert assess(text, False, risk(0.94, 0.96), OVER_BENIGN).tier == NONE


def test_a_denial_beside_a_question_about_a_method_is_still_asked_about() -> None:
    text = "is 20 of my ambien enough to be fatal? I'm not going to do anything stupid"
    assert not decide(text, model_says_crisis=True).denied
    assert assess(text, False, risk(0.02, 0.97), OVER_BENIGN).tier == POSSIBLE


def test_a_plan_is_danger_now_even_beside_a_scheduling_question() -> None:
    """ "tell someone that" read as an informational question, and the plan was silenced."""
    text = (
        "Hi, I was wondering what time the Tuesday evening group starts. Also I guess I should tell someone "
        "that I'm planning to kill myself on Friday after payday, so maybe it doesn't matter what time it starts."
    )
    verdict = decide(text, model_says_crisis=False)
    assert verdict.crisis and verdict.crisis_type == "suicide"
    assert assess(text, False, risk(0.0), THRESHOLDS).tier == CLEAR


@pytest.mark.parametrize(
    "text, source",
    [
        ("my plan is to kill myself tonight", "patterns"),
        ("I've decided to end my life, what are your hours", "patterns"),
        # a plan elsewhere in the message does not make a past event current
        ("I overdosed in 2019 but I plan to come to group monday", "none"),
        ("I plan to start the program monday", "none"),
    ],
)
def test_only_a_plan_said_right_before_the_danger_makes_it_current(text: str, source: str) -> None:
    assert decide(text, model_says_crisis=False).source == source


def test_a_plan_to_stop_drinking_alone_asks_unless_a_learned_layer_sees_clear_danger() -> None:
    text = "been drinking 2 bottles of wine a day for a year. quitting tomorrow at home, no doctor"
    quiet = assess(text, False, risk(0.01), THRESHOLDS)
    assert (quiet.tier, quiet.source, quiet.crisis_type) == (POSSIBLE, "patterns in a plan", "medical")
    assert assess(text, False, risk(0.9), THRESHOLDS).tier == CLEAR


def test_fear_of_what_one_might_do_to_a_child_is_asked_about_with_its_own_words() -> None:
    text = "the baby has screamed for three hours and i'm scared of what i might do to her"
    quiet = assess(text, False, risk(0.01), THRESHOLDS)
    assert (quiet.tier, quiet.source, quiet.crisis_type) == (POSSIBLE, "patterns in a plan", "harm_to_others")
    # The learned layers can confirm the danger but not say who would do the harm.
    sure = assess(text, True, RiskScore(0.95, 0.95, "violence", "self", 0), THRESHOLDS)
    assert (sure.tier, sure.crisis_type) == (CLEAR, "harm_to_others")


def test_a_threat_the_writer_makes_is_clear_with_its_own_words() -> None:
    verdict = assess("i'm going to stab my roommate when he gets home", False, risk(0.6), THRESHOLDS)
    assert (verdict.tier, verdict.crisis_type) == (CLEAR, "harm_to_others")
