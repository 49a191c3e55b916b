"""``GET /console/audit`` (admin): who viewed, exported or changed what, and when; newest first.

``?action=`` narrows it to one kind (a group such as ``login.`` takes every action under it);
``?page=`` pages through 50 at a time.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from aiohttp import web

from bot.staff import audit as actions
from bot.staff.roles import Permission
from bot.web.auth import requires
from bot.web.console.common import choice_param, int_param, page_url, render, run
from bot.web.keys import AUDIT

PER_PAGE = 50
FILTERS: Tuple[Tuple[str, str], ...] = (
    ("", "Everything"),
    (actions.TRANSCRIPT_VIEW, "Transcript views"),
    ("client.view", "Client record views"),
    (actions.LEADS_EXPORT, "Lead exports"),
    ("lead.", "Lead status changes and notes"),
    ("escalation.", "Escalations acknowledged or resolved"),
    ("login.", "Log-ins (and failed ones)"),
    (actions.LOGOUT, "Log-outs"),
    ("user.", "Staff account changes"),
    ("review.", "Review inbox labels and flags"),
)
LABELS = {
    actions.TRANSCRIPT_VIEW: "Viewed a transcript",
    "client.view": "Viewed a client record",
    actions.LEADS_EXPORT: "Exported leads",
    actions.LEAD_STATUS: "Changed a lead's status",
    "lead.note": "Added a note to a lead",
    actions.ESCALATION_ACKNOWLEDGE: "Acknowledged an escalation",
    actions.ESCALATION_RESOLVE: "Resolved an escalation",
    actions.LOGIN: "Logged in",
    actions.LOGIN_FAILED: "Failed log-in",
    actions.LOGIN_LOCKED: "Account locked after failed log-ins",
    actions.LOGOUT: "Logged out",
    actions.USER_ADD: "Added a staff account",
    actions.USER_DISABLE: "Disabled a staff account",
    actions.USER_ENABLE: "Enabled a staff account",
    actions.USER_ROLE: "Changed a staff role",
    actions.USER_PASSWORD: "Set a new password",
    actions.REVIEW_LABEL: "Labelled a message in the review inbox",
    actions.REVIEW_FLAG: "Flagged a message for review",
    actions.REVIEW_EXPORT: "Exported reviewed examples",
}
# Where an entry's target can be opened (for a person allowed to open it).
TARGET_LINKS = {
    "conversation": "/console/conversations/{}",
    "lead": "/console/leads/{}",
    "client": "/console/clients/{}",
}


@requires(Permission.AUDIT)
async def audit_page(request: web.Request) -> web.Response:
    action = choice_param(request, "action", [value for value, _ in FILTERS if value]) or ""
    page = int_param(request, "page", 1, 1, 1_000_000)
    entries, total = await run(request.app[AUDIT].list, PER_PAGE, (page - 1) * PER_PAGE, action or None)
    pages = max(1, -(-total // PER_PAGE))
    context: Dict[str, Any] = {
        "title": "Audit log",
        "entries": entries,
        "total": total,
        "page_number": page,
        "pages": pages,
        "action": action,
        "filters": FILTERS,
        "labels": LABELS,
        "links": TARGET_LINKS,
        "prev_url": page_url(request, page - 1) if page > 1 else None,
        "next_url": page_url(request, page + 1) if page < pages else None,
    }
    return await render(request, "audit.html", context)
