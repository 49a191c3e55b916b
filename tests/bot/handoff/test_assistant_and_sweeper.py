"""Rasa's HTTP API for a handoff (bot/handoff/assistant.py) and the web app's timer
(bot/handoff/sweeper.py), against a real HTTP server standing in for Rasa (FakeRasa in
conftest.py), a real SQLite file and the real answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import AsyncIterator, Dict, List

import aiohttp
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.answer_book import ProgramCache
from bot.handoff import assistant as assistant_module
from bot.handoff import notices
from bot.handoff.assistant import Assistant, AssistantUnavailable
from bot.handoff.presence import PresenceStore
from bot.handoff.store import SYSTEM, HandoffStore
from bot.handoff.sweeper import Sweeper
from bot.program.answers import AnswerBook
from bot.safety.escalations import EVENT_CREATED, EVENT_REMINDER, EscalationStore, record_crisis_events
from bot.storage.db import make_engine, notifications
from bot.storage.schema import migrate
from tests.bot.handoff.conftest import RASA_TOKEN, T0, FakeRasa, closed_port
from tests.bot.safety.conftest import user_event

WAIT = 180
ABANDON = 300
NOW = T0 + dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
EVENTS = [
    {"event": "pause"},
    {"event": "bot", "text": "Dana has joined.", "metadata": {"handoff": {"kind": "status", "status": "active"}}},
]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


@pytest.fixture
def assistant(session: aiohttp.ClientSession, rasa: FakeRasa) -> Assistant:
    return Assistant(session, rasa.url + "/", RASA_TOKEN)  # a trailing slash in the setting is fine


# --- Assistant.append ------------------------------------------------------------------------------


async def test_append_posts_the_events_with_the_token(assistant: Assistant, rasa: FakeRasa) -> None:
    await assistant.append("web-1", EVENTS)
    [received] = rasa.received
    assert received.conversation_id == "web-1"
    assert received.raw_path.startswith("/conversations/web-1/tracker/events?")
    assert received.query == {"output_channel": "latest", "execute_side_effects": "true", "token": RASA_TOKEN}
    assert received.events == EVENTS


@pytest.mark.parametrize("conversation_id", ["web 1/2?x#y", "ä-ü/ß", "100%", "a%2Fb"])
async def test_an_odd_conversation_id_stays_one_path_segment(assistant: Assistant, rasa: FakeRasa, conversation_id: str) -> None:
    await assistant.append(conversation_id, EVENTS)
    [received] = rasa.received
    assert received.conversation_id == conversation_id  # read back exactly, not cut at "/", "?" or "#"
    path = received.raw_path.split("?", 1)[0]
    assert path.startswith("/conversations/") and path.endswith("/tracker/events")
    assert path.count("/") == 4  # the id's own slash is quoted (%2F)


@pytest.mark.parametrize("status", [500, 400, 404])
async def test_a_refusal_is_assistant_unavailable_with_the_status(assistant: Assistant, rasa: FakeRasa, status: int) -> None:
    rasa.fail_with = status
    with pytest.raises(AssistantUnavailable, match=f"refused the change with HTTP {status}: .*Rasa says no"):
        await assistant.append("web-1", EVENTS)
    assert rasa.attempts == 1 and rasa.received == []


async def test_a_wrong_token_is_refused_with_401(session: aiohttp.ClientSession, rasa: FakeRasa) -> None:
    with pytest.raises(AssistantUnavailable, match="HTTP 401"):
        await Assistant(session, rasa.url, "not-the-token-0123456789").append("web-1", EVENTS)
    assert rasa.received == []


async def test_events_rasa_cannot_read_are_refused(assistant: Assistant, rasa: FakeRasa) -> None:
    with pytest.raises(AssistantUnavailable, match="HTTP 400"):
        await assistant.append("web-1", [{"event": "no-such-event"}])


async def test_rasa_down_is_assistant_unavailable(session: aiohttp.ClientSession) -> None:
    down = Assistant(session, f"http://127.0.0.1:{closed_port()}", RASA_TOKEN)
    with pytest.raises(AssistantUnavailable, match=r"could not be reached \(Client\w*Error\).*make run"):
        await down.append("web-1", EVENTS)


async def test_a_rasa_that_hangs_times_out(assistant: Assistant, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assistant_module, "TIMEOUT_SECONDS", 0.2)
    rasa.delay = 2
    with pytest.raises(AssistantUnavailable, match=r"could not be reached \(\w*TimeoutError\)"):
        await assistant.append("web-1", EVENTS)


# --- Sweeper ---------------------------------------------------------------------------------------


@pytest.fixture
def store(engine: Engine) -> HandoffStore:
    return HandoffStore(engine)


def sweeper(store: HandoffStore, assistant: Assistant, book: AnswerBook) -> Sweeper:
    return Sweeper(store, EscalationStore(store.engine), assistant, lambda: book, wait_seconds=WAIT, abandon_seconds=ABANDON)


def statuses(store: HandoffStore, *conversations: str) -> Dict[str, str]:
    found = {h.conversation_id: h for h in store.latest_for(conversations)}  # the latest of each
    return {conversation: found[conversation].status for conversation in conversations}


async def test_requests_nobody_took_in_time_expire_and_the_person_is_told(
    store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook
) -> None:
    store.request("old", "requested", NOW - dt.timedelta(minutes=10))
    store.request("crisis", "crisis", NOW - dt.timedelta(seconds=WAIT))  # exactly the wait: expires
    store.request("new", "requested", NOW - dt.timedelta(seconds=WAIT) + SECOND)
    store.request("taken", "requested", NOW - dt.timedelta(minutes=10))
    store.take("taken", "ana", "Ana", NOW - dt.timedelta(minutes=1))
    await sweeper(store, assistant, book).sweep(NOW)
    assert sorted(r.conversation_id for r in rasa.received) == ["crisis", "old"]
    assert rasa.events_for("old") == [notices.expired(book, crisis=False)]
    assert rasa.events_for("crisis") == [notices.expired(book, crisis=True)]
    [[crisis_notice, resume]] = rasa.events_for("crisis")
    assert "988" in crisis_notice["text"] and "911" in crisis_notice["text"] and resume == {"event": "resume"}
    assert "988" not in rasa.events_for("old")[0][0]["text"]
    assert statuses(store, "old", "crisis", "new", "taken") == {
        "old": "expired",
        "crisis": "expired",
        "new": "waiting",
        "taken": "active",
    }
    expired = store.latest_for(["old"])[0]
    assert (expired.ended_at, expired.ended_by) == (NOW, SYSTEM)
    await sweeper(store, assistant, book).sweep(NOW + SECOND)  # "new" has waited long enough now
    assert [r.conversation_id for r in rasa.received][2:] == ["new"]  # and nobody is told twice


async def test_rasa_down_the_request_waits_again_and_is_retried_next_round(
    store: HandoffStore, session: aiohttp.ClientSession, book: AnswerBook, aiohttp_server: object
) -> None:
    port = closed_port()
    timer = sweeper(store, Assistant(session, f"http://127.0.0.1:{port}", RASA_TOKEN), book)
    waiting, _ = store.request("old", "crisis", NOW - dt.timedelta(minutes=10))
    await timer.sweep(NOW)
    assert store.open_for("old") == waiting  # waiting again, no trace of the expiry
    rasa = await FakeRasa().start(aiohttp_server, port=port)  # type: ignore[arg-type]  # Rasa is back
    await timer.sweep(NOW + dt.timedelta(seconds=2))
    assert rasa.events_for("old") == [notices.expired(book, crisis=True)]
    assert statuses(store, "old") == {"old": "expired"}


async def test_a_refusal_is_retried_too(store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook) -> None:
    store.request("old", "requested", NOW - dt.timedelta(minutes=10))
    store.request("older", "requested", NOW - dt.timedelta(minutes=20))
    rasa.fail_with = 500
    await sweeper(store, assistant, book).sweep(NOW)
    assert rasa.attempts == 2 and statuses(store, "old", "older") == {"old": "waiting", "older": "waiting"}
    rasa.fail_with = None
    await sweeper(store, assistant, book).sweep(NOW + SECOND)
    assert sorted(r.conversation_id for r in rasa.received) == ["old", "older"]
    assert statuses(store, "old", "older") == {"old": "expired", "older": "expired"}


async def test_broken_program_data_is_retried_like_rasa_down(
    store: HandoffStore, assistant: Assistant, rasa: FakeRasa, program_copy: Path
) -> None:
    (program_copy / "center.yml").write_text("center: {name: only a name}\n")
    timer = Sweeper(
        store,
        EscalationStore(store.engine),
        assistant,
        ProgramCache(program_copy).get,
        wait_seconds=WAIT,
        abandon_seconds=ABANDON,
    )
    store.request("old", "requested", NOW - dt.timedelta(minutes=10))
    store.take("left", "bob", "Bob", NOW - dt.timedelta(hours=1))
    await timer.sweep(NOW)
    assert rasa.attempts == 0
    assert statuses(store, "old", "left") == {"old": "waiting", "left": "active"}


async def test_an_abandoned_chat_goes_back_to_the_assistant(
    engine: Engine, store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook
) -> None:
    presence = PresenceStore(engine)
    store.request("quiet", "requested", NOW - dt.timedelta(minutes=20))
    store.take("quiet", "bob", "Bob Jones", NOW - dt.timedelta(minutes=15))
    presence.set_available("bob", True, NOW - dt.timedelta(seconds=ABANDON + 1))  # his console went quiet
    store.take("no-report", "cy", "Cy", NOW - dt.timedelta(minutes=15))  # never reported at all
    store.take("busy", "ana", "Ana", NOW - dt.timedelta(minutes=15))
    presence.seen("ana", NOW - dt.timedelta(seconds=10))  # her chat page is open
    store.take("just-taken", "dee", "Dee", NOW - dt.timedelta(seconds=ABANDON - 1))
    await sweeper(store, assistant, book).sweep(NOW)
    assert sorted(r.conversation_id for r in rasa.received) == ["no-report", "quiet"]
    [events] = rasa.events_for("quiet")
    assert events == notices.ended(book, "left", "Bob Jones")
    assert "Bob Jones had to step away" in events[0]["text"] and events[-1] == {"event": "resume"}
    assert events[0]["metadata"]["handoff"] == {"kind": "status", "status": "returned", "staff_name": "Bob Jones"}
    assert statuses(store, "quiet", "no-report", "busy", "just-taken") == {
        "quiet": "returned",
        "no-report": "returned",
        "busy": "active",
        "just-taken": "active",
    }
    assert store.latest_for(["quiet"])[0].ended_by == SYSTEM


async def test_an_abandoned_chat_stays_live_while_rasa_is_down(
    store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook
) -> None:
    store.take("quiet", "bob", "Bob", NOW - dt.timedelta(minutes=15))
    rasa.fail_with = 503
    await sweeper(store, assistant, book).sweep(NOW)
    assert rasa.attempts == 1 and statuses(store, "quiet") == {"quiet": "active"}  # not handed back unannounced
    rasa.fail_with = None
    await sweeper(store, assistant, book).sweep(NOW + SECOND)
    assert rasa.events_for("quiet") == [notices.ended(book, "left", "Bob")]
    assert statuses(store, "quiet") == {"quiet": "returned"}


async def test_the_timer_runs_on_and_outlives_a_database_hiccup(
    tmp_path: Path, assistant: Assistant, rasa: FakeRasa, book: AnswerBook, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(tmp_path / "late.db")  # no tables yet: every sweep fails at first
    store = HandoffStore(engine)
    timer = Sweeper(store, EscalationStore(engine), assistant, lambda: book, wait_seconds=0.05, abandon_seconds=ABANDON)
    task = asyncio.create_task(timer.run_forever(0.02))
    try:
        with caplog.at_level(logging.ERROR, logger="bot.handoff.sweeper"):
            for _ in range(200):
                await asyncio.sleep(0.02)
                if any("the handoff timer failed" in r.message for r in caplog.records):
                    break
        assert any("the handoff timer failed" in r.message for r in caplog.records)
        migrate(engine)
        store.request("late", "requested", dt.datetime.now(dt.timezone.utc))
        for _ in range(200):
            await asyncio.sleep(0.02)
            if rasa.received:
                break
        assert rasa.events_for("late") == [notices.expired(book, crisis=False)]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        engine.dispose()


# --- the sweeper and crisis escalations ------------------------------------------------------------


def crisis_in(engine: Engine, conversation_id: str, *then: str) -> str:
    """A crisis message saved in the conversation (an open escalation), then staff steps on it."""
    [escalation_id] = record_crisis_events(engine, conversation_id, [user_event("i want to end it", "crisis", "suicide")])
    for step in then:
        getattr(EscalationStore(engine), step)(escalation_id, "Dana Reyes", "Took over the live chat.")
    return escalation_id


def notified(engine: Engine, escalation_id: str) -> List[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(notifications.c.event)
                .where(notifications.c.escalation_id == escalation_id)
                .order_by(notifications.c.created_at)
            ).scalars()
        )


@pytest.mark.parametrize(
    "steps, crisis",
    [
        (None, False),  # no escalation: the ordinary notice
        ((), True),  # a crisis message while the person waited: 988 and 911 after all
        (("acknowledge",), True),
        (("resolve",), False),  # a crisis that is over does not count
    ],
)
async def test_an_expiry_counts_as_a_crisis_when_an_escalation_opened_meanwhile(
    engine: Engine,
    store: HandoffStore,
    assistant: Assistant,
    rasa: FakeRasa,
    book: AnswerBook,
    steps,
    crisis: bool,  # type: ignore[no-untyped-def]
) -> None:
    store.request("asked", "requested", NOW - dt.timedelta(minutes=10))
    if steps is not None:
        crisis_in(engine, "asked", *steps)
    crisis_in(engine, "elsewhere")  # another conversation's crisis does not count
    await sweeper(store, assistant, book).sweep(NOW)
    [events] = rasa.events_for("asked")
    assert events == notices.expired(book, crisis=crisis)
    assert ("988" in events[0]["text"] and "911" in events[0]["text"]) is crisis
    assert statuses(store, "asked") == {"asked": "expired"}


@pytest.mark.parametrize("taken_over", [False, True])
async def test_an_abandoned_crisis_chat_opens_its_acknowledged_escalation_again(
    engine: Engine, store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook, taken_over: bool
) -> None:
    escalations = EscalationStore(engine)
    escalation_id = crisis_in(engine, "quiet", "acknowledge")  # taking it over acknowledged it
    store.take("quiet", "dana", "Dana Reyes", NOW - dt.timedelta(minutes=15), "crisis")
    if taken_over:  # a clinician took it over from admissions, and then left
        store.take("quiet", "root", "Site Admin", NOW - dt.timedelta(minutes=14), "crisis", replacing="dana")
    await sweeper(store, assistant, book).sweep(NOW)
    assert rasa.events_for("quiet") == [notices.ended(book, "left", "Site Admin" if taken_over else "Dana Reyes")]
    assert statuses(store, "quiet") == {"quiet": "returned"}
    escalation = escalations.get(escalation_id)
    assert escalation["status"] == "open" and escalation["acknowledged_by"] is None
    assert "console went quiet" in escalation["note"]
    assert notified(engine, escalation_id) == [EVENT_CREATED, EVENT_REMINDER]  # staff are told at once
    await sweeper(store, assistant, book).sweep(NOW + SECOND)  # nothing left to do: nothing twice
    assert notified(engine, escalation_id) == [EVENT_CREATED, EVENT_REMINDER] and len(rasa.received) == 1


@pytest.mark.parametrize("steps", [(), ("resolve",)], ids=["still-open", "resolved"])
async def test_an_abandoned_chat_leaves_other_escalations_as_they_are(
    engine: Engine, store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook, steps: tuple
) -> None:
    escalations = EscalationStore(engine)
    escalation_id = crisis_in(engine, "quiet", *steps)
    before = escalations.get(escalation_id)
    store.take("quiet", "dana", "Dana Reyes", NOW - dt.timedelta(minutes=15), "crisis")
    await sweeper(store, assistant, book).sweep(NOW)
    assert statuses(store, "quiet") == {"quiet": "returned"}
    assert escalations.get(escalation_id) == before  # open stays open (its reminders run on), resolved stays resolved


async def test_an_abandoned_chat_elsewhere_does_not_touch_a_crisis(
    engine: Engine, store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook
) -> None:
    escalation_id = crisis_in(engine, "answered", "acknowledge")
    store.take("answered", "root", "Site Admin", NOW - dt.timedelta(minutes=15), "crisis")
    PresenceStore(engine).seen("root", NOW - dt.timedelta(seconds=10))  # root is still there
    store.take("quiet", "ana", "Ana", NOW - dt.timedelta(minutes=15))
    await sweeper(store, assistant, book).sweep(NOW)
    assert statuses(store, "answered", "quiet") == {"answered": "active", "quiet": "returned"}
    assert EscalationStore(engine).get(escalation_id)["status"] == "acknowledged"
    assert notified(engine, escalation_id) == [EVENT_CREATED]


async def test_a_crisis_chat_that_cannot_be_handed_back_keeps_its_escalation_acknowledged(
    engine: Engine, store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook
) -> None:
    escalation_id = crisis_in(engine, "quiet", "acknowledge")
    store.take("quiet", "dana", "Dana Reyes", NOW - dt.timedelta(minutes=15), "crisis")
    rasa.fail_with = 503
    await sweeper(store, assistant, book).sweep(NOW)
    assert statuses(store, "quiet") == {"quiet": "active"}
    assert EscalationStore(engine).get(escalation_id)["status"] == "acknowledged"  # the chat is still Dana's
    rasa.fail_with = None
    await sweeper(store, assistant, book).sweep(NOW + SECOND)
    assert statuses(store, "quiet") == {"quiet": "returned"}
    assert EscalationStore(engine).get(escalation_id)["status"] == "open"


async def test_a_request_taken_or_made_again_after_it_expired_gets_no_expiry_notice(
    store: HandoffStore, assistant: Assistant, rasa: FakeRasa, book: AnswerBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the expiry and its notice a staff member took the conversation: the notice (with its
    resume) would unpause the live chat, so it is not sent."""
    store.request("c1", "requested", NOW - dt.timedelta(minutes=10))
    expire = store.expire_waiting

    def expire_then_someone_takes_it(requested_before: dt.datetime, at: dt.datetime) -> list:
        expired = expire(requested_before, at)
        store.take("c1", "ana", "Ana", at)
        return expired

    monkeypatch.setattr(store, "expire_waiting", expire_then_someone_takes_it)
    await sweeper(store, assistant, book).sweep(NOW)
    assert rasa.received == []
    assert store.open_for("c1").status == "active"  # type: ignore[union-attr]
