"""The live queue (bot/records/live.py) and the live chat's turns (turns_since), on the world of
conftest.py plus handoffs and a few more events written through Rasa's tracker store.

The queue used in most tests (NOW is 2026-03-20 12:00 in Palm Springs):

    conversation  handoff                                  escalation      client
    c-client      waiting since NOW-5m, crisis             -               C-1
    c-prospect    waiting since NOW-2m                     -               -
    c-live        waiting since NOW-1m (a phone number)    -               -
    c-fallback    active (ana) since NOW-8m                -               -
    c-old-open    active (dana) since NOW-3m, crisis       acknowledged    -
    c-crisis      -                                        open (3/19)     -
    c-search      closed                                   -               -
    c-old         -                                        resolved        C-2

In crisis (an unresolved escalation, or a request made in crisis): c-client, c-old-open, c-crisis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import BotUttered

from bot.handoff.store import HandoffStore
from bot.records.conversations import BotTurn, UserTurn, last_event_id, turns_since
from bot.records.live import PREVIEW, Audience, QueueItem, audience_of, live_queue
from bot.records.masking import mask_text
from bot.safety.escalations import EscalationStore, record_crisis_events
from bot.staff.roles import Role
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.bot.records.conftest import NOW, Chat, World, local, tracker_store, utc
from tests.bot.safety.conftest import user_event

MINUTE = dt.timedelta(minutes=1)
LIVE_MESSAGE = "please call me at (760) 555-0123, I need to talk to someone " + "today " * 40


@pytest.fixture
async def queue(world: World) -> World:
    migrate(world.engine)
    await (
        Chat("c-live", local(2026, 3, 20, 11, 58))
        .user("hi", "greet")
        .bot("Hello!")
        .user(LIVE_MESSAGE, "request_human")
        .save(tracker_store(world.database))
    )
    store = HandoffStore(world.engine)
    store.request("c-client", "crisis", utc(NOW - 5 * MINUTE))
    store.request("c-prospect", "requested", utc(NOW - 2 * MINUTE))
    store.request("c-live", "requested", utc(NOW - MINUTE))
    store.request("c-fallback", "requested", utc(NOW - 10 * MINUTE))
    store.take("c-fallback", "ana", "Ana Admissions", utc(NOW - 8 * MINUTE))
    store.take("c-old-open", "dana", "Dana Reyes", utc(NOW - 3 * MINUTE), reason="crisis")
    store.take("c-search", "ana", "Ana Admissions", utc(NOW - 60 * MINUTE))
    store.end("c-search", "ana", "closed", utc(NOW - 50 * MINUTE))
    return world


USERNAMES = {Role.ADMIN: "root", Role.ADMISSIONS: "ana", Role.CLINICIAN: "dana"}


def order(world: World, role: Role, username: str = "") -> List[str]:
    return [item.conversation_id for item in live_queue(world.engine, role, username or USERNAMES[role], mask=False)]


@pytest.mark.parametrize(
    "role, expected",
    [
        # Crises nobody answers (the oldest first), then people waiting, then chats in progress.
        (Role.ADMIN, ["c-crisis", "c-client", "c-prospect", "c-live", "c-fallback", "c-old-open"]),
        # Admissions: prospects out of crisis; never an enrolled client's conversation, nor a crisis.
        (Role.ADMISSIONS, ["c-prospect", "c-live", "c-fallback"]),
        # Clinicians: enrolled clients and every crisis, not plain prospects.
        (Role.CLINICIAN, ["c-crisis", "c-client", "c-old-open"]),
    ],
)
async def test_the_queue_in_the_order_to_work_it_and_only_what_the_role_may_answer(
    queue: World, role: Role, expected: List[str]
) -> None:
    assert order(queue, role) == expected


@pytest.mark.parametrize("role", list(Role))
async def test_a_chat_held_by_someone_else_is_not_a_reason_to_list_it(queue: World, role: Role) -> None:
    assert order(queue, role, "someone-else") == order(queue, role)  # holding is only for the holder


@pytest.mark.parametrize(
    "state, in_crisis, rank",
    [
        ("escalation", True, 0),  # a crisis nobody answers
        ("waiting", True, 0),  # a request made in crisis
        ("waiting", False, 1),
        ("active", False, 2),
        ("active", True, 2),  # someone is answering the crisis
    ],
)
def test_rank(state: str, in_crisis: bool, rank: int) -> None:
    item = QueueItem(
        conversation_id="c",
        state=state,
        reason="crisis" if in_crisis else "requested",
        in_crisis=in_crisis,
        since=NOW,
        staff_name=None,
        taken_by=None,
        client_name=None,
        escalation_status=None,
        crisis_type=None,
        last_message="",
        last_message_at=None,
    )
    assert item.rank == rank


async def test_a_crisis_in_an_admissions_chat_stays_with_its_holder_and_goes_to_the_clinicians(queue: World) -> None:
    """ana chats with a visitor when a crisis message comes in: she still sees the chat she holds
    (to finish it), another admissions user does not, and the clinicians see it in crisis."""
    at = (NOW - 10 * MINUTE).timestamp()
    record_crisis_events(queue.engine, "c-fallback", [user_event("i want to end it", "crisis", "suicide", timestamp=at)])
    assert order(queue, Role.ADMISSIONS, "ana") == ["c-prospect", "c-live", "c-fallback"]
    assert order(queue, Role.ADMISSIONS, "ann") == ["c-prospect", "c-live"]
    assert order(queue, Role.CLINICIAN) == ["c-crisis", "c-client", "c-fallback", "c-old-open"]  # a chat in progress
    for role, username in ((Role.ADMISSIONS, "ana"), (Role.CLINICIAN, "dana")):
        [item] = [i for i in live_queue(queue.engine, role, username, mask=False) if i.conversation_id == "c-fallback"]
        assert (item.state, item.in_crisis, item.taken_by, item.escalation_status, item.crisis_type) == (
            "active",
            True,
            "ana",
            "open",
            "suicide",
        )
        assert item.reason == "requested"  # why the chat began
    HandoffStore(queue.engine).end("c-fallback", "ana", "returned", utc(NOW))
    assert order(queue, Role.ADMISSIONS, "ana") == ["c-prospect", "c-live"]  # handed back: hers no more
    # Now a crisis nobody answers, opened NOW-10m: before c-client's crisis request (NOW-5m).
    assert order(queue, Role.CLINICIAN) == ["c-crisis", "c-fallback", "c-client", "c-old-open"]


async def test_each_item_says_where_it_stands(queue: World) -> None:
    items: Dict[str, QueueItem] = {
        item.conversation_id: item for item in live_queue(queue.engine, Role.ADMIN, "root", mask=False)
    }
    assert {key: item.in_crisis for key, item in items.items()} == {
        "c-client": True,
        "c-prospect": False,
        "c-live": False,
        "c-fallback": False,
        "c-old-open": True,
        "c-crisis": True,
    }
    client = items["c-client"]
    assert (client.state, client.reason, client.since) == ("waiting", "crisis", NOW - 5 * MINUTE)
    assert (client.client_name, client.client_linked, client.staff_name, client.taken_by) == ("Sam", True, None, None)
    assert client.escalation_status is None and client.crisis_type is None
    chatting = items["c-fallback"]
    assert (chatting.state, chatting.reason, chatting.since) == ("active", "requested", NOW - 8 * MINUTE)  # since taken over
    assert (chatting.staff_name, chatting.taken_by, chatting.client_linked) == ("Ana Admissions", "ana", False)
    crisis_chat = items["c-old-open"]
    assert (crisis_chat.state, crisis_chat.reason, crisis_chat.escalation_status, crisis_chat.crisis_type) == (
        "active",
        "crisis",
        "acknowledged",
        "suicide",
    )
    escalation = items["c-crisis"]
    assert (escalation.state, escalation.reason, escalation.escalation_status, escalation.crisis_type) == (
        "escalation",
        "crisis",
        "open",
        "suicide",
    )
    assert escalation.since == local(2026, 3, 19, 22, 30)  # when the escalation opened
    assert (escalation.staff_name, escalation.taken_by) == (None, None)


async def test_each_item_shows_the_person_s_latest_message(queue: World) -> None:
    items = {item.conversation_id: item for item in live_queue(queue.engine, Role.ADMIN, "root", mask=False)}
    assert items["c-prospect"].last_message == "Do you take Aetna?"  # not the first one, with the phone number
    assert items["c-prospect"].last_message_at == local(2026, 3, 18, 9, 0, 35)
    assert items["c-client"].last_message == "hello again"  # the second session's
    assert items["c-fallback"].last_message == "thanks!"
    assert items["c-crisis"].last_message == "I don't want to live anymore"
    assert items["c-live"].last_message == LIVE_MESSAGE[:PREVIEW] and len(LIVE_MESSAGE) > PREVIEW


async def test_masking_hides_contact_details_in_the_preview(queue: World) -> None:
    [masked] = [item for item in live_queue(queue.engine, Role.ADMIN, "root", mask=True) if item.conversation_id == "c-live"]
    assert masked.last_message == mask_text(LIVE_MESSAGE)[:PREVIEW]
    assert "555-0123" not in masked.last_message and masked.last_message.startswith("please call me at ")
    [plain] = [item for item in live_queue(queue.engine, Role.ADMIN, "root", mask=False) if item.conversation_id == "c-live"]
    assert "(760) 555-0123" in plain.last_message


async def test_ended_handoffs_and_resolved_escalations_leave_the_queue(queue: World) -> None:
    store = HandoffStore(queue.engine)
    store.end("c-fallback", "ana", "returned", utc(NOW))
    store.expire_waiting(utc(NOW - 3 * MINUTE), utc(NOW))  # c-client's request
    assert order(queue, Role.ADMIN) == ["c-crisis", "c-prospect", "c-live", "c-old-open"]


def test_an_empty_queue(world: World) -> None:
    with world.engine.begin() as connection:
        connection.execute(sa.text("UPDATE escalations SET status = 'resolved'"))
    migrate(world.engine)
    assert live_queue(world.engine, Role.ADMIN, "root", mask=False) == []


def test_a_fresh_database_has_an_empty_queue(tmp_path: Any) -> None:
    engine = make_engine(tmp_path / "fresh.db")
    migrate(engine)  # ours, but not Rasa's events table yet
    assert live_queue(engine, Role.ADMIN, "root", mask=True) == []
    assert audience_of(engine, "c-1") is None


@pytest.mark.parametrize(
    "conversation, audience",
    [
        ("c-prospect", Audience(client_linked=False, escalated=False, in_crisis=False)),  # a prospect
        ("c-widget", Audience(client_linked=False, escalated=False, in_crisis=False)),  # a session start only
        ("c-client", Audience(client_linked=True, escalated=False, in_crisis=False)),  # an enrolled client's
        ("c-crisis", Audience(client_linked=False, escalated=True, in_crisis=True)),  # an open escalation
        ("c-old-open", Audience(client_linked=False, escalated=True, in_crisis=True)),  # an acknowledged one
        ("c-old", Audience(client_linked=True, escalated=True, in_crisis=False)),  # a client's, resolved
    ],
)
def test_audience_of(shared_world: World, conversation: str, audience: Audience) -> None:
    assert audience_of(shared_world.engine, conversation) == audience


@pytest.mark.parametrize(
    "conversation, admissions, clinician",
    [
        ("c-prospect", True, False),
        ("c-widget", True, False),
        ("c-client", False, True),
        ("c-crisis", False, True),  # admissions may read it, but a crisis is the clinical team's
        ("c-old-open", False, True),
        ("c-old", False, True),
    ],
)
def test_the_audience_allows_who_may_answer(shared_world: World, conversation: str, admissions: bool, clinician: bool) -> None:
    audience = audience_of(shared_world.engine, conversation)
    assert audience is not None
    assert audience.allows(Role.ADMISSIONS) is admissions
    assert audience.allows(Role.CLINICIAN) is clinician
    assert audience.allows(Role.ADMIN) is True


def test_the_audience_of_an_unknown_conversation_is_none(shared_world: World) -> None:
    assert audience_of(shared_world.engine, "no-such-conversation") is None


def test_a_request_made_in_crisis_counts_while_it_is_open(world: World) -> None:
    migrate(world.engine)
    store = HandoffStore(world.engine)
    store.request("c-prospect", "crisis", utc(NOW))
    assert audience_of(world.engine, "c-prospect") == Audience(client_linked=False, escalated=True, in_crisis=True)
    store.take("c-prospect", "dana", "Dana Reyes", utc(NOW + MINUTE))
    assert audience_of(world.engine, "c-prospect") == Audience(client_linked=False, escalated=True, in_crisis=True)
    store.end("c-prospect", "dana", "closed", utc(NOW + 2 * MINUTE))
    assert audience_of(world.engine, "c-prospect") == Audience(client_linked=False, escalated=False, in_crisis=False)


def test_an_escalation_counts_until_resolved_and_for_the_transcript_rule_after(world: World) -> None:
    migrate(world.engine)
    escalations = EscalationStore(world.engine)
    [escalation_id] = record_crisis_events(world.engine, "c-prospect", [user_event("kms", "crisis", "suicide")])
    assert audience_of(world.engine, "c-prospect") == Audience(client_linked=False, escalated=True, in_crisis=True)
    escalations.resolve(escalation_id, "dana")
    assert audience_of(world.engine, "c-prospect") == Audience(client_linked=False, escalated=True, in_crisis=False)
    record_crisis_events(world.engine, "c-prospect", [user_event("kms", "crisis", "suicide")])  # a new one
    assert audience_of(world.engine, "c-prospect") == Audience(client_linked=False, escalated=True, in_crisis=True)


# --- the live chat's turns ----------------------------------------------------------------------


def _staff_bot(text: str, handoff: Any, at: dt.datetime) -> BotUttered:
    return BotUttered(text, {}, metadata={"handoff": handoff}, timestamp=at.timestamp())


async def test_turns_since_gives_only_newer_turns_with_who_wrote_them(world: World) -> None:
    everything, last = turns_since(world.engine, "c-prospect", 0, mask=False)
    assert [turn.text for turn in everything if isinstance(turn, (UserTurn, BotTurn))][:2] == [
        "Hi, I'm Sam, call me at (760) 555-0199 or sam@example.com",
        "Hi Sam! I can help with our programs and insurance.",
    ]
    assert turns_since(world.engine, "c-prospect", last, mask=False) == ([], last)  # nothing new
    chat = Chat("c-prospect", local(2026, 3, 20, 12, 0)).user("is anyone there? my number is (760) 555-0188", "request_human")
    chat.events += [
        _staff_bot(
            "Dana from Juniper Ridge has joined the chat.",
            {"kind": "status", "status": "active", "staff_name": "Dana Reyes"},
            NOW + MINUTE,
        ),
        _staff_bot("Hi Sam, I'm here.", {"kind": "staff", "status": "active", "staff_name": "Dana Reyes"}, NOW + 2 * MINUTE),
        _staff_bot("A message with odd details", "not a dict", NOW + 3 * MINUTE),
        _staff_bot("Written by someone nameless", {"kind": "staff", "status": "active"}, NOW + 4 * MINUTE),
    ]
    await chat.save(tracker_store(world.database))
    newer, newest = turns_since(world.engine, "c-prospect", last, mask=True)
    assert newest > last
    user, joined, staff, odd, nameless = newer
    assert (
        isinstance(user, UserTurn)
        and user.text == mask_text("is anyone there? my number is (760) 555-0188")
        and "0188" not in user.text
    )
    assert isinstance(joined, BotTurn) and (joined.staff_name, joined.handoff_status) == (None, "active")
    assert isinstance(staff, BotTurn) and (staff.staff_name, staff.handoff_status, staff.text) == (
        "Dana Reyes",
        None,
        "Hi Sam, I'm here.",
    )
    assert (odd.staff_name, odd.handoff_status) == (None, None)  # type: ignore[union-attr]
    assert nameless.staff_name == "staff"  # type: ignore[union-attr]
    assert staff.at == NOW + 2 * MINUTE
    assert turns_since(world.engine, "c-prospect", newest) == ([], newest)
    assert turns_since(world.engine, "c-client", newest) == (
        [],
        newest,
    )  # ids are global: another conversation's older ones are not newer


def test_turns_since_without_rasa_s_tables(tmp_path: Any) -> None:
    engine = make_engine(tmp_path / "fresh.db")
    assert turns_since(engine, "c-1", 7) == ([], 7)


def test_last_event_id_is_where_turns_since_finds_nothing_new(shared_world: World, tmp_path: Any) -> None:
    last = last_event_id(shared_world.engine, "c-prospect")
    assert last == turns_since(shared_world.engine, "c-prospect", 0, mask=False)[1] > 0
    assert turns_since(shared_world.engine, "c-prospect", last, mask=False) == ([], last)
    assert last_event_id(shared_world.engine, "no-such-conversation") == 0
    assert last_event_id(make_engine(tmp_path / "fresh.db"), "c-1") == 0  # before Rasa made its tables
