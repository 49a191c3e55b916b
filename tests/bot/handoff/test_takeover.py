"""The take-over and the end of a live chat (bot/handoff/takeover.py): real stores on a SQLite
file, the real answers, and a real HTTP server standing in for Rasa (FakeRasa)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import AsyncIterator, Dict, List, Optional

import aiohttp
import pytest
from sqlalchemy.engine import Engine

from bot.handoff.assistant import Assistant
from bot.handoff.store import HandoffStore
from bot.handoff.takeover import ALREADY_YOURS, ASSISTANT_DOWN, HELD_BY_ANOTHER, TAKEN, LiveChats, StaffMember
from bot.program.answers import AnswerBook
from bot.safety.escalations import EscalationStore, record_crisis_events
from bot.staff.roles import Role
from bot.staff.users import StaffUser
from tests.bot.handoff.conftest import RASA_TOKEN, T0, FakeRasa
from tests.bot.safety.conftest import user_event

CHAT = "visitor-1"


@dataclass(frozen=True)
class Audience:
    in_crisis: bool = False
    clinical_only: bool = False

    def allows(self, role: Role) -> bool:
        return not self.clinical_only or role in (Role.CLINICIAN, Role.ADMIN)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


@pytest.fixture
def chats(
    engine: Engine, session: aiohttp.ClientSession, rasa: FakeRasa, book: AnswerBook, staff: Dict[str, StaffUser]
) -> LiveChats:
    roles = {name: user.role for name, user in staff.items()}
    return LiveChats(
        HandoffStore(engine),
        Assistant(session, rasa.url, RASA_TOKEN),
        lambda: book,
        EscalationStore(engine),
        roles.get,
        lambda: T0,
    )


def member(staff: Dict[str, StaffUser], name: str) -> StaffMember:
    return StaffMember(name, staff[name].display_name, staff[name].role)


def sent(rasa: FakeRasa) -> List[Optional[str]]:
    return [event.get("event") for batch in rasa.events_for(CHAT) for event in batch]


async def test_a_take_over_pauses_the_assistant_and_tells_the_person(
    chats: LiveChats, rasa: FakeRasa, staff: Dict[str, StaffUser]
) -> None:
    result = await chats.take_over(CHAT, member(staff, "ana"), Audience())
    assert result.outcome == TAKEN
    assert result.handoff is not None and result.handoff.taken_by == "ana" and result.handoff.reason == "staff"
    assert (result.replaced, result.acknowledged) == (None, None)
    assert sent(rasa)[0] == "pause" and "bot" in sent(rasa)
    assert (await chats.take_over(CHAT, member(staff, "ana"), Audience())).outcome == ALREADY_YOURS


async def test_a_chat_someone_else_holds_is_not_taken(chats: LiveChats, staff: Dict[str, StaffUser]) -> None:
    await chats.take_over(CHAT, member(staff, "ana"), Audience())
    assert (await chats.take_over(CHAT, member(staff, "root"), Audience())).outcome == HELD_BY_ANOTHER


async def test_rasa_down_puts_everything_back(
    chats: LiveChats, rasa: FakeRasa, engine: Engine, staff: Dict[str, StaffUser]
) -> None:
    rasa.fail_with = 500
    result = await chats.take_over(CHAT, member(staff, "ana"), Audience())
    assert result.outcome == ASSISTANT_DOWN
    assert HandoffStore(engine).open_for(CHAT) is None


async def test_taking_a_crisis_over_acknowledges_its_escalation_for_the_clinical_team_only(
    chats: LiveChats, engine: Engine, staff: Dict[str, StaffUser]
) -> None:
    [escalation_id] = record_crisis_events(engine, CHAT, [user_event("i want to end it", "crisis", "suicide")])
    result = await chats.take_over(CHAT, member(staff, "dana"), Audience(in_crisis=True))
    assert result.outcome == TAKEN and result.handoff is not None and result.handoff.reason == "crisis"
    assert result.acknowledged == escalation_id
    found = EscalationStore(engine).get(escalation_id)
    assert (found["status"], found["acknowledged_by"]) == ("acknowledged", "Dana Reyes")


async def test_a_clinician_takes_a_crisis_over_from_admissions(chats: LiveChats, staff: Dict[str, StaffUser]) -> None:
    await chats.take_over(CHAT, member(staff, "ana"), Audience())
    crisis = Audience(in_crisis=True, clinical_only=True)
    handoff = chats.handoffs.open_for(CHAT)
    assert await chats.may_take(member(staff, "dana"), crisis, handoff)
    assert not await chats.may_take(member(staff, "ana"), crisis, handoff)
    result = await chats.take_over(CHAT, member(staff, "dana"), crisis)
    assert (result.outcome, result.replaced) == (TAKEN, "ana")


async def test_ending_tells_the_person_then_closes_the_record(
    chats: LiveChats, rasa: FakeRasa, engine: Engine, staff: Dict[str, StaffUser]
) -> None:
    taken = await chats.take_over(CHAT, member(staff, "ana"), Audience())
    assert taken.handoff is not None
    rasa.fail_with = 503
    assert not await chats.end(CHAT, member(staff, "ana"), taken.handoff, "returned")
    assert HandoffStore(engine).open_for(CHAT) is not None  # nothing changed while Rasa was down
    rasa.fail_with = None
    assert await chats.end(CHAT, member(staff, "ana"), taken.handoff, "returned")
    assert HandoffStore(engine).open_for(CHAT) is None
    assert sent(rasa)[-2:] == ["bot", "resume"]
