"""Rasa's socket.io channel with client tokens checked (bot/rasa/channels/identity.py).

The website passes an enrolled client's token once, in the ``session_request`` data
(``{"session_id": ..., "customData": {"client_token": ...}}``), or with each message in
``customData``. The session's token is kept (in memory, per session id) and checked again on every
message, so an expiry takes effect mid-chat. The verdict is also sent to the page as a
``client_identity`` event, so the widget can tell a client their sign-in was refused.

When the server starts, group reminders set before a restart are scheduled again on this
channel (bot/rasa/rearm.py).

With REDIS_URL (the production profile, several Rasa instances), the socket.io server passes what
it emits through Redis (python-socketio's Redis manager): a reply, a staff member's live message or
a reminder that another instance sends reaches the widget whichever instance it is connected to.
python-socketio pickles those messages, so Redis must be reachable by the service only (loopback
or a private network, with a password): docs/operations.md.

Bot messages of a live handoff (bot/handoff/notices.py) carry ``handoff`` details in their
metadata; :class:`HandoffAwareOutput` passes them to the widget in the ``bot_uttered`` event, so it
can show who is writing (the assistant or a named staff member) and the handoff's state. It passes
the conversation's language the same way (``language``, set by bot/rasa/nlg.py), so the widget's
labels follow the person into the other language.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any, Dict, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncRedisManager, AsyncServer

from bot.clients.identity import token_from
from bot.language.choice import REPLY_LANGUAGE_KEY
from bot.language.detect import LANGUAGES
from bot.rasa.channels.guard import CHAT_BODY_LIMIT_BYTES, MessageGuard, client_address
from bot.rasa.channels.identity import MessageIdentity, OnNewMessage
from bot.rasa.channels.incoming import parse_event
from bot.rasa.rearm import rearm
from bot.settings import get_settings
from bot.storage.db import make_engine

log = logging.getLogger(__name__)
# How long to wait for Rasa to load its model before giving up on scheduling reminders again.
AGENT_READY_TIMEOUT_SECONDS = 600

# The Redis pub/sub channel the instances' socket.io servers share.
SOCKETIO_CHANNEL = "companion-socketio"
# Sessions whose token is remembered; the oldest is forgotten first (its next message carries
# no identity until the page sends the token again).
MAX_SESSIONS = 10_000
REFUSALS = {
    "expired": "Your sign-in for this chat has expired, so you're chatting as a visitor. Open the chat from the client portal to sign in again.",
    "invalid": "Your sign-in for this chat couldn't be confirmed, so you're chatting as a visitor.",
    "unknown_client": "Your client record couldn't be found, so you're chatting as a visitor. Please check with the front desk.",
}


# What the bot message being sent adds to each event it emits: its handoff details and its
# language (set for the duration of one send_response).
_EXTRA: "ContextVar[Optional[Dict[str, Any]]]" = ContextVar("extra", default=None)
HANDOFF_FIELDS = ("kind", "status", "staff_name")


def _handoff_details(value: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(value, dict):
        return None
    return {key: str(value[key]) for key in HANDOFF_FIELDS if value.get(key)} or None


class HandoffAwareOutput(SocketIOOutput):
    """Rasa's socket.io output, with each message's ``handoff`` details and language added to what it emits."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        extra: Dict[str, Any] = {}
        handoff = _handoff_details(message.get("handoff"))
        if handoff is not None:
            extra["handoff"] = handoff
        if message.get(REPLY_LANGUAGE_KEY) in LANGUAGES:
            extra[REPLY_LANGUAGE_KEY] = message[REPLY_LANGUAGE_KEY]
        token = _EXTRA.set(extra or None)
        try:
            await super().send_response(recipient_id, message)
        finally:
            _EXTRA.reset(token)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        extra = _EXTRA.get()
        if extra and isinstance(response, dict):
            response = {**response, **extra}
        await super()._send_message(socket_id, response)


def share_through_redis(sio: AsyncServer, redis_url: str) -> None:
    """Emits go through Redis to whichever instance holds the socket. Rasa builds its server with
    the default (in-process) manager, so this one replaces it before any client connects: the
    server initialises its manager on the first connection (python-socketio 5.8)."""
    if sio.manager_initialized:
        raise RuntimeError("the socket.io server already has clients: its manager can no longer be replaced")
    # Redis's pub/sub channels are server-wide: the database number keeps deployments apart.
    database = urlsplit(redis_url).path.strip("/") or "0"
    manager = AsyncRedisManager(redis_url, channel=f"{SOCKETIO_CHANNEL}:{database}")
    manager.set_server(sio)
    sio.manager = manager


class SocketIOChannel(SocketIOInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identity = MessageIdentity()
        self._session_tokens: "OrderedDict[str, str]" = OrderedDict()
        self._guard: Optional[MessageGuard] = None

    def _remember(self, session_id: str, token: Optional[str]) -> None:
        if token is None:
            self._session_tokens.pop(session_id, None)
            return
        self._session_tokens[session_id] = token
        self._session_tokens.move_to_end(session_id)
        while len(self._session_tokens) > MAX_SESSIONS:
            self._session_tokens.popitem(last=False)

    def _token_of(self, data: Dict[Text, Any]) -> Optional[str]:
        return token_from(data) or token_from(data.get(self.metadata_key))

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()  # Rasa's warning: not started in this process
        return HandoffAwareOutput(self.sio, self.bot_message_evt)

    def guard(self) -> MessageGuard:
        if self._guard is None:  # settings only once the Rasa process has them
            settings = get_settings()
            self._guard = MessageGuard(settings.max_message_chars, settings.rate_per_sender, settings.rate_per_address)
        return self._guard

    def _address(self, sid: Text) -> Optional[str]:
        request = (self.sio.get_environ(sid, namespace=self.namespace) or {}).get("sanic.request") if self.sio else None
        return client_address(request) if request is not None else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        verified = self.identity.verifying(on_new_message, self._session_tokens.get)
        blueprint = super().blueprint(verified)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        # Rasa's server accepts every origin and 1 MB messages; only the configured sites may connect.
        # engine.io checks the Origin of every request (polling and WebSocket); the CORS headers of
        # its answers come from Rasa's own CORS setting (--cors, the same origins): two sets of
        # headers would make browsers refuse the answer.
        sio.eio.cors_allowed_origins = get_settings().cors_origins
        sio.eio._cors_headers = lambda environ: []
        sio.eio.max_http_buffer_size = CHAT_BODY_LIMIT_BYTES
        redis_url = get_settings().redis_url
        if redis_url:
            share_through_redis(sio, redis_url)
        namespace = self.namespace or "/"
        confirm_session = sio.handlers[namespace]["session_request"]

        async def user_message(sid: Text, data: Any) -> None:
            """Rasa's handler, strict about the payload and with the guard's bounds."""
            incoming = parse_event(data, self.metadata_key)
            if incoming is None:
                log.warning("a socket.io message without a session id or text was ignored")
                return
            # Replies to the person's own messages (e.g. "someone is being asked") carry handoff details too.
            output = HandoffAwareOutput(sio, self.bot_message_evt)
            decision = self.guard().check(incoming.text, incoming.sender, self._address(sid))
            if decision.text is None:
                log.warning("message refused at the socket.io channel: %s", decision.reason)
                await output.send_text_message(incoming.sender, decision.reply or "")
                return
            await verified(
                UserMessage(decision.text, output, incoming.sender, input_channel=self.name(), metadata=incoming.metadata)
            )

        sio.on(self.user_message_evt, namespace=self.namespace)(user_message)

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            token = self._token_of(data)
            await confirm_session(sid, data)  # gives data a session_id when it had none
            self._remember(str(data["session_id"]), token)
            if token is None:
                return
            _, identity = self.identity.check({"client_token": token})
            event: Dict[str, Any] = {"status": identity.status}
            if identity.status in REFUSALS:
                event["message"] = REFUSALS[identity.status]
            await sio.emit("client_identity", event, room=sid, namespace=self.namespace)

        sio.on("session_request", namespace=self.namespace)(session_request)

        async def rearm_reminders(app: Any, _loop: Any) -> None:
            app.add_task(self._rearm_when_ready(app))

        blueprint.listener("after_server_start")(rearm_reminders)
        return blueprint

    async def _rearm_when_ready(self, app: Any) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + AGENT_READY_TIMEOUT_SECONDS
        while loop.time() < deadline:
            agent = getattr(app.ctx, "agent", None)
            if agent is not None and agent.is_ready():
                try:
                    engine = make_engine(get_settings().database_url)
                    await rearm(agent.processor, self.get_output_channel(), engine, dt.datetime.now(dt.timezone.utc))
                except Exception:  # the service runs on; the log says what failed
                    log.exception("could not schedule the group reminders again")
                return
            await asyncio.sleep(0.5)
        log.error("the model did not load in time; group reminders set before the start were not scheduled again")
