"""Who is asking, and may they: staff sessions for the console and its API, the integration
token for the API, CSRF on every form.

- :func:`auth_middleware` puts the :class:`Principal` (or None) on every request: a staff session
  from the ``companion_staff`` cookie (bot/staff/sessions.py), or, on ``/api/`` only, the
  integration token as ``Authorization: Bearer <STAFF_API_TOKEN>`` (a pager or another system;
  it acts as an admin and is audited as ``api-token``).
- :func:`requires` guards a handler with a permission (bot/staff/roles.py): nobody signed in is
  sent to the log-in page (a page) or gets 401 (the API); a role without the permission gets 403.
- :func:`csrf_middleware`: a request that changes something and comes with the session cookie
  must carry the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
  The log-in form, before any session exists, uses a double-submit cookie instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hmac
import secrets
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional
from urllib.parse import quote

from aiohttp import web

from bot.staff.roles import Permission, Role, allowed
from bot.staff.sessions import COOKIE_NAME, Session, cookie_options, csrf_valid
from bot.staff.users import StaffUser
from bot.web.keys import SESSIONS, SETTINGS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PRINCIPAL = "companion.principal"  # request key (aiohttp 3.9 has no typed request keys)
API_TOKEN_NAME = "api-token"
LOGIN_CSRF_COOKIE = "companion_login_csrf"
LOGIN_PATH = "/login"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Principal:
    name: str  # the staff username, or "api-token"
    role: Role
    user: Optional[StaffUser] = None
    session: Optional[Session] = None

    @property
    def by_token(self) -> bool:
        return self.session is None


def principal(request: web.Request) -> Optional[Principal]:
    return request.get(PRINCIPAL)


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def secure_cookies(request: web.Request) -> bool:
    """Secure cookies when served over HTTPS (directly, or per PUBLIC_URL behind a proxy)."""
    public_url = request.app[SETTINGS].public_url
    return request.secure or (public_url is not None and str(public_url).startswith("https://"))


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _bearer(request: web.Request) -> Optional[str]:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    found: Optional[Principal] = None
    token = _bearer(request) if is_api(request) else None
    if token is not None:
        if not hmac.compare_digest(token.encode(), request.app[SETTINGS].api_token().encode()):
            raise web.HTTPUnauthorized(
                reason="Unknown API token: send 'Authorization: Bearer <STAFF_API_TOKEN>' or sign in",
                headers={"WWW-Authenticate": 'Bearer realm="companion"'},
            )
        found = Principal(API_TOKEN_NAME, Role.ADMIN)
    elif COOKIE_NAME in request.cookies:
        signed_in = await asyncio.to_thread(request.app[SESSIONS].get, request.cookies[COOKIE_NAME], now())
        if signed_in is not None:
            user, session = signed_in
            found = Principal(user.username, Role(user.role), user, session)
    request[PRINCIPAL] = found
    return await handler(request)


async def _submitted_csrf(request: web.Request) -> str:
    header = request.headers.get("X-CSRF-Token")
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # cached by aiohttp: the handler can read it again
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    who = principal(request)
    # The log-in form checks its own token: someone signed in in another tab may sign in again.
    if request.method in UNSAFE_METHODS and who is not None and who.session is not None and request.path != LOGIN_PATH:
        if not csrf_valid(who.session, await _submitted_csrf(request)):
            raise web.HTTPForbidden(reason="The form's security token is missing or out of date. Reload the page and try again.")
    return await handler(request)


def login_csrf(request: web.Request, response: web.StreamResponse) -> str:
    """The log-in form's token: a random value in a cookie and in the form, which must match."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, **{**cookie_options(secure_cookies(request)), "max_age": 3600})
    return token


def login_csrf_valid(request: web.Request, submitted: str) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), (submitted or "").encode())


def requires(*permissions: Permission) -> Callable[[Handler], Handler]:
    """Only a principal whose role has one of the permissions gets to the handler."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            who = principal(request)
            if who is None:
                if is_api(request):
                    raise web.HTTPUnauthorized(
                        reason="Sign in to the console, or send 'Authorization: Bearer <STAFF_API_TOKEN>'",
                        headers={"WWW-Authenticate": 'Bearer realm="companion"'},
                    )
                raise web.HTTPFound(f"/login?next={quote(request.path_qs, safe='')}")
            if not any(allowed(who.role, permission) for permission in permissions):
                raise web.HTTPForbidden(reason=f"Your role ({who.role.value}) does not give access to this.")
            return await handler(request)

        # The OpenAPI document and its tests read it; mypy knows of no attributes set on a function.
        guarded.permissions = tuple(permissions)  # type: ignore[attr-defined]
        return guarded

    return decorate


def signed_in(handler: Handler) -> Handler:
    """Any signed-in staff member (pages every role uses, like log-out)."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if principal(request) is None:
            if is_api(request):
                raise web.HTTPUnauthorized(reason="Sign in first", headers={"WWW-Authenticate": 'Bearer realm="companion"'})
            raise web.HTTPFound(f"/login?next={quote(request.path_qs, safe='')}")
        return await handler(request)

    return guarded
