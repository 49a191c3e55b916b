"""Group reminders set before the Rasa process (re)started, scheduled again.

Rasa keeps scheduled reminders in memory only, so a restart forgets them. Their events are in the
tracker store, so when the Rasa server starts the socket.io channel schedules again each group
reminder that is still due (the latest of its name, not cancelled, no restart of the
conversation after it). One whose time passed while the service was down fires at once; the
action then stays quiet if its group has begun and schedules the next (bot/clients/reminders.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from typing import Any, Dict, List, Tuple

import sqlalchemy as sa
from rasa.shared.core.events import Event, ReminderCancelled, ReminderScheduled, Restarted
from sqlalchemy.engine import Engine

from bot.clients.reminders import NAME_PREFIX
from bot.rasa.patches import reminder_still_due
from bot.storage.rasa_events import events, events_exist

log = logging.getLogger(__name__)
# The event types that decide whether a reminder is due.
_TYPES = (ReminderScheduled.type_name, ReminderCancelled.type_name, Restarted.type_name)


def pending_reminders(engine: Engine) -> List[Tuple[str, ReminderScheduled]]:
    """(conversation id, reminder) for every group reminder still due, oldest conversation first."""
    query = sa.select(events.c.sender_id, events.c.data).where(events.c.type_name.in_(_TYPES)).order_by(events.c.id)
    with engine.connect() as connection:
        if not events_exist(connection):
            return []
        rows = connection.execute(query).all()
    history: Dict[str, List[Event]] = defaultdict(list)
    for sender_id, data in rows:
        event = Event.from_parameters(json.loads(data))
        if event is not None:
            history[sender_id].append(event)
    pending: List[Tuple[str, ReminderScheduled]] = []
    for sender_id, conversation in history.items():
        latest: Dict[str, ReminderScheduled] = {}
        for event in conversation:
            if isinstance(event, ReminderScheduled) and (event.name or "").startswith(NAME_PREFIX):
                latest[event.name] = event
        pending.extend(
            (sender_id, reminder) for reminder in latest.values() if reminder_still_due(conversation, reminder, sender_id)
        )
    return pending


async def rearm(processor: Any, output_channel: Any, engine: Engine, now: dt.datetime) -> int:
    """Schedules the pending reminders as Rasa itself would (same job id and name); returns how many."""
    from rasa.core import jobs

    scheduler = await jobs.scheduler()
    pending = pending_reminders(engine)
    for sender_id, reminder in pending:
        scheduler.add_job(
            processor.handle_reminder,
            "date",
            run_date=max(reminder.trigger_date_time, now + dt.timedelta(seconds=2)),
            args=[reminder, sender_id, output_channel],
            id=reminder.name,
            replace_existing=True,
            name=reminder.scheduled_job_name(sender_id),
        )
    if pending:
        log.info("scheduled %d group reminder(s) again after the start", len(pending))
    return len(pending)
