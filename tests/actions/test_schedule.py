"""action_answer_schedule sends the schedule answer for the question asked, read against the track
the person named and the question before."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import resources
from actions.schedule import ActionAnswerSchedule
from tests.actions.conftest import make_tracker
from tests.identity import verified


async def test_evening_groups(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    events = await ActionAnswerSchedule().run(dispatcher, make_tracker("do you have evening groups", "ask_schedule"), domain)
    assert events == [SlotSet("schedule_asked", {"track": None, "part": "evening", "days": [], "relative": None})]
    assert "Adult Evening IOP" in dispatcher.messages[0]["text"]


async def test_two_days_get_two_answers(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    await ActionAnswerSchedule().run(dispatcher, make_tracker("monday or saturday?", "ask_schedule"), domain)
    assert len(dispatcher.messages) == 2
    assert "Monday" in dispatcher.messages[0]["text"] and "Saturday" in dispatcher.messages[1]["text"]


async def test_a_signed_in_client_asking_about_a_day_hears_about_their_own_track(
    service_env: Path, domain: Dict[str, Any]
) -> None:
    resources().clients.add("C-1", "Sam", "adult_evening", "Dana")
    dispatcher = CollectingDispatcher()
    metadata = verified("C-1")
    await ActionAnswerSchedule().run(dispatcher, make_tracker("group on thursday?", "ask_schedule", metadata=metadata), domain)
    (message,) = dispatcher.messages
    assert "your Adult Evening IOP group meets 6:00 pm–9:00 pm" in message["text"]
    assert "Young Adult" not in message["text"]


@pytest.mark.parametrize(
    "text, intent, remembered",
    [
        ("I'm in the evening program", "inform_track", [SlotSet("schedule_track", "adult_evening")]),
        ("when does the evening program meet?", "ask_schedule", []),
    ],
)
async def test_a_named_track_gets_its_week(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], text: str, intent: str, remembered: list
) -> None:
    events = await ActionAnswerSchedule().run(dispatcher, make_tracker(text, intent), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_schedule_track"
    assert (message["track"], message["times"], message["notes"]) == (
        "Adult Evening IOP",
        "Mon, Tue and Thu 6:00 pm–9:00 pm",
        " The Thursday session includes the family group once a month.",
    )
    # Every blank in the domain response is filled by the action.
    assert set(re.findall(r"{(\w+)}", domain["responses"]["utter_schedule_track"][0]["text"])) <= set(message)
    asked = SlotSet("schedule_asked", {"track": "adult_evening", "part": None, "days": [], "relative": None})
    assert events == [asked, *remembered]


def _tomorrow() -> str:
    zone = resources().program.get().program.center.zone
    return (dt.datetime.now(zone) + dt.timedelta(days=1)).strftime("%A")


@pytest.mark.parametrize("intent", ["meeting_followup", "ask_schedule"])
async def test_a_day_after_the_track_is_named_is_about_that_track(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], intent: str
) -> None:
    slots = {
        "schedule_track": "adult_evening",
        "schedule_asked": {"track": "adult_evening", "part": None, "days": [], "relative": None},
    }
    events = await ActionAnswerSchedule().run(dispatcher, make_tracker("what about tomorrow?", intent, slots=slots), domain)
    (message,) = dispatcher.messages
    tomorrow = _tomorrow()
    if tomorrow in ("Monday", "Tuesday", "Thursday"):
        assert message["text"] == f"Yes, tomorrow ({tomorrow}) we have:\n• Adult Evening IOP, 6:00 pm–9:00 pm"
    else:
        assert message["text"].startswith(f"We don't have Adult Evening IOP groups tomorrow ({tomorrow}). The next ones are on")
    assert events == [
        SlotSet("schedule_asked", {"track": "adult_evening", "part": None, "days": [tomorrow.lower()], "relative": "tomorrow"})
    ]


async def test_a_full_day_question_is_about_the_persons_own_track(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    tracker = make_tracker("is there group on friday?", "ask_schedule", slots={"schedule_track": "adult_evening"})
    await ActionAnswerSchedule().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == "We don't have Adult Evening IOP groups on Friday. The next ones are on Monday."


async def test_a_day_follow_up_keeps_the_time_of_day_asked_before(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    slots = {"schedule_asked": {"track": None, "part": "evening", "days": [], "relative": None}}
    await ActionAnswerSchedule().run(dispatcher, make_tracker("and friday?", "meeting_followup", slots=slots), domain)
    assert dispatcher.messages[0]["text"] == "We don't have evening groups on Friday. The next ones are on Monday."


async def test_a_follow_up_sent_here_that_is_not_about_times_is_not_understood(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    slots = {"schedule_asked": {"track": None, "part": "evening", "days": [], "relative": None}}
    events = await ActionAnswerSchedule().run(
        dispatcher, make_tracker("any online ones?", "meeting_followup", slots=slots), domain
    )
    (message,) = dispatcher.messages
    assert message["response"] == "utter_fallback"
    assert events == []


@pytest.mark.parametrize("intent", ["meeting_followup", "ask_schedule"])
async def test_a_follow_up_about_a_holiday_gets_the_holiday_answer(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], intent: str
) -> None:
    slots = {
        "schedule_track": "adult_evening",
        "schedule_asked": {"track": "adult_evening", "part": None, "days": [], "relative": None},
    }
    await ActionAnswerSchedule().run(dispatcher, make_tracker("what about thanksgiving?", intent, slots=slots), domain)
    assert dispatcher.messages[0]["text"].startswith("We're closed on Thanksgiving Day")
