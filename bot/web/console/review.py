"""``GET /console/review``: the review inbox, and the forms that label a row or flag a message.

Each row is a message the assistant was unsure of (or a staff member flagged), however often it
was written: what the model read it as, the next two readings, what the person got, and a link to
the newest conversation it came from. Labelling is keyboard-first with JavaScript
(static/review.js: one key a choice, the next row comes up); without it, every choice is a plain
form. ``POST /console/review/{key}/label`` and ``POST /console/conversations/{id}/flag`` redirect
back with a notice; a crisis label that raised an escalation says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from aiohttp import web

from bot.review.collect import REASONS
from bot.review.export import export as export_labels
from bot.review.intents import intent_choices
from bot.review.store import DECISIONS, InboxFilter, InvalidLabel, NotFound
from bot.staff import audit as actions
from bot.staff.roles import Permission, allowed, can_view_conversation
from bot.storage.paging import Page
from bot.web.api.review import shown
from bot.web.auth import requires
from bot.web.console.common import (
    audit,
    choice_param,
    form_text,
    int_param,
    mask_for,
    page_url,
    parse_date,
    render,
    run,
    safe_next,
    see_other,
    who,
    with_query,
)
from bot.web.keys import REVIEW, SETTINGS

PER_PAGE = 20
STATUSES = ("todo", "labeled", "all")
ORDERS = ("newest", "frequent")
REASON_LABELS = {
    "fallback": "Not understood",
    "out_of_scope": "Off-topic answer",
    "low_confidence": "Low confidence",
    "ambiguous": "Two close readings",
    "screening": "Screening question",
    "rephrased": "Person said it missed",
    "flagged": "Flagged by staff",
}
DECISION_LABELS = {"confirm": "Confirmed", "correct": "Corrected", "new_topic": "New topic", "exclude": "Excluded"}
MAX_LABEL_NOTE = 500


def _day(request: web.Request, name: str) -> Optional[dt.date]:
    raw = request.query.get(name, "").strip()
    return parse_date(raw) if raw else None


@requires(Permission.REVIEW)
async def review_page(request: web.Request) -> web.Response:
    me = who(request)
    status = choice_param(request, "status", STATUSES, "todo") or "todo"
    order = choice_param(request, "order", ORDERS, "newest") or "newest"
    reason = choice_param(request, "reason", REASONS)
    intent = request.query.get("intent", "").strip()[:80] or None
    since, until = _day(request, "since"), _day(request, "until")
    page_number = int_param(request, "page", 1, 1, 1_000_000)
    store = request.app[REVIEW]
    flt = InboxFilter(
        reason=reason,
        intent=intent,
        since=dt.datetime.combine(since, dt.time(), dt.timezone.utc) if since else None,
        until=dt.datetime.combine(until, dt.time(), dt.timezone.utc) + dt.timedelta(days=1) if until else None,
        status=status,  # type: ignore[arg-type]
        order=order,  # type: ignore[arg-type]
        page=page_number,
        per_page=PER_PAGE,
        include_client_conversations=allowed(me.role, Permission.CLIENT_CONVERSATIONS),
    )
    found: Page = await run(store.page, flt)
    mask = mask_for(me.role)
    choices = intent_choices()
    context: Dict[str, Any] = {
        "title": "Review inbox",
        "rows": [shown(row, mask) for row in found.items],
        "page": found,
        "prev_url": page_url(request, page_number - 1) if page_number > 1 else None,
        "next_url": page_url(request, page_number + 1) if page_number < found.pages else None,
        "status": status,
        "statuses": STATUSES,
        "order": order,
        "reason": reason or "",
        "reasons": REASON_LABELS,
        "intent": intent or "",
        "intents": await run(store.predicted_intents),
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "choices": list(choices.values()),
        "descriptions": {name: choice.description for name, choice in choices.items()},
        "decisions": DECISION_LABELS,
        "back": str(request.rel_url),
        "max_note": MAX_LABEL_NOTE,
        "may_export": allowed(me.role, Permission.REVIEW_EXPORT),
    }
    return await render(request, "review.html", context)


@requires(Permission.REVIEW)
async def label(request: web.Request) -> web.Response:
    me = who(request)
    key = request.match_info["key"]
    form = await request.post()
    back = safe_next(form.get("back") if isinstance(form.get("back"), str) else None, "/console/review")  # type: ignore[arg-type]
    decision = form.get("decision")
    intent = form_text(form, "intent", 80)
    note = form_text(form, "note", MAX_LABEL_NOTE)
    if decision not in DECISIONS:
        return see_other(with_query(back, problem="label_invalid"))
    if intent is not None and intent not in intent_choices():
        return see_other(with_query(back, problem="label_intent"))
    try:
        outcome = await run(request.app[REVIEW].label, key, decision, intent, note, me.name)
    except InvalidLabel:
        return see_other(with_query(back, problem="label_incomplete"))
    except NotFound:
        raise web.HTTPNotFound(reason="There is no inbox row with that key.") from None
    await audit(request, actions.REVIEW_LABEL, "review", key, outcome.audit_detail())
    done = "labelled_escalated" if outcome.escalations else "labelled_missed" if outcome.missed_crises else "labelled"
    return see_other(with_query(back, done=done))


@requires(Permission.REVIEW_EXPORT)
async def export(request: web.Request) -> web.Response:
    """The admin's button: what ``python -m bot review export`` does, into the service's checkout."""
    summary = await run(export_labels, request.app[REVIEW].engine, request.app[SETTINGS].review_export_root)
    total = sum(summary.new.values())
    await audit(request, actions.REVIEW_EXPORT, "review", None, f"{total} new, {summary.crises} crisis candidates")
    return see_other(
        with_query(
            "/console/review?status=labeled",
            done="exported" if total or summary.crises or summary.changed else "exported_nothing",
        )
    )


@requires(Permission.REVIEW)
async def flag(request: web.Request) -> web.Response:
    me = who(request)
    conversation_id = request.match_info["conversation_id"]
    form = await request.post()
    back = f"/console/conversations/{conversation_id}"
    store = request.app[REVIEW]
    standing = await run(store.standing, conversation_id)
    if standing is None:
        raise web.HTTPNotFound(reason="There is no conversation with that id.")
    if not can_view_conversation(me.role, client_linked=standing.client_linked, escalated=standing.escalated):
        raise web.HTTPForbidden(reason=f"Your role ({me.role.value}) does not give access to this conversation.")
    raw = form.get("timestamp")
    try:
        timestamp = float(raw) if isinstance(raw, str) else float("nan")
    except ValueError:
        timestamp = float("nan")
    if timestamp != timestamp:  # NaN: no time given
        return see_other(with_query(back, problem="flag_invalid"))
    try:
        await run(store.flag, conversation_id, timestamp, me.name)
    except NotFound:
        return see_other(with_query(back, problem="flag_invalid"))
    await audit(request, actions.REVIEW_FLAG, "conversation", conversation_id)
    return see_other(with_query(back, done="flagged"))
