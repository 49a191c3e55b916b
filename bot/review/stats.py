"""The review inbox's figures for the dashboard: per week, how much the assistant was unsure of,
how much staff labelled, how many crises it missed; the inbox's size; the commonest confusions.

Weeks start on Monday in the center's zone; the last one holds today. A message counts in the
week it was written, a label in the week it was made. "Unsure" excludes staff flags (those are
not the assistant's own doubt). Missed crises are for roles that see crises (``crisis=True``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.review.store import InboxFilter, visibility
from bot.storage.db import missed_crises, review_items, review_labels
from bot.storage.rasa_events import events, person_wrote

WEEKS = 8
TOP_CONFUSIONS = 8


@dataclass(frozen=True)
class WeekFigures:
    week: dt.date  # its Monday
    user_messages: int
    unsure: int
    unsure_share: Optional[float]  # unsure / user_messages; None without messages
    labelled: int
    missed_crises: Optional[int]  # None for roles that do not see crises


@dataclass(frozen=True)
class Confusion:
    predicted: str
    corrected: str
    count: int


@dataclass(frozen=True)
class ReviewFigures:
    weeks: List[WeekFigures]
    inbox: int  # rows not labelled yet, of those the role may see
    missed_crises: Optional[int]  # all time; None for roles that do not see crises
    confusions: List[Confusion]


def _bounds(monday: dt.date, zone: dt.tzinfo) -> tuple:
    start = dt.datetime.combine(monday, dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)
    return start, end


def _count(connection: sa.engine.Connection, query: sa.sql.Select) -> int:
    return int(connection.execute(query).scalar() or 0)


def review_figures(
    engine: Engine,
    zone: dt.tzinfo,
    *,
    crisis: bool,
    include_client_conversations: bool,
    now: Optional[dt.datetime] = None,
    weeks: int = WEEKS,
) -> ReviewFigures:
    today = (now or dt.datetime.now(dt.timezone.utc)).astimezone(zone).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday - dt.timedelta(weeks=n) for n in reversed(range(weeks))]
    shown = visibility(InboxFilter(include_client_conversations=include_client_conversations))
    unsure = review_items.c.reasons != ",flagged,"  # a reason of the assistant's own besides a flag
    rows = []
    with engine.connect() as connection:
        for monday in mondays:
            start, end = _bounds(monday, zone)
            messages = _count(
                connection,
                sa.select(sa.func.count())
                .select_from(events)
                .where(person_wrote(), events.c.timestamp >= start.timestamp(), events.c.timestamp < end.timestamp()),
            )
            in_week = [review_items.c.message_at >= start, review_items.c.message_at < end, *shown]
            unsure_count = _count(connection, sa.select(sa.func.count()).select_from(review_items).where(unsure, *in_week))
            labelled = _count(
                connection,
                sa.select(sa.func.count())
                .select_from(review_labels)
                .where(review_labels.c.labeled_at >= start, review_labels.c.labeled_at < end),
            )
            missed = (
                _count(
                    connection,
                    sa.select(sa.func.count())
                    .select_from(missed_crises)
                    .where(missed_crises.c.labeled_at >= start, missed_crises.c.labeled_at < end),
                )
                if crisis
                else None
            )
            rows.append(
                WeekFigures(monday, messages, unsure_count, unsure_count / messages if messages else None, labelled, missed)
            )
        labelled_keys = sa.select(review_labels.c.key)
        inbox = _count(
            connection,
            sa.select(sa.func.count(sa.distinct(review_items.c.key))).where(~review_items.c.key.in_(labelled_keys), *shown),
        )
        total_missed = _count(connection, sa.select(sa.func.count()).select_from(missed_crises)) if crisis else None
        newest = (
            sa.select(review_items.c.key, sa.func.max(review_items.c.id).label("item_id")).group_by(review_items.c.key).subquery()
        )
        confusion_rows = connection.execute(
            sa.select(review_items.c.intent, review_labels.c.intent, sa.func.count().label("n"))
            .select_from(review_labels)
            .join(newest, newest.c.key == review_labels.c.key)
            .join(review_items, review_items.c.id == newest.c.item_id)
            .where(
                review_labels.c.decision == "correct",
                review_items.c.intent.is_not(None),
                review_items.c.intent != review_labels.c.intent,
                *shown,
            )
            .group_by(review_items.c.intent, review_labels.c.intent)
            .order_by(sa.desc("n"), review_items.c.intent, review_labels.c.intent)
            .limit(TOP_CONFUSIONS * 2)
        ).all()
    confusions = [
        Confusion(str(predicted), str(corrected), int(n))
        for predicted, corrected, n in confusion_rows
        if crisis or "crisis" not in (predicted, corrected)
    ][:TOP_CONFUSIONS]
    return ReviewFigures(rows, inbox, total_missed, confusions)
