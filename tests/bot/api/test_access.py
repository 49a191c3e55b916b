"""Who may call what: every /api/ route for every principal, against the permission table.

==========================================  ==========  =========  =====
route                                        admissions  clinician  admin (and the token)
==========================================  ==========  =========  =====
/api/me, /api/dashboard, /api/conversations  yes         yes        yes
a prospect's transcript (no escalation)      yes         no         yes
an enrolled client's transcript              no          yes        yes
a prospect's transcript with an escalation   yes         yes        yes
/api/escalations...                          no          yes        yes
/api/leads...                                yes         no         yes
/api/clients...                              no          yes        yes
/api/audit                                   no          no         yes
/api/review... (a flag: as its transcript)   yes         yes        yes
==========================================  ==========  =========  =====

Nobody signed in gets 401 (with WWW-Authenticate) everywhere but /api/openapi.json; a wrong
Bearer token gets 401 everywhere. Writes from a session carry the right CSRF token here (the CSRF
tests are in test_csrf.py), so each answer depends on the role alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, NamedTuple, Optional, Tuple

import pytest
import sqlalchemy as sa

from bot.review.normalize import review_key
from bot.storage.rasa_events import events
from bot.web.api.common import iso
from tests.bot.api.conftest import PRINCIPALS, Api, api_token
from tests.bot.records.conftest import World

EVERYONE = ("admissions", "clinician", "admin")
PUBLIC = None  # open without signing in


class Case(NamedTuple):
    method: str
    route: str  # the router's canonical path
    path: str  # with ids filled from the world
    roles: Optional[Tuple[str, ...]]  # the roles that may; PUBLIC: anyone
    body: Optional[dict] = None
    ok: int = 200


def cases(world: World) -> List[Case]:
    crisis, old_open = world.escalation_ids["c-crisis"], world.escalation_ids["c-old-open"]
    lead = world.lead_ids["c-prospect"]
    return [
        Case("GET", "/api/openapi.json", "/api/openapi.json", PUBLIC),
        Case("GET", "/api/me", "/api/me", EVERYONE),
        Case("GET", "/api/dashboard", "/api/dashboard", EVERYONE),
        Case("GET", "/api/conversations", "/api/conversations", EVERYONE),
        Case("GET", "/api/conversations/{conversation_id}", "/api/conversations/c-prospect", ("admissions", "admin")),
        Case("GET", "/api/conversations/{conversation_id}", "/api/conversations/c-client", ("clinician", "admin")),
        Case("GET", "/api/conversations/{conversation_id}", "/api/conversations/c-crisis", EVERYONE),
        Case("GET", "/api/escalations", "/api/escalations", ("clinician", "admin")),
        Case("GET", "/api/escalations/{escalation_id}", f"/api/escalations/{crisis}", ("clinician", "admin")),
        Case(
            "POST",
            "/api/escalations/{escalation_id}/acknowledge",
            f"/api/escalations/{crisis}/acknowledge",
            ("clinician", "admin"),
            {"by": "Dana Reyes"},
        ),
        Case(
            "POST",
            "/api/escalations/{escalation_id}/resolve",
            f"/api/escalations/{old_open}/resolve",
            ("clinician", "admin"),
            {"by": "Dana Reyes"},
        ),
        Case("GET", "/api/leads", "/api/leads", ("admissions", "admin")),
        Case("GET", "/api/leads.csv", "/api/leads.csv", ("admissions", "admin")),
        Case("GET", "/api/leads/{lead_id}", f"/api/leads/{lead}", ("admissions", "admin")),
        Case(
            "PATCH",
            "/api/leads/{lead_id}",
            f"/api/leads/{lead}",
            ("admissions", "admin"),
            {"status": "contacted", "by": "Dana Reyes"},
        ),
        Case(
            "POST",
            "/api/leads/{lead_id}/notes",
            f"/api/leads/{lead}/notes",
            ("admissions", "admin"),
            {"note": "left a voicemail", "by": "Dana Reyes"},
            201,
        ),
        Case("GET", "/api/clients", "/api/clients", ("clinician", "admin")),
        Case("GET", "/api/clients/{client_id}", "/api/clients/C-1", ("clinician", "admin")),
        Case("GET", "/api/audit", "/api/audit", ("admin",)),
        Case("GET", "/api/review", "/api/review", EVERYONE),
        Case("GET", "/api/review/intents", "/api/review/intents", EVERYONE),
        Case("GET", "/api/review/figures", "/api/review/figures", EVERYONE),
        Case(
            "POST", "/api/review/{key}/label", f"/api/review/{review_key('asdf qwerty')}/label", EVERYONE, {"decision": "exclude"}
        ),
        Case(
            "POST",
            "/api/conversations/{conversation_id}/flag",
            "/api/conversations/c-crisis/flag",
            EVERYONE,
            {"at": _first_message_at(world, "c-crisis")},
            201,
        ),
    ]


def _first_message_at(world: World, conversation_id: str) -> str:
    with world.engine.connect() as connection:
        timestamp = connection.execute(
            sa.select(sa.func.min(events.c.timestamp)).where(events.c.sender_id == conversation_id, events.c.type_name == "user")
        ).scalar_one()
    return iso(dt.datetime.fromtimestamp(timestamp, dt.timezone.utc))


def expected(case: Case, principal: str) -> int:
    if case.roles is None:
        return 401 if principal == "wrong-token" else case.ok
    if principal in ("anonymous", "wrong-token"):
        return 401
    role = "admin" if principal == "token" else principal
    return case.ok if role in case.roles else 403


@pytest.mark.parametrize("principal", PRINCIPALS)
async def test_every_route_answers_each_principal_as_the_permission_table_says(api: Api, world: World, principal: str) -> None:
    api.use(principal)
    got: Dict[str, int] = {}
    want: Dict[str, int] = {}
    problems = []
    for case in cases(world):
        key = f"{case.method} {case.path}"
        status, body = await api.call(case.method, case.path, case.body)
        got[key], want[key] = status, expected(case, principal)
        if status >= 400:
            if not (isinstance(body, dict) and body.get("status") == status and body.get("error")):
                problems.append(f"{key}: the error is not JSON {{error, status}}: {body!r}")
            if status == 401 and not api.last_headers.get("WWW-Authenticate", "").startswith("Bearer"):
                problems.append(f"{key}: 401 without WWW-Authenticate")
    assert got == want
    assert problems == []


async def test_the_matrix_covers_every_api_route(api: Api, world: World) -> None:
    routes = {
        (route.method, route.resource.canonical)
        for route in api.client.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/api/") and route.method != "HEAD"
    }
    assert routes == {(case.method, case.route) for case in cases(world)}


@pytest.mark.parametrize("role", EVERYONE)
async def test_a_session_that_ended_is_anonymous(api: Api, role: str) -> None:
    api.use(role)
    api.client.session.cookie_jar.update_cookies({"companion_staff": "not-a-session-token"})
    status, body = await api.call("GET", "/api/me")
    assert status == 401 and "Sign in" in body["error"]


async def test_the_token_wins_over_a_session_cookie(api: Api) -> None:
    """A request with both is the integration token's (an admin), not the admissions member's."""
    api.use("admissions")
    async with api.client.get("/api/me", headers={"Authorization": f"Bearer {api_token()}"}) as response:
        me = await response.json()
    assert response.status == 200 and me["username"] == "api-token" and me["role"] == "admin"


async def test_a_bearer_token_with_non_ascii_characters_is_refused_not_a_crash(api: Api) -> None:
    async with api.client.get("/api/me", headers={"Authorization": "Bearer ééé"}) as response:
        assert response.status == 401
