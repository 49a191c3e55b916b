"""Every route of the web app, in one place."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Tuple

import sqlalchemy as sa
from aiohttp import web

from bot.meetings.store import MeetingStore
from bot.program.errors import ProgramDataError
from bot.staff.roles import Permission
from bot.storage.db import database_ok
from bot.web.auth import requires, signed_in
from bot.web.keys import ENGINE, MEETINGS, PROGRAM
from bot.web.widget import setup_widget_routes


async def healthz(request: web.Request) -> web.Response:
    checks: Dict[str, Any] = {}
    try:
        checks["database"] = "ok" if await asyncio.to_thread(database_ok, request.app[ENGINE]) else "failing"
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


def _console_routes(app: web.Application) -> None:
    """The staff console's pages (bot/web/console/); each handler carries its permission guard."""
    from bot.web.console import audit, clients, common, conversations, dashboard, escalations, leads, live, login, review

    common.setup_templates(app)
    # aiohttp types the signal with aiosignal 1.4's variadic generic, which mypy 1.4 cannot read.
    app.on_response_prepare.append(common.security_headers)  # type: ignore[arg-type]
    app.router.add_static(common.STATIC_PREFIX, common.STATIC_DIR, name=common.STATIC_ROUTE, append_version=True)
    app.router.add_get("/login", login.login_form, name="login")
    app.router.add_post("/login", login.login_submit, name="login_submit")
    app.router.add_post("/logout", login.logout, name="logout")
    app.router.add_get("/console", dashboard.to_dashboard, name="console_bare")
    app.router.add_get("/console/", dashboard.dashboard, name="console_dashboard")
    app.router.add_get("/console/conversations", conversations.conversation_list, name="console_conversations")
    app.router.add_get("/console/conversations/{conversation_id}", conversations.conversation_view, name="console_conversation")
    app.router.add_get("/console/escalations", escalations.escalation_list, name="console_escalations")
    app.router.add_post(
        "/console/escalations/{escalation_id}/acknowledge", escalations.acknowledge, name="console_escalation_acknowledge"
    )
    app.router.add_post("/console/escalations/{escalation_id}/resolve", escalations.resolve, name="console_escalation_resolve")
    app.router.add_get("/console/leads", leads.lead_list, name="console_leads")
    app.router.add_get("/console/leads.csv", leads.lead_export, name="console_leads_csv")
    app.router.add_get("/console/leads/{lead_id}", leads.lead_view, name="console_lead")
    app.router.add_post("/console/leads/{lead_id}/status", leads.lead_status, name="console_lead_status")
    app.router.add_post("/console/leads/{lead_id}/note", leads.lead_note, name="console_lead_note")
    app.router.add_get("/console/clients", clients.clients_page, name="console_clients")
    app.router.add_get("/console/clients/{client_id}", clients.client_page, name="console_client")
    app.router.add_get("/console/audit", audit.audit_page, name="console_audit")
    app.router.add_get("/console/review", review.review_page, name="console_review")
    app.router.add_post(r"/console/review/{key:[0-9a-f]{64}}/label", review.label, name="console_review_label")
    app.router.add_post("/console/review/export", review.export, name="console_review_export")
    app.router.add_post("/console/conversations/{conversation_id}/flag", review.flag, name="console_conversation_flag")
    chat = "/console/live/{conversation_id}"
    app.router.add_get("/console/live", live.live_page, name="console_live")
    app.router.add_get("/console/live/queue.json", live.queue_json, name="console_live_queue")
    app.router.add_post("/console/live/availability", live.set_availability, name="console_live_availability")
    app.router.add_get(chat, live.chat_page, name="console_live_chat")
    app.router.add_get(chat + "/events", live.chat_events, name="console_live_events")
    app.router.add_post(chat + "/take", live.take_over, name="console_live_take")
    app.router.add_post(chat + "/messages", live.send_message, name="console_live_message")
    app.router.add_post(chat + "/return", live.hand_back, name="console_live_return")
    app.router.add_post(chat + "/close", live.close_chat, name="console_live_close")


def _api_routes(app: web.Application) -> None:
    """The JSON API under /api/ (bot/web/api/), described by /api/openapi.json."""
    from bot.web.api import audit, clients, conversations, dashboard, escalations, leads, me, openapi, review

    add_get, add_post, add_patch = app.router.add_get, app.router.add_post, app.router.add_patch
    conversation_access = requires(Permission.PROSPECT_CONVERSATIONS, Permission.CLIENT_CONVERSATIONS)
    escalation_access = requires(Permission.ESCALATIONS)
    lead_access = requires(Permission.LEADS)
    client_access = requires(Permission.CLIENTS)
    lead = r"/api/leads/{lead_id:\d{1,18}}"

    add_get("/api/openapi.json", openapi.get_openapi, name="api_openapi")  # public
    add_get("/api/me", signed_in(me.get_me), name="api_me")
    add_get("/api/dashboard", requires(Permission.DASHBOARD)(dashboard.get_dashboard), name="api_dashboard")
    add_get("/api/conversations", conversation_access(conversations.list_conversations_handler), name="api_conversations")
    add_get("/api/conversations/{conversation_id}", conversation_access(conversations.get_transcript), name="api_conversation")
    add_get("/api/escalations", escalation_access(escalations.list_escalations), name="escalations")
    add_get("/api/escalations/{escalation_id}", escalation_access(escalations.get_escalation), name="escalation")
    add_post(
        "/api/escalations/{escalation_id}/acknowledge",
        escalation_access(escalations.acknowledge_escalation),
        name="escalation_acknowledge",
    )
    add_post(
        "/api/escalations/{escalation_id}/resolve", escalation_access(escalations.resolve_escalation), name="escalation_resolve"
    )
    add_get("/api/leads", lead_access(leads.list_leads), name="api_leads")
    add_get("/api/leads.csv", lead_access(leads.export_leads), name="api_leads_csv")
    add_get(lead, lead_access(leads.get_lead), name="api_lead")
    add_patch(lead, lead_access(leads.change_lead), name="api_lead_change")
    add_post(lead + "/notes", lead_access(leads.add_lead_note), name="api_lead_notes")
    add_get("/api/clients", client_access(clients.list_clients), name="api_clients")
    add_get("/api/clients/{client_id}", client_access(clients.get_client), name="api_client")
    add_get("/api/audit", requires(Permission.AUDIT)(audit.list_audit), name="api_audit")
    review_access = requires(Permission.REVIEW)
    add_get("/api/review", review_access(review.list_review), name="api_review")
    add_get("/api/review/intents", review_access(review.list_intents), name="api_review_intents")
    add_get("/api/review/figures", review_access(review.get_figures), name="api_review_figures")
    add_post(rf"/api/review/{{key:{review.KEY_PATTERN}}}/label", review_access(review.label_row), name="api_review_label")
    add_post("/api/conversations/{conversation_id}/flag", review_access(review.flag_message), name="api_conversation_flag")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz, name="healthz")
    setup_widget_routes(app)  # the chat widget's files and the demo site at /
    _console_routes(app)
    _api_routes(app)
