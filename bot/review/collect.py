"""Which user messages go to the review inbox, and why: read from a turn's Rasa events.

A message goes in when the assistant was unsure of it or got it wrong, by these reasons:

- ``fallback``: "not sure I understood" (the NLU fallback, or the fallback reply);
- ``out_of_scope``: the off-topic answer;
- ``low_confidence``: answered, but the top intent's confidence was under the review threshold;
- ``ambiguous``: the top two intents were within the review margin of each other;
- ``screening``: the crisis net asked its screening question;
- ``rephrased``: the person's next message said the answer missed ("that's not what I asked"),
  or repeated the message word for word; the earlier message is the one that goes in;
- ``flagged``: a staff member flagged it from a transcript (:mod:`bot.review.store`).

Not collected: messages handled as a crisis (they are escalated; a crisis the net *missed* is
what labelling finds), button payloads ("/affirm"), and answers typed while a form is asking
its questions (names and phone numbers for a callback, which are not the model's to understand).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.review.normalize import normalize
from bot.safety.names import CRISIS_INTENT, RISK_POSSIBLE_INTENT
from bot.said import is_replayed, person_wrote

FALLBACK = "fallback"
OUT_OF_SCOPE = "out_of_scope"
LOW_CONFIDENCE = "low_confidence"
AMBIGUOUS = "ambiguous"
SCREENING = "screening"
REPHRASED = "rephrased"
FLAGGED = "flagged"
REASONS = (FALLBACK, OUT_OF_SCOPE, LOW_CONFIDENCE, AMBIGUOUS, SCREENING, REPHRASED, FLAGGED)

NLU_FALLBACK = "nlu_fallback"
_FALLBACK_REPLIES = {"action_fallback", "utter_fallback", "utter_fallback_again", "action_default_fallback"}
_REPLY_REASONS = {
    "utter_out_of_scope": OUT_OF_SCOPE,
    "utter_risk_screen": SCREENING,
    **dict.fromkeys(_FALLBACK_REPLIES, FALLBACK),
}
_INTENT_REASONS = {NLU_FALLBACK: FALLBACK, "out_of_scope": OUT_OF_SCOPE, RISK_POSSIBLE_INTENT: SCREENING}
MAX_REPLY_CHARS = 600  # the inbox shows what the person got, not every word of a long answer

# "That's not what I asked" and its kin, in English and Spanish, as a whole short reply or its start.
_MISSED = re.compile(
    r"""^\W*(?:no\W+)?(?:
        that'?s?\s+(?:is\s+)?not\s+what\s+i\s+(?:asked|meant|said|want(?:ed)?)
      | (?:that|this)\s+(?:is\s*n'?o?t|was\s*n'?o?t|does\s*n'?o?t|did\s*n'?o?t)\s+(?:what\s+i|answer|help|make\s+sense)
      | not\s+what\s+i\s+(?:asked|meant|said)
      | you\s+(?:did\s*n'?o?t|do\s*n'?o?t|are\s*n'?o?t|'?re\s+not)\s+(?:answer|understand|get(?:ting)?\s+it|listen)
      | wrong\s+answer | (?:no\W+)?i\s+meant\b(?!\s+to\b) | i\s+asked\s+(?:about|if|for|you)\b | that\s+makes\s+no\s+sense
      | eso\s+no\s+(?:es\s+lo\s+que|fue\s+lo\s+que)\s+(?:pregunt|quise|dije) | no\s+me\s+entiendes | no\s+entiendes
    )""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Thresholds:
    confidence: float = 0.9  # answered below this: worth a look
    margin: float = 0.1  # top two closer than this: worth a look


DEFAULT_THRESHOLDS = Thresholds()


@dataclass
class Observation:
    """One message for the inbox, with what the model made of it and what the person got."""

    text: str
    timestamp: float
    reasons: List[str]
    intent: Optional[str]
    confidence: Optional[float]
    alternatives: List[Dict[str, Any]] = field(default_factory=list)
    reply: Optional[str] = None
    handled_as_crisis: bool = False

    @property
    def at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp, dt.timezone.utc)


def _ranking(parse: Dict[str, Any]) -> List[Tuple[str, float]]:
    """The model's intents, best first, without the fallback (which only says "unsure")."""
    ranked = parse.get("intent_ranking") or [parse.get("intent") or {}]
    found = [(str(item.get("name")), float(item.get("confidence") or 0.0)) for item in ranked if item.get("name")]
    return [(name, confidence) for name, confidence in found if name != NLU_FALLBACK]


def judge(
    parse: Dict[str, Any], thresholds: Thresholds
) -> Tuple[List[str], Optional[str], Optional[float], List[Dict[str, Any]]]:
    """The reasons the model's reading of one message is worth a look, and that reading."""
    intent = (parse.get("intent") or {}).get("name")
    ranking = _ranking(parse)
    top, confidence = ranking[0] if ranking else (None, None)
    alternatives = [{"intent": name, "confidence": round(value, 4)} for name, value in ranking[1:3]]
    reasons = [_INTENT_REASONS[intent]] if intent in _INTENT_REASONS else []
    if intent != NLU_FALLBACK and intent != CRISIS_INTENT and confidence is not None:
        if confidence < thresholds.confidence:
            reasons.append(LOW_CONFIDENCE)
        if len(ranking) > 1 and confidence - ranking[1][1] < thresholds.margin:
            reasons.append(AMBIGUOUS)
    return reasons, top, confidence, alternatives


def says_the_answer_missed(text: str) -> bool:
    return bool(_MISSED.search(text or ""))


def _is_payload(text: str) -> bool:
    return text.startswith("/")


@dataclass
class _Turn:
    event: Dict[str, Any]
    in_form: bool
    reply_texts: List[str] = field(default_factory=list)
    reply_actions: List[str] = field(default_factory=list)


def _turns(events: Sequence[Dict[str, Any]], active_loop: Optional[str]) -> Tuple[List[_Turn], Optional[str]]:
    """The user turns among ``events`` with what answered each, and the form running after them."""
    turns: List[_Turn] = []
    for event in events:
        kind = event.get("event")
        if kind == "active_loop":
            active_loop = event.get("name")
        elif kind == "user":
            turns.append(_Turn(event, in_form=active_loop is not None))
        elif turns and kind == "bot" and event.get("text"):
            turns[-1].reply_texts.append(str(event["text"]))
        elif turns and kind == "action" and event.get("name"):
            turns[-1].reply_actions.append(str(event["name"]))
    return turns, active_loop


def _observe(turn: _Turn, thresholds: Thresholds, extra: Sequence[str] = ()) -> Observation:
    parse = turn.event.get("parse_data") or {}
    reasons, top, confidence, alternatives = judge(parse, thresholds)
    for action in turn.reply_actions:
        reason = _REPLY_REASONS.get(action)
        if reason and reason not in reasons:
            reasons.append(reason)
    reasons.extend(reason for reason in extra if reason not in reasons)
    reply = "\n\n".join(turn.reply_texts) or None
    return Observation(
        text=str(turn.event.get("text") or ""),
        timestamp=float(turn.event.get("timestamp") or 0.0),
        reasons=reasons,
        intent=top,
        confidence=confidence,
        alternatives=alternatives,
        reply=reply[:MAX_REPLY_CHARS] if reply else None,
        handled_as_crisis=(parse.get("intent") or {}).get("name") == CRISIS_INTENT or "utter_crisis" in turn.reply_actions,
    )


def observations(
    events: Iterable[Dict[str, Any]], earlier: Sequence[Dict[str, Any]] = (), thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> List[Observation]:
    """The messages among ``events`` (a turn's new Rasa events) that go to the inbox.

    ``earlier`` holds the session's events saved before them: the form that was running, and the
    message before a "that's not what I asked", which may have been saved in an earlier turn.
    """
    new = list(events)
    previous, running = _turns(earlier, None)  # one pass over the session saved before
    turns, _ = _turns(new, running)
    found: List[Observation] = []
    before = previous[-1] if previous else None
    for turn in turns:
        text = str(turn.event.get("text") or "").strip()
        if not person_wrote(turn.event):
            # A reminder firing, or the copy of a question answered later (observed when it was
            # said): not observed. After the copy, "that's not what I asked" is about its answer.
            if is_replayed(turn.event):
                before = turn
            continue
        if text and not _is_payload(text) and not turn.in_form:
            # the same question again, word for word (a greeting said twice is not a complaint)
            repeated = (
                before is not None
                and len(text.split()) >= 3
                and normalize(str(before.event.get("text") or "")) == normalize(text)
            )
            if before is not None and not before.in_form and (says_the_answer_missed(text) or repeated):
                earlier_text = str(before.event.get("text") or "").strip()
                if earlier_text and not _is_payload(earlier_text):
                    found.append(_observe(before, thresholds, [REPHRASED]))
            observed = _observe(turn, thresholds)
            if observed.reasons and not observed.handled_as_crisis and not says_the_answer_missed(text):
                found.append(observed)
        before = turn
    return [item for item in found if not item.handled_as_crisis]
