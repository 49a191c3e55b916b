"""The numbers on the console's landing page.

Over the last ``days`` days up to and including today in the center's zone (the *period*):

- ``conversations_per_day``: conversations by the day (center's zone) of their first user
  message ever, zero-filled; a conversation started before the period is not counted again.
- ``fallback_rate``: fallback messages / user messages, over the user messages of the period.
  A user message is a *fallback* when NLU gave it the intent ``nlu_fallback`` or the first action
  Rasa ran after it (before the next user message) was ``action_default_fallback`` (the policy
  fallback), ``action_fallback`` or ``utter_fallback`` (our rules' answers). None when there were no user messages.
- ``top_intents``: the 10 most frequent intents of the period's user messages (``nlu_fallback``
  included), most frequent first, ties by name. With ``crisis_intents=False`` the crisis net's
  intents (``crisis``, ``risk_possible``, the crisis-mode replies ``crisis_*``) are left out: they
  count crises, which a role without the escalations permission must not see.
- ``open_escalations``: escalations with status "open" (nobody acknowledged them yet), whenever
  made; ``unresolved_escalations`` adds the acknowledged ones.
- ``new_leads``: leads still in status "new", whenever made; ``leads_in_period`` were made in the
  period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.safety.names import CRISIS_INTENT, RISK_POSSIBLE_INTENT
from bot.storage.db import escalations, leads
from bot.storage.rasa_events import ACTION, USER, day_bounds, events, events_exist, person_wrote

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = ("action_default_fallback", "action_fallback", "utter_fallback")
TOP_INTENTS = 10
MAX_DAYS = 366


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    conversations: int


@dataclass(frozen=True)
class IntentCount:
    name: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    first_day: dt.date
    last_day: dt.date  # today in the center's zone
    conversations_per_day: List[DayCount]  # one per day from first_day to last_day
    conversations: int  # started in the period (the sum of the above)
    user_messages: int
    fallback_messages: int
    fallback_rate: Optional[float]  # fallback_messages / user_messages; None without messages
    top_intents: List[IntentCount]
    open_escalations: int
    unresolved_escalations: int
    new_leads: int
    leads_in_period: int


def _crisis_intent(intent: sa.Column) -> sa.sql.ColumnElement:
    return intent.in_((CRISIS_INTENT, RISK_POSSIBLE_INTENT)) | intent.startswith(CRISIS_INTENT + "_", autoescape=True)


def dashboard(
    engine: Engine, zone: dt.tzinfo, days: int = 30, now: Optional[dt.datetime] = None, *, crisis_intents: bool = True
) -> Dashboard:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be a whole number from 1 to {MAX_DAYS}, not {days!r}")
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    last_day = now.astimezone(zone).date()
    first_day = last_day - dt.timedelta(days=days - 1)
    start, end = day_bounds(first_day, last_day, zone)
    per_day = {first_day + dt.timedelta(days=i): 0 for i in range(days)}
    user_messages = fallback_messages = 0
    top: List[IntentCount] = []
    with engine.connect() as connection:
        if events_exist(connection):
            is_user = person_wrote()
            # The first user message of every conversation that started in the period.
            firsts = (
                sa.select(sa.func.min(events.c.timestamp).label("first"))
                .where(is_user)
                .group_by(events.c.sender_id)
                .having(sa.func.min(events.c.timestamp) >= start)
                .having(sa.func.min(events.c.timestamp) < end)
            )
            for (first,) in connection.execute(firsts):
                day = dt.datetime.fromtimestamp(first, dt.timezone.utc).astimezone(zone).date()
                if day in per_day:
                    per_day[day] += 1
            # Each user or action event of the period with the action right after it.
            following = sa.func.lead(events.c.action_name).over(
                partition_by=events.c.sender_id, order_by=(events.c.timestamp, events.c.id)
            )
            steps = (
                sa.select(events.c.type_name, events.c.intent_name, events.c.timestamp, following.label("next_action"))
                .where((events.c.type_name == ACTION) | person_wrote(), events.c.timestamp >= start)
                .subquery()
            )
            fallback = (steps.c.intent_name == FALLBACK_INTENT) | steps.c.next_action.in_(FALLBACK_ACTIONS)
            totals = connection.execute(
                sa.select(sa.func.count(), sa.func.sum(sa.case((fallback, 1), else_=0))).where(
                    steps.c.type_name == USER, steps.c.timestamp < end
                )
            ).one()
            user_messages, fallback_messages = int(totals[0] or 0), int(totals[1] or 0)
            count = sa.func.count().label("n")
            shown = sa.true() if crisis_intents else sa.not_(_crisis_intent(events.c.intent_name))
            top = [
                IntentCount(name=row.intent_name, count=int(row.n))
                for row in connection.execute(
                    sa.select(events.c.intent_name, count)
                    .where(
                        is_user, events.c.intent_name.isnot(None), shown, events.c.timestamp >= start, events.c.timestamp < end
                    )
                    .group_by(events.c.intent_name)
                    .order_by(count.desc(), events.c.intent_name)
                    .limit(TOP_INTENTS)
                )
            ]
        open_count, unresolved = connection.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(sa.case((escalations.c.status == "open", 1), else_=0)), 0),
                sa.func.coalesce(sa.func.sum(sa.case((escalations.c.status != "resolved", 1), else_=0)), 0),
            )
        ).one()
        period_start = dt.datetime.fromtimestamp(start, dt.timezone.utc)
        period_end = dt.datetime.fromtimestamp(end, dt.timezone.utc)
        new_leads, leads_in_period = connection.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(sa.case((leads.c.status == "new", 1), else_=0)), 0),
                sa.func.coalesce(
                    sa.func.sum(sa.case(((leads.c.created_at >= period_start) & (leads.c.created_at < period_end), 1), else_=0)),
                    0,
                ),
            )
        ).one()
    return Dashboard(
        first_day=first_day,
        last_day=last_day,
        conversations_per_day=[DayCount(day, n) for day, n in per_day.items()],
        conversations=sum(per_day.values()),
        user_messages=user_messages,
        fallback_messages=fallback_messages,
        fallback_rate=(fallback_messages / user_messages) if user_messages else None,
        top_intents=top,
        open_escalations=int(open_count),
        unresolved_escalations=int(unresolved),
        new_leads=int(new_leads),
        leads_in_period=int(leads_in_period),
    )
