"""The API's shared helpers: JSON encoding and query parsing."""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass, field
from typing import List, Literal, Optional
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from pydantic import Field, conint

from bot.storage.paging import Page
from bot.web.api.common import Query, iso, json_response, jsonable, parse_query


class Colour(enum.Enum):
    RED = "red"


@dataclass
class Inner:
    at: dt.datetime
    day: dt.date


@dataclass
class Outer:
    inner: Inner
    items: List[Inner] = field(default_factory=list)
    colour: Colour = Colour.RED
    note: Optional[str] = None


def test_datetimes_are_utc_with_a_z() -> None:
    la = dt.datetime(2026, 3, 20, 12, 0, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert iso(la) == "2026-03-20T19:00:30Z"
    assert iso(dt.datetime(2026, 3, 20, 19, 0)) == "2026-03-20T19:00:00Z"  # naive: stored as UTC
    assert iso(dt.datetime(2026, 3, 20, 19, 0, 0, 1500, tzinfo=dt.timezone.utc)) == "2026-03-20T19:00:00.001500Z"


def test_dataclasses_become_objects() -> None:
    at = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    value = Outer(Inner(at, dt.date(2026, 1, 2)), [Inner(at, dt.date(2026, 1, 3))])
    assert jsonable(value) == {
        "inner": {"at": "2026-01-02T03:04:05Z", "day": "2026-01-02"},
        "items": [{"at": "2026-01-02T03:04:05Z", "day": "2026-01-03"}],
        "colour": "red",
        "note": None,
    }
    assert jsonable(Page(items=[1, 2], total=3, page=1, per_page=2)) == {
        "items": [1, 2],
        "total": 3,
        "page": 1,
        "per_page": 2,
        "pages": 2,
    }
    assert jsonable({"when": (at,)}) == {"when": ["2026-01-02T03:04:05Z"]}


def test_json_response_is_not_cached() -> None:
    response = json_response({"name": "Zoë"}, status=201)
    assert (
        response.status == 201 and response.content_type == "application/json" and response.headers["Cache-Control"] == "no-store"
    )
    assert json.loads(response.text) == {"name": "Zoë"}


class Sample(Query):
    page: conint(ge=1, le=10) = Field(1)  # type: ignore[valid-type]
    size: conint(ge=1) = Field(5)  # type: ignore[valid-type]
    flag: Optional[bool] = None


def parse(query: str) -> Sample:
    return parse_query(make_mocked_request("GET", f"/api/x?{query}"), Sample)


def test_query_defaults_and_values() -> None:
    assert parse("") == Sample(page=1, size=5, flag=None)
    assert parse("page=3&flag=true") == Sample(page=3, size=5, flag=True)
    assert parse("page=&flag=") == Sample()  # blank: not given


class Choice(Query):
    status: Optional[Literal["open", "closed"]] = None
    page: conint(ge=1) = Field(1)  # type: ignore[valid-type]


def test_a_blank_choice_is_refused_while_other_blanks_are_not_given() -> None:
    request = make_mocked_request("GET", "/api/x?status=&page=")
    with pytest.raises(web.HTTPBadRequest) as raised:
        parse_query(request, Choice)
    assert raised.value.reason == "status must be one of open, closed (got '')"
    assert parse_query(make_mocked_request("GET", "/api/x?page="), Choice) == Choice()


@pytest.mark.parametrize(
    "query, message",
    [
        ("page=11", "page must be between 1 and 10 (got '11')"),
        ("size=0", "size must be at least 1 (got '0')"),
        ("flag=2", "flag must be true or false (got '2')"),
        ("other=", "unknown query parameter 'other': use page, size, flag"),
        ("flag=true&flag=false", "flag is given 2 times: give it once"),
        ("page=" + "9" * 60, "page must be between 1 and 10 (got '" + "9" * 37),
    ],
)
def test_query_errors(query: str, message: str) -> None:
    with pytest.raises(web.HTTPBadRequest) as raised:
        parse(query)
    assert message in raised.value.reason and len(raised.value.reason) < 200
