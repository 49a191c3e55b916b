"""Places from the real zipcodes data: ZIP codes, "City, ST", cued city names, nearest ZIP, distances."""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bot.meetings.geo import EARTH_RADIUS_MILES, Gazetteer, distance_miles, distances_miles, gazetteer, state_code

PALM_SPRINGS = (33.8303, -116.5453)
LOS_ANGELES_CITY_HALL = (34.0537, -118.2428)


@pytest.fixture(scope="session")
def places() -> Gazetteer:
    return gazetteer()


def test_the_gazetteer_is_loaded_once(places: Gazetteer) -> None:
    assert gazetteer() is places


# -- ZIP codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["92262", "my zip is 92262", "92262-1234", "NA meeting near 92262 tonight?", "Palm Springs CA 92262"]
)
def test_zip_code(places: Gazetteer, text: str) -> None:
    place = places.find(text)
    assert place is not None
    assert place.label == "Palm Springs, CA 92262"
    assert (place.state, place.postal_code, place.timezone) == ("CA", "92262", "America/Los_Angeles")
    assert place.latitude == pytest.approx(33.84, abs=0.05)
    assert place.longitude == pytest.approx(-116.53, abs=0.05)


def test_by_zip_reads_zip_plus_four(places: Gazetteer) -> None:
    assert places.by_zip("92262-1234") == places.by_zip("92262")


@pytest.mark.parametrize(
    "code, label, zone",
    [
        ("85001", "Phoenix, AZ 85001", "America/Phoenix"),
        ("60601", "Chicago, IL 60601", "America/Chicago"),
        ("10001", "New York, NY 10001", "America/New_York"),
        ("92201", "Indio, CA 92201", "America/Los_Angeles"),
    ],
)
def test_other_zip_codes(places: Gazetteer, code: str, label: str, zone: str) -> None:
    place = places.by_zip(code)
    assert place is not None
    assert (place.label, place.timezone, place.postal_code) == (label, zone, code)


@pytest.mark.parametrize("text, code", [("00000", "00000"), ("zip 00000 please", "00000"), ("99999", "99999")])
def test_unknown_zip_code(places: Gazetteer, text: str, code: str) -> None:
    assert places.find(text) is None
    assert places.by_zip(code) is None


def test_an_unknown_zip_lets_a_named_city_count(places: Gazetteer) -> None:
    place = places.find("00000 in Indio")
    assert place is not None and place.label == "Indio, CA"


def test_a_known_zip_wins_over_a_city(places: Gazetteer) -> None:
    place = places.find("in Indio 92262")
    assert place is not None and place.postal_code == "92262"


# -- cities -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, label, zone",
    [
        ("Indio, CA", "Indio, CA", "America/Los_Angeles"),
        ("Indio CA", "Indio, CA", "America/Los_Angeles"),
        ("Indio, California", "Indio, CA", "America/Los_Angeles"),
        ("meeting in Indio, CA", "Indio, CA", "America/Los_Angeles"),
        ("Springfield, IL", "Springfield, IL", "America/Chicago"),
        ("Springfield, Illinois", "Springfield, IL", "America/Chicago"),
        ("springfield, mass.", None, None),  # not a state spelling we know
        ("Springfield, Massachusetts", "Springfield, MA", "America/New_York"),
        ("Portland, ME", "Portland, ME", "America/New_York"),
        ("Washington, DC", "Washington, DC", "America/New_York"),
        ("Washington, District of Columbia", "Washington, DC", "America/New_York"),
        ("Albuquerque, New Mexico", "Albuquerque, NM", "America/Denver"),
        ("from Phoenix AZ", "Phoenix, AZ", "America/Phoenix"),
        ("Helena, MT", "Helena, MT", "America/Denver"),
    ],
)
def test_city_and_state(places: Gazetteer, text: str, label: Optional[str], zone: Optional[str]) -> None:
    place = places.find(text)
    if label is None:
        assert place is None
    else:
        assert place is not None
        assert (place.label, place.timezone, place.postal_code) == (label, zone, None)
        assert place.state == label[-2:]


@pytest.mark.parametrize(
    "prefer, label, zone", [("OR", "Portland, OR", "America/Los_Angeles"), ("ME", "Portland, ME", "America/New_York")]
)
def test_a_bare_city_prefers_the_given_state(places: Gazetteer, prefer: str, label: str, zone: str) -> None:
    place = places.find("meetings in Portland", prefer_state=prefer)
    assert place is not None and (place.label, place.timezone) == (label, zone)


def test_a_bare_city_without_a_preference_is_the_one_with_most_zip_codes(places: Gazetteer) -> None:
    place = places.find("in Portland")
    assert place is not None and place.label == "Portland, OR"


def test_an_explicit_state_beats_the_preference(places: Gazetteer) -> None:
    place = places.find("Portland, Maine", prefer_state="OR")
    assert place is not None and place.label == "Portland, ME"


@pytest.mark.parametrize(
    "text, whole, label",
    [
        ("I have hope", False, None),
        ("I have hope", True, None),  # not the whole message
        ("hope", False, None),  # no cue: an ordinary word
        ("Cathedral City", False, None),
        ("Cathedral City", True, "Cathedral City, CA"),
        ("cathedral city, ca", False, "Cathedral City, CA"),
        ("I live near Cathedral City", False, "Cathedral City, CA"),
        ("close to Palm Desert", False, "Palm Desert, CA"),
        ("meetings in rancho mirage", False, "Rancho Mirage, CA"),
        ("near twentynine palms", False, "Twentynine Palms, CA"),
        ("in new york", False, "New York, NY"),
        ("New York, NY", False, "New York, NY"),
        ("new york", True, "New York, NY"),
        ("in La Quinta", False, "La Quinta, CA"),
        ("near me", False, None),
        ("in the morning", False, None),
        ("meeting at 7 in Indio", False, "Indio, CA"),
        # Follow-ups to a search (issue 15).
        ("closer to Palm Desert?", False, "Palm Desert, CA"),
        ("anything nearer to cathedral city", False, "Cathedral City, CA"),
        ("what about indio?", False, "Indio, CA"),
        ("how about la quinta instead", False, "La Quinta, CA"),
        ("any closer?", False, None),
    ],
)
def test_city_names_need_a_cue_a_state_or_the_whole_message(
    places: Gazetteer, text: str, whole: bool, label: Optional[str]
) -> None:
    place = places.find(text, prefer_state="CA", whole=whole)
    assert (place.label if place else None) == label


def test_hope_alone_as_an_answer_resolves(places: Gazetteer) -> None:
    place = places.find("hope", whole=True, prefer_state="AR")
    assert place is not None and place.label == "Hope, AR"
    assert place.timezone == "America/Chicago"
    anywhere = places.find("Hope", whole=True)
    assert anywhere is not None and anywhere.label.startswith("Hope, ")


@pytest.mark.parametrize(
    "text, label",
    [
        # a two-letter word after the city is not always a state: IN, OR, OK, ME
        ("meetings in Palm Springs in the evening", "Palm Springs, CA"),
        ("meetings in Palm Springs or Indio", "Palm Springs, CA"),
        ("in indio ok", "Indio, CA"),
        ("in Portland or", "Portland, OR"),  # ... but it is one when the city is there
        ("in Palm Springs, CA tonight", "Palm Springs, CA"),
        # a city that is not in the state given is no place, not a shorter name ("Palm, PA")
        ("in Palm Springs, NY", None),
        ("Indio, NY", None),
    ],
)
def test_words_after_a_city(places: Gazetteer, text: str, label: Optional[str]) -> None:
    place = places.find(text, prefer_state="CA")
    assert (place.label if place else None) == label


@pytest.mark.parametrize(
    "text, label",
    [
        ("in St. Louis", "Saint Louis, MO"),
        ("St Louis, MO", "Saint Louis, MO"),
        ("st. paul, mn", "Saint Paul, MN"),
        ("in Saint Paul", "Saint Paul, MN"),
        ("near Ft. Myers", "Fort Myers, FL"),
        ("Mt. Shasta, CA", "Mount Shasta, CA"),
    ],
)
def test_saint_fort_and_mount_may_be_abbreviated(places: Gazetteer, text: str, label: str) -> None:
    place = places.find(text, prefer_state="CA")
    assert place is not None and place.label == label


def test_by_city(places: Gazetteer) -> None:
    indio = places.by_city("Indio", "CA")
    assert indio is not None and indio.label == "Indio, CA"
    assert places.by_city("  INDIO ") == indio
    assert places.by_city("Indio", "NY") is None
    assert places.by_city("Nowhereville") is None
    # a city's centre is among its ZIP codes
    assert indio.latitude == pytest.approx(33.72, abs=0.1)
    assert indio.longitude == pytest.approx(-116.2, abs=0.1)


# -- nearest ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point, zone, state, city",
    [
        ((33.4484, -112.0740), "America/Phoenix", "AZ", "Phoenix"),
        ((41.8781, -87.6298), "America/Chicago", "IL", "Chicago"),
        (PALM_SPRINGS, "America/Los_Angeles", "CA", "Palm Springs"),
        ((31.7619, -106.4850), "America/Denver", "TX", "El Paso"),  # Texas, but Mountain time
        ((40.7128, -74.0060), "America/New_York", "NY", "New York"),
    ],
)
def test_nearest_zip_gives_the_timezone(places: Gazetteer, point: tuple, zone: str, state: str, city: str) -> None:
    place = places.nearest(*point)
    assert (place.timezone, place.state) == (zone, state)
    assert place.label.startswith(f"{city}, {state} ")
    assert (place.latitude, place.longitude) == point  # the person's own point, not the ZIP's centre
    assert place.postal_code is None


# -- distances ------------------------------------------------------------------------------------


def test_palm_springs_to_los_angeles() -> None:
    # Great-circle distance; the drive is longer (about 107 miles by road).
    assert distance_miles(*PALM_SPRINGS, *LOS_ANGELES_CITY_HALL) == pytest.approx(98.6, abs=1.0)


def test_lax_to_jfk() -> None:
    assert distance_miles(33.9425, -118.4081, 40.6398, -73.7789) == pytest.approx(2470, abs=10)


def test_exact_spherical_distances() -> None:
    one_degree = 2 * math.pi * EARTH_RADIUS_MILES / 360
    assert distance_miles(10.0, 20.0, 11.0, 20.0) == pytest.approx(one_degree)
    assert distance_miles(0.0, 0.0, 0.0, 90.0) == pytest.approx(one_degree * 90)
    assert distance_miles(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_MILES)
    assert distance_miles(90.0, 0.0, -90.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_MILES)
    assert distance_miles(*PALM_SPRINGS, *PALM_SPRINGS) == 0.0
    assert distance_miles(0.0, 179.5, 0.0, -179.5) == pytest.approx(one_degree)  # across the date line


latitudes = st.floats(-90, 90, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(a=st.tuples(latitudes, longitudes), b=st.tuples(latitudes, longitudes))
def test_distance_is_symmetric_and_bounded(a: tuple, b: tuple) -> None:
    there = distance_miles(*a, *b)
    assert there == pytest.approx(distance_miles(*b, *a), abs=1e-6)
    assert 0.0 <= there <= math.pi * EARTH_RADIUS_MILES + 1e-6


@settings(max_examples=60, deadline=None)
@given(
    origin=st.tuples(latitudes, longitudes),
    lats=arrays(np.float64, st.integers(0, 20), elements=latitudes),
    data=st.data(),
)
def test_distances_miles_equals_the_scalar_distance(origin: tuple, lats: np.ndarray, data: st.DataObject) -> None:
    lons = data.draw(arrays(np.float64, lats.shape, elements=longitudes))
    got = distances_miles(*origin, lats, lons)
    assert got.shape == lats.shape
    expected = [distance_miles(*origin, lat, lon) for lat, lon in zip(lats, lons)]
    # Near the antipode asin's slope is steep: one ulp of difference between numpy's and math's sin
    # grows to about 1e-4 miles there. A thousandth of a mile (5 feet) is far below what matters.
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-3)


def test_distances_miles_is_nan_where_a_coordinate_is_missing() -> None:
    got = distances_miles(*PALM_SPRINGS, np.array([34.0537, np.nan, 33.8303]), np.array([-118.2428, -116.0, np.nan]))
    assert got[0] == pytest.approx(distance_miles(*PALM_SPRINGS, *LOS_ANGELES_CITY_HALL))
    assert np.isnan(got[1]) and np.isnan(got[2])


# -- state codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("CA", "CA"),
        ("ca", "CA"),
        (" Ca. ", "CA"),
        ("California", "CA"),
        ("new york", "NY"),
        ("NEW MEXICO", "NM"),
        ("district of columbia", "DC"),
        ("Puerto Rico", "PR"),
        ("xx", None),
        ("cal", None),
        ("", None),
        ("new", None),
    ],
)
def test_state_code(text: str, code: Optional[str]) -> None:
    assert state_code(text) == code
