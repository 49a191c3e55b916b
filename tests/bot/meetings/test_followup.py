"""Reading a short follow-up against the last meeting search: what it changes, or which listed
meeting it asks about and what about it."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Tuple

import pytest

from bot.meetings.followup import (
    Reference,
    SaidAs,
    aspects_of,
    is_refinement,
    merge_types,
    merge_when,
    read_question,
    read_reference,
    refine,
)
from bot.meetings.models import Fellowship
from bot.meetings.query import MeetingQuery, When, read_query

F = Fellowship
NAMES = ["Desert Dawn Group", "Noon Serenity", "Sunset Step Study", "Hope Hall", "Last Call"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("is the first one wheelchair accessible?", Reference(0)),
        ("where is the second one?", Reference(1)),
        ("what time does the 3rd one start", Reference(2)),
        ("wat time does 3rd one start", Reference(2)),
        ("is the fourth meeting in spanish", Reference(3)),
        ("how far is the last one?", Reference(-1)),
        ("where's the third?", Reference(2)),
        ("the 2nd on the list, is it open?", Reference(1)),
        ("is #3 open or closed", Reference(2)),
        ("number 2 please, where is it", Reference(1)),
        ("is meeting 5 online", Reference(4)),
        ("is Noon Serenity wheelchair accessible?", Reference(1)),
        ("where is desert dawn", Reference(0)),  # a name without its "Group"
        ("which ones are online", Reference(None, plural=True)),
        ("are any of them in spanish?", Reference(None, plural=True)),
        ("is it wheelchair accessible?", Reference(None, pronoun=True)),
        ("is that one online?", Reference(None, pronoun=True)),
    ],
)
def test_a_reference_names_a_listed_meeting(text: str, expected: Reference) -> None:
    reference, _ = read_reference(text, NAMES)
    assert reference == expected


@pytest.mark.parametrize(
    "text",
    [
        "is this my first time, any for newcomers?",
        "the first time i went to a meeting i was scared",
        "what's good for my first meeting",
        "any within 2 miles",
        "meeting 2 miles away",
        "the last night was rough",
        "what about tomorrow?",
        "any online ones?",
    ],
)
def test_words_that_point_at_no_listed_meeting(text: str) -> None:
    reference, _ = read_reference(text, NAMES)
    assert reference is None


@pytest.mark.parametrize(
    "text, aspects",
    [
        ("is the first one wheelchair accessible?", ("type:wheelchair",)),
        ("where is the second one?", ("where",)),
        ("what time does the 3rd one start", ("when",)),
        ("whats the address of the first one", ("where",)),
        ("how far is the last one?", ("distance",)),
        ("when does the second one end", ("end", "when")),
        ("zoom link for the first one?", ("link",)),  # the link, not "is it online?"
        ("is the 2nd one online?", ("attendance:online",)),
        ("is the first one in person", ("attendance:in_person",)),
        ("is the second one open?", ("type:open",)),
        ("is the first one a closed meeting", ("type:closed",)),
        ("is the second meeting in spanish", ("type:spanish",)),
        ("is the fourth one for young people", ("type:young_people",)),
        ("is the first one for a first timer", ("type:beginners",)),
        ("is the first one AA or NA", ("fellowship:AA", "fellowship:NA")),
        ("is the 1st one tonight?", ("when",)),
        ("parking at the third one?", ("notes",)),
        ("tell me more about the 2nd one", ("all",)),
        ("the first one?", ()),
    ],
)
def test_what_a_question_about_a_meeting_asks(text: str, aspects: Tuple[str, ...]) -> None:
    _, rest = read_reference(text, NAMES)
    assert aspects_of(rest) == aspects


def test_a_question_needs_a_meeting_and_something_to_ask_about_it() -> None:
    question = read_question("is the first one wheelchair accessible?", NAMES, SaidAs.FOLLOW_UP)
    assert question is not None and question.reference == Reference(0) and question.aspects == ("type:wheelchair",)
    assert read_question("what about it?", NAMES, SaidAs.FOLLOW_UP) is None
    assert read_question("any online ones?", NAMES, SaidAs.FOLLOW_UP) is None


def test_a_day_said_about_it_changes_the_search_rather_than_asking() -> None:
    assert read_question("make it tomorrow instead", NAMES, SaidAs.FOLLOW_UP) is None
    assert read_question("is it in spanish?", NAMES, SaidAs.FOLLOW_UP) is not None


def test_the_first_meeting_with_a_day_is_a_new_request_when_read_as_one() -> None:
    assert read_question("what's the first meeting tomorrow morning?", NAMES, SaidAs.REQUEST) is None
    assert read_question("is the first meeting wheelchair accessible?", NAMES, SaidAs.REQUEST) is not None


TONIGHT = When(relative_day=0, part="tonight")


@pytest.mark.parametrize(
    "base, said, merged",
    [
        (TONIGHT, "what about tomorrow?", When(relative_day=1, part="evening")),
        (TONIGHT, "what about saturday?", When(weekday=5, part="evening")),
        (When(relative_day=1), "something in the evening?", When(relative_day=1, part="evening")),
        (When(weekday=5, part="morning"), "what about sunday", When(weekday=6, part="morning")),
        (When(weekday=5, part="morning"), "at 7pm instead", When(weekday=5, clock=dt.time(19, 0))),
        (When(now=True), "what about tomorrow", When(relative_day=1)),
        (When(relative_day=1, part="morning"), "anything now?", When(now=True)),
        (When(weekend=True), "what about friday", When(weekday=4)),
        (When(relative_day=1, part="morning"), "any online ones?", When(relative_day=1, part="morning")),
        (TONIGHT, "tonight is fine", TONIGHT),
    ],
)
def test_a_day_replaces_the_day_and_a_time_replaces_the_time(base: When, said: str, merged: When) -> None:
    assert merge_when(base, read_query(said).when) == merged


@pytest.mark.parametrize(
    "base, said, merged",
    [
        ({"spanish"}, {"young_people"}, {"spanish", "young_people"}),
        ({"women", "spanish"}, {"men"}, {"men", "spanish"}),
        ({"spanish"}, {"korean"}, {"korean"}),
        ({"open"}, {"closed"}, {"closed"}),
        ({"wheelchair"}, {"child_care"}, {"wheelchair", "child_care"}),
        ({"speaker", "women"}, {"big_book"}, {"big_book", "women"}),
        ({"women"}, set(), {"women"}),
    ],
)
def test_a_type_replaces_its_own_kind_and_keeps_the_others(base: set, said: set, merged: set) -> None:
    assert merge_types(frozenset(base), frozenset(said)) == frozenset(merged)


SPANISH_AA_TONIGHT = MeetingQuery(fellowships=frozenset({F.aa}), types=frozenset({"spanish"}), when=TONIGHT)


@pytest.mark.parametrize(
    "text, fellowships, attendance, types, when",
    [
        ("what about tomorrow?", {F.aa}, None, {"spanish"}, When(relative_day=1, part="evening")),
        ("any for young people?", {F.aa}, None, {"spanish", "young_people"}, TONIGHT),
        ("any online ones?", {F.aa}, "online", {"spanish"}, TONIGHT),
        ("what about NA?", {F.na}, None, {"spanish"}, TONIGHT),
        ("something in the evening?", {F.aa}, None, {"spanish"}, When(relative_day=0, part="evening")),
        ("any women's ones on saturday", {F.aa}, None, {"spanish", "women"}, When(weekday=5, part="evening")),
        ("any time is fine", {F.aa}, None, {"spanish"}, When()),
        ("any fellowship is fine", set(), None, {"spanish"}, TONIGHT),
    ],
)
def test_a_refinement_keeps_everything_else_the_person_asked_for(
    text: str, fellowships: set, attendance: Optional[str], types: set, when: When
) -> None:
    query = refine(SPANISH_AA_TONIGHT, text, place_named=False)
    assert query.fellowships == frozenset(fellowships)
    assert query.attendance == attendance
    assert query.types == frozenset(types)
    assert query.when == when


def test_closer_without_a_place_halves_the_radius_and_with_one_keeps_it() -> None:
    assert refine(SPANISH_AA_TONIGHT, "any closer?", place_named=False).radius_miles == 5.0
    assert refine(SPANISH_AA_TONIGHT, "closer to Palm Desert?", place_named=True).radius_miles == 10.0
    assert refine(SPANISH_AA_TONIGHT, "within 3 miles", place_named=False).radius_miles == 3.0


def test_a_place_after_an_online_search_asks_for_rooms_there() -> None:
    online = MeetingQuery(fellowships=frozenset({F.na}), attendance="online")
    assert refine(online, "what about in Indio?", place_named=True).attendance is None
    assert refine(online, "online ones in Indio's time zone", place_named=True).attendance == "online"


@pytest.mark.parametrize(
    "text, place_named, said_as, expected",
    [
        ("what about tomorrow?", False, SaidAs.FOLLOW_UP, True),
        ("what about it?", False, SaidAs.FOLLOW_UP, False),  # nothing to change
        ("what about NA?", False, SaidAs.REQUEST, True),
        ("any online ones?", False, SaidAs.REQUEST, True),
        ("NA meetings tomorrow night", False, SaidAs.REQUEST, False),  # a new request
        ("anything tomorrow morning?", False, SaidAs.RIGHT_AFTER, True),
        ("what time is group tomorrow?", False, SaidAs.RIGHT_AFTER, False),  # our own groups
        ("do you run anything on saturday mornings", False, SaidAs.RIGHT_AFTER, False),
        ("mornings?", False, SaidAs.RIGHT_AFTER, True),
        ("any AA groups tomorrow?", False, SaidAs.RIGHT_AFTER, True),
        ("indio", True, SaidAs.RIGHT_AFTER, True),
        ("anything tomorrow morning?", False, SaidAs.LATER, False),  # the topic moved on
        ("any online meetings tomorrow?", False, SaidAs.LATER, True),
        ("do you have evening sessions?", False, SaidAs.LATER, False),
    ],
)
def test_how_readily_a_message_counts_as_a_change(text: str, place_named: bool, said_as: SaidAs, expected: bool) -> None:
    assert is_refinement(text, place_named, said_as) is expected


@pytest.mark.parametrize(
    "text, expected",
    [("any online ones?", True), ("what about NA?", True), ("what about tomorrow?", False), ("tomorrow at group?", False)],
)
def test_without_a_search_only_words_about_meetings_start_one(text: str, expected: bool) -> None:
    assert is_refinement(text, False, SaidAs.FOLLOW_UP, has_search=False) is expected


def test_a_refined_search_survives_the_slot() -> None:
    query = refine(SPANISH_AA_TONIGHT, "what about NA at 7pm?", place_named=False)
    assert MeetingQuery.from_slot(query.to_slot()) == query


# -- Spanish (issue 19) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("¿la primera es accesible en silla de ruedas?", Reference(0)),
        ("¿dónde es la segunda?", Reference(1)),
        ("¿a qué hora empieza la tercera reunión?", Reference(2)),
        ("¿el primer grupo es en español?", Reference(0)),
        ("¿qué tan lejos queda la última?", Reference(-1)),
        ("la 2da de la lista, ¿es abierta?", Reference(1)),
        ("¿la número 3 es en línea?", Reference(2)),
        ("¿cuáles son en línea?", Reference(None, plural=True)),
        ("¿esa es accesible en silla de ruedas?", Reference(None, pronoun=True)),
        ("¿esa reunión es en persona?", Reference(None, pronoun=True)),
    ],
)
def test_a_spanish_reference_names_a_listed_meeting(text: str, expected: Reference) -> None:
    reference, _ = read_reference(text, NAMES)
    assert reference == expected


@pytest.mark.parametrize(
    "text",
    ["es mi primera vez, ¿hay para principiantes?", "¿y mañana?", "¿alguna en línea?", "reuniones a 2 millas", "esta noche"],
)
def test_spanish_words_that_point_at_no_listed_meeting(text: str) -> None:
    reference, _ = read_reference(text, NAMES)
    assert reference is None


@pytest.mark.parametrize(
    "text, aspects",
    [
        ("¿la primera es accesible en silla de ruedas?", ("type:wheelchair",)),
        ("¿dónde es la segunda?", ("where",)),
        ("¿cuál es la dirección de la primera?", ("where",)),
        ("¿qué tan lejos queda la última?", ("distance",)),
        ("¿a qué hora termina la segunda?", ("end", "when")),
        ("¿el enlace de la primera?", ("link",)),
        ("¿la segunda es en línea?", ("attendance:online",)),
        ("¿la primera es abierta?", ("type:open",)),
        ("¿la segunda es en español?", ("type:spanish",)),
        ("¿la primera es de AA?", ("fellowship:AA",)),
        ("¿hay estacionamiento en la tercera?", ("notes",)),
        ("más información de la segunda", ("all",)),
    ],
)
def test_what_a_spanish_question_about_a_meeting_asks(text: str, aspects: Tuple[str, ...]) -> None:
    _, rest = read_reference(text, NAMES)
    assert aspects_of(rest) == aspects


@pytest.mark.parametrize(
    "text, fellowships, attendance, types, when",
    [
        ("¿y mañana?", {F.aa}, None, {"spanish"}, When(relative_day=1, part="evening")),
        ("¿qué tal el sábado?", {F.aa}, None, {"spanish"}, When(weekday=5, part="evening")),
        ("¿alguna en línea?", {F.aa}, "online", {"spanish"}, TONIGHT),
        ("¿y de NA?", {F.na}, None, {"spanish"}, TONIGHT),
        ("¿alguna para jóvenes?", {F.aa}, None, {"spanish", "young_people"}, TONIGHT),
        ("mejor en la mañana", {F.aa}, None, {"spanish"}, When(relative_day=0, part="morning")),
        ("a cualquier hora", {F.aa}, None, {"spanish"}, When()),
    ],
)
def test_a_spanish_refinement_keeps_everything_else(
    text: str, fellowships: set, attendance: Optional[str], types: set, when: When
) -> None:
    query = refine(SPANISH_AA_TONIGHT, text, place_named=False)
    assert (query.fellowships, query.attendance, query.types, query.when) == (
        frozenset(fellowships),
        attendance,
        frozenset(types),
        when,
    )


def test_closer_in_spanish_halves_the_radius() -> None:
    assert refine(MeetingQuery(radius_miles=10.0), "¿algo más cerca?", place_named=False).radius_miles == 5.0


@pytest.mark.parametrize(
    "text, said_as, expected",
    [
        ("¿y mañana?", SaidAs.FOLLOW_UP, True),
        ("¿y mañana?", SaidAs.REQUEST, True),
        ("¿alguna en línea?", SaidAs.REQUEST, True),
        ("reuniones de NA el viernes", SaidAs.REQUEST, False),  # a new request
        ("¿a qué hora es el grupo mañana?", SaidAs.RIGHT_AFTER, False),  # our own groups
        ("¿tienen sesiones el sábado?", SaidAs.RIGHT_AFTER, False),
        ("¿hay grupos de AA mañana?", SaidAs.RIGHT_AFTER, True),  # a fellowship: meetings
        ("¿reuniones en línea mañana?", SaidAs.LATER, True),
        ("¿algo mañana en la mañana?", SaidAs.LATER, False),  # the topic moved on
    ],
)
def test_how_readily_a_spanish_message_counts_as_a_change(text: str, said_as: SaidAs, expected: bool) -> None:
    assert is_refinement(text, False, said_as) is expected
