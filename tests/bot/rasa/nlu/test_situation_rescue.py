"""An unsure question that names a special situation gets the situation's intent back."""

from typing import List

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.answer_book import ProgramCache
from bot.rasa.nlu.situation_rescue import SituationRescue, rescued_intent

FALLBACK = {"name": "nlu_fallback", "confidence": 0.8}


def ranked(*pairs) -> List[dict]:
    return [FALLBACK] + [{"name": n, "confidence": c} for n, c in pairs]


@pytest.mark.parametrize(
    "text, ranking, expected",
    [
        # between insurance and admissions: the referral situation is allowed under admissions
        ("how do I get a referral from Kaiser?", ranked(("ask_insurance", 0.54), ("ask_admissions", 0.30)), "ask_admissions"),
        ("my employer's EAP referred me", ranked(("ask_admissions", 0.34), ("ask_work_school", 0.18)), "ask_admissions"),
        # no situation named: the fallback stands
        ("how do I get there from the bus", ranked(("ask_admissions", 0.5), ("ask_contact", 0.4)), None),
        # a situation named, but only under intents the model barely considered
        ("my employer's EAP referred me", ranked(("ask_admissions", 0.2), ("ask_work_school", 0.18)), None),
        # a situation is never an answer to small talk or a slip
        ("i slipped and my probation officer will find out", ranked(("relapse", 0.6)), None),
    ],
)
def test_rescued_intent(book, text: str, ranking: List[dict], expected) -> None:
    found = rescued_intent(book, text, ranking, 0.25)
    assert (found or {}).get("name") == expected


def test_the_component_restores_the_intent_and_leaves_the_rest(book, monkeypatch) -> None:
    cache = ProgramCache.__new__(ProgramCache)
    monkeypatch.setattr(cache, "get", lambda: book, raising=False)
    rescue = SituationRescue({}, cache)
    unsure = Message(
        data={
            "text": "how do I get a referral from Kaiser?",
            "intent": FALLBACK,
            "intent_ranking": ranked(("ask_insurance", 0.54), ("ask_admissions", 0.30)),
        }
    )
    sure = Message(
        data={
            "text": "do you take aetna",
            "intent": {"name": "ask_insurance", "confidence": 0.95},
            "intent_ranking": [{"name": "ask_insurance", "confidence": 0.95}],
        }
    )
    payload = Message(data={"text": "/nlu_fallback", "intent": FALLBACK, "intent_ranking": ranked(("ask_admissions", 0.9))})
    rescue.process([unsure, sure, payload])
    assert unsure.get("intent")["name"] == "ask_admissions"
    assert [e["name"] for e in unsure.get("intent_ranking")] == ["ask_insurance", "ask_admissions"]
    assert sure.get("intent")["name"] == "ask_insurance"
    assert payload.get("intent")["name"] == "nlu_fallback"
