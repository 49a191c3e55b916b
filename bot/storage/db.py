"""The database engine and the service's tables (SQLAlchemy Core).

SQLite by default, shared with Rasa's tracker store; WAL mode and a busy timeout let Rasa, the
action server and the web app write to the same file from separate processes. DATABASE_URL puts
the same tables on PostgreSQL (the production profile). Migrations: bot/storage/migrations/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Sequence, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.settings import get_settings

metadata = sa.MetaData()

leads = sa.Table(
    "leads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("first_name", sa.String(80), nullable=False),
    sa.Column("phone", sa.String(32)),
    sa.Column("email", sa.String(254)),
    sa.Column("best_time", sa.String(120), nullable=False),
    sa.Column("for_whom", sa.String(120), nullable=False),
    sa.Column("insurance", sa.String(120)),
    sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, server_default="new"),
    # The conversation's language when they asked (bot/language/): admissions call back in it.
    sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    sa.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="lead_has_contact"),
)

# The admissions team's work on a lead (bot/leads/work.py): a note, a status change, or both.
lead_notes = sa.Table(
    "lead_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("author", sa.String(120), nullable=False),  # the staff member's username
    sa.Column("note", sa.Text),
    sa.Column("status_from", sa.String(20)),
    sa.Column("status_to", sa.String(20)),
    sa.CheckConstraint("note IS NOT NULL OR status_to IS NOT NULL", name="lead_note_has_content"),
)


# A crisis escalation: written in the same transaction as the crisis message itself
# (bot/rasa/tracker_store.py), so it exists whenever the message does.
escalations = sa.Table(
    "escalations",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("crisis_type", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("acknowledged_by", sa.String(120)),
    sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
    sa.Column("resolved_by", sa.String(120)),
    sa.Column("resolved_at", sa.DateTime(timezone=True)),
    sa.Column("note", sa.Text),
    sa.Column("reminders_sent", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_reminder_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("status IN ('open', 'acknowledged', 'resolved')", name="escalation_status"),
    # One escalation in progress per conversation: later crisis messages are added to it.
    sa.Index(
        "one_unresolved_escalation_per_conversation",
        "conversation_id",
        unique=True,
        sqlite_where=sa.text("status != 'resolved'"),
        postgresql_where=sa.text("status != 'resolved'"),
    ),
)

# Low-priority items for staff from the crisis net: a "no" to the screening question, and a crisis
# the person said was a false alarm (its escalation stays open for review but stops paging).
safety_reviews = sa.Table(
    "safety_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("crisis_type", sa.String(20)),
    sa.Column("escalation_id", sa.String(32), sa.ForeignKey("escalations.id", ondelete="CASCADE"), index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reviewed_by", sa.String(120)),
    sa.Column("reviewed_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("kind IN ('screening_no', 'false_alarm')", name="safety_review_kind"),
)

# The review inbox (bot/review/): user messages the assistant was unsure of, or that staff flagged.
# One row per message; identical and near-identical messages share ``key`` (bot/review/normalize.py)
# and are shown, and labelled, as one. ``reasons`` is a comma-wrapped set (",fallback,ambiguous,")
# so a reason filter is one exact LIKE on either database.
review_items = sa.Table(
    "review_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("event_timestamp", sa.Float, nullable=False),  # Rasa's, to find the turn again
    sa.Column("message_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("key", sa.String(64), nullable=False, index=True),
    sa.Column("reasons", sa.String(160), nullable=False),
    sa.Column("intent", sa.String(80)),  # the model's top intent (not the fallback)
    sa.Column("confidence", sa.Float),
    sa.Column("alternatives", sa.Text, nullable=False, server_default="[]"),  # JSON: the next two
    sa.Column("reply", sa.Text),  # what the assistant answered
    sa.Column("handled_as_crisis", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("flagged_by", sa.String(40)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("conversation_id", "event_timestamp", name="one_review_item_per_message"),
)

# What staff said a message meant: one label per key, changed in place (the audit log keeps
# every change). ``intent`` is the confirmed or corrected intent; a new topic carries a note.
review_labels = sa.Table(
    "review_labels",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("intent", sa.String(80)),
    sa.Column("note", sa.Text),
    sa.Column("labeled_by", sa.String(40), nullable=False),
    sa.Column("labeled_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.CheckConstraint("decision IN ('confirm', 'correct', 'new_topic', 'exclude')", name="review_decision"),
    sa.CheckConstraint("decision NOT IN ('confirm', 'correct') OR intent IS NOT NULL", name="review_label_has_intent"),
)

# A message staff labelled a crisis that the net did not treat as one: counted on the dashboard,
# shown to the clinical team, and escalated when its conversation was recent and nobody was alerted.
missed_crises = sa.Table(
    "missed_crises",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("review_items.id", ondelete="CASCADE"), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("labeled_by", sa.String(40), nullable=False),
    sa.Column("labeled_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("escalation_id", sa.String(32), sa.ForeignKey("escalations.id", ondelete="SET NULL")),
)

escalation_messages = sa.Table(
    "escalation_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("escalation_id", sa.String(32), sa.ForeignKey("escalations.id"), nullable=False, index=True),
    sa.Column("crisis_type", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

# Staff notifications waiting to be delivered (the outbox pattern): a row is written with the
# escalation and removed from the queue only when the receiver answered 2xx. Its id is the
# idempotency key; the body is fixed at the first attempt so every retry sends the same bytes.
notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("escalation_id", sa.String(32), sa.ForeignKey("escalations.id"), nullable=False, index=True),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("target", sa.String(10), nullable=False, server_default="primary"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("body", sa.Text),
    sa.Column("delivered_at", sa.DateTime(timezone=True), index=True),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.CheckConstraint("target IN ('primary', 'backup')", name="notification_target"),
)


# Enrolled clients (bot/clients/): the center adds them with `python -m bot clients add`. A chat is
# linked to a client only through a token the center signed (bot/clients/tokens.py).
clients = sa.Table(
    "clients",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("first_name", sa.String(80), nullable=False),
    sa.Column("track", sa.String(64), nullable=False),
    sa.Column("counselor", sa.String(120), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Which conversations a verified client took part in: written by the tracker store when a message
# with a verified identity is saved (bot/rasa/tracker_store.py).
client_conversations = sa.Table(
    "client_conversations",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("client_id", sa.String(64), primary_key=True, index=True),
    sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
)

# Craving (or distress) ratings from 0 to 10 taken before and after a coping skill
# (bot/coping/). One exercise has one "before" and at most one "after" row.
craving_checkins = sa.Table(
    "craving_checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("client_id", sa.String(64), index=True),
    sa.Column("exercise_id", sa.String(32), nullable=False, index=True),
    sa.Column("phase", sa.String(8), nullable=False),
    sa.Column("rating", sa.Integer, nullable=False),
    sa.Column("need", sa.String(32), nullable=False),
    sa.Column("skill", sa.String(64)),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phase IN ('before', 'after')", name="checkin_phase"),
    sa.CheckConstraint("rating BETWEEN 0 AND 10", name="checkin_rating"),
    sa.UniqueConstraint("exercise_id", "phase", name="one_rating_per_phase"),
)


# Staff console (bot/staff/): staff accounts with argon2id password hashes and a lock-out counter,
# their log-in sessions (the id is the SHA-256 of the cookie's token: the raw token is never
# stored) and the audit log of who viewed, exported or changed what. Accounts are disabled, never
# deleted, so the audit log's user_id always resolves; it keeps the username as it was.
staff_users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(40), nullable=False, unique=True),
    sa.Column("display_name", sa.String(120), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_login_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("role IN ('admissions', 'clinician', 'admin')", name="staff_role"),
    sa.CheckConstraint("username = lower(username)", name="staff_username_lower_case"),
)

staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # sha256(token).hexdigest()
    sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id")),  # NULL: the CLI or an unknown user
    sa.Column("username", sa.String(40)),
    sa.Column("action", sa.String(40), nullable=False, index=True),  # e.g. transcript.view, lead.status
    sa.Column("target_type", sa.String(40)),
    sa.Column("target_id", sa.String(255)),
    sa.Column("detail", sa.Text),  # short; never message content, phone numbers or e-mail addresses
)


# Live handoff to a person (bot/handoff/): one row per request or take-over. "waiting" until a
# staff member takes it ("active", the bot paused) or nobody does in time ("expired"); it ends
# "returned" (the bot answers again) or "closed". At most one waiting or active per conversation.
handoffs = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("reason", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("taken_at", sa.DateTime(timezone=True)),
    sa.Column("taken_by", sa.String(40)),  # username
    sa.Column("staff_name", sa.String(120)),  # the display name the client sees
    sa.Column("ended_at", sa.DateTime(timezone=True)),
    sa.Column("ended_by", sa.String(40)),  # username, or "system" for a timeout
    sa.CheckConstraint("reason IN ('requested', 'crisis', 'staff')", name="handoff_reason"),
    sa.CheckConstraint("status IN ('waiting', 'active', 'returned', 'closed', 'expired')", name="handoff_status"),
    sa.Index(
        "one_open_handoff_per_conversation",
        "conversation_id",
        unique=True,
        sqlite_where=sa.text("status IN ('waiting', 'active')"),
        postgresql_where=sa.text("status IN ('waiting', 'active')"),
    ),
)

# Who answers live chats: a staff member marks themselves available on the live page, which
# reports every few seconds that it is still open (seen_at); a closed tab soon stops counting.
staff_presence = sa.Table(
    "staff_presence",
    metadata,
    sa.Column("username", sa.String(40), primary_key=True),
    sa.Column("available", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)

# Recovery meetings imported from the feeds in data/meetings/sources.yml (bot/meetings/store.py).
# A source's meetings are replaced in one transaction when it refreshes cleanly; a failed refresh
# leaves them as they were and records the error on the source.
meeting_sources = sa.Table(
    "meeting_sources",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("format", sa.String(20), nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("meetings", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_skipped", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("last_success_at", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
)

meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("source", sa.String(64), sa.ForeignKey("meeting_sources.name"), nullable=False, index=True),
    sa.Column("data", sa.Text, nullable=False),  # the normalised Meeting as JSON
)


def sqlite_pragmas(dbapi_connection, _record) -> None:
    """Every SQLite connection of every process, Rasa's tracker store included, is set up alike.

    WAL lets readers go on while one writer writes; synchronous=NORMAL is safe against corruption
    in WAL mode and saves an fsync per message; a writer waits DB_BUSY_TIMEOUT_SECONDS for the
    lock before it fails (the tracker store then journals the turn: bot/storage/journal.py).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(get_settings().db_busy_timeout_seconds * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def postgresql_session(dbapi_connection, _record) -> None:
    """Every PostgreSQL connection, Rasa's tracker store's included: a writer waits
    DB_BUSY_TIMEOUT_SECONDS for a lock, as on SQLite, before it fails (the tracker store then
    journals the turn) rather than holding up the conversation for as long as the lock is held;
    times come back in UTC, as they are stored.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET lock_timeout = {int(get_settings().db_busy_timeout_seconds * 1000)}")
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()  # SETs outside any transaction of the caller's


def one_at_a_time(connection: Connection, what: str) -> None:
    """Until the transaction ends, no other transaction gets past this for the same ``what``.

    For a read, then a write that depends on it (an escalation opened unless one is open, a label
    updated or else inserted): SQLite lets one writer at a time do that anyway, while PostgreSQL
    would let two transactions both read "none" and both insert, and one fail on the unique index.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:what, 0))"), {"what": what})


def private_file(path: Path) -> None:
    """Creates the database file readable by its owner only (it holds what people wrote); SQLite
    creates its -wal and -shm files with the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def make_engine(database: Union[Path, str]) -> Engine:
    """An engine on a SQLite file (a path, or a sqlite:/// URL) or a PostgreSQL URL.

    hide_parameters everywhere: an error logged with its SQL must not carry message text or
    contact details.
    """
    url = sa.engine.make_url(f"sqlite:///{database}" if isinstance(database, Path) else database)
    if url.get_backend_name() != "sqlite":
        # pool_pre_ping: a server restarted under a long-running process costs one retry, not an error.
        engine = sa.create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True)
        if url.get_backend_name() == "postgresql":
            sa.event.listen(engine, "connect", postgresql_session)
        return engine
    if url.database and url.database != ":memory:":
        private_file(Path(url.database))
    engine = sa.create_engine(url, future=True, hide_parameters=True)
    sa.event.listen(engine, "connect", sqlite_pragmas)
    return engine


def counts_by(engine: Engine, column: sa.Column, values: Sequence[str]) -> Dict[str, int]:
    """How many rows have each of ``values`` in ``column`` (a status), and ``all``."""
    with engine.connect() as connection:
        rows = connection.execute(sa.select(column, sa.func.count()).group_by(column)).all()
    counts = {value: 0 for value in values}
    counts.update({value: int(n) for value, n in rows})
    counts["all"] = sum(counts[value] for value in values)
    return counts


def database_ok(engine: Engine) -> bool:
    """The health check: the database answers a query."""
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT 1")).scalar() == 1
