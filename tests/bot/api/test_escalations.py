"""Escalations through the API with a staff session: who acted comes from the session; audit."""

from __future__ import annotations

import pytest

from tests.bot.api.conftest import Api
from tests.bot.records.conftest import World


async def test_a_session_acknowledges_as_the_signed_in_user(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    escalation = world.escalation_ids["c-crisis"]
    api.use("clinician")
    status, body = await api.call(
        "POST", f"/api/escalations/{escalation}/acknowledge", {"by": "Somebody Else", "note": "calling"}
    )
    assert (
        status == 200
        and body["status"] == "acknowledged"
        and body["acknowledged_by"] == "Cleo Ortiz"
        and body["note"] == "calling"
    )
    status, body = await api.call("POST", f"/api/escalations/{escalation}/resolve")  # no body at all: nothing to say
    assert status == 200 and body["resolved_by"] == "Cleo Ortiz" and body["resolved_at"].endswith("Z")
    entries = audit_entries("escalation.")
    assert [(e.action, e.username, e.target_type, e.target_id, e.detail) for e in entries] == [
        ("escalation.acknowledge", "cleo", "escalation", escalation, "by Cleo Ortiz"),
        ("escalation.resolve", "cleo", "escalation", escalation, "by Cleo Ortiz"),
    ]


async def test_the_token_names_who_acted_and_is_audited_as_api_token(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    escalation = world.escalation_ids["c-crisis"]
    api.use("token")
    status, body = await api.call("POST", f"/api/escalations/{escalation}/acknowledge", {})
    assert status == 400 and "by: field required" in body["error"]
    status, body = await api.call("POST", f"/api/escalations/{escalation}/acknowledge", {"by": "Dana (on call)"})
    assert status == 200 and body["acknowledged_by"] == "Dana (on call)"
    [entry] = audit_entries("escalation.acknowledge")
    assert (entry.username, entry.user_id, entry.detail) == ("api-token", None, "by Dana (on call)")


async def test_a_refused_change_is_not_audited(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    api.use("admin")
    resolved = world.escalation_ids["c-old"]
    status, body = await api.call("POST", f"/api/escalations/{resolved}/acknowledge")
    assert status == 409 and "resolved" in body["error"]
    status, body = await api.call("POST", "/api/escalations/nope/resolve")
    assert status == 404
    assert audit_entries("escalation.") == []


@pytest.mark.parametrize(
    "body, message",
    [
        ({"note": "x" * 2001}, "note: ensure this value has at most 2000 characters"),
        ({"urgent": True}, "urgent: extra fields not permitted"),
    ],
)
async def test_bad_session_bodies(api: Api, world: World, body: dict, message: str) -> None:
    status, answer = await api.use("clinician").call(
        "POST", f"/api/escalations/{world.escalation_ids['c-crisis']}/acknowledge", body
    )
    assert status == 400 and message in answer["error"]


async def test_listing_for_a_session(api: Api, world: World) -> None:
    body = await api.use("clinician").get("/api/escalations?status=acknowledged")
    assert [e["id"] for e in body["escalations"]] == [world.escalation_ids["c-old-open"]]
    status, answer = await api.call("GET", "/api/escalations?limit=501")
    assert status == 400 and "limit must be between 1 and 500 (got '501')" in answer["error"]
