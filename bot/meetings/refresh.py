"""Import every source in sources.yml: read or fetch, parse, normalise, store; one log line each.

A broken row is reported with its source and position and skipped. A broken source (unreachable,
not JSON, not a list, or not one usable row) keeps its last good copy and records the error.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set

import aiohttp

from bot.meetings.feeds import bmlt, meeting_guide
from bot.meetings.sources import FeedError, FeedFormat, ParseResult, RowProblem, Source, SourceList, SourcesError, load_sources
from bot.meetings.store import MeetingStore, SourceStatus, utcnow

log = logging.getLogger(__name__)

PARSERS: Dict[FeedFormat, Callable[[Any, Source], ParseResult]] = {
    FeedFormat.meeting_guide: meeting_guide.parse,
    FeedFormat.bmlt: bmlt.parse,
}
PROBLEMS_LOGGED_PER_SOURCE = 10
# A source whose last refresh failed is tried again sooner than the regular interval.
RETRY_FAILED_AFTER = dt.timedelta(minutes=15)
LOOP_CEILING_SECONDS = 300.0  # look again at least this often: sources.yml may have changed


@dataclass(frozen=True)
class FetchPolicy:
    timeout_seconds: float = 20.0
    attempts: int = 3
    first_retry_seconds: float = 1.0  # doubled for each further attempt


@dataclass
class SourceReport:
    source: str
    ok: bool
    meetings: int = 0
    problems: List[RowProblem] = field(default_factory=list)
    error: Optional[str] = None
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.ok:
            return f"{self.source}: FAILED, kept the last good copy: {self.error}"
        skipped = f", {len(self.problems)} rows skipped" if self.problems else ""
        return f"{self.source}: {self.meetings} meetings{skipped} ({self.seconds:.1f} s)"


class _Retryable(Exception):
    pass


async def _fetch_once(session: aiohttp.ClientSession, source: Source, policy: FetchPolicy) -> str:
    timeout = aiohttp.ClientTimeout(total=policy.timeout_seconds)
    try:
        async with session.get(str(source.url), timeout=timeout, headers={"Accept": "application/json"}) as response:
            if response.status == 429 or response.status >= 500:
                raise _Retryable(f"HTTP {response.status} from {source.url}")
            if response.status >= 400:
                raise FeedError(f"HTTP {response.status} from {source.url}: check the URL in sources.yml")
            try:
                return await response.text()
            except UnicodeDecodeError as exc:
                raise FeedError(
                    f"the answer from {source.url} is not {exc.encoding} text: {exc.reason} at byte {exc.start}"
                ) from exc
    except asyncio.TimeoutError:
        raise _Retryable(f"no answer from {source.url} within {policy.timeout_seconds:g} s") from None
    except aiohttp.ClientError as exc:
        raise _Retryable(f"cannot reach {source.url}: {exc.__class__.__name__}: {exc}") from exc


async def fetch(session: aiohttp.ClientSession, source: Source, policy: FetchPolicy) -> str:
    """The feed's body, retrying timeouts, connection errors, 429 and 5xx with back-off."""
    delay = policy.first_retry_seconds
    for attempt in range(1, policy.attempts + 1):
        try:
            return await _fetch_once(session, source, policy)
        except _Retryable as exc:
            if attempt == policy.attempts:
                raise FeedError(f"{exc} (after {attempt} attempts)") from exc
            log.warning("%s: attempt %d failed (%s); retrying in %.0f s", source.name, attempt, exc, delay)
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def read_file(source: Source, data_dir: Path) -> str:
    path = source.path if source.path is not None and source.path.is_absolute() else data_dir / str(source.path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FeedError(f"file {path} does not exist: check 'path' in sources.yml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedError(f"cannot read {path}: {exc}") from exc


def decode(body: str, source: Source) -> Any:
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        start = body.lstrip()[:40].replace("\n", " ")
        raise FeedError(f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); it starts with {start!r}") from exc


async def refresh_source(
    source: Source,
    data_dir: Path,
    store: MeetingStore,
    session: Optional[aiohttp.ClientSession],
    policy: FetchPolicy = FetchPolicy(),
) -> SourceReport:
    began = time.monotonic()
    try:
        if source.url is not None:
            if session is None:
                raise FeedError("no HTTP session to fetch with")
            body = await fetch(session, source, policy)
        else:
            body = await asyncio.to_thread(read_file, source, data_dir)
        result = PARSERS[source.format](decode(body, source), source)
        if not result.meetings:
            raise FeedError(
                f"no usable meetings in {len(result.problems)} rows" if result.problems else "the feed lists no meetings"
            )
    except Exception as exc:  # a FeedError, or a bug that must not stop the other sources
        unexpected = not isinstance(exc, FeedError)
        error = f"unexpected error: {exc.__class__.__name__}: {exc}" if unexpected else str(exc)
        report = SourceReport(source.name, ok=False, error=error, seconds=time.monotonic() - began)
        await asyncio.to_thread(store.record_failure, source, error)
        log.error("meetings: %s", report.summary(), exc_info=unexpected)
        return report
    await asyncio.to_thread(store.replace, source, result.meetings, len(result.problems))
    report = SourceReport(
        source.name, ok=True, meetings=len(result.meetings), problems=result.problems, seconds=time.monotonic() - began
    )
    log.info("meetings: %s", report.summary())
    for problem in result.problems[:PROBLEMS_LOGGED_PER_SOURCE]:
        log.warning("meetings: skipped %s", problem)
    if len(result.problems) > PROBLEMS_LOGGED_PER_SOURCE:
        log.warning("meetings: %s: %d more rows skipped", source.name, len(result.problems) - PROBLEMS_LOGGED_PER_SOURCE)
    return report


async def refresh_all(
    sources: SourceList,
    data_dir: Path,
    store: MeetingStore,
    session: Optional[aiohttp.ClientSession] = None,
    policy: FetchPolicy = FetchPolicy(),
    only: Optional[Set[str]] = None,
) -> List[SourceReport]:
    """Refreshes the enabled sources (all, or ``only`` these) concurrently; drops unlisted ones."""
    enabled = [source for source in sources.sources if source.enabled]
    chosen = [source for source in enabled if only is None or source.name in only]
    own_session = session is None and any(source.url is not None for source in chosen)
    if own_session:
        session = aiohttp.ClientSession()
    try:
        reports = await asyncio.gather(*(refresh_source(s, data_dir, store, session, policy) for s in chosen))
    finally:
        if own_session and session is not None:
            await session.close()
    gone = await asyncio.to_thread(store.remove_sources_except, [source.name for source in enabled])
    for name in gone:
        log.info("meetings: %s: removed (no longer an enabled source in sources.yml)", name)
    return list(reports)


def due_sources(sources: SourceList, statuses: List[SourceStatus], now: dt.datetime) -> Dict[str, dt.datetime]:
    """When each enabled source is next due: never refreshed or changed location means now."""
    interval = dt.timedelta(hours=sources.refresh_hours)
    known = {status.name: status for status in statuses}
    due: Dict[str, dt.datetime] = {}
    for source in sources.sources:
        if not source.enabled:
            continue
        status = known.get(source.name)
        if status is None or status.last_attempt_at is None or status.location != source.where:
            due[source.name] = now
        elif status.last_error:
            due[source.name] = status.last_attempt_at + min(interval, RETRY_FAILED_AFTER)
        else:
            due[source.name] = status.last_attempt_at + interval
    return due


async def refresh_periodically(sources_path: Path, data_dir: Path, store: MeetingStore, session: aiohttp.ClientSession) -> None:
    """The running service's refresher: sources that are due, as they fall due, for ever.

    sources.yml is read again each round, so an edit takes effect without a restart; an invalid
    edit is logged and the last good list stays in use.
    """
    sources: Optional[SourceList] = None
    while True:
        try:
            sources = await asyncio.to_thread(load_sources, sources_path)
        except SourcesError as exc:
            log.error("meetings: %s", exc)
        wait = LOOP_CEILING_SECONDS
        if sources is not None:
            try:
                wait = min(wait, await _refresh_due(sources, data_dir, store, session))
            except Exception:  # the database, say: log it and try again, never end the loop
                log.exception("meetings: the refresh round failed; trying again in %g s", wait)
        await asyncio.sleep(wait)


async def _refresh_due(sources: SourceList, data_dir: Path, store: MeetingStore, session: aiohttp.ClientSession) -> float:
    """Refreshes the sources that are due (and drops unlisted ones); seconds until the next is due."""
    now = utcnow()
    statuses = await asyncio.to_thread(store.statuses)
    due = due_sources(sources, statuses, now)
    ready = {name for name, at in due.items() if at <= now}
    if ready or {status.name for status in statuses} - set(due):
        await refresh_all(sources, data_dir, store, session, only=ready)
        due = due_sources(sources, await asyncio.to_thread(store.statuses), utcnow())
    if not due:
        return LOOP_CEILING_SECONDS
    return max(1.0, (min(due.values()) - utcnow()).total_seconds())
