"""Error middleware: no stack trace reaches a visitor; API callers get JSON, people get a page."""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

import aiohttp_jinja2
from aiohttp import web

log = logging.getLogger(__name__)
# Headers of an HTTP error that tell the client what to do next.
KEPT_HEADERS = ("WWW-Authenticate", "Allow", "Retry-After")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _wants_json(request: web.Request) -> bool:
    return (
        request.path.startswith("/api/") or request.path == "/healthz" or "application/json" in request.headers.get("Accept", "")
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        status, message = exc.status, exc.reason
        headers = {name: exc.headers[name] for name in KEPT_HEADERS if name in exc.headers}
    except Exception:  # logged in full, shown as a plain 500
        route = request.match_info.route.resource
        # The route's pattern, not the path: a path can hold a conversation id or a search.
        log.exception("unhandled error on %s %s", request.method, route.canonical if route is not None else "(no route)")
        status, message = 500, "Something went wrong on our side. Please try again."
        headers = {}
    if _wants_json(request):
        return web.json_response({"error": message, "status": status}, status=status, headers=headers)
    response = aiohttp_jinja2.render_template("error.html", request, {"status": status, "message": message}, status=status)
    response.headers.update(headers)
    return response
