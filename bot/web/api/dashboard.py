"""``GET /api/dashboard``: the landing page's figures (bot/records/dashboard.py), per role.

Every role may open the dashboard, so each figure asks for its own permission: the escalation
counts (``open_escalations``, ``unresolved_escalations``) and the crisis intents among
``top_intents`` are left out for a role without ``escalations``, the lead counts (``new_leads``,
``leads_in_period``) for a role without ``leads``.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict

from aiohttp import web
from pydantic import Field, conint

from bot.records.dashboard import MAX_DAYS, dashboard
from bot.staff.roles import Permission, allowed
from bot.web.api.common import Query, json_response, jsonable, parse_query, who, zone
from bot.web.keys import ENGINE

ESCALATION_FIGURES = ("open_escalations", "unresolved_escalations")
LEAD_FIGURES = ("new_leads", "leads_in_period")


class DashboardQuery(Query):
    days: conint(ge=1, le=MAX_DAYS) = Field(  # type: ignore[valid-type]
        30, description="The period: this many days up to and including today (center's timezone)."
    )


async def get_dashboard(request: web.Request) -> web.Response:
    query = parse_query(request, DashboardQuery)
    role = who(request).role
    crisis = allowed(role, Permission.ESCALATIONS)
    figures = await asyncio.to_thread(dashboard, request.app[ENGINE], zone(request), query.days, crisis_intents=crisis)
    body: Dict[str, Any] = jsonable(figures)
    hidden = [name for name in ESCALATION_FIGURES if not crisis]
    hidden += [name for name in LEAD_FIGURES if not allowed(role, Permission.LEADS)]
    for name in hidden:
        del body[name]
    return json_response(body)
