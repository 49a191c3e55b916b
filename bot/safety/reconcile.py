"""The backstop: every crisis turn in the conversation record has an escalation, or gets one now.

The tracker store records a crisis turn's escalation in the same transaction as its events (or
copies both from its journal), so a gap should never appear. This check does not trust that: the
web app runs it every RECONCILE_SECONDS over the last two days of Rasa's ``events`` table, and a
crisis turn without a matching escalation message (same conversation, same time) is escalated now,
with a warning in the log and the usual notification to staff. A turn younger than a minute is left
for the next round, so the check never races the Rasa process writing it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Dict, List, Optional, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.safety.escalations import CRISIS_ANSWER, CrisisMessage, as_utc, crisis_messages, record, utcnow
from bot.safety.names import CRISIS_INTENT, CRISIS_TYPE_ENTITY
from bot.storage.db import escalation_messages, escalations
from bot.storage.rasa_events import ACTION, events, events_exist

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(days=2)
SETTLE = dt.timedelta(seconds=60)
_TURN_CONTEXT_SECONDS = 3600.0  # how far before a crisis answer its message may lie
_SAME_TIME = dt.timedelta(milliseconds=1)


def _latest_crisis_type(rows: List[Dict]) -> Optional[str]:
    for event in reversed(rows):
        if event.get("event") == "slot" and event.get("name") == CRISIS_TYPE_ENTITY and event.get("value"):
            return str(event["value"])
    return None


def unescalated(engine: Engine, now: Optional[dt.datetime] = None) -> List[CrisisMessage]:
    """Crisis turns between WINDOW and SETTLE ago that no escalation message matches."""
    now = now or utcnow()
    start, end = (now - WINDOW).timestamp(), (now - SETTLE).timestamp()
    missing: List[CrisisMessage] = []
    with engine.connect() as connection:
        if not events_exist(connection):
            return []
        signs = sa.or_(
            events.c.intent_name == CRISIS_INTENT, sa.and_(events.c.type_name == ACTION, events.c.action_name == CRISIS_ANSWER)
        )
        senders = connection.execute(
            sa.select(events.c.sender_id).where(events.c.timestamp >= start, events.c.timestamp <= end, signs).distinct()
        ).scalars()
        for sender_id in list(senders):
            rows = [
                json.loads(data)
                for data in connection.execute(
                    sa.select(events.c.data)
                    .where(events.c.sender_id == sender_id, events.c.timestamp >= start - _TURN_CONTEXT_SECONDS)
                    .order_by(events.c.id)
                ).scalars()
            ]
            recorded = [
                cast(dt.datetime, as_utc(at))  # the column is NOT NULL
                for at in connection.execute(
                    sa.select(escalation_messages.c.at)
                    .select_from(escalation_messages.join(escalations, escalation_messages.c.escalation_id == escalations.c.id))
                    .where(escalations.c.conversation_id == sender_id)
                ).scalars()
            ]
            for message in crisis_messages(sender_id, rows, current_type=_latest_crisis_type(rows)):
                if not start <= message.at.timestamp() <= end:
                    continue
                if not any(abs(message.at - at) <= _SAME_TIME for at in recorded):
                    missing.append(message)
    return missing


def reconcile(engine: Engine, now: Optional[dt.datetime] = None) -> List[str]:
    """Escalates every crisis turn found without one; returns the escalation ids."""
    missing = unescalated(engine, now)
    if not missing:
        return []
    with engine.begin() as connection:
        ids = [record(connection, message) for message in missing]
    for message, escalation_id in zip(missing, ids):
        log.warning(
            "reconciliation: a %s crisis turn in conversation %s at %s had no escalation; escalation %s raised now",
            message.crisis_type,
            message.conversation_id,
            message.at.isoformat(),
            escalation_id,
        )
    return ids


async def reconcile_forever(engine: Engine, every_seconds: float) -> None:
    """The web app's loop; a failed round (the database busy) is logged and tried again."""
    while True:
        try:
            await asyncio.to_thread(reconcile, engine)
        except asyncio.CancelledError:
            raise
        except Exception:  # the backstop must keep running
            log.exception("reconciliation of crisis turns against escalations failed; trying again")
        await asyncio.sleep(every_seconds)
