"""Handoff records and their guarded transitions (bot/handoff/store.py), on a real SQLite file:
request, take (also two staff members at once, from threads), taking a chat over from its holder,
undo, end, expire, reopen and the timer's abandoned chats."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.handoff.presence import PresenceStore
from bot.handoff.store import SYSTEM, Handoff, HandoffNotFound, HandoffStore, HandoffTaken, NotYours
from bot.storage.db import handoffs, make_engine
from tests.bot.handoff.conftest import T0

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def store(engine: Engine) -> HandoffStore:
    return HandoffStore(engine)


def rows(engine: Engine, conversation_id: Optional[str] = None) -> List[sa.engine.Row]:
    query = sa.select(handoffs).order_by(handoffs.c.requested_at, handoffs.c.id)
    if conversation_id is not None:
        query = query.where(handoffs.c.conversation_id == conversation_id)
    with engine.connect() as connection:
        return connection.execute(query).all()


# --- request ---------------------------------------------------------------------------------------


def test_a_request_is_created_once_and_the_open_one_comes_back(store: HandoffStore, engine: Engine) -> None:
    first, created = store.request("c1", "requested", T0)
    assert created is True
    assert (first.conversation_id, first.reason, first.status, first.requested_at) == ("c1", "requested", "waiting", T0)
    assert first.taken_by is None and first.ended_at is None and len(first.id) == 32
    again, created = store.request("c1", "crisis", T0 + MINUTE)
    assert created is False and again == first  # not queued twice, the first reason and time kept
    assert store.open_for("c1") == first and store.get(first.id) == first
    assert len(rows(engine)) == 1
    other, created = store.request("c2", "crisis", T0)
    assert created is True and other.id != first.id and other.reason == "crisis"


def test_an_unknown_reason_or_a_naive_time_is_refused(store: HandoffStore, engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown handoff reason"):
        store.request("c1", "bored", T0)
    with pytest.raises(ValueError, match="unknown handoff reason"):
        store.take("c1", "ana", "Ana", T0, reason="bored")
    with pytest.raises(ValueError, match="timezone-aware"):
        store.request("c1", "requested", T0.replace(tzinfo=None))
    assert rows(engine) == []


def test_nothing_is_open_for_an_unknown_conversation(store: HandoffStore) -> None:
    assert store.open_for("nobody") is None and store.live() == []
    with pytest.raises(HandoffNotFound):
        store.get("0" * 32)


# --- take ------------------------------------------------------------------------------------------


def test_take_a_waiting_request(store: HandoffStore) -> None:
    waiting, _ = store.request("c1", "requested", T0)
    active, before = store.take("c1", "ana", "Ana Admissions", T0 + MINUTE)
    assert before == waiting
    assert active.id == waiting.id and active.status == "active"
    assert (active.taken_by, active.staff_name, active.taken_at) == ("ana", "Ana Admissions", T0 + MINUTE)
    assert active.reason == "requested" and active.requested_at == T0  # the person's request, kept
    assert store.open_for("c1") == active


@pytest.mark.parametrize("reason", ["staff", "crisis"])
def test_take_without_a_request(store: HandoffStore, reason: str) -> None:
    kwargs = {} if reason == "staff" else {"reason": reason}  # "staff" is the default
    active, before = store.take("c1", "dana", "Dana Reyes", T0, **kwargs)  # type: ignore[arg-type]
    assert before is None
    assert (active.status, active.reason, active.taken_by, active.requested_at, active.taken_at) == (
        "active",
        reason,
        "dana",
        T0,
        T0,
    )


def test_taking_again_by_the_same_staff_member_is_harmless(store: HandoffStore, engine: Engine) -> None:
    store.request("c1", "requested", T0)
    active, _ = store.take("c1", "ana", "Ana Admissions", T0 + MINUTE)
    again, before = store.take("c1", "ana", "Ana Admissions", T0 + 5 * MINUTE)
    assert again == active and before == active  # before is active: nothing to announce or undo
    assert [row.taken_at for row in rows(engine)] == [(T0 + MINUTE).replace(tzinfo=None)]


def test_a_second_staff_member_gets_handoff_taken(store: HandoffStore) -> None:
    store.request("c1", "requested", T0)
    active, _ = store.take("c1", "ana", "Ana Admissions", T0 + MINUTE)
    with pytest.raises(HandoffTaken, match="Ana Admissions is already chatting") as caught:
        store.take("c1", "root", "Site Admin", T0 + 2 * MINUTE)
    assert caught.value.handoff == active
    assert store.open_for("c1") == active


def race(tmp_path: Path, contenders: List[str], *take_args: Any, **take_kwargs: Any) -> List[Tuple[str, object]]:
    """Every contender takes c1 at the same moment, each through its own engine (as separate web
    app processes would); (username, the take's result or the HandoffTaken it raised)."""
    barrier = threading.Barrier(len(contenders))
    results: List[Tuple[str, object]] = []
    lock = threading.Lock()

    def click(username: str) -> None:
        own = make_engine(tmp_path / "companion.db")
        try:
            barrier.wait()
            try:
                outcome: object = HandoffStore(own).take("c1", username, username.upper(), T0 + MINUTE, *take_args, **take_kwargs)
            except HandoffTaken as exc:
                outcome = exc
        finally:
            own.dispose()
        with lock:
            results.append((username, outcome))

    threads = [threading.Thread(target=click, args=(name,)) for name in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.parametrize("requested", [True, False], ids=["waiting-request", "no-request"])
def test_concurrent_takes_exactly_one_wins(tmp_path: Path, engine: Engine, requested: bool) -> None:
    """Eight staff members click "Take over" at the same moment, each through its own engine (as
    separate web app processes would): one wins, the others are told who has it."""
    store = HandoffStore(engine)
    if requested:
        store.request("c1", "requested", T0)
    contenders = [f"staff{n}" for n in range(8)]
    results = race(tmp_path, contenders)
    assert len(results) == len(contenders)
    winners = [(name, outcome) for name, outcome in results if not isinstance(outcome, Exception)]
    assert len(winners) == 1, results
    winner, (active, _) = winners[0]  # type: ignore[misc]
    losers = [outcome for _, outcome in results if isinstance(outcome, HandoffTaken)]
    assert len(losers) == len(contenders) - 1
    assert all(loser.handoff.taken_by == winner for loser in losers)
    [row] = rows(engine)
    assert (row.status, row.taken_by, row.id) == ("active", winner, active.id)


def test_concurrent_requests_queue_once(tmp_path: Path, engine: Engine) -> None:
    """The person double-clicks "Talk to a person" and two action server workers ask at once."""
    barrier = threading.Barrier(6)
    results: List[Tuple[Handoff, bool]] = []
    lock = threading.Lock()

    def ask() -> None:
        own = make_engine(tmp_path / "companion.db")
        try:
            barrier.wait()
            outcome = HandoffStore(own).request("c1", "requested", T0)
        finally:
            own.dispose()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert len({handoff.id for handoff, _ in results}) == 1
    assert len(rows(engine)) == 1


# --- taking a chat over from its holder (a crisis began in an admissions chat) --------------------


def test_take_replacing_the_holder_moves_the_chat(store: HandoffStore, engine: Engine) -> None:
    store.request("c1", "requested", T0)
    held, _ = store.take("c1", "ana", "Ana Admissions", T0 + MINUTE)
    active, before = store.take("c1", "dana", "Dana Reyes", T0 + 5 * MINUTE, "crisis", replacing="ana")
    assert before == held  # what undo_take needs to give it back
    assert active.id == held.id and active.status == "active"
    assert (active.taken_by, active.staff_name, active.taken_at) == ("dana", "Dana Reyes", T0 + 5 * MINUTE)
    assert (active.reason, active.requested_at) == ("requested", T0)  # the person's request, kept
    assert store.open_for("c1") == active and len(rows(engine)) == 1
    again, before = store.take("c1", "dana", "Dana Reyes", T0 + 6 * MINUTE, replacing="ana")
    assert again == active and before == active  # already hers: harmless


@pytest.mark.parametrize("replacing", [None, "root", "Ana", ""])
def test_take_replacing_someone_else_than_the_holder_is_handoff_taken(store: HandoffStore, replacing: Optional[str]) -> None:
    held, _ = store.take("c1", "ana", "Ana Admissions", T0)
    with pytest.raises(HandoffTaken, match="Ana Admissions is already chatting") as caught:
        store.take("c1", "dana", "Dana Reyes", T0 + MINUTE, replacing=replacing)
    assert caught.value.handoff == held and store.open_for("c1") == held


@pytest.mark.parametrize("requested", [True, False], ids=["waiting-request", "no-request"])
def test_take_replacing_a_holder_who_is_gone_is_an_ordinary_take(store: HandoffStore, requested: bool) -> None:
    if requested:
        waiting, _ = store.request("c1", "crisis", T0)
    active, before = store.take("c1", "dana", "Dana Reyes", T0 + MINUTE, "crisis", replacing="ana")
    assert before == (waiting if requested else None)
    assert (active.status, active.taken_by) == ("active", "dana")


def test_undo_a_take_replacing_the_holder_gives_the_chat_back(store: HandoffStore, engine: Engine) -> None:
    store.request("c1", "requested", T0)
    held, _ = store.take("c1", "ana", "Ana Admissions", T0 + MINUTE)
    active, before = store.take("c1", "dana", "Dana Reyes", T0 + 5 * MINUTE, "crisis", replacing="ana")
    store.undo_take(active, before)
    assert store.open_for("c1") == held  # ana's name and time, as before
    assert len(rows(engine)) == 1
    store.end("c1", "ana", "returned", T0 + 6 * MINUTE)  # and it is ana's to finish


def test_undo_a_replacing_take_leaves_a_chat_that_moved_on(store: HandoffStore) -> None:
    store.take("c1", "ana", "Ana Admissions", T0)
    active, before = store.take("c1", "dana", "Dana Reyes", T0 + MINUTE, replacing="ana")
    store.end("c1", "dana", "closed", T0 + 2 * MINUTE)  # dana finished meanwhile
    store.undo_take(active, before)
    assert store.open_for("c1") is None and store.get(active.id).status == "closed"
    later, _ = store.take("c1", "root", "Site Admin", T0 + 3 * MINUTE)  # a new chat
    store.undo_take(active, before)  # a late undo of the old take leaves it alone
    assert store.open_for("c1") == later


def test_undo_a_replacing_take_leaves_the_chat_to_whoever_took_it_since(store: HandoffStore) -> None:
    store.take("c1", "ana", "Ana Admissions", T0)
    active, before = store.take("c1", "dana", "Dana Reyes", T0 + MINUTE, replacing="ana")
    now_roots, _ = store.take("c1", "root", "Site Admin", T0 + 2 * MINUTE, replacing="dana")
    store.undo_take(active, before)
    assert store.open_for("c1") == now_roots


def test_a_replacing_take_that_loses_its_guarded_update_decides_again(
    store: HandoffStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ana hands back between the take's read and its update: the take reads again and, nothing
    being open any more, takes the conversation."""
    held, _ = store.take("c1", "ana", "Ana Admissions", T0)
    store.end("c1", "ana", "returned", T0 + MINUTE)
    real_open = HandoffStore._open
    stale = [held]  # what the first read saw

    def open_once_stale(connection: sa.engine.Connection, conversation_id: str) -> Optional[Handoff]:
        return stale.pop() if stale else real_open(connection, conversation_id)

    monkeypatch.setattr(HandoffStore, "_open", staticmethod(open_once_stale))
    handoff, before = store.take("c1", "dana", "Dana Reyes", T0 + 2 * MINUTE, "crisis", replacing="ana")
    assert not stale and before is None
    assert (handoff.status, handoff.taken_by, handoff.reason) == ("active", "dana", "crisis") and handoff.id != held.id
    assert store.get(held.id).status == "returned"


def test_a_replacing_take_that_loses_to_another_holder_is_handoff_taken(
    store: HandoffStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the read and the update the chat went to root: the retry finds root, not ana."""
    held, _ = store.take("c1", "ana", "Ana Admissions", T0)
    now_roots, _ = store.take("c1", "root", "Site Admin", T0 + MINUTE, replacing="ana")
    real_open = HandoffStore._open
    stale = [held]

    def open_once_stale(connection: sa.engine.Connection, conversation_id: str) -> Optional[Handoff]:
        return stale.pop() if stale else real_open(connection, conversation_id)

    monkeypatch.setattr(HandoffStore, "_open", staticmethod(open_once_stale))
    with pytest.raises(HandoffTaken) as caught:
        store.take("c1", "dana", "Dana Reyes", T0 + 2 * MINUTE, replacing="ana")
    assert not stale and caught.value.handoff == now_roots
    assert store.open_for("c1") == now_roots


def test_concurrent_replacing_takes_exactly_one_wins(tmp_path: Path, engine: Engine) -> None:
    """Six clinicians take a crisis over from admissions at once, each through its own engine."""
    HandoffStore(engine).take("c1", "ana", "Ana Admissions", T0)
    contenders = [f"clinician{n}" for n in range(6)]
    results = race(tmp_path, contenders, "crisis", replacing="ana")
    assert len(results) == len(contenders)
    winners = [name for name, outcome in results if not isinstance(outcome, Exception)]
    assert len(winners) == 1, results
    losers = [outcome for _, outcome in results if isinstance(outcome, HandoffTaken)]
    assert len(losers) == len(contenders) - 1 and all(loser.handoff.taken_by == winners[0] for loser in losers)
    [row] = rows(engine)
    assert (row.status, row.taken_by) == ("active", winners[0])


# --- undo ------------------------------------------------------------------------------------------


def test_undo_a_take_of_a_waiting_request_waits_again(store: HandoffStore, engine: Engine) -> None:
    waiting, _ = store.request("c1", "crisis", T0)
    active, before = store.take("c1", "ana", "Ana Admissions", T0 + MINUTE)
    store.undo_take(active, before)
    assert store.open_for("c1") == waiting  # same id, reason and time; nobody's name left
    assert len(rows(engine)) == 1
    store.take("c1", "root", "Site Admin", T0 + 2 * MINUTE)  # and someone else may take it now


def test_undo_a_take_without_a_request_leaves_no_trace(store: HandoffStore, engine: Engine) -> None:
    active, before = store.take("c1", "dana", "Dana Reyes", T0)
    store.undo_take(active, before)
    assert store.open_for("c1") is None and rows(engine) == []
    _, created = store.request("c1", "requested", T0 + MINUTE)
    assert created


def test_undo_after_a_repeated_take_changes_nothing(store: HandoffStore) -> None:
    store.take("c1", "dana", "Dana Reyes", T0)
    again, before = store.take("c1", "dana", "Dana Reyes", T0 + MINUTE)
    store.undo_take(again, before)
    assert store.open_for("c1") == again


# --- end -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["returned", "closed"])
def test_end_hands_back_or_closes(store: HandoffStore, status: str) -> None:
    store.request("c1", "requested", T0)
    active, _ = store.take("c1", "ana", "Ana Admissions", T0 + MINUTE)
    ended = store.end("c1", "ana", status, T0 + 9 * MINUTE)
    assert ended == Handoff(
        id=active.id,
        conversation_id="c1",
        reason="requested",
        status=status,
        requested_at=T0,
        taken_at=T0 + MINUTE,
        taken_by="ana",
        staff_name="Ana Admissions",
        ended_at=T0 + 9 * MINUTE,
        ended_by="ana",
    )
    assert store.open_for("c1") is None and store.get(active.id) == ended


def test_only_the_staff_member_chatting_may_end_it(store: HandoffStore) -> None:
    active, _ = store.take("c1", "ana", "Ana Admissions", T0)
    with pytest.raises(NotYours, match="Ana Admissions"):
        store.end("c1", "root", "closed", T0 + MINUTE)
    assert store.open_for("c1") == active


def test_end_without_an_active_handoff(store: HandoffStore) -> None:
    with pytest.raises(HandoffNotFound):
        store.end("c1", "ana", "returned", T0)
    waiting, _ = store.request("c1", "requested", T0)
    with pytest.raises(HandoffNotFound):  # nobody took it yet
        store.end("c1", "ana", "returned", T0)
    store.take("c1", "ana", "Ana", T0)
    store.end("c1", "ana", "returned", T0 + MINUTE)
    with pytest.raises(HandoffNotFound):  # already ended
        store.end("c1", "ana", "closed", T0 + 2 * MINUTE)
    assert store.get(waiting.id).status == "returned"


def test_end_only_as_returned_or_closed(store: HandoffStore) -> None:
    store.take("c1", "ana", "Ana", T0)
    with pytest.raises(ValueError, match="returned or closed"):
        store.end("c1", "ana", "expired", T0)
    assert store.open_for("c1").status == "active"  # type: ignore[union-attr]


# --- the timer: expiry, reopening, abandoned chats -------------------------------------------------


def test_expire_waiting_only_requests_older_than_the_cutoff(store: HandoffStore, engine: Engine) -> None:
    now = T0 + 10 * MINUTE
    cutoff = now - 3 * MINUTE
    old, _ = store.request("old", "requested", now - 10 * MINUTE)
    boundary, _ = store.request("boundary", "crisis", cutoff)  # exactly at the cutoff: expires
    new, _ = store.request("new", "requested", cutoff + dt.timedelta(seconds=1))
    store.request("taken", "requested", now - 10 * MINUTE)
    store.take("taken", "ana", "Ana", now - 9 * MINUTE)
    expired = store.expire_waiting(cutoff, now)
    assert sorted(h.conversation_id for h in expired) == ["boundary", "old"]
    for handoff, before in ((h, {"old": old, "boundary": boundary}[h.conversation_id]) for h in expired):
        assert handoff.id == before.id and handoff.reason == before.reason and handoff.requested_at == before.requested_at
        assert (handoff.status, handoff.ended_at, handoff.ended_by) == ("expired", now, SYSTEM)
        assert store.get(handoff.id) == handoff  # what it returns is what was stored
    assert store.open_for("new") == new
    assert store.open_for("taken").status == "active"  # type: ignore[union-attr]
    assert store.expire_waiting(cutoff, now) == []  # nothing twice


def test_reopen_puts_an_expiry_back_to_waiting(store: HandoffStore) -> None:
    waiting, _ = store.request("c1", "crisis", T0)
    [expired] = store.expire_waiting(T0, T0 + 3 * MINUTE)
    assert store.open_for("c1") is None
    assert store.reopen(expired.id) is True
    assert store.open_for("c1") == waiting  # no ended_at / ended_by left
    assert store.reopen(expired.id) is False  # waiting already
    store.take("c1", "ana", "Ana", T0 + 4 * MINUTE)
    store.end("c1", "ana", "closed", T0 + 5 * MINUTE)
    assert store.reopen(expired.id) is False  # only an expiry is reopened
    assert store.get(expired.id).status == "closed" and store.open_for("c1") is None
    assert store.reopen("0" * 32) is False


def test_abandoned_chats_are_those_whose_console_went_quiet(store: HandoffStore, engine: Engine) -> None:
    presence = PresenceStore(engine)
    now = T0 + 30 * MINUTE
    cutoff = now - 5 * MINUTE
    for conversation, username, taken_at in (
        ("with-ana", "ana", T0),  # ana's console reported a minute ago
        ("with-bob", "bob", T0),  # bob's went quiet long ago
        ("with-cy", "cy", T0),  # cy's page never reported at all
        ("with-dee", "dee", now - MINUTE),  # dee took it just now: not abandoned yet
        ("with-eve", "eve", T0),  # eve's report exactly at the cutoff counts as quiet
    ):
        store.take(conversation, username, username.title(), taken_at)
    presence.set_available("ana", True, now - MINUTE)
    presence.set_available("bob", True, T0 + MINUTE)
    presence.seen("eve", cutoff)
    store.request("waiting", "requested", T0)  # not active: never abandoned
    abandoned = store.abandoned(cutoff)
    assert sorted(h.conversation_id for h in abandoned) == ["with-bob", "with-cy", "with-eve"]
    assert all(h.status == "active" for h in abandoned)
    presence.seen("bob", now)  # bob's page is back before the timer acts
    assert sorted(h.conversation_id for h in store.abandoned(cutoff)) == ["with-cy", "with-eve"]


def test_end_abandoned_hands_back_once(store: HandoffStore) -> None:
    active, _ = store.take("c1", "cy", "Cy", T0)
    assert store.end_abandoned(active, T0 + 10 * MINUTE) is True
    ended = store.get(active.id)
    assert (ended.status, ended.ended_by, ended.ended_at) == ("returned", SYSTEM, T0 + 10 * MINUTE)
    assert store.end_abandoned(active, T0 + 11 * MINUTE) is False
    assert store.get(active.id).ended_at == T0 + 10 * MINUTE


def test_end_abandoned_loses_to_the_staff_member(store: HandoffStore) -> None:
    active, _ = store.take("c1", "cy", "Cy", T0)
    store.end("c1", "cy", "closed", T0 + MINUTE)  # cy came back and closed it meanwhile
    assert store.end_abandoned(active, T0 + 10 * MINUTE) is False
    assert store.get(active.id).status == "closed" and store.get(active.id).ended_by == "cy"


# --- one open handoff per conversation ------------------------------------------------------------


def test_a_new_request_after_the_previous_ended(store: HandoffStore, engine: Engine) -> None:
    first, _ = store.request("c1", "requested", T0)
    store.take("c1", "ana", "Ana", T0 + MINUTE)
    store.end("c1", "ana", "returned", T0 + 2 * MINUTE)
    second, created = store.request("c1", "requested", T0 + 3 * MINUTE)
    assert created and second.id != first.id
    store.expire_waiting(T0 + 3 * MINUTE, T0 + 6 * MINUTE)
    third, created = store.request("c1", "crisis", T0 + 7 * MINUTE)
    assert created and third.status == "waiting"
    assert [(row.status, row.reason) for row in rows(engine, "c1")] == [
        ("returned", "requested"),
        ("expired", "requested"),
        ("waiting", "crisis"),
    ]
    assert [h.id for h in store.latest_for(["c1", "c2"])] == [first.id, second.id, third.id]


def test_the_database_refuses_a_second_open_handoff(engine: Engine) -> None:
    def insert(handoff_id: str, status: str) -> None:
        with engine.begin() as connection:
            connection.execute(
                handoffs.insert().values(id=handoff_id, conversation_id="c1", reason="requested", status=status, requested_at=T0)
            )

    insert("a" * 32, "closed")
    insert("b" * 32, "returned")  # ended ones may pile up
    insert("c" * 32, "waiting")
    with pytest.raises(sa.exc.IntegrityError):
        insert("d" * 32, "active")
    with pytest.raises(sa.exc.IntegrityError):
        insert("e" * 32, "paused")  # not a status
    assert [row.id for row in rows(engine) if row.status in ("waiting", "active")] == ["c" * 32]


def test_live_lists_waiting_and_active_the_longest_waiting_first(store: HandoffStore) -> None:
    store.request("later", "requested", T0 + 2 * MINUTE)
    store.take("chatting", "ana", "Ana", T0 + MINUTE)
    store.request("first", "crisis", T0)
    store.request("gone", "requested", T0 - MINUTE)
    store.take("gone", "ana", "Ana", T0)
    store.end("gone", "ana", "closed", T0)
    assert [h.conversation_id for h in store.live()] == ["first", "chatting", "later"]


def test_reopen_leaves_an_expiry_a_new_request_superseded(store: HandoffStore) -> None:
    store.request("c1", "requested", T0)
    [expired] = store.expire_waiting(T0, T0 + 3 * MINUTE)
    second, created = store.request("c1", "requested", T0 + 4 * MINUTE)
    assert created
    assert store.reopen(expired.id) is False  # the unique index would refuse a second open one
    assert store.get(expired.id).status == "expired" and store.open_for("c1") == second


def test_taking_a_request_that_expired_takes_the_conversation(store: HandoffStore) -> None:
    store.request("c1", "requested", T0)
    store.expire_waiting(T0, T0 + 3 * MINUTE)
    handoff, before = store.take("c1", "ana", "Ana", T0 + 4 * MINUTE)
    assert before is None and (handoff.status, handoff.reason, handoff.taken_by) == ("active", "staff", "ana")


def test_a_take_that_loses_its_guarded_update_decides_again(store: HandoffStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The timer expires the request between the take's read and its update: the take reads
    again and, nothing being open any more, takes the conversation instead of failing."""
    waiting, _ = store.request("c1", "requested", T0)
    store.expire_waiting(T0, T0 + 3 * MINUTE)
    real_open = HandoffStore._open
    stale = [waiting]  # what the first read saw

    def open_once_stale(connection: sa.engine.Connection, conversation_id: str) -> Optional[Handoff]:
        return stale.pop() if stale else real_open(connection, conversation_id)

    monkeypatch.setattr(HandoffStore, "_open", staticmethod(open_once_stale))
    handoff, before = store.take("c1", "ana", "Ana", T0 + 4 * MINUTE)
    assert not stale and before is None
    assert (handoff.status, handoff.taken_by) == ("active", "ana") and handoff.id != waiting.id
