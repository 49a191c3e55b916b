"""The enrolled-client actions: their own next group, reminders, and nobody else's data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.clients
from actions.clients import ActionAnswerNextGroup, ActionCancelGroupReminder, ActionSetGroupReminder
from actions.common import resources
from tests.actions.conftest import make_tracker
from tests.identity import verified

MONDAY_NOON = dt.datetime(2026, 12, 7, 20, 0, tzinfo=dt.timezone.utc)  # 12:00 in Los Angeles


@pytest.fixture(autouse=True)
def monday_noon(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr(actions.clients, "_now", lambda: MONDAY_NOON)
    return MONDAY_NOON


@pytest.fixture
def enrolled(service_env: Path) -> Dict[str, str]:
    resources().clients.add("C-1", "Sam", "adult_evening", "Dana Reyes")  # Mon, Tue, Thu 6-9 pm
    resources().clients.add("C-2", "Alex", "adult_day", "Lee Park")  # Mon, Wed, Fri 9:30 am
    return {"sam": "C-1", "alex": "C-2"}


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [message.get("text") or "" for message in dispatcher.messages]


async def ask(domain: Dict[str, Any], text: str, metadata: Optional[Dict[str, Any]] = None, **tracker: Any) -> str:
    dispatcher = CollectingDispatcher()
    await ActionAnswerNextGroup().run(dispatcher, make_tracker(text, "ask_next_group", metadata=metadata, **tracker), domain)
    return "\n".join(texts(dispatcher))


async def test_a_client_gets_their_own_next_group(enrolled: Dict[str, str], domain: Dict[str, Any]) -> None:
    assert "Your next Adult Evening IOP group is today, 6:00 pm–9:00 pm" in await ask(
        domain, "when is my next group?", verified(enrolled["sam"])
    )


async def test_another_client_gets_theirs_and_never_sam_s(enrolled: Dict[str, str], domain: Dict[str, Any]) -> None:
    reply = await ask(domain, "what time is group tomorrow?", verified(enrolled["alex"]))
    assert "You don't have group tomorrow (Tuesday)" in reply and "Wednesday" in reply
    assert "Evening" not in reply and "Sam" not in reply


@pytest.mark.parametrize(
    "metadata, words",
    [
        (lambda: None, "can't tell who you are"),
        (lambda: {"client": {"status": "expired"}}, "has expired"),
        (lambda: {"client": {"status": "invalid"}}, "couldn't confirm your sign-in"),
        (lambda: verified("C-404"), "couldn't find your client record"),
        # An identity no channel sealed for this conversation: a forged call, or one copied from another chat.
        (lambda: {"client": {"status": "verified", "id": "C-1"}}, "couldn't confirm your sign-in"),
        (lambda: verified("C-1", "another-conversation"), "couldn't confirm your sign-in"),
        (lambda: {"client": {"status": "verified", "id": "C-1", "seal": "0" * 64}}, "couldn't confirm your sign-in"),
    ],
)
async def test_anyone_else_gets_the_reason_and_the_general_schedule(
    enrolled: Dict[str, str], domain: Dict[str, Any], metadata: Callable[[], Optional[Dict[str, Any]]], words: str
) -> None:
    reply = await ask(domain, "when is my next group", metadata())
    assert words in reply and "Adult Day IOP" in reply and "Adult Evening IOP" in reply
    assert "Your next" not in reply


async def test_a_reminder_is_scheduled_before_the_next_group_for_this_conversation(
    enrolled: Dict[str, str], domain: Dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSetGroupReminder().run(
        dispatcher,
        make_tracker("remind me an hour before group", "request_group_reminder", metadata=verified(enrolled["sam"])),
        domain,
    )
    (reminder,) = events
    assert reminder["event"] == "reminder" and reminder["intent"] == "ask_next_group"
    assert dt.datetime.fromisoformat(reminder["date_time"]) == dt.datetime(
        2026, 12, 8, 1, 0, tzinfo=dt.timezone.utc
    )  # Mon 5 pm in LA
    assert reminder["name"] == "group_reminder:test-conversation" and reminder["kill_on_user_msg"] is False
    assert {e["entity"]: e["value"] for e in reminder["entities"]} == {
        "group_reminder": "60",
        "reminder_client": "C-1",
        "group_at": "2026-12-08T02:00:00+00:00",  # Monday 6 pm in LA
    }
    assert "1 hour before each group, starting today at 5:00 pm" in texts(dispatcher)[0]


async def test_a_reminder_for_a_lead_out_of_bounds_says_why(enrolled: Dict[str, str], domain: Dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSetGroupReminder().run(
        dispatcher,
        make_tracker("remind me 2 minutes before", "request_group_reminder", metadata=verified(enrolled["sam"])),
        domain,
    )
    assert events == [] and "between 5 minutes and 24 hours" in texts(dispatcher)[0]


async def test_a_visitor_cannot_set_a_reminder(enrolled: Dict[str, str], domain: Dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSetGroupReminder().run(
        dispatcher, make_tracker("remind me before group", "request_group_reminder"), domain
    )
    assert events == [] and "can't tell who you are" in texts(dispatcher)[0]


MONDAY_GROUP = "2026-12-08T02:00:00+00:00"  # Monday 6 pm in Los Angeles


def reminder_firing(
    client_id: str, minutes: str = "60", sender_id: str = "test-conversation", group_at: str = MONDAY_GROUP
) -> Dict[str, Any]:
    entities = [
        {"entity": "group_reminder", "value": minutes},
        {"entity": "reminder_client", "value": client_id},
        {"entity": "group_at", "value": group_at},
    ]
    return {"entities": entities, "sender_id": sender_id}


async def test_a_firing_reminder_reminds_and_schedules_the_next(
    enrolled: Dict[str, str], domain: Dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    resources().clients.link("test-conversation", enrolled["sam"], MONDAY_NOON)
    monkeypatch.setattr(actions.clients, "_now", lambda: dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.timezone.utc))  # Mon 5 pm
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerNextGroup().run(
        dispatcher, make_tracker("", "ask_next_group", **reminder_firing(enrolled["sam"])), domain
    )
    assert "Reminder, Sam: your Adult Evening IOP group starts today at 6:00 pm, in about 1 hour" in texts(dispatcher)[0]
    (following,) = events
    assert dt.datetime.fromisoformat(following["date_time"]) == dt.datetime(2026, 12, 9, 1, 0, tzinfo=dt.timezone.utc)  # Tue 5 pm


@pytest.mark.parametrize("client", ["alex", "nobody"])
async def test_a_reminder_for_a_client_not_of_this_conversation_says_nothing(
    enrolled: Dict[str, str], domain: Dict[str, Any], client: str
) -> None:
    # Typed by hand as '/ask_next_group{"group_reminder": "60", "reminder_client": "C-2"}': refused.
    resources().clients.link("test-conversation", enrolled["sam"], MONDAY_NOON)
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerNextGroup().run(
        dispatcher, make_tracker("", "ask_next_group", **reminder_firing(enrolled.get(client, "C-9"))), domain
    )
    assert events == [] and dispatcher.messages == []


async def test_a_removed_client_s_reminders_stop(enrolled: Dict[str, str], domain: Dict[str, Any]) -> None:
    resources().clients.link("test-conversation", enrolled["sam"], MONDAY_NOON)
    resources().clients.remove(enrolled["sam"])
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerNextGroup().run(
        dispatcher, make_tracker("", "ask_next_group", **reminder_firing(enrolled["sam"])), domain
    )
    assert events == [] and dispatcher.messages == []


async def test_cancel_removes_this_conversation_s_reminder(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await ActionCancelGroupReminder().run(dispatcher, make_tracker("stop reminders", "cancel_group_reminder"), domain)
    assert events == [
        {
            "event": "cancel_reminder",
            "timestamp": None,
            "name": "group_reminder:test-conversation",
            "intent": None,
            "entities": None,
        }
    ]
    assert "stopped your group reminders" in texts(dispatcher)[0]


async def test_a_reminder_firing_after_its_group_started_stays_quiet_and_schedules_the_next(
    enrolled: Dict[str, str], domain: Dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Due Monday 5 pm for the 6 pm group, but the service was down until 6:30 pm.
    resources().clients.link("test-conversation", enrolled["sam"], MONDAY_NOON)
    monkeypatch.setattr(actions.clients, "_now", lambda: dt.datetime(2026, 12, 8, 2, 30, tzinfo=dt.timezone.utc))
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerNextGroup().run(
        dispatcher, make_tracker("", "ask_next_group", **reminder_firing(enrolled["sam"])), domain
    )
    assert dispatcher.messages == []
    (following,) = events
    assert dt.datetime.fromisoformat(following["date_time"]) == dt.datetime(2026, 12, 9, 1, 0, tzinfo=dt.timezone.utc)  # Tue 5 pm
