"""Every route of the web app, in one place."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Tuple

import aiohttp_jinja2
import sqlalchemy as sa
from aiohttp import web

from bot.program.errors import ProgramDataError
from bot.staff.roles import Permission
from bot.web.auth import requires
from bot.web.escalations_api import acknowledge_escalation, get_escalation, list_escalations, resolve_escalation
from bot.meetings.store import MeetingStore
from bot.web.keys import ENGINE, MEETINGS, PROGRAM


def _database_ok(engine: sa.engine.Engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT 1")).scalar() == 1


async def healthz(request: web.Request) -> web.Response:
    checks: Dict[str, Any] = {}
    try:
        checks["database"] = "ok" if await asyncio.to_thread(_database_ok, request.app[ENGINE]) else "failing"
    except sa.exc.SQLAlchemyError as exc:
        checks["database"] = f"failing: {exc.__class__.__name__}"
    cache = request.app[PROGRAM]
    try:
        cache.get()
        checks["program_data"] = "ok" if cache.last_error is None else "stale: the last edit is invalid"
    except ProgramDataError:
        checks["program_data"] = "invalid: run `python -m bot check-data`"
    checks["meetings"], failing = await asyncio.to_thread(_meetings_check, request.app[MEETINGS])
    healthy = all(value == "ok" for value in checks.values())
    body: Dict[str, Any] = {"status": "ok" if healthy else "degraded", "checks": checks}
    if failing:
        # A feed that is down keeps its last good copy: worth a look, not an outage.
        body["meeting_sources_failing"] = failing
    return web.json_response(body, status=200 if healthy else 503)


def _meetings_check(store: MeetingStore) -> Tuple[str, Dict[str, str]]:
    try:
        statuses = store.statuses()
    except sa.exc.SQLAlchemyError as exc:
        return f"failing: {exc.__class__.__name__}", {}
    failing = {status.name: status.last_error for status in statuses if status.last_error}
    if not any(status.meetings for status in statuses):
        return "empty: no meetings imported yet (python -m bot meetings refresh)", failing
    return "ok", failing


@aiohttp_jinja2.template("index.html")
async def index(request: web.Request) -> Dict[str, Any]:
    return {"center": request.app[PROGRAM].get().program.center}


def _console_routes(app: web.Application) -> None:
    """The staff console's pages (bot/web/console/)."""


def _api_routes(app: web.Application) -> None:
    """The JSON API under /api/ (bot/web/api/), described by /api/openapi.json."""


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", index, name="index")
    app.router.add_get("/healthz", healthz, name="healthz")
    _console_routes(app)
    _api_routes(app)
    escalations = requires(Permission.ESCALATIONS)
    app.router.add_get("/api/escalations", escalations(list_escalations), name="escalations")
    app.router.add_get("/api/escalations/{escalation_id}", escalations(get_escalation), name="escalation")
    app.router.add_post("/api/escalations/{escalation_id}/acknowledge", escalations(acknowledge_escalation), name="escalation_acknowledge")
    app.router.add_post("/api/escalations/{escalation_id}/resolve", escalations(resolve_escalation), name="escalation_resolve")
