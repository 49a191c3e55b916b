"""action_answer_schedule sends the schedule answer for the question asked."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from rasa_sdk.executor import CollectingDispatcher

from actions.schedule import ActionAnswerSchedule
from tests.actions.conftest import make_tracker
from tests.identity import verified


async def test_evening_groups(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    events = await ActionAnswerSchedule().run(dispatcher, make_tracker("do you have evening groups", "ask_schedule"), domain)
    assert events == []
    assert "Adult Evening IOP" in dispatcher.messages[0]["text"]


async def test_two_days_get_two_answers(service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]) -> None:
    await ActionAnswerSchedule().run(dispatcher, make_tracker("monday or saturday?", "ask_schedule"), domain)
    assert len(dispatcher.messages) == 2
    assert "Monday" in dispatcher.messages[0]["text"] and "Saturday" in dispatcher.messages[1]["text"]


async def test_a_signed_in_client_asking_about_a_day_hears_about_their_own_track(service_env: Path, domain: Dict[str, Any]) -> None:
    from actions.common import resources

    resources().clients.add("C-1", "Sam", "adult_evening", "Dana")
    dispatcher = CollectingDispatcher()
    metadata = verified("C-1")
    await ActionAnswerSchedule().run(dispatcher, make_tracker("group on thursday?", "ask_schedule", metadata=metadata), domain)
    (message,) = dispatcher.messages
    assert "your Adult Evening IOP group meets 6:00 pm–9:00 pm" in message["text"]
    assert "Young Adult" not in message["text"]
