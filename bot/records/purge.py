"""Retention: remove conversations nobody has written in for longer than the retention period.

A conversation is purged when its LAST event in Rasa's ``events`` table (of any kind) is older
than the cutoff (now - ``older_than``). With it go, in one transaction: its Rasa events, its
escalations with their messages and notifications, its review-inbox messages with
their missed-crisis records (and a row's label once no message of the row is left), its leads with their notes, its craving
check-ins, its live handoffs and its links to enrolled clients. Never touched: the ``clients`` records themselves,
meetings, and any staff or audit table.

A conversation with an unresolved (open or acknowledged) escalation is kept, however old, so a
crisis nobody closed never disappears silently; the result counts those.

`python -m bot purge [--older-than 90d|12w] [--dry-run]` (default: RETENTION_DAYS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.settings import Settings
from bot.storage.db import (
    client_conversations,
    craving_checkins,
    escalation_messages,
    escalations,
    handoffs,
    lead_notes,
    leads,
    missed_crises,
    notifications,
    review_items,
    review_labels,
    safety_reviews,
)
from bot.storage.rasa_events import events, events_exist

# Deletion order: children before their parents (foreign keys), Rasa's events last.
TABLES = (
    "missed_crises",
    "review_items",
    "review_labels",
    "notifications",
    "safety_reviews",
    "escalation_messages",
    "escalations",
    "lead_notes",
    "leads",
    "craving_checkins",
    "handoffs",
    "client_conversations",
    "events",
)
CHUNK = 500  # ids per IN (...): well under SQLite's limit on bound parameters
BATCH = 200  # conversations per transaction: a lock held for a moment, not for the whole purge
_DURATION = re.compile(r"\s*(\d+)\s*([dw])\s*", re.IGNORECASE)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: dt.datetime
    dry_run: bool
    conversations: int  # conversations removed (or that would be)
    kept_unresolved: int  # old conversations kept for their unresolved escalation
    removed: Dict[str, int]  # rows removed per table, in TABLES order


def parse_duration(text: str) -> dt.timedelta:
    """``"90d"`` or ``"12w"`` as a timedelta; ValueError for anything else."""
    match = _DURATION.fullmatch(text or "")
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{text!r} is not a duration: use a whole number of days or weeks, e.g. 90d or 12w")
    number, unit = int(match.group(1)), match.group(2).lower()
    return dt.timedelta(days=number) if unit == "d" else dt.timedelta(weeks=number)


def _chunks(values: Sequence[Any]) -> Iterator[List[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _lock_out_writers(connection: Connection) -> None:
    """No message can reach a conversation between choosing it and removing it: it would be
    removed with the rest (a plain SELECT locks nothing). Readers go on; writers wait for the commit."""
    if connection.dialect.name == "sqlite":
        connection.execute(leads.delete().where(sa.false()))  # a write takes SQLite's one write lock
    else:
        connection.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")


def _old_conversations(connection: Connection, cutoff: float, among: Optional[Sequence[str]] = None) -> List[str]:
    """The conversations with no event since ``cutoff`` (of ``among`` only, when given)."""
    query = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
        .order_by(events.c.sender_id)
    )
    if among is None:
        return list(connection.execute(query).scalars())
    found: List[str] = []
    for chunk in _chunks(among):
        found.extend(connection.execute(query.where(events.c.sender_id.in_(chunk))).scalars())
    return found


def _unresolved(connection: Connection, conversation_ids: Sequence[str]) -> set:
    found = set()
    for chunk in _chunks(conversation_ids):
        found.update(
            connection.execute(
                sa.select(escalations.c.conversation_id).where(
                    escalations.c.conversation_id.in_(chunk), escalations.c.status != "resolved"
                )
            ).scalars()
        )
    return found


def _ids(connection: Connection, column: Any, where_column: Any, values: Sequence[Any]) -> List[Any]:
    found: List[Any] = []
    for chunk in _chunks(values):
        found.extend(connection.execute(sa.select(column).where(where_column.in_(chunk))).scalars())
    return found


def _keys_left_empty(connection: Connection, keys: Set[str], doomed: Sequence[str]) -> List[str]:
    """The inbox rows (keys) that no message would be left in once ``doomed`` conversations go."""
    kept: Set[str] = set()
    for chunk in _chunks(sorted(keys)):
        query = sa.select(review_items.c.key, review_items.c.conversation_id).where(review_items.c.key.in_(chunk))
        gone = set(doomed)
        kept.update(row.key for row in connection.execute(query) if row.conversation_id not in gone)
    return sorted(keys - kept)


def _apply(connection: Connection, table: sa.Table, column: Any, values: Sequence[Any], dry_run: bool) -> int:
    """Deletes (or, on a dry run, counts) the rows of ``table`` whose ``column`` is in ``values``."""
    total = 0
    for chunk in _chunks(values):
        if dry_run:
            total += int(connection.execute(sa.select(sa.func.count()).select_from(table).where(column.in_(chunk))).scalar() or 0)
        else:
            total += int(connection.execute(table.delete().where(column.in_(chunk))).rowcount or 0)
    return total


def purge(engine: Engine, older_than: dt.timedelta, *, now: Optional[dt.datetime] = None, dry_run: bool = False) -> PurgeResult:
    """Removes (or with ``dry_run`` only counts) the conversations inactive since now - older_than.

    BATCH conversations at a time, each batch in a transaction of its own that locks writers out
    of the events only while it runs: a message arriving meanwhile waits a moment, not for the
    whole purge (past DB_BUSY_TIMEOUT_SECONDS it would be journaled). Each conversation goes
    whole or not at all; a batch checks again that its conversations are still inactive.
    """
    if older_than <= dt.timedelta(0):
        raise ValueError("older_than must be positive")
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cutoff = now - older_than
    removed = {table: 0 for table in TABLES}
    with engine.connect() as connection:
        if not events_exist(connection):
            return PurgeResult(cutoff=cutoff, dry_run=dry_run, conversations=0, kept_unresolved=0, removed=removed)
        candidates = _old_conversations(connection, cutoff.timestamp())
    conversations = kept = 0
    for start in range(0, len(candidates), BATCH):
        with engine.begin() as connection:
            if not dry_run:
                _lock_out_writers(connection)
            old = _old_conversations(connection, cutoff.timestamp(), candidates[start : start + BATCH])
            protected = _unresolved(connection, old)
            doomed = [conversation for conversation in old if conversation not in protected]
            for table, count in _remove(connection, doomed, dry_run).items():
                removed[table] += count
        conversations, kept = conversations + len(doomed), kept + len(protected)
    return PurgeResult(cutoff=cutoff, dry_run=dry_run, conversations=conversations, kept_unresolved=kept, removed=removed)


def _remove(connection: Connection, doomed: Sequence[str], dry_run: bool) -> Dict[str, int]:
    """Everything of the ``doomed`` conversations, dependents first (or, on a dry run, its count)."""
    removed: Dict[str, int] = {}
    escalation_ids = _ids(connection, escalations.c.id, escalations.c.conversation_id, doomed)
    lead_ids = _ids(connection, leads.c.id, leads.c.conversation_id, doomed)
    removed["missed_crises"] = _apply(connection, missed_crises, missed_crises.c.conversation_id, doomed, dry_run)
    keys = set(_ids(connection, review_items.c.key, review_items.c.conversation_id, doomed))
    removed["review_items"] = _apply(connection, review_items, review_items.c.conversation_id, doomed, dry_run)
    removed["review_labels"] = _apply(
        connection, review_labels, review_labels.c.key, _keys_left_empty(connection, keys, doomed), dry_run
    )
    removed["notifications"] = _apply(connection, notifications, notifications.c.escalation_id, escalation_ids, dry_run)
    removed["safety_reviews"] = _apply(connection, safety_reviews, safety_reviews.c.conversation_id, doomed, dry_run)
    removed["escalation_messages"] = _apply(
        connection, escalation_messages, escalation_messages.c.escalation_id, escalation_ids, dry_run
    )
    removed["escalations"] = _apply(connection, escalations, escalations.c.id, escalation_ids, dry_run)
    removed["lead_notes"] = _apply(connection, lead_notes, lead_notes.c.lead_id, lead_ids, dry_run)
    removed["leads"] = _apply(connection, leads, leads.c.id, lead_ids, dry_run)
    removed["craving_checkins"] = _apply(connection, craving_checkins, craving_checkins.c.conversation_id, doomed, dry_run)
    removed["handoffs"] = _apply(connection, handoffs, handoffs.c.conversation_id, doomed, dry_run)
    removed["client_conversations"] = _apply(
        connection, client_conversations, client_conversations.c.conversation_id, doomed, dry_run
    )
    removed["events"] = _apply(connection, events, events.c.sender_id, doomed, dry_run)
    return removed


def format_result(result: PurgeResult) -> str:
    verb = "Would remove" if result.dry_run else "Removed"
    lines = [
        f"{'Dry run: nothing was deleted. ' if result.dry_run else ''}"
        f"{verb} {result.conversations} conversation(s) with no activity since {result.cutoff:%Y-%m-%d %H:%M} UTC:"
    ]
    width = max(len(table) for table in TABLES)
    lines += [f"  {table:<{width}}  {result.removed[table]:>8}" for table in TABLES]
    if result.kept_unresolved:
        lines.append(
            f"Kept {result.kept_unresolved} old conversation(s) with an unresolved crisis escalation: resolve it to let it be purged."
        )
    return "\n".join(lines)


# --- the command line (wired in bot/__main__.py) ----------------------------------------------


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser = sub.add_parser("purge", help="delete conversations inactive for longer than the retention period")
    parser.add_argument(
        "--older-than",
        metavar="AGE",
        help="inactive for longer than this: days or weeks, e.g. 90d or 12w (default: RETENTION_DAYS)",
    )
    parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.db import make_engine
    from bot.storage.schema import migrate

    try:
        older_than = parse_duration(args.older_than) if args.older_than else dt.timedelta(days=settings.retention_days)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)  # e.g. lead_notes, on a database from before it existed
        result = purge(engine, older_than, dry_run=args.dry_run)
    finally:
        engine.dispose()
    print(format_result(result))
    return 0
