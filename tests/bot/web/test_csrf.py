"""Every console form that changes something is refused (403) without the session's CSRF token,
with a wrong one, or with another session's, and then nothing has changed."""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest

from bot.staff.sessions import SessionStore
from bot.web.auth import now
from tests.bot.records.conftest import World
from tests.bot.web.conftest import audit_entries, scalar

# (role, path, form): one request per form of the console.
POSTS = {
    "acknowledge": ("clinician", "/console/escalations/{open}/acknowledge", {"note": "calling now"}),
    "resolve": ("clinician", "/console/escalations/{open}/resolve", {"note": "safe"}),
    "lead status": ("admissions", "/console/leads/{lead}/status", {"status": "contacted", "note": "left a message"}),
    "lead note": ("admissions", "/console/leads/{lead}/note", {"note": "prefers texts"}),
    "log out": ("admin", "/logout", {}),
    "live chat availability": ("clinician", "/console/live/availability", {"available": "yes"}),
}


def state(world: World) -> Dict[str, Any]:
    """Everything the forms could change."""
    return {
        "escalation": scalar(world, "SELECT status || coalesce(note, '') FROM escalations WHERE conversation_id = 'c-crisis'"),
        "lead": scalar(world, "SELECT status FROM leads WHERE id = :id", id=world.lead_ids["c-prospect"]),
        "notes": scalar(world, "SELECT COUNT(*) FROM lead_notes"),
        "sessions": scalar(world, "SELECT COUNT(*) FROM staff_sessions"),
        "available": scalar(world, "SELECT COUNT(*) FROM staff_presence WHERE available"),
        "audit": len(audit_entries(world)),
    }


def other_session_token(world: World, user_id: int) -> str:
    return SessionStore(world.engine).create(user_id, now()).csrf_token


@pytest.mark.parametrize("token", ["missing", "empty", "wrong", "another session's", "in a header, wrong"])
@pytest.mark.parametrize("form", list(POSTS))
async def test_a_change_without_the_right_token_is_refused_and_changes_nothing(
    as_role: Callable[..., Any], world: World, staff: Dict[str, Any], form: str, token: str
) -> None:
    role, path, data = POSTS[form]
    client = await as_role(role)
    url = path.format(open=world.escalation_ids["c-crisis"], lead=world.lead_ids["c-prospect"])
    headers = {}
    if token == "empty":
        data = {**data, "csrf_token": ""}
    elif token == "wrong":
        data = {**data, "csrf_token": client.csrf[:-4] + "AAAA"}
    elif token == "another session's":
        data = {**data, "csrf_token": other_session_token(world, staff["admin"].id)}
    elif token == "in a header, wrong":
        headers = {"X-CSRF-Token": "not-the-token"}
    before = state(world)
    response = await client.post(url, data=data, headers=headers, allow_redirects=False)
    assert response.status == 403
    assert "security token" in await response.text()
    assert state(world) == before


@pytest.mark.parametrize("form", list(POSTS))
async def test_the_same_change_with_the_token_goes_through(as_role: Callable[..., Any], world: World, form: str) -> None:
    role, path, data = POSTS[form]
    client = await as_role(role)
    url = path.format(open=world.escalation_ids["c-crisis"], lead=world.lead_ids["c-prospect"])
    before = state(world)
    response = await client.post(url, data={**data, "csrf_token": client.csrf}, allow_redirects=False)
    assert response.status == 303
    assert state(world) != before
