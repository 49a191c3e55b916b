"""/api/leads: listing, detail with notes, status changes (200/409), notes, CSV export, audit."""

from __future__ import annotations

import csv
import io
import typing

import pytest

from bot.leads.work import CSV_COLUMNS, STATUSES
from bot.web.api import leads as leads_api
from tests.bot.api.conftest import Api
from tests.bot.records.conftest import World


def test_the_status_type_is_the_workflows() -> None:
    assert typing.get_args(leads_api.Status) == STATUSES


async def test_list_newest_first_with_next_statuses(api: Api, world: World) -> None:
    body = await api.use("admissions").get("/api/leads")
    assert [lead["id"] for lead in body["items"]] == [world.lead_ids["c-prospect"], world.lead_ids["c-old"]]
    assert [lead["next_statuses"] for lead in body["items"]] == [["contacted", "closed"], ["enrolled", "closed"]]
    assert body["total"] == 2 and body["pages"] == 1
    first = body["items"][0]
    assert first["phone"] == "(760) 555-0199" and first["email"] == "sam@example.com" and first["created_at"].endswith("Z")


@pytest.mark.parametrize(
    "query, expected",
    [("status=new", ["c-prospect"]), ("status=contacted", ["c-old"]), ("status=closed", []), ("per_page=1&page=2", ["c-old"])],
)
async def test_list_filters_and_pages(api: Api, world: World, query: str, expected: list) -> None:
    body = await api.use("admin").get(f"/api/leads?{query}")
    assert [lead["conversation_id"] for lead in body["items"]] == expected


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=lost", "status must be one of new, contacted, enrolled, closed (got 'lost')"),
        ("page=0", "page must be between 1 and 1000000"),
        ("per_page=500", "per_page must be between 1 and 100"),
    ],
)
async def test_list_bad_values(api: Api, query: str, message: str) -> None:
    status, body = await api.use("admin").call("GET", f"/api/leads?{query}")
    assert status == 400 and message in body["error"]


async def test_detail_has_the_notes(api: Api, world: World) -> None:
    body = await api.use("admissions").get(f"/api/leads/{world.lead_ids['c-old']}")
    assert body["status"] == "contacted" and body["note_count"] == 1
    [note] = body["notes"]
    assert (note["author"], note["note"], note["status_from"], note["status_to"]) == (
        "dana",
        "left a voicemail",
        "new",
        "contacted",
    )


@pytest.mark.parametrize("path", ["/api/leads/999", "/api/leads/abc", "/api/leads/" + "9" * 30])
async def test_unknown_lead_is_404(api: Api, path: str) -> None:
    status, body = await api.use("admin").call("GET", path)
    assert status == 404 and body["status"] == 404


async def test_a_status_change_is_recorded_with_its_author_and_audited(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    lead = world.lead_ids["c-prospect"]
    status, body = await api.use("admissions").call(
        "PATCH", f"/api/leads/{lead}", {"status": "contacted", "note": "calling back at 3", "by": "Someone Else"}
    )
    assert status == 200 and body["status"] == "contacted" and body["next_statuses"] == ["enrolled", "closed"]
    change = body["notes"][-1]
    assert (change["author"], change["status_from"], change["status_to"], change["note"]) == (
        "ada",
        "new",
        "contacted",
        "calling back at 3",
    )
    [entry] = audit_entries("lead.status")
    assert (entry.username, entry.target_type, entry.target_id, entry.detail) == ("ada", "lead", str(lead), "new -> contacted")


@pytest.mark.parametrize(
    "steps, status, reason",
    [
        (["enrolled"], 409, "cannot move from new to enrolled: from new it can move to: contacted, closed"),
        (["new"], 409, "is already new"),
        (["contacted", "enrolled", "closed"], 409, "cannot move from enrolled to closed: enrolled is final"),
        (["closed", "contacted", "enrolled"], 200, None),
    ],
)
async def test_transitions(api: Api, world: World, audit_entries, steps: list, status: int, reason: str) -> None:  # type: ignore[no-untyped-def]
    lead = world.lead_ids["c-prospect"]
    api.use("admin")
    for index, step in enumerate(steps):
        got, body = await api.call("PATCH", f"/api/leads/{lead}", {"status": step})
        last = index == len(steps) - 1
        assert got == (status if last else 200), body
    if reason:
        assert reason in body["error"]
        assert len(audit_entries("lead.status")) == len(steps) - 1  # the refused change is not audited
    detail = await api.get(f"/api/leads/{lead}")
    assert detail["status"] == (steps[-1] if status == 200 else (steps[-2] if len(steps) > 1 else "new"))


@pytest.mark.parametrize(
    "body, message",
    [
        ({"status": "lost"}, "status: unexpected value; permitted: 'new', 'contacted', 'enrolled', 'closed'"),
        ({}, "status: field required"),
        ({"status": "contacted", "colour": "red"}, "colour: extra fields not permitted"),
        ({"status": "contacted", "note": "x" * 5001}, "note: ensure this value has at most 5000 characters"),
        ([1, 2], "the body must be a JSON object"),
    ],
)
async def test_bad_change_bodies(api: Api, world: World, body: object, message: str) -> None:
    status, answer = await api.use("admissions").call("PATCH", f"/api/leads/{world.lead_ids['c-prospect']}", body)
    assert status == 400 and message in answer["error"]


async def test_the_token_must_say_who_changed_a_lead(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    lead = world.lead_ids["c-prospect"]
    api.use("token")
    status, answer = await api.call("PATCH", f"/api/leads/{lead}", {"status": "contacted"})
    assert status == 400 and "by: field required" in answer["error"]
    status, answer = await api.call("PATCH", f"/api/leads/{lead}", {"status": "contacted", "by": "Intake System"})
    assert status == 200 and answer["notes"][-1]["author"] == "Intake System"
    [entry] = audit_entries("lead.status")
    assert entry.username == "api-token" and entry.user_id is None


async def test_patch_unknown_lead_is_404(api: Api) -> None:
    status, _ = await api.use("admin").call("PATCH", "/api/leads/999", {"status": "contacted"})
    assert status == 404


async def test_notes(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    lead = world.lead_ids["c-old"]
    api.use("admissions")
    status, note = await api.call("POST", f"/api/leads/{lead}/notes", {"note": "  called, no answer  "})
    assert status == 201 and note["note"] == "called, no answer" and note["author"] == "ada" and note["status_to"] is None
    detail = await api.get(f"/api/leads/{lead}")
    assert [n["note"] for n in detail["notes"]] == ["left a voicemail", "called, no answer"] and detail["status"] == "contacted"
    [entry] = audit_entries("lead.note")
    assert entry.target_id == str(lead) and entry.detail is None  # never the note's text
    for body, message in (({"note": "   "}, "note: ensure this value has at least 1 characters"), ({}, "note: field required")):
        status, answer = await api.call("POST", f"/api/leads/{lead}/notes", body)
        assert status == 400 and message in answer["error"]
    status, _ = await api.call("POST", "/api/leads/999/notes", {"note": "x"})
    assert status == 404


async def test_csv_export(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    api.use("admissions")
    async with api.client.get("/api/leads.csv") as response:
        text = await response.text()
        assert response.status == 200 and response.content_type == "text/csv" and response.charset == "utf-8"
        disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="leads-') and disposition.endswith('.csv"')
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS and text.endswith("\r\n")
    by_id = {int(row[0]): dict(zip(CSV_COLUMNS, row)) for row in rows[1:]}
    assert set(by_id) == set(world.lead_ids.values())
    assert by_id[world.lead_ids["c-prospect"]]["phone"] == "(760) 555-0199"
    [entry] = audit_entries("leads.export")
    assert (entry.username, entry.detail) == ("ada", "2 leads")


async def test_csv_export_of_one_status(api: Api, audit_entries) -> None:  # type: ignore[no-untyped-def]
    api.use("token")
    async with api.client.get("/api/leads.csv?status=contacted", headers=api.headers()) as response:
        text = await response.text()
        assert 'filename="leads-contacted-' in response.headers["Content-Disposition"]
    assert len(list(csv.reader(io.StringIO(text)))) == 2
    [entry] = audit_entries("leads.export")
    assert (entry.username, entry.detail) == ("api-token", "1 leads, status contacted")
    status, body = await api.call("GET", "/api/leads.csv?status=lost")
    assert status == 400 and "status must be one of" in body["error"]


async def test_a_role_that_does_not_see_contact_details(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, audit_entries
) -> None:  # type: ignore[no-untyped-def]
    """No current role is like that; one would get leads masked and no export."""
    monkeypatch.setattr(leads_api, "sees_contact_details", lambda role: role.value != "admissions")
    api.use("admissions")
    body = await api.get("/api/leads")
    assert {(lead["phone"], lead["email"]) for lead in body["items"]} == {("[phone]", "[e-mail]"), ("[phone]", None)}
    detail = await api.get(f"/api/leads/{world.lead_ids['c-prospect']}")
    assert detail["phone"] == "[phone]"
    status, answer = await api.call("GET", "/api/leads.csv")
    assert status == 403 and "contact details" in answer["error"] and audit_entries("leads.export") == []
