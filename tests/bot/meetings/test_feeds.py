"""The feed parsers, on rows shaped like the specs' own examples and on the broken rows real feeds send."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

import pytest

from bot.meetings.feeds import bmlt, meeting_guide
from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.sources import FeedError, FeedFormat, ParseResult, Source
from bot.meetings.types import (
    BMLT_CODES,
    IN_PERSON_ONLY,
    LANGUAGES,
    MEETING_GUIDE_CODES,
    TYPES,
    code_type,
    unknown_codes,
)

Row = Dict[str, Any]


@pytest.fixture
def intergroup() -> Source:
    return Source(name="desert-aa", format=FeedFormat.meeting_guide, path=Path("aa.json"), timezone="America/Los_Angeles")


@pytest.fixture
def area() -> Source:
    return Source(name="desert-na", format=FeedFormat.bmlt, path=Path("na.json"), timezone="America/Los_Angeles")


@pytest.fixture
def spec_row() -> Row:
    """A row with every field of the Meeting Guide spec's sample meeting (our own values)."""
    return {
        "name": "Sunrise Serenity",
        "slug": "sunrise-serenity-7",
        "day": 0,
        "time": "18:00",
        "end_time": "19:30",
        "location": "Valley Alano Club",
        "group": "The Sunrise Group",
        "notes": "Use the side door. We meet upstairs.",
        "updated": "2021-03-14 09:26:53",
        "url": "https://district9.example.org/meetings/sunrise-serenity",
        "types": ["O", "T", "LGBTQ"],
        "address": "450 Palm Canyon Drive",
        "city": "Palm Springs",
        "state": "CA",
        "postal_code": "92262",
        "country": "US",
        "approximate": "no",
        "entity": "District 9",
        "entity_email": "info@district9.example.org",
        "entity_feedback_emails": ["updates@district9.example.org"],
        "entity_location": "Coachella Valley, California",
        "entity_logo": "https://district9.example.org/logo.svg",
        "entity_phone": "+1-760-555-0100",
        "entity_url": "https://district9.example.org",
    }


@pytest.fixture
def online_row() -> Row:
    """An online-only meeting as the spec asks: a conference link and an approximate address."""
    return {
        "name": "Lunch Bunch Online",
        "slug": "lunch-bunch",
        "day": 3,
        "time": "12:00",
        "types": ["C", "D", "X"],
        "formatted_address": "Palm Springs, CA, USA",
        "approximate": "yes",
        "conference_url": "https://zoom.us/j/5550001234",
        "conference_url_notes": "Passcode: serenity",
        "conference_phone": "+16695550100,,5550001234#",
        "conference_phone_notes": "Meeting ID 555 000 1234",
    }


@pytest.fixture
def bmlt_row() -> Row:
    """One GetSearchResults meeting as a BMLT root server sends it: every value a string."""
    return {
        "id_bigint": "1187",
        "worldid_mixed": "G00412345",
        "service_body_bigint": "12",
        "weekday_tinyint": "2",
        "venue_type": "1",
        "start_time": "19:00:00",
        "duration_time": "01:30:00",
        "time_zone": "America/Los_Angeles",
        "formats": "O,JT,WC",
        "lang_enum": "en",
        "longitude": "-116.5453",
        "latitude": "33.8303",
        "published": "1",
        "meeting_name": "Clean and Serene",
        "location_text": "St. Theresa Parish Hall",
        "location_info": "Room 3, behind the church",
        "location_street": "2800 E Ramon Rd",
        "location_municipality": "Palm Springs",
        "location_province": "CA",
        "location_postal_code_1": "92264",
        "location_nation": "US",
        "comments": "Coffee from 6:30.",
        "virtual_meeting_link": "",
        "phone_meeting_number": "",
        "virtual_meeting_additional_info": "",
        "contact_name_1": "",
        "contact_email_1": "",
    }


def only_meeting(result: ParseResult) -> Meeting:
    assert result.problems == []
    assert len(result.meetings) == 1
    return result.meetings[0]


def only_problem(result: ParseResult) -> str:
    assert result.meetings == []
    assert len(result.problems) == 1
    return result.problems[0].problem


# --------------------------------------------------------------------------------------------
# The vocabulary


def test_every_code_means_one_of_our_types() -> None:
    for table in (MEETING_GUIDE_CODES, BMLT_CODES):
        assert {key for key in table.values() if key not in TYPES} == set()
        assert all(code == code.upper() for code in table)


def test_the_search_filters_keys_and_languages_are_there() -> None:
    required = {
        "open",
        "closed",
        "women",
        "men",
        "lgbtq",
        "young_people",
        "seniors",
        "beginners",
        "wheelchair",
        "spanish",
        "french",
        "korean",
        "chinese",
        "vietnamese",
        "tagalog",
        "armenian",
        "russian",
        "polish",
        "portuguese",
        "japanese",
        "german",
        "italian",
        "persian",
        "asl",
        "big_book",
        "step_study",
        "traditions",
        "speaker",
        "discussion",
        "literature",
        "meditation",
        "candlelight",
        "agnostic",
        "child_care",
        "outdoor",
        "fragrance_free",
        "grapevine",
        "living_sober",
        "concurrent_alateen",
        "parents",
        "professionals",
        "veterans",
        "native_american",
        "transgender",
    }
    assert required - set(TYPES) == set()
    assert LANGUAGES - set(TYPES) == set()
    assert IN_PERSON_ONLY - set(TYPES) == set()
    assert {"spanish", "persian", "asl", "chinese"} <= LANGUAGES and "open" not in LANGUAGES


def test_labels_are_short_plain_words() -> None:
    assert all(0 < len(label) <= 60 and label == label.strip() for label in TYPES.values())


@pytest.mark.parametrize(
    "table, code, key",
    [
        (MEETING_GUIDE_CODES, "O", "open"),
        (MEETING_GUIDE_CODES, "12x12", "step_study"),
        (MEETING_GUIDE_CODES, " lgbtq ", "lgbtq"),
        (MEETING_GUIDE_CODES, "S", "spanish"),
        (MEETING_GUIDE_CODES, "AL-AN", "concurrent_al_anon"),
        (BMLT_CODES, "Beg", "beginners"),
        (BMLT_CODES, "WCHR", "wheelchair"),
        (BMLT_CODES, "wc", "wheelchair"),
        (BMLT_CODES, "GL", "lgbtq"),
        (BMLT_CODES, "S-D", "speaker"),
        (BMLT_CODES, "ES", "spanish"),
        (BMLT_CODES, "B", "beginners"),
        (MEETING_GUIDE_CODES, "B", "big_book"),
        (MEETING_GUIDE_CODES, "ZZ", None),
        (BMLT_CODES, "VM", None),
    ],
)
def test_code_type_ignores_case(table: Dict[str, str], code: str, key: str) -> None:
    assert code_type(table, code) == key


def test_unknown_codes_leaves_out_types_and_attendance_codes() -> None:
    assert unknown_codes(MEETING_GUIDE_CODES, ["O", "ONL", "TC", "XYZ", "d", "Local-7"]) == ["XYZ", "Local-7"]
    assert unknown_codes(BMLT_CODES, ["O", "VM", "HY", "hybr", "CH", "JT", "Pi"]) == ["CH", "Pi"]


# --------------------------------------------------------------------------------------------
# Meeting Guide


def test_spec_sample_becomes_one_in_person_meeting(intergroup: Source, spec_row: Row) -> None:
    meeting = only_meeting(meeting_guide.parse([spec_row], intergroup))
    assert meeting.source == "desert-aa"
    assert meeting.key == "sunrise-serenity-7"
    assert meeting.id == "desert-aa:sunrise-serenity-7"
    assert meeting.name == "Sunrise Serenity"
    assert meeting.fellowship is Fellowship.aa
    assert meeting.day == 6  # the spec's 0 is Sunday
    assert (meeting.start, meeting.end) == (dt.time(18, 0), dt.time(19, 30))
    assert meeting.timezone == "America/Los_Angeles"
    assert meeting.attendance is Attendance.in_person
    assert meeting.types == ("open", "transgender", "lgbtq")
    assert meeting.location == "Valley Alano Club"
    assert (meeting.address, meeting.city, meeting.state, meeting.postal_code) == (
        "450 Palm Canyon Drive",
        "Palm Springs",
        "CA",
        "92262",
    )
    assert meeting.notes == "Use the side door. We meet upstairs."
    assert meeting.updated == dt.datetime(2021, 3, 14, 9, 26, 53, tzinfo=dt.timezone.utc)
    assert (meeting.conference_url, meeting.conference_phone, meeting.latitude) == (None, None, None)


def test_online_sample_keeps_the_link_and_drops_the_room(intergroup: Source, online_row: Row) -> None:
    meeting = only_meeting(meeting_guide.parse([online_row], intergroup))
    assert meeting.attendance is Attendance.online
    assert meeting.conference_url == "https://zoom.us/j/5550001234"
    assert meeting.conference_phone == "+16695550100,,5550001234#"
    assert meeting.notes == "Passcode: serenity\n\nMeeting ID 555 000 1234"
    assert (meeting.address, meeting.location) == (None, None)
    # Wheelchair access (X) means nothing without a room.
    assert meeting.types == ("closed", "discussion")


@pytest.mark.parametrize("spec_day, ours", [(0, 6), (1, 0), (3, 2), (6, 5), ("4", 3), (" 2 ", 1)])
def test_days_count_from_sunday_in_the_spec_and_from_monday_here(
    intergroup: Source, spec_row: Row, spec_day: Any, ours: int
) -> None:
    spec_row["day"] = spec_day
    meeting = only_meeting(meeting_guide.parse([spec_row], intergroup))
    assert (meeting.day, meeting.key) == (ours, "sunrise-serenity-7")


def test_a_list_of_days_is_one_meeting_each(intergroup: Source, spec_row: Row) -> None:
    spec_row["day"] = [1, 3, "5", 3]
    result = meeting_guide.parse([spec_row], intergroup)
    assert result.problems == []
    assert [(m.key, m.day) for m in result.meetings] == [
        ("sunrise-serenity-7@1", 0),
        ("sunrise-serenity-7@3", 2),
        ("sunrise-serenity-7@5", 4),
    ]
    assert {m.start for m in result.meetings} == {dt.time(18, 0)}


@pytest.mark.parametrize("day", [None, "", []])
def test_a_meeting_without_a_day_is_by_appointment(intergroup: Source, spec_row: Row, day: Any) -> None:
    spec_row["day"] = day
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == "no day: by appointment meetings are not listed"


def test_a_row_without_day_at_all_is_by_appointment(intergroup: Source, spec_row: Row) -> None:
    del spec_row["day"]
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == "no day: by appointment meetings are not listed"


@pytest.mark.parametrize(
    "day, shown", [(7, "7"), (-1, "-1"), ("Monday", "'Monday'"), (True, "True"), ([1, 9], "9"), (1.5, "1.5")]
)
def test_a_day_out_of_range_is_a_problem(intergroup: Source, spec_row: Row, day: Any, shown: str) -> None:
    spec_row["day"] = day
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == f"day {shown} is not 0 (Sunday) to 6 (Saturday)"


@pytest.mark.parametrize(
    "given, start",
    [("07:05", dt.time(7, 5)), ("19:00:00", dt.time(19, 0)), ("7:30", dt.time(7, 30)), ("00:00", dt.time(0, 0))],
)
def test_times_in_either_spec_form(intergroup: Source, spec_row: Row, given: str, start: dt.time) -> None:
    spec_row["time"] = given
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).start == start


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("time", "25:00", "time '25:00' is not a 24-hour time like 19:30"),
        ("time", "19:60", "time '19:60' is not a 24-hour time like 19:30"),
        ("time", "7pm", "time '7pm' is not a 24-hour time like 19:30"),
        ("time", 1900, "time 1900 is not a 24-hour time like 19:30"),
        ("time", None, "time is missing"),
        ("end_time", "24:30", "end_time '24:30' is not a 24-hour time like 19:30"),
    ],
)
def test_a_bad_time_is_a_problem(intergroup: Source, spec_row: Row, field: str, value: Any, message: str) -> None:
    spec_row[field] = value
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == message


def test_end_time_is_optional(intergroup: Source, spec_row: Row) -> None:
    del spec_row["end_time"]
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).end is None


def test_the_rows_own_timezone_wins(intergroup: Source, spec_row: Row) -> None:
    spec_row["timezone"] = "America/Phoenix"
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).timezone == "America/Phoenix"


def test_a_bad_timezone_is_a_problem_naming_it(intergroup: Source, spec_row: Row) -> None:
    spec_row["timezone"] = "Pacific Time"
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == (
        "timezone 'Pacific Time': 'Pacific Time' is not an IANA timezone like America/Los_Angeles"
    )


def test_no_timezone_anywhere_is_a_problem(spec_row: Row) -> None:
    zoneless = Source(name="zoneless", format=FeedFormat.meeting_guide, path=Path("x.json"))
    assert only_problem(meeting_guide.parse([spec_row], zoneless)) == (
        "no timezone: the row has none and the source sets no timezone"
    )


@pytest.mark.parametrize("latitude, longitude", [("33.8303", "-116.5453"), (33.8303, -116.5453)])
def test_coordinates_as_strings_or_numbers(intergroup: Source, spec_row: Row, latitude: Any, longitude: Any) -> None:
    spec_row.update(latitude=latitude, longitude=longitude)
    meeting = only_meeting(meeting_guide.parse([spec_row], intergroup))
    assert (meeting.latitude, meeting.longitude) == (33.8303, -116.5453)


@pytest.mark.parametrize(
    "latitude, message",
    [
        ("north-ish", "latitude 'north-ish' is not a number"),
        ([33], "latitude [33] is not a number"),
        (95, "latitude 95.0: latitude must be between -90 and 90"),
    ],
)
def test_bad_coordinates_are_a_problem(intergroup: Source, spec_row: Row, latitude: Any, message: str) -> None:
    spec_row.update(latitude=latitude, longitude="-116.5")
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == message


def test_a_conference_link_and_a_street_address_make_it_hybrid(intergroup: Source, spec_row: Row) -> None:
    spec_row.update(conference_url="https://meet.google.com/abc-defg-hij", conference_url_notes="Camera optional")
    meeting = only_meeting(meeting_guide.parse([spec_row], intergroup))
    assert meeting.attendance is Attendance.hybrid
    assert meeting.conference_url == "https://meet.google.com/abc-defg-hij"
    assert meeting.address == "450 Palm Canyon Drive"
    assert meeting.notes == "Use the side door. We meet upstairs.\n\nCamera optional"


def test_a_phone_alone_is_enough_to_join(intergroup: Source, online_row: Row) -> None:
    del online_row["conference_url"]
    meeting = only_meeting(meeting_guide.parse([online_row], intergroup))
    assert meeting.attendance is Attendance.online
    assert (meeting.conference_url, meeting.conference_phone) == (None, "+16695550100,,5550001234#")
    assert meeting.notes == "Meeting ID 555 000 1234"  # the link's passcode went with the link


@pytest.mark.parametrize("url", ["zoom.us/j/5550001234", "javascript:alert(1)", "ftp://files.example.org/x", "https://", 42])
def test_a_link_that_is_not_http_is_dropped(intergroup: Source, spec_row: Row, url: Any) -> None:
    spec_row["conference_url"] = url
    meeting = only_meeting(meeting_guide.parse([spec_row], intergroup))
    assert (meeting.attendance, meeting.conference_url) == (Attendance.in_person, None)


def test_a_bad_link_with_nothing_else_to_attend_by_is_a_problem(intergroup: Source, online_row: Row) -> None:
    online_row["conference_url"] = "zoom.us/j/5550001234"
    del online_row["conference_phone"]
    assert only_problem(meeting_guide.parse([online_row], intergroup)) == (
        "only an approximate address and no conference_url or conference_phone to join by"
        " (conference_url 'zoom.us/j/5550001234' is not an http(s) link)"
    )


def test_a_placeholder_phone_is_no_way_in(intergroup: Source, online_row: Row) -> None:
    del online_row["conference_url"]
    online_row["conference_phone"] = "TBA"
    assert only_problem(meeting_guide.parse([online_row], intergroup)) == (
        "only an approximate address and no conference_url or conference_phone to join by"
    )


def test_no_address_and_no_link_is_a_problem(intergroup: Source, spec_row: Row) -> None:
    for field in ("address", "city", "state", "postal_code"):
        del spec_row[field]
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == (
        "no address and no conference_url or conference_phone to join by"
    )


@pytest.mark.parametrize(
    "formatted, approximate, attendance",
    [
        ("450 Palm Canyon Drive, Palm Springs, CA 92262, USA", None, Attendance.hybrid),
        ("Palm Springs, CA, USA", None, Attendance.online),
        ("450 Palm Canyon Drive, Palm Springs, CA 92262, USA", "yes", Attendance.online),
        ("450 Palm Canyon Drive, Palm Springs, CA 92262, USA", True, Attendance.online),
        ("Palm Springs, CA, USA", "no", Attendance.hybrid),
        ("Palm Springs, CA, USA", False, Attendance.hybrid),
    ],
)
def test_a_formatted_address_is_a_room_unless_approximate(
    intergroup: Source, online_row: Row, formatted: str, approximate: Any, attendance: Attendance
) -> None:
    online_row.update(formatted_address=formatted, approximate=approximate)
    meeting = only_meeting(meeting_guide.parse([online_row], intergroup))
    assert meeting.attendance is attendance
    assert meeting.address == (formatted if attendance is Attendance.hybrid else None)


def test_temporarily_closed_with_a_link_is_online(intergroup: Source, spec_row: Row) -> None:
    spec_row.update(
        types=["O", "TC", "X"],
        conference_url="https://zoom.us/j/5550001234",
        latitude=33.8,
        longitude=-116.5,
        location_notes="Park in the back lot",
    )
    meeting = only_meeting(meeting_guide.parse([spec_row], intergroup))
    assert meeting.attendance is Attendance.online
    assert meeting.types == ("open",)
    # The room is closed: no address, venue or map pin to send anyone to.
    assert (meeting.address, meeting.location, meeting.latitude, meeting.notes) == (
        None,
        None,
        None,
        "Use the side door. We meet upstairs.",
    )
    assert meeting.city == "Palm Springs"


def test_temporarily_closed_without_a_link_is_a_problem(intergroup: Source, spec_row: Row) -> None:
    spec_row["types"] = ["O", "TC"]
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == "temporarily closed, no online option"


def test_unknown_and_attendance_codes_are_not_types(intergroup: Source, spec_row: Row) -> None:
    spec_row["types"] = ["o", "XYZ", "ONL", 11, "12x12", "D", "Local Code"]
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).types == (
        "open",
        "meditation",
        "step_study",
        "discussion",
    )


def test_transgender_meetings_are_lgbtq_meetings_too(intergroup: Source, spec_row: Row) -> None:
    spec_row["types"] = ["T", "C", "LGBTQ"]
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).types == ("transgender", "lgbtq", "closed")


def test_location_notes_join_the_notes_of_a_room(intergroup: Source, spec_row: Row) -> None:
    spec_row["location_notes"] = "Park in the back lot"
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).notes == (
        "Use the side door. We meet upstairs.\n\nPark in the back lot"
    )


def test_closed_wins_over_open(intergroup: Source, spec_row: Row) -> None:
    spec_row["types"] = ["O", "W", "C"]
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).types == ("women", "closed")


@pytest.mark.parametrize("types", ["O,D", {"O": True}, ["O", None], ["O", ["D"]]])
def test_types_that_are_not_a_list_of_codes_are_a_problem(intergroup: Source, spec_row: Row, types: Any) -> None:
    spec_row["types"] = types
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == f"types {types!r} is not a list of type codes"


def test_the_sources_fellowship_is_the_meetings(spec_row: Row) -> None:
    alanon = Source(
        name="alanon",
        format=FeedFormat.meeting_guide,
        path=Path("x.json"),
        fellowship=Fellowship.al_anon,
        timezone="America/Denver",
    )
    # AL-AN means an Al-Anon meeting at the same time, not that this one is Al-Anon.
    spec_row["types"] = ["AL-AN"]
    meeting = only_meeting(meeting_guide.parse([spec_row], alanon))
    assert (meeting.fellowship, meeting.types) == (Fellowship.al_anon, ("concurrent_al_anon",))


@pytest.mark.parametrize(
    "change, key",
    [({"slug": 42}, "42"), ({"slug": None, "id": "sunrise-9"}, "sunrise-9"), ({"slug": "  padded  "}, "padded")],
)
def test_slug_may_be_a_number_or_the_sheets_id(intergroup: Source, spec_row: Row, change: Row, key: str) -> None:
    spec_row.update(change)
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).key == key


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": None}, "name is missing"),
        ({"name": "   "}, "name is missing"),
        ({"name": ["Sunrise"]}, "name ['Sunrise'] is not text"),
        ({"slug": None}, "slug is missing"),
        ({"slug": ""}, "slug is missing"),
        ({"slug": ["a"]}, "slug ['a'] is not text or a whole number"),
        ({"city": {"name": "Indio"}}, "city {'name': 'Indio'} is not text"),
        ({"updated": "last Tuesday"}, "updated 'last Tuesday' is not a time like 2014-05-31 14:32:23"),
    ],
)
def test_a_missing_or_wrong_field_is_a_problem(intergroup: Source, spec_row: Row, change: Row, message: str) -> None:
    spec_row.update(change)
    assert only_problem(meeting_guide.parse([spec_row], intergroup)) == message


def test_numbers_where_text_is_expected_become_text(intergroup: Source, spec_row: Row) -> None:
    spec_row["postal_code"] = 92262
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).postal_code == "92262"


def test_an_updated_time_with_an_offset_is_kept_in_utc(intergroup: Source, spec_row: Row) -> None:
    spec_row["updated"] = "2021-03-14T01:26:53-08:00"
    assert only_meeting(meeting_guide.parse([spec_row], intergroup)).updated == dt.datetime(
        2021, 3, 14, 9, 26, 53, tzinfo=dt.timezone.utc
    )


@pytest.mark.parametrize("payload, found", [({"meetings": []}, "dict"), ("[]", "str"), (None, "NoneType")])
def test_a_document_that_is_not_a_list_is_a_feed_error(intergroup: Source, payload: Any, found: str) -> None:
    with pytest.raises(FeedError, match=f"desert-aa: expected a JSON list of meetings, got {found}"):
        meeting_guide.parse(payload, intergroup)


def test_a_bad_row_is_skipped_and_the_others_go_on(intergroup: Source, spec_row: Row, online_row: Row) -> None:
    result = meeting_guide.parse([spec_row, "not a meeting", {**online_row, "name": ""}, online_row], intergroup)
    assert [m.key for m in result.meetings] == ["sunrise-serenity-7", "lunch-bunch"]
    assert [(p.source, p.position, p.row_id, p.problem) for p in result.problems] == [
        ("desert-aa", 1, None, "the row is str 'not a meeting', not an object of meeting fields"),
        ("desert-aa", 2, "lunch-bunch", "name is missing"),
    ]
    assert str(result.problems[1]) == "desert-aa: row 2 (lunch-bunch): name is missing"


def test_a_repeated_slug_is_a_problem_for_the_second_row(intergroup: Source, spec_row: Row, online_row: Row) -> None:
    result = meeting_guide.parse([spec_row, online_row, {**online_row, "name": "Copy"}], intergroup)
    assert [m.name for m in result.meetings] == ["Sunrise Serenity", "Lunch Bunch Online"]
    assert [(p.position, p.row_id, p.problem) for p in result.problems] == [
        (2, "lunch-bunch", "key 'lunch-bunch' is already used by row 1; keys must be unique"),
    ]


def test_a_slug_too_long_for_a_meeting_id_is_a_problem_for_its_row_only(
    intergroup: Source, spec_row: Row, online_row: Row
) -> None:
    """PostgreSQL keeps ids of up to 200 characters: one longer refused the whole source's refresh."""
    result = meeting_guide.parse([{**spec_row, "slug": "s" * 136}, online_row], intergroup)
    assert [m.key for m in result.meetings] == ["lunch-bunch"]
    assert [(p.position, p.problem.split(":")[0]) for p in result.problems] == [(0, "key " + repr("s" * 136))]
    assert "at most 135 characters" in result.problems[0].problem
    assert meeting_guide.parse([{**spec_row, "slug": "s" * 135}], intergroup).problems == []


def test_split_days_do_not_collide_with_numbered_slugs(intergroup: Source, spec_row: Row, online_row: Row) -> None:
    # The spec numbers slugs of one name: "easy-does-it", "easy-does-it-2".
    spec_row.update(slug="easy-does-it", day=[1, 2])
    result = meeting_guide.parse([spec_row, {**online_row, "slug": "easy-does-it-2"}], intergroup)
    assert result.problems == []
    assert [m.key for m in result.meetings] == ["easy-does-it@1", "easy-does-it@2", "easy-does-it-2"]


def test_a_split_day_key_taken_by_a_later_row_is_a_problem(intergroup: Source, spec_row: Row, online_row: Row) -> None:
    spec_row["day"] = [1, 2]
    result = meeting_guide.parse([spec_row, {**online_row, "slug": "sunrise-serenity-7@2"}], intergroup)
    assert len(result.meetings) == 2
    assert [(p.position, p.problem) for p in result.problems] == [
        (1, "key 'sunrise-serenity-7@2' is already used by row 0; keys must be unique")
    ]


def test_nothing_about_members_is_kept(intergroup: Source, spec_row: Row) -> None:
    spec_row.update(contact_1_name="Pat", contact_1_phone="760-555-0199", contact_1_email="pat@example.org")
    stored = only_meeting(meeting_guide.parse([spec_row], intergroup)).json()
    assert "Pat" not in stored and "555-0199" not in stored and "entity" not in stored


# --------------------------------------------------------------------------------------------
# BMLT


def test_bmlt_row_becomes_one_in_person_meeting(area: Source, bmlt_row: Row) -> None:
    meeting = only_meeting(bmlt.parse([bmlt_row], area))
    assert (meeting.source, meeting.key, meeting.name) == ("desert-na", "1187", "Clean and Serene")
    assert meeting.fellowship is Fellowship.na
    assert meeting.day == 0  # BMLT's 2 is Monday
    assert (meeting.start, meeting.end) == (dt.time(19, 0), dt.time(20, 30))
    assert meeting.timezone == "America/Los_Angeles"
    assert meeting.attendance is Attendance.in_person
    assert meeting.types == ("open", "just_for_today", "wheelchair")
    assert meeting.location == "St. Theresa Parish Hall"
    assert (meeting.address, meeting.city, meeting.state, meeting.postal_code) == (
        "2800 E Ramon Rd",
        "Palm Springs",
        "CA",
        "92264",
    )
    assert (meeting.latitude, meeting.longitude) == (33.8303, -116.5453)
    assert meeting.notes == "Coffee from 6:30.\n\nRoom 3, behind the church"
    assert (meeting.conference_url, meeting.conference_phone, meeting.updated) == (None, None, None)


@pytest.mark.parametrize("weekday, ours", [("1", 6), ("2", 0), ("4", 2), ("7", 5), (3, 1)])
def test_bmlt_weekdays_count_from_sunday_as_one(area: Source, bmlt_row: Row, weekday: Any, ours: int) -> None:
    bmlt_row["weekday_tinyint"] = weekday
    assert only_meeting(bmlt.parse([bmlt_row], area)).day == ours


@pytest.mark.parametrize("weekday", ["0", "8", "", None, "Monday", True])
def test_a_bmlt_weekday_out_of_range_is_a_problem(area: Source, bmlt_row: Row, weekday: Any) -> None:
    bmlt_row["weekday_tinyint"] = weekday
    assert only_problem(bmlt.parse([bmlt_row], area)) == (f"weekday_tinyint {weekday!r} is not 1 (Sunday) to 7 (Saturday)")


@pytest.mark.parametrize(
    "start, duration, end",
    [
        ("23:30:00", "01:00:00", dt.time(0, 30)),
        ("22:00", "3:15", dt.time(1, 15)),
        ("07:00:00", "00:45:00", dt.time(7, 45)),
        ("20:00:00", "24:00:00", dt.time(20, 0)),
    ],
)
def test_bmlt_end_is_start_plus_duration(area: Source, bmlt_row: Row, start: str, duration: str, end: dt.time) -> None:
    bmlt_row.update(start_time=start, duration_time=duration)
    assert only_meeting(bmlt.parse([bmlt_row], area)).end == end


def test_a_meeting_past_midnight_still_lasts_its_duration(area: Source, bmlt_row: Row) -> None:
    bmlt_row.update(start_time="23:30:00", duration_time="01:00:00")
    assert only_meeting(bmlt.parse([bmlt_row], area)).duration == dt.timedelta(hours=1)


@pytest.mark.parametrize("duration", ["", "00:00:00", None])
def test_without_a_duration_there_is_no_end(area: Source, bmlt_row: Row, duration: Any) -> None:
    bmlt_row["duration_time"] = duration
    assert only_meeting(bmlt.parse([bmlt_row], area)).end is None


def test_a_result_without_the_duration_field_has_no_end(area: Source, bmlt_row: Row) -> None:
    del bmlt_row["duration_time"]
    assert only_meeting(bmlt.parse([bmlt_row], area)).end is None


@pytest.mark.parametrize("duration", ["ninety", "01:75:00", 90])
def test_a_bad_duration_is_a_problem(area: Source, bmlt_row: Row, duration: Any) -> None:
    bmlt_row["duration_time"] = duration
    assert only_problem(bmlt.parse([bmlt_row], area)) == f"duration_time {duration!r} is not a length like 01:30:00"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("start_time", "25:00:00", "start_time '25:00:00' is not a 24-hour time like 19:30"),
        ("start_time", "", "start_time is missing"),
        ("id_bigint", "", "id_bigint is missing"),
        ("meeting_name", "", "meeting_name is missing"),
        ("latitude", "unknown", "latitude 'unknown' is not a number"),
        ("time_zone", "PST", "timezone 'PST': 'PST' is not an IANA timezone like America/Los_Angeles"),
        ("venue_type", "9", "venue_type '9' is not 1 (in person), 2 (virtual) or 3 (hybrid)"),
    ],
)
def test_a_bad_bmlt_field_is_a_problem(area: Source, bmlt_row: Row, field: str, value: Any, message: str) -> None:
    bmlt_row[field] = value
    assert only_problem(bmlt.parse([bmlt_row], area)) == message


def test_bmlt_numbers_may_also_arrive_as_numbers(area: Source, bmlt_row: Row) -> None:
    bmlt_row.update(id_bigint=1187, weekday_tinyint=2, venue_type=1, latitude=33.8303, longitude=-116.5453, published=1)
    meeting = only_meeting(bmlt.parse([bmlt_row], area))
    assert (meeting.key, meeting.day, meeting.attendance) == ("1187", 0, Attendance.in_person)
    assert meeting.latitude == 33.8303


def test_zero_coordinates_mean_none(area: Source, bmlt_row: Row) -> None:
    bmlt_row.update(latitude="0", longitude="0")
    meeting = only_meeting(bmlt.parse([bmlt_row], area))
    assert (meeting.latitude, meeting.longitude, meeting.has_coordinates) == (None, None, False)


@pytest.mark.parametrize("zone, expected", [("", "America/Los_Angeles"), ("America/Phoenix", "America/Phoenix")])
def test_an_empty_time_zone_falls_back_to_the_source(area: Source, bmlt_row: Row, zone: str, expected: str) -> None:
    bmlt_row["time_zone"] = zone
    assert only_meeting(bmlt.parse([bmlt_row], area)).timezone == expected


def virtual(row: Row, **change: Any) -> Row:
    return {
        **row,
        "virtual_meeting_link": "https://zoom.us/j/5550009876",
        "phone_meeting_number": "+1 669 555 0100",
        "virtual_meeting_additional_info": "Password: clean",
        **change,
    }


@pytest.mark.parametrize(
    "venue, formats, attendance",
    [
        ("1", "O", Attendance.in_person),
        ("2", "O,VM", Attendance.online),
        ("3", "O,HY", Attendance.hybrid),
        ("2", "O,VM,TC", Attendance.online),
        ("", "O,VM", Attendance.online),
        ("", "O,HY", Attendance.hybrid),
        ("", "O", Attendance.hybrid),
        (None, "O,TC", Attendance.online),
    ],
)
def test_bmlt_venue_type_or_formats_say_how_to_attend(
    area: Source, bmlt_row: Row, venue: Any, formats: str, attendance: Attendance
) -> None:
    meeting = only_meeting(bmlt.parse([virtual(bmlt_row, venue_type=venue, formats=formats)], area))
    assert meeting.attendance is attendance
    assert meeting.types == ("open",)
    assert (meeting.conference_url is not None) is attendance.has_link
    assert (meeting.address is not None) is attendance.has_room
    assert (meeting.location is not None) is attendance.has_room
    assert ("Password: clean" in (meeting.notes or "")) is attendance.has_link


def test_bmlt_online_meeting_joins_the_right_notes(area: Source, bmlt_row: Row) -> None:
    meeting = only_meeting(bmlt.parse([virtual(bmlt_row, venue_type="2", formats="O,VM,WC")], area))
    assert (meeting.conference_url, meeting.conference_phone) == ("https://zoom.us/j/5550009876", "+1 669 555 0100")
    assert meeting.notes == "Coffee from 6:30.\n\nPassword: clean"
    assert meeting.types == ("open",)
    assert (meeting.latitude, meeting.city) == (None, "Palm Springs")


def test_a_virtual_meeting_without_a_way_in_is_a_problem(area: Source, bmlt_row: Row) -> None:
    bmlt_row.update(venue_type="2", formats="VM", virtual_meeting_link="meet me on zoom")
    assert only_problem(bmlt.parse([bmlt_row], area)) == (
        "a virtual meeting with no virtual_meeting_link or phone_meeting_number to join by"
        " (virtual_meeting_link 'meet me on zoom' is not an http(s) link)"
    )


def test_an_in_person_meeting_without_a_street_is_a_problem(area: Source, bmlt_row: Row) -> None:
    bmlt_row["location_street"] = ""
    assert only_problem(bmlt.parse([bmlt_row], area)) == (
        "no location_street and no virtual_meeting_link or phone_meeting_number to join by"
    )


def test_bmlt_temporarily_closed_without_a_link_is_a_problem(area: Source, bmlt_row: Row) -> None:
    bmlt_row["formats"] = "O,TC"
    assert only_problem(bmlt.parse([bmlt_row], area)) == "temporarily closed, no online option"


def test_bmlt_plain_list_reads_default_english_keys(area: Source, bmlt_row: Row) -> None:
    bmlt_row["formats"] = "C,Beg,So,St,ES,GL,Xx,CH"
    assert only_meeting(bmlt.parse([bmlt_row], area)).types == (
        "closed",
        "beginners",
        "speaker",
        "step_study",
        "spanish",
        "lgbtq",
    )


def test_bmlt_formats_list_maps_local_keys_through_world_ids(area: Source, bmlt_row: Row) -> None:
    # A Portuguese server: F is closed, RC newcomers, H men; ES's world id only says "a language".
    bmlt_row["formats"] = "F, RC,H ,ES,VL"
    formats = [
        {"key_string": "F", "name_string": "Fechada", "world_id": "CLOSED", "id": "4", "lang": "pt"},
        {"key_string": "RC", "name_string": "Recém-chegados", "world_id": "BEG", "id": "1", "lang": "pt"},
        {"key_string": "H", "name_string": "Homens", "world_id": "M", "id": "15", "lang": "pt"},
        {"key_string": "ES", "name_string": "Espanhol", "world_id": "LANG", "id": "9", "lang": "pt"},
        {"key_string": "VL", "name_string": "Luz de velas", "world_id": "", "id": "6", "lang": "pt"},
        "junk",
    ]
    meeting = only_meeting(bmlt.parse({"meetings": [bmlt_row], "formats": formats}, area))
    assert meeting.types == ("closed", "beginners", "men", "spanish")


def test_bmlt_hybrid_world_id_outweighs_virtual(area: Source, bmlt_row: Row) -> None:
    formats = [{"key_string": "HIB", "world_id": "HYBR"}, {"key_string": "VM", "world_id": "VM"}]
    row = virtual(bmlt_row, venue_type="", formats="O,VM,HIB")
    assert only_meeting(bmlt.parse({"meetings": [row], "formats": formats}, area)).attendance is Attendance.hybrid


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"formats": []}, "desert-na: expected a JSON list of meetings, got dict"),
        ({"meetings": {"1187": {}}, "formats": []}, "desert-na: expected a JSON list of meetings, got dict"),
        ({"meetings": [], "formats": "O,C"}, "desert-na: expected 'formats' to be a list of formats, got str"),
        ("meetings", "desert-na: expected a JSON list of meetings, got str"),
    ],
)
def test_a_bmlt_document_of_the_wrong_shape_is_a_feed_error(area: Source, payload: Any, message: str) -> None:
    with pytest.raises(FeedError) as raised:
        bmlt.parse(payload, area)
    assert str(raised.value) == message


def test_unpublished_bmlt_meetings_are_left_out_silently(area: Source, bmlt_row: Row) -> None:
    hidden = {**bmlt_row, "id_bigint": "1188", "published": "0"}
    result = bmlt.parse([hidden, bmlt_row], area)
    assert ([m.key for m in result.meetings], result.problems) == (["1187"], [])


def test_a_repeated_bmlt_id_is_a_problem(area: Source, bmlt_row: Row) -> None:
    result = bmlt.parse([bmlt_row, [], {**bmlt_row, "meeting_name": "Again"}], area)
    assert [m.name for m in result.meetings] == ["Clean and Serene"]
    assert [(p.position, p.row_id, p.problem) for p in result.problems] == [
        (1, None, "the row is list [], not an object of meeting fields"),
        (2, "1187", "key '1187' is already used by row 0; keys must be unique"),
    ]


def test_bmlt_fellowship_can_be_set_by_the_source(bmlt_row: Row) -> None:
    cma = Source(name="cma", format=FeedFormat.bmlt, path=Path("c.json"), fellowship=Fellowship.cma)
    assert only_meeting(bmlt.parse([bmlt_row], cma)).fellowship is Fellowship.cma


def test_bmlt_keeps_no_contacts(area: Source, bmlt_row: Row) -> None:
    bmlt_row.update(contact_name_1="Sam", contact_phone_1="760-555-0142", email_contact="sam@example.org")
    stored = only_meeting(bmlt.parse([bmlt_row], area)).json()
    assert "Sam" not in stored and "555-0142" not in stored and "example.org" not in stored


def test_every_weekday_of_a_longer_feed_arrives(area: Source, bmlt_row: Row) -> None:
    rows: List[Row] = [{**bmlt_row, "id_bigint": str(n), "weekday_tinyint": str(n % 7 + 1)} for n in range(1, 15)]
    result = bmlt.parse(rows, area)
    assert len(result.meetings) == 14 and result.problems == []
    assert sorted({m.day for m in result.meetings}) == list(range(7))
