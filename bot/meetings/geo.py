"""Where the person is, resolved offline: a US ZIP code, "city, state", or coordinates.

The ``zipcodes`` package carries every US ZIP with its centre and timezone, so nothing is fetched
at run time. A city is the centre of its ZIP codes; coordinates take the nearest ZIP's timezone.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

EARTH_RADIUS_MILES = 3958.8

STATES = {
    "AL": "alabama",
    "AK": "alaska",
    "AZ": "arizona",
    "AR": "arkansas",
    "CA": "california",
    "CO": "colorado",
    "CT": "connecticut",
    "DE": "delaware",
    "DC": "district of columbia",
    "FL": "florida",
    "GA": "georgia",
    "HI": "hawaii",
    "ID": "idaho",
    "IL": "illinois",
    "IN": "indiana",
    "IA": "iowa",
    "KS": "kansas",
    "KY": "kentucky",
    "LA": "louisiana",
    "ME": "maine",
    "MD": "maryland",
    "MA": "massachusetts",
    "MI": "michigan",
    "MN": "minnesota",
    "MS": "mississippi",
    "MO": "missouri",
    "MT": "montana",
    "NE": "nebraska",
    "NV": "nevada",
    "NH": "new hampshire",
    "NJ": "new jersey",
    "NM": "new mexico",
    "NY": "new york",
    "NC": "north carolina",
    "ND": "north dakota",
    "OH": "ohio",
    "OK": "oklahoma",
    "OR": "oregon",
    "PA": "pennsylvania",
    "RI": "rhode island",
    "SC": "south carolina",
    "SD": "south dakota",
    "TN": "tennessee",
    "TX": "texas",
    "UT": "utah",
    "VT": "vermont",
    "VA": "virginia",
    "WA": "washington",
    "WV": "west virginia",
    "WI": "wisconsin",
    "WY": "wyoming",
    "PR": "puerto rico",
    "GU": "guam",
    "VI": "virgin islands",
}
_STATE_BY_NAME = {name: code for code, name in STATES.items()}
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
# A city only counts after a word that introduces a place, or followed by its state, or alone:
# "meeting in Hope" is a town, "I have hope" is not.
# Spanish: "en Indio", "cerca de Indio" (two words, below).
_PLACE_CUE = r"(?:in|near|around|by|at|close to|nearby|from|about|en)"  # "about": "what about Indio?"
_TWO_WORD_CUES = ("close to", "closer to", "nearer to", "cerca de", "alrededor de")
# Everyday Spanish after "en" that is also a town somewhere: "en casa" (Casa, AR), "en una hora"
# (Una, SC), "en el centro" (downtown, not El Centro). With its state the town still counts.
_NOT_PLACES_AFTER_EN = frozenset(
    {"una", "uno", "media", "medio", "casa", "mayo", "pueblo", "costa", "vida", "buena", "el centro", "centro", "california"}
)
_WORD = re.compile(r"[a-z0-9.'-]+")
_TOKEN = re.compile(r"[a-z0-9.'-]+|,")
# "St. Louis", "Mt. Shasta", "Ft. Myers": the package spells most such names out ("Saint Louis").
_SHORT_FIRST_WORD = re.compile(r"^(?:(st)|(mt)|(ft))\.?(?= )")


def _city_key(words: str) -> str:
    """A city name as looked up: lower case, single spaces, a leading St./Mt./Ft. spelled out."""
    key = " ".join(_WORD.findall(words.casefold()))
    return _SHORT_FIRST_WORD.sub(lambda m: "saint" if m.group(1) else "mount" if m.group(2) else "fort", key)


@dataclass(frozen=True)
class Place:
    label: str  # "Palm Springs, CA 92262" or "Palm Springs, CA"
    latitude: float
    longitude: float
    timezone: str
    state: str
    postal_code: Optional[str] = None


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def distances_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Haversine from one point to many (degrees in, miles out; NaN where a coordinate is NaN)."""
    p1 = math.radians(lat)
    p2 = np.radians(lats)
    dp = p2 - p1
    dl = np.radians(lons - lon)  # the same operations, in the same order, as distance_miles
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def state_code(text: str) -> Optional[str]:
    cleaned = text.strip().strip(".").casefold()
    if cleaned.upper() in STATES:
        return cleaned.upper()
    return _STATE_BY_NAME.get(cleaned)


class Gazetteer:
    """US ZIP codes and cities, loaded once from the zipcodes package (about half a second)."""

    def __init__(self) -> None:
        import zipcodes  # imported here: loading its data is the slow part, done once

        self._zips: Dict[str, Place] = {}
        # (city folded, state) -> the package's spelling and the ZIP centres in it
        cities: Dict[Tuple[str, str], Tuple[str, List[Tuple[float, float, str]]]] = {}
        standard = set()
        for row in zipcodes.list_all():
            if not row.get("timezone") or not row.get("lat") or row.get("country", "US") != "US":
                continue
            lat, lon = float(row["lat"]), float(row["long"])
            city, state = row["city"], row["state"]
            self._zips[row["zip_code"]] = Place(
                f"{city}, {state} {row['zip_code']}", lat, lon, row["timezone"], state, row["zip_code"]
            )
            if row.get("zip_code_type") == "STANDARD":
                standard.add(row["zip_code"])
            if row.get("zip_code_type") != "MILITARY":
                cities.setdefault((_city_key(city), state), (city, []))[1].append((lat, lon, row["timezone"]))
        self._cities: Dict[Tuple[str, str], Place] = {}
        self._city_states: Dict[str, List[Tuple[str, int]]] = {}  # city -> [(state, ZIPs)]
        for (key, state), (spelling, points) in cities.items():
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
            zones = [p[2] for p in points]
            self._cities[(key, state)] = Place(f"{spelling}, {state}", lat, lon, max(set(zones), key=zones.count), state)
            self._city_states.setdefault(key, []).append((state, len(points)))
        self._longest_city = max(len(city.split()) for city in self._city_states)
        # Labels near a point come from delivery ZIPs, not PO boxes or single buildings.
        self._zip_codes = sorted(code for code in self._zips if code in standard)
        self._zip_lats = np.array([self._zips[c].latitude for c in self._zip_codes])
        self._zip_lons = np.array([self._zips[c].longitude for c in self._zip_codes])

    def by_zip(self, code: str) -> Optional[Place]:
        return self._zips.get(code[:5])

    def by_city(self, city: str, state: Optional[str] = None, prefer_state: Optional[str] = None) -> Optional[Place]:
        """A city's centre; without a state, the preferred state's city of that name, else the largest."""
        key = _city_key(city)
        if state is not None:
            return self._cities.get((key, state))
        candidates = self._city_states.get(key)
        if not candidates:
            return None
        chosen = next((s for s, _ in candidates if s == prefer_state), None)
        if chosen is None:
            chosen = max(candidates, key=lambda item: item[1])[0]
        return self._cities[(key, chosen)]

    def nearest(self, latitude: float, longitude: float) -> Place:
        """The ZIP nearest to a point: its timezone and a label for "near you"."""
        index = int(np.nanargmin(distances_miles(latitude, longitude, self._zip_lats, self._zip_lons)))
        zip_place = self._zips[self._zip_codes[index]]
        return Place(zip_place.label, latitude, longitude, zip_place.timezone, zip_place.state)

    def find(self, text: str, prefer_state: Optional[str] = None, whole: bool = False) -> Optional[Place]:
        """The place a message names: a ZIP code, "City, ST", "City, State", or "in City".

        ``whole`` says the message answers "where are you?", so a bare city name counts.
        """
        match = _ZIP.search(text)
        if match:
            place = self.by_zip(match.group(1))
            if place is not None:
                return place
        tokens = _TOKEN.findall(text.casefold())
        best: Optional[Place] = None
        best_len = 0
        for start in range(len(tokens)):
            for length in range(min(self._longest_city, len(tokens) - start), 0, -1):
                if length <= best_len:
                    break
                words = tokens[start : start + length]
                phrase = _city_key(" ".join(words))
                if "," in words or phrase not in self._city_states:
                    continue
                after = tokens[start + length :]
                state = self._state_after(after)
                cued = start > 0 and re.fullmatch(_PLACE_CUE, tokens[start - 1]) is not None
                cued = cued and not (tokens[start - 1] == "en" and phrase in _NOT_PLACES_AFTER_EN)
                cued = cued or (start > 1 and " ".join(tokens[start - 2 : start]) in _TWO_WORD_CUES)
                alone = whole and length == len([t for t in tokens if t != ","]) - (1 if state else 0)
                place = self.by_city(phrase, state) if state is not None else None
                # A bare two-letter word after the city may be an ordinary word, not a state:
                # "in Palm Springs in the evening", "Palm Springs or Indio".
                bare = state is not None and after[:1] != [","] and len(after[0]) == 2
                if place is None and (state is None or bare):
                    if not (cued or alone):
                        continue
                    place = self.by_city(phrase, prefer_state=prefer_state)
                if place is not None:
                    best, best_len = place, length
                # The longest name here is the place meant: "Palm Springs, NY" is not Palm, PA.
                break
        return best

    @staticmethod
    def _state_after(tokens: List[str]) -> Optional[str]:
        rest = tokens[1:] if tokens[:1] == [","] else tokens
        for length in (3, 2, 1):  # "district of columbia", "new mexico", "ca"
            if len(rest) >= length:
                code = state_code(" ".join(rest[:length]))
                if code is not None and (length > 1 or tokens[:1] == [","] or len(rest[0]) == 2):
                    return code
        return None


_gazetteer: Optional[Gazetteer] = None
_lock = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process's gazetteer, loaded on first use."""
    global _gazetteer
    with _lock:
        if _gazetteer is None:
            _gazetteer = Gazetteer()
    return _gazetteer
