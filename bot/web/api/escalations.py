"""Crisis escalations: list, detail, acknowledge, resolve (permission ``escalations``).

Who acknowledged or resolved: with a staff session it is the signed-in user's display name (a
``by`` in the body is ignored); with the integration token (a pager, another system) there is no
person to name, so ``by`` is required in the body. Every change is written to the audit log
(``escalation.acknowledge`` / ``escalation.resolve``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Literal, Optional

from aiohttp import web
from pydantic import BaseModel, Extra, Field, conint, constr

from bot.records.masking import mask_optional
from bot.safety.escalations import EscalationNotFound, InvalidTransition
from bot.staff import audit
from bot.staff.roles import sees_contact_details
from bot.web.api.common import Query, display_name, json_response, non_blank, parse_body, parse_query, record, who
from bot.web.keys import ESCALATIONS

BODY_EXAMPLE = '{"by": "your name", "note": "optional"}'


class EscalationQuery(Query):
    status: Optional[Literal["open", "acknowledged", "resolved"]] = Field(None, description="Only escalations in this status.")
    limit: conint(ge=1, le=500) = Field(100, description="At most this many, newest first.")  # type: ignore[valid-type]


class StaffAction(BaseModel):
    """Body of acknowledge and resolve with the integration token: who did it, and an optional note."""

    by: non_blank(120)  # type: ignore[valid-type]
    note: Optional[constr(strip_whitespace=True, max_length=2000)] = None  # type: ignore[valid-type]

    class Config:
        extra = Extra.forbid


class EscalationAction(BaseModel):
    """The body as documented, and as read from a signed-in staff member (``by`` is then ignored)."""

    by: Optional[non_blank(120)] = Field(  # type: ignore[valid-type]
        None,
        description="Who acted: required with the integration token; ignored with a staff session (the signed-in user's display name is recorded).",
    )
    note: Optional[constr(strip_whitespace=True, max_length=2000)] = Field(None, description="What was done.")  # type: ignore[valid-type]

    class Config:
        extra = Extra.forbid


def _masked(data: Dict[str, Any], mask: bool) -> Dict[str, Any]:
    if not mask:
        return data
    data = dict(data, message=mask_optional(data.get("message"), True), note=mask_optional(data.get("note"), True))
    if "messages" in data:
        data["messages"] = [dict(m, message=mask_optional(m.get("message"), True)) for m in data["messages"]]
    return data


async def list_escalations(request: web.Request) -> web.Response:
    query = parse_query(request, EscalationQuery)
    rows = await asyncio.to_thread(request.app[ESCALATIONS].list, query.status, query.limit)
    mask = not sees_contact_details(who(request).role)
    return json_response({"escalations": [_masked(row, mask) for row in rows]})


async def get_escalation(request: web.Request) -> web.Response:
    try:
        data = await asyncio.to_thread(request.app[ESCALATIONS].get, request.match_info["escalation_id"])
    except EscalationNotFound:
        raise web.HTTPNotFound(reason="No escalation with that id") from None
    return json_response(_masked(data, not sees_contact_details(who(request).role)))


async def _change(request: web.Request, method: str, action: str) -> web.Response:
    found = who(request)
    if found.by_token:
        body = await parse_body(request, StaffAction, BODY_EXAMPLE)
        by, note = body.by, body.note
    else:
        session_body = await parse_body(request, EscalationAction, '{"note": "optional"}')
        by, note = display_name(found), session_body.note
    escalation_id = request.match_info["escalation_id"]
    change = getattr(request.app[ESCALATIONS], method)
    try:
        data = await asyncio.to_thread(change, escalation_id, by, note or None)
    except EscalationNotFound:
        raise web.HTTPNotFound(reason="No escalation with that id") from None
    except InvalidTransition as exc:
        raise web.HTTPConflict(reason=str(exc)) from None
    await record(request, action, "escalation", escalation_id, f"by {by}")
    return json_response(_masked(data, not sees_contact_details(found.role)))


async def acknowledge_escalation(request: web.Request) -> web.Response:
    return await _change(request, "acknowledge", audit.ESCALATION_ACKNOWLEDGE)


async def resolve_escalation(request: web.Request) -> web.Response:
    return await _change(request, "resolve", audit.ESCALATION_RESOLVE)
