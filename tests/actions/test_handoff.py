"""action_request_handoff: "talk to a person", run as the action server runs it, on the scratch
database and a copy of the program data (service_env). The staffed hours are set in the copy
("always", or only a day three days from now) so the outcome never depends on when the tests run; who is available
is set through the real presence store, with real staff accounts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import yaml
from argon2 import PasswordHasher
from rasa_sdk.executor import CollectingDispatcher

import actions.common
from actions.common import resources
from actions.handoff import ActionRequestHandoff
from bot.handoff.presence import PresenceStore
from bot.safety.escalations import CrisisMessage, EscalationStore, record
from bot.settings import get_settings
from bot.staff import passwords
from bot.staff.users import UserStore
from bot.storage.db import handoffs
from tests.actions.conftest import make_tracker
from tests.identity import verified

CALLBACK = [{"title": "Request a callback", "payload": "/request_callback"}]
WAITING = "Of course. I'm asking a member of our team to join this chat now"
BUSY = "Everyone on our team is busy just now"
UNSTAFFED = "Our team isn't available for a live chat right now"
ALREADY = "I've already asked our team"
NOT_HERE = "I can't bring a person into this conversation, but the chat on our website can"
DANGER = "If you are in danger, call 911 now, and you can call or text 988 any time to talk with a crisis counselor.\n"
ROLES = {"ana": "admissions", "dana": "clinician"}


def staffed(program: Path, hours: Any) -> None:
    path = program / "center.yml"
    document = yaml.safe_load(path.read_text())
    document["center"]["staffed_hours"] = hours
    path.write_text(yaml.safe_dump(document, sort_keys=False))


@pytest.fixture
def always(service_env: Path, program_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Live chat staffed around the clock, and one account per role that answers live chats."""
    staffed(program_copy, "always")
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users = UserStore(resources().engine)
    for username, role in ROLES.items():
        users.add(username, username.title(), role, "handoff action tests")
    return program_copy


def available(*usernames: str) -> None:
    presence = PresenceStore(resources().engine)
    for username in usernames:
        presence.set_available(username, True, dt.datetime.now(dt.timezone.utc))


async def ask(
    sender: str = "conv-1",
    crisis: bool = False,
    metadata: Optional[Dict[str, Any]] = None,
    channel: Optional[str] = "socketio",
) -> Dict[str, Any]:
    """Ask as the person does; on the website's chat (socketio) unless ``channel`` says otherwise;
    ``crisis``: in crisis mode, which is read from the events (a crisis message and its answer)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("can I talk to a person?", "request_human", sender_id=sender, metadata=metadata, input_channel=channel)
    if crisis:
        tracker.events[:0] = [
            {"event": "user", "text": "i want to die", "parse_data": {"intent": {"name": "crisis", "confidence": 1.0}}},
            {"event": "action", "name": "utter_crisis"},
        ]
    events = await ActionRequestHandoff().run(dispatcher, tracker, {})
    assert events == []
    [message] = dispatcher.messages
    assert "{{" not in message["text"]
    return message


def stored() -> List[tuple]:
    with resources().engine.connect() as connection:
        query = sa.select(handoffs.c.conversation_id, handoffs.c.reason, handoffs.c.status).order_by(handoffs.c.requested_at)
        return [(row.conversation_id, row.reason, row.status) for row in connection.execute(query)]


async def test_someone_available_the_request_waits(always: Path) -> None:
    available("ana")
    message = await ask()
    assert message["text"].startswith(WAITING) and "within about 3 minutes" in message["text"]
    assert "988" not in message["text"]
    assert message["handoff"] == {"kind": "status", "status": "waiting"}  # the widget shows it
    assert message["buttons"] == []
    assert stored() == [("conv-1", "requested", "waiting")]


async def test_asking_again_does_not_queue_twice(always: Path) -> None:
    available("ana")
    await ask()
    message = await ask()
    assert message["text"].startswith(ALREADY) and message["handoff"] == {"kind": "status", "status": "waiting"}
    assert stored() == [("conv-1", "requested", "waiting")]


async def test_nobody_available_offers_the_callback_at_once(always: Path) -> None:
    message = await ask()
    assert message["text"].startswith(BUSY) and "(760) 555-0141" in message["text"] and "(760) 555-0149" in message["text"]
    assert message["buttons"] == CALLBACK
    assert "handoff" not in message  # nothing is waiting
    assert stored() == []


async def test_outside_the_staffed_hours_offers_the_callback(service_env: Path, program_copy: Path) -> None:
    # Staffed on one day only, and that day is neither today nor tomorrow in the center's zone.
    other_day = (dt.datetime.now(ZoneInfo("America/Los_Angeles")) + dt.timedelta(days=3)).strftime("%A").lower()
    staffed(program_copy, {other_day: {"start": "08:00", "end": "09:00"}})
    available("ana")  # a presence row without an account, even: the hours come first
    message = await ask()
    assert message["text"].startswith(UNSTAFFED) and message["buttons"] == CALLBACK
    assert "handoff" not in message and stored() == []


async def test_a_crisis_repeats_988_and_911_and_the_request_is_marked_crisis(always: Path) -> None:
    available("dana")
    message = await ask(crisis=True)
    text = message["text"]
    assert text.startswith(WAITING) and "call 911" in text and "call or text 988" in text
    assert stored() == [("conv-1", "crisis", "waiting")]


async def test_a_crisis_with_nobody_available_gives_911_and_988_first(always: Path) -> None:
    message = await ask(crisis=True)
    assert message["text"].startswith(DANGER + BUSY) and message["buttons"] == CALLBACK
    assert stored() == []


async def test_in_a_crisis_admissions_alone_do_not_count(always: Path) -> None:
    available("ana")  # admissions may answer the prospect, not the crisis
    message = await ask(crisis=True)
    assert message["text"].startswith(DANGER + BUSY) and stored() == []
    assert (await ask())["text"].startswith(WAITING)  # the same prospect out of crisis: admissions answer
    assert stored() == [("conv-1", "requested", "waiting")]


@pytest.mark.parametrize("channel", ["rest", "cmdline", None])
@pytest.mark.parametrize("crisis", [False, True])
async def test_outside_the_websites_chat_nobody_is_asked_to_join(always: Path, channel: Optional[str], crisis: bool) -> None:
    """A REST caller (or a message with no channel) would never see a staff member's messages."""
    available("ana", "dana")
    message = await ask(crisis=crisis, channel=channel)
    text = message["text"]
    assert text.startswith(DANGER + NOT_HERE if crisis else NOT_HERE)
    assert ("988" in text) is crisis and "(760) 555-0141" in text and "(760) 555-0149" in text
    assert "(live-chat hours: around the clock)" in text
    assert message["buttons"] == CALLBACK and "handoff" not in message
    assert stored() == []


async def test_the_wait_promised_follows_the_setting(always: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_WAIT_SECONDS", "60")
    get_settings.cache_clear()
    available("ana")
    assert "within about 1 minute," in (await ask())["text"]


@pytest.mark.parametrize(
    "how",
    ["a verified token on this message", "a conversation linked before"],
)
@pytest.mark.parametrize("who, answer", [("ana", BUSY), ("dana", WAITING)])
async def test_an_enrolled_client_is_answered_by_a_clinician_only(always: Path, how: str, who: str, answer: str) -> None:
    clients = resources().clients
    clients.add("C-1", "Sam", "adult_evening", "Dana")
    metadata = None
    if how.startswith("a verified"):
        metadata = verified("C-1", "conv-1")
    else:
        clients.link("conv-1", "C-1", dt.datetime.now(dt.timezone.utc))
    available(who)
    message = await ask(metadata=metadata)
    assert message["text"].startswith(answer)
    assert len(stored()) == (1 if answer == WAITING else 0)


@pytest.fixture
def broken_database(service_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """DATABASE_PATH names a directory: SQLite cannot open it, so every query fails."""
    directory = service_env.parent / "not-a-database"
    directory.mkdir(parents=True)
    monkeypatch.setenv("DATABASE_PATH", str(directory))
    get_settings.cache_clear()
    actions.common._resources = None
    yield directory


@pytest.mark.parametrize("crisis", [False, True])
async def test_without_the_database_the_person_still_gets_the_numbers_and_the_form(
    broken_database: Path, program_copy: Path, crisis: bool, caplog: pytest.LogCaptureFixture
) -> None:
    staffed(program_copy, "always")
    message = await ask(crisis=crisis)
    assert message["text"].startswith(DANGER + BUSY if crisis else BUSY) and "(760) 555-0141" in message["text"]
    assert ("988" in message["text"]) is crisis
    assert message["buttons"] == CALLBACK and "handoff" not in message
    assert "could not record the request for a person in conversation conv-1" in caplog.text
    assert list(broken_database.iterdir()) == []


async def test_an_escalation_in_progress_counts_as_a_crisis_after_i_m_safe(always: Path) -> None:
    """Crisis mode ended ("I'm safe"), the escalation did not: the request is a crisis one, for the
    clinical team, and the answer puts 911 and 988 first."""
    with resources().engine.begin() as connection:
        escalation_id = record(connection, CrisisMessage("conv-1", "suicide", "i want to die", dt.datetime.now(dt.timezone.utc)))
    available("ana")  # admissions alone may not answer it
    assert (await ask(crisis=False))["text"].startswith(DANGER + BUSY)
    available("dana")
    assert (await ask(crisis=False))["text"].startswith(WAITING)
    assert stored() == [("conv-1", "crisis", "waiting")]
    EscalationStore(resources().engine).resolve(escalation_id, by="Dana Reyes")
    assert (await ask(sender="conv-2"))["text"].startswith(WAITING)  # another conversation: no crisis


@pytest.mark.parametrize("channel", ["rest", None])
async def test_without_the_database_a_rest_caller_is_still_told_where_a_person_can_join(
    broken_database: Path, program_copy: Path, channel: Optional[str]
) -> None:
    staffed(program_copy, "always")
    message = await ask(channel=channel)
    assert message["text"].startswith(NOT_HERE) and message["buttons"] == CALLBACK
