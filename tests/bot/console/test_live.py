"""The live queue (bot/console/live.py) and the live chat's turns (turns_since), on the world of
conftest.py plus handoffs and a few more events written through Rasa's tracker store.

The queue used in most tests (NOW is 2026-03-20 12:00 in Palm Springs):

    conversation  handoff                                  escalation      client
    c-client      waiting since NOW-5m, crisis             -               C-1
    c-prospect    waiting since NOW-2m                     -               -
    c-live        waiting since NOW-1m (a phone number)    -               -
    c-fallback    active (ana) since NOW-8m                -               -
    c-old-open    active (dana) since NOW-3m, crisis       acknowledged    -
    c-crisis      -                                        open            -
    c-search      closed                                   -               -
    c-old         -                                        resolved        C-2
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import BotUttered

from bot.console.conversations import BotTurn, UserTurn, turns_since
from bot.console.live import PREVIEW, QueueItem, live_queue, may_take_over, unresolved_escalation
from bot.console.masking import mask_text
from bot.handoff.store import HandoffStore
from bot.staff.roles import Role
from bot.storage.db import create_tables, make_engine
from tests.bot.console.conftest import NOW, Chat, World, local, tracker_store, utc

MINUTE = dt.timedelta(minutes=1)
LIVE_MESSAGE = "please call me at (760) 555-0123, I need to talk to someone " + "today " * 40


@pytest.fixture
async def queue(world: World) -> World:
    create_tables(world.engine)
    await Chat("c-live", local(2026, 3, 20, 11, 58)).user("hi", "greet").bot("Hello!").user(LIVE_MESSAGE, "request_human").save(
        tracker_store(world.path)
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


def order(world: World, role: Role) -> List[str]:
    return [item.conversation_id for item in live_queue(world.engine, role, mask=False)]


@pytest.mark.parametrize(
    "role, expected",
    [
        # Waiting requests (longest first), then live chats, then escalations nobody took over.
        (Role.ADMIN, ["c-client", "c-prospect", "c-live", "c-fallback", "c-old-open", "c-crisis"]),
        # Admissions: prospects, escalated or not; never an enrolled client's conversation.
        (Role.ADMISSIONS, ["c-prospect", "c-live", "c-fallback", "c-old-open", "c-crisis"]),
        # Clinicians: enrolled clients and escalated prospects, not plain prospects.
        (Role.CLINICIAN, ["c-client", "c-old-open", "c-crisis"]),
    ],
)
async def test_the_queue_in_the_order_to_work_it_and_only_what_the_role_may_open(queue: World, role: Role, expected: List[str]) -> None:
    assert order(queue, role) == expected


async def test_each_item_says_where_it_stands(queue: World) -> None:
    items: Dict[str, QueueItem] = {item.conversation_id: item for item in live_queue(queue.engine, Role.ADMIN, mask=False)}
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
    assert (escalation.state, escalation.reason, escalation.escalation_status, escalation.crisis_type) == ("escalation", "crisis", "open", "suicide")
    assert escalation.since == local(2026, 3, 19, 22, 30)  # when the escalation opened
    assert (escalation.staff_name, escalation.taken_by) == (None, None)


async def test_each_item_shows_the_person_s_latest_message(queue: World) -> None:
    items = {item.conversation_id: item for item in live_queue(queue.engine, Role.ADMIN, mask=False)}
    assert items["c-prospect"].last_message == "Do you take Aetna?"  # not the first one, with the phone number
    assert items["c-prospect"].last_message_at == local(2026, 3, 18, 9, 0, 35)
    assert items["c-client"].last_message == "hello again"  # the second session's
    assert items["c-fallback"].last_message == "thanks!"
    assert items["c-crisis"].last_message == "I don't want to live anymore"
    assert items["c-live"].last_message == LIVE_MESSAGE[:PREVIEW] and len(LIVE_MESSAGE) > PREVIEW


async def test_masking_hides_contact_details_in_the_preview(queue: World) -> None:
    [masked] = [item for item in live_queue(queue.engine, Role.ADMIN, mask=True) if item.conversation_id == "c-live"]
    assert masked.last_message == mask_text(LIVE_MESSAGE)[:PREVIEW]
    assert "555-0123" not in masked.last_message and masked.last_message.startswith("please call me at ")
    [plain] = [item for item in live_queue(queue.engine, Role.ADMIN, mask=False) if item.conversation_id == "c-live"]
    assert "(760) 555-0123" in plain.last_message


async def test_ended_handoffs_and_resolved_escalations_leave_the_queue(queue: World) -> None:
    store = HandoffStore(queue.engine)
    store.end("c-fallback", "ana", "returned", utc(NOW))
    store.expire_waiting(utc(NOW - 3 * MINUTE), utc(NOW))  # c-client's request
    assert order(queue, Role.ADMIN) == ["c-prospect", "c-live", "c-old-open", "c-crisis"]


def test_an_empty_queue(world: World) -> None:
    with world.engine.begin() as connection:
        connection.execute(sa.text("UPDATE escalations SET status = 'resolved'"))
    create_tables(world.engine)
    assert live_queue(world.engine, Role.ADMIN, mask=False) == []


def test_a_fresh_database_has_an_empty_queue(tmp_path: Any) -> None:
    engine = make_engine(tmp_path / "fresh.db")
    create_tables(engine)  # ours, but not Rasa's events table yet
    assert live_queue(engine, Role.ADMIN, mask=True) == []
    assert may_take_over(engine, Role.ADMIN, "c-1") is None


@pytest.mark.parametrize(
    "conversation, admissions, clinician",
    [
        ("c-prospect", True, False),  # a prospect
        ("c-widget", True, False),  # a session start only, still a prospect's
        ("c-client", False, True),  # an enrolled client's
        ("c-crisis", True, True),  # a prospect with an open escalation
        ("c-old-open", True, True),  # ... with an acknowledged one
        ("c-old", False, True),  # a client's, with a resolved escalation
    ],
)
def test_may_take_over_follows_the_transcript_rule(shared_world: World, conversation: str, admissions: bool, clinician: bool) -> None:
    engine = shared_world.engine
    assert may_take_over(engine, Role.ADMISSIONS, conversation) is admissions
    assert may_take_over(engine, Role.CLINICIAN, conversation) is clinician
    assert may_take_over(engine, Role.ADMIN, conversation) is True


def test_may_take_over_an_unknown_conversation_is_none(shared_world: World) -> None:
    for role in Role:
        assert may_take_over(shared_world.engine, role, "no-such-conversation") is None


def test_unresolved_escalation(shared_world: World) -> None:
    ids = shared_world.escalation_ids
    assert unresolved_escalation(shared_world.engine, "c-crisis") == {"id": ids["c-crisis"], "status": "open", "crisis_type": "suicide"}
    assert unresolved_escalation(shared_world.engine, "c-old-open") == {"id": ids["c-old-open"], "status": "acknowledged", "crisis_type": "suicide"}
    assert unresolved_escalation(shared_world.engine, "c-old") is None  # resolved
    assert unresolved_escalation(shared_world.engine, "c-prospect") is None


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
        _staff_bot("Dana from Juniper Ridge has joined the chat.", {"kind": "status", "status": "active", "staff_name": "Dana Reyes"}, NOW + MINUTE),
        _staff_bot("Hi Sam, I'm here.", {"kind": "staff", "status": "active", "staff_name": "Dana Reyes"}, NOW + 2 * MINUTE),
        _staff_bot("A message with odd details", "not a dict", NOW + 3 * MINUTE),
        _staff_bot("Written by someone nameless", {"kind": "staff", "status": "active"}, NOW + 4 * MINUTE),
    ]
    await chat.save(tracker_store(world.path))
    newer, newest = turns_since(world.engine, "c-prospect", last, mask=True)
    assert newest > last
    user, joined, staff, odd, nameless = newer
    assert isinstance(user, UserTurn) and user.text == mask_text("is anyone there? my number is (760) 555-0188") and "0188" not in user.text
    assert isinstance(joined, BotTurn) and (joined.staff_name, joined.handoff_status) == (None, "active")
    assert isinstance(staff, BotTurn) and (staff.staff_name, staff.handoff_status, staff.text) == ("Dana Reyes", None, "Hi Sam, I'm here.")
    assert (odd.staff_name, odd.handoff_status) == (None, None)  # type: ignore[union-attr]
    assert nameless.staff_name == "staff"  # type: ignore[union-attr]
    assert staff.at == NOW + 2 * MINUTE
    assert turns_since(world.engine, "c-prospect", newest) == ([], newest)
    assert turns_since(world.engine, "c-client", newest) == ([], newest)  # ids are global: another conversation's older ones are not newer


def test_turns_since_without_rasa_s_tables(tmp_path: Any) -> None:
    engine = make_engine(tmp_path / "fresh.db")
    assert turns_since(engine, "c-1", 7) == ([], 7)

