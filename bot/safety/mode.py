"""Crisis mode and the screening question, read from the conversation's events.

One source of truth, the events themselves, so the policy (Rasa's Event objects) and the actions
(rasa-sdk's event dicts) can never disagree:

- crisis mode starts with a crisis message or any crisis answer (``utter_crisis``, which also
  follows a "yes" to the screening question);
- it ends only with a clear statement of safety or a false alarm said *in* crisis mode (the
  ``crisis_safe`` and ``crisis_false_alarm`` intents, never a bare "ok"), and only when the NLU
  model and the encoder's reply head agree on it (``reply_intent``), or when staff set the
  ``crisis_active`` slot to false;
- the screening question is awaiting its answer when it (or its asking again) was the
  assistant's last words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple

from bot.safety.detector import normalise
from bot.safety.names import CRISIS_INTENT, CRISIS_REPLY
from bot.said import is_external

CRISIS_ANSWER = "utter_crisis"
SCREENING_QUESTION = "utter_risk_screen"
SCREENING_AGAIN = "utter_risk_screen_again"  # asked once more after a question about something else
CRISIS_SAFE_INTENT = "crisis_safe"
FALSE_ALARM_INTENT = "crisis_false_alarm"
ENDS_CRISIS = (CRISIS_SAFE_INTENT, FALSE_ALARM_INTENT)
STAFF_SLOT = "crisis_active"
ACTION_LISTEN = "action_listen"
_QUIET_ACTIONS = (ACTION_LISTEN, "action_extract_slots", "action_session_start")
# Replies the encoder's reply head recognises better than the NLU model (the dev set: 90-100%
# against 50-80%); it decides them from this confidence on.
ANSWERED_BY_REPLY_HEAD = ("crisis_cannot_call", "crisis_contacted", "crisis_help_arrived")
REPLY_HEAD_CONFIDENCE = 0.6
UNCLEAR = "crisis_mode_unclear"
FALLBACK_INTENT = "nlu_fallback"
NOT_SAFE = "crisis_not_safe"  # a reading, not an NLU intent: the urgent steps again; a yes to the screening question
# "not safe", "i dont feel safe", "unsafe": both learned readers took "no im not safe" for a
# statement of safety on the dev set, since it is one word away from one, and a "no" to the
# screening question. These words veto both readings (they never start anything), so a false
# match only keeps crisis mode on or gives the crisis answer.
_NOT_SAFE = re.compile(
    r"\b(?:not|never|isnt|aint|no longer|nowhere near)\s+(?:\w+\s+){0,2}?(?:safe|okay|ok|alright|fine)\b"
    r"|\b(?:dont|do not|doesnt|cant|cannot|wont|will not)\s+(?:\w+\s+){0,2}?(?:feel|be|stay|keep (?:myself|me))\s+(?:\w+\s+)?safe\b"
    r"|\bunsafe\b"
    r"|\bno (?:estoy|me siento|esta|está) (?:\w+ )?(?:bien|a salvo|segur[oa])\b"  # Spanish: "no estoy bien"
)


def says_not_safe(text: str) -> bool:
    return bool(_NOT_SAFE.search(normalise(text)))


def reply_intent(parse: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The intent crisis mode and the screening question act on.

    Ending crisis mode is the one mistake that matters most, so a statement of safety or a false
    alarm counts only when the NLU model and the encoder's reply head both read it so (on the
    dev set each alone ended it on 1-6% of other replies). Otherwise the reply head decides the
    replies it reads best; button payloads carry no reply head and are taken as they are.
    """
    parse = parse or {}
    intent = (parse.get("intent") or {}).get("name")
    if intent == FALLBACK_INTENT:
        # The fallback threshold is for answering questions. A statement of safety or a false
        # alarm under it still counts when the reply head agrees (below); anything else under it
        # (a doubtful "no" to the screening question) stays unclear, the safe reading.
        ranked = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
        if ranked and ranked[0].get("name") in ENDS_CRISIS:
            intent = ranked[0]["name"]
    if intent in (*ENDS_CRISIS, "deny") and says_not_safe(str(parse.get("text") or "")):
        return NOT_SAFE
    reply = parse.get(CRISIS_REPLY)
    if not isinstance(reply, Mapping) or intent in (CRISIS_INTENT, "request_human"):
        return intent
    read_as, confidence = reply.get("intent"), float(reply.get("confidence") or 0.0)
    if intent in ENDS_CRISIS:
        return intent if read_as in ENDS_CRISIS else (read_as if read_as not in (None, "other") else UNCLEAR)
    if read_as in ANSWERED_BY_REPLY_HEAD and confidence >= REPLY_HEAD_CONFIDENCE:
        return read_as
    return intent


@dataclass(frozen=True)
class Step:
    """What matters of one event here."""

    kind: str  # "user", "external" (a reminder firing), "action", "slot" or "other"
    name: Optional[str] = None  # the intent, the action or the slot
    value: Any = None  # a slot's value


def step_of(event: Any) -> Step:
    """A Rasa Event object or a rasa-sdk event dict, reduced to a Step."""
    data: Mapping[str, Any] = event if isinstance(event, Mapping) else {}
    kind = data.get("event") if data else getattr(event, "type_name", None)
    if kind == "user" and is_external(event):
        return Step("external")
    if kind == "user":
        return Step("user", reply_intent(data.get("parse_data") if data else getattr(event, "parse_data", None)))
    if kind == "action":
        return Step("action", data.get("name") if data else getattr(event, "action_name", None))
    if kind == "slot":
        return Step(
            "slot",
            data.get("name") if data else getattr(event, "key", None),
            data.get("value") if data else getattr(event, "value", None),
        )
    return Step("other")


def _person_s_steps(events: Iterable[Any]) -> Iterable[Tuple[int, Step]]:
    """The steps (with their index) of the person's conversation with the assistant: a reminder
    that fires, and what the assistant did about it up to listening again, are left out. The
    person did not say it, so it neither answers the screening question nor ends crisis mode,
    and the question still waits for the person's answer after it."""
    in_reminder = False
    for index, event in enumerate(events):
        step = step_of(event)
        if step.kind == "external":
            in_reminder = True
        elif in_reminder and step.kind == "action":
            # Its answer, up to listening again (or, in a paused conversation, none at all: the
            # person's next message or a slot staff set is read as usual).
            in_reminder = step.name != ACTION_LISTEN
        else:
            if step.kind == "user":
                in_reminder = False
            yield index, step


def in_crisis_mode(events: Sequence[Any]) -> bool:
    """After these events, is the conversation in crisis mode?"""
    steps = [step for _, step in _person_s_steps(events)]
    active = False
    for step in steps:
        if step.kind == "user" and step.name == CRISIS_INTENT:
            active = True
        elif step.kind == "action" and step.name == CRISIS_ANSWER:
            active = True
        elif active and step.kind == "user" and step.name in ENDS_CRISIS:
            active = False
        elif step.kind == "slot" and step.name == STAFF_SLOT and step.value is False:
            active = False
    return active


def last_bot_action(events: Iterable[Any]) -> Optional[str]:
    """The assistant's last action before these events end (listening and slot filling aside)."""
    last = None
    for _, step in _person_s_steps(events):
        if step.kind == "action" and step.name not in _QUIET_ACTIONS:
            last = step.name
    return last


def screening_pending(events: Sequence[Any]) -> bool:
    """Was the screening question, or its asking again, the assistant's last words?"""
    return last_bot_action(events) in (SCREENING_QUESTION, SCREENING_AGAIN)


def screening_asked_again(events: Sequence[Any]) -> bool:
    """Was the screening question asked once more as the assistant's last words?"""
    return last_bot_action(events) == SCREENING_AGAIN


# Requests that say the person went on to something else instead of answering the screening
# question; "inform" is a bare detail for a form ("tenemos iehp", "Aetna", a name).
_OTHER_REQUESTS = ("find_meeting", "request_callback", "request_group_reminder", "inform_track", "inform")


def question_set_aside(events: Sequence[Any]) -> Optional[int]:
    """After a clear no to the screening question asked again: the index (in ``events``) of the
    question the person asked instead of answering, so it can be answered now. None otherwise.

    The events end with: the screening question, the person's question, the question asked again,
    the "no" (and the reply to it)."""
    users = [i for i, step in _person_s_steps(events) if step.kind == "user"]
    if len(users) < 2:
        return None
    question_at, no_at = users[-2], users[-1]
    if last_bot_action(events[:no_at]) != SCREENING_AGAIN or last_bot_action(events[:question_at]) != SCREENING_QUESTION:
        return None
    return question_at if asks_something_else(step_of(events[question_at]).name) else None


def asks_something_else(intent: Optional[str]) -> bool:
    """A question or a request about the program ("tenemos iehp", "how much is it")."""
    return bool(intent) and (str(intent).startswith("ask_") or intent in _OTHER_REQUESTS)
