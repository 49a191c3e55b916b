"""An access log that says which page was asked for, not whose.

aiohttp's default access log line holds the full request line: a console search
(``/console/conversations?q=760-555-0199``), a conversation id in a path (on some channels the
sender id is a phone number) or a ``next=`` parameter would land in the server log. This logger
writes the route's pattern instead (``/console/conversations/{conversation_id}``), never the
query string, the client's address, the referrer or the user agent.

Use it where the app is served::

    web.run_app(app, ..., access_log_class=PrivateAccessLogger)
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


def route_pattern(request: web.BaseRequest) -> str:
    """The pattern of the route that matched (no ids, no query); ``(no route)`` when none did."""
    match_info = getattr(request, "match_info", None)
    route = getattr(match_info, "route", None)
    resource = getattr(route, "resource", None)
    if resource is None:
        return "(no route)"
    return str(resource.canonical)


class PrivateAccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %s %.3fs",
            request.method,
            route_pattern(request),
            response.status,
            response.body_length,
            time,
        )
