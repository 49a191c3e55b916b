"""The website chat widget's files, for any site to embed, and the demo site that shows it.

- ``/widget/widget.js`` and ``/widget/widget.css``: bot/web/static/widget/.
- ``/widget/socket.io.min.js``: the official socket.io client, installed into node_modules/ by
  `make setup` (``npm ci`` from package-lock.json), never copied into the repository. Until it is
  there the route answers 503 saying so, and the widget tells the visitor the chat can't load.
- ``/``: the fictional center's demo site with the widget embedded (bot/web/demo.py).

The widget's files may be loaded by any site: ``Access-Control-Allow-Origin: *`` and a
cross-origin resource policy, so pages with strict cross-origin isolation can use them too. Their
URLs carry no version (embedding sites paste one script tag), so they are cached for ten minutes
only: a release reaches every site soon, and ETag revalidation keeps that cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from aiohttp import web

from bot.settings import PROJECT_ROOT
from bot.web import demo

WIDGET_DIR = Path(__file__).resolve().parent / "static" / "widget"
SOCKET_IO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
JAVASCRIPT = "text/javascript; charset=utf-8"
STYLESHEET = "text/css; charset=utf-8"
MISSING_CLIENT = (
    "The socket.io client is not installed (node_modules/socket.io-client). "
    "Run `make setup` on the server, which installs it with npm from package-lock.json.\n"
)


def _shared_headers() -> Dict[str, str]:
    return {
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
    }


def _file(path: Path, content_type: str) -> web.FileResponse:
    headers = {**_shared_headers(), "Content-Type": content_type, "Cache-Control": "public, max-age=600"}
    return web.FileResponse(path, headers=headers)


async def widget_script(request: web.Request) -> web.StreamResponse:
    return _file(WIDGET_DIR / "widget.js", JAVASCRIPT)


async def widget_stylesheet(request: web.Request) -> web.StreamResponse:
    return _file(WIDGET_DIR / "widget.css", STYLESHEET)


async def socket_io_client(request: web.Request) -> web.StreamResponse:
    if not SOCKET_IO_CLIENT.is_file():
        # Not an error page: a <script> fetching this shows nobody a page; the operator reads it.
        headers = {**_shared_headers(), "Cache-Control": "no-store"}
        return web.Response(status=503, text=MISSING_CLIENT, content_type="text/plain", headers=headers)
    return _file(SOCKET_IO_CLIENT, JAVASCRIPT)


def setup_widget_routes(app: web.Application) -> None:
    app.router.add_get("/", demo.home, name="demo_home")
    app.router.add_get("/widget/widget.js", widget_script, name="widget_script")
    app.router.add_get("/widget/widget.css", widget_stylesheet, name="widget_stylesheet")
    app.router.add_get("/widget/socket.io.min.js", socket_io_client, name="widget_socket_io")
