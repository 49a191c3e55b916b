"""The "did you mean" reply: the likeliest answers of a message the model was unsure of."""

from __future__ import annotations

from typing import List, Tuple

import pytest
from rasa.shared.core.domain import Domain

from bot.program.answers import AnswerBook, Reply
from bot.program.suggestions import DID_YOU_MEAN, TOPICS, did_you_mean, intent_of, offerable, offered
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
    assert all(offerable(topic) for topic in topics)  # the data lists none the code would refuse
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


@pytest.mark.parametrize(
    "intent", [CRISIS_INTENT, RISK_POSSIBLE_INTENT, "crisis_safe", "crisis_false_alarm", "relapse", "affirm", "deny", "inform"]
)
def test_a_crisis_mode_reply_a_slip_or_a_yes_is_never_offered_even_if_the_data_lists_it(
    book: AnswerBook, monkeypatch: pytest.MonkeyPatch, intent: str
) -> None:
    """A tap says the intent on the person's behalf: "/crisis_safe" would end crisis mode."""
    render = book.render

    def listed_by_mistake(key: str, **extra: object) -> Reply:
        reply = render(key, **extra)
        return Reply(reply.text, reply.buttons + [{"title": "Listed by mistake", "payload": f"/{intent}"}])

    monkeypatch.setattr(book, "render", listed_by_mistake)
    assert book.render(TOPICS).buttons[-1]["payload"] == f"/{intent}"
    assert [b["payload"] for b in offered(book, ranking((intent, 0.9), ("ask_cost", 0.5)))] == ["/ask_cost"]


def test_what_the_message_named_goes_with_the_button(book: AnswerBook) -> None:
    """ "do you take iehp" at 0.7: the tap answers about IEHP's plan, not insurance in general."""
    entities = [{"entity": "insurance_carrier", "value": "Medi-Cal", "start": 13, "end": 17}]
    [button] = offered(book, ranking(("ask_insurance", 0.7)), "do you take iehp", entities)
    assert button["payload"] == '/ask_insurance{"insurance_carrier": "Medi-Cal"}'


@pytest.mark.parametrize("text", ["i cant sleep at night", "what about the mornings", "tengo ganas en la noche"])
def test_a_time_of_day_alone_is_not_a_track(book: AnswerBook, text: str) -> None:
    assert did_you_mean(book, ranking(("meeting_followup", 0.88)), text) is None


def test_a_bare_insurer_is_offered_the_insurance_answer_about_it(book: AnswerBook) -> None:
    """ "aetna" with no form asking reads as a form's answer (inform 0.99): the insurance answer."""
    entities = [{"entity": "insurance_carrier", "value": "Aetna"}]
    [button] = offered(book, ranking(("inform", 0.99), ("ask_insurance", 0.01)), "aetna", entities)
    assert button["payload"] == '/ask_insurance{"insurance_carrier": "Aetna"}'
