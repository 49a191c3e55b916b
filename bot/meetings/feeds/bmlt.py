"""Parser of BMLT root server search results: the JSON of
``client_interface/json/?switcher=GetSearchResults``, NA's meeting list.

Two shapes arrive: the plain list of meetings, and ``{"meetings": [...], "formats": [...]}`` when
the query asks for ``get_used_formats=1``. The second is better: format keys are each server's own
and in its own language, and the formats list gives each key its NA world id, which is standard.
Without it the keys are read as BMLT's default English ones.

BMLT sends every value as a string. Unpublished meetings (``published`` "0", only sent to a
logged-in admin) are left out silently: the server says not to list them, which is no fault.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Set, Tuple

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
from bot.meetings.sources import FeedError, ParseResult, Source, rows_of
from bot.meetings.types import BMLT_CODES, code_type

_DURATION = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")
# venue_type: whether a room and an online way in are possible.
_VENUES = {"1": (True, False), "2": (False, True), "3": (True, True)}


def parse(payload: Any, source: Source) -> ParseResult:
    """Every usable published meeting of a BMLT result, and a problem for each row that is not."""
    rows, world_ids = _unpack(payload, source)
    return collect(source, rows, lambda row: _meetings(row, source, world_ids), _ident)


def _unpack(payload: Any, source: Source) -> Tuple[List[Any], Dict[str, str]]:
    """The meeting rows, and each local format key's world id when the result lists its formats."""
    if not (isinstance(payload, dict) and "meetings" in payload):
        return rows_of(payload, source), {}
    formats = payload.get("formats") or []
    if not isinstance(formats, list):
        raise FeedError(f"{source.name}: expected 'formats' to be a list of formats, got {type(formats).__name__}")
    world_ids = {
        entry["key_string"].strip(): entry["world_id"].strip()
        for entry in formats
        if isinstance(entry, dict)
        and isinstance(entry.get("key_string"), str)
        and isinstance(entry.get("world_id"), str)
        # LANG only says "a language": the key (ES, PER ...) says which.
        and entry["world_id"].strip().upper() not in ("", "LANG")
    }
    return rows_of(payload["meetings"], source), world_ids


def _ident(row: Row) -> Optional[str]:
    value = row.get("id_bigint")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _meetings(row: Row, source: Source, world_ids: Dict[str, str]) -> List[Meeting]:
    if str(row.get("published", "1")).strip() == "0":
        return []
    key = _ident(row)
    if key is None:
        raise RowError("id_bigint is missing")
    name = text(row, "meeting_name")
    if not name:
        raise RowError("meeting_name is missing")
    day = _weekday(row.get("weekday_tinyint"))
    if row.get("start_time") in (None, ""):
        raise RowError("start_time is missing")
    start = clock(row["start_time"], "start_time")
    end = _end(start, row.get("duration_time"))
    timezone = zone(text(row, "time_zone"), source)
    keys = [key.strip() for key in (text(row, "formats") or "").split(",") if key.strip()]
    codes = [world_ids.get(key, key) for key in keys]
    flags = {code.upper() for code in codes}

    may_meet_in_room, may_join_online = _venue(row.get("venue_type"), flags)
    street = text(row, "location_street")
    link = web_link(row.get("virtual_meeting_link"))
    phone = dial_in(text(row, "phone_meeting_number"))
    where = "no location_street and" if may_meet_in_room else "a virtual meeting with"
    nowhere = f"{where} no virtual_meeting_link or phone_meeting_number to join by"
    if row.get("virtual_meeting_link") not in (None, "") and link is None:
        nowhere += f" (virtual_meeting_link {row['virtual_meeting_link']!r} is not an http(s) link)"
    how = attendance(
        room=may_meet_in_room and bool(street) and "TC" not in flags,
        online=may_join_online and bool(link or phone),
        closed="TC" in flags,
        nowhere=nowhere,
    )
    latitude, longitude = coordinates(row, "latitude", "longitude")

    fields: Row = dict(
        source=source.name,
        key=key,
        name=name,
        fellowship=source.default_fellowship,
        day=day,
        start=start,
        end=end,
        timezone=timezone,
        attendance=how,
        types=meeting_types((code_type(BMLT_CODES, code) for code in codes), how),
        city=text(row, "location_municipality"),
        state=text(row, "location_province"),
        postal_code=text(row, "location_postal_code_1"),
        conference_url=link if how.has_link else None,
        conference_phone=phone if how.has_link else None,
        notes=joined(
            text(row, "comments"),
            text(row, "location_info") if how.has_room else None,
            text(row, "virtual_meeting_additional_info") if how.has_link else None,
        ),
    )
    if how.has_room:
        fields.update(location=text(row, "location_text"), address=street, latitude=latitude, longitude=longitude)
    return [build(fields)]


def _weekday(value: Any) -> int:
    """BMLT's 1 (Sunday) ... 7 (Saturday) as Python's 0 (Monday) ... 6 (Sunday)."""
    number = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if number not in ("1", "2", "3", "4", "5", "6", "7"):
        raise RowError(f"weekday_tinyint {value!r} is not 1 (Sunday) to 7 (Saturday)")
    return (int(number) + 5) % 7


def _end(start: dt.time, value: Any) -> Optional[dt.time]:
    """start + duration_time ("01:30:00"), past midnight if need be; None without a duration."""
    if value in (None, ""):
        return None
    match = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match[2]) > 59:
        raise RowError(f"duration_time {value!r} is not a length like 01:30:00")
    minutes = int(match[1]) * 60 + int(match[2])
    if minutes == 0:
        return None
    total = start.hour * 60 + start.minute + minutes
    return dt.time((total // 60) % 24, total % 60)


def _venue(value: Any, flags: Set[str]) -> Tuple[bool, bool]:
    """Whether a room and an online way in are possible, from venue_type or, when a server
    predates it, the virtual (VM) and hybrid (HY, world id HYBR) formats."""
    if value in (None, ""):
        # VM alone marks a virtual-only meeting; otherwise judge by what the row offers.
        virtual_only = "VM" in flags and not flags & {"HY", "HYBR"}
        return not virtual_only, True
    venue = _VENUES.get(str(value).strip())
    if venue is None:
        raise RowError(f"venue_type {value!r} is not 1 (in person), 2 (virtual) or 3 (hybrid)")
    return venue
