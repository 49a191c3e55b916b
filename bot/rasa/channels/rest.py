"""Rasa's REST channel (``/webhooks/rest/webhook``), strict about what it accepts.

A caller posts ``{"sender": ..., "message": ..., "metadata": {"client_token": ...}}`` and gets the
replies as a JSON list. Unlike Rasa's own handler, a body that is not such an object, a missing or
empty ``sender`` (never mapped to a shared "default" conversation) or a non-text message is refused
with 400 and what to fix; the client token is checked (bot/rasa/channels/identity.py) and the bounds of
bot/rasa/channels/guard.py apply. On an error inside Rasa nothing the person wrote is logged.
"""

from __future__ import annotations

import logging
from typing import Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa.channels.guard import MessageGuard, client_address
from bot.rasa.channels.identity import MessageIdentity, OnNewMessage
from bot.rasa.channels.incoming import BadMessage, parse_body
from bot.settings import get_settings

log = logging.getLogger(__name__)


class RestChannel(InputChannel):
    def __init__(self) -> None:
        self.identity = MessageIdentity()
        self._guard: Optional[MessageGuard] = None

    @classmethod
    def name(cls) -> str:
        return "rest"

    def guard(self) -> MessageGuard:
        if self._guard is None:  # settings only once the Rasa process has them
            settings = get_settings()
            self._guard = MessageGuard(settings.max_message_chars, settings.rate_per_sender, settings.rate_per_address)
        return self._guard

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        verified = self.identity.verifying(on_new_message)
        webhook = Blueprint("custom_webhook_RestChannel", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            # Ready only once the model is loaded: the balancer in front of several instances
            # (bot/service/balancer.py) sends messages to an instance only when this says ok.
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"status": "loading"}, status=503)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = parse_body(request.body)
            except BadMessage as exc:
                return response.json({"error": str(exc)}, status=400)
            collector = CollectingOutputChannel()
            decision = self.guard().check(incoming.text, incoming.sender, client_address(request))
            if decision.text is None:
                log.warning("message refused at the REST channel: %s", decision.reason)
                await collector.send_text_message(incoming.sender, decision.reply or "")
                return response.json(collector.messages)
            message = UserMessage(
                decision.text, collector, incoming.sender, input_channel=self.name(), metadata=incoming.metadata
            )
            try:
                await verified(message)
            except Exception as exc:  # answer what was collected; log no text
                log.error("handling a REST message failed: %s", exc.__class__.__name__, exc_info=log.isEnabledFor(logging.DEBUG))
            return response.json(collector.messages)

        return webhook
