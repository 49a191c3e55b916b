"""The demo meeting feeds: deterministic, current on disk, true to both feed formats, made up."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from tools.meetings_demo import DEMO_DIR, DEMO_FILES, build_demo, bulk_meeting_guide, dumps, write_demo

# The demo region (Coachella Valley to Riverside, Temecula and Twentynine Palms), with a margin.
SOUTH, WEST, NORTH, EAST = 33.35, -117.60, 34.30, -115.90

MEETING_GUIDE_CODES = {
    "11",
    "12x12",
    "A",
    "ABSI",
    "AL",
    "AL-AN",
    "ASL",
    "B",
    "BA",
    "BE",
    "BI",
    "BRK",
    "C",
    "CAN",
    "CF",
    "D",
    "DB",
    "DD",
    "DR",
    "FF",
    "G",
    "GR",
    "H",
    "L",
    "LGBTQ",
    "LIT",
    "LS",
    "M",
    "MED",
    "N",
    "NB",
    "O",
    "OUT",
    "P",
    "POA",
    "POC",
    "S",
    "SEN",
    "SM",
    "SP",
    "ST",
    "T",
    "TC",
    "TR",
    "W",
    "X",
    "XB",
    "XT",
    "Y",
    "ONL",
}
BMLT_KEYS = {
    "id_bigint",
    "worldid_mixed",
    "service_body_bigint",
    "weekday_tinyint",
    "venue_type",
    "start_time",
    "duration_time",
    "time_zone",
    "formats",
    "format_shared_id_list",
    "lang_enum",
    "longitude",
    "latitude",
    "meeting_name",
    "location_text",
    "location_info",
    "location_street",
    "location_city_subsection",
    "location_neighborhood",
    "location_municipality",
    "location_sub_province",
    "location_province",
    "location_postal_code_1",
    "location_nation",
    "comments",
    "virtual_meeting_link",
    "phone_meeting_number",
    "virtual_meeting_additional_info",
    "published",
}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
HHMMSS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
UPDATED = re.compile(r"^2026-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
ZOOM = re.compile(r"^https://([a-z0-9]+\.)?zoom\.us/j/\d{10,11}$")
FICTIONAL_PHONE = re.compile(r"^\+1 ?\d{3} ?555 ?01\d\d(,,\d+#)?$")  # 555-0100..0199: for fiction
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# A meeting named for a person ("Bob's Group") breaks anonymity; these would give one away.
FIRST_NAMES = {
    "Bob",
    "Bill",
    "Bobby",
    "Mary",
    "John",
    "Joe",
    "Dave",
    "David",
    "Mike",
    "Michael",
    "Sue",
    "Susan",
    "Jim",
    "Jimmy",
    "Tom",
    "Tommy",
    "Tony",
    "Frank",
    "Fred",
    "Ed",
    "Eddie",
    "Al",
    "Dan",
    "Danny",
    "Chuck",
    "Charlie",
    "Steve",
    "Pat",
    "Pete",
    "Paul",
    "Mark",
    "Matt",
    "Rick",
    "Ron",
    "Ray",
    "Sam",
    "Ann",
    "Anne",
    "Barbara",
    "Betty",
    "Carol",
    "Linda",
    "Nancy",
    "Karen",
    "Lois",
    "Ebby",
    "Clancy",
    "Jose",
    "José",
    "Juan",
    "Maria",
    "María",
    "Carlos",
    "Luis",
    "Miguel",
    "Jesus",
    "Rosa",
    "Joshua",
    "Grace",
    "Dolores",
    "Sally",
    "Jack",
    "Harry",
    "Henry",
    "George",
    "Larry",
    "Gary",
}
ALLOWED_POSSESSIVES = {"Women's", "Men's", "People's", "Life's"}


def meeting_guide_problems(row: Mapping[str, Any]) -> List[str]:
    """What is wrong with a Meeting Guide row, per code4recovery's spec and this demo's rules."""
    problems = []
    for key in ("name", "slug"):
        if not isinstance(row.get(key), str) or not row[key]:
            problems.append(f"{key} missing")
    if isinstance(row.get("slug"), str) and not SLUG.match(row["slug"]):
        problems.append("slug not URL-safe")
    day = row.get("day")
    days = day if isinstance(day, list) else [day]
    if not days or any(type(value) is not int or not 0 <= value <= 6 for value in days):
        problems.append(f"day {day!r} is not 0-6 or a list of them")
    if len(set(days)) != len(days):
        problems.append("repeated day")
    if not isinstance(row.get("time"), str) or not HHMM.match(row["time"]):
        problems.append(f"time {row.get('time')!r}")
    if "end_time" in row and not (isinstance(row["end_time"], str) and HHMM.match(row["end_time"])):
        problems.append(f"end_time {row['end_time']!r}")
    if "timezone" in row:
        try:
            ZoneInfo(row["timezone"])
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            problems.append(f"timezone {row['timezone']!r}")
    types = row.get("types")
    if not isinstance(types, list) or not all(isinstance(code, str) for code in types):
        problems.append("types is not a list of strings")
    else:
        unknown = set(types) - MEETING_GUIDE_CODES
        if unknown:
            problems.append(f"unknown type codes {sorted(unknown)}")
        if "O" in types and "C" in types:
            problems.append("both open and closed")
        if len(set(types)) != len(types):
            problems.append("repeated type")
    online_only = row.get("approximate") == "yes"
    if online_only:
        if "latitude" in row or "address" in row or "location" in row:
            problems.append("an online-only row has a street location")
        if not row.get("formatted_address"):
            problems.append("an online-only row needs an approximate formatted_address")
    else:
        if not (row.get("formatted_address") or all(row.get(key) for key in ("address", "city", "state"))):
            problems.append("an in-person row needs an address")
        for key in ("latitude", "longitude"):
            if type(row.get(key)) is not float:
                problems.append(f"{key} is not a number")
    has_link = bool(row.get("conference_url") or row.get("conference_phone"))
    if online_only and not has_link and "TC" not in row.get("types", []):
        problems.append("an online-only row without a link or phone")
    if "conference_url" in row and not ZOOM.match(row["conference_url"]):
        problems.append(f"conference_url {row['conference_url']!r} is not a made-up Zoom link")
    if "conference_phone" in row and not FICTIONAL_PHONE.match(row["conference_phone"]):
        problems.append(f"conference_phone {row['conference_phone']!r} is not a 555-01xx number")
    if not isinstance(row.get("updated"), str) or not UPDATED.match(row["updated"]):
        problems.append(f"updated {row.get('updated')!r} is not a 2026 timestamp")
    if not str(row.get("url", "")).startswith("https://") or ".example.org/" not in row.get("url", ""):
        problems.append("url is not on an example.org site")
    return problems


def bmlt_problems(row: Mapping[str, Any]) -> List[str]:
    """What is wrong with a BMLT GetSearchResults row."""
    problems = []
    if set(row) != BMLT_KEYS:
        problems.append(f"keys differ: {sorted(set(row) ^ BMLT_KEYS)}")
    strings = {key: value for key, value in row.items() if isinstance(value, str)}
    if len(strings) != len(row):
        problems.append("a value is not a string")
    get = lambda key: strings.get(key, "")  # noqa: E731
    if not get("id_bigint").isdigit():
        problems.append("id_bigint")
    if get("weekday_tinyint") not in {"1", "2", "3", "4", "5", "6", "7"}:
        problems.append(f"weekday_tinyint {get('weekday_tinyint')!r}")
    if not HHMMSS.match(get("start_time")):
        problems.append(f"start_time {get('start_time')!r}")
    if get("duration_time") and not HHMMSS.match(get("duration_time")):
        problems.append(f"duration_time {get('duration_time')!r}")
    if get("published") != "1" or not get("meeting_name"):
        problems.append("unpublished or nameless")
    venue_type = get("venue_type")
    formats = get("formats").split(",") if get("formats") else []
    if venue_type not in {"1", "2", "3"}:
        problems.append(f"venue_type {venue_type!r}")
    if ("VM" in formats) != (venue_type == "2") or ("HY" in formats) != (venue_type == "3"):
        problems.append("VM/HY formats disagree with venue_type")
    if venue_type in {"2", "3"} and not ZOOM.match(get("virtual_meeting_link")):
        problems.append("virtual meeting without a made-up Zoom link")
    if venue_type in {"1", "3"} and not (get("location_text") and get("location_street")):
        problems.append("in-person meeting without a venue")
    if get("phone_meeting_number") and not FICTIONAL_PHONE.match(get("phone_meeting_number")):
        problems.append("phone is not a 555-01xx number")
    if len(formats) != len(get("format_shared_id_list").split(",")):
        problems.append("format_shared_id_list does not match formats")
    try:
        float(get("latitude")), float(get("longitude"))
    except ValueError:
        problems.append("coordinates are not numbers")
    return problems


def personal_names(text: str) -> List[str]:
    words = re.findall(r"[\w'-]+", text)  # Al-Anon is one word
    found = [word for word in words if word in FIRST_NAMES or word.removesuffix("'s") in FIRST_NAMES]
    found += [word for word in words if word.endswith("'s") and word not in ALLOWED_POSSESSIVES]
    return found


def in_region(latitude: float, longitude: float) -> bool:
    return SOUTH <= latitude <= NORTH and WEST <= longitude <= EAST


def days_of(row: Mapping[str, Any]) -> List[int]:
    return row["day"] if isinstance(row["day"], list) else [row["day"]]


@pytest.fixture(scope="module")
def feeds() -> Dict[str, List[Dict[str, Any]]]:
    return build_demo()


def meeting_guide_files(feeds: Dict[str, List[Dict[str, Any]]]) -> Dict[str, List[Dict[str, Any]]]:
    return {name: rows for name, rows in feeds.items() if DEMO_FILES[name][0] == "meeting_guide"}


# -- determinism and the files on disk -------------------------------------------------------


def test_same_seed_gives_the_same_feeds(feeds):
    assert build_demo() == feeds


def test_the_seed_matters(feeds):
    other = build_demo(seed=7)
    assert other.keys() == feeds.keys()
    assert all(other[name] != feeds[name] for name in feeds)


def test_committed_files_equal_a_fresh_generation(feeds):
    on_disk = {path.name for path in DEMO_DIR.glob("*.json")}
    assert on_disk == set(DEMO_FILES), "data/meetings/demo has stray or missing files"
    stale = [name for name, rows in feeds.items() if (DEMO_DIR / name).read_text(encoding="utf-8") != dumps(rows)]
    assert stale == [], "stale demo files: run `python -m tools.meetings_demo`"


def test_write_demo_writes_every_file_and_counts_rows(tmp_path: Path, feeds):
    counts = write_demo(tmp_path)
    assert counts == {name: len(rows) for name, rows in feeds.items()}
    assert counts == {name: spec[2] for name, spec in DEMO_FILES.items()}
    total = 0
    for name in counts:
        raw = (tmp_path / name).read_bytes()
        total += len(raw)
        assert raw.endswith(b"]\n")
        assert json.loads(raw.decode("utf-8")) == feeds[name]
    assert total < 600_000


def test_sizes_are_as_planned(feeds):
    sizes = {name: len(rows) for name, rows in feeds.items()}
    assert sizes == {
        "aa-desert-intergroup.json": 320,
        "na-desert-area.json": 160,
        "smart-recovery.json": 45,
        "al-anon.json": 40,
        "ca.json": 20,
        "celebrate-recovery.json": 15,
    }


# -- the formats ---------------------------------------------------------------------------


def test_meeting_guide_rows_follow_the_spec(feeds):
    for name, rows in meeting_guide_files(feeds).items():
        problems = [(row.get("slug"), meeting_guide_problems(row)) for row in rows]
        assert [problem for problem in problems if problem[1]] == [], name
        slugs = [row["slug"] for row in rows]
        assert len(set(slugs)) == len(slugs), f"{name}: slugs repeat"


def test_bmlt_rows_are_all_strings_and_follow_the_format(feeds):
    rows = feeds["na-desert-area.json"]
    assert [(row.get("id_bigint"), bmlt_problems(row)) for row in rows if bmlt_problems(row)] == []
    ids = [row["id_bigint"] for row in rows]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "change",
    [
        {"day": 7},
        {"day": "1"},
        {"day": []},
        {"time": "7:00"},
        {"time": "24:00"},
        {"end_time": "19.30"},
        {"types": "O"},
        {"types": ["O", "C"]},
        {"types": ["NOPE"]},
        {"timezone": "Pacific Time"},
        {"updated": "2025-12-31 10:00:00"},
        {"conference_url": "https://example.com/meet"},
        {"conference_phone": "+1 760 321 4455"},
        {"latitude": "33.8"},
        {"slug": "has spaces"},
    ],
)
def test_the_meeting_guide_checker_catches_bad_rows(feeds, change):
    row = dict(next(row for row in feeds["aa-desert-intergroup.json"] if "latitude" in row))
    assert meeting_guide_problems(row) == []
    row.update(change)
    assert meeting_guide_problems(row)


@pytest.mark.parametrize(
    "change",
    [
        {"weekday_tinyint": "0"},
        {"weekday_tinyint": 1},
        {"start_time": "19:00"},
        {"duration_time": "1:00"},
        {"venue_type": "4"},
        {"formats": "O,VM"},
        {"latitude": "north"},
        {"published": "0"},
    ],
)
def test_the_bmlt_checker_catches_bad_rows(feeds, change):
    row = dict(next(row for row in feeds["na-desert-area.json"] if row["venue_type"] == "1"))
    assert bmlt_problems(row) == []
    row.update(change)
    assert bmlt_problems(row)


# -- made up, and in the region ---------------------------------------------------------------


def test_no_meeting_group_or_venue_is_named_for_a_person(feeds):
    found = []
    for rows in meeting_guide_files(feeds).values():
        for row in rows:
            for key in ("name", "group", "location", "notes", "location_notes"):
                found += [(row[key], word) for word in personal_names(row.get(key) or "")]
    for row in feeds["na-desert-area.json"]:
        for key in ("meeting_name", "location_text", "comments"):
            found += [(row[key], word) for word in personal_names(row[key])]
    assert found == []


@pytest.mark.parametrize("name", ["Bob's Group", "Tuesday Night with Mary", "Steve's Big Book Study"])
def test_the_name_check_catches_people(name):
    assert personal_names(name)


def test_coordinates_are_in_the_region_except_online_only_rows(feeds):
    outside = []
    for name, rows in meeting_guide_files(feeds).items():
        for row in rows:
            if row.get("approximate") == "yes":
                continue
            if not in_region(row["latitude"], row["longitude"]):
                outside.append((name, row["slug"], row["latitude"], row["longitude"]))
    for row in feeds["na-desert-area.json"]:
        if not in_region(float(row["latitude"]), float(row["longitude"])):
            outside.append(("na", row["id_bigint"], row["latitude"], row["longitude"]))
    assert outside == []


def test_venues_are_not_all_on_zip_centroids(feeds):
    points = {(row["latitude"], row["longitude"]) for row in feeds["aa-desert-intergroup.json"] if "latitude" in row}
    postal_codes = {row["postal_code"] for row in feeds["aa-desert-intergroup.json"] if "postal_code" in row}
    assert len(points) > 3 * len(postal_codes)


def test_web_addresses_and_phones_are_fictional(feeds):
    text = "".join(dumps(rows) for rows in feeds.values())
    for url in re.findall(r"https://[^\s\"]+", text):
        assert ".example.org/" in url or ZOOM.match(url), url
    for row in feeds["na-desert-area.json"]:
        assert row["phone_meeting_number"] == "" or FICTIONAL_PHONE.match(row["phone_meeting_number"])


# -- the variety the demo is for ---------------------------------------------------------------


def test_aa_feed_has_the_variety_the_finder_needs(feeds):
    rows = feeds["aa-desert-intergroup.json"]
    codes = {code for row in rows for code in row["types"]}
    assert {"O", "C", "W", "M", "LGBTQ", "Y", "S", "BE", "X", "B", "ST", "SP", "D", "CAN", "MED", "TC"} <= codes
    zones = {row.get("timezone") for row in rows if row.get("approximate") == "yes"}
    assert {"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix"} <= zones
    assert sum(isinstance(row["day"], list) for row in rows) >= 3
    hybrid = [row for row in rows if "conference_url" in row and "latitude" in row and "TC" not in row["types"]]
    online = [row for row in rows if row.get("approximate") == "yes"]
    assert len(hybrid) >= 20 and len(online) >= 20
    moved_online = [row for row in rows if "TC" in row["types"] and "conference_url" in row]
    dark = [row for row in rows if "TC" in row["types"] and "conference_url" not in row]
    assert moved_online and dark
    past_midnight = [row for row in rows if row["time"] >= "23:00" and row.get("end_time", "99") < row["time"]]
    assert len(past_midnight) >= 2
    assert any("formatted_address" in row and "address" not in row and "latitude" in row for row in rows)


def test_spanish_meetings_have_spanish_names(feeds):
    spanish_words = {
        "Grupo",
        "Nueva",
        "Vida",
        "Día",
        "Esperanza",
        "Renacer",
        "Sendero",
        "Libertad",
        "Volver",
        "Paz",
        "Fe",
        "Amanecer",
        "Sólo",
        "Libres",
        "Nuevo",
        "Milagros",
        "Valor",
        "Paso",
        "Limpia",
        "Español",
        "Celebremos",
    }
    spanish = [row for rows in meeting_guide_files(feeds).values() for row in rows if "S" in row["types"]]
    assert len(spanish) >= 10
    assert [row["name"] for row in spanish if not spanish_words & set(row["name"].split())] == []
    na_spanish = [row for row in feeds["na-desert-area.json"] if "ES" in row["formats"].split(",")]
    assert na_spanish and all(row["lang_enum"] == "es" for row in na_spanish)


def test_times_are_spread_like_real_meetings(feeds):
    rows = feeds["aa-desert-intergroup.json"]
    starts = [(day, row["time"]) for row in rows for day in days_of(row)]
    assert {day for day, _ in starts} == set(range(7))
    early = [time for _, time in starts if "06:00" <= time <= "07:30"]
    noon = [time for _, time in starts if "11:30" <= time <= "12:30"]
    evening = [time for _, time in starts if "17:30" <= time <= "20:00"]
    late = [time for _, time in starts if time >= "21:00"]
    assert len(early) >= 20 and len(noon) >= 20 and late
    assert len(evening) > len(starts) * 0.35
    assert [time for day, time in starts if day in (0, 6) and "07:00" <= time <= "10:30"]


def test_na_feed_mixes_venue_types_formats_and_missing_durations(feeds):
    rows = feeds["na-desert-area.json"]
    assert {row["venue_type"] for row in rows} == {"1", "2", "3"}
    formats = {key for row in rows for key in row["formats"].split(",")}
    assert {"O", "C", "BT", "JT", "ST", "D", "Beg", "W", "M", "GL", "Y", "WCHR", "ES", "VM", "HY"} <= formats
    assert any(row["duration_time"] == "" for row in rows)
    assert {row["weekday_tinyint"] for row in rows} == {str(day) for day in range(1, 8)}


def test_smart_is_mostly_online_and_celebrate_recovery_meets_evenings_in_churches(feeds):
    smart = feeds["smart-recovery.json"]
    online = [row for row in smart if row.get("approximate") == "yes"]
    in_person = [row for row in smart if "latitude" in row]
    assert len(online) >= len(smart) * 0.4 and len(in_person) >= 2
    celebrate = feeds["celebrate-recovery.json"]
    for row in celebrate:
        assert isinstance(row["day"], int) and "17:30" <= row["time"] <= "19:30"
        assert re.search(r"Church|Chapel|Fellowship", row["location"]), row["location"]
    assert len({row["location"] for row in celebrate}) == len(celebrate)


# -- bulk rows for benchmarks ------------------------------------------------------------------


def test_bulk_rows_spread_over_the_country_and_are_valid():
    rows = bulk_meeting_guide(1000, seed=11)
    assert len(rows) == 1000
    assert rows == bulk_meeting_guide(1000, seed=11)
    assert rows != bulk_meeting_guide(1000, seed=12)
    assert len({row["timezone"] for row in rows}) >= 5
    assert len({row.get("state") for row in rows if "state" in row}) >= 30
    assert [(row["slug"], meeting_guide_problems(row)) for row in rows if meeting_guide_problems(row)] == []
    assert len({row["slug"] for row in rows}) == 1000
    assert all(isinstance(row["day"], int) for row in rows)
    for row in rows:
        if "latitude" in row:
            assert 13 <= row["latitude"] <= 72 and -180 <= row["longitude"] <= -64


def test_bulk_rows_of_any_count():
    assert bulk_meeting_guide(0, seed=1) == []
    assert len(bulk_meeting_guide(7, seed=1)) == 7
