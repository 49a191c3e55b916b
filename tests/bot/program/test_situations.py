"""Special situations recognised in a question's words (data/program/situations.yml)."""

from __future__ import annotations

from typing import List, Optional

import pytest

from bot.program.answers import AnswerBook
from bot.program.insurance import CarrierMatcher
from bot.program.models import Carrier, Holiday, Situation
from bot.program.situations import SituationFinder, normalise, phrases_pattern


def finder(*situations: Situation, holidays: Optional[List[Holiday]] = None) -> SituationFinder:
    carriers = CarrierMatcher([Carrier(name="Kaiser Permanente", status="not_accepted", aliases=["kaiser"])])
    return SituationFinder(situations, holidays or [], carriers)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Court-Ordered?!", "court ordered"),
        ("New Year’s Day", "new years day"),
        ("  I'm   10 weeks\tpregnant ", "im 10 weeks pregnant"),
        ("f*ck", "f ck"),
        ("¿Día de Acción de Gracias?", "dia de accion de gracias"),
        ("Año Nuevo", "ano nuevo"),
    ],
)
def test_normalise_folds_case_accents_apostrophes_and_punctuation(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "phrases, text, matches",
    [
        (["pregnan*"], "im pregnant", True),
        (["pregnan*"], "my pregnancy", True),
        (["pregnan*"], "unpregnant", False),  # whole words only
        (["court"], "courtney's mom", False),
        (["court ordered"], "it's court-ordered", True),
        (["4th of july"], "group on the 4th of July?", True),
        (["eap"], "leap year", False),
        ([], "anything", None),
    ],
)
def test_phrases_match_whole_words_with_trailing_wildcards(phrases: List[str], text: str, matches: Optional[bool]) -> None:
    pattern = phrases_pattern(phrases)
    if matches is None:
        assert pattern is None
    else:
        assert bool(pattern.search(normalise(text))) is matches  # type: ignore[union-attr]


def test_also_needs_a_second_word() -> None:
    quit = Situation(key="quit", answer="a", phrases=["at home"], also=["quit*", "detox*"])
    found = finder(quit)
    assert found.find("can I quit at home", "ask_detox") is not None
    assert found.find("can I do the assessment at home", "ask_detox") is None


def test_intents_limit_where_a_situation_applies() -> None:
    court = Situation(key="court", answer="a", phrases=["probation"], intents=["ask_admissions"])
    found = finder(court)
    assert found.find("my probation officer sent me", "ask_admissions") is not None
    assert found.find("can my probation officer see my records", "ask_privacy") is None


def test_a_situation_for_any_question_never_answers_what_is_not_a_question() -> None:
    pregnancy = Situation(key="pregnancy", answer="a", phrases=["pregnant"])
    found = finder(pregnancy)
    assert found.find("i'm pregnant, can i come", "ask_candidate", question=True) is not None
    assert found.find("relapsed and i'm pregnant", "relapse", question=False) is None


def test_the_first_situation_in_the_file_wins() -> None:
    specific = Situation(key="specific", answer="a", phrases=["pregnant"], also=["heroin"])
    general = Situation(key="general", answer="b", phrases=["pregnant"])
    found = finder(specific, general)
    assert found.find("pregnant and on heroin", "ask_candidate").answer == "a"  # type: ignore[union-attr]
    assert found.find("pregnant and drinking", "ask_candidate").answer == "b"  # type: ignore[union-attr]


def test_holidays_count_as_phrases_and_the_longest_name_wins() -> None:
    holidays = [
        Holiday(name="Christmas Day", closed=True, words=["christmas", "xmas"]),
        Holiday(name="Christmas Eve", closed=False, words=["xmas eve"]),
    ]
    situation = Situation(key="holidays", answer="a", phrases=["holidays"], holidays=True)
    found = finder(situation, holidays=holidays)
    assert found.find("group on Christmas eve?", "ask_schedule").context["holiday"].name == "Christmas Eve"  # type: ignore[union-attr]
    assert found.find("group on xmas", "ask_schedule").context["holiday"].name == "Christmas Day"  # type: ignore[union-attr]
    assert found.find("open on holidays?", "ask_schedule").context["holiday"] is None  # type: ignore[union-attr]
    assert found.find("group on monday?", "ask_schedule") is None


def test_a_carrier_is_passed_on_only_when_named_outright() -> None:
    referral = Situation(key="referral", answer="a", phrases=["referral"])
    found = finder(referral)
    assert found.find("referral from kaiser?", "ask_admissions").context["carrier"].name == "Kaiser Permanente"  # type: ignore[union-attr]
    assert found.find("referral from kaisr?", "ask_admissions").context["carrier"] is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text, intent, situation",
    [
        ("what ASAM level is your IOP?", "compare_levels_of_care", "asam"),
        ("how do I get a referral from Kaiser?", "ask_assessment", "referral"),
        ("I'm 10 weeks pregnant and using meth, can I still come?", "ask_candidate", "pregnancy"),
        ("I'm 10 weeks pregnant and using meth, can I still come?", "ask_program_length", "pregnancy"),
        ("pregnant and on subs, do you take me", "ask_admissions", "pregnancy_opioids"),
        ("is it ok to quit xanax cold turkey", "ask_detox", "quit_at_home"),
        ("I want to detox at home by myself", "ask_candidate", "quit_at_home"),
        ("court ordered IOP, how do I start", "ask_admissions", "court"),
        ("can you write a letter for my PO", "ask_other_question", "court"),
        ("HR is making me go to treatment", "ask_admissions", "employer_referral"),
        ("does my EAP pay for it", "ask_cost", "eap"),
        ("I got kicked out last year, can I come back?", "ask_admissions", "readmission"),
        ("relapsed after 6 months, can i restart the program", "ask_effectiveness", "readmission"),
        ("group on labor day?", "ask_schedule", "holidays"),
        ("are you open on the 4th of july", "ask_contact", "holidays"),
        # Words that look like a situation in a question about something else.
        ("can my probation officer see my records", "ask_privacy", None),
        ("how long is the program? my PO wants to know", "ask_program_length", None),
        ("he was referred to your IOP, what is it exactly", "ask_what_is_iop", None),
        ("can I come back as a volunteer after I graduate", "ask_other_question", None),
        ("any chance I can start before the holidays", "ask_admissions", None),
        ("I'm an EAP counselor, what can this chat do", "ask_capabilities", None),
        ("how well does IOP work compared to quitting on my own", "ask_effectiveness", None),
        ("what is iop", "ask_what_is_iop", None),
    ],
)
def test_the_demo_centers_situations(book: AnswerBook, text: str, intent: str, situation: Optional[str]) -> None:
    match = book.situations.find(text, intent, question=book.has(intent) or intent == "ask_schedule")
    assert (match.situation.key if match else None) == situation


@pytest.mark.parametrize(
    "text, intent, situation",
    [
        ("estoy embarazada de 10 semanas y uso fentanilo, puedo entrar?", "ask_candidate", "pregnancy_opioids"),
        ("mi hija esta embarazada, la aceptan en el programa?", "ask_admissions", "pregnancy"),
        ("quiero dejar el alcohol yo solo en mi casa, se puede?", "ask_detox", "quit_at_home"),
        ("el juez me ordenó un programa, ustedes mandan reportes a la corte?", "ask_admissions", "court"),
        ("mi jefe me mandó a tratamiento, qué hago", "ask_admissions", "employer_referral"),
        ("ya estuve en el programa antes, puedo volver al programa?", "ask_admissions", "readmission"),
        ("necesito una referencia de mi doctor?", "ask_admissions", "referral"),
        ("¿hay grupo el día de acción de gracias?", "ask_schedule", "holidays"),
        ("abren en navidad?", "ask_schedule", "holidays"),
        ("solo quiero dejar de tomar, qué necesito para empezar?", "ask_admissions", None),
        ("¿cuánto dura el programa?", "ask_program_length", None),
    ],
)
def test_the_demo_center_recognises_situations_in_spanish(
    book: AnswerBook, text: str, intent: str, situation: Optional[str]
) -> None:
    found = book.in_language("es").situations.find(text, intent)
    assert (found.situation.key if found else None) == situation
