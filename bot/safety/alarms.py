"""Pages staff straight from the Rasa process when the database will not take a conversation.

Crisis notifications normally go through the outbox in the database (``bot.safety.notifier``);
when that database is what failed, the outbox cannot be written, so these pages go directly to the
same receiver (ESCALATION_WEBHOOK_URL), signed the same way. A page that cannot be delivered stays
queued in memory and is tried again with every round of the journal's retry loop; the journal
itself is on disk, so after a crash the next start pages again.

Events: ``storage.failed`` (once per outage), ``escalation.unrecorded`` (every crisis turn that had
to be journaled: staff learn of it now, not when the database is back) and ``storage.recovered``.
Like the notifier, the body carries ids and the crisis type, never what the person wrote.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import uuid
from typing import Any, Dict, List, Optional

import aiohttp

from bot.safety.notifier import EVENT_HEADER, IDEMPOTENCY_HEADER, REQUEST_TIMEOUT_SECONDS, SIGNATURE_HEADER, sign
from bot.settings import Settings

log = logging.getLogger(__name__)

STORAGE_FAILED = "storage.failed"
ESCALATION_UNRECORDED = "escalation.unrecorded"
STORAGE_RECOVERED = "storage.recovered"


def page(event: str, **details: Any) -> Dict[str, Any]:
    created = dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return {"id": uuid.uuid4().hex, "event": event, "created_at": created, **details}


class StorageAlarm:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.queued: List[Dict[str, Any]] = []
        self._lock = asyncio.Lock()

    def raise_(self, event: str, **details: Any) -> None:
        """Queues a page; :meth:`send` delivers it."""
        self.queued.append(page(event, **details))

    async def send(self) -> int:
        """Tries every queued page once; returns how many are still undelivered."""
        async with self._lock:  # one sender at a time: a page goes out once
            url = self.settings.escalation_webhook_url
            if url is None:
                for item in self.queued:
                    log.critical("nobody can be paged (ESCALATION_WEBHOOK_URL is not set): %s", json.dumps(item))
                self.queued.clear()
                return 0
            still: List[Dict[str, Any]] = []
            async with aiohttp.ClientSession() as session:
                for item in self.queued:
                    error = await self._post(session, str(url), item)
                    if error is None:
                        log.warning("paged staff: %s (%s)", item["event"], item["id"])
                    else:
                        log.error("could not page staff about %s, will retry: %s", item["event"], error)
                        still.append(item)
            self.queued = still
            return len(still)

    async def _post(self, session: aiohttp.ClientSession, url: str, item: Dict[str, Any]) -> Optional[str]:
        body = json.dumps(item, separators=(",", ":"), sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: item["id"],
            EVENT_HEADER: item["event"],
            SIGNATURE_HEADER: sign(self.settings.escalation_webhook_secret or "", body),
        }
        try:
            timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            async with session.post(url, data=body, headers=headers, timeout=timeout) as response:
                return None if 200 <= response.status < 300 else f"receiver answered HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
