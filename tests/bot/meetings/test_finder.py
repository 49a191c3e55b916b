"""The finder's conversation logic on a small hand-made set of meetings at a fixed time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, List, Optional

import pytest

from bot.meetings.finder import MeetingFinder, coordinates_from_metadata, place_from_slot, place_to_slot
from bot.meetings.followup import SaidAs
from bot.meetings.geo import Gazetteer, gazetteer
from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.search import MeetingIndex
from bot.program.answers import AnswerBook

PACIFIC = dt.timezone(dt.timedelta(hours=-8))
MONDAY_3PM = dt.datetime(2026, 11, 23, 15, 0, tzinfo=PACIFIC)  # a Monday in standard time
PALM_SPRINGS = (33.8303, -116.5453)


def meeting(
    key: str, fellowship: Fellowship = Fellowship.na, day: int = 0, start: str = "19:00", miles_north: float = 1.0, **extra: Any
) -> Meeting:
    values = dict(
        source="test",
        key=key,
        name=f"Group {key}",
        fellowship=fellowship,
        day=day,
        start=dt.time.fromisoformat(start),
        end=None,
        timezone="America/Los_Angeles",
        attendance=Attendance.in_person,
        latitude=PALM_SPRINGS[0] + miles_north / 69.0,
        longitude=PALM_SPRINGS[1],
        address="1 Test Rd",
        city="Palm Springs",
    )
    values.update(extra)
    return Meeting(**values)


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    return gazetteer()


def finder_for(book: AnswerBook, places: Gazetteer, meetings: List[Meeting]) -> MeetingFinder:
    return MeetingFinder(book, MeetingIndex(meetings), places)


def texts(outcome: Any) -> List[str]:
    return [reply.text for reply in outcome.replies]


def test_a_request_lists_matching_meetings_soonest_first(book: AnswerBook, places: Gazetteer) -> None:
    meetings = [meeting("late", start="20:00"), meeting("early", start="18:00"), meeting("aa", Fellowship.aa, start="17:00")]
    outcome = finder_for(book, places, meetings).find("NA meeting near 92262 tonight", MONDAY_3PM, remembered=None)
    said = texts(outcome)
    assert said[0] == "Here are NA meetings near Palm Springs, CA 92262, tonight, soonest first:"
    assert [text.splitlines()[0] for text in said[1:-1]] == ["Group early (NA, in person)", "Group late (NA, in person)"]
    assert "When: today 6:00 pm" in said[1]
    assert said[-1].startswith("That's all I have")
    assert outcome.place is not None and outcome.place.postal_code == "92262"
    assert outcome.search is not None and outcome.search["offset"] == 0 and outcome.search["query"]["fellowships"] == ["NA"]
    assert outcome.search["asked"] == outcome.search["query"]  # nothing relaxed
    assert [item["id"] for item in outcome.search["shown"]] == ["test:early", "test:late"]


def test_nothing_near_widens_the_radius_and_says_so(book: AnswerBook, places: Gazetteer) -> None:
    outcome = finder_for(book, places, [meeting("far", miles_north=20)]).find("NA near 92262 tonight", MONDAY_3PM, None)
    assert texts(outcome)[0].startswith("Nothing was within 10 miles, so I looked further: here are NA meetings within 25 miles")
    assert outcome.search is not None and outcome.search["query"]["radius_miles"] == 25.0


def test_nothing_at_that_time_shows_the_coming_week(book: AnswerBook, places: Gazetteer) -> None:
    outcome = finder_for(book, places, [meeting("tuesday", day=1)]).find("NA near 92262 tonight", MONDAY_3PM, None)
    said = texts(outcome)
    assert said[0].startswith("I couldn't find NA meetings near Palm Springs, CA 92262 tonight. Here are the next ones")
    assert "When: tomorrow 7:00 pm" in said[1]


def test_nothing_in_person_offers_online_meetings(book: AnswerBook, places: Gazetteer) -> None:
    online = meeting("zoom", attendance=Attendance.online, latitude=None, longitude=None, conference_url="https://meet.example/1")
    outcome = finder_for(book, places, [online]).find("NA near 92262 tonight", MONDAY_3PM, None)
    said = texts(outcome)
    assert "so here are online ones instead" in said[0]
    assert "Join online: https://meet.example/1" in said[1] and "Where:" not in said[1]


def test_nothing_anywhere_says_what_to_try(book: AnswerBook, places: Gazetteer) -> None:
    outcome = finder_for(book, places, [meeting("aa", Fellowship.aa)]).find("NA near 92262", MONDAY_3PM, None)
    assert texts(outcome)[0].startswith("I couldn't find NA meetings within 50 miles of Palm Springs, CA 92262")


def test_without_a_place_the_finder_asks_and_keeps_the_request(book: AnswerBook, places: Gazetteer) -> None:
    outcome = finder_for(book, places, [meeting("a")]).find("women's NA meeting near me", MONDAY_3PM, None)
    assert outcome.ask_place and outcome.replies == []
    assert outcome.search is not None and outcome.search["query"]["types"] == ["women"]


def test_online_meetings_need_no_place(book: AnswerBook, places: Gazetteer) -> None:
    online = meeting(
        "zoom",
        start="15:30",
        attendance=Attendance.online,
        latitude=None,
        longitude=None,
        conference_url="https://meet.example/1",
    )
    outcome = finder_for(book, places, [online]).find("online NA meeting now", MONDAY_3PM, None)
    assert not outcome.ask_place
    assert texts(outcome)[0] == "Here are online NA meetings, starting now or within the hour, soonest first:"


def test_a_remembered_place_answers_near_me(book: AnswerBook, places: Gazetteer) -> None:
    remembered = places.find("92262")
    outcome = finder_for(book, places, [meeting("a")]).find("NA near me", MONDAY_3PM, remembered)
    assert not outcome.ask_place and "near Palm Springs, CA 92262" in texts(outcome)[0]


def test_more_pages_through_and_then_says_that_was_all(book: AnswerBook, places: Gazetteer) -> None:
    meetings = [meeting(f"m{hour}", start=f"{hour}:00") for hour in range(17, 24)]  # seven tonight (17:00 to midnight)
    finder = finder_for(book, places, meetings)
    first = finder.find("NA near 92262 tonight", MONDAY_3PM, None)
    assert len(first.replies) == 7 and first.replies[-1].buttons[0]["payload"] == "/show_more"
    second = finder.more(first.search, MONDAY_3PM, first.place)
    assert texts(second)[0].startswith("More NA meetings near Palm Springs, CA 92262")
    assert [t.splitlines()[0] for t in texts(second)[1:-1]] == ["Group m22 (NA, in person)", "Group m23 (NA, in person)"]
    third = finder.more(second.search, MONDAY_3PM, second.place)
    assert texts(third) == ["That's all the NA meetings I have tonight. You could ask for another day or time."]


@pytest.mark.parametrize("search", [None, {}, "junk", {"offset": 5}])
def test_more_without_a_search(book: AnswerBook, places: Gazetteer, search: Any) -> None:
    outcome = finder_for(book, places, [meeting("a")]).more(search, MONDAY_3PM, None)
    assert texts(outcome)[0].startswith("More of what?")


def test_an_empty_index_says_the_list_is_unavailable(book: AnswerBook, places: Gazetteer) -> None:
    outcome = finder_for(book, places, []).find("NA near 92262", MONDAY_3PM, None)
    assert "isn't available right now" in texts(outcome)[0]


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"location": {"latitude": 33.7, "longitude": -116.4}}, (33.7, -116.4)),
        ({"location": {"lat": "33.7", "lng": "-116.4"}}, (33.7, -116.4)),
        ({"location": {"latitude": 95, "longitude": 0}}, None),
        ({"location": {"latitude": "north"}}, None),
        ({"location": "Palm Springs"}, None),
        (None, None),
    ],
)
def test_coordinates_from_metadata(metadata: Any, expected: Optional[tuple]) -> None:
    assert coordinates_from_metadata(metadata) == expected


def test_places_survive_the_slot(places: Gazetteer) -> None:
    place = places.find("Indio, CA")
    assert place is not None and place_from_slot(place_to_slot(place)) == place
    assert place_from_slot({"label": "x"}) is None and place_from_slot("Indio") is None


# -- follow-ups to the last search --------------------------------------------------------------


def follow_up_meetings() -> List[Meeting]:
    return [
        meeting("mon-na"),
        meeting("mon-aa", Fellowship.aa, start="20:00"),
        meeting("tue-na", day=1, types=("wheelchair",)),
        meeting("tue-spanish", day=1, start="18:00", types=("spanish",)),
        meeting("tue-morning", day=1, start="08:00"),
        meeting(
            "tue-zoom",
            day=1,
            attendance=Attendance.online,
            latitude=None,
            longitude=None,
            conference_url="https://meet.example/2",
        ),
        meeting("palm-desert", day=1, latitude=33.7222, longitude=-116.3745, city="Palm Desert"),
    ]


def first_lines(outcome: Any) -> List[str]:
    return [text.splitlines()[0] for text in texts(outcome)[1:-1]]


def test_what_about_tomorrow_keeps_the_fellowship_and_the_time_of_day(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    tonight = finder.find("NA meeting near 92262 tonight", MONDAY_3PM, None)
    outcome = finder.follow_up("what about tomorrow?", MONDAY_3PM, tonight.place, tonight.search, SaidAs.FOLLOW_UP)
    assert outcome is not None
    assert texts(outcome)[0] == "Here are NA meetings near Palm Springs, CA 92262, tomorrow evening, soonest first:"
    assert first_lines(outcome) == ["Group tue-spanish (NA, in person)", "Group tue-na (NA, in person)"]


@pytest.mark.parametrize(
    "text, said_as, heading, first",
    [
        (
            "any online ones?",
            SaidAs.FOLLOW_UP,
            "Here are online NA meetings, tomorrow, soonest first:",
            "Group tue-zoom (NA, online)",
        ),
        (
            "any in spanish?",
            SaidAs.FOLLOW_UP,
            "Here are Spanish-language NA meetings near Palm Springs, CA 92262, tomorrow, soonest first:",
            "Group tue-spanish (NA, in person)",
        ),
        (
            "something in the evening?",
            SaidAs.RIGHT_AFTER,
            "Here are NA meetings near Palm Springs, CA 92262, tomorrow evening, soonest first:",
            "Group tue-spanish (NA, in person)",
        ),
        (
            "what about AA tonight",
            SaidAs.REQUEST,
            "Here are AA meetings near Palm Springs, CA 92262, tonight, soonest first:",
            "Group mon-aa (AA, in person)",
        ),
        (
            "closer to Palm Desert?",
            SaidAs.FOLLOW_UP,
            "Here are NA meetings near Palm Desert, CA, tomorrow, soonest first:",
            "Group palm-desert (NA, in person)",
        ),
        (
            "wheelchair accessible ones only",
            SaidAs.FOLLOW_UP,
            "Here are NA meetings (wheelchair accessible) near Palm Springs, CA 92262, tomorrow, soonest first:",
            "Group tue-na (NA, in person)",
        ),
    ],
)
def test_a_refinement_changes_one_thing_of_the_last_search(
    book: AnswerBook, places: Gazetteer, text: str, said_as: SaidAs, heading: str, first: str
) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    last = finder.find("NA near 92262 tomorrow", MONDAY_3PM, None)
    outcome = finder.follow_up(text, MONDAY_3PM, last.place, last.search, said_as)
    assert outcome is not None and texts(outcome)[0] == heading and first_lines(outcome)[0] == first


def test_a_refinement_starts_from_what_was_asked_not_from_what_was_relaxed(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    relaxed = finder.find("NA near 92262 at 11pm", MONDAY_3PM, None)  # nothing then: the coming week instead
    assert relaxed.search is not None and relaxed.search["query"]["when"]["clock"] is None
    assert relaxed.search["asked"]["when"]["clock"] == "23:00"
    outcome = finder.follow_up("what about tomorrow?", MONDAY_3PM, relaxed.place, relaxed.search, SaidAs.FOLLOW_UP)
    assert outcome is not None and "tomorrow around 11:00 pm" in texts(outcome)[0]


def test_the_online_button_after_a_search_keeps_the_rest_of_it(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    last = finder.find("NA near 92262 tomorrow", MONDAY_3PM, None)
    outcome = finder.follow_up("", MONDAY_3PM, last.place, last.search, SaidAs.REQUEST, overrides={"attendance": "online"})
    assert outcome is not None and texts(outcome)[0] == "Here are online NA meetings, tomorrow, soonest first:"


def test_a_question_about_a_listed_meeting_is_answered_from_its_listing(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    last = finder.find("NA near 92262 tomorrow evening", MONDAY_3PM, None)
    assert first_lines(last) == ["Group tue-spanish (NA, in person)", "Group tue-na (NA, in person)"]
    second = finder.follow_up("is the second one wheelchair accessible?", MONDAY_3PM, last.place, last.search, SaidAs.FOLLOW_UP)
    first = finder.follow_up("where is the first one?", MONDAY_3PM, last.place, last.search, SaidAs.RIGHT_AFTER)
    starts = finder.follow_up("what time does the 2nd one start", MONDAY_3PM, last.place, last.search, SaidAs.RIGHT_AFTER)
    assert second is not None and texts(second) == ['Yes: the listing for Group tue-na says "wheelchair accessible".']
    assert first is not None and texts(first) == ["Group tue-spanish meets at 1 Test Rd, Palm Springs (under 1 mile away)."]
    assert starts is not None and texts(starts) == ["Group tue-na meets tomorrow 7:00 pm."]
    assert second.search is None  # the list on screen stays the one asked about


def test_the_next_page_is_what_the_first_one_refers_to(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, [meeting(f"m{hour}", start=f"{hour}:00") for hour in range(17, 24)])
    first = finder.find("NA near 92262 tonight", MONDAY_3PM, None)
    second = finder.more(first.search, MONDAY_3PM, first.place)
    assert second.search is not None and second.search["asked"] == first.search["asked"]  # type: ignore[index]
    outcome = finder.follow_up("when does the first one start?", MONDAY_3PM, second.place, second.search, SaidAs.FOLLOW_UP)
    assert outcome is not None and texts(outcome) == ["Group m22 meets today 10:00 pm."]


@pytest.mark.parametrize(
    "text, said_as",
    [
        ("NA meetings on friday", SaidAs.REQUEST),  # a new request
        ("what time is group tomorrow?", SaidAs.RIGHT_AFTER),  # our own groups
        ("anything tomorrow morning?", SaidAs.LATER),  # the topic has moved on
        ("how much does it cost?", SaidAs.RIGHT_AFTER),  # nothing to change
    ],
)
def test_messages_that_are_not_follow_ups_are_given_back(book: AnswerBook, places: Gazetteer, text: str, said_as: SaidAs) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    last = finder.find("NA near 92262 tonight", MONDAY_3PM, None)
    assert finder.follow_up(text, MONDAY_3PM, last.place, last.search, said_as) is None


def test_a_follow_up_with_nothing_to_change_asks_what_to_change(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    last = finder.find("NA near 92262 tonight", MONDAY_3PM, None)
    outcome = finder.follow_up("hmm what about that", MONDAY_3PM, last.place, last.search, SaidAs.FOLLOW_UP)
    assert outcome is not None and texts(outcome)[0].startswith("What should I change in that search?")


def test_without_a_search_a_follow_up_about_meetings_starts_one(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    remembered = places.find("92262")
    started = finder.follow_up("any NA ones tomorrow?", MONDAY_3PM, remembered, None, SaidAs.FOLLOW_UP)
    assert (
        started is not None and texts(started)[0] == "Here are NA meetings near Palm Springs, CA 92262, tomorrow, soonest first:"
    )
    assert finder.follow_up("what about tomorrow?", MONDAY_3PM, remembered, None, SaidAs.FOLLOW_UP) is None
    no_list = finder.follow_up("where is the first one?", MONDAY_3PM, remembered, None, SaidAs.FOLLOW_UP)
    assert no_list is not None and texts(no_list)[0].startswith("I can tell you more about a meeting once I've listed some")


def test_a_follow_up_that_needs_a_room_and_has_no_place_asks_where(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    online = finder.find("online NA meeting tomorrow", MONDAY_3PM, None)
    outcome = finder.follow_up("any in person ones?", MONDAY_3PM, None, online.search, SaidAs.FOLLOW_UP)
    assert outcome is not None and outcome.ask_place and outcome.search is not None
    assert outcome.search["query"]["attendance"] == "in_person" and outcome.search["query"]["fellowships"] == ["NA"]


@pytest.mark.parametrize(
    "text, said_as, where",
    [
        ("indio", SaidAs.FOLLOW_UP, "Indio, CA"),
        ("indio", SaidAs.RIGHT_AFTER, "Indio, CA"),  # a bare answer just after a search
        ("portland?", SaidAs.FOLLOW_UP, "Portland, OR"),
        ("indio", SaidAs.LATER, None),  # the topic has moved on
        ("hope", SaidAs.RIGHT_AFTER, None),  # a word, and a town far from the center's state
    ],
)
def test_a_message_that_is_only_a_town(
    book: AnswerBook, places: Gazetteer, text: str, said_as: SaidAs, where: Optional[str]
) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    last = finder.find("NA near 92262 tomorrow", MONDAY_3PM, None)
    outcome = finder.follow_up(text, MONDAY_3PM, last.place, last.search, said_as)
    assert (outcome.place.label if outcome is not None and outcome.place is not None else None) == where


def test_a_change_that_finds_nothing_leaves_the_last_list_to_ask_about(book: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(book, places, follow_up_meetings())
    last = finder.find("NA near 92262 tomorrow evening", MONDAY_3PM, None)
    nothing = finder.follow_up("any korean ones?", MONDAY_3PM, last.place, last.search, SaidAs.FOLLOW_UP)
    assert nothing is not None and texts(nothing)[0].startswith("I couldn't find NA meetings (in Korean)")
    asked = finder.follow_up("where is the first one?", MONDAY_3PM, nothing.place, nothing.search, SaidAs.FOLLOW_UP)
    assert asked is not None and texts(asked) == ["Group tue-spanish meets at 1 Test Rd, Palm Springs (under 1 mile away)."]


# -- Spanish (issue 19) ------------------------------------------------------------------------------

# Words of the English replies that must not show in a Spanish one (names, places and links aside).
ENGLISH_WORDS = re.compile(
    r"\b(?:meetings?|miles?|mile|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|tonight|today|tomorrow|"
    r"away|near|within|soonest|in person|online|when|where|join|yes|under|hosted|morning|evening|afternoon)\b",
    re.IGNORECASE,
)


@pytest.fixture
def spanish(book: AnswerBook) -> AnswerBook:
    return book.in_language("es")


def english_in(outcome: Any) -> List[str]:
    return [
        found for text in texts(outcome) for found in ENGLISH_WORDS.findall(text.replace("Group ", "").replace("Test Rd", ""))
    ]


def test_a_spanish_search_is_answered_in_spanish(spanish: AnswerBook, places: Gazetteer) -> None:
    meetings = [meeting("late", start="20:00", end=dt.time(21, 0)), meeting("early", start="18:00", types=("open", "wheelchair"))]
    outcome = finder_for(spanish, places, meetings).find("¿Hay una junta de NA cerca de 92262 esta noche?", MONDAY_3PM, None)
    said = texts(outcome)
    assert said[0] == (
        "Aquí tiene reuniones de NA cerca de Palm Springs, CA 92262, esta noche, empezando por la más cercana en tiempo:"
    )
    assert said[1].splitlines() == [
        "Group early (NA, en persona)",
        "Cuándo: hoy a las 6:00 p. m.",
        "Dónde: 1 Test Rd, Palm Springs (a menos de 1 milla)",
        "Características: abierta a todos, accesible en silla de ruedas",
    ]
    assert "Cuándo: hoy de 8:00 p. m. a 9:00 p. m." in said[2]
    assert english_in(outcome) == []


@pytest.mark.parametrize(
    "text, heading",
    [
        ("reuniones de NA el lunes cerca de 92262", "reuniones de NA cerca de Palm Springs, CA 92262, el lunes,"),
        ("juntas de AA para mujeres en Palm Springs el sábado en la mañana", "reuniones de AA para mujeres"),
        ("reunión de NA a 5 millas de 92262 mañana en la noche", "mañana en la noche"),
        ("reunión de Narcóticos Anónimos en línea ahorita", "reuniones de NA en línea"),
        ("grupo de NA este fin de semana cerca de 92262", "este fin de semana"),
    ],
)
def test_spanish_replies_have_no_english_words(spanish: AnswerBook, places: Gazetteer, text: str, heading: str) -> None:
    meetings = [
        meeting("mon", start="19:00"),
        meeting("tue", day=1, start="19:00", miles_north=3.0),
        meeting("sat", Fellowship.aa, day=5, start="09:00", types=("women", "spanish")),
        meeting("sun", day=6, start="18:00", miles_north=20),
        meeting(
            "zoom",
            start="17:30",
            attendance=Attendance.online,
            latitude=None,
            longitude=None,
            timezone="America/New_York",
            conference_url="https://meet.example/1",
        ),
    ]
    outcome = finder_for(spanish, places, meetings).find(text, MONDAY_3PM, None)
    assert heading in texts(outcome)[0]
    assert english_in(outcome) == []


def test_a_relaxed_spanish_search_says_so_in_spanish(spanish: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(spanish, places, [meeting("far", miles_north=20)])
    widened = finder.find("NA cerca de 92262 esta noche", MONDAY_3PM, None)
    assert texts(widened)[0].startswith(
        "No había nada a menos de 10 millas, así que busqué más lejos: aquí tiene reuniones de NA a menos de 25 millas"
    )
    online = meeting("zoom", attendance=Attendance.online, latitude=None, longitude=None, conference_url="https://meet.example/1")
    instead = finder_for(spanish, places, [online]).find("reuniones de NA cerca de 92262 esta noche", MONDAY_3PM, None)
    assert "a menos de 50 millas de Palm Springs, CA 92262 esta noche, así que aquí tiene reuniones en línea" in texts(instead)[0]
    nothing = finder_for(spanish, places, [meeting("aa", Fellowship.aa)]).find("reuniones de NA cerca de 92262", MONDAY_3PM, None)
    assert texts(nothing)[0].startswith(
        "No encontré reuniones de NA a menos de 50 millas de Palm Springs, CA 92262 en los próximos 7 días"
    )
    for outcome in (widened, instead, nothing):
        assert english_in(outcome) == []


def test_spanish_follow_ups_to_a_search(spanish: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(spanish, places, follow_up_meetings())
    last = finder.find("reuniones de NA cerca de 92262 mañana en la noche", MONDAY_3PM, None)
    assert first_lines(last) == ["Group tue-spanish (NA, en persona)", "Group tue-na (NA, en persona)"]

    def follow(text: str, said_as: SaidAs = SaidAs.FOLLOW_UP) -> List[str]:
        outcome = finder.follow_up(text, MONDAY_3PM, last.place, last.search, said_as)
        assert outcome is not None
        return texts(outcome)

    assert follow("¿la segunda es accesible en silla de ruedas?") == [
        'Sí: la información de Group tue-na dice "accesible en silla de ruedas".'
    ]
    assert follow("¿dónde es la primera?", SaidAs.RIGHT_AFTER) == [
        "Group tue-spanish se reúne en 1 Test Rd, Palm Springs (a menos de 1 milla)."
    ]
    assert follow("¿a qué hora empieza la 2da?", SaidAs.RIGHT_AFTER) == ["Group tue-na se reúne mañana a las 7:00 p. m."]
    assert follow("¿cuáles son en línea?") == ["Ninguna de las reuniones que le mostré se reúne en línea."]
    assert follow("¿la primera es de AA?") == ["No: Group tue-spanish aparece como Narcóticos Anónimos (NA)."]
    online = follow("¿alguna en línea?", SaidAs.REQUEST)
    assert online[0] == "Aquí tiene reuniones de NA en línea, mañana en la noche, empezando por la más cercana en tiempo:"
    assert follow("¿y el lunes?")[0].startswith(
        "Aquí tiene reuniones de NA cerca de Palm Springs, CA 92262, el lunes en la noche,"
    )


def test_our_own_group_in_spanish_is_not_a_meeting_follow_up(spanish: AnswerBook, places: Gazetteer) -> None:
    finder = finder_for(spanish, places, follow_up_meetings())
    last = finder.find("reuniones de NA cerca de 92262 esta noche", MONDAY_3PM, None)
    assert finder.follow_up("¿a qué hora es el grupo mañana?", MONDAY_3PM, last.place, last.search, SaidAs.RIGHT_AFTER) is None
