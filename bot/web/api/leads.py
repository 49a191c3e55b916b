"""The admissions workflow on callback requests (bot/leads/work.py), permission ``leads``.

- ``GET /api/leads``: newest first, optionally one status, paged; each lead with the statuses it
  may move to (``next_statuses``).
- ``GET /api/leads/{id}``: one lead with its notes and status changes (oldest first).
- ``PATCH /api/leads/{id}`` ``{"status": "contacted", "note": "optional"}``: a status change;
  409 with the reason when the workflow does not allow it (audit ``lead.status``).
- ``POST /api/leads/{id}/notes`` ``{"note": "..."}``: a note (audit ``lead.note``, without its text).
- ``GET /api/leads.csv``: every lead (or one status) as a CSV attachment (audit ``leads.export``).

The author of a change is the signed-in user's username; with the integration token the body
must name someone in ``by``. Phone numbers and e-mail addresses are masked for a role that does
not see contact details, and such a role may not export (the file is nothing but contact details).
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import datetime as dt
import io
from typing import List, Literal, Optional

from aiohttp import web
from pydantic import BaseModel, Extra, Field, conint, constr

from bot.leads.work import LeadNote, LeadNotFound, LeadRow, LeadTransitionError, LeadWorkflow, allowed_transitions
from bot.records.masking import EMAIL, PHONE
from bot.staff import audit
from bot.staff.roles import sees_contact_details
from bot.storage.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE
from bot.web.api.common import (
    MAX_PAGE_NUMBER,
    Query,
    bad_request,
    json_response,
    non_blank,
    parse_body,
    parse_query,
    path_int,
    record,
    who,
    zone,
)
from bot.web.auth import Principal
from bot.web.keys import ENGINE

LEAD_NOTE = "lead.note"
Status = Literal["new", "contacted", "enrolled", "closed"]  # bot.leads.work.STATUSES (a test checks)
Author = non_blank(120)
BY_DESCRIPTION = (
    "Who did it: required with the integration token; ignored with a staff session (the signed-in user's username is recorded)."
)


class LeadQuery(Query):
    status: Optional[Status] = Field(None, description="Only leads in this status.")
    page: conint(ge=1, le=MAX_PAGE_NUMBER) = Field(1, description="The page, from 1.")  # type: ignore[valid-type]
    per_page: conint(ge=1, le=MAX_PER_PAGE) = Field(DEFAULT_PER_PAGE, description="Leads to a page.")  # type: ignore[valid-type]


class ExportQuery(Query):
    status: Optional[Status] = Field(None, description="Only leads in this status (default: every lead).")


class LeadChange(BaseModel):
    status: Status = Field(
        ..., description="The new status: new -> contacted | closed; contacted -> enrolled | closed; closed -> contacted."
    )
    note: Optional[constr(strip_whitespace=True, max_length=5000)] = Field(None, description="Why, or what was agreed.")  # type: ignore[valid-type]
    by: Optional[Author] = Field(None, description=BY_DESCRIPTION)  # type: ignore[valid-type]

    class Config:
        extra = Extra.forbid


class NewNote(BaseModel):
    note: non_blank(5000) = Field(..., description="The note.")  # type: ignore[valid-type]
    by: Optional[Author] = Field(None, description=BY_DESCRIPTION)  # type: ignore[valid-type]

    class Config:
        extra = Extra.forbid


@dataclasses.dataclass(frozen=True)
class Lead(LeadRow):
    next_statuses: List[str]  # where the workflow lets it go from its status


@dataclasses.dataclass(frozen=True)
class LeadDetail(Lead):
    notes: List[LeadNote]  # notes and status changes, oldest first


@dataclasses.dataclass(frozen=True)
class LeadPage:
    items: List[Lead]
    total: int
    page: int
    per_page: int
    pages: int


def _view(row: LeadRow, mask: bool) -> Lead:
    values = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    if mask:
        values.update(phone=PHONE if row.phone else None, email=EMAIL if row.email else None)
    return Lead(**values, next_statuses=list(allowed_transitions(row.status)))


def _mask(request: web.Request) -> bool:
    return not sees_contact_details(who(request).role)


def _author(found: Principal, by: Optional[str]) -> str:
    if not found.by_token:
        return found.name  # the username (lead_notes.author)
    if not by:
        raise bad_request('by: field required (with the integration token, name who did it: {"by": "Dana Reyes", ...})')
    return by


def _workflow(request: web.Request) -> LeadWorkflow:
    return LeadWorkflow(request.app[ENGINE])


def _detail(workflow: LeadWorkflow, lead_id: int, mask: bool) -> LeadDetail:
    row = workflow.get(lead_id)
    if row is None:
        raise LeadNotFound(lead_id)
    lead = _view(row, mask)
    return LeadDetail(**{f.name: getattr(lead, f.name) for f in dataclasses.fields(lead)}, notes=workflow.notes(lead_id))


async def list_leads(request: web.Request) -> web.Response:
    query = parse_query(request, LeadQuery)
    found = await asyncio.to_thread(_workflow(request).list, query.status, query.page, query.per_page)
    mask = _mask(request)
    return json_response(
        LeadPage([_view(row, mask) for row in found.items], found.total, found.page, found.per_page, found.pages)
    )


async def get_lead(request: web.Request) -> web.Response:
    try:
        detail = await asyncio.to_thread(_detail, _workflow(request), path_int(request, "lead_id"), _mask(request))
    except LeadNotFound:
        raise web.HTTPNotFound(reason="No lead with that id") from None
    return json_response(detail)


async def change_lead(request: web.Request) -> web.Response:
    body = await parse_body(request, LeadChange, '{"status": "contacted", "note": "optional"}')
    author = _author(who(request), body.by)
    lead_id = path_int(request, "lead_id")
    workflow = _workflow(request)
    try:
        await asyncio.to_thread(workflow.set_status, lead_id, body.status, author, body.note or None)
        detail = await asyncio.to_thread(_detail, workflow, lead_id, _mask(request))
    except LeadNotFound:
        raise web.HTTPNotFound(reason="No lead with that id") from None
    except LeadTransitionError as exc:
        raise web.HTTPConflict(reason=str(exc)) from None
    except ValueError as exc:  # a blank author or a note too long
        raise bad_request(str(exc)) from None
    change = next((n for n in reversed(detail.notes) if n.status_to == body.status and n.author == author), None)
    moved = f"{change.status_from} -> {change.status_to}" if change is not None else f"-> {body.status}"
    await record(request, audit.LEAD_STATUS, "lead", lead_id, moved)
    return json_response(detail)


async def add_lead_note(request: web.Request) -> web.Response:
    body = await parse_body(request, NewNote, '{"note": "called, no answer"}')
    author = _author(who(request), body.by)
    lead_id = path_int(request, "lead_id")
    try:
        note = await asyncio.to_thread(_workflow(request).add_note, lead_id, author, body.note)
    except LeadNotFound:
        raise web.HTTPNotFound(reason="No lead with that id") from None
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    await record(request, LEAD_NOTE, "lead", lead_id)
    return json_response(note, status=201)


def _rows(text: str) -> int:
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)


async def export_leads(request: web.Request) -> web.Response:
    query = parse_query(request, ExportQuery)
    found = who(request)
    if not sees_contact_details(found.role):
        raise web.HTTPForbidden(
            reason=f"Your role ({found.role.value}) does not see contact details, and the export is made of them."
        )
    text = await asyncio.to_thread(_workflow(request).export_csv, query.status)
    rows = _rows(text)
    await record(
        request, audit.LEADS_EXPORT, "lead", None, f"{rows} leads" + (f", status {query.status}" if query.status else "")
    )
    today = dt.datetime.now(zone(request)).date().isoformat()
    name = f"leads-{query.status}-{today}.csv" if query.status else f"leads-{today}.csv"
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
