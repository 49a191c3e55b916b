"""Who may open which console page: nobody signed in goes to the log-in page, each role gets
200 or 403 exactly as the permission table of bot/staff/roles.py says, and the navigation shows
only what the role may open."""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest
from aiohttp.test_utils import TestClient
from yarl import URL

from tests.bot.records.conftest import World
from tests.bot.web.conftest import ROLES, forms, scalar

A, C, M = "admissions", "clinician", "admin"

# path -> the status each role gets. Written out by hand from the table in bot/staff/roles.py
# (can_view_conversation for transcripts, can_take_over for live chats), not computed from it.
PAGES: Dict[str, Dict[str, int]] = {
    "/console/": {A: 200, C: 200, M: 200},
    "/console/?days=7&until=2026-03-20": {A: 200, C: 200, M: 200},
    "/console/conversations": {A: 200, C: 200, M: 200},
    "/console/conversations?q=Aetna&escalation=no": {A: 200, C: 200, M: 200},
    "/console/conversations/c-prospect": {A: 200, C: 403, M: 200},  # a prospect
    "/console/conversations/c-crisis": {A: 200, C: 200, M: 200},  # a prospect with an escalation
    "/console/conversations/c-client": {A: 403, C: 200, M: 200},  # an enrolled client's
    "/console/conversations/c-old": {A: 403, C: 200, M: 200},  # a client's, with an escalation
    "/console/escalations": {A: 403, C: 200, M: 200},
    "/console/escalations?status=resolved": {A: 403, C: 200, M: 200},
    "/console/leads": {A: 200, C: 403, M: 200},
    "/console/leads?status=new": {A: 200, C: 403, M: 200},
    "/console/leads/{lead}": {A: 200, C: 403, M: 200},
    "/console/leads.csv": {A: 200, C: 403, M: 200},
    "/console/clients": {A: 403, C: 200, M: 200},
    "/console/clients/C-1": {A: 403, C: 200, M: 200},
    "/console/audit": {A: 403, C: 403, M: 200},
    "/console/audit?action=login.": {A: 403, C: 403, M: 200},
    "/console/live": {A: 200, C: 200, M: 200},  # live chat: every role, each for what it may answer
    "/console/live/queue.json": {A: 200, C: 200, M: 200},
    "/console/live/c-prospect": {A: 200, C: 403, M: 200},
    "/console/live/c-crisis": {A: 403, C: 200, M: 200},  # a crisis in progress: the clinical team only
    "/console/live/c-old-open": {A: 403, C: 200, M: 200},  # ... acknowledged, but not resolved
    "/console/live/c-client": {A: 403, C: 200, M: 200},
    "/console/live/c-client/events?after=0": {A: 403, C: 200, M: 200},
}

POSTS: Dict[str, Dict[str, int]] = {
    "/console/escalations/{open}/acknowledge": {A: 403, C: 303, M: 303},
    "/console/escalations/{open}/resolve": {A: 403, C: 303, M: 303},
    "/console/leads/{lead}/status": {A: 303, C: 403, M: 303},
    "/console/leads/{lead}/note": {A: 303, C: 403, M: 303},
}

NAV = {
    A: ["Dashboard", "Conversations", "Live chat", "Leads"],
    C: ["Dashboard", "Conversations", "Live chat", "Escalations", "Clients"],
    M: ["Dashboard", "Conversations", "Live chat", "Escalations", "Leads", "Clients", "Audit log"],
}


def fill(path: str, world: World) -> str:
    return path.format(lead=world.lead_ids["c-prospect"], open=world.escalation_ids["c-crisis"])


@pytest.mark.parametrize("path", list(PAGES))
async def test_no_session_is_sent_to_log_in_with_the_page_to_return_to(anonymous: TestClient, world: World, path: str) -> None:
    target = fill(path, world)
    response = await anonymous.get(target, allow_redirects=False)
    assert response.status == 302
    location = URL(response.headers["Location"])
    assert location.path == "/login" and location.query["next"] == target


@pytest.mark.parametrize("path", list(POSTS) + ["/logout"])
async def test_no_session_cannot_post(anonymous: TestClient, world: World, path: str) -> None:
    response = await anonymous.post(fill(path, world), data={"note": "x", "status": "contacted"}, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/login?next=")
    assert scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-crisis'") == "open"
    assert scalar(world, "SELECT COUNT(*) FROM lead_notes WHERE lead_id = :id", id=world.lead_ids["c-prospect"]) == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PAGES))
async def test_each_role_gets_exactly_what_the_table_says(
    as_role: Callable[..., Any], world: World, role: str, path: str
) -> None:
    client = await as_role(role)
    response = await client.get(fill(path, world), allow_redirects=False)
    assert response.status == PAGES[path][role], await response.text()
    if response.status == 403:
        text = await response.text()
        assert (
            "does not give access" in text
            or f"Your role ({role}) may not open" in text
            or f"Your role ({role}) may not answer" in text
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(POSTS))
async def test_each_role_may_post_exactly_what_the_table_says(
    as_role: Callable[..., Any], world: World, role: str, path: str
) -> None:
    client = await as_role(role)
    data = {"csrf_token": client.csrf, "note": "called back", "status": "contacted"}
    response = await client.post(fill(path, world), data=data, allow_redirects=False)
    assert response.status == POSTS[path][role]
    changed_escalation = scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-crisis'") != "open"
    changed_lead = scalar(world, "SELECT COUNT(*) FROM lead_notes WHERE lead_id = :id", id=world.lead_ids["c-prospect"]) > 0
    assert (changed_escalation or changed_lead) == (response.status == 303)


async def test_console_without_its_slash_goes_to_the_dashboard(anonymous: TestClient) -> None:
    response = await anonymous.get("/console", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console/"


async def test_an_unknown_console_page_is_404(as_role: Callable[..., Any]) -> None:
    client = await as_role(M)
    for path in (
        "/console/nope",
        "/console/conversations/no-such-id",
        "/console/leads/999",
        "/console/leads/x1",
        "/console/clients/C-404",
        "/console/live/no-such-id",
        "/console/live/no-such-id/events",
    ):
        assert (await client.get(path)).status == 404, path


@pytest.mark.parametrize("role", ROLES)
async def test_the_navigation_shows_only_the_sections_the_role_may_open(as_role: Callable[..., Any], role: str) -> None:
    client = await as_role(role)
    html = await (await client.get("/console/")).text()
    nav = html.split('aria-label="Console sections"', 1)[1].split("</nav>", 1)[0]
    labels = [label for label in NAV[M] if f">{label}" in nav]
    assert labels == NAV[role]
    assert 'href="/console/" aria-current="page"' in nav
    # The center's name, who is signed in, and a log-out button carrying the session's token.
    assert "Juniper Ridge Recovery Center" in html and client.user.display_name in html
    assert ("/logout", {"csrf_token": client.csrf}) in forms(html)


@pytest.mark.parametrize("role", ROLES)
async def test_every_form_on_every_page_carries_the_session_token(as_role: Callable[..., Any], world: World, role: str) -> None:
    client = await as_role(role)
    seen = 0
    for path, statuses in PAGES.items():
        if statuses[role] != 200 or path.endswith(".csv"):
            continue
        html = await (await client.get(fill(path, world))).text()
        for action, hidden in forms(html):  # the POST forms: filters are GET and change nothing
            assert hidden.get("csrf_token") == client.csrf, (path, action)
            seen += 1
    assert seen >= 5


async def test_console_pages_are_not_cached_framed_or_referred(as_role: Callable[..., Any]) -> None:
    client = await as_role(M)
    for path in ("/console/", "/console/conversations/c-prospect", "/console/nope"):
        response = await client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_the_stylesheet_and_script_are_served_to_everyone(anonymous: TestClient) -> None:
    html = await (await anonymous.get("/login")).text()
    css = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert css.startswith("/static/console.css?v=")  # versioned: a new release is fetched again
    response = await anonymous.get(css)
    assert response.status == 200 and response.content_type == "text/css"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    script = await anonymous.get("/static/escalations.js")
    assert script.status == 200 and "javascript" in script.content_type
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere
