"""Rasa's ``events`` table (rasa.core.tracker_store.SQLTrackerStore) as a read-side Core table.

Rasa creates and owns it; it is declared here in a metadata of its own, so our migrations
(bot/storage/migrations/) never create or change it. Before Rasa first ran the table does not exist: :func:`events_exist` lets
queries answer "nothing yet" instead of failing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Tuple, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

rasa_metadata = sa.MetaData()

events = sa.Table(
    "events",
    rasa_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),  # seconds since the epoch (UTC)
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),  # the event as JSON (Event.as_dict())
)

USER = "user"
BOT = "bot"
ACTION = "action"
SLOT = "slot"
SESSION_STARTED = "session_started"
MESSAGES = (USER, BOT)


def events_exist(bind: Union[Engine, Connection]) -> bool:
    return sa.inspect(bind).has_table("events")


def json_text(path: str) -> Any:
    """A string inside ``events.data`` (e.g. ``"$.text"``), read by SQLite's JSON1 ``json_extract``.

    Reading the value rather than LIKE over the raw JSON matches what people wrote: non-ASCII
    letters are escaped in the stored JSON and keys would match too.
    """
    return sa.func.json_extract(events.c.data, path)


def like_pattern(text: str) -> str:
    r"""``%text%`` with LIKE's wildcards in ``text`` escaped (use with ``escape="\\"``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


LIKE_ESCAPE = "\\"


def from_epoch(value: Optional[float]) -> Optional[dt.datetime]:
    return None if value is None else dt.datetime.fromtimestamp(float(value), dt.timezone.utc)


def day_bounds(first: dt.date, last: dt.date, zone: dt.tzinfo) -> Tuple[float, float]:
    """Epoch seconds from the start of ``first`` to the start of the day after ``last``, in ``zone``."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start.timestamp(), end.timestamp()
