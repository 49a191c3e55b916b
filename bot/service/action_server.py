"""The action server: rasa-sdk's app, listening on loopback, answering only the Rasa server.

rasa-sdk's own command listens on every interface and runs any action for anyone who can reach
it, so a forged call could write a lead or read a client's schedule. Here every call but the
health check must carry the shared secret (``X-Action-Token``, ACTION_SERVER_TOKEN or a generated
one under var/secrets/) that Rasa sends from endpoints.yml; the comparison is constant-time.
Bodies are bounded: a call carries one conversation session.
"""

from __future__ import annotations

import hmac
import logging
from typing import Optional

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings

TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = frozenset({"/health"})
MAX_BODY_BYTES = 4 * 1024 * 1024

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> Sanic:
    app = create_sdk_app("actions", cors_origins=None)  # no browser ever calls it
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    expected = settings.action_token().encode()

    @app.middleware("request")
    async def authenticate(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get(TOKEN_HEADER) or "").encode("utf-8", "replace")
        if hmac.compare_digest(given, expected):
            return None
        log.warning("refused an action call without the right %s from %s", TOKEN_HEADER, request.ip)
        return response.json({"error": f"missing or wrong {TOKEN_HEADER}: only the Rasa server may call actions"}, status=401)

    return app


def run(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    log.info("action server on http://%s:%d", settings.action_host, settings.action_port)
    create_app(settings).run(host=settings.action_host, port=settings.action_port, workers=1, access_log=False)
