"""The check both chat channels run on every incoming message, in the Rasa process.

A message's ``client_token`` is verified here and replaced by the verdict (``metadata.client``,
sealed for its conversation); a ``client`` key the sender wrote is dropped, so an identity can only
come from a token the center signed. Opened on first use: the Rasa process imports the channels
before it has settings.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Tuple

from rasa.core.channels.channel import UserMessage

from bot.clients.identity import INVALID, NONE, ClientVerifier, Identity, sanitize, token_from
from bot.clients.store import ClientStore
from bot.settings import get_settings
from bot.storage.db import make_engine
from bot.storage.schema import migrate

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
log = logging.getLogger(__name__)


class MessageIdentity:
    def __init__(self) -> None:
        self._verifier: Optional[ClientVerifier] = None
        self._lock = threading.Lock()

    def _get_verifier(self) -> ClientVerifier:
        with self._lock:
            if self._verifier is None:
                settings = get_settings()
                engine = make_engine(settings.database_url)
                migrate(engine)
                self._verifier = ClientVerifier(ClientStore(engine), settings.client_token_key())
        return self._verifier

    def check(
        self, metadata: Optional[Mapping], fallback_token: Optional[str] = None, conversation_id: Optional[str] = None
    ) -> Tuple[Dict[str, Any], Identity]:
        """The metadata Rasa may keep, and who sent it (the message's token, else the session's).

        A conversation already linked to another client stays theirs: a second client's token in
        it (a shared computer that kept the first one's chat) is refused, so neither sees the
        other's exercise or schedule. The page should start a new chat for a new sign-in.
        """
        token = token_from(metadata) or fallback_token
        verifier = self._get_verifier()
        identity = verifier.identify(token) if token else Identity(NONE)
        if identity.verified and conversation_id is not None:
            others = [c for c in verifier.store.clients_of(conversation_id) if c != identity.client_id]
            if others:
                log.warning("a client token was refused in a conversation that belongs to another client")
                identity = Identity(INVALID)
        sealed = None
        if identity.verified and conversation_id is not None:
            sealed = verifier.seal(conversation_id, str(identity.client_id))
        return sanitize(metadata, identity, sealed), identity

    def verifying(
        self, on_new_message: OnNewMessage, session_token: Callable[[str], Optional[str]] = lambda _: None
    ) -> OnNewMessage:
        """on_new_message, with each message's metadata checked first."""

        async def handle(message: UserMessage) -> Any:
            message.metadata, _ = self.check(message.metadata, session_token(message.sender_id), message.sender_id)
            return await on_new_message(message)

        return handle
