"""The dashboard (only the role's widgets, charts with their tables), the clients (the check-in
chart and ratings), the audit log, and what reaches the server log."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

import pytest

from tests.bot.records.conftest import World
from tests.bot.web.conftest import PASSWORD, audit_entries, forms, text_of

DASHBOARD = "/console/?days=30&until=2026-03-20"


@pytest.mark.parametrize(
    "role, escalations, leads",
    [("admissions", False, True), ("clinician", True, False), ("admin", True, True)],
)
async def test_the_dashboard_shows_only_the_role_s_widgets(
    as_role: Callable[..., Any], world: World, role: str, escalations: bool, leads: bool
) -> None:
    html = await (await (await as_role(role)).get(DASHBOARD)).text()
    for shared in ("widget-conversations", "widget-fallback", "widget-per-day", "widget-intents"):
        assert f'id="{shared}"' in html
    assert ('id="widget-escalations"' in html) is escalations
    assert ("Escalations open" in html) is escalations
    assert ('id="widget-leads"' in html) is leads
    assert ("Leads new" in html) is leads


@pytest.mark.parametrize("role, crisis", [("admissions", False), ("clinician", True), ("admin", True)])
async def test_only_a_role_with_escalations_sees_crisis_messages_among_the_top_intents(
    as_role: Callable[..., Any], world: World, role: str, crisis: bool
) -> None:
    html = await (await (await as_role(role)).get(DASHBOARD)).text()
    intents = re.search(r'<section aria-labelledby="intents-heading".*?</section>', html, re.S)
    assert intents is not None and "greet" in intents.group(0)
    assert ("crisis" in intents.group(0)) is crisis  # c-crisis's message, on 2026-03-19


async def test_the_dashboard_figures_and_charts(as_role: Callable[..., Any], world: World) -> None:
    html = await (await (await as_role("admin")).get(DASHBOARD)).text()
    text = text_of(html)
    assert "From 2026-02-19 to 2026-03-20" in text
    assert "Conversations started 6 11 user messages" in text
    assert "Fallback rate 18.2% 2 of 11 messages not understood" in text
    assert "Escalations open 1 2 not yet resolved" in text
    assert "Leads new 1 1 received in this period" in text
    # Conversations per day: an SVG with its own title and description, one bar per day, and a table.
    per_day = re.search(r'<svg class="chart" id="chart-per-day" role="img".*?</svg>', html, re.S)
    assert per_day is not None
    svg = per_day.group(0)
    assert 'aria-labelledby="chart-per-day-title chart-per-day-desc"' in svg
    assert '<title id="chart-per-day-title">Conversations per day, last 30 days</title>' in svg
    assert "the busiest day was 2026-03-05 with 2" in svg
    assert svg.count("<rect") == 30 and "<title>Thu Mar 5: 2 conversations</title>" in svg
    assert "<caption>Conversations started per day</caption>" in html
    assert "Fri 2026-03-20 1" in text
    # Top intents: horizontal bars and a table, most frequent first.
    intents = re.search(r'<svg class="chart" id="chart-intents".*?</svg>', html, re.S)
    assert intents is not None and "<title>greet: 2 messages</title>" in intents.group(0)
    assert "greet 2 inform 2 ask_cost 1" in text


async def test_the_dashboard_period_is_checked(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admin")
    assert (await client.get("/console/?days=12")).status == 400
    assert (await client.get("/console/?until=soon")).status == 400
    week = text_of(await (await client.get("/console/?days=7&until=2026-03-20")).text())
    assert "From 2026-03-14 to 2026-03-20" in week and "Conversations started 3" in week


async def test_the_clients_list(as_role: Callable[..., Any], world: World) -> None:
    text = text_of(await (await (await as_role("clinician")).get("/console/clients")).text())
    assert "Enrolled clients (3)" in text
    assert "Sam C-1 adult_evening Dana 1 2026-03-20 08:00 5 /10 (after an exercise, 2026-03-20 08:30 )" in text
    assert "Kim C-3 adult_day Ravi 0 never —" in text


async def test_a_client_s_page_has_the_ratings_chart_table_skills_and_last_contact(
    as_role: Callable[..., Any], world: World
) -> None:
    client = await as_role("clinician")
    html = await (await client.get("/console/clients/C-1")).text()
    text = text_of(html)
    assert "Last contact 2026-03-20 08:00" in text
    chart = re.search(r'<svg class="chart" id="chart-ratings" role="img".*?</svg>', html, re.S)
    assert chart is not None
    svg = chart.group(0)
    assert '<title id="chart-ratings-title">Craving ratings of Sam before and after each exercise</title>' in svg
    assert "3 exercises rated from 0 (no craving) to 10. On average the rating changed by -3.0" in svg
    assert svg.count("<circle") == 1 + 3 and svg.count('width="9" height="9"') == 1 + 2  # legend + before / after points
    assert "<title>Mar 10, urge_surfing: before 8</title>" in svg and "<title>Mar 10, urge_surfing: after 4</title>" in svg
    # The same numbers in a table, newest first.
    assert "2026-03-20 08:20 craving urge_surfing 7 5 -2" in text
    assert "2026-03-20 08:05 stress box_breathing 6 not given —" in text
    assert "2026-03-10 18:01 craving urge_surfing 8 4 -4" in text
    assert "urge_surfing 2 -3.0 box_breathing 1 —" in text
    assert 'href="/console/conversations/c-client"' in html
    [entry] = audit_entries(world, "client.view")
    assert (entry.username, entry.target_type, entry.target_id) == ("dana", "client", "C-1")


async def test_a_client_without_check_ins(as_role: Callable[..., Any], world: World) -> None:
    text = text_of(await (await (await as_role("admin")).get("/console/clients/C-3")).text())
    assert "No craving check-ins yet." in text and "Last contact never" in text


async def test_the_audit_log_lists_who_did_what_when(as_role: Callable[..., Any], world: World) -> None:
    clinician = await as_role("clinician")
    await clinician.get("/console/conversations/c-client")
    await clinician.post(
        f"/console/escalations/{world.escalation_ids['c-crisis']}/acknowledge", data={"csrf_token": clinician.csrf}
    )
    admissions = await as_role("admissions")
    await admissions.get("/console/leads.csv")
    await admissions.post(
        f"/console/leads/{world.lead_ids['c-prospect']}/status", data={"csrf_token": admissions.csrf, "status": "closed"}
    )
    admin = await as_role("admin")
    html = await (await admin.get("/console/audit")).text()
    text = text_of(html)
    assert "4 entries" in text
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} ana Changed a lead's status lead\.status lead 1 new -> closed", text)
    assert "ana Exported leads leads.export leads all all leads, 2 rows" in text
    assert "dana Acknowledged an escalation escalation.acknowledge escalation" in text
    assert "dana Viewed a transcript transcript.view conversation c-client" in text
    assert 'href="/console/conversations/c-client"' in html and 'href="/console/leads/1"' in html
    only = text_of(await (await admin.get("/console/audit?action=transcript.view")).text())
    assert "1 entry" in only and "Exported leads" not in only
    assert (await admin.get("/console/audit?action=everything")).status == 400


async def test_the_audit_log_pages(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admin")
    for _ in range(51):
        await client.get("/console/conversations/c-feb")
    first = text_of(await (await client.get("/console/audit")).text())
    assert "Page 1 of 2 · 51 entries" in first
    second = await (await client.get("/console/audit?page=2")).text()
    assert second.count("Viewed a transcript") == 1


async def test_nothing_identifying_reaches_the_console_s_logs(
    anonymous: Any, as_role: Callable[..., Any], world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    form = forms(await (await anonymous.get("/login")).text())[0][1]
    await anonymous.post("/login", data={**form, "username": "dana", "password": "wrong " + PASSWORD})
    await anonymous.post("/login", data={**form, "username": "ana", "password": PASSWORD})
    for path in (
        "/console/conversations/c-prospect",
        "/console/conversations?q=555-0199",
        "/console/leads.csv",
        "/console/leads/1",
    ):
        await anonymous.get(path)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot.web")]
    for secret in ("555-0199", "sam@example.com", "Sam", PASSWORD, "dana", "ana"):
        assert not any(secret in message for message in ours), secret
