"""What every console page shares: the layout's context, guards, parameters, times, audit, headers.

- :func:`render` renders a template of ``templates/console/`` with the layout's context: the
  center's name and zone, the signed-in person, the navigation their role may open, the session's
  CSRF token (``csrf_token``, for every form) and the notice of a redirect after a form.
- :func:`safe_next`: a same-site path to go to after a form or the log-in, never another site.
- Times are stored in UTC and shown in the center's zone (the ``when``, ``day`` and ``clock``
  filters), each inside ``<time datetime=...>`` with the exact instant.
- :func:`security_headers`: no caching of console pages (they show health information), no
  framing, no referrer (a console URL can hold a search), and a CSP that allows only our own
  stylesheet and script.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup
from yarl import URL

from bot.program.errors import ProgramDataError
from bot.staff.roles import Permission, Role, allowed, sees_contact_details
from bot.web.auth import Principal, now, principal
from bot.web.keys import AUDIT, ESCALATIONS, PROGRAM

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_PREFIX = "/static/"
STATIC_ROUTE = "console_static"
DEFAULT_NEXT = "/console/"
FALLBACK_CENTER = "Recovery companion"
CONVERSATION_PERMISSIONS = (Permission.PROSPECT_CONVERSATIONS, Permission.CLIENT_CONVERSATIONS)
MAX_NOTE = 2000  # escalation notes (the JSON API's limit too)

# Messages a page shows after a form redirected to it (?done=... / ?problem=...): fixed texts,
# so a link cannot make the console say anything else.
DONE = {
    "acknowledged": "Escalation acknowledged.",
    "resolved": "Escalation resolved.",
    "status": "Lead status changed.",
    "note": "Note added.",
    "available": "You are available for live chats while this page is open.",
    "unavailable": "You are no longer available for live chats.",
    "returned": "The conversation is back with the assistant.",
    "closed": "The live chat is closed.",
    "labelled": "Label saved.",
    "labelled_missed": "Label saved: counted as a crisis the safety net missed. Its conversation is not recent, so nobody was paged.",
    "labelled_escalated": "Label saved: a crisis the safety net missed. An escalation was raised and the clinical team is being paged.",
    "flagged": "The message is in the review inbox.",
    "exported": "Exported into data/nlu/reviewed/ (examples), data/safety/reviewed_crises.yml (crisis candidates) and data/review/provenance.yml: read the diff, then commit. Nothing is trained until then.",
    "exported_nothing": "Nothing new to export: no label since the last export makes a new example.",
}
PROBLEMS = {
    "escalation_changed": "Someone else changed this escalation first: the page shows where it stands now.",
    "taken": "Someone else is already chatting in this conversation.",
    "label_invalid": "Not saved: choose confirm, correct, new topic or exclude.",
    "label_intent": "Not saved: that is not one of the assistant's intents. Pick one from the list.",
    "label_incomplete": "Not saved: a correction needs the intent it meant, and a new topic needs a note.",
    "flag_invalid": "Not flagged: that message could not be found in this conversation.",
    "assistant_down": "The assistant (Rasa) could not be reached, so nothing changed. Check that the service is running and try again.",
    "not_live": "You are not chatting in this conversation (it may have been handed back or closed already).",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    permissions: Tuple[Permission, ...]


NAV: Tuple[NavItem, ...] = (
    NavItem("Dashboard", "/console/", (Permission.DASHBOARD,)),
    NavItem("Conversations", "/console/conversations", CONVERSATION_PERMISSIONS),
    NavItem("Live chat", "/console/live", (Permission.LIVE_CHAT,)),
    NavItem("Escalations", "/console/escalations", (Permission.ESCALATIONS,)),
    NavItem("Review", "/console/review", (Permission.REVIEW,)),
    NavItem("Leads", "/console/leads", (Permission.LEADS,)),
    NavItem("Clients", "/console/clients", (Permission.CLIENTS,)),
    NavItem("Audit log", "/console/audit", (Permission.AUDIT,)),
)


def clock() -> dt.datetime:
    """The current time (UTC); one place for the pages to ask."""
    return now()


def may(role: Role, *permissions: Permission) -> bool:
    """Whether ``role`` has any of ``permissions``."""
    return any(allowed(role, permission) for permission in permissions)


def nav_items(role: Role) -> List[NavItem]:
    return [item for item in NAV if may(role, *item.permissions)]


def mask_for(role: Role) -> bool:
    """Whether phone numbers and e-mail addresses are hidden from ``role``."""
    return not sees_contact_details(role)


def who(request: web.Request) -> Principal:
    """The signed-in staff member (the guards have made sure there is one with a session)."""
    found = principal(request)
    if found is None or found.user is None or found.session is None:
        raise web.HTTPForbidden(reason="Sign in to the console to use this page.")
    return found


@dataclass(frozen=True)
class CenterInfo:
    name: str
    zone: dt.tzinfo
    zone_label: str


def center_info(app: web.Application) -> CenterInfo:
    """The center's name and zone from the program data (UTC if the data cannot be read at all)."""
    try:
        center = app[PROGRAM].get().program.center
    except ProgramDataError:
        return CenterInfo(FALLBACK_CENTER, dt.timezone.utc, "UTC")
    return CenterInfo(center.name, ZoneInfo(center.timezone), center.timezone_label)


async def center_of(request: web.Request) -> CenterInfo:
    """:func:`center_info` in a worker thread: the first call (or one after an edit) parses the YAML."""
    return await run(center_info, request.app)


# --- parameters ------------------------------------------------------------------------------


def safe_next(value: Optional[str], default: str = DEFAULT_NEXT) -> str:
    """``value`` when it is a path on this site (``/console/...``), else ``default``.

    Refused: absolute URLs (``https://...``), scheme-relative ones (``//evil.example``), anything
    with a backslash (browsers read ``/\\evil.example`` as ``//evil.example``), control characters
    or white space, and the log-in page itself.
    """
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(c) < 33 or ord(c) == 127 for c in value) or len(value) > 2000:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith("//"):
        return default
    if parts.path in ("/login", "/logout"):
        return default
    return value


def int_param(request: web.Request, name: str, default: int, low: int = 1, high: int = 1_000_000) -> int:
    raw = request.query.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d{1,9}", raw):
        raise web.HTTPBadRequest(reason=f"{name} must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise web.HTTPBadRequest(reason=f"{name} must be between {low} and {high}")
    return value


def choice_param(request: web.Request, name: str, choices: Sequence[str], default: Optional[str] = None) -> Optional[str]:
    raw = request.query.get(name, "").strip()
    if not raw:
        return default
    if raw not in choices:
        raise web.HTTPBadRequest(reason=f"{name} must be one of {', '.join(choices)}")
    return raw


def parse_date(raw: str) -> Optional[dt.date]:
    """A date written like 2026-03-20 (what a date field sends); None for anything else.

    Years outside 1970-2999 are refused too: they are typos, and the day after 9999-12-31 does
    not exist.
    """
    try:
        value = dt.date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None
    return value if value is not None and 1970 <= value.year <= 2999 else None


def form_text(form: Mapping[str, Any], name: str, max_length: int) -> Optional[str]:
    """A text field of a submitted form, stripped; None when blank; 400 when too long."""
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if len(value) > max_length:
        raise web.HTTPBadRequest(reason=f"The {name} is too long: at most {max_length} characters.")
    return value


def with_query(path: str, **params: Optional[str]) -> str:
    """``path`` with ``params`` set in its query (and no earlier ``done``/``problem`` notice)."""
    url = URL(path)
    query = {k: v for k, v in url.query.items() if k not in ("done", "problem")}
    query.update({k: v for k, v in params.items() if v is not None})
    return str(url.with_query(query or None))


def see_other(location: str) -> web.Response:
    """A 303 redirect after a form (returned, not raised, so cookies set on it always go out)."""
    return web.Response(status=303, headers={"Location": location})


def page_url(request: web.Request, page: int) -> str:
    """The current URL with another page number."""
    return str(request.rel_url.update_query(page=str(page)))


# --- data access -----------------------------------------------------------------------------


async def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The database and argon2 block: they run in a worker thread, never on the event loop."""
    return await asyncio.to_thread(functools.partial(function, *args, **kwargs))


async def audit(
    request: web.Request,
    action: str,
    target_type: Optional[str] = None,
    target_id: Optional[object] = None,
    detail: Optional[str] = None,
) -> None:
    """Writes an audit entry for the signed-in staff member."""
    await run(request.app[AUDIT].record, who(request).user, action, target_type, target_id, detail)


async def open_escalations(request: web.Request) -> int:
    return (await run(request.app[ESCALATIONS].counts))["open"]


# --- rendering -------------------------------------------------------------------------------


def static_url(request: web.Request, filename: str) -> str:
    """The URL of a file in bot/web/static/, with its content hash (so a new release is fetched)."""
    try:
        return str(request.app.router[STATIC_ROUTE].url_for(filename=filename))
    except KeyError:  # pragma: no cover - the route is always added with the pages
        return STATIC_PREFIX + filename


async def render(request: web.Request, template: str, context: Dict[str, Any], status: int = 200) -> web.Response:
    """``templates/console/<template>`` with the layout's context."""
    found = principal(request)
    center = await center_of(request)
    base: Dict[str, Any] = {
        "center": center.name,
        "zone": center.zone,
        "zone_label": center.zone_label,
        "me": found,
        "csrf_token": found.session.csrf_token if found is not None and found.session is not None else "",
        "nav": nav_items(found.role) if found is not None else [],
        "path": request.path,
        "static": functools.partial(static_url, request),
        "done": DONE.get(request.query.get("done", "")),
        "problem": PROBLEMS.get(request.query.get("problem", "")),
        "open_escalations": None,
    }
    if found is not None and allowed(found.role, Permission.ESCALATIONS):
        base["open_escalations"] = await open_escalations(request)
    base.update(context)
    return aiohttp_jinja2.render_template(f"console/{template}", request, base, status=status)


def _local(value: Optional[dt.datetime], zone: Optional[dt.tzinfo]) -> Optional[dt.datetime]:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone or dt.timezone.utc)


def _time_tag(value: Optional[dt.datetime], zone: Optional[dt.tzinfo], fmt: str, empty: str) -> Markup:
    local = _local(value, zone)
    if local is None:
        return Markup(empty)
    exact = local.isoformat(timespec="seconds")
    return Markup('<time datetime="{}">{}</time>').format(exact, local.strftime(fmt))


@jinja2.pass_context
def when(context: Any, value: Optional[dt.datetime], empty: str = "—") -> Markup:
    """``2026-03-20 10:00`` in the center's zone."""
    return _time_tag(value, context.get("zone"), "%Y-%m-%d %H:%M", empty)


@jinja2.pass_context
def clock_time(context: Any, value: Optional[dt.datetime], empty: str = "—") -> Markup:
    """``10:00:05`` in the center's zone (the transcript, under a day heading)."""
    return _time_tag(value, context.get("zone"), "%H:%M:%S", empty)


@jinja2.pass_context
def local_day(context: Any, value: Optional[dt.datetime]) -> str:
    """``Friday, 20 March 2026`` in the center's zone."""
    local = _local(value, context.get("zone"))
    return "" if local is None else f"{local:%A}, {local.day} {local:%B %Y}"


def percent(value: Optional[float], digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def path_segment(value: Any) -> str:
    """``value`` quoted as one segment of a URL path (a conversation id in a link)."""
    return quote(str(value), safe="")


def setup_templates(app: web.Application) -> None:
    """The console's filters on the app's Jinja environment (autoescape stays on)."""
    env = aiohttp_jinja2.get_env(app)
    env.filters["when"] = when
    env.filters["clock"] = clock_time
    env.filters["day"] = local_day
    env.filters["percent"] = percent
    env.filters["seg"] = path_segment
    env.globals["DONE"] = DONE


# --- headers ---------------------------------------------------------------------------------

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CSP_ERRORS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
CONSOLE_PATHS = ("/console", "/login", "/logout")


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Headers for every console response, errors and redirects included."""
    path = request.path
    if path.startswith(STATIC_PREFIX):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if "v" in request.query:  # a versioned URL (static_url) never changes: keep it for a year
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return
    if not any(path == prefix or path.startswith(prefix + "/") for prefix in CONSOLE_PATHS):
        return
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    # The error pages (bot/web/templates/error.html) carry their own small inline stylesheet.
    response.headers["Content-Security-Policy"] = CSP if response.status < 400 else CSP_ERRORS


def tri_state(value: Optional[str]) -> Optional[bool]:
    return {"yes": True, "no": False}.get(value or "")
