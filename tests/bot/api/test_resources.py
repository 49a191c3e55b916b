"""/api/me, /api/dashboard, /api/clients, /api/audit."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from bot.records.dashboard import dashboard
from bot.staff.roles import Role, permissions
from bot.web.api import dashboard as api_dashboard
from tests.bot.api.conftest import STAFF, Api
from tests.bot.records.conftest import NOW, World

ESCALATION_FIGURES = {"open_escalations", "unresolved_escalations"}
LEAD_FIGURES = {"new_leads", "leads_in_period"}


@pytest.mark.parametrize("role", ["admissions", "clinician", "admin"])
async def test_me(api: Api, role: str) -> None:
    body = await api.use(role).get("/api/me")
    username, name = STAFF[role]
    assert body == {
        "username": username,
        "name": name,
        "role": role,
        "permissions": sorted(p.value for p in permissions(Role(role))),
        "by_token": False,
        "csrf_token": api.staff[role].csrf,
    }


async def test_me_with_the_token(api: Api) -> None:
    body = await api.use("token").get("/api/me")
    assert body["username"] == body["name"] == "api-token" and body["role"] == "admin" and body["by_token"] is True
    assert "audit" in body["permissions"] and body["csrf_token"] is None


@pytest.mark.parametrize(
    "principal, hidden",
    [("admissions", ESCALATION_FIGURES), ("clinician", LEAD_FIGURES), ("admin", set()), ("token", set())],
)
async def test_the_dashboard_shows_only_the_figures_the_role_may_see(api: Api, principal: str, hidden: set) -> None:
    body = await api.use(principal).get("/api/dashboard?days=7")
    assert not hidden & set(body)
    expected = {"open_escalations": 1, "unresolved_escalations": 2, "new_leads": 1}
    assert {k: body[k] for k in expected if k not in hidden} == {k: v for k, v in expected.items() if k not in hidden}
    assert len(body["conversations_per_day"]) == 7 and body["last_day"] > body["first_day"]
    assert {"conversations", "user_messages", "fallback_rate", "top_intents"} <= set(body)


@pytest.mark.parametrize("principal, crisis", [("admissions", False), ("clinician", True), ("admin", True)])
async def test_only_a_role_with_escalations_gets_crisis_intents_in_the_dashboard(
    api: Api, monkeypatch: pytest.MonkeyPatch, principal: str, crisis: bool
) -> None:
    monkeypatch.setattr(api_dashboard, "dashboard", functools.partial(dashboard, now=NOW))  # the world's "now"
    body = await api.use(principal).get("/api/dashboard?days=30")
    names = {intent["name"] for intent in body["top_intents"]}
    assert "greet" in names and ("crisis" in names) is crisis


@pytest.mark.parametrize(
    "query, message", [("days=0", "days must be between 1 and 366"), ("days=week", "days must be a whole number")]
)
async def test_dashboard_bad_days(api: Api, query: str, message: str) -> None:
    status, body = await api.use("admin").call("GET", f"/api/dashboard?{query}")
    assert status == 400 and message in body["error"]


async def test_clients_list(api: Api) -> None:
    body = await api.use("clinician").get("/api/clients")
    rows = {row["id"]: row for row in body["clients"]}
    assert list(rows) == ["C-1", "C-2", "C-3"]
    assert (
        rows["C-1"]["first_name"],
        rows["C-1"]["conversations"],
        rows["C-1"]["latest_rating"],
        rows["C-1"]["latest_rating_phase"],
    ) == ("Sam", 1, 5, "after")
    assert rows["C-1"]["last_contact"] == "2026-03-20T15:00:05Z"  # "hello again", 08:00:05 in Los Angeles
    assert rows["C-3"]["last_contact"] is None and rows["C-3"]["conversations"] == 0


async def test_client_detail(api: Api) -> None:
    body = await api.use("clinician").get("/api/clients/C-1")
    assert body["client"]["id"] == "C-1" and body["client"]["counselor"] == "Dana"
    assert [(e["exercise_id"], e["before"], e["after"], e["skill"]) for e in body["exercises"]] == [
        ("ex1", 8, 4, "urge_surfing"),
        ("ex2", 6, None, "box_breathing"),
        ("ex3", 7, 5, "urge_surfing"),
    ]
    assert body["skills"] == [
        {"skill": "urge_surfing", "count": 2, "average_change": -3.0},
        {"skill": "box_breathing", "count": 1, "average_change": None},
    ]
    assert body["last_contact"] == "2026-03-20T15:00:05Z" and body["conversation_ids"] == ["c-client"]


async def test_unknown_client_is_404(api: Api) -> None:
    status, body = await api.use("admin").call("GET", "/api/clients/C-404")
    assert status == 404 and "No enrolled client" in body["error"]


async def test_audit_listing_filters_and_pages(api: Api, world: World) -> None:
    api.use("admin")
    for conversation in ("c-prospect", "c-crisis", "c-old"):
        await api.get(f"/api/conversations/{conversation}")
    await api.call("POST", f"/api/escalations/{world.escalation_ids['c-crisis']}/acknowledge")
    everything = await api.get("/api/audit")
    assert everything["total"] == 4 and everything["limit"] == 50 and everything["offset"] == 0
    assert [e["action"] for e in everything["entries"]] == ["escalation.acknowledge"] + ["transcript.view"] * 3
    views = await api.get("/api/audit?action=transcript.view&limit=2&offset=1")
    assert views["total"] == 3 and [e["target_id"] for e in views["entries"]] == ["c-crisis", "c-prospect"]
    entry = views["entries"][0]
    assert entry["username"] == "root" and entry["user_id"] == api.staff["admin"].user.id and entry["at"].endswith("Z")
    prefix = await api.get("/api/audit?action=escalation.")
    assert [e["action"] for e in prefix["entries"]] == ["escalation.acknowledge"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("action=Transcript View", "action must be an action like lead.status"),
        ("limit=0", "limit must be between 1 and 500"),
        ("offset=-1", "offset must be between 0 and 1000000000"),
    ],
)
async def test_audit_bad_values(api: Api, query: str, message: str) -> None:
    status, body = await api.use("admin").call("GET", f"/api/audit?{query}")
    assert status == 400 and message in body["error"]


def test_me_documents_every_role() -> None:
    import typing

    from bot.staff.roles import ROLES
    from bot.web.api.me import Me

    assert typing.get_args(typing.get_type_hints(Me)["role"]) == ROLES


async def test_opening_a_client_through_the_api_is_audited(api: Any, audit_entries: Any) -> None:
    await api.use("clinician").get("/api/clients/C-1")
    assert [(e.action, e.target_id, e.username) for e in audit_entries("client.view")] == [("client.view", "C-1", "cleo")]
