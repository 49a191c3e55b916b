"""Delivers crisis notifications to staff: the outbox worker of the web app.

Each queued notification is POSTed as JSON to ESCALATION_WEBHOOK_URL (or the backup URL for
reminders, when one is set), signed with HMAC-SHA256 over the exact body bytes
(``X-Companion-Signature: sha256=<hex>``) and carrying its id as ``Idempotency-Key``, so a receiver
that sees a retry of something it already has can ignore it. Until a receiver answers 2xx the
notification stays queued and is retried with exponential back-off; the queue is in the database,
so a restart picks up where the last run stopped. An escalation nobody acknowledged within
ESCALATION_ACK_TIMEOUT_SECONDS is notified again.

The body carries what staff need to act and no more: the escalation and conversation ids, the
crisis type, the time and a link. The person's words go out only with ESCALATION_INCLUDE_TEXT.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import random
from typing import Any, Callable, Dict, List, Optional

import aiohttp
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.safety.escalations import EVENT_REMINDER, as_utc, queue_notification, utcnow
from bot.settings import Settings
from bot.storage.db import escalations, notifications, safety_reviews

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Companion-Signature"
EVENT_HEADER = "X-Companion-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
REQUEST_TIMEOUT_SECONDS = 10.0
BATCH = 50


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(secret: str, body: bytes, header: Optional[str]) -> bool:
    """For receivers: compare in constant time."""
    return bool(header) and hmac.compare_digest(sign(secret, body), header or "")


def backoff_seconds(attempts: int, base: float, ceiling: float, jitter: Callable[[], float] = random.random) -> float:
    """Exponential back-off with up to 25% jitter, so a recovering receiver is not hit all at once."""
    delay = min(ceiling, base * (2 ** max(0, attempts - 1)))
    return delay * (1 + 0.25 * jitter())


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    value = as_utc(value)
    return value.isoformat().replace("+00:00", "Z") if value else None


class Notifier:
    def __init__(self, engine: Engine, settings: Settings, session: aiohttp.ClientSession) -> None:
        self.engine = engine
        self.settings = settings
        self.session = session
        self._warned_unconfigured = False

    # --- database work (run in a thread: the web app's event loop must not block) ----------

    def queue_reminders(self, now: Optional[dt.datetime] = None) -> int:
        """Queue a reminder for each open escalation unacknowledged past the timeout."""
        now = now or utcnow()
        cutoff = now - dt.timedelta(seconds=self.settings.escalation_ack_timeout_seconds)
        pending_reminder = (
            sa.select(notifications.c.id)
            .where(
                notifications.c.escalation_id == escalations.c.id,
                notifications.c.event == EVENT_REMINDER,
                notifications.c.delivered_at.is_(None),
            )
            .exists()
        )
        # The person said it was a false alarm: the escalation waits for review without paging again.
        reported_false_alarm = (
            sa.select(safety_reviews.c.id)
            .where(safety_reviews.c.escalation_id == escalations.c.id, safety_reviews.c.kind == "false_alarm")
            .exists()
        )
        due = sa.select(escalations.c.id).where(
            escalations.c.status == "open",
            ~reported_false_alarm,
            sa.func.coalesce(escalations.c.last_reminder_at, escalations.c.created_at) <= cutoff,
            ~pending_reminder,
        )
        target = "backup" if self.settings.escalation_backup_url else "primary"
        with self.engine.begin() as connection:
            ids = list(connection.execute(due).scalars())
            for escalation_id in ids:
                queue_notification(connection, escalation_id, EVENT_REMINDER, target)
                connection.execute(
                    escalations.update()
                    .where(escalations.c.id == escalation_id)
                    .values(reminders_sent=escalations.c.reminders_sent + 1, last_reminder_at=now)
                )
        for escalation_id in ids:
            log.warning(
                "escalation %s is unacknowledged after %.0f s: notifying again (%s)",
                escalation_id,
                self.settings.escalation_ack_timeout_seconds,
                target,
            )
        return len(ids)

    def due(self, now: Optional[dt.datetime] = None) -> List[Dict[str, Any]]:
        now = now or utcnow()
        # A reminder for an escalation someone acknowledged in the meantime is not sent.
        stale_reminder = sa.and_(notifications.c.event == EVENT_REMINDER, escalations.c.status != "open")
        query = (
            sa.select(notifications)
            .select_from(notifications.join(escalations, notifications.c.escalation_id == escalations.c.id))
            .where(notifications.c.delivered_at.is_(None), notifications.c.next_attempt_at <= now, ~stale_reminder)
            .order_by(notifications.c.created_at)
            .limit(BATCH)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def body_for(self, notification: Dict[str, Any]) -> bytes:
        """The JSON body, made once and stored, so that every retry sends the same signed bytes."""
        if notification.get("body"):
            return str(notification["body"]).encode()
        with self.engine.begin() as connection:
            escalation = connection.execute(
                sa.select(escalations).where(escalations.c.id == notification["escalation_id"])
            ).first()
            payload: Dict[str, Any] = {
                "id": notification["id"],
                "event": notification["event"],
                "created_at": _iso(notification["created_at"]),
                "escalation": {
                    "id": escalation.id,
                    "conversation_id": escalation.conversation_id,
                    "crisis_type": escalation.crisis_type,
                    "status": escalation.status,
                    "created_at": _iso(escalation.created_at),
                    "reminders_sent": escalation.reminders_sent,
                    "link": f"{self.settings.base_url}/api/escalations/{escalation.id}",
                },
            }
            if self.settings.escalation_include_text:
                payload["escalation"]["message"] = escalation.message
            body = json.dumps(payload, separators=(",", ":"), sort_keys=True)
            connection.execute(notifications.update().where(notifications.c.id == notification["id"]).values(body=body))
        return body.encode()

    def mark(
        self, notification: Dict[str, Any], status: Optional[int], error: Optional[str], now: Optional[dt.datetime] = None
    ) -> None:
        now = now or utcnow()
        attempts = int(notification["attempts"]) + 1
        values: Dict[str, Any] = {"attempts": attempts, "last_status": status, "last_error": error}
        if error is None:
            values["delivered_at"] = now
        else:
            wait = backoff_seconds(
                attempts, self.settings.escalation_retry_base_seconds, self.settings.escalation_retry_max_seconds
            )
            values["next_attempt_at"] = now + dt.timedelta(seconds=wait)
        with self.engine.begin() as connection:
            connection.execute(notifications.update().where(notifications.c.id == notification["id"]).values(**values))

    # --- delivery ----------------------------------------------------------------------------

    def _url_for(self, notification: Dict[str, Any]) -> Optional[str]:
        backup = self.settings.escalation_backup_url
        if notification["target"] == "backup" and backup:
            return str(backup)
        url = self.settings.escalation_webhook_url
        return str(url) if url else None

    async def deliver(self, notification: Dict[str, Any]) -> bool:
        url = self._url_for(notification)
        if url is None:
            if not self._warned_unconfigured:
                log.error("crisis notifications are queued but ESCALATION_WEBHOOK_URL is not set: nobody is being paged")
                self._warned_unconfigured = True
            return False
        body = await asyncio.to_thread(self.body_for, notification)
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: notification["id"],
            EVENT_HEADER: notification["event"],
            SIGNATURE_HEADER: sign(self.settings.escalation_webhook_secret or "", body),
        }
        status: Optional[int] = None
        error: Optional[str] = None
        try:
            timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            async with self.session.post(url, data=body, headers=headers, timeout=timeout) as response:
                status = response.status
                if not 200 <= status < 300:
                    error = f"receiver answered HTTP {status}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            error = f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
        await asyncio.to_thread(self.mark, notification, status, error)
        if error is None:
            log.info("notification %s (%s) delivered", notification["id"], notification["event"])
        else:
            log.warning("notification %s (%s) not delivered, will retry: %s", notification["id"], notification["event"], error)
        return error is None

    async def tick(self) -> int:
        """One round: queue due reminders, then try every due notification. Returns deliveries."""
        await asyncio.to_thread(self.queue_reminders)
        delivered = 0
        for notification in await asyncio.to_thread(self.due):
            delivered += await self.deliver(notification)
        return delivered

    async def run_forever(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not stop the pager for good
                log.exception("notification round failed; trying again")
            await asyncio.sleep(self.settings.notifier_poll_seconds)
