"""The console's building blocks on their own: safe redirects, the SVG charts, the access log."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

import pytest
from aiohttp.test_utils import TestServer

from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.console.access_log import PrivateAccessLogger
from bot.web.console.charts import Point, Series, bar_chart, hbar_chart, line_chart, nice_scale
from bot.web.console.common import safe_next
from tests.bot.records.conftest import World


@pytest.mark.parametrize(
    "value, expected",
    [
        ("/console/leads?status=new", "/console/leads?status=new"),
        ("/console/conversations/c-1#top", "/console/conversations/c-1#top"),
        (None, "/console/"),
        ("", "/console/"),
        ("console/", "/console/"),
        ("//evil.example", "/console/"),
        ("///evil.example", "/console/"),
        ("https://evil.example/", "/console/"),
        ("/\\evil.example", "/console/"),
        ("/console/\nx", "/console/"),
        ("/console/ x", "/console/"),
        ("/login?next=/console/", "/console/"),
        ("/" + "a" * 3000, "/console/"),
    ],
)
def test_safe_next(value: Any, expected: str) -> None:
    assert safe_next(value) == expected


@pytest.mark.parametrize("value, top, ticks", [(0, 1, 1), (1, 1, 1), (2, 2, 2), (4, 4, 4), (7, 8, 4), (13, 15, 3), (101, 150, 3)])
def test_axes_have_whole_steps(value: int, top: int, ticks: int) -> None:
    assert nice_scale(value) == (top, ticks)


def test_chart_text_is_escaped_and_labelled() -> None:
    evil = '<script>alert("x")</script>'
    svgs = [
        bar_chart("c1", evil, evil, [Point(evil, 3, evil)]),
        hbar_chart("c2", evil, evil, [Point(evil, 3, evil)]),
        line_chart("c3", evil, evil, [evil], [Series(evil, [4], "#000")], point_titles=[[evil]]),
    ]
    for svg in svgs:
        assert "<script>" not in svg and "&lt;script&gt;" in svg
        assert svg.startswith("<svg") and 'role="img"' in svg and "aria-labelledby=" in svg


def test_a_line_has_a_gap_where_a_value_is_missing() -> None:
    svg = line_chart(
        "c", "t", "d", ["a", "b", "c", "d"], [Series("After", [4, None, 5, 6], "#000", dashed=True, marker="square")]
    )
    assert svg.count("<path") == 1  # only c-d are joined; a stands alone
    assert svg.count('width="9" height="9"') == 1 + 3  # legend + three points
    assert 'stroke-dasharray="6 4"' in svg


async def test_the_access_log_names_the_route_not_the_person(
    world: World, as_role: Callable[..., Any], aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.staff.sessions import COOKIE_NAME, SessionStore
    from bot.web.auth import now

    caplog.set_level(logging.INFO, logger="aiohttp.access")
    server = TestServer(create_app(get_settings()))
    await server.start_server(access_log_class=PrivateAccessLogger)  # as web.run_app(..., access_log_class=...) would
    client = await aiohttp_client(server)
    users = await as_role("admin")  # makes the staff accounts; this client has its own session
    session = SessionStore(world.engine).create(users.user.id, now())
    client.session.cookie_jar.update_cookies({COOKIE_NAME: session.token})
    await client.get("/console/conversations?q=760-555-0199")
    await client.get("/console/conversations/c-prospect")
    await client.get("/login?next=/console/conversations%3Fq%3Dsam%40example.com")
    await client.get("/no/such/sam@example.com")
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any(line.startswith("GET /console/conversations 200 ") for line in lines)
    assert any(line.startswith("GET /console/conversations/{conversation_id} 200 ") for line in lines)
    assert any(line.startswith("GET (no route) 404 ") for line in lines)
    for line in lines:
        # The last two fields, body size and time taken, are numbers that may hold "555" by chance
        # (a 0.555 s request once failed this test): they are checked for their form only.
        logged, size, took = line.rsplit(" ", 2)
        assert size.isdigit() and re.fullmatch(r"\d+\.\d{3}s", took)
        assert "555" not in logged and "sam" not in logged and "c-prospect" not in logged and "127.0.0.1" not in logged
