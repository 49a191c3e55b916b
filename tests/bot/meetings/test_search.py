"""bot.meetings.search: the index against a brute-force oracle, and the filter rules one by one.

The index estimates each meeting's next start from its minute of the week and only computes the
exact start for the rows that could be on the page; the oracle computes every meeting's exact start
with bot.meetings.timing and sorts them all. They must agree on every page, including has_more.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.meetings.geo import distance_miles
from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.search import Criteria, Hit, MeetingIndex, Page
from bot.meetings.timing import next_occurrence
from tests.bot.meetings.clock_changes import transitions

UTC = dt.timezone.utc
MILE_OF_LATITUDE = 1 / 69.09  # degrees; EARTH_RADIUS_MILES * pi / 180 = 69.09 miles per degree
# name, latitude, longitude, timezone
CITIES = (
    ("Los Angeles", 34.05, -118.24, "America/Los_Angeles"),
    ("Phoenix", 33.45, -112.07, "America/Phoenix"),
    ("Chicago", 41.88, -87.63, "America/Chicago"),
    ("New York", 40.71, -74.01, "America/New_York"),
    ("London", 51.51, -0.13, "Europe/London"),
    ("Lord Howe Island", -31.55, 159.08, "Australia/Lord_Howe"),
    ("Auckland", -36.85, 174.76, "Pacific/Auckland"),
)
FELLOWSHIPS = (Fellowship.aa, Fellowship.na, Fellowship.ca, Fellowship.al_anon)
TYPE_KEYS = ("open", "closed", "women", "wheelchair", "beginners")
ATTENDANCE = (None, "in_person", "online", "hybrid")


def make_meeting(
    key: str,
    day: int = 0,
    start: str = "19:00",
    zone: str = "America/Los_Angeles",
    attendance: Attendance = Attendance.in_person,
    fellowship: Fellowship = Fellowship.aa,
    types: Tuple[str, ...] = (),
    at: Optional[Tuple[float, float]] = (34.05, -118.24),
    name: Optional[str] = None,
    end: Optional[str] = None,
) -> Meeting:
    return Meeting(
        source="test",
        key=key,
        name=name or f"Group {key}",
        fellowship=fellowship,
        day=day,
        start=dt.time.fromisoformat(start),
        end=dt.time.fromisoformat(end) if end else None,
        timezone=zone,
        attendance=attendance,
        types=types,
        latitude=at[0] if at else None,
        longitude=at[1] if at else None,
        conference_url="https://example.org/join" if attendance is not Attendance.in_person else None,
    )


# -- the oracle --------------------------------------------------------------------------------------
def oracle(meetings: Sequence[Meeting], criteria: Criteria) -> List[Hit]:
    """Every matching meeting's exact next start in the window, sorted: soonest, nearest, by name."""
    hits = []
    for meeting in meetings:
        if criteria.fellowships and meeting.fellowship not in criteria.fellowships:
            continue
        if criteria.attendance == "online":
            if meeting.attendance not in (Attendance.online, Attendance.hybrid):
                continue
        elif criteria.attendance == "hybrid":
            if meeting.attendance is not Attendance.hybrid:
                continue
        elif meeting.attendance not in (Attendance.in_person, Attendance.hybrid):
            continue
        if not set(criteria.types) <= set(meeting.types):
            continue
        distance = None
        if criteria.origin is not None and criteria.attendance != "online":
            if meeting.latitude is None or meeting.longitude is None:
                continue
            distance = distance_miles(criteria.origin[0], criteria.origin[1], meeting.latitude, meeting.longitude)
            if distance > criteria.radius_miles:
                continue
        start = next_occurrence(meeting, criteria.start, in_progress=False)
        if criteria.start <= start < criteria.end:
            hits.append(Hit(meeting, start, distance))
    hits.sort(key=lambda hit: (hit.start, hit.distance_miles if hit.distance_miles is not None else 0.0, hit.meeting.name))
    return hits


def assert_same_page(page: Page, expected: List[Hit], limit: int, offset: int) -> None:
    want = expected[offset : offset + limit]
    assert [(h.meeting.id, h.start) for h in page.hits] == [(h.meeting.id, h.start) for h in want]
    for got, hit in zip(page.hits, want):
        if hit.distance_miles is None:
            assert got.distance_miles is None
        else:
            assert got.distance_miles == pytest.approx(hit.distance_miles, rel=1e-9, abs=1e-9)
        assert got.meeting is hit.meeting
    assert page.has_more == (len(expected) > offset + limit)


# -- strategies --------------------------------------------------------------------------------------
TRANSITIONS = tuple(sorted({t for city in CITIES for t in transitions(city[3])}))
# Local midnight from Sunday to Monday: where the minute of the week wraps.
WEEK_ENDS = tuple(dt.datetime(2026, 6, 15, tzinfo=ZoneInfo(city[3])).astimezone(UTC) for city in CITIES) + tuple(
    dt.datetime(2026, 3, 9, tzinfo=ZoneInfo(city[3])).astimezone(UTC) for city in CITIES
)

START_TIMES = (
    "00:00",
    "00:30",
    "01:30",
    "02:00",
    "02:30",
    "06:30",
    "07:00",
    "12:00",
    "12:15",
    "18:00",
    "19:00",
    "19:30",
    "20:00",
    "23:30",
    "23:59",
)


@st.composite
def meeting_sets(draw: st.DrawFn, max_size: int = 300, max_slots: int = 6) -> List[Meeting]:
    # Venues: a few per city, each at a distinct spot (a tiny unique nudge keeps two venues from
    # being exactly as far from an origin, where float rounding could order them either way).
    venues = []
    for i in range(draw(st.integers(1, 12))):
        city = draw(st.integers(0, len(CITIES) - 1))
        dlat, dlon = draw(st.integers(-400, 400)), draw(st.integers(-400, 400))
        venues.append((city, CITIES[city][1] + dlat / 1000 + i * 1.37e-7, CITIES[city][2] + dlon / 1000 + i * 2.71e-7))
    # A few popular (day, time) slots, so that many meetings start together: the index must not
    # let a crowd that has just begun (next start a week off) push later meetings off the page.
    any_slot = st.tuples(
        st.integers(0, 6),
        st.one_of(
            st.sampled_from(START_TIMES), st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
        ),
    )
    slots = draw(st.lists(any_slot, min_size=1, max_size=max_slots))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(venues) - 1),
                st.one_of(st.sampled_from(slots), any_slot),
                st.sampled_from(list(Attendance)),
                st.sampled_from(FELLOWSHIPS),
                st.frozensets(st.sampled_from(TYPE_KEYS), max_size=2),
                st.integers(0, 9),  # 0: no coordinates
                st.sampled_from(("Alpha", "Beta", "Gamma")),
            ),
            max_size=max_size,
        )
    )
    meetings = []
    for n, (venue, (day, start), attendance, fellowship, types, coords, word) in enumerate(rows):
        city, lat, lon = venues[venue]
        meetings.append(
            make_meeting(
                f"{n:03d}",
                day=day,
                start=start,
                zone=CITIES[city][3],
                attendance=attendance,
                fellowship=fellowship,
                types=tuple(sorted(types)),
                at=(lat, lon) if coords else None,
                name=f"{word} {n:03d}",
            )
        )
    return meetings


any_instant = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 24), timezones=st.just(UTC))


@st.composite
def criteria_for(draw: st.DrawFn, meetings: Sequence[Meeting]) -> Criteria:
    base = draw(
        st.one_of(
            any_instant,
            st.builds(lambda t, s: t + dt.timedelta(seconds=s), st.sampled_from(TRANSITIONS), st.integers(-8 * 86400, 2 * 86400)),
            st.builds(lambda t, s: t + dt.timedelta(seconds=s), st.sampled_from(WEEK_ENDS), st.integers(-3 * 3600, 3 * 3600)),
        )
    )
    if meetings and draw(st.booleans()):
        # Right around one meeting's start: just before it, at it, or just after it began.
        meeting = draw(st.sampled_from(meetings))
        base = next_occurrence(meeting, base, in_progress=False)
        base += dt.timedelta(
            seconds=draw(st.sampled_from([0, 1, 30, 600, 45 * 60, 89 * 60, 91 * 60, 3 * 3600, -1, -30, -60 * 60, -89 * 60]))
        )
        base += dt.timedelta(microseconds=draw(st.sampled_from([0, 0, 1, 500_000])))
    minutes = draw(st.one_of(st.sampled_from([60, 90, 180, 24 * 60, 3 * 24 * 60, 7 * 24 * 60]), st.integers(60, 7 * 24 * 60)))
    origin = None
    if draw(st.booleans()):
        city = draw(st.sampled_from(CITIES))
        origin = (city[1] + draw(st.integers(-300, 300)) / 1000, city[2] + draw(st.integers(-300, 300)) / 1000)
    return Criteria(
        start=base,
        end=base + dt.timedelta(minutes=minutes),
        fellowships=draw(st.one_of(st.just(frozenset()), st.frozensets(st.sampled_from(FELLOWSHIPS), min_size=1, max_size=3))),
        attendance=draw(st.sampled_from(ATTENDANCE)),
        types=draw(st.one_of(st.just(frozenset()), st.frozensets(st.sampled_from(TYPE_KEYS), max_size=1))),
        origin=origin,
        radius_miles=draw(st.one_of(st.sampled_from([1.0, 5.0, 10.0, 25.0]), st.just(100.0), st.just(20000.0))),
    )


def check_pages(meetings: Sequence[Meeting], index: MeetingIndex, criteria: Criteria, pages: Sequence[Tuple[int, int]]) -> None:
    expected = oracle(meetings, criteria)
    for limit, offset in pages:
        assert_same_page(index.search(criteria, limit=limit, offset=offset), expected, limit, offset)


# -- the index against the oracle --------------------------------------------------------------------
@settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_index_agrees_with_the_oracle(data: st.DataObject) -> None:
    meetings = data.draw(meeting_sets())
    index = MeetingIndex(meetings)
    for _ in range(3):
        criteria = data.draw(criteria_for(meetings))
        check_pages(meetings, index, criteria, [(5, 0), (5, 5), (5, 10), (1, 0), (2, 1)])


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_index_agrees_with_the_oracle_on_small_sets(data: st.DataObject) -> None:
    """Few meetings, small pages: where one wrongly ranked candidate changes the answer."""
    meetings = data.draw(meeting_sets(max_size=12, max_slots=2))
    index = MeetingIndex(meetings)
    criteria = data.draw(criteria_for(meetings))
    limit = data.draw(st.integers(1, 4))
    offset = data.draw(st.integers(0, 4))
    check_pages(meetings, index, criteria, [(limit, offset), (limit, 0)])


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_crowd_that_just_began_never_hides_later_meetings(data: st.DataObject) -> None:
    """Meetings that began up to 90 minutes before the window (or began this very minute, seconds
    ago, or the first time round an hour that repeats) next start a week later: they must not
    take the page's places from meetings that start later in the window. And a crowd about to
    begin (perhaps at a time in the spring-forward gap) must be found."""
    others = data.draw(meeting_sets(max_size=40, max_slots=3))
    city = data.draw(st.sampled_from(CITIES))
    zone = ZoneInfo(city[3])
    changes = [
        t for t in TRANSITIONS if (t - dt.timedelta(hours=3)).astimezone(zone).utcoffset() != t.astimezone(zone).utcoffset()
    ]
    if changes and data.draw(st.booleans()):
        # On the night the clocks change, up to 90 minutes either side of the change (as the
        # clock read before it): times in the gap, in the repeated hour, and around them.
        change = data.draw(st.sampled_from(changes))
        before = (change - dt.timedelta(microseconds=1)).astimezone(zone).replace(tzinfo=None) + dt.timedelta(microseconds=1)
        wall = before + dt.timedelta(minutes=data.draw(st.integers(-90, 90)))
        day, start = wall.weekday(), wall.strftime("%H:%M")
        base = change - dt.timedelta(days=2)
    else:
        day = data.draw(st.integers(0, 6))
        start = data.draw(st.sampled_from(START_TIMES))
        base = data.draw(
            st.one_of(
                any_instant,
                st.builds(lambda t, s: t + dt.timedelta(seconds=s), st.sampled_from(TRANSITIONS), st.integers(-8 * 86400, 86400)),
            )
        )
    crowd = [
        make_meeting(f"crowd{n:02d}", day=day, start=start, zone=city[3], at=(city[1], city[2]), name=f"Crowd {n:02d}")
        for n in range(data.draw(st.integers(2, 20)))
    ]
    meetings = crowd + others
    began = next_occurrence(crowd[0], base, in_progress=False)
    since = data.draw(
        st.one_of(
            st.integers(1, 90 * 60 * 10**6),
            st.sampled_from([1, 10**6, 30 * 10**6, 60 * 10**6, 3600 * 10**6]),
            st.integers(-90 * 60 * 10**6, 0),  # the crowd is about to begin instead: it must be found
        )
    )
    window_start = began + dt.timedelta(microseconds=since)
    criteria = Criteria(
        start=window_start,
        end=window_start + dt.timedelta(minutes=data.draw(st.integers(60, 7 * 24 * 60))),
        attendance=data.draw(st.sampled_from([None, "in_person"])),
        origin=data.draw(st.sampled_from([None, (city[1], city[2])])),
        radius_miles=20000.0,
    )
    index = MeetingIndex(meetings)
    check_pages(meetings, index, criteria, [(1, 0), (2, 0), (5, 0), (5, 5), (3, 2)])


def _same_time_everywhere(count: int) -> List[Meeting]:
    return [make_meeting(f"{n:02d}", day=0, start="09:30", zone="America/New_York") for n in range(count)]


MONDAY_10AM_NY = dt.datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def test_meetings_that_just_began_do_not_crowd_out_later_ones() -> None:
    """Two meetings began 30 minutes ago (their next start is a week off); one starts in 5 hours."""
    meetings = _same_time_everywhere(2) + [make_meeting("later", day=0, start="15:00", zone="America/New_York")]
    index = MeetingIndex(meetings)
    criteria = Criteria(MONDAY_10AM_NY, MONDAY_10AM_NY + dt.timedelta(days=1))
    page = index.search(criteria, limit=1)
    assert [h.meeting.key for h in page.hits] == ["later"]
    assert page.hits[0].start == dt.datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
    assert not page.has_more


def test_a_window_starting_seconds_after_a_start_does_not_count_it() -> None:
    """At 10:00:30 the 10:00 meetings are next week's; the 15:00 one is the answer."""
    meetings = [make_meeting(f"now{n}", day=0, start="10:00", zone="America/New_York") for n in range(3)]
    meetings.append(make_meeting("later", day=0, start="15:00", zone="America/New_York"))
    start = MONDAY_10AM_NY + dt.timedelta(seconds=30)
    page = MeetingIndex(meetings).search(Criteria(start, start + dt.timedelta(days=1)), limit=1)
    assert [h.meeting.key for h in page.hits] == ["later"]
    # At exactly 10:00 they are on, sorted by name.
    page = MeetingIndex(meetings).search(Criteria(MONDAY_10AM_NY, MONDAY_10AM_NY + dt.timedelta(days=1)), limit=5)
    assert [h.meeting.key for h in page.hits] == ["now0", "now1", "now2", "later"]


def test_a_start_with_seconds() -> None:
    """A feed may give 19:00:30; at 19:00:15 that meeting is 15 seconds away, not a week."""
    zone = "America/Los_Angeles"
    meetings = [
        make_meeting("seconds", day=0, start="19:00:30", zone=zone),
        make_meeting("later", day=0, start="21:00", zone=zone),
    ]
    start = dt.datetime(2026, 6, 15, 19, 0, 15, tzinfo=ZoneInfo(zone))
    page = MeetingIndex(meetings).search(Criteria(start, start + dt.timedelta(hours=1)), limit=5)
    assert [(h.meeting.key, h.start) for h in page.hits] == [("seconds", start + dt.timedelta(seconds=15))]
    page = MeetingIndex(meetings).search(Criteria(start + dt.timedelta(seconds=16), start + dt.timedelta(hours=3)), limit=5)
    assert _keys(page) == ["later"]


def test_the_fold_hour_second_time_round() -> None:
    """At 01:10 PST on the night clocks fall back, a 01:30 meeting already met at 01:30 PDT."""
    zone = "America/Los_Angeles"
    meetings = [make_meeting(f"fold{n}", day=6, start="01:30", zone=zone) for n in range(3)]
    meetings.append(make_meeting("later", day=6, start="09:00", zone=zone))
    start = dt.datetime(2026, 11, 1, 1, 10, tzinfo=ZoneInfo(zone), fold=1)
    criteria = Criteria(start, start + dt.timedelta(days=1))
    page = MeetingIndex(meetings).search(criteria, limit=1)
    assert [h.meeting.key for h in page.hits] == ["later"]


def test_the_spring_forward_gap_is_found_from_just_after_the_jump() -> None:
    """At 03:10 PDT a 02:30 meeting (which happens at 03:30 PDT that day) is 20 minutes away."""
    zone = "America/Los_Angeles"
    meetings = [make_meeting("gap", day=6, start="02:30", zone=zone), make_meeting("later", day=6, start="05:00", zone=zone)]
    start = dt.datetime(2026, 3, 8, 3, 10, tzinfo=ZoneInfo(zone))
    page = MeetingIndex(meetings).search(Criteria(start, start + dt.timedelta(hours=1)), limit=5)
    assert [(h.meeting.key, h.start) for h in page.hits] == [("gap", dt.datetime(2026, 3, 8, 10, 30, tzinfo=UTC))]


def test_a_week_long_window_wraps_past_the_end_of_the_week() -> None:
    zone = "Europe/London"
    sunday_late = make_meeting("sunday", day=6, start="23:00", zone=zone)
    monday_early = make_meeting("monday", day=0, start="00:30", zone=zone)
    saturday = make_meeting("saturday", day=5, start="12:00", zone=zone)
    start = dt.datetime(2026, 6, 14, 23, 30, tzinfo=ZoneInfo(zone))  # Sunday night, after the 23:00 meeting began
    page = MeetingIndex([sunday_late, monday_early, saturday]).search(Criteria(start, start + dt.timedelta(days=7)), limit=5)
    assert [h.meeting.key for h in page.hits] == ["monday", "saturday", "sunday"]
    assert page.hits[-1].start == dt.datetime(2026, 6, 21, 23, 0, tzinfo=ZoneInfo(zone))


# -- filters -----------------------------------------------------------------------------------------
def _keys(page: Page) -> List[str]:
    return [hit.meeting.key for hit in page.hits]


WEEK_OF = dt.datetime(2026, 6, 15, 7, 0, tzinfo=UTC)  # Monday 00:00 in Los Angeles
WHOLE_WEEK = dict(start=WEEK_OF, end=WEEK_OF + dt.timedelta(days=7))


@pytest.fixture(scope="module")
def mixed() -> List[Meeting]:
    return [
        make_meeting("room", day=0, start="19:00", attendance=Attendance.in_person),
        make_meeting("link", day=0, start="19:10", attendance=Attendance.online, at=None),
        make_meeting("both", day=0, start="19:20", attendance=Attendance.hybrid),
        make_meeting("far-room", day=0, start="19:30", attendance=Attendance.in_person, at=(40.71, -74.01)),
        make_meeting("far-both", day=0, start="19:40", attendance=Attendance.hybrid, at=(40.71, -74.01)),
        make_meeting("nowhere", day=0, start="19:50", attendance=Attendance.in_person, at=None),
    ]


@pytest.mark.parametrize(
    "attendance, origin, expected",
    [
        (None, None, ["room", "both", "far-room", "far-both", "nowhere"]),
        ("in_person", None, ["room", "both", "far-room", "far-both", "nowhere"]),
        ("online", None, ["link", "both", "far-both"]),
        ("hybrid", None, ["both", "far-both"]),
        (None, (34.05, -118.24), ["room", "both"]),
        ("in_person", (34.05, -118.24), ["room", "both"]),
        ("online", (34.05, -118.24), ["link", "both", "far-both"]),  # online ignores distance
        ("hybrid", (34.05, -118.24), ["both"]),
        ("something else", None, ["room", "both", "far-room", "far-both", "nowhere"]),  # read as "a room"
    ],
)
def test_attendance(
    mixed: List[Meeting], attendance: Optional[str], origin: Optional[Tuple[float, float]], expected: List[str]
) -> None:
    criteria = Criteria(**WHOLE_WEEK, attendance=attendance, origin=origin)
    page = MeetingIndex(mixed).search(criteria, limit=10)
    assert _keys(page) == expected
    assert _keys(page) == [hit.meeting.key for hit in oracle(mixed, criteria)]
    for hit in page.hits:
        assert (hit.distance_miles is None) == (origin is None or attendance == "online")


def test_online_search_keeps_meetings_without_coordinates(mixed: List[Meeting]) -> None:
    page = MeetingIndex(mixed).search(Criteria(**WHOLE_WEEK, attendance="online", origin=(51.5, -0.1), radius_miles=1), limit=10)
    assert _keys(page) == ["link", "both", "far-both"]


def test_types_must_all_match_and_unknown_types_match_nothing() -> None:
    meetings = [
        make_meeting("open", types=("open",)),
        make_meeting("open-women", types=("open", "women"), start="19:30"),
        make_meeting("plain", start="20:00"),
    ]
    index = MeetingIndex(meetings)
    assert index.type_keys == ["open", "women"]
    assert _keys(index.search(Criteria(**WHOLE_WEEK, types=frozenset({"open"})), limit=10)) == ["open", "open-women"]
    assert _keys(index.search(Criteria(**WHOLE_WEEK, types=frozenset({"open", "women"})), limit=10)) == ["open-women"]
    assert _keys(index.search(Criteria(**WHOLE_WEEK, types=frozenset({"wheelchair"})), limit=10)) == []
    assert _keys(index.search(Criteria(**WHOLE_WEEK, types=frozenset({"open", "no_such_type"})), limit=10)) == []
    assert len(_keys(index.search(Criteria(**WHOLE_WEEK), limit=10))) == 3


def test_fellowships() -> None:
    meetings = [
        make_meeting("aa", fellowship=Fellowship.aa),
        make_meeting("na", fellowship=Fellowship.na, start="19:30"),
        make_meeting("alanon", fellowship=Fellowship.al_anon, start="20:00"),
    ]
    index = MeetingIndex(meetings)
    assert _keys(index.search(Criteria(**WHOLE_WEEK, fellowships=frozenset({Fellowship.na})), limit=10)) == ["na"]
    both = frozenset({Fellowship.aa, Fellowship.al_anon})
    assert _keys(index.search(Criteria(**WHOLE_WEEK, fellowships=both), limit=10)) == ["aa", "alanon"]
    assert _keys(index.search(Criteria(**WHOLE_WEEK, fellowships=frozenset({Fellowship.smart})), limit=10)) == []
    assert index.counts() == {"AA": 1, "NA": 1, "Al-Anon": 1}


def test_radius_boundary() -> None:
    origin = (34.05, -118.24)
    inside = (origin[0] + 9.99 * MILE_OF_LATITUDE, origin[1])
    outside = (origin[0] + 10.01 * MILE_OF_LATITUDE, origin[1])
    assert 9.98 < distance_miles(*origin, *inside) < 10.0 < distance_miles(*origin, *outside) < 10.02
    meetings = [
        make_meeting("inside", at=inside),
        make_meeting("outside", at=outside, start="18:00"),
        make_meeting("unplaced", at=None, start="17:00"),
    ]
    index = MeetingIndex(meetings)
    page = index.search(Criteria(**WHOLE_WEEK, origin=origin, radius_miles=10.0), limit=10)
    assert _keys(page) == ["inside"]
    assert page.hits[0].distance_miles == pytest.approx(9.99, abs=0.01)
    # A little wider takes in the other; the meeting without coordinates never counts near a place.
    assert _keys(index.search(Criteria(**WHOLE_WEEK, origin=origin, radius_miles=10.02), limit=10)) == ["outside", "inside"]
    assert _keys(index.search(Criteria(**WHOLE_WEEK, origin=origin, radius_miles=20000.0), limit=10)) == ["outside", "inside"]
    # Without a place, all three.
    assert _keys(index.search(Criteria(**WHOLE_WEEK), limit=10)) == ["unplaced", "outside", "inside"]


def test_radius_across_longitude_at_high_latitude() -> None:
    """The latitude box must not cut off a meeting due east (where a degree of longitude is short)."""
    origin = (51.51, -0.13)
    east = (51.51, -0.13 + 0.1)  # about 4.3 miles at London's latitude
    page = MeetingIndex([make_meeting("east", zone="Europe/London", at=east)]).search(
        Criteria(**WHOLE_WEEK, origin=origin, radius_miles=5.0), limit=5
    )
    assert _keys(page) == ["east"]
    assert page.hits[0].distance_miles == pytest.approx(distance_miles(*origin, *east))


def test_nearer_first_when_starting_together_then_by_name() -> None:
    origin = (34.05, -118.24)
    meetings = [
        make_meeting("far", at=(origin[0] + 3 * MILE_OF_LATITUDE, origin[1]), name="Aardvark"),
        make_meeting("near-b", at=(origin[0] + 1 * MILE_OF_LATITUDE, origin[1]), name="Beta"),
        make_meeting("near-a", at=(origin[0] + 1 * MILE_OF_LATITUDE, origin[1]), name="Alpha"),
        make_meeting("earlier", at=(origin[0] + 5 * MILE_OF_LATITUDE, origin[1]), start="18:59"),
    ]
    index = MeetingIndex(meetings)
    assert _keys(index.search(Criteria(**WHOLE_WEEK, origin=origin), limit=10)) == ["earlier", "near-a", "near-b", "far"]
    # Without a place, same start: by name.
    assert _keys(index.search(Criteria(**WHOLE_WEEK), limit=10)) == ["earlier", "far", "near-a", "near-b"]


def test_pages_and_has_more() -> None:
    meetings = [make_meeting(f"{n:02d}", start=f"{8 + n:02d}:00") for n in range(12)]
    index = MeetingIndex(meetings)
    criteria = Criteria(**WHOLE_WEEK)
    first, second, third = (index.search(criteria, limit=5, offset=o) for o in (0, 5, 10))
    assert _keys(first) == [f"{n:02d}" for n in range(5)] and first.has_more
    assert _keys(second) == [f"{n:02d}" for n in range(5, 10)] and second.has_more
    assert _keys(third) == ["10", "11"] and not third.has_more
    assert index.search(criteria, limit=5, offset=12) == Page([], False)
    exactly = index.search(criteria, limit=6, offset=6)
    assert len(exactly.hits) == 6 and not exactly.has_more


def test_a_window_excludes_its_end_and_includes_its_start() -> None:
    meetings = [make_meeting("seven", start="19:00"), make_meeting("eight", start="20:00")]
    start = dt.datetime(2026, 6, 15, 19, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    page = MeetingIndex(meetings).search(Criteria(start, start + dt.timedelta(hours=1)), limit=5)
    assert _keys(page) == ["seven"]


def test_empty_index() -> None:
    index = MeetingIndex([])
    assert len(index) == 0
    assert index.counts() == {}
    assert index.type_keys == [] and index.zones == []
    for criteria in (
        Criteria(**WHOLE_WEEK),
        Criteria(**WHOLE_WEEK, origin=(34.05, -118.24)),
        Criteria(**WHOLE_WEEK, types=frozenset({"open"}), attendance="online"),
    ):
        assert index.search(criteria) == Page([], False)


def test_counts() -> None:
    meetings = [make_meeting(f"a{n}", fellowship=Fellowship.aa) for n in range(3)]
    meetings += [make_meeting("n", fellowship=Fellowship.na), make_meeting("c", fellowship=Fellowship.celebrate_recovery)]
    assert MeetingIndex(meetings).counts() == {"AA": 3, "NA": 1, "Celebrate Recovery": 1}
