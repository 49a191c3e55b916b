"""The review inbox (issue 21): review_items, review_labels and missed_crises.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("event_timestamp", sa.Float(), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.String(length=160), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("alternatives", sa.Text(), server_default="[]", nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("handled_as_crisis", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("flagged_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "event_timestamp", name="one_review_item_per_message"),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_items_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_items_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_items_message_at"), ["message_at"], unique=False)

    op.create_table(
        "review_labels",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("labeled_by", sa.String(length=40), nullable=False),
        sa.Column("labeled_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('confirm', 'correct', 'new_topic', 'exclude')", name="review_decision"),
        sa.CheckConstraint("decision NOT IN ('confirm', 'correct') OR intent IS NOT NULL", name="review_label_has_intent"),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("review_labels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_labels_labeled_at"), ["labeled_at"], unique=False)

    op.create_table(
        "missed_crises",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("labeled_by", sa.String(length=40), nullable=False),
        sa.Column("labeled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalation_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["item_id"], ["review_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    with op.batch_alter_table("missed_crises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_missed_crises_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_missed_crises_labeled_at"), ["labeled_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("missed_crises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_missed_crises_labeled_at"))
        batch_op.drop_index(batch_op.f("ix_missed_crises_conversation_id"))

    op.drop_table("missed_crises")
    with op.batch_alter_table("review_labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_labels_labeled_at"))

    op.drop_table("review_labels")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_items_message_at"))
        batch_op.drop_index(batch_op.f("ix_review_items_key"))
        batch_op.drop_index(batch_op.f("ix_review_items_conversation_id"))

    op.drop_table("review_items")
