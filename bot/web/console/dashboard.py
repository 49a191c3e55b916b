"""``GET /console/``: the dashboard, every role; each widget asks for its own permission.

Everyone: conversations per day (bars), the fallback rate, the top intents (horizontal bars; the
crisis intents only for a role with escalations), and the review inbox: messages the assistant was
unsure of and labels per week (bars), the rows left to label, the commonest confusions; crises the
safety net missed, per week, for a role with escalations (bot/review/stats.py). Escalations (clinician, admin): how many are
open. Leads (admissions, admin): how many are new.
``?days=7|30|90`` picks the period, ``?until=YYYY-MM-DD`` its last day (default today, in the
center's zone), so last month's figures can be looked at too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

from aiohttp import web

from bot.records.dashboard import dashboard as dashboard_figures
from bot.review.stats import review_figures
from bot.staff.roles import Permission, allowed
from bot.web.auth import requires
from bot.web.console.charts import Point, bar_chart, hbar_chart, short_day
from bot.web.console.common import center_of, choice_param, clock, parse_date, render, run, who
from bot.web.keys import ENGINE

PERIODS = ("7", "30", "90")


@requires(Permission.DASHBOARD)
async def dashboard(request: web.Request) -> web.Response:
    me = who(request)
    center = await center_of(request)
    days = int(choice_param(request, "days", PERIODS, "30") or "30")
    raw_until = request.query.get("until", "").strip()
    until = parse_date(raw_until)
    if raw_until and until is None:
        raise web.HTTPBadRequest(reason="until must be a date like 2026-03-20")
    today = clock().astimezone(center.zone).date()
    if until is None or until > today:
        until = today
    # The end of the chosen day in the center's zone (a second before midnight).
    at = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=center.zone)
    crisis = allowed(me.role, Permission.ESCALATIONS)
    figures = await run(dashboard_figures, request.app[ENGINE], center.zone, days, at, crisis_intents=crisis)

    per_day = [
        Point(
            short_day(d.day),
            d.conversations,
            f"{d.day:%a} {short_day(d.day)}: {d.conversations} conversation{'s' if d.conversations != 1 else ''}",
        )
        for d in figures.conversations_per_day
    ]
    busiest = max(figures.conversations_per_day, key=lambda d: (d.conversations, d.day), default=None)
    per_day_desc = f"{figures.conversations} conversations started from {figures.first_day} to {figures.last_day}"
    if busiest is not None and busiest.conversations:
        per_day_desc += f"; the busiest day was {busiest.day} with {busiest.conversations}."
    else:
        per_day_desc += "."
    intents = [Point(i.name, i.count, f"{i.name}: {i.count} message{'s' if i.count != 1 else ''}") for i in figures.top_intents]
    intents_desc = (
        "Most frequent: " + ", ".join(f"{i.name} ({i.count})" for i in figures.top_intents[:3]) + "."
        if figures.top_intents
        else "No user messages in this period."
    )
    review = await run(
        review_figures,
        request.app[ENGINE],
        center.zone,
        crisis=crisis,
        include_client_conversations=allowed(me.role, Permission.CLIENT_CONVERSATIONS),
        now=at,
    )
    unsure_points = [
        Point(
            short_day(w.week),
            w.unsure,
            f"Week of {w.week}: {w.unsure} unsure of {w.user_messages} message{'s' if w.user_messages != 1 else ''}",
        )
        for w in review.weeks
    ]
    labelled_points = [Point(short_day(w.week), w.labelled, f"Week of {w.week}: {w.labelled} labelled") for w in review.weeks]
    weeks_desc = f"{sum(w.unsure for w in review.weeks)} unsure messages in the last {len(review.weeks)} weeks; {review.inbox} rows left to label."
    context: Dict[str, Any] = {
        "title": "Dashboard",
        "review": review,
        "unsure_chart": bar_chart("chart-unsure", "Messages the assistant was unsure of, per week", weeks_desc, unsure_points),
        "labelled_chart": bar_chart(
            "chart-labelled",
            "Messages labelled per week",
            f"{sum(w.labelled for w in review.weeks)} labelled in the last {len(review.weeks)} weeks.",
            labelled_points,
        ),
        "missed_chart": bar_chart(
            "chart-missed",
            "Crises the safety net missed, per week (found by staff labels)",
            f"{sum(w.missed_crises or 0 for w in review.weeks)} in the last {len(review.weeks)} weeks.",
            [Point(short_day(w.week), w.missed_crises or 0, f"Week of {w.week}: {w.missed_crises} missed") for w in review.weeks],
        )
        if crisis
        else None,
        "figures": figures,
        "days": str(days),
        "periods": PERIODS,
        "until": until.isoformat(),
        "today": today.isoformat(),
        "per_day_chart": bar_chart("chart-per-day", f"Conversations per day, last {days} days", per_day_desc, per_day),
        "intents_chart": hbar_chart("chart-intents", "Top intents", intents_desc, intents) if intents else None,
        "show_escalations": crisis,
        "show_leads": allowed(me.role, Permission.LEADS),
    }
    return await render(request, "dashboard.html", context)


async def to_dashboard(request: web.Request) -> web.StreamResponse:
    """``/console`` without its slash."""
    raise web.HTTPFound("/console/")
