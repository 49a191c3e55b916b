"""The meeting finder's actions against the real demo feeds in a scratch SQLite database."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.meetings
from actions.meetings import (
    ActionAskMeetingPlace,
    ActionFindMeetings,
    ActionMeetingFollowup,
    ActionMoreMeetings,
    ValidateMeetingPlaceForm,
)
from bot.meetings.refresh import refresh_all
from bot.meetings.sources import load_sources
from bot.meetings.store import MeetingStore
from bot.settings import PROJECT_ROOT
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.actions.conftest import DOMAIN, make_tracker

MEETINGS_DIR = PROJECT_ROOT / "data" / "meetings"


@pytest.fixture(scope="session")
def imported_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo feeds imported once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("meetings") / "imported.db"
    engine = make_engine(path)
    migrate(engine)
    reports = asyncio.run(refresh_all(load_sources(MEETINGS_DIR / "sources.yml"), MEETINGS_DIR, MeetingStore(engine)))
    engine.dispose()
    assert all(report.ok for report in reports)
    return path


@pytest.fixture
def with_meetings(service_env: Path, imported_database: Path) -> Path:
    service_env.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(imported_database, service_env)
    return service_env


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [message.get("text") or "" for message in dispatcher.messages]


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


async def run_find(dispatcher: CollectingDispatcher, domain: Dict[str, Any], text: str, **tracker: Any) -> List[Dict[str, Any]]:
    return await ActionFindMeetings().run(dispatcher, make_tracker(text, "find_meeting", **tracker), domain)


async def test_a_request_with_a_zip_lists_meetings_of_that_fellowship(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await run_find(dispatcher, domain, "any NA meetings near 92262?")
    messages = texts(dispatcher)
    assert messages[0].startswith("Here are NA meetings near Palm Springs, CA 92262")
    items = messages[1:-1]
    assert 1 <= len(items) <= 5 and all("(NA, " in item and "When: " in item for item in items)
    remembered = slots(events)
    assert remembered["meeting_place"]["label"] == "Palm Springs, CA 92262"
    assert remembered["meeting_search"]["query"]["fellowships"] == ["NA"] and remembered["meeting_search"]["offset"] == 0


async def test_without_a_place_the_form_asks_and_nothing_is_said_twice(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await run_find(dispatcher, domain, "SMART Recovery near me")
    assert texts(dispatcher) == []
    assert SlotSet("meeting_needs_place", True) in events
    assert slots(events)["meeting_search"]["query"]["fellowships"] == ["SMART"]


async def test_the_form_asks_with_the_centers_example_zip(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    await ActionAskMeetingPlace().run(dispatcher, make_tracker("SMART Recovery near me", "find_meeting"), domain)
    assert "ZIP code (like 92262)" in texts(dispatcher)[0]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == '/find_meeting{"meeting_attendance": "online"}'


async def test_after_the_form_the_pending_search_runs_with_the_place(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    pending = {"query": {"fellowships": ["SMART"], "when": {}}, "offset": 0}
    place = {
        "label": "Palm Desert, CA",
        "latitude": 33.72,
        "longitude": -116.37,
        "timezone": "America/Los_Angeles",
        "state": "CA",
    }
    events = await run_find(
        dispatcher,
        domain,
        "palm desert",
        latest_action_name="meeting_place_form",
        slots={"meeting_search": pending, "meeting_place": place},
    )
    assert texts(dispatcher)[0].startswith("Here are SMART meetings near Palm Desert, CA")
    assert SlotSet("meeting_place_text", None) in events  # the form asks again next time


async def test_more_pages_through_the_same_search(with_meetings: Path, domain: Dict[str, Any]) -> None:
    first = CollectingDispatcher()
    events = await run_find(first, domain, "meetings near 92262")
    remembered = slots(events)
    second = CollectingDispatcher()
    tracker = make_tracker("more", "show_more", slots=remembered)
    more_events = await ActionMoreMeetings().run(second, tracker, domain)
    page_one, page_two = texts(first)[1:-1], texts(second)[1:-1]
    assert texts(second)[0].startswith("More meetings near Palm Springs, CA 92262")
    assert len(page_two) == 5 and not set(page_one) & set(page_two)
    assert slots(more_events)["meeting_search"]["offset"] == 5


async def test_more_with_no_search_says_how_to_start_one(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    await ActionMoreMeetings().run(dispatcher, make_tracker("more", "show_more"), domain)
    assert texts(dispatcher)[0].startswith("More of what?")


async def test_the_online_button_needs_no_place(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    button = '/find_meeting{"meeting_attendance": "online"}'
    events = await run_find(dispatcher, domain, button, entities=[{"entity": "meeting_attendance", "value": "online"}])
    messages = texts(dispatcher)
    assert messages[0].startswith("Here are online meetings")
    assert all("Join online: " in item or "Join by phone: " in item for item in messages[1:-1])
    assert slots(events)["meeting_search"]["query"]["attendance"] == "online"


async def test_coordinates_from_the_widget_locate_the_person(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await run_find(
        dispatcher, domain, "meetings near me", metadata={"location": {"latitude": 33.7222, "longitude": -116.3745}}
    )
    assert slots(events)["meeting_place"]["label"] == "Palm Desert, CA 92260"
    assert "near Palm Desert, CA 92260" in texts(dispatcher)[0]


async def test_a_remembered_place_is_used_for_the_next_request(
    with_meetings: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    place = {
        "label": "Indio, CA 92201",
        "latitude": 33.72,
        "longitude": -116.22,
        "timezone": "America/Los_Angeles",
        "state": "CA",
    }
    events = await run_find(dispatcher, domain, "al-anon meetings near me", slots={"meeting_place": place})
    assert "Al-Anon meetings near Indio, CA 92201" in texts(dispatcher)[0]
    assert SlotSet("meeting_needs_place", False) in events


async def test_an_empty_meeting_list_points_to_national_directories(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    await run_find(dispatcher, domain, "aa meetings near 92262")
    assert "meeting list isn't available" in texts(dispatcher)[0] and "aa.org" in texts(dispatcher)[0]


async def validate(
    text: str, intent: str = "inform", confidence: float = 0.5, slots_before: Optional[Dict[str, Any]] = None
) -> tuple:
    """Runs the form's validation as Rasa does: on the slot the form just filled from the text."""
    tracker = make_tracker(
        text,
        intent,
        confidence=confidence,
        active_loop="meeting_place_form",
        slots={"requested_slot": "meeting_place_text", "meeting_place_text": text, **(slots_before or {})},
    )
    tracker.events = [
        {"event": "user", "text": text, "parse_data": tracker.latest_message},
        {"event": "slot", "name": "meeting_place_text", "value": text},
    ]
    dispatcher = CollectingDispatcher()
    events = await ValidateMeetingPlaceForm().run(dispatcher, tracker, DOMAIN)
    return slots(events), texts(dispatcher)


@pytest.mark.parametrize(
    "answer, label", [("92264", "Palm Springs, CA 92264"), ("Indio, CA", "Indio, CA"), ("rancho mirage", "Rancho Mirage, CA")]
)
async def test_the_form_accepts_a_zip_or_a_city(with_meetings: Path, answer: str, label: str) -> None:
    values, said = await validate(answer)
    assert values["meeting_place_text"] == label and values["meeting_place"]["label"] == label and said == []


async def test_the_form_accepts_online_instead_of_a_place(with_meetings: Path) -> None:
    pending = {"query": {"fellowships": ["AA"], "when": {"now": True}}, "offset": 0}
    values, _ = await validate("online is fine", slots_before={"meeting_search": pending})
    assert values["meeting_place_text"] == "online"
    assert values["meeting_search"]["query"]["attendance"] == "online" and values["meeting_search"]["query"]["fellowships"] == [
        "AA"
    ]


async def test_the_form_says_what_it_could_not_find(with_meetings: Path) -> None:
    values, said = await validate("blorpville")
    assert values["meeting_place_text"] is None
    assert 'couldn\'t find a place called "blorpville"' in said[0] and "92262" in said[0]


async def test_the_form_answers_a_question_then_asks_again(with_meetings: Path) -> None:
    values, said = await validate("do you take aetna?", intent="ask_insurance", confidence=0.95)
    assert values["meeting_place_text"] is None and "Aetna" in said[0]


# -- follow-ups to a search (issue 15) -------------------------------------------------------------


@pytest.fixture
def monday_3pm(monkeypatch: pytest.MonkeyPatch) -> None:
    """The actions' clock at a fixed Monday afternoon, so the demo week has the same meetings."""
    at = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    monkeypatch.setattr(actions.meetings, "_now", lambda: at)


async def searched(domain: Dict[str, Any], text: str = "NA meetings near 92262 tomorrow") -> Dict[str, Any]:
    """The slots a search leaves behind."""
    return slots(await run_find(CollectingDispatcher(), domain, text))


def after(action: str, text: str, intent: str, remembered: Dict[str, Any]) -> Any:
    """A tracker whose last bot action before this message was ``action``."""
    tracker = make_tracker(text, intent, slots=remembered)
    tracker.events = [
        {"event": "action", "name": action},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": tracker.latest_message},
    ]
    return tracker


async def test_every_meeting_turn_makes_meetings_the_topic(with_meetings: Path, monday_3pm: None, domain: Dict[str, Any]) -> None:
    assert (await searched(domain))["meeting_context"] is True


async def test_a_follow_up_changes_the_last_search_and_keeps_the_rest(
    with_meetings: Path, monday_3pm: None, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    remembered = await searched(domain, "spanish speaking NA near 92262 tomorrow")
    events = await ActionMeetingFollowup().run(
        dispatcher, after("action_find_meetings", "any online ones?", "meeting_followup", remembered), domain
    )
    assert texts(dispatcher)[0].startswith("Here are online Spanish-language NA meetings, tomorrow")
    values = slots(events)
    assert values["meeting_needs_place"] is False and values["meeting_context"] is True
    assert (
        values["meeting_search"]["asked"]["types"] == ["spanish"] and values["meeting_search"]["asked"]["attendance"] == "online"
    )


async def test_a_question_about_a_listed_meeting_is_answered_from_it(
    with_meetings: Path, monday_3pm: None, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    listing = CollectingDispatcher()
    remembered = slots(await run_find(listing, domain, "NA meetings near 92262 tomorrow"))
    second = texts(listing)[2].split(" (NA, ")[0]
    events = await ActionMeetingFollowup().run(
        dispatcher, after("action_find_meetings", "where is the second one?", "ask_location", remembered), domain
    )
    said = texts(dispatcher)
    assert len(said) == 1 and said[0].startswith(f"{second} meets at ")
    assert "meeting_search" not in slots(events) and slots(events)["meeting_context"] is True


@pytest.mark.parametrize(
    "last_action, text, intent",
    [
        ("action_find_meetings", "what time is group tomorrow?", "ask_schedule"),  # our own groups
        ("action_answer_question", "anything tomorrow morning?", "ask_schedule"),  # the topic moved on
        ("action_more_meetings", "how much does the program cost", "nlu_fallback"),  # nothing to change
    ],
)
async def test_another_topics_message_is_given_back(
    with_meetings: Path,
    monday_3pm: None,
    dispatcher: CollectingDispatcher,
    domain: Dict[str, Any],
    last_action: str,
    text: str,
    intent: str,
) -> None:
    remembered = await searched(domain)
    events = await ActionMeetingFollowup().run(dispatcher, after(last_action, text, intent, remembered), domain)
    assert texts(dispatcher) == []
    assert events == [SlotSet("meeting_needs_place", False), SlotSet("meeting_context", False)]


async def test_right_after_a_search_a_day_changes_it(
    with_meetings: Path, monday_3pm: None, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    remembered = await searched(domain, "AA meetings near 92262 tonight")
    await ActionMeetingFollowup().run(
        dispatcher, after("action_find_meetings", "anything tomorrow morning?", "ask_schedule", remembered), domain
    )
    assert texts(dispatcher)[0].startswith("Here are AA meetings near Palm Springs, CA 92262, tomorrow morning")


async def test_a_request_that_reads_as_a_follow_up_keeps_the_last_search(
    with_meetings: Path, monday_3pm: None, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    remembered = await searched(domain, "women's AA meetings near 92262 tomorrow")
    await run_find(dispatcher, domain, "what about NA?", slots=remembered)
    assert texts(dispatcher)[0].startswith("Here are women's NA meetings near Palm Springs, CA 92262, tomorrow")


async def test_a_new_request_starts_afresh(
    with_meetings: Path, monday_3pm: None, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    remembered = await searched(domain, "women's AA meetings near 92262 tomorrow")
    await run_find(dispatcher, domain, "NA meetings near 92201", slots=remembered)
    assert texts(dispatcher)[0].startswith("Here are NA meetings near Indio, CA 92201, in the next 7 days")


async def test_more_with_a_change_is_a_follow_up(
    with_meetings: Path, monday_3pm: None, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    remembered = await searched(domain)
    await ActionMoreMeetings().run(dispatcher, make_tracker("more in the evening", "show_more", slots=remembered), domain)
    assert texts(dispatcher)[0].startswith("Here are NA meetings near Palm Springs, CA 92262, tomorrow evening")
