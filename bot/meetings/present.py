"""What a person reads about a search and its meetings, in plain words, ready for the templates.

Times are shown as the meeting's own clock shows them (that is when the door opens or the link
goes live); an online meeting hosted in another timezone also gets the person's own time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Optional
from zoneinfo import ZoneInfo

from bot.meetings.models import DAY_NAMES, Fellowship, Meeting
from bot.meetings.query import TWELVE_STEP, MeetingQuery, When
from bot.meetings.search import Hit
from bot.meetings.types import TYPES
from bot.program.answers import clock

# What a person calls a part of the day, for the summary line.
_PART_WORDS = {
    "morning": "morning",
    "noon": "midday",
    "afternoon": "afternoon",
    "evening": "evening",
    "night": "late",
    "tonight": "tonight",
}
# Parts that do not read well as "this {part}" today or "in the {part}" on no given day.
_TODAY_PART = {"noon": "today around midday", "night": "late tonight", "tonight": "tonight"}
_ANY_DAY_PART = {"noon": "around midday", "night": "late at night", "tonight": "tonight"}


# Types that read well before "meetings"; the others follow in brackets.
_ADJECTIVES = {
    "women": "women's",
    "men": "men's",
    "lgbtq": "LGBTQ+",
    "young_people": "young people's",
    "open": "open",
    "closed": "closed",
    "beginners": "newcomers'",
    "speaker": "speaker",
    "discussion": "discussion",
    "step_study": "step study",
    "big_book": "Big Book",
    "spanish": "Spanish-language",
}


def zone_abbreviation(value: dt.datetime) -> str:
    return value.tzname() or ""


def day_label(start_local: dt.datetime, today: dt.date) -> str:
    """'today', 'tomorrow', or 'Saturday, Nov 28' relative to the person's own date."""
    days = (start_local.date() - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"  # a meeting in progress that began before the person's midnight
    return f"{DAY_NAMES[start_local.weekday()]}, {start_local.strftime('%b')} {start_local.day}"


def fellowship_words(fellowships: "frozenset[Fellowship]") -> str:
    if not fellowships:
        return ""
    if fellowships == TWELVE_STEP:
        return "12-step"
    names = sorted(f.value for f in fellowships)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def when_words(when: When) -> str:
    if when.now:
        return "starting now or within the hour"
    parts: List[str] = []
    part = _PART_WORDS.get(when.part or "", "")
    if when.relative_day == 0:
        parts.append(_TODAY_PART.get(when.part or "", f"this {part}") if part else "today")
    elif when.relative_day == 1:
        parts.append(f"tomorrow {part}".strip() if when.part != "tonight" else "tomorrow evening")
    elif when.weekday is not None:
        parts.append(f"on {DAY_NAMES[when.weekday]}" + (f" {part}" if part and when.part != "tonight" else ""))
    elif when.weekend:
        parts.append("this weekend" + (f" ({part})" if part else ""))
    elif part:
        parts.append(_ANY_DAY_PART.get(when.part or "", f"in the {part}"))
    if when.clock is not None:
        shown = clock(when.clock)
        parts.append(f"around {shown.split()[0] if when.clock_ambiguous else shown}")
    return " ".join(parts) or "in the next 7 days"


def describe(query: MeetingQuery) -> str:
    """'NA women's meetings' — what was asked for, for the reply's first line."""
    words = []
    if query.attendance == "online":
        words.append("online")
    elif query.attendance == "hybrid":
        words.append("hybrid")
    elif query.attendance == "in_person":
        words.append("in-person")
    words += [_ADJECTIVES[key] for key in sorted(query.types) if key in _ADJECTIVES]
    fellowship = fellowship_words(query.fellowships)
    if fellowship:
        words.append(fellowship)
    kinds = [TYPES.get(key, key) for key in sorted(query.types) if key not in _ADJECTIVES]
    words.append("meetings")
    text = " ".join(words)
    if kinds:
        text += " (" + ", ".join(kinds) + ")"
    return text


@dataclass(frozen=True)
class MeetingView:
    """One meeting, every field already worded for a chat message."""

    name: str
    fellowship: str
    when: str  # "today 7:00 pm" or "today 12:00 pm PT (3:00 pm ET where it is hosted)"
    attendance: str
    distance: Optional[str]
    place: Optional[str]  # venue and address
    join_url: Optional[str]
    join_phone: Optional[str]
    types: str
    notes: Optional[str]


def _without_blank_lines(text: Optional[str]) -> Optional[str]:
    """The notes as given, but a blank line would split the chat message in two (Rasa does that)."""
    if text is None:
        return None
    return re.sub(r"\n\s*\n+", "\n", text.strip())


def view(hit: Hit, person_zone: ZoneInfo, today: dt.date) -> MeetingView:
    meeting: Meeting = hit.meeting
    own = hit.start.astimezone(meeting.zone)
    mine = hit.start.astimezone(person_zone)
    when = f"{day_label(mine, today)} {clock(own)}"
    if own.utcoffset() != mine.utcoffset():
        when = f"{day_label(mine, today)} {clock(mine)} {zone_abbreviation(mine)} ({clock(own)} {zone_abbreviation(own)} where it is hosted)"
    if meeting.end is not None:
        end = hit.start + meeting.duration
        when += f" to {clock(end.astimezone(person_zone if own.utcoffset() != mine.utcoffset() else meeting.zone))}"
    place = None
    if meeting.attendance.has_room:
        address = ", ".join(part for part in (meeting.address, meeting.city) if part)
        place = " · ".join(part for part in (meeting.location, address) if part) or None
    distance = None
    if hit.distance_miles is not None and meeting.attendance.has_room:
        distance = "under 1 mile" if hit.distance_miles < 0.95 else f"{hit.distance_miles:.1f} miles"
    return MeetingView(
        name=meeting.name,
        fellowship=meeting.fellowship.value,
        when=when,
        attendance=meeting.attendance.label,
        distance=distance,
        place=place,
        join_url=meeting.conference_url if meeting.attendance.has_link else None,
        join_phone=meeting.conference_phone if meeting.attendance.has_link else None,
        types=", ".join(TYPES[key] for key in meeting.types if key in TYPES),
        notes=_without_blank_lines(meeting.notes),
    )
