"""Parser of Meeting Guide JSON feeds: the code4recovery spec that AA intergroups and 12 Step
Meeting List sites publish (https://github.com/code4recovery/spec).

A feed is a list of meeting rows. A row becomes one Meeting per day it meets; a row that cannot be
used becomes a RowProblem and the rest go on. The row-reading helpers below ``parse`` (RowError,
``collect``, ``clock``, ``text`` ...) are shared with the BMLT parser.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple
from urllib.parse import urlsplit

from pydantic import ValidationError

from bot.meetings.models import Attendance, Meeting
from bot.meetings.sources import ParseResult, RowProblem, Source, rows_of
from bot.meetings.types import BROADER, IN_PERSON_ONLY, MEETING_GUIDE_CODES, code_type

Row = Dict[str, Any]
UTC = dt.timezone.utc
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


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
    return bool(address) or formatted.count(",") >= 3


def _updated(value: Optional[str]) -> Optional[dt.datetime]:
    if value is None:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"updated {value!r} is not a time like 2014-05-31 14:32:23")
    # The spec's timestamps are UTC.
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


# Row reading shared by the feed parsers.


class RowError(ValueError):
    """This row cannot be used; the message names the field and the value."""


def collect(
    source: Source,
    rows: List[Any],
    read: Callable[[Row], List[Meeting]],
    ident: Callable[[Row], Optional[str]],
) -> ParseResult:
    """Reads every row; a row that fails, or whose key an earlier row took, becomes a problem."""
    result = ParseResult()
    taken: Dict[str, int] = {}
    for position, row in enumerate(rows):
        row_id = ident(row) if isinstance(row, dict) else None
        try:
            if not isinstance(row, dict):
                raise RowError(f"the row is {type(row).__name__} {row!r}, not an object of meeting fields")
            meetings = read(row)
            repeats = [meeting.key for meeting in meetings if meeting.key in taken]
            if repeats:
                raise RowError(f"key '{repeats[0]}' is already used by row {taken[repeats[0]]}; keys must be unique")
        except RowError as exc:
            result.problems.append(RowProblem(source.name, position, row_id, str(exc)))
            continue
        taken.update((meeting.key, position) for meeting in meetings)
        result.meetings.extend(meetings)
    return result


def build(fields: Row, **more: Any) -> Meeting:
    """The Meeting, or a RowError naming each field the model refused and its value."""
    fields = {**fields, **more}
    try:
        return Meeting(**fields)
    except ValidationError as exc:
        raise RowError(
            "; ".join(
                f"{error['loc'][0]} {fields.get(str(error['loc'][0]))!r}: {error['msg']}" for error in exc.errors()
            )
        )


def text(row: Row, field: str) -> Optional[str]:
    """A text field, stripped; None when absent or blank. Numbers (postal codes) become text."""
    value = row.get(field)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RowError(f"{field} {value!r} is not text")
    return value.strip() or None


def clock(value: Any, field: str) -> dt.time:
    """A 24-hour wall-clock time, "HH:MM" or "HH:MM:SS"."""
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if match:
        try:
            return dt.time(*(int(part or 0) for part in match.groups()))
        except ValueError:
            pass
    raise RowError(f"{field} {value!r} is not a 24-hour time like 19:30")


def zone(value: Optional[str], source: Source) -> str:
    """The row's own timezone, else its source's. The Meeting model checks it is a real zone."""
    if value:
        return value
    if source.timezone:
        return source.timezone
    raise RowError("no timezone: the row has none and the source sets no timezone")


def coordinates(row: Row, latitude: str, longitude: str) -> Tuple[Optional[float], Optional[float]]:
    pair = (_number(row, latitude), _number(row, longitude))
    # 0,0 is the Gulf of Guinea: servers write it for "no coordinates".
    return (None, None) if pair == (0.0, 0.0) else pair


def _number(row: Row, field: str) -> Optional[float]:
    value = row.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            pass
    raise RowError(f"{field} {value!r} is not a number")


def web_link(value: Any) -> Optional[str]:
    """An http(s) link to join by, or None: anything else cannot be opened from a chat."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def dial_in(value: Optional[str]) -> Optional[str]:
    """A phone number to dial, or None for placeholders like "TBA" that hold no digits."""
    return value if value and any(char.isdigit() for char in value) else None


def attendance(*, room: bool, online: bool, closed: bool, nowhere: str) -> Attendance:
    """How to attend: ``room`` is a real place that is open, ``online`` a link or phone to join by."""
    if closed and not online:
        raise RowError("temporarily closed, no online option")
    if room and online:
        return Attendance.hybrid
    if online:
        return Attendance.online
    if room:
        return Attendance.in_person
    raise RowError(nowhere)


def meeting_types(keys: Iterable[Optional[str]], how: Attendance) -> Tuple[str, ...]:
    """Our type keys, each once, in feed order, with the broader ones they imply. Closed wins over
    open (as TSML does), and an online-only meeting has no room to be wheelchair accessible."""
    found: List[str] = []
    for key in keys:
        for each in (key, BROADER.get(key or "")):
            if each and each not in found:
                found.append(each)
    return tuple(
        key
        for key in found
        if not (key == "open" and "closed" in found) and (how.has_room or key not in IN_PERSON_ONLY)
    )


def joined(*parts: Optional[str]) -> Optional[str]:
    return "\n\n".join(part for part in parts if part) or None
