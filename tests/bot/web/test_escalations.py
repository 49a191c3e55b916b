"""The escalations page: the lists by status, acknowledge and resolve (who, when, note, audit),
the live refresh's hooks and the API it reads with the session cookie."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, List

import pytest

from bot.safety.escalations import EscalationStore
from tests.bot.records.conftest import World
from tests.bot.web.conftest import audit_entries, forms, text_of


def rows(html: str) -> List[str]:
    return re.findall(r'<tr data-id="([0-9a-f]{32})">', html)


@pytest.mark.parametrize(
    "view, expected",
    [
        ("", ["c-crisis"]),
        ("open", ["c-crisis"]),
        ("acknowledged", ["c-old-open"]),
        ("resolved", ["c-old"]),
        ("all", ["c-crisis", "c-old-open", "c-old"]),
    ],
)
async def test_the_lists_by_status_newest_first(
    as_role: Callable[..., Any], world: World, view: str, expected: List[str]
) -> None:
    client = await as_role("clinician")
    html = await (await client.get(f"/console/escalations?status={view}" if view else "/console/escalations")).text()
    assert rows(html) == [world.escalation_ids[c] for c in expected]
    assert 'Open <span class="tab-count">1</span>' in html and 'All <span class="tab-count">3</span>' in html


async def test_a_row_shows_the_crisis_its_handling_and_a_link_to_the_transcript(
    as_role: Callable[..., Any], world: World
) -> None:
    html = await (await (await as_role("clinician")).get("/console/escalations?status=all")).text()
    text = text_of(html)
    assert "2026-03-19 22:30 suicide I don't want to live anymore open Nobody has acknowledged it yet." in text
    assert "Resolved by dana" in text and "Note: called, safe; number 760-555-0100" in text
    assert 'href="/console/conversations/c-crisis"' in html
    assert "<caption" in html and 'scope="col">Opened</th>' in html
    # The open one can be acknowledged or resolved, the acknowledged one only resolved, the resolved one neither.
    actions = [action for action, _ in forms(html) if action.startswith("/console/escalations/") and "__ID__" not in action]
    assert actions == [
        f"/console/escalations/{world.escalation_ids['c-crisis']}/acknowledge",
        f"/console/escalations/{world.escalation_ids['c-old-open']}/resolve",
    ]
    assert html.count('data-action="acknowledge"') == 1 + 1  # the open row and the row template


async def test_acknowledge_records_who_when_and_the_note_and_audits(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("clinician")
    escalation_id = world.escalation_ids["c-crisis"]
    before = dt.datetime.now(dt.timezone.utc)
    response = await client.post(
        f"/console/escalations/{escalation_id}/acknowledge",
        data={"csrf_token": client.csrf, "note": "Calling the number they gave", "back": "/console/escalations?status=open"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == "/console/escalations?status=open&done=acknowledged"
    stored = EscalationStore(world.engine).get(escalation_id)
    assert stored["status"] == "acknowledged" and stored["acknowledged_by"] == "Dana Reyes"
    assert stored["note"] == "Calling the number they gave"
    assert before - dt.timedelta(seconds=1) <= stored["acknowledged_at"] <= dt.datetime.now(dt.timezone.utc)
    [entry] = audit_entries(world, "escalation.acknowledge")
    assert (entry.username, entry.target_type, entry.target_id) == ("dana", "escalation", escalation_id)
    assert entry.detail == "open -> acknowledged, with a note"  # the note itself stays out of the audit log
    page = text_of(await (await client.get(response.headers["Location"])).text())
    assert "Escalation acknowledged." in page
    acknowledged = text_of(await (await client.get("/console/escalations?status=acknowledged")).text())
    assert "Acknowledged by Dana Reyes" in acknowledged and "Note: Calling the number they gave" in acknowledged


async def test_resolve_after_acknowledge_keeps_both_and_the_admin_s_name(as_role: Callable[..., Any], world: World) -> None:
    escalation_id = world.escalation_ids["c-crisis"]
    clinician = await as_role("clinician")
    await clinician.post(
        f"/console/escalations/{escalation_id}/acknowledge", data={"csrf_token": clinician.csrf}, allow_redirects=False
    )
    admin = await as_role("admin")
    response = await admin.post(
        f"/console/escalations/{escalation_id}/resolve",
        data={"csrf_token": admin.csrf, "note": "Safe with family"},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == "/console/escalations?done=resolved"
    stored = EscalationStore(world.engine).get(escalation_id)
    assert (stored["status"], stored["acknowledged_by"], stored["resolved_by"], stored["note"]) == (
        "resolved",
        "Dana Reyes",
        "Site Admin",
        "Safe with family",
    )
    assert [(e.action, e.username, e.detail) for e in audit_entries(world) if e.action.startswith("escalation.")] == [
        ("escalation.resolve", "root", "acknowledged -> resolved, with a note"),
        ("escalation.acknowledge", "dana", "open -> acknowledged"),
    ]


async def test_a_change_someone_made_first_is_explained_and_not_audited(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("clinician")
    resolved = world.escalation_ids["c-old"]
    response = await client.post(
        f"/console/escalations/{resolved}/acknowledge", data={"csrf_token": client.csrf}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/console/escalations?problem=escalation_changed"
    assert "Someone else changed this escalation first" in await (await client.get(response.headers["Location"])).text()
    assert EscalationStore(world.engine).get(resolved)["status"] == "resolved"
    assert audit_entries(world, "escalation.") == []


async def test_the_form_on_a_transcript_returns_to_it(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("clinician")
    html = await (await client.get("/console/conversations/c-crisis")).text()
    [(action, hidden)] = [(a, h) for a, h in forms(html) if a.startswith("/console/escalations/")]
    assert hidden["back"] == "/console/conversations/c-crisis"
    response = await client.post(action, data={**hidden, "note": "on it"}, allow_redirects=False)
    assert response.headers["Location"] == "/console/conversations/c-crisis?done=acknowledged"
    assert "Acknowledged by Dana Reyes" in text_of(await (await client.get(response.headers["Location"])).text())


@pytest.mark.parametrize("back", ["//evil.example/x", "https://evil.example/", "/\\evil.example", ""])
async def test_back_never_leaves_the_site(as_role: Callable[..., Any], world: World, back: str) -> None:
    client = await as_role("clinician")
    response = await client.post(
        f"/console/escalations/{world.escalation_ids['c-crisis']}/acknowledge",
        data={"csrf_token": client.csrf, "back": back},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/console/escalations?done=acknowledged"


async def test_unknown_escalation_and_overlong_note(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("clinician")
    missing = await client.post(
        "/console/escalations/" + "0" * 32 + "/resolve", data={"csrf_token": client.csrf}, allow_redirects=False
    )
    assert missing.status == 404
    too_long = await client.post(
        f"/console/escalations/{world.escalation_ids['c-crisis']}/resolve",
        data={"csrf_token": client.csrf, "note": "x" * 2001},
        allow_redirects=False,
    )
    assert too_long.status == 400 and "at most 2000" in await too_long.text()
    assert EscalationStore(world.engine).get(world.escalation_ids["c-crisis"])["status"] == "open"


async def test_the_page_has_the_live_refresh_hooks_and_a_refresh_link_without_script(
    as_role: Callable[..., Any], world: World
) -> None:
    html = await (await (await as_role("clinician")).get("/console/escalations?status=open")).text()
    table = re.search(r"<table[^>]*data-live-escalations[^>]*>", html)
    assert table is not None
    assert 'data-status="open"' in table.group(0) and 'data-interval="10"' in table.group(0)
    assert f'data-signature="{world.escalation_ids["c-crisis"]}:open:suicide"' in table.group(0)
    assert 'data-zone="America/Los_Angeles"' in table.group(0)
    assert '<a href="/console/escalations?status=open" class="button" id="refresh-link">Refresh</a>' in html
    assert '<template id="escalation-row">' in html and 'role="status"' in html
    assert re.search(r'<script src="/static/escalations\.js\?v=[^"]+" defer></script>', html)


async def test_the_script_reads_the_api_with_the_session_cookie(anonymous: Any) -> None:
    script = await (await anonymous.get("/static/escalations.js")).text()
    assert 'credentials: "same-origin"' in script and '"/api/escalations?limit="' in script
    assert "innerHTML" not in script.replace("never innerHTML", "")


async def test_the_api_the_script_reads_answers_the_session(as_role: Callable[..., Any], world: World) -> None:
    clinician = await as_role("clinician")
    response = await clinician.get("/api/escalations?status=open&limit=100", headers={"Accept": "application/json"})
    assert response.status == 200
    body = await response.json()
    assert [e["id"] for e in body["escalations"]] == [world.escalation_ids["c-crisis"]]
    admissions = await as_role("admissions")
    assert (await admissions.get("/api/escalations?status=open")).status == 403


async def test_review_items_are_listed_below_the_escalations_for_the_clinical_team(
    as_role: Callable[..., Any], world: World
) -> None:
    from bot.safety.reviews import record_review_items

    html = await (await (await as_role("clinician")).get("/console/escalations")).text()
    assert "Nothing to review." in html
    said = {
        "event": "user",
        "timestamp": 1.0,
        "text": "no, call me at 760-555-0100 later",
        "parse_data": {"intent": {"name": "deny"}},
    }
    record_review_items(
        world.engine,
        "c-crisis",
        [said, {"event": "action", "name": "utter_risk_screen_no", "timestamp": 2.0}],
        crisis_type="suicide",
    )
    clinician = text_of(await (await (await as_role("clinician")).get("/console/escalations")).text())
    assert "Said no to the screening question (suicide) no, call me at 760-555-0100 later" in clinician
    assert (await (await as_role("admissions")).get("/console/escalations")).status == 403  # clinical, as escalations are
