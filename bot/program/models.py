"""Pydantic models of the center's program data (``data/program/*.yml``).

A center edits the YAML, never this code; every rule a data edit can break is checked here so that
a bad edit fails at start-up with the file, the field and the problem.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Dict, List, Literal, Optional, Union
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Extra, Field, PrivateAttr, root_validator, validator

from bot.program.zones import known_zone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PHONE = re.compile(r"^\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}$")


class Strict(BaseModel):
    """Base: unknown keys are typos a center should hear about, not silently ignore."""

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class Weekday(str, Enum):
    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"

    # Shadows str.index on purpose, as ``title`` does: callers read ``day.index`` as 0 for Monday.
    @property
    def index(self) -> int:  # type: ignore[override]
        return WEEKDAYS.index(self.value)

    @property
    def title(self) -> str:  # type: ignore[override]
        return self.value.capitalize()


def _parse_clock(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 09:30 as sexagesimal 570
        return dt.time(value // 60, value % 60)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"'{value}' is not a 24-hour time like 09:00 or 18:30")
    return dt.time(int(match[1]), int(match[2]))


class TimeRange(Strict):
    start: dt.time
    end: dt.time

    _clock = validator("start", "end", pre=True, allow_reuse=True)(_parse_clock)

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:
        if values["end"] <= values["start"]:
            raise ValueError("end must be later than start")
        return values

    @property
    def hours(self) -> float:
        start = dt.datetime.combine(dt.date.min, self.start)
        end = dt.datetime.combine(dt.date.min, self.end)
        return (end - start).total_seconds() / 3600


class Phone(Strict):
    display: str
    purpose: str = ""

    @validator("display")
    def _looks_like_phone(cls, value: str) -> str:
        if not _PHONE.match(value):
            raise ValueError(f"'{value}' is not a US phone number like (760) 555-0142")
        return value


class Address(Strict):
    street: str
    city: str
    state: str = Field(..., min_length=2, max_length=2)
    postal_code: str = Field(..., regex=r"^\d{5}$")
    directions: str = ""
    parking: str = ""
    transit: str = ""

    @property
    def one_line(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.postal_code}"


class OpeningHours(Strict):
    """Hours per weekday; a day left out is closed."""

    __root__: Dict[Weekday, TimeRange]

    def for_day(self, day: Weekday) -> Optional[TimeRange]:
        return self.__root__.get(day)


class HotlineWording(Strict):
    """A hotline's name and texting instructions in another language."""

    name: str
    text: str = ""


class Hotline(Strict):
    """A national line the crisis replies give, shown exactly as written.

    es: its name and texting instructions for Spanish replies (the numbers are the same).
    """

    name: str
    call: str
    text: str = ""
    es: Optional[HotlineWording] = None

    def wording(self, language: str) -> HotlineWording:
        """Its name and texting instructions in ``language`` (English when it has none there)."""
        if language == "es" and self.es is not None:
            return HotlineWording(name=self.es.name, text=self.es.text or self.text)
        return HotlineWording(name=self.name, text=self.text)


class Holiday(Strict):
    """A public holiday people ask about; closed: no groups and no office hours that day."""

    name: str
    closed: bool
    words: List[str] = []  # how people write it besides its name ("xmas", "4th of july")

    @property
    def names(self) -> List[str]:
        return [self.name, *self.words]


class Center(Strict):
    name: str
    short_name: str
    tagline: str = ""
    website: str
    email: str = Field(..., regex=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    timezone: str
    timezone_label: str
    phones: Dict[str, Phone]
    hotlines: Dict[str, Hotline]
    address: Address
    office_hours: OpeningHours
    admissions_hours: OpeningHours
    # When staff answer live chats (bot/handoff/): hours per weekday, or "always" for 24/7.
    staffed_hours: Union[Literal["always"], OpeningHours]
    holidays: List[Holiday] = []

    _zone_name = validator("timezone", allow_reuse=True)(known_zone)

    @validator("staffed_hours", pre=True)
    def _always_or_hours(cls, value: object) -> object:
        if isinstance(value, str) and value.strip() == "always":
            return "always"
        if not isinstance(value, dict) or not value:
            raise ValueError('must be "always" or hours for at least one weekday, like monday: {start: "08:00", end: "19:00"}')
        return OpeningHours.parse_obj(value)

    @validator("phones")
    def _required_phones(cls, value: Dict[str, Phone]) -> Dict[str, Phone]:
        missing = {"main", "admissions", "on_call"} - set(value)
        if missing:
            raise ValueError(f"missing phone numbers: {', '.join(sorted(missing))}")
        return value

    @validator("hotlines")
    def _required_hotlines(cls, value: Dict[str, Hotline]) -> Dict[str, Hotline]:
        if "domestic_violence" not in value:
            raise ValueError("missing hotline: domestic_violence (the crisis reply for danger at home gives it)")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Range(Strict):
    min: float = Field(..., ge=0)
    max: float = Field(..., ge=0)

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:
        if values["max"] < values["min"]:
            raise ValueError("max must not be smaller than min")
        return values

    def __str__(self) -> str:
        low, high = (int(v) if float(v).is_integer() else v for v in (self.min, self.max))
        return str(low) if low == high else f"{low} to {high}"


class LevelOfCare(Strict):
    key: str = Field(..., regex=r"^[a-z_]+$")
    name: str
    asam_level: str
    offered_here: bool
    hours_per_week: Optional[Range] = None
    setting: str
    summary: str
    fits_when: str


class Session(TimeRange):
    """One weekly group meeting of a track (times in the center's timezone)."""

    day: Weekday
    kind: str = "group"


class Track(Strict):
    key: str = Field(..., regex=r"^[a-z_]+$")
    name: str
    level: str
    audience: str
    ages: Range
    sessions: List[Session] = Field(..., min_items=1)
    length_weeks: Range
    step_down: str
    notes: str = ""

    @property
    def hours_per_week(self) -> float:
        return sum(session.hours for session in self.sessions)

    @property
    def days(self) -> List[Weekday]:
        seen: List[Weekday] = []
        for session in sorted(self.sessions, key=lambda s: s.day.index):
            if session.day not in seen:
                seen.append(session.day)
        return seen


class GroupType(Strict):
    name: str
    about: str


class Medication(Strict):
    name: str
    brand_names: List[str] = []
    used_for: str


class Services(Strict):
    group_types: List[GroupType] = Field(..., min_items=1)
    group_size: Range
    individual_therapy: str
    therapy_approaches: List[GroupType] = Field(..., min_items=1)
    family_program: str
    mat_offered: bool
    mat_summary: str
    mat_medications: List[Medication] = []
    holistic: List[str] = []
    co_occurring: str
    detox: str
    drug_testing: str
    support_groups: str
    sober_living: str

    @root_validator(skip_on_failure=True)
    def _mat_consistent(cls, values: dict) -> dict:
        if values["mat_offered"] and not values["mat_medications"]:
            raise ValueError("mat_offered is true, so list mat_medications")
        return values


class CarrierStatus(str, Enum):
    in_network = "in_network"
    verify = "verify"
    not_accepted = "not_accepted"


class Carrier(Strict):
    name: str
    status: CarrierStatus
    aliases: List[str] = []
    note: str = ""


class Insurance(Strict):
    carriers: List[Carrier] = Field(..., min_items=1)
    self_pay_weekly: Range
    self_pay_note: str
    payment_options: List[str] = Field(..., min_items=1)
    verification: str

    @validator("carriers")
    def _unique_names(cls, value: List[Carrier]) -> List[Carrier]:
        seen: Dict[str, str] = {}
        for carrier in value:
            for name in [carrier.name, *carrier.aliases]:
                key = name.casefold()
                if key in seen and seen[key] != carrier.name:
                    raise ValueError(f"'{name}' names both {seen[key]} and {carrier.name}; keep it on one carrier")
                seen[key] = carrier.name
        return value


class Admissions(Strict):
    steps: List[GroupType] = Field(..., min_items=2)
    assessment: str
    good_fit: List[str] = Field(..., min_items=1)
    higher_care_first: List[str] = Field(..., min_items=1)
    what_to_bring: List[str] = Field(..., min_items=1)
    first_day: str


class Button(Strict):
    title: str
    payload: str


class Answer(Strict):
    """One reply: text is a Jinja2 template rendered against the program data.

    short: a long answer's short version, sent first with a "Tell me more" button for the text.
    """

    text: str
    short: Optional[str] = None
    buttons: List[Button] = []


class Situation(Strict):
    """A special situation recognised in a question's words, whose answer replaces the general one.

    It matches when the message has one of the phrases (or, with holidays, names a holiday in
    center.yml) and, when also is given, one of those too; intents limits it to questions the NLU
    model reads as one of them (empty: any question). A trailing * matches any word ending.
    """

    key: str = Field(..., regex=r"^[a-z_]+$")
    answer: str
    phrases: List[str] = []
    also: List[str] = []
    intents: List[str] = []
    holidays: bool = False

    @validator("phrases", "also", "intents", each_item=True)
    def _not_blank(cls, value: str) -> str:
        if not value.strip(" *"):
            raise ValueError("must not be empty")
        return value

    @validator("intents", each_item=True)
    def _intent_name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z_]+", value):
            raise ValueError(f"'{value}' is not an intent name like ask_admissions")
        return value

    @root_validator(skip_on_failure=True)
    def _recognisable(cls, values: dict) -> dict:
        if not values["phrases"] and not values["holidays"]:
            raise ValueError("give phrases (or holidays: true), or it can never be recognised")
        return values


class Program(Strict):
    """Everything the assistant knows about the center, validated as one."""

    center: Center
    levels_of_care: List[LevelOfCare]
    tracks: List[Track]
    services: Services
    insurance: Insurance
    admissions: Admissions
    answers: Dict[str, Answer]
    situations: List[Situation]
    # Every answer in each other language the assistant speaks: {"es": answers.es.yml's answers}.
    translations: Dict[str, Dict[str, Answer]] = {}
    # The same data worded in each other language (facts.<language>.yml laid over; bot/program/translation.py).
    _worded: Dict[str, "Program"] = PrivateAttr(default_factory=dict)

    @validator("translations")
    def _translations_complete(cls, translations: Dict[str, Dict[str, Answer]], values: dict) -> Dict[str, Dict[str, Answer]]:
        answers = values.get("answers") or {}
        problems = []
        for language, translated in translations.items():
            missing = sorted(set(answers) - set(translated))
            if missing:
                problems.append(f"answers.{language}.yml lacks {', '.join(missing)} (write each in that language)")
        if problems:
            raise ValueError("; ".join(problems))
        return translations

    @validator("tracks")
    def _tracks_use_offered_levels(cls, tracks: List[Track], values: dict) -> List[Track]:
        levels = {level.key: level for level in values.get("levels_of_care") or []}
        for track in tracks:
            level = levels.get(track.level)
            if level is None:
                raise ValueError(
                    f"track '{track.key}' names level '{track.level}', which is not in levels_of_care ({', '.join(levels)})"
                )
            if not level.offered_here:
                raise ValueError(f"track '{track.key}' uses level '{level.key}', not offered here")
        return tracks

    @validator("situations")
    def _situations_answered(cls, situations: List[Situation], values: dict) -> List[Situation]:
        answers = values.get("answers") or {}
        seen = set()
        for situation in situations:
            if situation.key in seen:
                raise ValueError(f"two situations are called '{situation.key}'")
            seen.add(situation.key)
            if answers and situation.answer not in answers:
                raise ValueError(f"situation '{situation.key}' names answer '{situation.answer}', which is not in answers.yml")
        return situations

    def add_wording(self, language: str, worded: "Program") -> None:
        self._worded[language] = worded

    def in_language(self, language: str) -> "Program":
        """This data worded in ``language`` (itself for English, or a language with no translation)."""
        return self._worded.get(language, self)

    def level(self, key: str) -> Optional[LevelOfCare]:
        return next((level for level in self.levels_of_care if level.key == key), None)

    @property
    def offered_levels(self) -> List[LevelOfCare]:
        return [level for level in self.levels_of_care if level.offered_here]

    def phone(self, purpose: str) -> str:
        return self.center.phones[purpose].display
