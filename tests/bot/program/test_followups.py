"""Follow-ups read against the topic: insurers and aspects remembered, tracks named, days carried."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

import pytest

from bot.program import followups, schedule
from bot.program.answers import AnswerBook

UTC = dt.timezone.utc
# Wednesday 25 Nov 2026, 15:30 in Palm Springs (23:30 UTC).
WEDNESDAY_AFTERNOON = dt.datetime(2026, 11, 25, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, named, expected",
    [
        ("what about tomorrow?", ["tomorrow"], True),
        ("and friday?", ["friday"], True),
        ("And on Saturday then?", ["saturday"], True),
        ("tomorrow?", ["tomorrow"], True),
        ("how about aetna", ["aetna"], True),
        ("i have cigna", ["cigna"], True),
        ("it's kaiser", ["kaiser"], True),
        ("is there group on thursday?", ["thursday"], False),
        ("do you take aetna?", ["aetna"], False),
        ("what about the assessment", [], False),
    ],
)
def test_a_follow_up_is_a_lead_in_and_what_it_names(text: str, named: List[str], expected: bool) -> None:
    assert followups.is_followup(text, named) is expected


@pytest.mark.parametrize(
    "text, aspect",
    [
        ("is there a copay?", "copay"),
        ("what about my deductible", "copay"),
        ("whats the out of pocket", "copay"),
        ("how much would i owe", "copay"),
        ("do I need a referral for that", "referral"),
        ("do they need prior authorization", "referral"),
        ("do you take aetna?", None),
    ],
)
def test_the_aspect_asked_about(text: str, aspect: Optional[str]) -> None:
    assert followups.insurance_aspect(text) == aspect


def _answer(
    book: AnswerBook, text: str, entity: Optional[str], remembered: Optional[str], last_aspect: Optional[str]
) -> Tuple[followups.InsuranceQuestion, followups.Answer]:
    question = followups.read_insurance(text, entity, book.carriers, remembered, last_aspect)
    return question, followups.insurance_answer(question, book.program)


@pytest.mark.parametrize(
    "text, entity, remembered, last_aspect, carrier, aspect, key",
    [
        # An aspect alone is about the insurer named before.
        ("is there a copay?", None, "Aetna", None, "Aetna", "copay", "utter_insurance_copay"),
        # Referrals: the center's referral answer, told which insurer.
        ("do I need a referral for that", None, "Humana", None, "Humana", "referral", "situation_referral"),
        ("do I need a referral for that", None, "Kaiser Permanente", None, "Kaiser Permanente", "referral", "situation_referral"),
        # A carrier we do not accept: no copay with it, and what it costs without (not the "we don't
        # accept it" answer again).
        ("is there a copay?", None, "Medi-Cal", None, "Medi-Cal", "copay", "insurance_not_accepted_copay"),
        ("is there a copay?", None, "acme health", None, "acme health", "copay", "utter_insurance_copay"),
        # Nothing named yet: the aspect, and which insurance?
        ("is there a copay?", None, None, None, None, "copay", "utter_insurance_copay_which"),
        ("do they need prior auth", None, None, None, None, "referral", "situation_referral"),
        # The answer to "which insurance do you have?" keeps the aspect.
        ("i have cigna", "Cigna", None, "copay", "Cigna", "copay", "utter_insurance_copay"),
        ("and medi-cal?", "Medi-Cal", None, "copay", "Medi-Cal", "copay", "insurance_not_accepted_copay"),
        # Another insurer named after one we knew: is it accepted?
        ("what about Aetna?", "Aetna", "Kaiser Permanente", "referral", "Aetna", None, "insurance_in_network"),
        ("and medi-cal?", "Medi-Cal", "Aetna", None, "Medi-Cal", None, "insurance_not_accepted"),
        ("do you take humana", None, "Aetna", "copay", "Humana", None, "insurance_verify"),
        # A full question with its own insurer is about that insurer.
        ("whats the copay with blue cross", None, "Aetna", None, "Blue Cross Blue Shield", "copay", "utter_insurance_copay"),
        ("do you take insurance", None, None, None, None, None, "insurance_general"),
    ],
)
def test_insurance_read_against_what_came_before(
    book: AnswerBook,
    text: str,
    entity: Optional[str],
    remembered: Optional[str],
    last_aspect: Optional[str],
    carrier: Optional[str],
    aspect: Optional[str],
    key: str,
) -> None:
    question, answer = _answer(book, text, entity, remembered, last_aspect)
    assert (question.carrier, question.aspect, answer.key) == (carrier, aspect, key)


def test_domain_answers_carry_the_program_facts(book: AnswerBook) -> None:
    _, answer = _answer(book, "is there a copay?", None, "Aetna", None)
    assert not answer.from_book
    assert answer.values == {"carrier": "Aetna", "verification": book.program.insurance.verification}


@pytest.mark.parametrize(
    "remembered, expected",
    [
        ("Kaiser Permanente", "We don't currently accept Kaiser Permanente. Kaiser members usually need a referral"),
        ("Aetna", "You don't need a referral to start with us: you can reach out yourself. Some Aetna plans do ask"),
        ("acme health", "You don't need a referral to start with us: you can reach out yourself. Some health plans do ask"),
    ],
)
def test_a_referral_follow_up_gets_the_centers_referral_answer_for_that_insurer(
    book: AnswerBook, remembered: str, expected: str
) -> None:
    _, answer = _answer(book, "do I need a referral for that", None, remembered, None)
    assert book.render(answer.key, **answer.values).text.startswith(expected)


def test_without_a_referral_answer_in_the_data_the_insurers_own_answer(book: AnswerBook) -> None:
    program = book.program.copy(update={"situations": [s for s in book.program.situations if s.key != "referral"]})
    question = followups.read_insurance("do I need a referral for that", None, book.carriers, "Kaiser Permanente")
    assert followups.insurance_answer(question, program).key == "insurance_not_accepted"


@pytest.mark.parametrize(
    "text, track, member",
    [
        ("I'm in the evening program", "adult_evening", True),
        ("im in evening", "adult_evening", True),
        ("i go to the morning groups", "adult_day", True),
        ("my son is in the teen program", "adolescent", True),
        ("my daughter's in the adolescent iop", "adolescent", True),
        ("I do the young adult track", "young_adult", True),
        ("I'm in PHP", "php_day", True),
        ("my track is evening", "adult_evening", True),
        ("when does the evening program meet?", "adult_evening", False),
        ("i'm interested in the evening program", "adult_evening", False),
        ("what's in the teen program", "adolescent", False),
        ("is there a day program", "adult_day", False),
        ("do you have evening groups?", None, None),
        ("i'm on day 3", None, None),
        ("what time is group", None, None),
    ],
)
def test_a_track_named(book: AnswerBook, text: str, track: Optional[str], member: Optional[bool]) -> None:
    mention = followups.track_mentioned(text, book.program.tracks)
    found = (mention.track.key, mention.member) if mention else (None, None)
    assert found == (track, member)


def _conversation(book: AnswerBook, messages: List[str]) -> List[Tuple[Optional[str], bool, List[str]]]:
    """Each message read against the ones before, as the action keeps them in slots."""
    now_local = WEDNESDAY_AFTERNOON.astimezone(book.program.center.zone)
    member: Optional[str] = None
    last: Optional[Dict[str, Any]] = None
    seen = []
    for message in messages:
        focus = followups.read_schedule(message, now_local, book.program, member, last)
        member = focus.member_track or member
        last = focus.remembered()
        replies = [reply.text for reply in schedule.day_replies(book, focus.question, focus.track)]
        seen.append((focus.track.key if focus.track else None, focus.overview, replies))
    return seen


def test_a_named_track_is_the_topic_of_later_days(book: AnswerBook) -> None:
    named, tomorrow, friday, saturday = _conversation(
        book, ["I'm in the evening program", "what about tomorrow?", "and friday?", "group on saturday?"]
    )
    assert named == ("adult_evening", True, [])
    assert tomorrow == ("adult_evening", False, ["Yes, tomorrow (Thursday) we have:\n• Adult Evening IOP, 6:00 pm–9:00 pm"])
    assert friday == ("adult_evening", False, ["We don't have Adult Evening IOP groups on Friday. The next ones are on Monday."])
    assert saturday[2] == ["We don't have Adult Evening IOP groups on Saturday. The next ones are on Monday."]


def test_a_track_named_after_a_schedule_question(book: AnswerBook) -> None:
    overview, named, thursday = _conversation(
        book, ["what are the group times?", "my son is in the teen program", "and thursday?"]
    )
    assert overview == (None, False, [])
    assert named == ("adolescent", True, [])
    assert thursday[2] == ["Yes, on Thursday we have:\n• Adolescent IOP, 3:30 pm–6:30 pm"]


def test_a_follow_up_keeps_the_time_of_day_and_a_new_one_drops_the_track(book: AnswerBook) -> None:
    _, friday, morning = _conversation(book, ["I'm in the evening program", "and friday?", "and in the morning?"])
    assert friday[0] == "adult_evening"
    assert morning == (
        None,
        False,
        ["Yes, on Friday we have:\n• Partial Hospitalization (PHP), 9:00 am–2:30 pm\n• Adult Day IOP, 9:30 am–12:30 pm"],
    )
    _, friday = _conversation(book, ["do you have evening groups?", "and friday?"])
    assert friday == (None, False, ["We don't have evening groups on Friday. The next ones are on Monday."])


def test_without_a_follow_up_only_the_persons_own_track_counts(book: AnswerBook) -> None:
    # Asking about another track is not joining it; a full question is not a follow-up.
    _, _, saturday = _conversation(
        book, ["im in the day program", "what time is the teen program?", "is there group on saturday?"]
    )
    assert saturday[2] == ["We don't have Adult Day IOP groups on Saturday. The next ones are on Monday."]
    _, saturday = _conversation(book, ["when does the evening program meet?", "is there group on saturday?"])
    assert saturday == (None, False, ["Yes, on Saturday we have:\n• Young Adult IOP, 10:00 am–1:00 pm"])


def test_the_track_named_with_another_time_of_day_is_remembered_but_not_answered(book: AnswerBook) -> None:
    now_local = WEDNESDAY_AFTERNOON.astimezone(book.program.center.zone)
    focus = followups.read_schedule("i'm in the day program, anything in the evening?", now_local, book.program)
    assert (focus.track, focus.overview, focus.member_track, focus.question.part) == (None, False, "adult_day", "evening")


# -- Spanish (issue 19) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, named, expected",
    [
        ("y mañana?", ["mañana"], True),
        ("¿y el viernes?", ["viernes"], True),
        ("¿qué tal el sábado?", ["sábado"], True),
        ("mañana?", ["mañana"], True),
        ("¿el jueves entonces?", ["jueves"], True),
        ("¿hay grupo el jueves?", ["jueves"], False),
        ("tengo cigna", ["cigna"], True),
    ],
)
def test_a_spanish_follow_up_is_a_lead_in_and_what_it_names(text: str, named: List[str], expected: bool) -> None:
    assert followups.is_followup(text, named) is expected


@pytest.mark.parametrize(
    "text, track, member",
    [
        ("estoy en el programa de la noche", "adult_evening", True),
        ("mi hijo está en el programa de adolescentes", "adolescent", True),
        ("voy al grupo de la noche", "adult_evening", True),
        ("¿cuándo se reúne el programa de la noche?", "adult_evening", False),
        ("¿a qué hora es el grupo de la noche?", None, None),
        ("¿tienen grupos en la noche?", None, None),
    ],
)
def test_a_track_named_in_spanish(book: AnswerBook, text: str, track: Optional[str], member: Optional[bool]) -> None:
    mention = followups.track_mentioned(text, book.program.tracks)
    found = (mention.track.key, mention.member) if mention else (None, None)
    assert found == (track, member)


def test_a_spanish_conversation_about_a_track(book: AnswerBook) -> None:
    spanish = book.in_language("es")
    named, tomorrow, friday, saturday = _conversation(
        spanish, ["estoy en el programa de la noche", "y mañana?", "¿y el viernes?", "¿hay grupo el sábado?"]
    )
    assert named == ("adult_evening", True, [])
    assert tomorrow == (
        "adult_evening",
        False,
        ["Sí, mañana (jueves) tenemos:\n• IOP de noche para adultos, 6:00 p. m.–9:00 p. m."],
    )
    assert friday == (
        "adult_evening",
        False,
        ["No tenemos grupos del IOP de noche para adultos el viernes. Los próximos son el lunes."],
    )
    assert saturday[2] == ["No tenemos grupos del IOP de noche para adultos el sábado. Los próximos son el lunes."]


def test_a_spanish_follow_up_keeps_the_time_of_day(book: AnswerBook) -> None:
    spanish = book.in_language("es")
    _, friday = _conversation(spanish, ["¿tienen grupos en la noche?", "¿y el viernes?"])
    assert friday == (None, False, ["No tenemos grupos de la noche el viernes. Los próximos son el lunes."])


@pytest.mark.parametrize(
    "language, question, words, note",
    [
        ("en", "is there a copay?", "wouldn't owe a copay", "access line"),
        ("es", "¿hay copago?", "no habría copago", "línea de acceso"),
        ("es", "y cuánto tendría que pagar de mi bolsillo", "no habría copago", "línea de acceso"),
    ],
)
def test_the_copay_with_an_insurer_we_do_not_accept(
    book: AnswerBook, language: str, question: str, words: str, note: str
) -> None:
    """Asked in either language after Medi-Cal: no copay with it, what it costs without, and the
    insurer's note; not the "we don't accept it" answer again."""
    _, answer = _answer(book, question, None, "Medi-Cal", None)
    assert answer.key == "insurance_not_accepted_copay"
    reply = book.in_language(language).render(answer.key, **answer.values)
    assert words in reply.text and "$850" in reply.text and note in reply.text and "IEHP" in reply.text
    assert reply.text != book.in_language(language).render("insurance_not_accepted", **answer.values).text
