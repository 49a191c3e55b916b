"""Leads: the list by status, one lead with its history, status changes and notes (audited), and
the CSV export (content type, attachment, audit)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Callable

import pytest

from tests.bot.records.conftest import World
from tests.bot.web.conftest import audit_entries, scalar, text_of


def lead_names(html: str) -> list:
    return re.findall(r'<th scope="row"><a href="/console/leads/\d+">([^<]+) <span', html)


@pytest.mark.parametrize("status, expected", [("", ["Sam", "Lee"]), ("new", ["Sam"]), ("contacted", ["Lee"]), ("enrolled", [])])
async def test_the_list_by_status_newest_first(as_role: Callable[..., Any], world: World, status: str, expected: list) -> None:
    html = await (await (await as_role("admissions")).get(f"/console/leads?status={status}")).text()
    assert lead_names(html) == expected
    assert 'All <span class="tab-count">2</span>' in html and 'New <span class="tab-count">1</span>' in html


async def test_the_list_shows_contact_details_and_the_last_update(as_role: Callable[..., Any], world: World) -> None:
    text = text_of(await (await (await as_role("admissions")).get("/console/leads")).text())
    assert "Sam #1 2026-03-18 09:05 (760) 555-0199 sam@example.com mornings myself Aetna English new — 0" in text
    assert "Lee #2 2025-10-01 10:05 760-555-0100 evenings my son — English contacted 2025-10-02 09:00 1" in text


async def test_an_unknown_status_filter_is_400(as_role: Callable[..., Any], world: World) -> None:
    assert (await (await as_role("admissions")).get("/console/leads?status=lost")).status == 400


async def test_a_lead_s_page_shows_its_history_and_only_the_allowed_moves(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admissions")
    html = await (await client.get(f"/console/leads/{world.lead_ids['c-old']}")).text()
    text = text_of(html)
    assert "2025-10-02 09:00 dana new → contacted left a voicemail" in text
    assert re.findall(r'name="status" value="(\w+)"', html) == ["enrolled", "closed"]
    assert 'href="tel:760-555-0100"' in html
    for field in ("status-enrolled", "status-closed", "status-note", "note-only"):
        assert f'<label for="{field}">' in html


async def test_a_status_change_with_a_note_is_recorded_and_audited(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admissions")
    lead_id = world.lead_ids["c-prospect"]
    response = await client.post(
        f"/console/leads/{lead_id}/status",
        data={"csrf_token": client.csrf, "status": "contacted", "note": "Spoke with Sam, intake Monday"},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == f"/console/leads/{lead_id}?done=status"
    assert scalar(world, "SELECT status FROM leads WHERE id = :id", id=lead_id) == "contacted"
    with world.engine.connect() as connection:
        [note] = connection.exec_driver_sql(
            "SELECT author, status_from, status_to, note FROM lead_notes WHERE lead_id = ?", (lead_id,)
        ).all()
    assert tuple(note) == ("ana", "new", "contacted", "Spoke with Sam, intake Monday")
    [entry] = audit_entries(world, "lead.status")
    assert (entry.username, entry.target_type, entry.target_id, entry.detail) == (
        "ana",
        "lead",
        str(lead_id),
        "new -> contacted, with a note",
    )
    page = text_of(await (await client.get(response.headers["Location"])).text())
    assert "Lead status changed." in page and "ana new → contacted Spoke with Sam, intake Monday" in page


@pytest.mark.parametrize(
    "status, message",
    [
        ("enrolled", "cannot move from new to enrolled"),
        ("new", "already new"),
        ("lost", "unknown lead status"),
        ("", "unknown lead status"),
    ],
)
async def test_a_move_the_workflow_does_not_allow_changes_nothing(
    as_role: Callable[..., Any], world: World, status: str, message: str
) -> None:
    client = await as_role("admin")
    lead_id = world.lead_ids["c-prospect"]
    response = await client.post(
        f"/console/leads/{lead_id}/status",
        data={"csrf_token": client.csrf, "status": status, "note": "kept"},
        allow_redirects=False,
    )
    html = await response.text()
    assert response.status == 409 and message in html and 'role="alert"' in html
    assert ">kept</textarea>" in html  # what was typed is not lost
    assert scalar(world, "SELECT status FROM leads WHERE id = :id", id=lead_id) == "new"
    assert audit_entries(world, "lead.") == []


async def test_a_note_is_added_and_audited_without_its_text(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admin")
    lead_id = world.lead_ids["c-prospect"]
    response = await client.post(
        f"/console/leads/{lead_id}/note",
        data={"csrf_token": client.csrf, "note": "Call after 10, not before"},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == f"/console/leads/{lead_id}?done=note"
    assert (
        scalar(world, "SELECT author || ': ' || note FROM lead_notes WHERE lead_id = :id", id=lead_id)
        == "root: Call after 10, not before"
    )
    [entry] = audit_entries(world, "lead.note")
    assert entry.username == "root" and entry.target_id == str(lead_id) and entry.detail is None
    assert scalar(world, "SELECT status FROM leads WHERE id = :id", id=lead_id) == "new"


async def test_an_empty_note_is_refused(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admin")
    response = await client.post(
        f"/console/leads/{world.lead_ids['c-prospect']}/note",
        data={"csrf_token": client.csrf, "note": "  "},
        allow_redirects=False,
    )
    assert response.status == 400 and "Write a note first" in await response.text()
    assert scalar(world, "SELECT COUNT(*) FROM lead_notes WHERE lead_id = :id", id=world.lead_ids["c-prospect"]) == 0


async def test_the_csv_export_is_an_audited_attachment(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admissions")
    response = await client.get("/console/leads.csv")
    assert response.status == 200
    assert response.content_type == "text/csv" and response.charset == "utf-8"
    assert re.fullmatch(r'attachment; filename="leads-\d{4}-\d{2}-\d{2}\.csv"', response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert [(r["first_name"], r["phone"], r["email"], r["status"]) for r in rows] == [
        ("Lee", "760-555-0100", "", "contacted"),
        ("Sam", "(760) 555-0199", "sam@example.com", "new"),
    ]
    [entry] = audit_entries(world, "leads.export")
    assert (entry.username, entry.target_type, entry.target_id, entry.detail) == ("ana", "leads", "all", "all leads, 2 rows")


async def test_the_csv_export_of_one_status(as_role: Callable[..., Any], world: World) -> None:
    response = await (await as_role("admin")).get("/console/leads.csv?status=new")
    assert 'filename="leads-new-' in response.headers["Content-Disposition"]
    assert [r["first_name"] for r in csv.DictReader(io.StringIO(await response.text()))] == ["Sam"]
    assert audit_entries(world, "leads.export")[0].detail == "new leads, 1 row"
