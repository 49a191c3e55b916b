"""The JSON API staff tools use for crisis escalations (token-protected, see bot/web/auth.py)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any, Dict, Optional

from aiohttp import web
from pydantic import BaseModel, Extra, ValidationError, constr

from bot.safety.escalations import STATUSES, EscalationNotFound, InvalidTransition
from bot.web.keys import ESCALATIONS


class StaffAction(BaseModel):
    """Body of acknowledge and resolve: who did it, and an optional note."""

    by: constr(strip_whitespace=True, min_length=1, max_length=120)  # type: ignore[valid-type]
    note: Optional[constr(strip_whitespace=True, max_length=2000)] = None  # type: ignore[valid-type]

    class Config:
        extra = Extra.forbid


def _json(data: Any, status: int = 200) -> web.Response:
    def default(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.isoformat().replace("+00:00", "Z")
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return web.json_response(data, status=status, dumps=lambda obj: json.dumps(obj, default=default))


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(reason=message)  # the error middleware sends it as {"error": ...}


async def list_escalations(request: web.Request) -> web.Response:
    status = request.query.get("status")
    if status is not None and status not in STATUSES:
        raise _bad_request(f"status must be one of {', '.join(STATUSES)}")
    try:
        limit = int(request.query.get("limit", "100"))
    except ValueError:
        raise _bad_request("limit must be a whole number") from None
    if not 1 <= limit <= 500:
        raise _bad_request("limit must be between 1 and 500")
    rows = await asyncio.to_thread(request.app[ESCALATIONS].list, status, limit)
    return _json({"escalations": rows})


async def get_escalation(request: web.Request) -> web.Response:
    try:
        data = await asyncio.to_thread(request.app[ESCALATIONS].get, request.match_info["escalation_id"])
    except EscalationNotFound:
        raise web.HTTPNotFound(reason="No escalation with that id") from None
    return _json(data)


async def _staff_action(request: web.Request) -> StaffAction:
    try:
        body: Dict[str, Any] = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _bad_request('the body must be JSON like {"by": "your name", "note": "optional"}') from None
    try:
        return StaffAction.parse_obj(body)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise _bad_request(problems) from None


async def _change(request: web.Request, method: str) -> web.Response:
    action = await _staff_action(request)
    change = getattr(request.app[ESCALATIONS], method)
    try:
        data = await asyncio.to_thread(change, request.match_info["escalation_id"], action.by, action.note)
    except EscalationNotFound:
        raise web.HTTPNotFound(reason="No escalation with that id") from None
    except InvalidTransition as exc:
        raise web.HTTPConflict(reason=str(exc)) from None
    return _json(data)


async def acknowledge_escalation(request: web.Request) -> web.Response:
    return await _change(request, "acknowledge")


async def resolve_escalation(request: web.Request) -> web.Response:
    return await _change(request, "resolve")
