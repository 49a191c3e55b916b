""" "Talk to a person" (bot/handoff/request.py): someone is asked only in the website's chat, inside
the staffed hours and when a staff member who may answer the conversation is available; otherwise
the callback form at once. Real stores and staff accounts on SQLite, the demo center (Mon–Thu
08:00–19:00, Fri 08:00–17:00 in Palm Springs) and its real answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clients.store import ClientStore
from bot.handoff.presence import FRESH_SECONDS, PresenceStore
from bot.handoff.request import LIVE_CHANNEL, Outcome, answer_context, is_client_conversation, request_person, wait_minutes
from bot.handoff.store import HandoffStore
from bot.program.answers import AnswerBook
from bot.program.models import Center
from bot.staff.users import StaffUser
from bot.storage.db import handoffs

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10 = dt.datetime(2026, 1, 5, 10, 0, tzinfo=LA)
SATURDAY_10 = dt.datetime(2026, 1, 10, 10, 0, tzinfo=LA)
HOURS = "Mon–Thu 8:00 am–7:00 pm; Fri 8:00 am–5:00 pm"


@dataclass
class Desk:
    """The real stores and the demo center, and a way to ask for a person."""

    handoffs: HandoffStore
    presence: PresenceStore
    center: Center
    engine: Engine

    def on(self, *usernames: str, at: dt.datetime = MONDAY_10) -> None:
        for username in usernames:
            self.presence.set_available(username, True, at)

    def ask(
        self,
        at: dt.datetime = MONDAY_10,
        crisis: bool = False,
        client: bool = False,
        conversation: str = "c1",
        wait: float = 180,
        channel: Optional[str] = "socketio",
    ) -> Outcome:
        return request_person(
            self.handoffs,
            self.presence,
            self.center,
            conversation,
            channel=channel,
            crisis=crisis,
            client_linked=client,
            wait_seconds=wait,
            at=at,
        )

    def stored(self) -> List[Tuple[str, str, str]]:
        with self.engine.connect() as connection:
            query = sa.select(handoffs.c.conversation_id, handoffs.c.reason, handoffs.c.status).order_by(
                handoffs.c.conversation_id
            )
            return [(row.conversation_id, row.reason, row.status) for row in connection.execute(query)]


@pytest.fixture
def desk(engine: Engine, book: AnswerBook, staff: Dict[str, StaffUser]) -> Desk:
    return Desk(HandoffStore(engine), PresenceStore(engine), book.program.center, engine)


@pytest.mark.parametrize("at", [SATURDAY_10, MONDAY_10.replace(hour=19), MONDAY_10.replace(hour=7, minute=59)])
def test_outside_the_staffed_hours_the_callback_is_offered_and_nothing_is_queued(desk: Desk, at: dt.datetime) -> None:
    desk.on("ana", "dana", "root", at=at)  # even with everyone at the console
    outcome = desk.ask(at)
    assert outcome == Outcome("handoff_unstaffed", None, {"staffed": HOURS, "crisis": False, "wait_minutes": 3})
    assert desk.stored() == []


def test_inside_the_hours_with_nobody_available_the_person_hears_busy(desk: Desk) -> None:
    desk.on("ana", at=MONDAY_10 - dt.timedelta(seconds=FRESH_SECONDS + 1))  # her page went quiet
    desk.presence.set_available("root", False, MONDAY_10)  # page open, switched off
    desk.on("old")  # a disabled account does not count
    desk.on("ghost")  # nor a name without an account
    outcome = desk.ask()
    assert outcome == Outcome("handoff_busy", None, {"staffed": HOURS, "crisis": False, "wait_minutes": 3})
    assert desk.stored() == []


@pytest.mark.parametrize(
    "available, client, crisis, answer",
    [
        # A prospect: admissions (or an admin) may answer, a clinician may not.
        (["ana"], False, False, "handoff_waiting"),
        (["dana"], False, False, "handoff_busy"),
        (["root"], False, False, "handoff_waiting"),
        # An enrolled client's conversation is clinical: never admissions.
        (["ana"], True, False, "handoff_busy"),
        (["dana"], True, False, "handoff_waiting"),
        (["ana", "dana"], True, False, "handoff_waiting"),
        # Anyone in crisis: the clinical team (clinicians, admins) only, prospect or client.
        (["dana"], False, True, "handoff_waiting"),
        (["root"], False, True, "handoff_waiting"),
        (["ana"], False, True, "handoff_busy"),  # admissions may read a prospect's chat, not answer a crisis
        (["ana"], True, True, "handoff_busy"),
        (["dana"], True, True, "handoff_waiting"),
        (["ana", "root"], True, True, "handoff_waiting"),
    ],
)
def test_only_someone_who_may_answer_the_conversation_counts(
    desk: Desk, available: List[str], client: bool, crisis: bool, answer: str
) -> None:
    desk.on(*available)
    assert desk.ask(client=client, crisis=crisis).answer == answer
    assert len(desk.stored()) == (1 if answer == "handoff_waiting" else 0)


@pytest.mark.parametrize("crisis, reason", [(False, "requested"), (True, "crisis")])
def test_with_someone_available_the_request_waits(desk: Desk, crisis: bool, reason: str) -> None:
    desk.on("root", at=MONDAY_10 - dt.timedelta(seconds=30))
    outcome = desk.ask(crisis=crisis)
    assert outcome == Outcome("handoff_waiting", "waiting", {"staffed": HOURS, "crisis": crisis, "wait_minutes": 3})
    assert desk.stored() == [("c1", reason, "waiting")]
    assert desk.handoffs.open_for("c1").requested_at == MONDAY_10  # type: ignore[union-attr]


def test_a_second_request_is_not_queued_twice(desk: Desk) -> None:
    desk.on("ana")
    desk.ask()
    again = desk.ask(MONDAY_10 + dt.timedelta(minutes=1), crisis=True)
    assert (again.answer, again.status, again.context["crisis"]) == ("handoff_already_waiting", "waiting", True)
    # Even once the hours are over or everyone has gone: the request already waits.
    desk.presence.set_available("ana", False, MONDAY_10)
    assert desk.ask(SATURDAY_10).answer == "handoff_already_waiting"
    assert desk.stored() == [("c1", "requested", "waiting")]


@pytest.mark.parametrize("channel", ["rest", "callback", "cmdline", None, "", "SocketIO", "socketio "])
@pytest.mark.parametrize("crisis", [False, True])
def test_only_the_websites_chat_can_carry_a_live_chat(desk: Desk, channel: Optional[str], crisis: bool) -> None:
    desk.on("ana", "dana", "root")  # staffed, and everyone at the console
    outcome = desk.ask(channel=channel, crisis=crisis)
    assert outcome == Outcome("handoff_not_here", None, {"staffed": HOURS, "crisis": crisis, "wait_minutes": 3})
    assert desk.stored() == []
    assert desk.ask(channel=LIVE_CHANNEL, crisis=crisis).answer == "handoff_waiting"  # the same person on the website
    assert LIVE_CHANNEL == "socketio"


def test_not_here_comes_first_even_outside_the_hours_and_while_a_request_waits(desk: Desk) -> None:
    desk.on("ana")
    assert desk.ask(SATURDAY_10, channel="rest").answer == "handoff_not_here"
    desk.ask()
    assert desk.ask(channel="rest").answer == "handoff_not_here"  # a REST caller would never see the staff member
    assert desk.stored() == [("c1", "requested", "waiting")]


def test_a_request_while_a_staff_member_chats_says_so(desk: Desk) -> None:
    desk.handoffs.take("c1", "ana", "Ana", MONDAY_10)
    outcome = desk.ask()
    assert (outcome.answer, outcome.status) == ("handoff_already_waiting", "active")


def test_requests_of_other_conversations_do_not_count(desk: Desk) -> None:
    desk.on("ana")
    assert desk.ask(conversation="c1").answer == "handoff_waiting"
    assert desk.ask(conversation="c2").answer == "handoff_waiting"
    assert desk.stored() == [("c1", "requested", "waiting"), ("c2", "requested", "waiting")]


@pytest.mark.parametrize(
    "seconds, minutes",
    [(1, 1), (20, 1), (60, 1), (61, 2), (89, 2), (150, 3), (179, 3), (180, 3), (200, 4), (3600, 60)],
)
def test_wait_minutes_rounds_up_to_whole_minutes(seconds: float, minutes: int) -> None:
    assert wait_minutes(seconds) == minutes


def test_answer_context(desk: Desk) -> None:
    assert answer_context(desk.center, crisis=True, wait_seconds=300) == {"staffed": HOURS, "crisis": True, "wait_minutes": 5}


def test_the_outcomes_read_well(desk: Desk, book: AnswerBook) -> None:
    desk.on("ana", "dana")
    waiting = desk.ask(crisis=False, wait=60)
    text = book.render(waiting.answer, **waiting.context).text
    assert "asking a member of our team to join this chat now" in text
    assert "within about 1 minute," in text  # singular
    assert "988" not in text and "911" not in text
    crisis = desk.ask(crisis=True, wait=300, conversation="c2")
    text = book.render(crisis.answer, **crisis.context).text
    assert "within about 5 minutes," in text and "call 911" in text and "call or text 988" in text
    closed = desk.ask(SATURDAY_10, conversation="c3")
    reply = book.render(closed.answer, **closed.context)
    assert f"they answer chats {HOURS} (Pacific time)" in reply.text and "(760) 555-0141" in reply.text
    assert "988" not in reply.text and "911" not in reply.text
    assert reply.buttons == [{"title": "Request a callback", "payload": "/request_callback"}]


DANGER = "If you are in danger, call 911 now, and you can call or text 988 any time to talk with a crisis counselor."


@pytest.mark.parametrize(
    "answer, words",
    [
        ("handoff_unstaffed", f"they answer chats {HOURS} (Pacific time)"),
        ("handoff_busy", "Everyone on our team is busy just now"),
        ("handoff_not_here", f"the chat on our website can (live-chat hours: {HOURS})"),
    ],
)
@pytest.mark.parametrize("crisis", [False, True])
def test_in_a_crisis_the_answers_without_a_person_start_with_911_and_988(
    desk: Desk, book: AnswerBook, answer: str, words: str, crisis: bool
) -> None:
    context = answer_context(desk.center, crisis=crisis, wait_seconds=180)
    reply = book.render(answer, **context)
    assert reply.text.startswith(DANGER + "\n") is crisis
    assert ("988" in reply.text) is crisis and ("911" in reply.text) is crisis
    assert words in reply.text and "(760) 555-0141" in reply.text and "(760) 555-0149" in reply.text
    assert reply.buttons == [{"title": "Request a callback", "payload": "/request_callback"}]


@pytest.fixture
def clients(engine: Engine) -> ClientStore:
    store = ClientStore(engine)
    store.add("jr-0001", "Jamie", "outpatient", "Dana Reyes")
    store.link("linked", "jr-0001", MONDAY_10)
    return store


@pytest.mark.parametrize(
    "conversation, verified_now, expected",
    [
        ("linked", False, True),  # linked before: treatment records stay clinical without a token
        ("linked", True, True),
        ("fresh", True, True),  # signed in with this message
        ("fresh", False, False),  # a prospect
        ("linked-2", False, False),  # only an exact id counts
    ],
)
def test_is_client_conversation(clients: ClientStore, conversation: str, verified_now: bool, expected: bool) -> None:
    assert is_client_conversation(clients, conversation, verified_now=verified_now) is expected


def test_a_removed_clients_conversation_stays_a_client_conversation(clients: ClientStore) -> None:
    assert clients.remove("jr-0001")
    assert is_client_conversation(clients, "linked", verified_now=False) is True
