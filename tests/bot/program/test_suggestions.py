"""The "did you mean" reply: the likeliest answers of a message the model was unsure of."""

from __future__ import annotations

from typing import List, Tuple

import pytest
from rasa.shared.core.domain import Domain

from bot.program.answers import AnswerBook
from bot.program.suggestions import DID_YOU_MEAN, TOPICS, did_you_mean, intent_of, offered
from bot.safety.names import CRISIS_INTENT, RISK_POSSIBLE_INTENT
from bot.settings import PROJECT_ROOT


def ranking(*pairs: Tuple[str, float]) -> List[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


UNSURE = ranking(("nlu_fallback", 0.8), ("ask_help_loved_one", 0.71), ("ask_tracks", 0.23), ("ask_cost", 0.21))


def test_the_two_likeliest_topics_come_first_then_the_fixed_buttons(book: AnswerBook) -> None:
    reply = did_you_mean(book, UNSURE)
    assert reply is not None and reply.text == book.render(DID_YOU_MEAN).text
    assert [b["payload"] for b in reply.buttons] == ["/ask_help_loved_one", "/ask_tracks", "/ask_capabilities", "/request_human"]
    assert reply.buttons[0]["title"] == "Helping someone you love"


@pytest.mark.parametrize(
    "unsure",
    [
        ranking(("nlu_fallback", 0.8), ("ask_cost", 0.19), ("ask_insurance", 0.1)),  # nothing likely enough
        ranking(("nlu_fallback", 0.8), ("crisis", 0.6), ("risk_possible", 0.3)),  # never offered
        ranking(("nlu_fallback", 0.8), ("inform", 0.7), ("greet", 0.25)),  # not questions
        [],
    ],
)
def test_no_likely_topic_gives_none_for_the_plain_fallback(book: AnswerBook, unsure: List[dict]) -> None:
    assert did_you_mean(book, unsure) is None


def test_a_topic_is_offered_once_and_the_order_follows_the_ranking(book: AnswerBook) -> None:
    twice = ranking(("ask_cost", 0.5), ("ask_cost", 0.4), ("ask_insurance", 0.3))
    assert [b["payload"] for b in offered(book, twice)] == ["/ask_cost", "/ask_insurance"]


def test_spanish_titles(book: AnswerBook) -> None:
    reply = did_you_mean(book.in_language("es"), UNSURE)
    assert reply is not None and reply.buttons[0] == {"title": "Cómo ayudar a un ser querido", "payload": "/ask_help_loved_one"}
    assert "988" in reply.text and "marque 2" in reply.text


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_topic_is_an_intent_a_person_may_start_with_and_none_is_urgent(book: AnswerBook, language: str) -> None:
    intents = set(Domain.load(str(PROJECT_ROOT / "domain.yml")).intents)
    topics = [intent_of(b["payload"]) for b in book.in_language(language).render(TOPICS).buttons]
    assert topics and set(topics) <= intents and len(set(topics)) == len(topics)
    assert not set(topics) & {CRISIS_INTENT, RISK_POSSIBLE_INTENT, "relapse", "inform", "affirm", "deny", "nlu_fallback"}
    assert [b["payload"] for b in book.in_language(language).render(TOPICS).buttons] == [
        b["payload"] for b in book.render(TOPICS).buttons
    ]


@pytest.mark.parametrize(
    "text, offers_tracks",
    [
        ("ok what about for teens specifically", True),
        ("y para adolescentes?", True),
        ("any for young adults?", True),
        ("what about the weekend", False),
    ],
)
def test_a_message_that_names_a_track_is_offered_the_tracks(book: AnswerBook, text: str, offers_tracks: bool) -> None:
    """ "what about for teens?" with no meeting search behind it reads as a meeting follow-up."""
    unsure = ranking(("meeting_followup", 0.88), ("ask_tracks", 0.11))
    reply = did_you_mean(book, unsure, text)
    assert (reply is not None and reply.buttons[0]["payload"] == "/ask_tracks") == offers_tracks


def test_the_tracks_are_not_offered_twice_nor_past_the_limit(book: AnswerBook) -> None:
    assert [b["payload"] for b in offered(book, ranking(("ask_tracks", 0.5)), "teens")] == ["/ask_tracks"]
    full = ranking(("ask_cost", 0.5), ("ask_insurance", 0.3))
    assert [b["payload"] for b in offered(book, full, "teens")] == ["/ask_cost", "/ask_insurance"]
