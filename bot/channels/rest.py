"""Rasa's REST channel (``/webhooks/rest/webhook``) with client tokens checked (bot/channels/identity.py).

A caller passes ``{"sender", "message", "metadata": {"client_token": ...}}``.
"""
from __future__ import annotations

from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.identity import MessageIdentity, OnNewMessage


class RestChannel(RestInput):
    def __init__(self) -> None:
        super().__init__()
        self.identity = MessageIdentity()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(self.identity.verifying(on_new_message))
