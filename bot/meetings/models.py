"""The one model every meeting feed is normalised into, whatever format it came from.

Days follow Python (0 = Monday ... 6 = Sunday); each feed parser converts its own numbering.
Times are wall-clock times in the meeting's own IANA timezone. Nothing about members is kept:
a meeting is a place, a time and a join link, and its notes are shown exactly as the feed gave them.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Extra, validator

from bot.program.zones import known_zone

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Fellowship(str, Enum):
    aa = "AA"
    na = "NA"
    ca = "CA"
    ma = "MA"
    cma = "CMA"
    ha = "HA"
    smart = "SMART"
    al_anon = "Al-Anon"
    nar_anon = "Nar-Anon"
    celebrate_recovery = "Celebrate Recovery"
    recovery_dharma = "Recovery Dharma"
    lifering = "LifeRing"

    @property
    def label(self) -> str:
        return FELLOWSHIP_NAMES[self]


FELLOWSHIP_NAMES = {
    Fellowship.aa: "Alcoholics Anonymous",
    Fellowship.na: "Narcotics Anonymous",
    Fellowship.ca: "Cocaine Anonymous",
    Fellowship.ma: "Marijuana Anonymous",
    Fellowship.cma: "Crystal Meth Anonymous",
    Fellowship.ha: "Heroin Anonymous",
    Fellowship.smart: "SMART Recovery",
    Fellowship.al_anon: "Al-Anon (for family and friends)",
    Fellowship.nar_anon: "Nar-Anon (for family and friends)",
    Fellowship.celebrate_recovery: "Celebrate Recovery",
    Fellowship.recovery_dharma: "Recovery Dharma",
    Fellowship.lifering: "LifeRing Secular Recovery",
}


class Attendance(str, Enum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"

    @property
    def label(self) -> str:
        return {"in_person": "in person", "online": "online", "hybrid": "in person and online"}[self.value]

    @property
    def has_room(self) -> bool:
        return self is not Attendance.online

    @property
    def has_link(self) -> bool:
        return self is not Attendance.in_person


ID_CHARS = 200  # meetings.id (bot/storage/db.py)
MAX_KEY_CHARS = ID_CHARS - 64 - 1  # a source's name is at most 64 characters (bot/meetings/sources.py)


class Meeting(BaseModel):
    """One weekly meeting. A feed row that meets on several days becomes one Meeting per day."""

    source: str
    key: str  # unique within the source: the feed's slug or id, plus the day when split
    name: str
    fellowship: Fellowship
    day: int  # 0 = Monday ... 6 = Sunday
    start: dt.time
    end: Optional[dt.time] = None  # may be earlier than start: the meeting runs past midnight
    timezone: str
    attendance: Attendance
    types: Tuple[str, ...] = ()  # keys of bot.meetings.types.TYPES, in plain words there
    location: Optional[str] = None  # the venue's name ("St. Francis Hall")
    address: Optional[str] = None  # street address
    city: Optional[str] = None
    state: Optional[str] = None
    postal_code: Optional[str] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    conference_url: Optional[str] = None
    conference_phone: Optional[str] = None
    notes: Optional[str] = None
    updated: Optional[dt.datetime] = None

    class Config:
        extra = Extra.forbid
        allow_mutation = False
        anystr_strip_whitespace = True

    @validator("key")
    def _fits_the_id(cls, value: str) -> str:
        # The id is "<source>:<key>" in a column of ID_CHARS; a longer one refused the source's refresh.
        if len(value) > MAX_KEY_CHARS:
            raise ValueError(f"must be at most {MAX_KEY_CHARS} characters (a meeting's id is its source's name and its key)")
        return value

    @validator("day")
    def _weekday(cls, value: int) -> int:
        if not 0 <= value <= 6:
            raise ValueError("day must be 0 (Monday) to 6 (Sunday)")
        return value

    _zone_name = validator("timezone", allow_reuse=True)(known_zone)

    @validator("latitude")
    def _latitude(cls, value: Optional[float]) -> Optional[float]:
        if value is not None and not -90 <= value <= 90:
            raise ValueError("latitude must be between -90 and 90")
        return value

    @validator("longitude")
    def _longitude(cls, value: Optional[float]) -> Optional[float]:
        if value is not None and not -180 <= value <= 180:
            raise ValueError("longitude must be between -180 and 180")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def id(self) -> str:
        return f"{self.source}:{self.key}"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def duration(self) -> dt.timedelta:
        """Length of the meeting; an hour when the feed gives no end time (the usual length)."""
        if self.end is None:
            return dt.timedelta(hours=1)
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        minutes = (end - start) % (24 * 60) or 24 * 60
        return dt.timedelta(minutes=minutes)
