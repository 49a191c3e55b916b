"""The finder's conversation logic on a small hand-made set of meetings at a fixed time."""
from __future__ import annotations

import datetime as dt
from typing import Any, List, Optional

import pytest

from bot.meetings.finder import MeetingFinder, coordinates_from_metadata, place_from_slot, place_to_slot
from bot.meetings.geo import Gazetteer, gazetteer
from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.search import MeetingIndex
from bot.program.answers import AnswerBook

PACIFIC = dt.timezone(dt.timedelta(hours=-8))
MONDAY_3PM = dt.datetime(2026, 11, 23, 15, 0, tzinfo=PACIFIC)  # a Monday in standard time
PALM_SPRINGS = (33.8303, -116.5453)


def meeting(key: str, fellowship: Fellowship = Fellowship.na, day: int = 0, start: str = "19:00", miles_north: float = 1.0, **extra: Any) -> Meeting:
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
    assert outcome.search == {"query": outcome.search["query"], "offset": 0} and outcome.search["query"]["fellowships"] == ["NA"]


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
    online = meeting("zoom", start="15:30", attendance=Attendance.online, latitude=None, longitude=None, conference_url="https://meet.example/1")
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
