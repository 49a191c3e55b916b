"""A staff pager stand-in for tests: a real local HTTP server that records what it receives.

It answers 503 to its first `failures` requests and 200 afterwards. The pager is the one part
that cannot run here, so tests use this receiver in its place.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from aiohttp import web
from aiohttp.test_utils import TestServer


class Receiver:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: List[Dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append({"path": request.path, "headers": dict(request.headers), "body": await request.read()})
        if len(self.requests) <= self.failures:
            return web.Response(status=503, text="pager busy")
        return web.json_response({"ok": True})

    @property
    def accepted(self) -> List[Dict[str, Any]]:
        return self.requests[self.failures :]

    async def start(self, port: Optional[int] = None) -> TestServer:
        app = web.Application()
        app.router.add_post("/{name}", self.handle)
        server = TestServer(app, port=port) if port else TestServer(app)
        await server.start_server()
        return server
