"""Short first with "Tell me more", no repeats of a long answer, and the situations' answers."""

from __future__ import annotations

import re
from typing import List

import pytest
import yaml

from bot.answer_book import DECLARED
from bot.program import replies
from bot.program.answers import AnswerBook, samples
from bot.settings import PROJECT_ROOT

RULES = yaml.safe_load((PROJECT_ROOT / "data" / "rules" / "program.yml").read_text())["rules"]
SITUATIONS = yaml.safe_load((PROJECT_ROOT / "data" / "program" / "situations.yml").read_text())["situations"]
QUESTIONS = sorted({rule["steps"][0]["intent"] for rule in RULES} - {replies.MORE_INTENT}) + ["greet"]
# Longer than this reads as a wall of text on a phone: it opens with a short version.
LONG_CHARS = 450
SITUATION_MAX_CHARS = 560  # a situation's answer is one short message, never split


@pytest.mark.parametrize("key", QUESTIONS)
def test_a_long_answer_has_a_short_version_that_is_shorter(book: AnswerBook, key: str) -> None:
    full = book.render(key).text
    if len(full) > LONG_CHARS:
        assert book.has_short(key), f"{key} is long ({len(full)} characters): give it a short version"
    if book.has_short(key):
        short = book.render_short(key).text
        assert len(short) < len(full) and len(short) <= LONG_CHARS


def test_first_time_short_with_the_button_then_a_reminder(book: AnswerBook) -> None:
    first = replies.respond(book, "ask_candidate", [])
    assert first.reply.text == book.render_short("ask_candidate").text
    assert first.reply.buttons[0] == {"title": "Tell me more", "payload": '/tell_me_more{"answer_key": "ask_candidate"}'}
    assert first.reply.buttons[1:] == book.render("ask_candidate").buttons  # the answer's own buttons after it
    assert first.given == ["ask_candidate"]
    again = replies.respond(book, "ask_candidate", ["ask_candidate", "ask_mat"])
    assert again.reply.text == "As I mentioned: " + first.reply.text
    assert again.reply.buttons == [first.reply.buttons[0]]
    assert again.given == ["ask_mat", "ask_candidate"]


def test_a_short_answer_is_given_whole_and_not_remembered(book: AnswerBook) -> None:
    answered = replies.respond(book, "ask_cost", ["ask_mat"])
    assert answered.reply == book.render("ask_cost") and answered.given == ["ask_mat"]


@pytest.mark.parametrize(
    "key, given, expected",
    [
        ("ask_tracks", [], "ask_tracks"),  # the button names it
        (None, ["ask_tracks", "ask_mat"], "ask_mat"),  # typed: the latest
        (None, [], "nothing_more"),
        ("ask_cost", [], "nothing_more"),  # short already, nothing more to tell
        ("callback_saved", [], "nothing_more"),  # a payload can name anything: only long answers expand
        ("no_such_answer", ["ask_mat"], "nothing_more"),
    ],
)
def test_tell_me_more(book: AnswerBook, key: str, given: List[str], expected: str) -> None:
    answered = replies.expand(book, key, given)
    assert answered.reply == book.render(expected)
    assert answered.given == (given if expected == "nothing_more" else [k for k in given if k != expected] + [expected])


def test_in_passing_only_the_short_version(book: AnswerBook) -> None:
    assert replies.brief(book, "ask_candidate").text == book.render_short("ask_candidate").text
    assert all("tell_me_more" not in b["payload"] for b in replies.brief(book, "ask_candidate").buttons)
    assert replies.brief(book, "ask_cost") == book.render("ask_cost")


@pytest.mark.parametrize(
    "intent, text, expected",
    [
        ("ask_candidate", "can I still come if I'm pregnant", "situation_pregnancy"),
        ("ask_candidate", "is IOP right for me", "ask_candidate"),
        ("relapse", "I'm pregnant and I used", None),  # not a question the center answers here
        ("no_such_intent", "hello", None),
    ],
)
def test_question_answer_picks_the_situation_first(book: AnswerBook, intent: str, text: str, expected: str) -> None:
    found = replies.question_answer(book, intent, text)
    assert (found[0] if found else None) == expected


def situation_texts(book: AnswerBook, answer: str) -> List[str]:
    return [book.render(answer, **sample).text for sample in samples(book.program, answer, DECLARED)]


@pytest.mark.parametrize("answer", sorted({situation["answer"] for situation in SITUATIONS}))
def test_situation_answers_are_short_and_never_give_doses(book: AnswerBook, answer: str) -> None:
    assert not book.has_short(answer)
    for text in situation_texts(book, answer):
        assert len(text) <= SITUATION_MAX_CHARS, (answer, len(text))
        assert not re.search(r"\d\s*(mg|milligrams?|mcg|ml)\b", text, re.IGNORECASE)


def test_pregnancy_with_opioids_says_what_matters(book: AnswerBook) -> None:
    [text, *_] = situation_texts(book, "situation_pregnancy_opioids")
    for part in (
        "talk to a doctor or your OB now",
        "don't stop suddenly on your own without medical advice",
        "admissions",
        "call 911",
    ):
        assert part in text
    assert "can't advise on medicines or doses" in text


def test_quitting_at_home_warns_about_alcohol_and_benzodiazepines(book: AnswerBook) -> None:
    [text, *_] = situation_texts(book, "situation_quit_at_home")
    assert "alcohol or benzodiazepines" in text and "seizures" in text and "See a doctor" in text and "911" in text


def test_asam_level_comes_from_the_levels_of_care(book: AnswerBook) -> None:
    [text, *_] = situation_texts(book, "situation_asam")
    assert "ASAM Level 2.1" in text and "Level 2.5" in text and "Level 1" in text


def test_holiday_answers_name_the_day(book: AnswerBook) -> None:
    labor = next(h for h in book.program.center.holidays if h.name == "Labor Day")
    mlk = next(h for h in book.program.center.holidays if h.name.startswith("Martin Luther King"))
    assert "closed on Labor Day, so there are no groups" in book.render("situation_holidays", holiday=labor, carrier=None).text
    assert "normal working day here" in book.render("situation_holidays", holiday=mlk, carrier=None).text
    general = book.render("situation_holidays", holiday=None, carrier=None).text
    assert "We close on New Year's Day, Memorial Day, Independence Day, Labor Day, Thanksgiving Day and Christmas Day" in general


def test_referral_answer_follows_the_carrier(book: AnswerBook) -> None:
    kaiser = book.carriers.match("kaiser").carrier  # type: ignore[union-attr]
    aetna = book.carriers.match("aetna").carrier  # type: ignore[union-attr]
    assert "We don't currently accept Kaiser Permanente" in book.render("situation_referral", holiday=None, carrier=kaiser).text
    assert "Some Aetna plans" in book.render("situation_referral", holiday=None, carrier=aetna).text
    assert "You don't need a referral" in book.render("situation_referral", holiday=None, carrier=None).text
