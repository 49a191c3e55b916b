"""CSRF: a change made with the session cookie needs the session's token in X-CSRF-Token; a
change made with the Bearer token needs none. A refused change changes nothing."""

from __future__ import annotations

from typing import List, Optional

import pytest

from tests.bot.api.conftest import Api
from tests.bot.records.conftest import World


def writes(world: World) -> List[tuple]:
    lead = world.lead_ids["c-prospect"]
    crisis = world.escalation_ids["c-crisis"]
    return [
        ("admissions", "PATCH", f"/api/leads/{lead}", {"status": "closed", "note": "duplicate"}),
        ("admissions", "POST", f"/api/leads/{lead}/notes", {"note": "called twice"}),
        ("clinician", "POST", f"/api/escalations/{crisis}/acknowledge", {"note": "calling now"}),
        ("clinician", "POST", f"/api/escalations/{crisis}/resolve", {"note": "safe"}),
    ]


async def snapshot(api: Api, world: World) -> tuple:
    """What the writes above would change, read as the admin token."""
    principal = api.principal
    api.use("token")
    lead = await api.get(f"/api/leads/{world.lead_ids['c-prospect']}")
    escalation = await api.get(f"/api/escalations/{world.escalation_ids['c-crisis']}")
    audit = await api.get("/api/audit?limit=500")
    api.use(principal)
    return lead["status"], len(lead["notes"]), escalation["status"], escalation["note"], audit["total"]


@pytest.mark.parametrize("csrf", [None, "", "wrong-token-of-the-right-length-000000000000", "session-of-another-user"])
@pytest.mark.parametrize("index", range(4))
async def test_a_session_change_without_the_right_token_is_refused_and_changes_nothing(
    api: Api, world: World, index: int, csrf: Optional[str]
) -> None:
    role, method, path, body = writes(world)[index]
    if csrf == "session-of-another-user":
        csrf = api.staff["admin"].csrf  # a real token, of another session
    before = await snapshot(api, world)
    api.use(role)
    status, answer = await api.call(method, path, body, csrf=csrf)
    assert status == 403 and "security token" in answer["error"]
    assert await snapshot(api, world) == before


@pytest.mark.parametrize("index", range(4))
async def test_a_session_change_with_the_token_works(api: Api, world: World, index: int) -> None:
    role, method, path, body = writes(world)[index]
    before = await snapshot(api, world)
    api.use(role)
    status, answer = await api.call(method, path, body)
    assert status in (200, 201), answer
    assert await snapshot(api, world) != before


@pytest.mark.parametrize("index", range(4))
async def test_the_bearer_token_needs_no_csrf_token(api: Api, world: World, index: int) -> None:
    _, method, path, body = writes(world)[index]
    api.use("token")
    assert "X-CSRF-Token" not in api.headers()
    status, answer = await api.call(method, path, {**body, "by": "Pager Duty"})
    assert status in (200, 201), answer


async def test_reads_need_no_csrf_token(api: Api) -> None:
    api.use("admin")
    status, _ = await api.call("GET", "/api/leads", csrf=None)
    assert status == 200


async def test_me_gives_a_session_its_csrf_token_and_the_token_none(api: Api) -> None:
    api.use("clinician")
    assert (await api.get("/api/me"))["csrf_token"] == api.staff["clinician"].csrf
    api.use("token")
    assert (await api.get("/api/me"))["csrf_token"] is None
