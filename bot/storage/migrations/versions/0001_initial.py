"""The service's tables as they were when migrations began (2026-12-04).

A database made before then by ``metadata.create_all`` has some or all of these tables: each is
created only where it is missing, so such a database joins the migrations without losing a row.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "client_conversations" not in existing:
        op.create_table(
            "client_conversations",
            sa.Column("conversation_id", sa.String(length=255), nullable=False),
            sa.Column("client_id", sa.String(length=64), nullable=False),
            sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("conversation_id", "client_id"),
        )
        op.create_index(op.f("ix_client_conversations_client_id"), "client_conversations", ["client_id"], unique=False)
    if "clients" not in existing:
        op.create_table(
            "clients",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("first_name", sa.String(length=80), nullable=False),
            sa.Column("track", sa.String(length=64), nullable=False),
            sa.Column("counselor", sa.String(length=120), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "craving_checkins" not in existing:
        op.create_table(
            "craving_checkins",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("conversation_id", sa.String(length=255), nullable=False),
            sa.Column("client_id", sa.String(length=64), nullable=True),
            sa.Column("exercise_id", sa.String(length=32), nullable=False),
            sa.Column("phase", sa.String(length=8), nullable=False),
            sa.Column("rating", sa.Integer(), nullable=False),
            sa.Column("need", sa.String(length=32), nullable=False),
            sa.Column("skill", sa.String(length=64), nullable=True),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.CheckConstraint("phase IN ('before', 'after')", name="checkin_phase"),
            sa.CheckConstraint("rating BETWEEN 0 AND 10", name="checkin_rating"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("exercise_id", "phase", name="one_rating_per_phase"),
        )
        op.create_index(op.f("ix_craving_checkins_client_id"), "craving_checkins", ["client_id"], unique=False)
        op.create_index(op.f("ix_craving_checkins_conversation_id"), "craving_checkins", ["conversation_id"], unique=False)
        op.create_index(op.f("ix_craving_checkins_exercise_id"), "craving_checkins", ["exercise_id"], unique=False)
    if "escalations" not in existing:
        op.create_table(
            "escalations",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("conversation_id", sa.String(length=255), nullable=False),
            sa.Column("crisis_type", sa.String(length=20), nullable=False),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
            sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
            sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("resolved_by", sa.String(length=120), nullable=True),
            sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("note", sa.Text(), nullable=True),
            sa.Column("reminders_sent", sa.Integer(), server_default="0", nullable=False),
            sa.Column("last_reminder_at", sa.DateTime(timezone=True), nullable=True),
            sa.CheckConstraint("status IN ('open', 'acknowledged', 'resolved')", name="escalation_status"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_escalations_conversation_id"), "escalations", ["conversation_id"], unique=False)
        op.create_index(
            "one_unresolved_escalation_per_conversation",
            "escalations",
            ["conversation_id"],
            unique=True,
            sqlite_where=sa.text("status != 'resolved'"),
            postgresql_where=sa.text("status != 'resolved'"),
        )
    if "handoffs" not in existing:
        op.create_table(
            "handoffs",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("conversation_id", sa.String(length=255), nullable=False),
            sa.Column("reason", sa.String(length=16), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("taken_by", sa.String(length=40), nullable=True),
            sa.Column("staff_name", sa.String(length=120), nullable=True),
            sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("ended_by", sa.String(length=40), nullable=True),
            sa.CheckConstraint("reason IN ('requested', 'crisis', 'staff')", name="handoff_reason"),
            sa.CheckConstraint("status IN ('waiting', 'active', 'returned', 'closed', 'expired')", name="handoff_status"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_handoffs_conversation_id"), "handoffs", ["conversation_id"], unique=False)
        op.create_index(
            "one_open_handoff_per_conversation",
            "handoffs",
            ["conversation_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'active')"),
            postgresql_where=sa.text("status IN ('waiting', 'active')"),
        )
    if "leads" not in existing:
        op.create_table(
            "leads",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("conversation_id", sa.String(length=255), nullable=False),
            sa.Column("first_name", sa.String(length=80), nullable=False),
            sa.Column("phone", sa.String(length=32), nullable=True),
            sa.Column("email", sa.String(length=254), nullable=True),
            sa.Column("best_time", sa.String(length=120), nullable=False),
            sa.Column("for_whom", sa.String(length=120), nullable=False),
            sa.Column("insurance", sa.String(length=120), nullable=True),
            sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("status", sa.String(length=20), server_default="new", nullable=False),
            sa.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="lead_has_contact"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_leads_conversation_id"), "leads", ["conversation_id"], unique=False)
    if "meeting_sources" not in existing:
        op.create_table(
            "meeting_sources",
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("format", sa.String(length=20), nullable=False),
            sa.Column("location", sa.Text(), nullable=False),
            sa.Column("meetings", sa.Integer(), server_default="0", nullable=False),
            sa.Column("rows_skipped", sa.Integer(), server_default="0", nullable=False),
            sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_error", sa.Text(), nullable=True),
            sa.Column("version", sa.Integer(), server_default="0", nullable=False),
            sa.PrimaryKeyConstraint("name"),
        )
    if "staff_presence" not in existing:
        op.create_table(
            "staff_presence",
            sa.Column("username", sa.String(length=40), nullable=False),
            sa.Column("available", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("username"),
        )
    if "staff_users" not in existing:
        op.create_table(
            "staff_users",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("username", sa.String(length=40), nullable=False),
            sa.Column("display_name", sa.String(length=120), nullable=False),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.Column("password_hash", sa.String(length=255), nullable=False),
            sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
            sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
            sa.CheckConstraint("role IN ('admissions', 'clinician', 'admin')", name="staff_role"),
            sa.CheckConstraint("username = lower(username)", name="staff_username_lower_case"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("username"),
        )
    if "audit_log" not in existing:
        op.create_table(
            "audit_log",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=True),
            sa.Column("username", sa.String(length=40), nullable=True),
            sa.Column("action", sa.String(length=40), nullable=False),
            sa.Column("target_type", sa.String(length=40), nullable=True),
            sa.Column("target_id", sa.String(length=255), nullable=True),
            sa.Column("detail", sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(
                ["user_id"],
                ["staff_users.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"], unique=False)
        op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    if "escalation_messages" not in existing:
        op.create_table(
            "escalation_messages",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("escalation_id", sa.String(length=32), nullable=False),
            sa.Column("crisis_type", sa.String(length=20), nullable=False),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["escalation_id"],
                ["escalations.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_escalation_messages_escalation_id"), "escalation_messages", ["escalation_id"], unique=False)
    if "lead_notes" not in existing:
        op.create_table(
            "lead_notes",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("lead_id", sa.Integer(), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("author", sa.String(length=120), nullable=False),
            sa.Column("note", sa.Text(), nullable=True),
            sa.Column("status_from", sa.String(length=20), nullable=True),
            sa.Column("status_to", sa.String(length=20), nullable=True),
            sa.CheckConstraint("note IS NOT NULL OR status_to IS NOT NULL", name="lead_note_has_content"),
            sa.ForeignKeyConstraint(
                ["lead_id"],
                ["leads.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_lead_notes_lead_id"), "lead_notes", ["lead_id"], unique=False)
    if "meetings" not in existing:
        op.create_table(
            "meetings",
            sa.Column("id", sa.String(length=200), nullable=False),
            sa.Column("source", sa.String(length=64), nullable=False),
            sa.Column("data", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["source"],
                ["meeting_sources.name"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_meetings_source"), "meetings", ["source"], unique=False)
    if "notifications" not in existing:
        op.create_table(
            "notifications",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("escalation_id", sa.String(length=32), nullable=False),
            sa.Column("event", sa.String(length=40), nullable=False),
            sa.Column("target", sa.String(length=10), server_default="primary", nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
            sa.Column("body", sa.Text(), nullable=True),
            sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_status", sa.Integer(), nullable=True),
            sa.Column("last_error", sa.Text(), nullable=True),
            sa.CheckConstraint("target IN ('primary', 'backup')", name="notification_target"),
            sa.ForeignKeyConstraint(
                ["escalation_id"],
                ["escalations.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_notifications_delivered_at"), "notifications", ["delivered_at"], unique=False)
        op.create_index(op.f("ix_notifications_escalation_id"), "notifications", ["escalation_id"], unique=False)
        op.create_index(op.f("ix_notifications_next_attempt_at"), "notifications", ["next_attempt_at"], unique=False)
    if "safety_reviews" not in existing:
        op.create_table(
            "safety_reviews",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("conversation_id", sa.String(length=255), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("crisis_type", sa.String(length=20), nullable=True),
            sa.Column("escalation_id", sa.String(length=32), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("reviewed_by", sa.String(length=120), nullable=True),
            sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
            sa.CheckConstraint("kind IN ('screening_no', 'false_alarm')", name="safety_review_kind"),
            sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_safety_reviews_conversation_id"), "safety_reviews", ["conversation_id"], unique=False)
        op.create_index(op.f("ix_safety_reviews_escalation_id"), "safety_reviews", ["escalation_id"], unique=False)
    if "staff_sessions" not in existing:
        op.create_table(
            "staff_sessions",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("csrf_token", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["user_id"],
                ["staff_users.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_staff_sessions_user_id"), "staff_sessions", ["user_id"], unique=False)


def downgrade() -> None:
    raise NotImplementedError("the first schema has no downgrade: restore a backup instead")
