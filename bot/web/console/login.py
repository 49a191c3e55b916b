"""Log-in and log-out.

- ``GET /login``: the form, with a double-submit CSRF token (bot/web/auth.py ``login_csrf``).
  Someone already signed in goes straight on to ``next``.
- ``POST /login``: a missing or wrong form token is 403. The password is checked in a worker
  thread (argon2 takes a while). Success: a new session, its cookie (HttpOnly, SameSite=Lax,
  Secure over HTTPS), an audit entry, and a redirect to ``next`` if it is a path on this site.
  Failure: the same message whatever went wrong (unknown user, wrong password, locked, disabled)
  and an audit entry saying which (a lock-out gets one of its own). An address that failed too
  often gets 429 with Retry-After and no password check (bot/staff/throttle.py).
- ``POST /logout``: ends the session (the CSRF middleware has checked the session's token),
  clears the cookie, audits, and shows the log-in page again.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.staff import audit as actions
from bot.staff.sessions import COOKIE_NAME, cookie_options
from bot.staff.users import LOGIN_FAILED, MAX_FAILED_LOGINS
from bot.web.auth import LOGIN_CSRF_COOKIE, login_csrf, login_csrf_valid, principal, secure_cookies, signed_in
from bot.web.console.common import center_of, clock, run, safe_next, see_other, static_url
from bot.web.keys import AUDIT, LOGIN_THROTTLE, SESSIONS, USERS

MAX_USERNAME = 200  # longer is not a username (they are at most 40); refused before hashing
MAX_PASSWORD = 1024  # the password policy's maximum
SIGNED_OUT = "You have signed out."
EXPIRED = "Your session has ended. Please sign in again."
THROTTLED = "Too many failed sign-ins from your network. Wait {wait} and try again."


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{(seconds + 59) // 60} minutes"


async def _form_page(
    request: web.Request,
    *,
    next_path: str,
    username: str = "",
    error: Optional[str] = None,
    notice: Optional[str] = None,
    status: int = 200,
    headers: Optional[Dict[str, str]] = None,
) -> web.Response:
    """The form; its CSRF token goes into the form and (as a cookie) onto this response."""
    response = web.Response(content_type="text/html", charset="utf-8", status=status, headers=headers)
    token = login_csrf(request, response)
    center = await center_of(request)
    context: Dict[str, Any] = {
        "center": center.name,
        "zone_label": center.zone_label,
        "me": None,
        "nav": [],
        "path": request.path,
        "static": lambda filename: static_url(request, filename),
        "login_token": token,
        "next_path": next_path,
        "username": username,
        "error": error,
        "notice": notice,
    }
    response.text = aiohttp_jinja2.render_string("console/login.html", request, context)
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    next_path = safe_next(request.query.get("next"))
    found = principal(request)
    if found is not None and found.session is not None:
        raise web.HTTPFound(next_path)
    notice = SIGNED_OUT if request.query.get("signed_out") == "1" else None
    if notice is None and request.query.get("next") and COOKIE_NAME in request.cookies:
        notice = EXPIRED  # a cookie that no longer opens a session
    return await _form_page(request, next_path=next_path, notice=notice)


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    token = form.get("csrf_token")
    if not login_csrf_valid(request, token if isinstance(token, str) else ""):
        raise web.HTTPForbidden(
            reason="The log-in form's security token is missing or out of date. Reload the page and try again."
        )
    next_path = safe_next(form.get("next") if isinstance(form.get("next"), str) else None)  # type: ignore[arg-type]
    username = form.get("username")
    password = form.get("password")
    username = username.strip() if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    if not username or not password or len(username) > MAX_USERNAME or len(password) > MAX_PASSWORD:
        return await _form_page(request, next_path=next_path, username=username[:MAX_USERNAME], error=LOGIN_FAILED)

    throttle = request.app[LOGIN_THROTTLE]
    wait = throttle.acquire(request.remote)
    if wait:
        return await _form_page(
            request,
            next_path=next_path,
            username=username,
            error=THROTTLED.format(wait=_wait_text(wait)),
            status=429,
            headers={"Retry-After": str(wait)},
        )
    result = await run(request.app[USERS].authenticate, username, password, clock())
    audit_log = request.app[AUDIT]
    if not result.ok or result.user is None:
        user = result.user
        await run(audit_log.record, user, actions.LOGIN_FAILED, "staff_user", user.username if user else None, result.reason)
        if result.locked_now:
            detail = f"{MAX_FAILED_LOGINS} failed log-ins in a row"
            await run(audit_log.record, user, actions.LOGIN_LOCKED, "staff_user", user.username if user else None, detail)
        return await _form_page(request, next_path=next_path, username=username, error=LOGIN_FAILED)

    throttle.succeeded(request.remote)
    user = result.user
    old = request.cookies.get(COOKIE_NAME)
    if old:
        await run(request.app[SESSIONS].delete, old)  # a new session, never the one the browser came with
    new = await run(request.app[SESSIONS].create, user.id, clock())
    await run(audit_log.record, user, actions.LOGIN, "staff_user", user.username)
    response = see_other(next_path)
    response.set_cookie(COOKIE_NAME, new.token, **cookie_options(secure_cookies(request)))
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@signed_in
async def logout(request: web.Request) -> web.StreamResponse:
    found = principal(request)
    await run(request.app[SESSIONS].delete, request.cookies.get(COOKIE_NAME))
    if found is not None and found.user is not None:
        await run(request.app[AUDIT].record, found.user, actions.LOGOUT, "staff_user", found.user.username)
    response = see_other("/login?signed_out=1")
    response.del_cookie(COOKIE_NAME, path="/")
    return response
