"""The admissions team's leads (callback requests): list, one lead, status and notes, CSV export.

- ``GET /console/leads[?status=new|contacted|enrolled|closed&page=N]``: newest first, with a count
  per status.
- ``GET /console/leads/{id}``: the lead, its history (notes and status changes) and the forms.
- ``POST /console/leads/{id}/status`` (``status``, optional ``note``): only the moves
  bot/leads/work.py allows; audited as ``lead.status`` ("new -> contacted").
- ``POST /console/leads/{id}/note`` (``note``): audited as ``lead.note`` (without the text).
- ``GET /console/leads.csv[?status=...]``: the export, audited as ``leads.export``; a role that
  does not see contact details cannot export them.

The author of a note or change is the staff member's username (the lead_notes column).
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any, Dict, Optional

from aiohttp import web

from bot.leads.work import (
    MAX_NOTE,
    STATUSES,
    LeadNotFound,
    LeadRow,
    LeadTransitionError,
    LeadWorkflow,
    allowed_transitions,
    status_counts,
)
from bot.staff import audit as actions
from bot.staff.roles import Permission, allowed, mask_email, mask_phone
from bot.web.auth import requires
from bot.web.console.common import (
    audit,
    center_of,
    choice_param,
    clock,
    form_text,
    int_param,
    mask_for,
    page_url,
    render,
    run,
    see_other,
    who,
    with_query,
)
from bot.web.keys import ENGINE

PER_PAGE = 25
LEAD_NOTE = "lead.note"


def _masked(lead: LeadRow, mask: bool) -> LeadRow:
    if not mask:
        return lead
    return replace(
        lead, phone=mask_phone(lead.phone) if lead.phone else None, email=mask_email(lead.email) if lead.email else None
    )


def _lead_id(request: web.Request) -> int:
    raw = request.match_info["lead_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound(reason="There is no lead with that id.")
    return int(raw)


@requires(Permission.LEADS)
async def lead_list(request: web.Request) -> web.Response:
    me = who(request)
    status = choice_param(request, "status", STATUSES)
    page_number = int_param(request, "page", 1, 1, 100_000)
    workflow = LeadWorkflow(request.app[ENGINE])
    page = await run(workflow.list, status, page_number, PER_PAGE)
    mask = mask_for(me.role)
    context: Dict[str, Any] = {
        "title": "Leads",
        "status": status or "",
        "statuses": STATUSES,
        "counts": await run(status_counts, request.app[ENGINE]),
        "page": page,
        "items": [_masked(lead, mask) for lead in page.items],
        "may_export": not mask,
        "prev_url": page_url(request, page.page - 1) if page.page > 1 else None,
        "next_url": page_url(request, page.page + 1) if page.page < page.pages else None,
    }
    return await render(request, "leads.html", context)


async def _lead_page(
    request: web.Request, lead_id: int, error: Optional[str] = None, status: int = 200, note: str = ""
) -> web.Response:
    me = who(request)
    workflow = LeadWorkflow(request.app[ENGINE])
    lead = await run(workflow.get, lead_id)
    if lead is None:
        raise web.HTTPNotFound(reason="There is no lead with that id.")
    history = await run(workflow.notes, lead_id)
    context: Dict[str, Any] = {
        "title": f"Lead {lead.id}: {lead.first_name}",
        "lead": _masked(lead, mask_for(me.role)),
        "masked": mask_for(me.role),
        "history": history,
        "moves": allowed_transitions(lead.status),
        "error": error,
        "note_value": note,
        "max_note": MAX_NOTE,
        "may_conversations": allowed(me.role, Permission.PROSPECT_CONVERSATIONS)
        or allowed(me.role, Permission.CLIENT_CONVERSATIONS),
    }
    return await render(request, "lead.html", context, status=status)


@requires(Permission.LEADS)
async def lead_view(request: web.Request) -> web.Response:
    return await _lead_page(request, _lead_id(request))


@requires(Permission.LEADS)
async def lead_status(request: web.Request) -> web.Response:
    me = who(request)
    lead_id = _lead_id(request)
    form = await request.post()
    field = form.get("status")
    new_status = field if isinstance(field, str) else ""  # "" is no status: refused below
    note = form_text(form, "note", MAX_NOTE)
    workflow = LeadWorkflow(request.app[ENGINE])
    before = await run(workflow.get, lead_id)
    if before is None:
        raise web.HTTPNotFound(reason="There is no lead with that id.")
    assert me.user is not None
    try:
        await run(workflow.set_status, lead_id, new_status, me.user.username, note)
    except LeadNotFound:
        raise web.HTTPNotFound(reason="There is no lead with that id.") from None
    except (LeadTransitionError, ValueError) as exc:
        return await _lead_page(request, lead_id, error=f"Not changed: {exc}.", status=409, note=note or "")
    detail = f"{before.status} -> {new_status}" + (", with a note" if note else "")
    await audit(request, actions.LEAD_STATUS, "lead", lead_id, detail)
    return see_other(with_query(f"/console/leads/{lead_id}", done="status"))


@requires(Permission.LEADS)
async def lead_note(request: web.Request) -> web.Response:
    me = who(request)
    lead_id = _lead_id(request)
    form = await request.post()
    note = form_text(form, "note", MAX_NOTE)
    if note is None:
        return await _lead_page(request, lead_id, error="Write a note first: it was empty.", status=400)
    assert me.user is not None
    try:
        await run(LeadWorkflow(request.app[ENGINE]).add_note, lead_id, me.user.username, note)
    except LeadNotFound:
        raise web.HTTPNotFound(reason="There is no lead with that id.") from None
    except ValueError as exc:
        return await _lead_page(request, lead_id, error=f"Not saved: {exc}.", status=400, note=note)
    await audit(request, LEAD_NOTE, "lead", lead_id)
    return see_other(with_query(f"/console/leads/{lead_id}", done="note"))


@requires(Permission.LEADS)
async def lead_export(request: web.Request) -> web.StreamResponse:
    me = who(request)
    if mask_for(me.role):
        raise web.HTTPForbidden(reason=f"Your role ({me.role.value}) does not see contact details, so it cannot export leads.")
    status = choice_param(request, "status", STATUSES)
    text: str = await run(LeadWorkflow(request.app[ENGINE]).export_csv, status)
    rows = max(0, len(list(csv.reader(io.StringIO(text)))) - 1)
    await audit(
        request, actions.LEADS_EXPORT, "leads", status or "all", f"{status or 'all'} leads, {rows} row{'s' if rows != 1 else ''}"
    )
    day = clock().astimezone((await center_of(request)).zone).date().isoformat()
    filename = f"leads-{status + '-' if status else ''}{day}.csv"
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
