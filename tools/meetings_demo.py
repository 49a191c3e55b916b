"""Made-up but realistic meeting feeds for the demo center's region, and bulk rows for benchmarks.

Juniper Ridge Recovery Center is fictional, and so is every meeting here: names, venues, street
numbers, notes, join links and phone numbers are invented (phone numbers use the 555-01xx block
reserved for fiction; web addresses use example.org). Only the places are real: ZIP centroids of
the Coachella Valley and its neighbours, from the ``zipcodes`` package, moved by up to 1.5 km so
that venues do not all sit on one point.

The feeds come in the two formats the recovery world publishes:

* Meeting Guide JSON (code4recovery's spec): one object per meeting, ``day`` 0 = Sunday ... 6 =
  Saturday or a list of days, ``time``/``end_time`` as ``HH:MM``, type codes such as ``O``,
  ``C``, ``W``, ``S``, ``TC``. Rows do not say their fellowship, so each file holds one.
* BMLT's semantic ``GetSearchResults`` JSON (NA): every value a string, ``weekday_tinyint``
  1 = Sunday ... 7 = Saturday, ``start_time``/``duration_time`` as ``HH:MM:SS``, ``venue_type``
  1/2/3 for in person/virtual/hybrid, format keys such as ``O,BT,WCHR``.

Everything is drawn from ``random.Random`` generators seeded from one number, so a seed always
gives the same files. ``write_demo`` writes ``data/meetings/demo/``; ``bulk_meeting_guide`` makes
rows spread over every US ZIP for benchmarks.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.meetings.models import Fellowship

DEFAULT_SEED = 2026
DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "meetings" / "demo"
HOME_TIMEZONE = "America/Los_Angeles"
JITTER_METERS = 1500.0

MeetingGuideRow = Dict[str, Any]
BmltRow = Dict[str, str]

# --------------------------------------------------------------------------------------------
# Places


@dataclass(frozen=True)
class Place:
    """A real ZIP centroid."""

    postal_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    timezone: str


@dataclass(frozen=True)
class Region:
    """Where meetings are: places with weights (how many meetings each tends to have)."""

    name: str
    places: Tuple[Place, ...]
    cum_weights: Optional[Tuple[float, ...]] = None  # None: every place equally likely
    timezone: Optional[str] = None  # the region's own zone, when it has one
    county: str = ""

    def pick(self, rng: random.Random) -> Place:
        if self.cum_weights is None:
            return rng.choice(self.places)
        return self.places[bisect.bisect_right(self.cum_weights, rng.random() * self.cum_weights[-1])]

    def bounds(self, margin: float = 0.02) -> Tuple[float, float, float, float]:
        """(south, west, north, east) around every place, widened by ``margin`` degrees."""
        lats = [place.latitude for place in self.places]
        longs = [place.longitude for place in self.places]
        return (min(lats) - margin, min(longs) - margin, max(lats) + margin, max(longs) + margin)


# ZIP and weight: Palm Springs and the mid-valley cities have most meetings; the high desert,
# the pass and the Inland Empire a few, so that widening a search still finds something.
_DESERT_ZIPS: Tuple[Tuple[str, float], ...] = (
    ("92262", 10),
    ("92264", 7),
    ("92234", 8),
    ("92270", 5),
    ("92260", 8),
    ("92211", 6),
    ("92210", 2),
    ("92253", 6),
    ("92201", 7),
    ("92203", 4),
    ("92236", 4),
    ("92240", 5),
    ("92241", 1),
    ("92276", 2),
    ("92284", 4),
    ("92277", 3),
    ("92220", 3),
    ("92223", 3),
    ("92501", 1.5),
    ("92506", 1.5),
    ("92543", 1.5),
    ("92544", 1),
    ("92590", 1),
    ("92591", 1),
    ("92592", 0.5),
)

# Online meetings an intergroup lists although they are hosted elsewhere.
_REMOTE_ZIPS: Tuple[str, ...] = (
    "10001",
    "02108",
    "30303",  # America/New_York
    "60601",
    "78701",
    "55401",  # America/Chicago
    "80202",
    "87102",
    "84101",  # America/Denver
    "85004",
    "85701",
    "86001",  # America/Phoenix (no daylight saving time)
)


@lru_cache(maxsize=None)
def _zip_index() -> Dict[str, Mapping[str, Any]]:
    import zipcodes  # loads its data on first use

    return {record["zip_code"]: record for record in zipcodes.list_all()}


@lru_cache(maxsize=None)
def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name


def _place(record: Mapping[str, Any]) -> Place:
    return Place(
        postal_code=record["zip_code"],
        city=record["city"],
        state=record["state"],
        latitude=float(record["lat"]),
        longitude=float(record["long"]),
        timezone=record["timezone"],
    )


def _by_zip(code: str) -> Place:
    return _place(_zip_index()[code])


@lru_cache(maxsize=None)
def desert_region() -> Region:
    """The demo center's region: Coachella Valley, the high desert, the pass and a bit beyond."""
    places = tuple(_by_zip(code) for code, _ in _DESERT_ZIPS)
    total, cumulative = 0.0, []
    for _, weight in _DESERT_ZIPS:
        total += weight
        cumulative.append(total)
    return Region("Coachella Valley", places, tuple(cumulative), HOME_TIMEZONE, "Riverside")


@lru_cache(maxsize=None)
def united_states() -> Region:
    """Every active, standard US ZIP with a known timezone, equally likely."""
    places = tuple(
        _place(record)
        for code, record in sorted(_zip_index().items())
        if record["zip_code_type"] == "STANDARD"
        and record["active"]
        and _valid_zone(record["timezone"])
        and float(record["lat"]) != 0.0
    )
    return Region("United States", places)


@lru_cache(maxsize=None)
def _remote_places() -> Tuple[Place, ...]:
    return tuple(_by_zip(code) for code in _REMOTE_ZIPS)


Table = Union[Mapping[Any, float], Sequence[Tuple[Any, float]]]
_TABLES: Dict[int, Tuple[Tuple[Any, ...], Tuple[float, ...]]] = {}


def _pick(rng: random.Random, table: Table) -> Any:
    """A key of ``table`` (a mapping or pairs of key and weight), as likely as its weight.

    Like ``rng.choices`` with weights, but the running totals are worked out once per table (they
    are module constants), which the bulk generator needs to stay fast.
    """
    prepared = _TABLES.get(id(table))
    if prepared is None:
        pairs = list(table.items()) if isinstance(table, Mapping) else list(table)
        cumulative, running = [], 0.0
        for _, weight in pairs:
            running += weight
            cumulative.append(running)
        prepared = _TABLES[id(table)] = (tuple(key for key, _ in pairs), tuple(cumulative))
    keys, totals = prepared
    return keys[bisect.bisect_right(totals, rng.random() * totals[-1])]


def _jitter(rng: random.Random, latitude: float, longitude: float) -> Tuple[float, float]:
    distance = JITTER_METERS * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance * math.cos(bearing) / 111_320.0
    dlon = distance * math.sin(bearing) / (111_320.0 * math.cos(math.radians(latitude)))
    return round(latitude + dlat, 5), round(longitude + dlon, 5)


# --------------------------------------------------------------------------------------------
# Venues


@dataclass(frozen=True)
class Venue:
    name: str  # "Living Water Church Fellowship Hall"
    host: str  # the building without the room: "Living Water Church"
    kind: str  # church, club, civic or clinic
    address: str
    place: Place
    latitude: float
    longitude: float
    notes: Optional[str] = None  # shared by every meeting there

    @property
    def formatted_address(self) -> str:
        return f"{self.address}, {self.place.city}, {self.place.state} {self.place.postal_code}, USA"


_CHURCHES = (
    "Desert Springs Community Church",
    "Good Shepherd Lutheran Church",
    "First Presbyterian Church",
    "Sunrise Methodist Church",
    "Cornerstone Fellowship Church",
    "New Hope Chapel",
    "Living Water Church",
    "Harvest Bible Church",
    "Mountain View Baptist Church",
    "Unity Church of the Desert",
    "Trinity Episcopal Church",
    "Palm Valley Christian Church",
    "Oasis Bible Church",
    "Valley Congregational Church",
    "Desert Light Fellowship",
    "Community Church",
    "Shepherd of the Valley Church",
    "Sonrise Chapel",
)
_CHURCH_ROOMS = (
    "Fellowship Hall",
    "Annex",
    "Parish Hall",
    "Room 4",
    "Youth Building",
    "Education Building",
    "Library",
    "Chapel",
)
_CLUB_PREFIXES = (
    "Desert Sands",
    "Valley",
    "Palms",
    "Oasis",
    "Sunshine",
    "Mesa",
    "Sunrise",
    "Canyon",
    "Windmill",
    "Smoke Tree",
    "Cove",
    "Hi-Desert",
)
_CLUB_KINDS = ("Alano Club", "Serenity Club", "Recovery Club", "Fellowship Club", "Twelve Step Clubhouse")
_CIVIC = (
    "{city} Community Center",
    "{city} Senior Center",
    "{city} Library Meeting Room",
    "{city} Veterans Hall",
    "{city} Park Pavilion",
    "{city} Recreation Center Room B",
)
_CLINICS = (
    "Valley Wellness Center",
    "Canyon Health Pavilion",
    "Desert Counseling Center",
    "Serenity Room",
    "Recovery Hall",
    "Sagebrush Family Services",
    "Mesquite Health Center",
    "Palo Verde Clinic Conference Room",
)
_STREETS = (
    "Main St",
    "Palm Ave",
    "Desert View Rd",
    "Sunrise Way",
    "Sage Ln",
    "Mesquite Ave",
    "Ocotillo Dr",
    "Date Palm Dr",
    "Canyon Vista Rd",
    "Country Club Dr",
    "Park Ave",
    "Mission Rd",
    "Oasis Blvd",
    "Cactus Dr",
    "Sunset Ave",
    "Mountain View Dr",
    "Oleander Ave",
    "Rancho Rd",
    "Vista Del Sol",
    "Ironwood Dr",
    "Smoke Tree Ln",
    "Cholla Way",
    "Sandpiper St",
    "Indian Canyon Dr",
    "Tahquitz Canyon Way",
    "Ramon Rd",
    "Highway 111",
    "Monterey Ave",
    "Washington St",
    "Jefferson St",
    "Avenue 48",
    "Dillon Rd",
    "Pierson Blvd",
    "Twentynine Palms Hwy",
)
_LOCATION_NOTES = (
    "Enter through the side door; parking in back lot.",
    "Meeting is in the room behind the sanctuary.",
    "Ring the bell at the gate if it is locked.",
    "Street parking only after 6 pm.",
    "Wheelchair ramp on the north side of the building.",
    "Use the patio entrance; the front office closes at 5 pm.",
    "Free parking in the lot across the street.",
    "Upstairs, second door on the left; elevator by the lobby.",
)


_DIGITS = ((3, 3.0), (4, 5.0), (5, 2.0))
_KINDS = {"church": 5.0, "club": 2.0, "civic": 2.0, "clinic": 1.5}


def _address(rng: random.Random) -> str:
    digits = _pick(rng, _DIGITS)
    number = rng.randint(10 ** (digits - 1), 10**digits - 1)
    prefix = rng.choice(("", "", "", "N ", "S ", "E ", "W "))
    return f"{number} {prefix}{rng.choice(_STREETS)}"


def _venue_name(rng: random.Random, kind: str, place: Place) -> Tuple[str, str]:
    if kind == "church":
        host = rng.choice(_CHURCHES)
        return (f"{host} {rng.choice(_CHURCH_ROOMS)}" if rng.random() < 0.55 else host), host
    if kind == "club":
        name = f"{rng.choice(_CLUB_PREFIXES)} {rng.choice(_CLUB_KINDS)}"
        return name, name
    if kind == "civic":
        name = rng.choice(_CIVIC).format(city=place.city)
        return name, name
    name = rng.choice(_CLINICS)
    return name, name


def make_venue(rng: random.Random, place: Place, kind: Optional[str] = None) -> Venue:
    """A made-up venue near ``place`` (within JITTER_METERS of its centroid)."""
    if kind is None:
        kind = _pick(rng, _KINDS)
    name, host = _venue_name(rng, kind, place)
    latitude, longitude = _jitter(rng, place.latitude, place.longitude)
    notes = rng.choice(_LOCATION_NOTES) if rng.random() < 0.18 else None
    return Venue(name, host, kind, _address(rng), place, latitude, longitude, notes)


def venue_pool(rng: random.Random, region: Region, count: int) -> List[Venue]:
    """``count`` venues in ``region``, no two with the same name in the same city."""
    seen: Set[Tuple[str, str]] = set()
    venues: List[Venue] = []
    while len(venues) < count:
        venue = make_venue(rng, region.pick(rng))
        if (venue.host, venue.place.city) in seen:
            continue
        seen.add((venue.host, venue.place.city))
        venues.append(venue)
    return venues


# --------------------------------------------------------------------------------------------
# What a meeting is, before it is written in either format

# Tags are plain words; each format has its own codes for them (or none).
MEETING_GUIDE_CODES: Dict[str, str] = {
    "open": "O",
    "closed": "C",
    "women": "W",
    "men": "M",
    "lgbtq": "LGBTQ",
    "young": "Y",
    "spanish": "S",
    "beginners": "BE",
    "wheelchair": "X",
    "big_book": "B",
    "step": "ST",
    "traditions": "12x12",
    "speaker": "SP",
    "discussion": "D",
    "candlelight": "CAN",
    "meditation": "MED",
    "literature": "LIT",
    "daily_reflections": "DR",
    "secular": "A",
    "fragrance_free": "FF",
    "outdoor": "OUT",
    "babysitting": "BA",
    "birthday": "H",
    "alateen": "AL",
    "temp_closed": "TC",
    "online": "ONL",
}
BMLT_FORMATS: Dict[str, Tuple[str, int]] = {  # tag: (format key, shared format id)
    "open": ("O", 17),
    "closed": ("C", 4),
    "beginners": ("Beg", 1),
    "basic_text": ("BT", 3),
    "candlelight": ("CL", 5),
    "discussion": ("D", 8),
    "spanish": ("ES", 9),
    "lgbtq": ("GL", 10),
    "jft": ("JT", 14),
    "men": ("M", 15),
    "speaker": ("So", 23),
    "step": ("ST", 27),
    "women": ("W", 32),
    "wheelchair": ("WCHR", 33),
    "young": ("Y", 34),
    "it_works": ("IW", 13),
    "living_clean": ("LC", 51),
    "meditation": ("ME", 29),
    "temp_closed": ("TC", 56),
    "online": ("VM", 54),
    "hybrid": ("HY", 55),
}
_FOCUS_TAGS = ("women", "men", "lgbtq", "young", "spanish", "beginners")


@dataclass
class _Plan:
    """One group's meeting: the same name, place and time on one or more days."""

    name: str
    group: Optional[str]
    days: Tuple[int, ...]  # 0 = Sunday ... 6 = Saturday
    day_list: bool  # one Meeting Guide row with a list of days, rather than a row per day
    start: int  # minutes after midnight
    duration: int
    show_end: bool
    attendance: str  # in_person, hybrid or online
    tags: Tuple[str, ...]
    venue: Optional[Venue]
    home: Place  # the venue's place, or the approximate place of an online meeting
    show_timezone: bool
    conference_url: Optional[str] = None
    conference_url_notes: Optional[str] = None
    conference_phone: Optional[str] = None
    conference_phone_notes: Optional[str] = None
    notes: Optional[str] = None
    only_formatted_address: bool = False

    @property
    def timezone(self) -> str:
        return self.home.timezone


@dataclass(frozen=True)
class _Profile:
    fellowship: Fellowship
    site: str
    cores: Tuple[str, ...]
    early: Tuple[str, ...]
    noon: Tuple[str, ...]
    late: Tuple[str, ...]
    spanish: Tuple[str, ...]
    attendance: Mapping[str, float]  # in_person, hybrid, online -> weight
    remote_share: float  # of online meetings, how many are hosted in another timezone
    open_share: float
    focus: Mapping[str, float]  # focus tag (or "") -> weight
    formats: Mapping[str, float]
    venue_kinds: Mapping[str, float]
    series: Tuple[float, float, float]  # chance of daily, of weekdays, of two or three days
    day_list_share: float  # of multi-day groups, how many are one row with a list of days
    slots: Optional[Tuple[Tuple[int, float], ...]] = None  # (minute, weight); None: the usual
    days_weights: Tuple[Tuple[int, float], ...] = ((0, 1.1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1.1))
    durations: Tuple[Tuple[int, float], ...] = ((60, 70), (90, 25), (75, 3), (120, 2))
    name_suffix: Tuple[str, float] = ("", 0.0)  # appended to some names: (" AFG", 0.3)
    group_share: float = 0.5
    one_per_host: bool = False  # each building holds one of these meetings at most
    extras: Mapping[str, float] = field(default_factory=dict)  # tag -> chance


_FOCUS_NAMES: Dict[str, Tuple[str, ...]] = {
    "women": ("{core} Women's Meeting", "Women's {core}", "{core} Women's Circle"),
    "men": ("{core} Men's Stag", "Men's {core}", "{core} Men's Meeting"),
    "lgbtq": ("{core} Rainbow Group", "Pride in Recovery", "Out and About {core}", "Rainbow {core}"),
    "young": ("Young and Free", "{core} Young People", "{core} Under 35"),
    "beginners": ("{core} Beginners", "Newcomers {core}", "{core} Newcomers Meeting"),
}
_FORMAT_NAMES: Dict[str, Tuple[str, ...]] = {
    "big_book": ("{core} Big Book Study", "Big Book {core}"),
    "step": ("{core} Step Study", "{core} Steps"),
    "traditions": ("{core} 12 & 12",),
    "speaker": ("{core} Speaker Meeting", "{core} Speakers"),
    "candlelight": ("{core} Candlelight", "Candlelight {core}"),
    "meditation": ("{core} Meditation", "Eleventh Step {core}"),
    "literature": ("{core} Literature Study",),
    "daily_reflections": ("{core} Daily Reflections",),
    "discussion": ("{core} Discussion",),
    "basic_text": ("{core} Basic Text Study",),
    "jft": ("{core} JFT",),
    "living_clean": ("{core} Living Clean Study",),
    "it_works": ("{core} It Works Study",),
}
_NOTES = (
    "Fragrance-free meeting.",
    "Coffee is on at 15 minutes before; bring a mug.",
    "Literature available; newcomers welcome.",
    "Birthday celebrations at the last meeting of the month.",
    "Outdoor patio in the cooler months; inside from June to September.",
    "Please silence phones.",
    "Contributions welcome, never required.",
    "Meets in the small room when the main hall is booked.",
)
_ONLINE_NOTES = (
    "Meeting ID and passcode on the intergroup page.",
    "Cameras optional; the room opens 10 minutes early.",
    "Rename yourself with a first name only, please.",
)
_SPANISH_NOTES = (
    "Reunión en español.",
    "Entrada por la puerta lateral; estacionamiento atrás.",
    "Todos son bienvenidos; café y literatura disponibles.",
)
_WEEKDAY_SLOTS = (
    (360, 4),
    (390, 6),
    (420, 6),
    (450, 2),
    (480, 2),
    (510, 1),
    (540, 1),
    (570, 0.5),
    (600, 1),
    (630, 0.3),
    (660, 0.5),
    (720, 10),
    (735, 2),
    (780, 1),
    (900, 0.5),
    (1020, 2),
    (1050, 6),
    (1080, 9),
    (1110, 8),
    (1140, 12),
    (1170, 8),
    (1200, 8),
    (1230, 3),
    (1260, 2),
    (1320, 1),
)
_WEEKEND_SLOTS = (
    (360, 3),
    (390, 4),
    (420, 6),
    (450, 4),
    (480, 7),
    (510, 5),
    (540, 6),
    (570, 3),
    (600, 5),
    (630, 2),
    (660, 2),
    (720, 5),
    (735, 0.5),
    (780, 1),
    (900, 1),
    (1020, 2),
    (1050, 3),
    (1080, 5),
    (1110, 4),
    (1140, 8),
    (1170, 4),
    (1200, 6),
    (1230, 2),
    (1260, 2),
    (1320, 1.5),
)
_EXTRAS = {"secular": 0.02, "fragrance_free": 0.03, "outdoor": 0.02, "babysitting": 0.02, "birthday": 0.03}

_PROFILES: Dict[Fellowship, _Profile] = {
    Fellowship.aa: _Profile(
        fellowship=Fellowship.aa,
        site="desert-intergroup.example.org",
        cores=(
            "Desert Hope",
            "Palm Canyon",
            "Mountain View",
            "Keep It Simple",
            "Easy Does It",
            "Happy Destiny",
            "Road to Recovery",
            "Came to Believe",
            "Stepping Stones",
            "Oasis",
            "Into Action",
            "Back to Basics",
            "Primary Purpose",
            "Joy of Living",
            "Design for Living",
            "Attitude of Gratitude",
            "Sobriety First",
            "Open Door",
            "Vision for You",
            "Miracle on the Mesa",
            "High Desert Sobriety",
            "Trudgers",
            "Spiritual Awakening",
            "New Beginnings",
            "Serenity Seekers",
            "Living Sober",
            "Clean Slate",
            "Sandstone",
            "Cove Sobriety",
            "Windmill",
            "Smoke Tree",
            "Big Sky",
            "Sober Sundays",
            "Free at Last",
            "Pass Area",
            "Valley Fellowship",
            "Tramway",
            "Ironwood",
            "Hilltop",
            "Twelve and Twelve",
        ),
        early=("Sunrise Serenity", "Early Birds", "Dawn Patrol", "Coffee and Promises", "First Light"),
        noon=("Noon Lifeline", "Nooners", "Lunch Bunch", "Midday Reprieve", "High Noon"),
        late=("Late Night Lifeline", "Midnight Oasis", "Night Owls", "After Hours"),
        spanish=(
            "Grupo Amanecer",
            "Nueva Vida",
            "Un Día a la Vez",
            "Esperanza del Desierto",
            "Renacer",
            "Sendero de Luz",
            "Grupo Libertad",
            "Volver a Vivir",
            "Paz y Serenidad",
            "Fe y Esperanza",
        ),
        attendance={"in_person": 0.72, "hybrid": 0.16, "online": 0.12},
        remote_share=0.35,
        open_share=0.55,
        focus={"": 62, "women": 8, "men": 6, "lgbtq": 4, "young": 4, "spanish": 6, "beginners": 5},
        formats={
            "discussion": 30,
            "speaker": 12,
            "big_book": 14,
            "step": 12,
            "traditions": 4,
            "literature": 6,
            "meditation": 4,
            "candlelight": 3,
            "daily_reflections": 4,
        },
        venue_kinds={"church": 3, "club": 4, "civic": 1.5, "clinic": 1},
        series=(0.04, 0.08, 0.2),
        day_list_share=0.35,
        group_share=0.6,
        extras=_EXTRAS,
    ),
    Fellowship.na: _Profile(
        fellowship=Fellowship.na,
        site="desert-area-na.example.org",
        cores=(
            "Just for Today",
            "Clean and Serene",
            "Miracles Happen",
            "Recovery in the Desert",
            "Freedom Seekers",
            "Never Alone",
            "Spiritual Awakenings",
            "Desert Dwellers",
            "No Matter What",
            "Surrender at Sunset",
            "Keep Coming Back",
            "New Way of Life",
            "Clean Desert",
            "Hope Without Dope",
            "Together We Can",
            "Came to Believe",
            "Clean Air",
            "Mesa Miracles",
            "Simply Clean",
            "The Journey Continues",
        ),
        early=("Early Risers", "Clean at Dawn", "Sunrise Surrender"),
        noon=("Noon Clean Break", "Lunchtime Recovery", "Midday Miracles"),
        late=("Night Owls NA", "Late Night Clean"),
        spanish=("Sólo por Hoy", "Libres y Limpios", "Nuevo Amanecer", "Renacer en el Desierto", "Milagros del Valle"),
        attendance={"in_person": 0.7, "hybrid": 0.15, "online": 0.15},
        remote_share=0.0,
        open_share=0.65,
        focus={"": 66, "women": 8, "men": 6, "lgbtq": 4, "young": 5, "spanish": 6, "beginners": 5},
        formats={
            "discussion": 25,
            "basic_text": 16,
            "jft": 12,
            "step": 12,
            "speaker": 8,
            "living_clean": 4,
            "it_works": 4,
            "candlelight": 3,
            "meditation": 2,
        },
        venue_kinds={"church": 3, "club": 3, "civic": 1.5, "clinic": 1.5},
        series=(0.03, 0.06, 0.2),
        day_list_share=0.0,
        extras={},
    ),
    Fellowship.al_anon: _Profile(
        fellowship=Fellowship.al_anon,
        site="desert-al-anon.example.org",
        cores=(
            "Serenity Seekers",
            "Hope for Today",
            "Courage to Change",
            "One Day at a Time",
            "Paths to Recovery",
            "Desert Family",
            "Keep It Simple",
            "Detachment with Love",
            "Serenity in the Sun",
            "How Al-Anon Works",
            "Valley Hope",
            "Gratitude Group",
        ),
        early=("Morning Serenity",),
        noon=("Lunchtime Serenity", "Noon Al-Anon"),
        late=("Evening Reflections",),
        spanish=("Grupo Esperanza", "Valor para Cambiar", "Paso a Paso"),
        attendance={"in_person": 0.7, "hybrid": 0.15, "online": 0.15},
        remote_share=0.3,
        open_share=0.35,
        focus={"": 70, "women": 6, "men": 4, "spanish": 6, "beginners": 8},
        formats={"discussion": 30, "step": 12, "literature": 14, "speaker": 4, "traditions": 3},
        venue_kinds={"church": 5, "civic": 2, "clinic": 1.5},
        series=(0.0, 0.03, 0.12),
        day_list_share=0.3,
        name_suffix=(" AFG", 0.35),
        group_share=0.3,
        extras={"alateen": 0.1, "babysitting": 0.05},
    ),
    Fellowship.ca: _Profile(
        fellowship=Fellowship.ca,
        site="desert-ca.example.org",
        cores=(
            "Desert Freedom",
            "Hope and Freedom",
            "Clean and Sober",
            "Coachella Valley",
            "Freedom from Bondage",
            "Clean Time",
            "Second Chance",
            "Life on Life's Terms",
        ),
        early=("Morning Clean and Sober",),
        noon=("Noon Freedom",),
        late=("Friday Night Freedom",),
        spanish=("Vida Limpia", "Libertad"),
        attendance={"in_person": 0.8, "hybrid": 0.1, "online": 0.1},
        remote_share=0.0,
        open_share=0.6,
        focus={"": 75, "lgbtq": 6, "spanish": 6, "men": 5, "women": 5},
        formats={"speaker": 14, "step": 12, "discussion": 18, "big_book": 6},
        venue_kinds={"church": 2, "club": 4, "civic": 1},
        series=(0.0, 0.0, 0.15),
        day_list_share=0.2,
        name_suffix=(" CA", 0.4),
        group_share=0.4,
        extras={},
    ),
    Fellowship.smart: _Profile(
        fellowship=Fellowship.smart,
        site="smart-desert.example.org",
        cores=(
            "SMART Recovery {city}",
            "SMART Recovery {city} Evening",
            "SMART Tools and Tips",
            "SMART Recovery Check-In",
            "SMART Family & Friends",
            "SMART Recovery Open Discussion",
            "SMART Recovery Weekend",
            "SMART Recovery Cost-Benefit Workshop",
        ),
        early=("SMART Recovery Morning",),
        noon=("SMART Recovery Lunch Break",),
        late=("SMART Recovery Night Owls",),
        spanish=("SMART Recovery en Español",),
        attendance={"in_person": 0.3, "hybrid": 0.1, "online": 0.6},
        remote_share=0.5,
        open_share=1.0,
        focus={"": 80, "women": 6, "young": 5, "spanish": 3},
        formats={},
        venue_kinds={"civic": 3, "clinic": 4, "church": 1},
        series=(0.0, 0.0, 0.12),
        day_list_share=0.3,
        group_share=0.0,
        extras={"discussion": 0.8},
    ),
    Fellowship.celebrate_recovery: _Profile(
        fellowship=Fellowship.celebrate_recovery,
        site="desert-celebrate.example.org",
        cores=("Celebrate Recovery at {host}",),
        early=(),
        noon=(),
        late=(),
        spanish=("Celebremos la Recuperación en {host}",),
        attendance={"in_person": 0.85, "hybrid": 0.15, "online": 0.0},
        remote_share=0.0,
        open_share=1.0,
        focus={"": 90, "spanish": 8},
        formats={},
        venue_kinds={"church": 1},
        series=(0.0, 0.0, 0.0),
        day_list_share=0.0,
        slots=((1080, 4), (1110, 3), (1140, 2)),
        days_weights=((0, 0.2), (1, 3), (2, 2), (3, 0.6), (4, 2), (5, 2), (6, 0.3)),
        durations=((150, 5), (120, 3), (180, 1)),
        group_share=0.0,
        one_per_host=True,
        extras={"babysitting": 0.5, "wheelchair": 0.5},
    ),
}
_CELEBRATE_NOTES = (
    "Dinner at 6 pm, large group worship, then open share groups for men and women.",
    "Large group, then open share groups; childcare for kids under 12.",
    "Step study groups meet after large group.",
)


def _zoom_url(rng: random.Random) -> str:
    host = rng.choice(("zoom.us", "zoom.us", "us02web.zoom.us", "us06web.zoom.us"))
    return f"https://{host}/j/{rng.randint(1_000_000_000, 99_999_999_999)}"


_AREA_CODES = {
    "America/Los_Angeles": ("669", "760"),
    "America/New_York": ("646", "929"),
    "America/Chicago": ("312",),
    "America/Denver": ("720",),
    "America/Phoenix": ("602",),
}


def _phone(rng: random.Random, timezone: str, meeting_id: Optional[str]) -> str:
    area = rng.choice(_AREA_CODES.get(timezone, ("669", "346")))
    line = f"01{rng.randint(0, 99):02d}"
    if meeting_id and rng.random() < 0.5:
        return f"+1{area}555{line},,{meeting_id}#"
    if rng.random() < 0.3:
        return f"+1 {area} 555 {line}"
    return f"+1{area}555{line}"


def _name(
    profile: _Profile, rng: random.Random, start: int, focus: str, formats: Sequence[str], venue: Optional[Venue], home: Place
) -> Tuple[str, str]:
    """The meeting's name, and the plain core of it a group would be called by."""
    if focus == "spanish":
        name = core = rng.choice(profile.spanish)
    else:
        if start < 600 and profile.early and rng.random() < 0.6:
            core = rng.choice(profile.early)
        elif 690 <= start <= 780 and profile.noon and rng.random() < 0.6:
            core = rng.choice(profile.noon)
        elif start >= 1290 and profile.late and rng.random() < 0.7:
            core = rng.choice(profile.late)
        else:
            core = rng.choice(profile.cores)
        name = core
        if focus in _FOCUS_NAMES and rng.random() < 0.85:
            name = rng.choice(_FOCUS_NAMES[focus]).format(core=core)
        elif formats and formats[0] in _FORMAT_NAMES and rng.random() < 0.45:
            name = rng.choice(_FORMAT_NAMES[formats[0]]).format(core=core)
        suffix, share = profile.name_suffix
        if suffix and rng.random() < share:
            name += suffix
    host = venue.host if venue is not None else f"{home.city} Online"
    return name.format(city=home.city, host=host), core.format(city=home.city, host=host)


def _days(profile: _Profile, rng: random.Random) -> Tuple[int, ...]:
    daily, weekdays, few = profile.series
    roll = rng.random()
    if roll < daily:
        return tuple(range(7))
    if roll < daily + weekdays:
        return (1, 2, 3, 4, 5)
    if roll < daily + weekdays + few:
        picked = {_pick(rng, profile.days_weights) for _ in range(rng.choice((2, 3)))}
        return tuple(sorted(picked))
    return (_pick(rng, profile.days_weights),)


def _start(profile: _Profile, rng: random.Random, days: Sequence[int]) -> int:
    if profile.slots is not None:
        slots = profile.slots
    else:
        slots = _WEEKEND_SLOTS if len(days) == 1 and days[0] in (0, 6) else _WEEKDAY_SLOTS
    return _pick(rng, slots)


VenuePicker = Callable[[random.Random, Mapping[str, float]], Venue]


def _plan(
    profile: _Profile,
    rng: random.Random,
    region: Region,
    pick_venue: VenuePicker,
    *,
    attendance: Optional[str] = None,
    remote: Optional[bool] = None,
    home: Optional[Place] = None,  # where an online meeting is hosted
    focus: Optional[str] = None,
    days: Optional[Tuple[int, ...]] = None,
    day_list: Optional[bool] = None,
    start: Optional[int] = None,
    temp_closed: Optional[str] = None,  # "online" (moved online for now) or "dark" (no link)
    show_timezone: Optional[bool] = None,
) -> _Plan:
    """One group's meeting, drawn from the profile; keyword arguments pin what must be so."""
    if attendance is None:
        attendance = _pick(rng, profile.attendance)
    if days is None:  # a closed building is one group's problem, on its one day
        days = (_pick(rng, profile.days_weights),) if temp_closed else _days(profile, rng)
    if start is None:
        start = _start(profile, rng, days)
    if focus is None:
        focus = _pick(rng, profile.focus)
    formats: List[str] = []
    if profile.formats:
        formats.append(_pick(rng, profile.formats))
        if rng.random() < 0.15:
            second = _pick(rng, profile.formats)
            if second not in formats:
                formats.append(second)
    venue: Optional[Venue] = None
    if attendance == "online":
        if home is None:
            if remote is None:
                remote = rng.random() < profile.remote_share
            home = rng.choice(_remote_places()) if remote else region.pick(rng)
    else:
        venue = pick_venue(rng, profile.venue_kinds)
        home = venue.place
    tags: List[str] = ["open" if rng.random() < profile.open_share else "closed"]
    if focus:
        tags.append(focus)
    tags.extend(formats)
    if venue is not None and rng.random() < 0.45:
        tags.append("wheelchair")
    for extra, share in profile.extras.items():
        needs_room = extra in ("outdoor", "wheelchair", "babysitting")
        if extra not in tags and rng.random() < share and (venue is not None or not needs_room):
            tags.append(extra)
    if temp_closed:
        tags.append("temp_closed")
    if attendance == "online" and rng.random() < 0.5:
        tags.append("online")

    name, core = _name(profile, rng, start, focus, formats, venue, home)
    group = None
    if profile.group_share and rng.random() < profile.group_share:
        if focus == "spanish":
            group = core if core.startswith("Grupo") else f"Grupo {core}"
        else:
            group = core if core.endswith("Group") else f"{core} Group"
    duration = _pick(rng, profile.durations)
    if any(tag in ("big_book", "step", "speaker") for tag in formats) and rng.random() < 0.3:
        duration = 90
    if day_list is None:
        day_list = len(days) > 1 and rng.random() < profile.day_list_share
    plan = _Plan(
        name=name,
        group=group,
        days=days,
        day_list=day_list,
        start=start,
        duration=duration,
        show_end=rng.random() < 0.88,
        attendance=attendance,
        tags=tuple(tags),
        venue=venue,
        home=home,
        show_timezone=(home.timezone != region.timezone or rng.random() < 0.5) if show_timezone is None else show_timezone,
        only_formatted_address=venue is not None and rng.random() < 0.05,
    )
    wants_link = attendance != "in_person" or temp_closed == "online"
    if wants_link:
        plan.conference_url = _zoom_url(rng)
        meeting_id = plan.conference_url.rsplit("/", 1)[1]
        if rng.random() < 0.35:
            plan.conference_url_notes = rng.choice(
                (
                    f"Passcode: {rng.randint(1000, 999999)}",
                    "Passcode by email from the intergroup office.",
                    "Meeting ID and passcode on the intergroup page.",
                )
            )
        if rng.random() < 0.5:
            plan.conference_phone = _phone(rng, home.timezone, meeting_id)
            if "," not in plan.conference_phone and rng.random() < 0.6:
                plan.conference_phone_notes = f"Meeting ID {meeting_id}"
    if temp_closed == "online":
        plan.notes = "The building is closed for repairs; meeting online until it reopens."
    elif temp_closed == "dark":
        plan.notes = "Temporarily not meeting; check back with the intergroup office."
    elif profile.fellowship is Fellowship.celebrate_recovery:
        plan.notes = rng.choice(_CELEBRATE_NOTES)
    elif focus == "spanish" and rng.random() < 0.5:
        plan.notes = rng.choice(_SPANISH_NOTES)
    elif attendance == "online":
        if rng.random() < 0.3:
            plan.notes = rng.choice(_ONLINE_NOTES)
    elif rng.random() < 0.2:
        plan.notes = rng.choice(_NOTES)
    return plan


def _pool_picker(venues: Sequence[Venue], one_per_host: bool = False) -> VenuePicker:
    club_weight = {"club": 2.5, "church": 1.5, "civic": 1.0, "clinic": 1.0}  # clubs host many meetings
    used_hosts: set = set()

    def pick(rng: random.Random, kinds: Mapping[str, float]) -> Venue:
        candidates = [venue for venue in venues if kinds.get(venue.kind) and not (one_per_host and venue.host in used_hosts)] or [
            venue for venue in venues if kinds.get(venue.kind)
        ]
        weights = [kinds[venue.kind] * club_weight[venue.kind] for venue in candidates]
        venue = rng.choices(candidates, weights=weights)[0]
        used_hosts.add(venue.host)
        return venue

    return pick


def _forced(profile: _Profile) -> List[Dict[str, Any]]:
    """Meetings every demo file of this fellowship has, whatever the dice say."""
    if profile.fellowship is Fellowship.aa:
        forced: List[Dict[str, Any]] = [
            dict(start=1380, days=(5, 6), attendance="in_person"),  # Friday and Saturday 23:00
            dict(start=1410, days=tuple(range(7)), day_list=True, attendance="hybrid"),  # nightly 23:30
            dict(start=720, days=(1, 2, 3, 4, 5), day_list=True, attendance="in_person"),
            dict(start=390, days=tuple(range(7)), day_list=True, attendance="in_person"),
            dict(start=1140, days=(2, 4), day_list=True, attendance="hybrid"),
        ]
        for _ in range(4):
            forced.append(dict(attendance="in_person", temp_closed="online"))
        for _ in range(2):
            forced.append(dict(attendance="in_person", temp_closed="dark"))
        for first in range(0, len(_REMOTE_ZIPS), 3):  # two meetings from each of the four zones
            forced.append(dict(attendance="online", home=_remote_places()[first]))
            forced.append(dict(attendance="online", home=_remote_places()[first + 1]))
        forced += [dict(focus=focus) for focus in ("spanish", "spanish", "spanish", "lgbtq", "young", "women", "men")]
        return forced
    if profile.fellowship is Fellowship.na:
        return [
            dict(start=1380, days=(5, 6), attendance="in_person"),
            dict(attendance="in_person", temp_closed="dark"),
            dict(attendance="in_person", temp_closed="dark"),
            dict(focus="spanish"),
            dict(focus="spanish"),
            dict(focus="lgbtq"),
            dict(focus="young"),
            dict(attendance="online"),
            dict(attendance="hybrid"),
        ]
    if profile.fellowship is Fellowship.smart:
        return [dict(attendance="in_person"), dict(attendance="in_person"), dict(attendance="online", remote=True)]
    if profile.fellowship is Fellowship.celebrate_recovery:
        return [dict(attendance="hybrid"), dict(attendance="in_person", focus="spanish")]
    return [dict(attendance="online"), dict(attendance="hybrid"), dict(focus="spanish")]


def _plans(
    profile: _Profile,
    rng: random.Random,
    count: int,
    region: Region,
    pick_venue: VenuePicker,
    rows_per_plan: Callable[[_Plan], int],
) -> List[_Plan]:
    """Plans adding up to exactly ``count`` rows; the last one loses days if need be."""
    plans: List[_Plan] = []
    total = 0
    for spec in _forced(profile):
        if total >= count:
            break
        plan = _plan(profile, rng, region, pick_venue, **spec)
        plans.append(plan)
        total += rows_per_plan(plan)
    while total < count:
        plan = _plan(profile, rng, region, pick_venue)
        plans.append(plan)
        total += rows_per_plan(plan)
    while total > count:  # drop the last plan, or some of its days
        last, excess = plans[-1], total - count
        rows = rows_per_plan(last)
        if rows <= excess:
            plans.pop()
            total -= rows
        else:  # several rows, one per day: keep the first days
            last.days = last.days[: rows - excess]
            total = count
    return plans


# --------------------------------------------------------------------------------------------
# Writing plans as feed rows


_HHMM = tuple(f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(24 * 60))


def _hhmm(minutes: int) -> str:
    return _HHMM[minutes % (24 * 60)]


_UPDATED_DATES = tuple((dt.date(2026, 1, 3) + dt.timedelta(days=offset)).isoformat() for offset in range(85))


def _updated(rng: random.Random) -> str:
    """A time in the first quarter of 2026, as Meeting Guide writes it (UTC)."""
    seconds = rng.randrange(86_400)
    return f"{rng.choice(_UPDATED_DATES)} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_slug_cache: Dict[str, str] = {}


def slugify(text: str) -> str:
    slug = _slug_cache.get(text)
    if slug is None:
        import unicodedata

        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        slug = _SLUG_DROP.sub("-", plain.lower().replace("&", "and").replace("'", "")).strip("-")[:56]
        _slug_cache[text] = slug
    return slug


_OPTIONAL_FIELDS = (
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "notes",
    "group",
)


def _meeting_guide_rows(plan: _Plan, rng: random.Random) -> List[MeetingGuideRow]:
    """The plan's rows; slug and url are filled in once the whole feed is known."""
    day_values: List[Union[int, List[int]]] = [list(plan.days)] if plan.day_list else list(plan.days)
    codes = [MEETING_GUIDE_CODES[tag] for tag in plan.tags if tag in MEETING_GUIDE_CODES]
    updated = _updated(rng)  # a group's rows are edited together
    rows = []
    for day in day_values:
        row: MeetingGuideRow = {"name": plan.name, "slug": "", "day": day, "time": _hhmm(plan.start)}
        if plan.show_end:
            row["end_time"] = _hhmm(plan.start + plan.duration)
        if plan.show_timezone:
            row["timezone"] = plan.timezone
        row["types"] = list(codes)
        venue = plan.venue
        if venue is not None:
            row["location"] = venue.name
            if venue.notes:
                row["location_notes"] = venue.notes
            if not plan.only_formatted_address:
                row["address"] = venue.address
                row["city"] = venue.place.city
                row["state"] = venue.place.state
                row["postal_code"] = venue.place.postal_code
                row["country"] = "US"
            row["formatted_address"] = venue.formatted_address
            row["latitude"] = venue.latitude
            row["longitude"] = venue.longitude
        else:
            row["formatted_address"] = f"{plan.home.city}, {plan.home.state}, USA"
            row["approximate"] = "yes"
        for key in _OPTIONAL_FIELDS:
            value = getattr(plan, key)
            if value:
                row[key] = value
        row["url"] = ""
        row["updated"] = updated
        rows.append(row)
    return rows


def _finish_meeting_guide(rows: List[MeetingGuideRow], site: str) -> List[MeetingGuideRow]:
    """Sorts by day and time, as intergroup sites list them, and gives each row a unique slug."""

    def first_day(row: MeetingGuideRow) -> int:
        return row["day"][0] if isinstance(row["day"], list) else row["day"]

    rows.sort(key=lambda row: (first_day(row), row["time"], row["name"]))
    used: Dict[str, int] = {}
    for row in rows:
        base = slugify(row["name"]) or "meeting"
        used[base] = used.get(base, 0) + 1
        row["slug"] = base if used[base] == 1 else f"{base}-{used[base]}"
        row["url"] = f"https://{site}/meetings/{row['slug']}"
    return rows


def meeting_guide_feed(
    rng: random.Random,
    count: int,
    fellowship: Fellowship = Fellowship.aa,
    region: Optional[Region] = None,
    venues: Optional[Sequence[Venue]] = None,
) -> List[MeetingGuideRow]:
    """``count`` Meeting Guide rows of one fellowship, sorted by day and time.

    ``venues`` are shared with other feeds (an Alano club hosts AA and NA); without them the feed
    makes its own. Fellowships without a profile of their own (MA, CMA, ...) are written like AA.
    """
    region = region or desert_region()
    profile = _PROFILES.get(fellowship, _PROFILES[Fellowship.aa])
    pool = list(venues) if venues is not None else venue_pool(rng, region, max(12, count // 3))
    plans = _plans(
        profile, rng, count, region, _pool_picker(pool, profile.one_per_host), lambda plan: 1 if plan.day_list else len(plan.days)
    )
    rows = [row for plan in plans for row in _meeting_guide_rows(plan, rng)]
    return _finish_meeting_guide(rows, profile.site)


_SERVICE_BODIES = {
    "Yucca Valley": "42",
    "Twentynine Palms": "42",
    "Banning": "43",
    "Beaumont": "43",
    "Riverside": "43",
    "Hemet": "43",
    "Temecula": "43",
}
_BMLT_SHARE_IDS = {key: number for key, number in BMLT_FORMATS.values()}


def _bmlt_rows(plan: _Plan, rng: random.Random, next_id: Callable[[], int]) -> List[BmltRow]:
    venue_type = {"in_person": "1", "online": "2", "hybrid": "3"}[plan.attendance]
    tags = [tag for tag in plan.tags if tag != "online"]
    if plan.attendance in ("online", "hybrid"):
        tags.append(plan.attendance)
    keys = [BMLT_FORMATS[tag][0] for tag in tags if tag in BMLT_FORMATS]
    shared = sorted(BMLT_FORMATS[tag][1] for tag in tags if tag in BMLT_FORMATS)
    place = plan.home
    if plan.venue is not None:
        latitude, longitude = plan.venue.latitude, plan.venue.longitude
    else:  # a virtual meeting keeps the service body's default spot, as BMLT servers do
        latitude, longitude = place.latitude, place.longitude
    info = ""
    if plan.venue is not None and rng.random() < 0.35:
        info = rng.choice(("Room 3", "Back patio", "Upstairs", "Room B", "Side building", "Library"))
    extra = plan.conference_url_notes or ""
    if plan.conference_phone_notes:
        extra = f"{extra} {plan.conference_phone_notes}".strip()
    duration = f"{plan.duration // 60:02d}:{plan.duration % 60:02d}:00"
    rows = []
    for day in plan.days:
        rows.append(
            {
                "id_bigint": str(next_id()),
                "worldid_mixed": f"G{rng.randint(1, 999999):08d}" if rng.random() < 0.7 else "",
                "service_body_bigint": _SERVICE_BODIES.get(place.city, "41"),
                "weekday_tinyint": str(day + 1),
                "venue_type": venue_type,
                "start_time": f"{_hhmm(plan.start)}:00",
                "duration_time": duration if rng.random() < 0.96 else "",
                "time_zone": plan.timezone if plan.show_timezone else "",
                "formats": ",".join(keys),
                "format_shared_id_list": ",".join(str(number) for number in shared),
                "lang_enum": "es" if "spanish" in plan.tags else "en",
                "longitude": f"{longitude}",
                "latitude": f"{latitude}",
                "meeting_name": plan.name,
                "location_text": plan.venue.name if plan.venue else "",
                "location_info": info,
                "location_street": plan.venue.address if plan.venue else "",
                "location_city_subsection": "",
                "location_neighborhood": "",
                "location_municipality": place.city,
                "location_sub_province": "Riverside",
                "location_province": place.state,
                "location_postal_code_1": place.postal_code if plan.venue else "",
                "location_nation": "US",
                "comments": plan.notes or "",
                "virtual_meeting_link": plan.conference_url or "",
                "phone_meeting_number": plan.conference_phone or "",
                "virtual_meeting_additional_info": extra,
                "published": "1",
            }
        )
    return rows


def bmlt_feed(
    rng: random.Random,
    count: int,
    region: Optional[Region] = None,
    venues: Optional[Sequence[Venue]] = None,
) -> List[BmltRow]:
    """``count`` NA rows as BMLT's GetSearchResults gives them (all strings), by weekday and time."""
    region = region or desert_region()
    profile = _PROFILES[Fellowship.na]
    pool = list(venues) if venues is not None else venue_pool(rng, region, max(12, count // 3))
    plans = _plans(profile, rng, count, region, _pool_picker(pool), lambda plan: len(plan.days))
    last = [rng.randint(1200, 1900)]

    def next_id() -> int:  # ids grow with gaps, as on a server where meetings come and go
        last[0] += rng.randint(1, 9)
        return last[0]

    rows = [row for plan in plans for row in _bmlt_rows(plan, rng, next_id)]
    rows.sort(key=lambda row: (int(row["weekday_tinyint"]), row["start_time"], row["meeting_name"], row["id_bigint"]))
    return rows


# --------------------------------------------------------------------------------------------
# The demo files and the bulk rows

# file name -> (format, fellowship, row count)
DEMO_FILES: Dict[str, Tuple[str, Fellowship, int]] = {
    "aa-desert-intergroup.json": ("meeting_guide", Fellowship.aa, 320),
    "na-desert-area.json": ("bmlt", Fellowship.na, 160),
    "smart-recovery.json": ("meeting_guide", Fellowship.smart, 45),
    "al-anon.json": ("meeting_guide", Fellowship.al_anon, 40),
    "ca.json": ("meeting_guide", Fellowship.ca, 20),
    "celebrate-recovery.json": ("meeting_guide", Fellowship.celebrate_recovery, 15),
}


def build_demo(seed: int = DEFAULT_SEED) -> Dict[str, List[Dict[str, Any]]]:
    """Every demo file's rows. Each file has its own generator, so resizing one leaves the rest."""
    region = desert_region()
    venues = venue_pool(random.Random(f"{seed}:venues"), region, 120)
    feeds: Dict[str, List[Dict[str, Any]]] = {}
    for file_name, (feed_format, fellowship, count) in DEMO_FILES.items():
        rng = random.Random(f"{seed}:{file_name}")
        if feed_format == "bmlt":
            feeds[file_name] = list(bmlt_feed(rng, count, region, venues))
        else:
            feeds[file_name] = meeting_guide_feed(rng, count, fellowship, region, venues)
    return feeds


def dumps(rows: Sequence[Mapping[str, Any]]) -> str:
    """The text a demo file holds: indented JSON, keys in the order written, a final newline."""
    return json.dumps(list(rows), indent=1, ensure_ascii=False) + "\n"


def write_demo(directory: Path = DEMO_DIR, seed: int = DEFAULT_SEED) -> Dict[str, int]:
    """Writes the demo feeds into ``directory`` (data/meetings/demo); returns file name -> rows."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for file_name, rows in build_demo(seed).items():
        (directory / file_name).write_text(dumps(rows), encoding="utf-8")
        counts[file_name] = len(rows)
    return counts


def bulk_meeting_guide(count: int, seed: int = DEFAULT_SEED) -> List[MeetingGuideRow]:
    """``count`` AA-style Meeting Guide rows spread over every US ZIP (all its timezones).

    Each row is one day (no lists), every row says its timezone, and slugs are unique.
    """
    region = united_states()
    rng = random.Random(f"{seed}:bulk")
    profile = _PROFILES[Fellowship.aa]

    # Venues host several meetings each; any kind will do for AA.
    venues = [make_venue(rng, region.pick(rng)) for _ in range(max(20, count // 4))]

    def any_venue(rng: random.Random, kinds: Mapping[str, float]) -> Venue:
        return rng.choice(venues)

    rows: List[MeetingGuideRow] = []
    while len(rows) < count:
        plan = _plan(profile, rng, region, any_venue, remote=False, day_list=False, show_timezone=True)
        for row in _meeting_guide_rows(plan, rng):
            if len(rows) == count:
                break
            row["slug"] = f"{slugify(row['name'])}-{len(rows) + 1}"
            row["url"] = f"https://bulk-intergroup.example.org/meetings/{row['slug']}"
            rows.append(row)
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.meetings_demo", description="Regenerate the demo feeds in data/meetings/demo/."
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    for name, rows in write_demo(DEMO_DIR, seed=args.seed).items():
        print(f"{name}: {rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
