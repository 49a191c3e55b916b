"""Bearer-token protection of the JSON API (the staff console with log-in comes later)."""
from __future__ import annotations

import hmac
from typing import Awaitable, Callable

from aiohttp import web

from bot.web.keys import SETTINGS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def api_token_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        expected = request.app[SETTINGS].api_token()
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
            raise web.HTTPUnauthorized(
                reason="Send the staff API token as 'Authorization: Bearer <token>' (STAFF_API_TOKEN, or var/secrets/staff_api_token)",
                headers={"WWW-Authenticate": 'Bearer realm="companion"'},
            )
    return await handler(request)
