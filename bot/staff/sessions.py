"""Staff log-in sessions (table ``staff_sessions``), their CSRF tokens and the cookie's settings.

The browser holds a random token (``secrets.token_urlsafe(32)``, 256 bits); the table holds only
its SHA-256, so a copy of the database cannot be replayed as a cookie. A session ends at the first
of: ``ABSOLUTE_LIFETIME`` (12 h) after log-in, ``IDLE_TIMEOUT`` (30 min) without a request (sliding:
each valid request moves it on), log-out, or the user being disabled, given another role or a new
password (bot/staff/users.py deletes their rows in the same transaction).

Every session has its own CSRF token (another 256 random bits): every form carries it in a hidden
field and every state-changing request (POST) is refused unless :func:`csrf_valid` says it matches.

Cookie (:func:`cookie_options`): HttpOnly (scripts cannot read it), Path=/, Secure when the
console is served over HTTPS, Max-Age the absolute lifetime, and **SameSite=Lax**, not Strict.
Staff reach the console from the links in crisis notifications (a chat tool, e-mail, a pager
app): with Strict the browser would not send the cookie on that cross-site click and a clinician
answering a crisis would land on the log-in page although logged in. Lax still withholds the cookie
from cross-site POSTs, subresources and frames, GET routes change nothing, and every form also
checks the CSRF token, so Lax gives up nothing we rely on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any, Dict, NamedTuple, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.staff.users import StaffUser, _aware, _user, _utc
from bot.storage.db import staff_sessions, staff_users

COOKIE_NAME = "companion_staff"
ABSOLUTE_LIFETIME = dt.timedelta(hours=12)
IDLE_TIMEOUT = dt.timedelta(minutes=30)
# last_seen_at is written at most this often: one write a minute per user, not one per request
# (SQLite has one writer, shared with Rasa). The idle timeout is therefore exact to a minute.
TOUCH_INTERVAL = dt.timedelta(seconds=60)
_MAX_TOKEN_LENGTH = 128  # token_urlsafe(32) is 43 characters; anything far longer is not ours


def token_id(raw_token: str) -> str:
    """The session's id in the table: the SHA-256 (hex) of the cookie's token."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


class NewSession(NamedTuple):
    token: str  # goes into the cookie; never stored
    csrf_token: str  # goes into every form of the session


@dataclass(frozen=True)
class Session:
    id: str
    user_id: int
    csrf_token: str = field(repr=False)
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


class SessionStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def create(self, user_id: int, now: dt.datetime, lifetime: dt.timedelta = ABSOLUTE_LIFETIME) -> NewSession:
        """Starts a session for an enabled user; ValueError for an unknown or disabled one."""
        now = _utc(now)
        if lifetime <= dt.timedelta(0):
            raise ValueError("a session's lifetime must be positive")
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            disabled = connection.execute(
                sa.select(staff_users.c.disabled).where(staff_users.c.id == user_id)
            ).scalar_one_or_none()
            if disabled is None or disabled:
                raise ValueError("no enabled staff user with that id")
            connection.execute(
                staff_sessions.insert().values(
                    id=token_id(token),
                    user_id=user_id,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + lifetime,
                )
            )
        return NewSession(token, csrf)

    def get(self, raw_token: Optional[str], now: dt.datetime) -> Optional[Tuple[StaffUser, Session]]:
        """The user and session of a cookie's token at ``now``, or None when it is not valid.

        A valid one is touched (idle timeout slides); an expired one is deleted.
        """
        now = _utc(now)
        if not isinstance(raw_token, str) or not raw_token or len(raw_token) > _MAX_TOKEN_LENGTH:
            return None
        sid = token_id(raw_token)
        # Both tables have id and created_at: read the session's by column, the user's by label.
        query = (
            sa.select(
                *[c.label(f"s_{c.name}") for c in staff_sessions.c],
                *[c.label(c.name) for c in staff_users.c],
            )
            .select_from(staff_sessions.join(staff_users, staff_users.c.id == staff_sessions.c.user_id))
            .where(staff_sessions.c.id == sid)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        session = Session(
            id=row.s_id,
            user_id=int(row.s_user_id),
            csrf_token=row.s_csrf_token,
            created_at=_aware(row.s_created_at),
            last_seen_at=_aware(row.s_last_seen_at),
            expires_at=_aware(row.s_expires_at),
        )
        user = _user(row)
        if user.disabled or now >= session.expires_at or now - session.last_seen_at >= IDLE_TIMEOUT:
            with self.engine.begin() as connection:
                connection.execute(staff_sessions.delete().where(staff_sessions.c.id == sid))
            return None
        if now - session.last_seen_at >= TOUCH_INTERVAL:
            with self.engine.begin() as connection:
                connection.execute(
                    staff_sessions.update()
                    .where(staff_sessions.c.id == sid, staff_sessions.c.last_seen_at < now)
                    .values(last_seen_at=now)
                )
            session = Session(
                id=session.id,
                user_id=session.user_id,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                last_seen_at=now,
                expires_at=session.expires_at,
            )
        return user, session

    def delete(self, raw_token: Optional[str]) -> bool:
        """Log-out: ends the session of this token; False when there was none."""
        if not isinstance(raw_token, str) or not raw_token or len(raw_token) > _MAX_TOKEN_LENGTH:
            return False
        with self.engine.begin() as connection:
            return connection.execute(staff_sessions.delete().where(staff_sessions.c.id == token_id(raw_token))).rowcount > 0

    def delete_for_user(self, user_id: int) -> int:
        """Ends every session of the user; how many there were."""
        with self.engine.begin() as connection:
            return int(connection.execute(staff_sessions.delete().where(staff_sessions.c.user_id == user_id)).rowcount)

    def purge_expired(self, now: dt.datetime) -> int:
        """Deletes sessions past their absolute or idle limit (housekeeping); how many."""
        now = _utc(now)
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    staff_sessions.delete().where(
                        sa.or_(staff_sessions.c.expires_at <= now, staff_sessions.c.last_seen_at <= now - IDLE_TIMEOUT)
                    )
                ).rowcount
            )


def csrf_valid(session: Session, submitted: Optional[str]) -> bool:
    """Whether the form's token is the session's (constant-time compare)."""
    if not isinstance(submitted, str) or not submitted or not session.csrf_token:
        return False
    return hmac.compare_digest(session.csrf_token.encode("utf-8"), submitted.encode("utf-8"))


def cookie_options(secure: bool) -> Dict[str, Any]:
    """Keyword arguments for aiohttp's ``response.set_cookie(COOKIE_NAME, token, **options)``.

    ``secure``: True when the console is served over HTTPS (PUBLIC_URL or the request says so).
    Log-out: ``response.del_cookie(COOKIE_NAME, path="/")``.
    """
    return {
        "httponly": True,
        "samesite": "Lax",
        "path": "/",
        "secure": bool(secure),
        "max_age": int(ABSOLUTE_LIFETIME.total_seconds()),
    }
