"""Parser of Meeting Guide JSON feeds: the code4recovery spec that AA intergroups and 12 Step
Meeting List sites publish (https://github.com/code4recovery/spec).

A feed is a list of meeting rows. A row becomes one Meeting per day it meets; a row that cannot be
used becomes a RowProblem and the rest go on. The row-reading helpers (RowError,
``collect``, ``clock``, ``text`` ...) are in bot.meetings.feeds.rows, shared with the BMLT parser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, List, Optional, Tuple

from bot.meetings.feeds.rows import (
    Row,
    RowError,
    attendance,
    build,
    clock,
    collect,
    coordinates,
    dial_in,
    joined,
    meeting_types,
    text,
    web_link,
    zone,
)
from bot.meetings.models import Meeting
from bot.meetings.sources import ParseResult, Source, rows_of
from bot.meetings.types import MEETING_GUIDE_CODES, code_type

UTC = dt.timezone.utc


def parse(payload: Any, source: Source) -> ParseResult:
    """Every usable meeting of a Meeting Guide feed, and a problem for each row that is not."""
    return collect(source, rows_of(payload, source), lambda row: _meetings(row, source), _ident)


def _ident(row: Row) -> Optional[str]:
    # The spec's key is slug ("integer IDs are fine too"); sheet-made feeds may call it id.
    for field in ("slug", "id"):
        value = row.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def _meetings(row: Row, source: Source) -> List[Meeting]:
    name = text(row, "name")
    if not name:
        raise RowError("name is missing")
    slug = _ident(row)
    if slug is None:
        found = row.get("slug", row.get("id"))
        if found is None or isinstance(found, str):
            raise RowError("slug is missing")
        raise RowError(f"slug {found!r} is not text or a whole number")
    days, split = _days(row.get("day"))
    if row.get("time") in (None, ""):
        raise RowError("time is missing")
    start = clock(row["time"], "time")
    end = None if row.get("end_time") in (None, "") else clock(row["end_time"], "end_time")
    timezone = zone(text(row, "timezone"), source)
    codes = _codes(row.get("types"))
    flags = {code.upper() for code in codes}

    address, formatted = text(row, "address"), text(row, "formatted_address")
    specific = _specific(row.get("approximate"), address, formatted)
    url = web_link(row.get("conference_url"))
    phone = dial_in(text(row, "conference_phone"))
    room = specific and "TC" not in flags
    where = "only an approximate address" if address or formatted else "no address"
    nowhere = f"{where} and no conference_url or conference_phone to join by"
    if row.get("conference_url") not in (None, "") and url is None:
        nowhere += f" (conference_url {row['conference_url']!r} is not an http(s) link)"
    how = attendance(room=room, online=bool(url or phone), closed="TC" in flags, nowhere=nowhere)
    latitude, longitude = coordinates(row, "latitude", "longitude")

    fields: Row = dict(
        source=source.name,
        name=name,
        fellowship=source.default_fellowship,
        start=start,
        end=end,
        timezone=timezone,
        attendance=how,
        types=meeting_types((code_type(MEETING_GUIDE_CODES, code) for code in codes), how),
        city=text(row, "city"),
        state=text(row, "state"),
        postal_code=text(row, "postal_code"),
        conference_url=url,
        conference_phone=phone,
        notes=joined(
            text(row, "notes"),
            text(row, "location_notes") if how.has_room else None,
            text(row, "conference_url_notes") if url else None,
            text(row, "conference_phone_notes") if phone else None,
        ),
        updated=_updated(text(row, "updated")),
    )
    if how.has_room:
        fields.update(
            location=text(row, "location"),
            address=address or formatted,
            latitude=latitude,
            longitude=longitude,
        )
    # Not slug-<day>: the spec itself suggests "-7"-style numbers to tell apart slugs of one name.
    return [build(fields, key=f"{slug}@{day}" if split else slug, day=(day + 6) % 7) for day in days]


def _days(value: Any) -> Tuple[List[int], bool]:
    """The spec's days (0 = Sunday), and whether the row lists several (one Meeting each)."""
    if value in (None, "", []):
        raise RowError("no day: by appointment meetings are not listed")
    if isinstance(value, list):
        return list(dict.fromkeys(_day(item) for item in value)), True
    return [_day(value)], False


def _day(value: Any) -> int:
    day = int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6:
        return day
    raise RowError(f"day {value!r} is not 0 (Sunday) to 6 (Saturday)")


def _codes(value: Any) -> List[str]:
    if value is None:
        return []
    # Some feeds send numeric codes such as 11 (11th Step Meditation) as numbers.
    if isinstance(value, list) and all(isinstance(code, (str, int)) and not isinstance(code, bool) for code in value):
        return [str(code).strip() for code in value if str(code).strip()]
    raise RowError(f"types {value!r} is not a list of type codes")


def _specific(approximate: Any, address: Optional[str], formatted: Optional[str]) -> bool:
    """Whether the row gives a street address one can walk into, not just a city (an online origin)."""
    if not (address or formatted):
        return False
    if isinstance(approximate, bool):
        return not approximate
    if isinstance(approximate, str) and approximate.strip().lower() in ("yes", "no"):
        return approximate.strip().lower() == "no"
    # As TSML UI judges: a full formatted address has street, city, state and country parts.
    return bool(address) or (formatted or "").count(",") >= 3


def _updated(value: Optional[str]) -> Optional[dt.datetime]:
    if value is None:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"updated {value!r} is not a time like 2014-05-31 14:32:23") from None
    # The spec's timestamps are UTC.
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
