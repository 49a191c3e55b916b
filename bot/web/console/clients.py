"""Enrolled clients (clinician, admin): ``GET /console/clients`` and ``GET /console/clients/{id}``.

The client's page: their craving check-ins as a line chart (the "before" and "after" rating of
each coping exercise, in time order) with the same numbers in a table, the skills they used with
the average change, their last contact and their conversations. Opening it is audited
(``client.view``): it is a treatment record.
"""

from __future__ import annotations

from typing import Any, Dict, List

from aiohttp import web

from bot.clients.store import valid_id
from bot.records.clients import ClientOverview, client_list, client_overview
from bot.staff import audit as actions
from bot.staff.roles import Permission, allowed
from bot.web.auth import requires
from bot.web.console.charts import AFTER, BEFORE, Series, line_chart, short_day
from bot.web.console.common import audit, center_of, render, run, who
from bot.web.keys import ENGINE


@requires(Permission.CLIENTS)
async def clients_page(request: web.Request) -> web.Response:
    rows = await run(client_list, request.app[ENGINE])
    return await render(request, "clients.html", {"title": "Clients", "rows": rows})


def ratings_chart(overview: ClientOverview, zone: Any) -> Any:
    exercises = overview.exercises
    categories = [short_day(e.started_at.astimezone(zone).date()) for e in exercises]
    befores: List[Any] = [e.before for e in exercises]
    afters: List[Any] = [e.after for e in exercises]
    titles = [
        [
            f"{short_day(e.started_at.astimezone(zone).date())}, {e.skill or e.need}: before {e.before if e.before is not None else 'not given'}"
            for e in exercises
        ],
        [
            f"{short_day(e.started_at.astimezone(zone).date())}, {e.skill or e.need}: after {e.after if e.after is not None else 'not given'}"
            for e in exercises
        ],
    ]
    changes = [e.change for e in exercises if e.change is not None]
    desc = f"{len(exercises)} exercise{'s' if len(exercises) != 1 else ''} rated from 0 (no craving) to 10."
    if changes:
        desc += f" On average the rating changed by {sum(changes) / len(changes):+.1f} from before to after."
    return line_chart(
        "chart-ratings",
        f"Craving ratings of {overview.client.first_name} before and after each exercise",
        desc,
        categories,
        [
            Series("Before", befores, BEFORE, dashed=False, marker="circle"),
            Series("After", afters, AFTER, dashed=True, marker="square"),
        ],
        y_max=10,
        point_titles=titles,
    )


@requires(Permission.CLIENTS)
async def client_page(request: web.Request) -> web.Response:
    me = who(request)
    client_id = request.match_info["client_id"]
    if not valid_id(client_id):
        raise web.HTTPNotFound(reason="There is no client with that id.")
    overview = await run(client_overview, request.app[ENGINE], client_id)
    if overview is None:
        raise web.HTTPNotFound(reason="There is no client with that id.")
    await audit(request, actions.CLIENT_VIEW, "client", client_id)
    center = await center_of(request)
    context: Dict[str, Any] = {
        "title": f"Client {overview.client.first_name} ({overview.client.id})",
        "overview": overview,
        "chart": ratings_chart(overview, center.zone) if overview.exercises else None,
        "may_conversations": allowed(me.role, Permission.CLIENT_CONVERSATIONS),
    }
    return await render(request, "client.html", context)
