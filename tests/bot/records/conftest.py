"""A realistic set of conversations written through Rasa's tracker store into a real database:
a SQLite file, and (``shared_world`` and ``world`` are parametrized) a scratch PostgreSQL database,
as the production profile keeps them.

Times are fixed in the center's zone (America/Los_Angeles) and "now" is NOW, so every number the
console shows can be worked out by hand from the table below.

    id            first user message (LA)   notes
    c-fallback    2026-03-20 10:00          nlu_fallback, then a policy fallback, then thanks
    c-client      2026-03-10 18:00          client C-1; a second session 2026-03-20 08:00; check-ins
    c-crisis      2026-03-19 22:30          (2026-03-20 in UTC) crisis -> open escalation; channel rest
    c-prospect    2026-03-18 09:00          phone + e-mail in the first message; a lead (new)
    c-search2     2026-03-05 15:00          "user id", "100 percent"
    c-search      2026-03-05 14:00          "user_id", "100%", "Café"
    c-feb         2026-02-01 10:00          outside the dashboard's 30 days
    c-old-open    2025-11-15 10:00          crisis -> acknowledged escalation (never purged)
    c-old         2025-10-01 10:00          client C-2, crisis -> resolved escalation, lead + note, check-in
    c-widget      2026-03-20 09:00          a session start only: no user message, never listed
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

from bot.clients.store import ClientStore
from bot.coping.checkins import Checkin, CheckinStore
from bot.leads.store import Lead, LeadStore
from bot.rasa.tracker_store import CachedSQLTrackerStore
from bot.safety.escalations import EscalationStore
from bot.said import REPLAYED
from bot.storage.db import leads, make_engine
from tests.identity import verified
from tests.servers import fresh_postgres

ZONE = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=ZONE)
DOMAIN = Domain.empty()
ORDER = ["c-fallback", "c-client", "c-crisis", "c-prospect", "c-search2", "c-search", "c-feb", "c-old-open", "c-old"]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=ZONE)


def utc(value: dt.datetime) -> dt.datetime:
    """The stores keep what they are given; the service hands them UTC (as here)."""
    return value.astimezone(dt.timezone.utc)


class Chat:
    """Builds one conversation's events; each event is ``step`` seconds after the previous one."""

    def __init__(
        self, sender: str, start: dt.datetime, channel: str = "socketio", client: Optional[str] = None, step: float = 5.0
    ):
        self.sender = sender
        self.clock = start.timestamp()
        self.channel = channel
        self.client = client
        self.step = step
        self.events: List[Any] = []

    def _tick(self) -> float:
        at = self.clock
        self.clock += self.step
        return at

    def at(self, when: dt.datetime) -> "Chat":
        self.clock = when.timestamp()
        return self

    def session(self) -> "Chat":
        self.events.append(ActionExecuted("action_session_start", timestamp=self._tick()))
        self.events.append(SessionStarted(timestamp=self._tick()))
        return self.action("action_listen")

    def user(
        self,
        text: str,
        intent: str,
        confidence: float = 0.95,
        entities: Sequence[Dict[str, Any]] = (),
        safety: Optional[Dict[str, Any]] = None,
        metadata: Optional[Dict[str, Any]] = None,
    ) -> "Chat":
        parse: Dict[str, Any] = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": list(entities),
            "text": text,
            "intent_ranking": [{"name": intent, "confidence": confidence}],
        }
        if safety is not None:
            parse["crisis_safety_net"] = safety
        sealed = verified(self.client, self.sender) if self.client else {}  # as the channel seals it
        metadata = {**sealed, **(metadata or {})}
        self.events.append(
            UserUttered(
                text,
                parse["intent"],
                list(entities),
                parse_data=parse,
                timestamp=self._tick(),
                input_channel=self.channel,
                metadata=metadata,
            )
        )
        return self

    def bot(self, text: str, buttons: Iterable[str] = ()) -> "Chat":
        data = {"buttons": [{"title": title, "payload": f"/{title.lower()}"} for title in buttons]} if buttons else {}
        self.events.append(BotUttered(text, data, timestamp=self._tick()))
        return self

    def action(self, name: str) -> "Chat":
        self.events.append(ActionExecuted(name, timestamp=self._tick()))
        return self

    def slot(self, name: str, value: Any) -> "Chat":
        self.events.append(SlotSet(name, value, timestamp=self._tick()))
        return self

    async def save(self, store: CachedSQLTrackerStore) -> None:
        """Turn by turn, as Rasa does: retrieve, add the turn's events, save; a turn starts at a user message."""
        turns: List[List[Any]] = [[]]
        for event in self.events:
            if isinstance(event, UserUttered) and turns[-1]:
                turns.append([])
            turns[-1].append(event)
        for turn in turns:
            tracker = await store.retrieve(self.sender) or DialogueStateTracker(self.sender, DOMAIN.slots)
            for event in turn:
                tracker.update(event)
            await store.save(tracker)


def set_aside_and_answered(sender: str, start: dt.datetime) -> Chat:
    """A question asked instead of answering the screening question, then the "no", then the same
    question replayed by the assistant and answered (actions/screening.py): two messages written."""
    return (
        Chat(sender, start)
        .user("how much does it cost", "ask_cost", 0.9)
        .action("utter_risk_screen_again")
        .bot("Before that: are you thinking about ending your life?")
        .action("action_listen")
        .user("no", "deny", 0.99)
        .action("utter_risk_screen_no")
        .bot("Thank you for telling me.")
        .action("action_answer_set_aside")
        .action("action_listen")
        .user("how much does it cost", "ask_cost", 0.9, metadata={REPLAYED: True})
        .action("utter_cost")
        .bot("Our program costs ...")
        .action("action_listen")
    )


CRISIS_ENTITY = [{"entity": "crisis_type", "value": "suicide", "start": 0, "end": 28, "extractor": "CrisisSafetyNet"}]
PATTERNS = {"model_crisis": False, "model_confidence": 0.12, "decided_by": "patterns"}


@dataclass
class World:
    database: Union[Path, str]  # a SQLite file, or a PostgreSQL URL
    engine: Engine
    lead_ids: Dict[str, int] = field(default_factory=dict)
    escalation_ids: Dict[str, str] = field(default_factory=dict)


def tracker_store(database: Union[Path, str]) -> CachedSQLTrackerStore:
    if isinstance(database, Path):
        return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(database))
    return CachedSQLTrackerStore(domain=DOMAIN, host=database)  # a URL, as endpoints.yml gives it


def set_lead_created(engine: Engine, lead_id: int, at: dt.datetime) -> None:
    with engine.begin() as connection:
        connection.execute(leads.update().where(leads.c.id == lead_id).values(created_at=at.astimezone(dt.timezone.utc)))


async def build_world(database: Union[Path, str]) -> World:
    store = tracker_store(database)
    engine = make_engine(database)
    clients = ClientStore(engine)
    clients.add("C-1", "Sam", "adult_evening", "Dana")
    clients.add("C-2", "Lee", "adult_day", "Dana")
    clients.add("C-3", "Kim", "adult_day", "Ravi")  # never wrote
    world = World(database=database, engine=engine)

    chats = [
        Chat("c-fallback", local(2026, 3, 20, 10, 0))
        .user("asdf qwerty", "nlu_fallback", 0.2)
        .action("utter_fallback")
        .bot("Sorry, I didn't get that. Could you say it another way?")
        .action("action_listen")
        .user("Is it 100 percent covered by my plan?", "ask_cost", 0.4)
        .action("action_default_fallback")
        .bot("I'm not sure I understood.")
        .action("action_listen")
        .user("thanks!", "thank", 0.99)
        .action("utter_thanks")
        .bot("You're welcome.")
        .action("action_listen"),
        Chat("c-client", local(2026, 3, 10, 18, 0), client="C-1")
        .user("I'm having a strong craving", "craving_help", 0.93)
        .action("action_start_exercise")
        .bot("How strong is it from 0 to 10?")
        .action("action_listen")
        .user("8", "inform_rating", 0.88)
        .action("action_coping_skill")
        .bot("Let's try urge surfing.")
        .action("action_listen")
        .at(local(2026, 3, 20, 7, 59, 50))
        .session()
        .user("hello again", "greet", 0.97)
        .action("utter_greet")
        .bot("Welcome back, Sam.")
        .action("action_listen"),
        Chat("c-crisis", local(2026, 3, 19, 22, 30), channel="rest")
        .user("I don't want to live anymore", "crisis", 1.0, CRISIS_ENTITY, PATTERNS)
        .action("utter_crisis_support")
        .bot("You are not alone. Call or text 988 now.", ["Call 988", "Text HOME to 741741"])
        .action("action_listen"),
        Chat("c-prospect", local(2026, 3, 18, 9, 0))
        .session()
        .user("Hi, I'm Sam, call me at (760) 555-0199 or sam@example.com", "greet", 0.98)
        .action("utter_greet")
        .bot("Hi Sam! I can help with our programs and insurance.", ["Programs", "Insurance"])
        .action("action_listen")
        .user(
            "Do you take Aetna?",
            "ask_insurance",
            0.91,
            [{"entity": "insurance", "value": "Aetna", "extractor": "DIETClassifier"}],
        )
        .action("action_answer_insurance")
        .bot("Yes, we work with Aetna. We can call you back at 760-555-0199.")
        .action("action_listen"),
        Chat("c-search2", local(2026, 3, 5, 15, 0))
        .user("my user id is lost, 100 percent", "inform", 0.8)
        .action("utter_ok")
        .bot("Ok."),
        Chat("c-search", local(2026, 3, 5, 14, 0))
        .user("my user_id is 42, 100% sure, at the Café", "inform", 0.8)
        .action("utter_ok")
        .bot("Thanks."),
        Chat("c-feb", local(2026, 2, 1, 10, 0)).user("hello", "greet", 0.99).action("utter_greet").bot("Hi!"),
        Chat("c-old-open", local(2025, 11, 15, 10, 0))
        .user("I want to hurt myself", "crisis", 1.0, CRISIS_ENTITY, PATTERNS)
        .action("utter_crisis_support")
        .bot("Call 988."),
        Chat("c-old", local(2025, 10, 1, 10, 0), client="C-2")
        .user("I feel like ending it", "crisis", 1.0, CRISIS_ENTITY, PATTERNS)
        .action("utter_crisis_support")
        .bot("Call 988."),
        Chat("c-widget", local(2026, 3, 20, 9, 0)).session(),
    ]
    for chat in chats:
        await chat.save(store)
    store.engine.dispose()

    leads_store = LeadStore(engine)
    consent = utc(local(2026, 3, 18, 9, 5))
    world.lead_ids["c-prospect"] = leads_store.add(
        Lead(
            "c-prospect", "Sam", "mornings", "myself", consent, phone="(760) 555-0199", email="sam@example.com", insurance="Aetna"
        )
    )
    set_lead_created(engine, world.lead_ids["c-prospect"], consent)
    world.lead_ids["c-old"] = leads_store.add(
        Lead("c-old", "Lee", "evenings", "my son", utc(local(2025, 10, 1, 10, 5)), phone="760-555-0100")
    )
    set_lead_created(engine, world.lead_ids["c-old"], local(2025, 10, 1, 10, 5))
    from bot.leads.work import LeadWorkflow

    LeadWorkflow(engine, clock=lambda: local(2025, 10, 2, 9, 0)).set_status(
        world.lead_ids["c-old"], "contacted", "dana", "left a voicemail"
    )

    escalations = EscalationStore(engine)
    for item in escalations.list():
        world.escalation_ids[item["conversation_id"]] = item["id"]
    escalations.acknowledge(world.escalation_ids["c-old-open"], by="dana")
    escalations.resolve(world.escalation_ids["c-old"], by="dana", note="called, safe; number 760-555-0100")

    checkins = CheckinStore(engine)
    for checkin in (
        Checkin("c-client", "ex1", "before", 8, "craving", None, utc(local(2026, 3, 10, 18, 1)), "C-1"),
        Checkin("c-client", "ex1", "after", 4, "craving", "urge_surfing", utc(local(2026, 3, 10, 18, 10)), "C-1"),
        Checkin("c-client", "ex2", "before", 6, "stress", "box_breathing", utc(local(2026, 3, 20, 8, 5)), "C-1"),
        Checkin("c-client", "ex3", "before", 7, "craving", "urge_surfing", utc(local(2026, 3, 20, 8, 20)), "C-1"),
        Checkin("c-client", "ex3", "after", 5, "craving", "urge_surfing", utc(local(2026, 3, 20, 8, 30)), "C-1"),
        Checkin("c-old", "ex-old", "before", 9, "craving", "urge_surfing", utc(local(2025, 10, 1, 10, 2)), "C-2"),
    ):
        checkins.add(checkin)
    return world


def make_world(database: Union[Path, str]) -> World:
    return asyncio.run(build_world(database))


BACKENDS = ["sqlite", "postgresql"]


@contextlib.contextmanager
def world_on(backend: str, directory: Path) -> Iterator[World]:
    if backend == "sqlite":
        yield make_world(directory / "companion.db")
        return
    with fresh_postgres() as scratch:
        world = make_world(scratch.url.render_as_string(hide_password=False))
        try:
            yield world
        finally:
            world.engine.dispose()  # before the scratch database is dropped


@pytest.fixture(scope="module", params=BACKENDS)
def shared_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One world for the read-only tests of a module, on each back end."""
    with world_on(request.param, tmp_path_factory.mktemp("console")) as world:
        yield world


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """A world of its own, for tests that change it, on each back end."""
    with world_on(request.param, tmp_path) as world:
        yield world


def count(engine: Engine, table: str, where: str = "1 = 1") -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE {where}")).scalar())
