"""Three tiers from three independent layers: clear danger, possible danger, none.

- **Clear** (the crisis answer at once, staff alerted): a curated pattern counts (unless both
  learned layers see no danger at all in the message: then it is asked about); or the encoder
  classifier is sure on its own; or the NLU model and the encoder agree.
- **Possible** (one direct, kind question: are you thinking of ending your life, are you in
  danger right now?): a layer sees danger that the others do not confirm, or the encoder sees
  indirect signs (means, places, finality, hopelessness, a method question).
- **None**: carry on.

A message whose alarming words the patterns recognised as benign (a question, the past, a film,
a figure of speech) is never a clear crisis on a learned layer's word alone; if both learned
layers still see danger, the person is asked. A pattern's hit in a message told as history (dates,
ages, time sober) with no sign of danger now is a possible crisis, unless a learned layer confirms
it as clear. Plain Python, no Rasa: the NLU component
(``bot.rasa.nlu.crisis_net``) and the evaluation call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.safety.detector import decide, guess_type, normalise
from bot.safety.patterns import HARM_TO_OTHERS, SELF_HARM, SOMEONE_ELSE, SUICIDE, VIOLENCE
from bot.safety.risk import RiskScore

CLEAR = "clear"
POSSIBLE = "possible"
NONE = "none"


@dataclass(frozen=True)
class Thresholds:
    encoder_clear: float = 0.9  # the encoder alone decides a clear crisis from here
    encoder_agree: float = 0.5  # with the NLU model's crisis intent, the encoder confirms from here
    encoder_possible: float = 0.5  # possible or clear danger: ask from here
    # A pattern's hit in which neither learned layer sees any danger (the model no crisis intent,
    # the encoder's danger below this) is asked about instead of escalated: informational
    # questions, school projects, goodbyes at graduation. 0 turns it off.
    pattern_doubt: float = 0.0
    # Benign words (a question, a denial, "dead serious") overrule the patterns, but not an
    # encoder this sure of danger: then the person is asked ("is it bad if i scratch my arms till
    # they bleed", "is 20 of my ambien enough to be fatal? I'm not going to do anything stupid").
    # Not a plain denial, every alarming phrase negated ("I'm safe, I'm not going to hurt
    # myself"): the encoder cannot read a negation, and in crisis mode that is the statement of
    # safety that ends it. Above 1 turns it off.
    encoder_over_benign: float = 1.01


@dataclass(frozen=True)
class Assessment:
    tier: str
    crisis_type: Optional[str]  # one of CRISIS_TYPES or someone_else; None when tier is none
    source: str  # which layers decided, for review and the evaluation


# Reported speech about another person ("he said he doesn't want to live", "my son told me he wants
# to die"), with no first person anywhere else in the message.
_REPORTED = re.compile(
    r"\b(?:he|she|they|hes|shes|theyre|my (?:\w+ )?(?:son|daughter|kid|child|husband|wife|partner|boyfriend|girlfriend|bf|gf|friend|"
    r"brother|sister|mom|mother|dad|father|roommate|cousin|nephew|niece|grandson|granddaughter))"
    r" (?:said|says|told me|tells me|keeps saying|kept saying|texted(?: me)?|is saying|wrote|posted|messaged(?: me)?)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|ill|me|my|myself|mine)\b")


def about_someone_else(text: str) -> bool:
    norm = normalise(text)
    cue = _REPORTED.search(norm)
    return cue is not None and not _FIRST_PERSON.search(norm[: cue.start()] + " " + norm[cue.end() :])


def answer_type(crisis_type: str, person: str, text: str = "") -> str:
    """Another person's suicide or self-harm risk gets its own answer; other types fit anyone.
    ``text``: read for reported speech, which says "someone else" whatever ``person`` says."""
    if crisis_type not in (SUICIDE, SELF_HARM):
        return crisis_type
    return SOMEONE_ELSE if person == "other" or (text and about_someone_else(text)) else crisis_type


def labelled_as(answer: Optional[str]) -> Optional[str]:
    """The labelled data's type of an answer type: harm the writer fears doing to someone is
    labelled violence (the person answered differs, the kind of danger does not)."""
    return VIOLENCE if answer == HARM_TO_OTHERS else answer


def assess(
    text: str,
    model_crisis: bool,
    risk: Optional[RiskScore],
    thresholds: Thresholds = Thresholds(),
    model_possible: bool = False,
) -> Assessment:
    """``model_crisis`` / ``model_possible``: the NLU model's crisis / risk_possible intent at the
    configured confidence."""
    patterns = decide(text, model_says_crisis=True)  # "patterns", "overruled" (benign words) or "model"
    person = risk.person if risk is not None else "self"
    if patterns.crisis and patterns.source == "patterns":
        crisis_type = answer_type(patterns.crisis_type or guess_type(text), person, text)
        if not model_crisis and risk is not None and risk.possible < thresholds.pattern_doubt:
            return Assessment(POSSIBLE, crisis_type, "patterns, no danger seen by the learned layers")
        return Assessment(CLEAR, crisis_type, "patterns")

    def kind() -> str:  # only when there is danger: most messages never need it
        learned = risk.crisis_type if risk is not None else guess_type(text)
        if learned == VIOLENCE and patterns.crisis_type == HARM_TO_OTHERS:
            learned = HARM_TO_OTHERS  # the learned layers cannot tell who would do the harm; the patterns can
        return answer_type(learned, person, text)

    enc_clear = risk is not None and risk.clear >= thresholds.encoder_clear
    enc_agree = risk is not None and risk.clear >= thresholds.encoder_agree
    enc_possible = risk is not None and risk.possible >= thresholds.encoder_possible
    if patterns.source == "overruled":
        if model_crisis and enc_agree:
            return Assessment(POSSIBLE, kind(), "model+encoder over benign words")
        if risk is not None and risk.possible >= thresholds.encoder_over_benign and not patterns.denied:
            return Assessment(POSSIBLE, kind(), "encoder over benign words")
        return Assessment(NONE, None, "benign words")
    if model_crisis and enc_agree:
        return Assessment(CLEAR, kind(), "model+encoder")
    if enc_clear:
        return Assessment(CLEAR, kind(), "encoder")
    if patterns.source in ("history", "craving", "plan"):  # the past, despair said of a craving, a plan: asked about
        return Assessment(
            POSSIBLE, answer_type(patterns.crisis_type or guess_type(text), person, text), f"patterns in a {patterns.source}"
        )
    if model_crisis or model_possible:
        return Assessment(POSSIBLE, kind(), "model")
    if enc_possible:
        return Assessment(POSSIBLE, kind(), "encoder")
    return Assessment(NONE, None, "none")


def encoder_tier(risk: Optional[RiskScore], thresholds: Thresholds) -> str:
    """What the encoder layer says on its own (for review and the evaluation)."""
    if risk is None:
        return NONE
    if risk.clear >= thresholds.encoder_clear:
        return CLEAR
    return POSSIBLE if risk.possible >= thresholds.encoder_possible else NONE
