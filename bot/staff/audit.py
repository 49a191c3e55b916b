"""The audit log (table ``audit_log``): who viewed, exported or changed what, and when. Admin only.

Record every transcript view, export, acknowledgement, status change, account change and failed
log-in. Actions are dotted lower-case names; the usual ones are the constants below. The row keeps
the username as it was, so it reads right after the account is disabled. ``user`` None means the
command line (``detail`` then says "via CLI") or a log-in attempt for an unknown username (whose
attempted name is *not* kept: people type their password in the username field).

``detail`` is a short note (at most ``DETAIL_MAX`` characters, one line) such as "new -> contacted"
or "role clinician, via CLI", never message content: e-mail addresses and runs of 7 or more
digits (phone numbers) are replaced by ``[removed]`` as a last line of defence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.staff.users import StaffUser, _aware, _utc
from bot.storage.db import audit_log

TRANSCRIPT_VIEW = "transcript.view"
CLIENT_VIEW = "client.view"  # a client page is a treatment record
LEADS_EXPORT = "leads.export"
LEAD_STATUS = "lead.status"
ESCALATION_ACKNOWLEDGE = "escalation.acknowledge"
ESCALATION_RESOLVE = "escalation.resolve"
LOGIN = "login.ok"
LOGIN_FAILED = "login.failed"
LOGIN_LOCKED = "login.locked"
LOGOUT = "logout"
USER_ADD = "user.add"
USER_DISABLE = "user.disable"
USER_ENABLE = "user.enable"
USER_ROLE = "user.role"
USER_PASSWORD = "user.password"
LIVE_AVAILABLE = "live.available"  # detail: on / off
LIVE_TAKE = "live.take"  # a staff member took over a conversation
LIVE_MESSAGE = "live.message"  # sent a message in it (never its text)
LIVE_RETURN = "live.return"  # handed it back to the assistant
LIVE_CLOSE = "live.close"
REVIEW_LABEL = "review.label"  # detail: the decision and intent, never the message
REVIEW_FLAG = "review.flag"  # a message of a transcript sent to the review inbox
REVIEW_EXPORT = "review.export"

ACTION_PATTERN = re.compile(r"[a-z][a-z_]*(\.[a-z][a-z_]*)*")
DETAIL_MAX = 200
MAX_PAGE = 500

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_PHONE = re.compile(r"\+?\d(?:[\s().-]*\d){6,}")


def scrub(detail: Optional[str]) -> Optional[str]:
    """``detail`` on one line, without e-mail addresses or phone-like numbers, at most DETAIL_MAX long."""
    if detail is None:
        return None
    text = " ".join(str(detail).split())
    text = _PHONE.sub("[removed]", _EMAIL.sub("[removed]", text))
    if len(text) > DETAIL_MAX:
        text = text[: DETAIL_MAX - 1] + "…"
    return text or None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    user_id: Optional[int]
    username: Optional[str]
    action: str
    target_type: Optional[str]
    target_id: Optional[str]
    detail: Optional[str]


class AuditLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def record(
        self,
        user: Optional[StaffUser],
        action: str,
        target_type: Optional[str] = None,
        target_id: Optional[object] = None,
        detail: Optional[str] = None,
        at: Optional[dt.datetime] = None,
        connection: Optional[Connection] = None,
    ) -> int:
        """Writes one entry; its id. Pass ``connection`` to write it in the change's own transaction."""
        if not isinstance(action, str) or len(action) > 40 or ACTION_PATTERN.fullmatch(action) is None:
            raise ValueError(f"{action!r} is not an audit action: use dotted lower-case words, e.g. transcript.view")
        if target_type is not None and (not isinstance(target_type, str) or len(target_type) > 40):
            raise ValueError("target_type must be a short name, e.g. conversation")
        values = {
            "at": _utc(at or dt.datetime.now(dt.timezone.utc)),
            "user_id": user.id if user is not None else None,
            "username": user.username if user is not None else None,
            "action": action,
            "target_type": target_type,
            "target_id": None if target_id is None else str(target_id)[:255],
            "detail": scrub(detail),
        }
        if connection is not None:
            return int(connection.execute(audit_log.insert().values(**values)).inserted_primary_key[0])
        with self.engine.begin() as own:
            return int(own.execute(audit_log.insert().values(**values)).inserted_primary_key[0])

    def list(self, limit: int = 50, offset: int = 0, action: Optional[str] = None) -> Tuple[List[AuditEntry], int]:
        """A page of entries, newest first, and how many there are in all (with the filter).

        ``action``: only that action; one ending in "." (e.g. ``"user."``) takes every action under it.
        """
        limit = max(1, min(int(limit), MAX_PAGE))
        offset = max(0, int(offset))
        condition = sa.true()
        if action:
            if action.endswith("."):
                condition = audit_log.c.action.startswith(action, autoescape=True)
            else:
                condition = audit_log.c.action == action
        query = (
            sa.select(audit_log)
            .where(condition)
            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as connection:
            total = connection.execute(sa.select(sa.func.count()).select_from(audit_log).where(condition)).scalar_one()
            rows = connection.execute(query).all()
        entries = [
            AuditEntry(
                id=int(row.id),
                at=_aware(row.at),
                user_id=row.user_id,
                username=row.username,
                action=row.action,
                target_type=row.target_type,
                target_id=row.target_id,
                detail=row.detail,
            )
            for row in rows
        ]
        return entries, int(total)
