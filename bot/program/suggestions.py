"""What a message the model was unsure of most likely asked: its one or two likeliest answers,
offered as buttons, instead of a bare "could you put that another way".

"hi, my daughter is 17 and drinking a lot, do u have anything for teens" sits between helping a
loved one (0.71) and the programs (0.13), under the fallback threshold: a tap on "Helping someone
you love" answers it. Only answers the center lists under ``topics`` in answers.yml are offered,
and never a crisis-mode reply, a form's answer or a yes/no, whatever the list says: a tap sends
the intent as if the person had said it. The crisis net has already judged the message by then.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence

from bot.program.answers import AnswerBook, Reply
from bot.program.followups import names_a_track

DID_YOU_MEAN = "did_you_mean"
TOPICS = "topics"
# An intent is offered from this confidence: the model's second guess at 0.13 is rarely what was
# meant, and a button that misses costs a tap, so at most two, the likeliest first.
OFFER_FROM = 0.2
MAX_OFFERED = 2
# Offered, when there is room, for a message that names a track ("what about for teens?" with no
# meeting search behind it reads as a meeting follow-up).
TRACKS_INTENT = "ask_tracks"
# Offered, when there is room, for a message that names what one answer is about: a bare "aetna"
# with no form asking reads as a form's answer.
ENTITY_TOPICS = {"insurance_carrier": "ask_insurance"}
# Never offered: what a tap would say on the person's behalf (safe, a false alarm, yes, a slip).
NEVER_OFFERED = frozenset(
    {"risk_possible", "relapse", "affirm", "deny", "inform", "stop", "nlu_fallback", "out_of_scope", "callback_edit"}
)


def offerable(intent: str) -> bool:
    return not intent.startswith("crisis") and intent not in NEVER_OFFERED


def intent_of(payload: str) -> str:
    """``/ask_cost`` -> ``ask_cost`` (entities, if any, are not part of the name)."""
    return payload.lstrip("/").split("{", 1)[0]


def _with_entities(button: Dict[str, str], entities: Sequence[Mapping[str, Any]]) -> Dict[str, str]:
    """The button, its payload carrying what the message named ("do you take iehp": the insurer),
    so that the tap answers about it."""
    named = {str(e["entity"]): e["value"] for e in entities if e.get("entity") and isinstance(e.get("value"), str)}
    return {**button, "payload": f"{button['payload']}{json.dumps(named)}"} if named else button


def offered(
    book: AnswerBook, ranking: Sequence[Mapping[str, Any]], text: str = "", entities: Sequence[Mapping[str, Any]] = ()
) -> List[Dict[str, str]]:
    """The topics' buttons for the likeliest intents of ``ranking`` (Rasa's intent ranking), and
    the tracks' for a message that names one."""
    catalogue = {
        intent_of(button["payload"]): button for button in book.render(TOPICS).buttons if offerable(intent_of(button["payload"]))
    }
    chosen: List[str] = []
    for item in ranking:
        name, confidence = str(item.get("name")), float(item.get("confidence") or 0.0)
        if name in catalogue and confidence >= OFFER_FROM and name not in chosen:
            chosen.append(name)
        if len(chosen) == MAX_OFFERED:
            break
    named = [ENTITY_TOPICS[str(e.get("entity"))] for e in entities if str(e.get("entity")) in ENTITY_TOPICS]
    if names_a_track(text, book.program.tracks):
        named.append(TRACKS_INTENT)
    for name in named:
        if len(chosen) < MAX_OFFERED and name in catalogue and name not in chosen:
            chosen.append(name)
    return [_with_entities(catalogue[name], entities) for name in chosen]


def did_you_mean(
    book: AnswerBook, ranking: Sequence[Mapping[str, Any]], text: str = "", entities: Sequence[Mapping[str, Any]] = ()
) -> Optional[Reply]:
    """The "did you mean" reply, or None when no topic is likely enough (then the plain fallback)."""
    buttons = offered(book, ranking, text, entities)
    if not buttons:
        return None
    reply = book.render(DID_YOU_MEAN)
    return Reply(text=reply.text, buttons=buttons + reply.buttons)
