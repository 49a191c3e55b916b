"""What a message the model was unsure of most likely asked: its one or two likeliest answers,
offered as buttons, instead of a bare "could you put that another way".

"hi, my daughter is 17 and drinking a lot, do u have anything for teens" sits between helping a
loved one (0.71) and the programs (0.13), under the fallback threshold: a tap on "Helping someone
you love" answers it. Only answers the center lists under ``topics`` in answers.yml are offered,
so a crisis or a form's answer never is; the crisis net has already judged the message by then.
"""

from __future__ import annotations

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


def intent_of(payload: str) -> str:
    """``/ask_cost`` -> ``ask_cost`` (entities, if any, are not part of the name)."""
    return payload.lstrip("/").split("{", 1)[0]


def offered(book: AnswerBook, ranking: Sequence[Mapping[str, Any]], text: str = "") -> List[Dict[str, str]]:
    """The topics' buttons for the likeliest intents of ``ranking`` (Rasa's intent ranking), and
    the tracks' for a message that names one."""
    catalogue = {intent_of(button["payload"]): button for button in book.render(TOPICS).buttons}
    buttons: List[Dict[str, str]] = []
    for item in ranking:
        name, confidence = item.get("name"), float(item.get("confidence") or 0.0)
        if name in catalogue and confidence >= OFFER_FROM and catalogue[name] not in buttons:
            buttons.append(catalogue[name])
        if len(buttons) == MAX_OFFERED:
            return buttons
    tracks = catalogue.get(TRACKS_INTENT)
    if tracks is not None and tracks not in buttons and names_a_track(text, book.program.tracks):
        buttons.append(tracks)
    return buttons


def did_you_mean(book: AnswerBook, ranking: Sequence[Mapping[str, Any]], text: str = "") -> Optional[Reply]:
    """The "did you mean" reply, or None when no topic is likely enough (then the plain fallback)."""
    buttons = offered(book, ranking, text)
    if not buttons:
        return None
    reply = book.render(DID_YOU_MEAN)
    return Reply(text=reply.text, buttons=buttons + reply.buttons)
