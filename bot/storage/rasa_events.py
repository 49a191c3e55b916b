"""Rasa's ``events`` table (rasa.core.tracker_store.SQLTrackerStore) as a read-side Core table.

Rasa creates and owns it; it is declared here in a metadata of its own, so our migrations
(bot/storage/migrations/) never create or change it. Before Rasa first ran the table does not exist: :func:`events_exist` lets
queries answer "nothing yet" instead of failing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional, Tuple, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from bot.said import IS_EXTERNAL, REPLAYED

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


class json_text(FunctionElement):
    """A string inside ``events.data`` (e.g. ``json_text("$.text")``), or NULL where it has none.

    Reading the value rather than LIKE over the raw JSON matches what people wrote: non-ASCII
    letters are escaped in the stored JSON and keys would match too. Rasa stores the JSON as text
    on every back end, so each reads it with its own function (below).
    """

    type = sa.Text()
    inherit_cache = True

    def __init__(self, path: str):
        if not JSON_PATH.fullmatch(path):
            raise ValueError(f"{path!r} is not a JSON path of names like '$.metadata.replayed'")
        super().__init__(events.c.data, sa.literal_column(f"'{path}'"))
        self.path = path


JSON_PATH = re.compile(r"\$(\.[a-z_]+)+")  # names only: the path is written into the SQL


@compiles(json_text)
def _json_text_sqlite(element: json_text, compiler: Any, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.clauses, **kw)})"


@compiles(json_text, "postgresql")
def _json_text_postgresql(element: json_text, compiler: Any, **kw: Any) -> str:
    # #>> gives the value as text (a boolean as 'true'); SQLite's json_extract gives 1.
    keys = ",".join(element.path.split(".")[1:])
    return f"(CAST({compiler.process(events.c.data, **kw)} AS json) #>> '{{{keys}}}')"


def person_wrote() -> Any:
    """The user events the person wrote (bot/said.py): not a reminder firing, nor the copy of a
    question replayed to answer it, so a message is counted once and only the person's."""
    return (
        (events.c.type_name == USER)
        & json_text(f"$.metadata.{REPLAYED}").is_(None)
        & json_text(f"$.metadata.{IS_EXTERNAL}").is_(None)
    )


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
