"""Who is writing: the check the chat channels run on every incoming message.

A chat message may carry ``metadata.client_token`` (bot/clients/tokens.py). Only a verified token
for a client that still exists identifies anyone; whatever else arrives in the metadata is never
trusted: :func:`sanitize` drops the token and any ``client`` key the sender put there, and writes
the service's own verdict under ``client``. A verified verdict is sealed: an HMAC of the
conversation and client ids with the token key, which the action server and the tracker store check
(:func:`sealed_client`), so an identity in metadata that no channel verified is worth nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bot.clients import tokens
from bot.clients.store import ClientStore

VERIFIED = "verified"
EXPIRED = "expired"
INVALID = "invalid"
UNKNOWN_CLIENT = "unknown_client"
NONE = "none"
STATUSES = (VERIFIED, EXPIRED, INVALID, UNKNOWN_CLIENT, NONE)

TOKEN_KEY = "client_token"
CLIENT_KEY = "client"
SEAL_KEY = "seal"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    status: str
    client_id: Optional[str] = None  # set only when the status is "verified"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown identity status {self.status!r}")
        if (self.status == VERIFIED) != (self.client_id is not None):
            raise ValueError("an identity has a client id exactly when it is verified")

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


class ClientVerifier:
    def __init__(self, store: ClientStore, key: str):
        tokens._check_key(key)  # a weak or missing key is a configuration error: fail at start-up
        self.store = store
        self._key = key

    def __repr__(self) -> str:  # keep the key out of reprs and tracebacks
        return f"{type(self).__name__}(store={self.store!r})"

    def seal(self, conversation_id: str, client_id: str) -> str:
        """The seal of a verified verdict for this conversation (:func:`seal` with this key)."""
        return seal(self._key, conversation_id, client_id)

    def identify(self, token: Optional[str], now: Optional[dt.datetime] = None) -> Identity:
        if token is None or token == "":
            return Identity(NONE)
        try:
            client_id = tokens.verify(token, self._key, now=now)
        except tokens.TokenRefused as exc:
            log.info("client token refused: %s", exc.reason)  # never the token itself
            return Identity(EXPIRED if exc.reason == EXPIRED else INVALID)
        if self.store.get(client_id) is None:
            log.info("client token for a client who is not enrolled (removed?)")
            return Identity(UNKNOWN_CLIENT)
        return Identity(VERIFIED, client_id)


def token_from(metadata: Optional[Mapping]) -> Optional[str]:
    """The token in ``metadata["client_token"]``; None when absent, empty or not a string."""
    if not isinstance(metadata, Mapping):
        return None
    token = metadata.get(TOKEN_KEY)
    return token if isinstance(token, str) and token else None


def seal(key: str, conversation_id: str, client_id: str) -> str:
    return hmac.new(key.encode(), f"client-identity\n{conversation_id}\n{client_id}".encode(), hashlib.sha256).hexdigest()


def sealed_client(key: str, conversation_id: str, verdict: Any) -> Optional[str]:
    """The client id of a verified verdict whose seal matches this conversation; None otherwise."""
    if not isinstance(verdict, Mapping) or verdict.get("status") != VERIFIED:
        return None
    client_id, given = verdict.get("id"), verdict.get(SEAL_KEY)
    if not isinstance(client_id, str) or not isinstance(given, str):
        return None
    return client_id if hmac.compare_digest(seal(key, conversation_id, client_id), given) else None


def sanitize(metadata: Optional[Mapping], identity: Identity, sealed_with: Optional[str] = None) -> Dict[str, Any]:
    """A copy of the message metadata without the token or any sender-supplied ``client``, plus the verdict.

    ``client`` is ``{"status": ..., "id": ..., "seal": ...}`` when verified (the seal when
    ``sealed_with`` gives the seal of this conversation), ``{"status": ...}`` for the other
    refusals, and absent when no token was given.
    """
    cleaned: Dict[str, Any] = {}
    if isinstance(metadata, Mapping):
        cleaned = {key: value for key, value in metadata.items() if key not in (TOKEN_KEY, CLIENT_KEY)}
    if identity.status != NONE:
        verdict: Dict[str, Any] = {"status": identity.status}
        if identity.status == VERIFIED:
            verdict["id"] = identity.client_id
            if sealed_with is not None:
                verdict[SEAL_KEY] = sealed_with
        cleaned[CLIENT_KEY] = verdict
    return cleaned
