"""Row reading shared by the feed parsers (Meeting Guide, BMLT).

``RowError`` marks one unusable row; ``collect`` reads every row of a feed into a ParseResult,
turning each RowError (and each repeated key) into a RowProblem; ``build`` makes the Meeting. The
field readers (``text``, ``clock``, ``zone``, ``coordinates``, ``web_link``, ``dial_in``) and the
deciders (``attendance``, ``meeting_types``, ``joined``) raise RowError naming the field and value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple
from urllib.parse import urlsplit

from pydantic import ValidationError

from bot.meetings.models import Attendance, Meeting
from bot.meetings.sources import ParseResult, RowProblem, Source
from bot.meetings.types import BROADER, IN_PERSON_ONLY

Row = Dict[str, Any]
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


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
            "; ".join(f"{error['loc'][0]} {fields.get(str(error['loc'][0]))!r}: {error['msg']}" for error in exc.errors())
        ) from exc


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
            hour, minute, second = (int(part or 0) for part in match.groups())
            return dt.time(hour, minute, second)
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
        key for key in found if not (key == "open" and "closed" in found) and (how.has_room or key not in IN_PERSON_ONLY)
    )


def joined(*parts: Optional[str]) -> Optional[str]:
    return "\n\n".join(part for part in parts if part) or None
