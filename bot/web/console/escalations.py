"""``GET /console/escalations`` and the acknowledge / resolve forms.

Below the escalations, the crises the safety net missed that staff found in the review inbox
(bot/review/store.py), then the crisis net's low-priority review items: a "no" to the screening
question, and crises the person said were false alarms (their escalations stay open but stop
paging). The list shows one status at a time (``?status=open|acknowledged|resolved|all``, default open),
newest first, with a count per status. With JavaScript it refreshes itself every 10 seconds from
``/api/escalations`` (static/escalations.js); without, a "Refresh" link does the same.

``POST /console/escalations/{id}/acknowledge`` and ``.../resolve`` take an optional ``note``;
``by`` is the signed-in person's display name, the time is the server's. The change is audited
(without the note: notes are clinical content). A change someone else made first redirects
back with a notice, the page then shows the current state. ``back`` (a path on this site) says
where to return, e.g. the transcript the form was on.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List

from aiohttp import web

from bot.records.clients import client_links
from bot.records.masking import for_staff
from bot.safety.escalations import STATUSES, EscalationNotFound, InvalidTransition
from bot.safety.reviews import pending as pending_reviews
from bot.staff import audit as actions
from bot.staff.roles import Permission
from bot.web.auth import requires
from bot.web.console.common import (
    MAX_NOTE,
    audit,
    choice_param,
    clock,
    form_text,
    mask_for,
    render,
    run,
    safe_next,
    see_other,
    who,
    with_query,
)
from bot.web.keys import ENGINE, ESCALATIONS, REVIEW

LIMIT = 100
VIEWS = (*STATUSES, "all")
REFRESH_SECONDS = 10


@requires(Permission.ESCALATIONS)
async def escalation_list(request: web.Request) -> web.Response:
    me = who(request)
    view = choice_param(request, "status", VIEWS, "open") or "open"
    store = request.app[ESCALATIONS]
    rows: List[Dict[str, Any]] = await run(store.list, None if view == "all" else view, LIMIT)
    mask = mask_for(me.role)
    for row in rows:
        row["message"] = for_staff(row.get("message"), mask)
        row["note"] = for_staff(row.get("note"), mask)
    counts = await run(store.counts)
    linked = await run(client_links, request.app[ENGINE], [row["conversation_id"] for row in rows])
    reviews: List[Dict[str, Any]] = await run(pending_reviews, request.app[ENGINE], LIMIT)
    missed = [dataclasses.replace(m, text=for_staff(m.text, mask) or "") for m in await run(request.app[REVIEW].missed, LIMIT)]
    for item in reviews:
        item["message"] = for_staff(item.get("message"), mask)
    context: Dict[str, Any] = {
        "title": "Escalations",
        "view": view,
        "views": VIEWS,
        "counts": counts,
        "rows": rows,
        "linked": linked,
        "reviews": reviews,
        "missed": missed,
        "limit": LIMIT,
        "truncated": len(rows) >= LIMIT and counts.get(view, 0) > LIMIT,
        "api_status": "" if view == "all" else view,
        "refresh_seconds": REFRESH_SECONDS,
        "mask": mask,
        "back": with_query("/console/escalations", status=view),
        "max_note": MAX_NOTE,
        "signature": escalation_signature(rows),
        "now": clock(),
    }
    return await render(request, "escalations.html", context)


async def _change(request: web.Request, method: str, action: str, done: str) -> web.Response:
    me = who(request)
    escalation_id = request.match_info["escalation_id"]
    form = await request.post()
    note = form_text(form, "note", MAX_NOTE)
    raw_back = form.get("back")
    back = safe_next(raw_back if isinstance(raw_back, str) else None, "/console/escalations")
    store = request.app[ESCALATIONS]
    try:
        before = (await run(store.get, escalation_id))["status"]
    except EscalationNotFound:
        raise web.HTTPNotFound(reason="There is no escalation with that id.") from None
    assert me.user is not None
    try:
        await run(getattr(store, method), escalation_id, me.user.display_name, note)
    except EscalationNotFound:
        raise web.HTTPNotFound(reason="There is no escalation with that id.") from None
    except InvalidTransition:
        return see_other(with_query(back, problem="escalation_changed"))
    after = "acknowledged" if method == "acknowledge" else "resolved"
    detail = f"{before} -> {after}" + (", with a note" if note else "")
    await audit(request, action, "escalation", escalation_id, detail)
    return see_other(with_query(back, done=done))


@requires(Permission.ESCALATIONS)
async def acknowledge(request: web.Request) -> web.Response:
    return await _change(request, "acknowledge", actions.ESCALATION_ACKNOWLEDGE, "acknowledged")


@requires(Permission.ESCALATIONS)
async def resolve(request: web.Request) -> web.Response:
    return await _change(request, "resolve", actions.ESCALATION_RESOLVE, "resolved")


def escalation_signature(rows: List[Dict[str, Any]]) -> str:
    """What the live refresh compares: ids with their status and crisis type, in order."""
    return ",".join(f"{row['id']}:{row['status']}:{row['crisis_type']}" for row in rows)
