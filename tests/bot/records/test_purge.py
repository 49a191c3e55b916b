"""Retention: what `purge` removes, what it keeps, the dry run and the command line."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Dict

import pytest
import sqlalchemy as sa

from bot.__main__ import main
from bot.clients.store import ClientStore
from bot.handoff.store import HandoffStore
from bot.leads.store import Lead, LeadStore
from bot.records import purge as purge_module
from bot.records.clients import client_overview
from bot.records.conversations import ConversationFilter, list_conversations, transcript
from bot.records.purge import TABLES, parse_duration, purge
from bot.review.collect import Observation
from bot.review.normalize import review_key
from bot.review.store import ReviewStore, add_observations
from bot.safety.escalations import EscalationStore
from bot.safety.reviews import record_review_items
from bot.storage.db import make_engine, metadata
from tests.bot.records.conftest import NOW, ORDER, ZONE, Chat, World, count, local, tracker_store

PER_CONVERSATION = {
    "events": "sender_id = '{c}'",
    "escalations": "conversation_id = '{c}'",
    "safety_reviews": "conversation_id = '{c}'",
    "leads": "conversation_id = '{c}'",
    "craving_checkins": "conversation_id = '{c}'",
    "handoffs": "conversation_id = '{c}'",
    "client_conversations": "conversation_id = '{c}'",
    "review_items": "conversation_id = '{c}'",
    "missed_crises": "conversation_id = '{c}'",
}


def snapshot(world: World) -> Dict[str, int]:
    """Rows in every table: Rasa's events and all of ours (clients, meetings, staff, audit, ...)."""
    return {table: count(world.engine, table) for table in ["events", *metadata.tables]}


def listed(world: World) -> list:
    return [s.conversation_id for s in list_conversations(world.engine, ConversationFilter(per_page=100), ZONE).items]


def test_removes_everything_of_an_old_conversation(world: World) -> None:
    HandoffStore(world.engine).request("c-old", "requested", NOW - dt.timedelta(days=120))  # a live chat asked for back then
    screening_no = [
        {"event": "user", "timestamp": 1.0, "text": "no", "parse_data": {"intent": {"name": "deny"}}},
        {"event": "action", "name": "utter_risk_screen_no", "timestamp": 2.0},
    ]
    record_review_items(world.engine, "c-old", screening_no)  # a review item for the clinical team back then
    unsure = Observation("nothing matters much", 1.5, ["low_confidence"], "relapse", 0.6)
    with world.engine.begin() as connection:
        add_observations(connection, "c-old", [unsure])  # in the review inbox, labelled a crisis the net missed
    assert ReviewStore(world.engine).label(review_key(unsure.text), "correct", "crisis", None, "cleo").missed_crises == 1
    before = snapshot(world)
    assert count(world.engine, "events", "sender_id = 'c-old'") == 3
    result = purge(world.engine, dt.timedelta(days=90), now=NOW)
    assert result.cutoff == NOW - dt.timedelta(days=90) and not result.dry_run
    assert (result.conversations, result.kept_unresolved) == (1, 1)  # c-old; c-old-open's escalation is acknowledged
    assert result.removed == {
        "missed_crises": 1,
        "review_items": 1,
        "review_labels": 1,
        "notifications": 1,
        "safety_reviews": 1,
        "escalation_messages": 1,
        "escalations": 1,
        "lead_notes": 1,
        "leads": 1,
        "craving_checkins": 1,
        "handoffs": 1,
        "client_conversations": 1,
        "events": 3,
    }
    after = snapshot(world)
    untouched = {table: 0 for table in before if table not in TABLES}
    assert "clients" in untouched and "meetings" in untouched
    assert {table: before[table] - after[table] for table in before} == {**result.removed, **untouched}
    for table, where in PER_CONVERSATION.items():
        assert count(world.engine, table, where.format(c="c-old")) == 0, table
    assert count(world.engine, "lead_notes") == 0 and count(world.engine, "escalation_messages") == 2
    assert transcript(world.engine, "c-old") is None
    assert listed(world) == [c for c in ORDER if c != "c-old"]
    # The client record stays; only the purged conversation's traces go.
    lee = client_overview(world.engine, "C-2")
    assert lee is not None and (lee.exercises, lee.conversation_ids, lee.last_contact) == ([], [], None)


def test_an_unresolved_escalation_keeps_its_conversation_until_resolved(world: World) -> None:
    purge(world.engine, dt.timedelta(days=90), now=NOW)
    assert count(world.engine, "events", "sender_id = 'c-old-open'") == 3
    assert count(world.engine, "escalations", "conversation_id = 'c-old-open'") == 1
    EscalationStore(world.engine).resolve(world.escalation_ids["c-old-open"], by="dana")
    result = purge(world.engine, dt.timedelta(days=90), now=NOW)
    assert (result.conversations, result.kept_unresolved) == (1, 0)
    assert (result.removed["escalations"], result.removed["escalation_messages"], result.removed["events"]) == (1, 1, 3)
    assert count(world.engine, "escalations") == 1  # c-crisis, still open and recent


def test_the_last_event_decides_not_the_first(world: World) -> None:
    result = purge(world.engine, dt.timedelta(days=5), now=NOW)  # cutoff: 2026-03-15 12:00
    # c-client started on the 10th but wrote again on the 20th; c-widget's only events are the 20th's.
    assert result.conversations == 4 and result.kept_unresolved == 1
    assert listed(world) == ["c-fallback", "c-client", "c-crisis", "c-prospect", "c-old-open"]
    assert count(world.engine, "events", "sender_id = 'c-widget'") == 3
    assert count(world.engine, "craving_checkins", "client_id = 'C-1'") == 5


def test_the_cutoff_is_strict(world: World) -> None:
    last_event = local(2026, 2, 1, 10, 0, 10)  # c-feb's bot message
    kept = purge(world.engine, dt.timedelta(days=1), now=last_event + dt.timedelta(days=1))
    assert kept.conversations == 1 and "c-feb" in listed(world)  # only c-old: c-feb is exactly at the cutoff
    gone = purge(world.engine, dt.timedelta(days=1), now=last_event + dt.timedelta(days=1, seconds=1))
    assert gone.conversations == 1 and "c-feb" not in listed(world)


def test_dry_run_counts_without_deleting(world: World) -> None:
    before = snapshot(world)
    dry = purge(world.engine, dt.timedelta(days=5), now=NOW, dry_run=True)
    assert dry.dry_run and snapshot(world) == before
    real = purge(world.engine, dt.timedelta(days=5), now=NOW)
    assert (dry.conversations, dry.kept_unresolved, dry.removed) == (real.conversations, real.kept_unresolved, real.removed)
    assert real.removed["events"] > 0 and snapshot(world) != before


def test_many_conversations_in_chunks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(purge_module, "CHUNK", 2)
    result = purge(world.engine, dt.timedelta(days=5), now=NOW)
    assert result.conversations == 4
    assert listed(world) == ["c-fallback", "c-client", "c-crisis", "c-prospect", "c-old-open"]
    assert result.removed["events"] == 12  # 3 events in each of c-search, c-search2, c-feb and c-old


def test_one_transaction(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(world)
    original = purge_module._apply

    def failing(connection, table, column, values, dry_run):  # type: ignore[no-untyped-def]
        if table.name == "events":
            raise RuntimeError("disk full")
        return original(connection, table, column, values, dry_run)

    monkeypatch.setattr(purge_module, "_apply", failing)
    with pytest.raises(RuntimeError):
        purge(world.engine, dt.timedelta(days=90), now=NOW)
    assert snapshot(world) == before  # the escalations, leads, ... deleted first came back


def test_no_message_can_slip_in_while_it_chooses(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes to the events are locked out before a batch's old conversations are chosen again: a
    message written between choosing and removing would be removed with them."""
    original = purge_module._old_conversations
    attempts = []
    other_writer = sa.create_engine(world.engine.url, poolclass=sa.pool.NullPool)

    def choose_then_try_to_write(connection, cutoff, among=None):  # type: ignore[no-untyped-def]
        if among is None:  # the first look, before any batch: nothing is removed on it
            return original(connection, cutoff)
        try:
            with other_writer.begin() as other:
                if other.dialect.name == "sqlite":
                    other.exec_driver_sql("PRAGMA busy_timeout = 0")
                else:
                    other.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                other.exec_driver_sql("INSERT INTO events (sender_id, type_name, timestamp) VALUES ('c-old', 'user', 0)")
            attempts.append("written")
        except sa.exc.OperationalError as exc:
            attempts.append(type(exc.orig).__name__)
        return original(connection, cutoff, among)

    monkeypatch.setattr(purge_module, "_old_conversations", choose_then_try_to_write)
    try:
        purge(world.engine, dt.timedelta(days=90), now=NOW)
    finally:
        other_writer.dispose()
    assert attempts == ["OperationalError" if world.engine.dialect.name == "sqlite" else "LockNotAvailable"]


def test_batch_by_batch_it_removes_the_same_and_keeps_a_conversation_active_since_it_looked(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One conversation a transaction: the same result; and a conversation written to after the
    first look (here, before its batch) is still inactive no more, so it stays."""
    before = snapshot(world)
    monkeypatch.setattr(purge_module, "BATCH", 1)
    original = purge_module._lock_out_writers
    batches = []

    def a_message_arrives_before_c_old_s_batch(connection):  # type: ignore[no-untyped-def]
        batches.append(len(batches))
        if len(batches) == 1:  # in order of id: c-old first, then c-old-open
            with world.engine.begin() as other:
                other.execute(
                    sa.text("INSERT INTO events (sender_id, type_name, timestamp) VALUES ('c-old', 'user', :at)"),
                    {"at": NOW.timestamp()},
                )
        original(connection)

    monkeypatch.setattr(purge_module, "_lock_out_writers", a_message_arrives_before_c_old_s_batch)
    result = purge(world.engine, dt.timedelta(days=90), now=NOW)
    assert len(batches) == 2 and (result.conversations, result.kept_unresolved) == (0, 1)  # c-old active again
    assert snapshot(world) == {**before, "events": before["events"] + 1}


@pytest.mark.parametrize("text, days", [("90d", 90), ("1d", 1), ("12w", 84), (" 2W ", 14), ("365D", 365)])
def test_parse_duration(text: str, days: int) -> None:
    assert parse_duration(text) == dt.timedelta(days=days)


@pytest.mark.parametrize("text", ["", "90", "0d", "6m", "-5d", "1.5w", "d", "90 days"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli_db(service_env: Path) -> Path:
    """Three conversations relative to the real clock: 1, 60 and 200 days old."""
    service_env.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)

    async def build() -> None:
        store = tracker_store(service_env)
        for name, age in (("recent", 1), ("mid", 60), ("ancient", 200)):
            await Chat(name, now - dt.timedelta(days=age)).user("hello", "greet").action("utter_greet").bot("Hi!").save(store)
        store.engine.dispose()

    asyncio.run(build())
    engine = make_engine(service_env)
    LeadStore(engine).add(Lead("ancient", "Sam", "mornings", "myself", now, phone="760-555-0199"))
    ClientStore(engine).add("C-1", "Sam", "adult_day", "Dana")
    return service_env


def senders(path: Path) -> set:
    engine = make_engine(path)
    with engine.connect() as connection:
        import sqlalchemy as sa

        return set(connection.execute(sa.text("SELECT DISTINCT sender_id FROM events")).scalars())


def lines(output: str) -> Dict[str, int]:
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            found[parts[0]] = int(parts[1])
    return found


def test_cli_dry_run_with_the_default_retention(cli_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dry run: nothing was deleted. Would remove 1 conversation(s)")
    assert lines(out) == {table: {"events": 3, "leads": 1}.get(table, 0) for table in TABLES}
    assert senders(cli_db) == {"recent", "mid", "ancient"}


def test_cli_removes_and_prints_per_table(cli_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["purge", "--older-than", "8w"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Removed 2 conversation(s) with no activity since")
    assert lines(out) == {table: {"events": 6, "leads": 1}.get(table, 0) for table in TABLES}
    assert senders(cli_db) == {"recent"}
    assert count(make_engine(cli_db), "clients") == 1


def test_cli_reads_retention_days(cli_db: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import get_settings

    monkeypatch.setenv("RETENTION_DAYS", "30")
    get_settings.cache_clear()
    assert main(["purge"]) == 0
    assert "Removed 2 conversation(s)" in capsys.readouterr().out
    assert senders(cli_db) == {"recent"}


def test_cli_refuses_a_bad_age(cli_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["purge", "--older-than", "3 months"]) == 2
    captured = capsys.readouterr()
    assert "not a duration" in captured.err and captured.out == ""
    assert senders(cli_db) == {"recent", "mid", "ancient"}


def test_cli_reports_kept_unresolved_escalations(cli_db: Path, capsys: pytest.CaptureFixture) -> None:
    async def crisis() -> None:
        store = tracker_store(cli_db)
        old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=300)
        await Chat("crisis-old", old).user("I want to die", "crisis", 1.0).save(store)
        store.engine.dispose()

    asyncio.run(crisis())
    assert main(["purge"]) == 0
    out = capsys.readouterr().out
    assert "Kept 1 old conversation(s) with an unresolved crisis escalation" in out
    assert "crisis-old" in senders(cli_db)
