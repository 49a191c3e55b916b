"""Signed chat tokens for enrolled clients: JWT, HS256, made by `python -m bot clients token`.

The website hands the token to the chat, which sends it with every message as
``metadata.client_token``; bot/clients/identity.py checks it. Tokens are secrets: never log one
(nothing here puts a token, or any part of one, in a message or a log line).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from typing import Any, Optional

import jwt

from bot.clients.store import valid_id

ISSUER = "recovery-companion"
AUDIENCE = "companion-chat"
ALGORITHM = "HS256"
LEEWAY = dt.timedelta(seconds=30)
MAX_TOKEN_LENGTH = 4096
MIN_KEY_BYTES = 32  # RFC 7518 3.2: at least the size of the hash
REQUIRED_CLAIMS = ("iss", "aud", "sub", "iat", "exp", "jti")

log = logging.getLogger(__name__)


class TokenRefused(Exception):
    """The token cannot identify anyone. ``reason`` is "expired" or "invalid"."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"client token refused: {reason}" + (f" ({detail})" if detail else ""))
        self.reason = reason
        self.detail = detail


def _check_key(key: str) -> None:
    if not isinstance(key, str) or len(key.encode()) < MIN_KEY_BYTES:
        raise ValueError(f"the client token key must be a string of at least {MIN_KEY_BYTES} bytes")


def _now(now: Optional[dt.datetime]) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def expiry(now: dt.datetime, lifetime: dt.timedelta) -> dt.datetime:
    """When a token issued at ``now`` for ``lifetime`` expires (its ``exp``, whole seconds)."""
    issued = int(_now(now).timestamp())
    return dt.datetime.fromtimestamp(issued + max(1, int(lifetime.total_seconds())), dt.timezone.utc)


def issue(client_id: str, key: str, lifetime: dt.timedelta, now: Optional[dt.datetime] = None) -> str:
    """A token naming ``client_id``, valid from ``now`` for ``lifetime``."""
    if not valid_id(client_id):
        raise ValueError("not a valid client id")
    _check_key(key)
    if lifetime <= dt.timedelta(0):
        raise ValueError("the lifetime must be positive")
    now = _now(now)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": client_id,
        "iat": int(now.timestamp()),
        "exp": int(expiry(now, lifetime).timestamp()),
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"typ": "JWT"})


def _numeric_date(claims: dict, name: str) -> float:
    value: Any = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TokenRefused("invalid", f"{name} is not a NumericDate")
    return float(value)


def verify(token: str, key: str, now: Optional[dt.datetime] = None) -> str:
    """The client id the token names, or TokenRefused ("expired" or "invalid").

    The signature, algorithm, issuer, audience and claim types are checked by PyJWT; the times are
    checked here against ``now`` (PyJWT would use the real clock), with a 30-second leeway.
    "expired" is only ever said of a token that is otherwise valid.
    """
    _check_key(key)
    current = _now(now).timestamp()
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenRefused("invalid", "not a token")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={
                "verify_signature": True,
                "verify_exp": False,  # checked below against `now`
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": True,
                "verify_iss": True,
                "verify_sub": True,
                "verify_jti": True,
                "strict_aud": True,
                "require": list(REQUIRED_CLAIMS),
            },
        )
    except jwt.PyJWTError as exc:
        raise TokenRefused("invalid", type(exc).__name__) from None
    except (ValueError, TypeError, KeyError, RecursionError) as exc:  # hostile input must never escape as a crash
        raise TokenRefused("invalid", type(exc).__name__) from None
    if not isinstance(claims, dict):
        raise TokenRefused("invalid", "claims are not an object")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not valid_id(subject):  # valid_id checks it too; this tells mypy
        raise TokenRefused("invalid", "sub is not a client id")
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise TokenRefused("invalid", "jti missing")
    leeway = LEEWAY.total_seconds()
    issued_at = _numeric_date(claims, "iat")
    expires_at = _numeric_date(claims, "exp")
    if expires_at <= issued_at:
        raise TokenRefused("invalid", "exp is not after iat")
    if issued_at > current + leeway:
        raise TokenRefused("invalid", "issued in the future")
    if "nbf" in claims and _numeric_date(claims, "nbf") > current + leeway:
        raise TokenRefused("invalid", "not yet valid")
    if expires_at <= current - leeway:
        raise TokenRefused("expired")
    return subject
