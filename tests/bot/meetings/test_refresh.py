"""The refresher against a real local HTTP server: retries, last good copies, broken rows, removal,
when sources fall due, and the periodic task. Back-off and timeouts are shrunk to hundredths of a second."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional

import aiohttp
import pytest
import sqlalchemy as sa
from aiohttp import web

from bot.meetings import refresh
from bot.meetings.refresh import FetchPolicy, SourceReport, due_sources, refresh_all, refresh_periodically, refresh_source
from bot.meetings.sources import FeedFormat, RowProblem, Source, SourceList
from bot.meetings.store import MeetingStore, SourceStatus
from bot.storage.db import make_engine
from bot.storage.schema import migrate

POLICY = FetchPolicy(timeout_seconds=0.2, attempts=3, first_retry_seconds=0.01)
ZONE = "America/Los_Angeles"
UTC = dt.timezone.utc


# --------------------------------------------------------------------------------------------
# Feeds


def mg_row(slug: str, **more: Any) -> Dict[str, Any]:
    row = {
        "name": f"Meeting {slug}",
        "slug": slug,
        "day": 1,
        "time": "19:00",
        "address": "450 Palm Canyon Drive",
        "city": "Palm Springs",
        "state": "CA",
        "types": ["O", "D"],
    }
    row.update(more)
    return row


def bmlt_row(ident: str, **more: Any) -> Dict[str, Any]:
    row = {
        "id_bigint": ident,
        "weekday_tinyint": "2",
        "venue_type": "1",
        "start_time": "19:00:00",
        "duration_time": "01:30:00",
        "formats": "O,JT",
        "published": "1",
        "meeting_name": f"NA {ident}",
        "location_text": "St. Theresa Parish Hall",
        "location_street": "2800 E Ramon Rd",
        "location_municipality": "Palm Springs",
        "location_province": "CA",
        "latitude": "33.8303",
        "longitude": "-116.5453",
    }
    row.update(more)
    return row


AA_FEED = [mg_row("sunrise"), mg_row("noon", day=[1, 3], time="12:00"), mg_row("late", time="22:30")]
AA_FEED_V2 = [mg_row("sunrise", name="Sunrise (renamed)")]
NA_FEED = {"meetings": [bmlt_row("1187"), bmlt_row("1188", published="0")], "formats": []}
HTML = "<!DOCTYPE html>\n<html><head><title>Site maintenance</title></head><body>Back soon</body></html>"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    hang: bool = False


def ok(payload: Any) -> Answer:
    return Answer(body=json.dumps(payload).encode())


def error(status: int) -> Answer:
    return Answer(status=status, body=b"server error", content_type="text/plain")


HANG = Answer(hang=True)


class FeedServer:
    """Serves /<name> with a script of answers: the n-th request gets the n-th, the last repeats."""

    def __init__(self) -> None:
        self.hits: Counter = Counter()
        self.scripts: Dict[str, List[Answer]] = {}
        self.release = asyncio.Event()
        self.base = ""

    def serve(self, name: str, *answers: Answer) -> None:
        self.scripts[name] = list(answers)
        self.hits[name] = 0

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.hits[name] += 1
        script = self.scripts.get(name) or [Answer(404, b"no such feed", "text/plain")]
        answer = script[min(self.hits[name], len(script)) - 1]
        if answer.hang:
            await self.release.wait()
        return web.Response(status=answer.status, body=answer.body, content_type=answer.content_type)


@pytest.fixture
async def feeds(aiohttp_server) -> AsyncIterator[FeedServer]:  # type: ignore[no-untyped-def]
    server = FeedServer()
    app = web.Application()
    app.router.add_get("/{name}", server.handle)
    running = await aiohttp_server(app)
    server.base = str(running.make_url("")).rstrip("/")
    yield server
    server.release.set()  # lets hanging handlers finish before the server closes


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MeetingStore]:
    engine = make_engine(tmp_path / "var" / "meetings.db")
    migrate(engine)
    yield MeetingStore(engine)
    engine.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "meetings"
    path.mkdir()
    return path


@pytest.fixture(autouse=True)
def _log_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.meetings.refresh")


def web_source(feeds: FeedServer, name: str, format: FeedFormat = FeedFormat.meeting_guide, **more: Any) -> Source:
    return Source(name=name, format=format, url=feeds.url(name), timezone=ZONE, **more)


def file_source(name: str, path: str, format: FeedFormat = FeedFormat.meeting_guide, **more: Any) -> Source:
    return Source(name=name, format=format, path=Path(path), timezone=ZONE, **more)


def summaries(caplog: pytest.LogCaptureFixture, name: str) -> List[logging.LogRecord]:
    """The log lines that sum up one source's refresh ("meetings: <name>: ...")."""
    return [
        record
        for record in caplog.records
        if record.name == "bot.meetings.refresh" and record.getMessage().startswith(f"meetings: {name}: ")
    ]


def summary(caplog: pytest.LogCaptureFixture, name: str) -> logging.LogRecord:
    found = summaries(caplog, name)
    assert len(found) == 1, [record.getMessage() for record in found]
    return found[0]


def status_of(store: MeetingStore, name: str) -> SourceStatus:
    return {status.name: status for status in store.statuses()}[name]


def ids(store: MeetingStore, source: str) -> List[str]:
    return [meeting.id for meeting in store.load() if meeting.source == source]


# --------------------------------------------------------------------------------------------
# Fetching and storing


async def test_meeting_guide_and_bmlt_feeds_are_fetched_and_stored(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.serve("desert-aa", ok(AA_FEED))
    feeds.serve("desert-na", ok(NA_FEED))
    sources = SourceList(sources=[web_source(feeds, "desert-aa"), web_source(feeds, "desert-na", FeedFormat.bmlt)])

    reports = await refresh_all(sources, data_dir, store, session, POLICY)

    assert [(r.source, r.ok, r.meetings, r.problems, r.error) for r in reports] == [
        ("desert-aa", True, 4, [], None),
        ("desert-na", True, 1, [], None),
    ]
    assert ids(store, "desert-aa") == ["desert-aa:late", "desert-aa:noon@1", "desert-aa:noon@3", "desert-aa:sunrise"]
    assert ids(store, "desert-na") == ["desert-na:1187"]  # the unpublished meeting is left out
    na = [m for m in store.load() if m.source == "desert-na"][0]
    assert (na.name, na.day, na.start, na.end, na.fellowship.value) == ("NA 1187", 0, dt.time(19), dt.time(20, 30), "NA")
    assert dict(feeds.hits) == {"desert-aa": 1, "desert-na": 1}
    for name, count in (("desert-aa", 4), ("desert-na", 1)):
        status = status_of(store, name)
        assert (status.meetings, status.rows_skipped, status.last_error, status.location) == (count, 0, None, feeds.url(name))
        record = summary(caplog, name)
        assert record.levelno == logging.INFO
        assert record.getMessage().startswith(f"meetings: {name}: {count} meetings (")


async def test_refresh_all_makes_its_own_session_when_given_none(feeds: FeedServer, store: MeetingStore, data_dir: Path) -> None:
    feeds.serve("desert-aa", ok(AA_FEED))
    [report] = await refresh_all(SourceList(sources=[web_source(feeds, "desert-aa")]), data_dir, store, policy=POLICY)
    assert report.ok and report.meetings == 4


async def test_5xx_twice_then_200_is_retried(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.serve("flaky", error(500), error(503), ok(AA_FEED))
    report = await refresh_source(web_source(feeds, "flaky"), data_dir, store, session, POLICY)
    assert report.ok and report.meetings == 4
    assert feeds.hits["flaky"] == 3
    retries = [r.getMessage().split("; retrying in ")[0] for r in caplog.records if r.levelno == logging.WARNING]
    assert retries == [
        f"flaky: attempt 1 failed (HTTP 500 from {feeds.url('flaky')})",
        f"flaky: attempt 2 failed (HTTP 503 from {feeds.url('flaky')})",
    ]
    assert summary(caplog, "flaky").levelno == logging.INFO
    assert status_of(store, "flaky").last_error is None


async def test_429_is_retried_too(feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path) -> None:
    feeds.serve("busy", error(429), ok(AA_FEED))
    assert (await refresh_source(web_source(feeds, "busy"), data_dir, store, session, POLICY)).ok
    assert feeds.hits["busy"] == 2


async def test_always_500_fails_after_the_attempts_and_keeps_the_last_good_copy(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = web_source(feeds, "desert-aa")
    feeds.serve("desert-aa", ok(AA_FEED))
    assert (await refresh_source(source, data_dir, store, session, POLICY)).ok
    good_meetings, good = store.load(), status_of(store, "desert-aa")
    caplog.clear()

    feeds.serve("desert-aa", error(500))
    report = await refresh_source(source, data_dir, store, session, POLICY)

    assert feeds.hits["desert-aa"] == POLICY.attempts == 3
    expected = f"HTTP 500 from {feeds.url('desert-aa')} (after 3 attempts)"
    assert (report.ok, report.error, report.meetings) == (False, expected, 0)
    assert store.load() == good_meetings
    after = status_of(store, "desert-aa")
    assert after.last_error == expected
    assert (after.meetings, after.last_success_at) == (4, good.last_success_at)
    assert after.last_attempt_at is not None and good.last_attempt_at is not None
    assert after.last_attempt_at > good.last_attempt_at
    record = summary(caplog, "desert-aa")
    assert record.levelno == logging.ERROR
    assert record.getMessage() == f"meetings: desert-aa: FAILED, kept the last good copy: {expected}"

    # Back up: the error is cleared and the new copy replaces the old one.
    feeds.serve("desert-aa", ok(AA_FEED_V2))
    assert (await refresh_source(source, data_dir, store, session, POLICY)).ok
    assert [(m.id, m.name) for m in store.load()] == [("desert-aa:sunrise", "Sunrise (renamed)")]
    assert status_of(store, "desert-aa").last_error is None


async def test_404_is_not_retried(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    report = await refresh_source(web_source(feeds, "moved"), data_dir, store, session, POLICY)
    assert feeds.hits["moved"] == 1
    assert report.error == f"HTTP 404 from {feeds.url('moved')}: check the URL in sources.yml"
    assert status_of(store, "moved").last_error == report.error
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


async def test_a_server_that_never_answers_times_out(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.serve("slow", HANG)
    policy = FetchPolicy(timeout_seconds=0.2, attempts=2, first_retry_seconds=0.01)
    began = time.monotonic()
    report = await refresh_source(web_source(feeds, "slow"), data_dir, store, session, policy)
    assert 0.4 <= time.monotonic() - began < 2.0
    assert feeds.hits["slow"] == 2
    assert report.error == f"no answer from {feeds.url('slow')} within 0.2 s (after 2 attempts)"
    assert summary(caplog, "slow").levelno == logging.ERROR


async def test_unreachable_server_is_retried_and_named(
    session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, unused_tcp_port: int
) -> None:
    source = Source(name="gone", format=FeedFormat.meeting_guide, url=f"http://127.0.0.1:{unused_tcp_port}/feed", timezone=ZONE)
    report = await refresh_source(source, data_dir, store, session, POLICY)
    assert report.error is not None
    assert report.error.startswith(f"cannot reach http://127.0.0.1:{unused_tcp_port}/feed: ClientConnectorError")
    assert report.error.endswith("(after 3 attempts)")


async def test_html_instead_of_json(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.serve("maintenance", Answer(body=HTML.encode(), content_type="text/html"))
    report = await refresh_source(web_source(feeds, "maintenance"), data_dir, store, session, POLICY)
    assert feeds.hits["maintenance"] == 1
    assert report.error == (
        "not JSON (line 1, column 1: Expecting value); it starts with '<!DOCTYPE html> <html><head><title>Site '"
    )
    assert "not JSON" in summary(caplog, "maintenance").getMessage()


async def test_json_that_is_not_a_list(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path
) -> None:
    feeds.serve("odd", ok({"error": "quota exceeded"}))
    report = await refresh_source(web_source(feeds, "odd"), data_dir, store, session, POLICY)
    assert report.error == "odd: expected a JSON list of meetings, got dict"


async def test_a_body_that_is_not_utf8_fails_the_source_only(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.serve("latin1", Answer(body='[{"name": "Caf\u00e9"}]'.encode("latin-1"), content_type="application/json"))
    feeds.serve("desert-aa", ok(AA_FEED))
    sources = SourceList(sources=[web_source(feeds, "latin1"), web_source(feeds, "desert-aa")])
    broken, fine = await refresh_all(sources, data_dir, store, session, POLICY)
    assert fine.ok and fine.meetings == 4
    assert not broken.ok and broken.error is not None
    assert broken.error.startswith(f"the answer from {feeds.url('latin1')} is not utf-8 text")
    assert feeds.hits["latin1"] == 1
    assert summary(caplog, "latin1").levelno == logging.ERROR


async def test_all_rows_broken_keeps_the_last_good_copy(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = web_source(feeds, "desert-aa")
    feeds.serve("desert-aa", ok(AA_FEED))
    await refresh_source(source, data_dir, store, session, POLICY)
    before = store.load()
    caplog.clear()

    feeds.serve("desert-aa", ok([mg_row("a", time="7pm"), mg_row("b", day=9), "not a row"]))
    report = await refresh_source(source, data_dir, store, session, POLICY)
    assert report.error == "no usable meetings in 3 rows"
    assert store.load() == before
    assert status_of(store, "desert-aa").last_error == "no usable meetings in 3 rows"
    assert status_of(store, "desert-aa").meetings == 4
    assert summary(caplog, "desert-aa").getMessage() == (
        "meetings: desert-aa: FAILED, kept the last good copy: no usable meetings in 3 rows"
    )


async def test_an_empty_feed_keeps_the_last_good_copy(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path
) -> None:
    source = web_source(feeds, "desert-aa")
    feeds.serve("desert-aa", ok(AA_FEED), ok([]))
    await refresh_source(source, data_dir, store, session, POLICY)
    report = await refresh_source(source, data_dir, store, session, POLICY)
    assert report.error == "the feed lists no meetings"
    assert len(store.load()) == 4


async def test_one_broken_row_is_reported_and_the_others_stored(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.serve("desert-aa", ok([mg_row("sunrise"), mg_row("broken", time="7pm"), mg_row("late", time="22:30")]))
    report = await refresh_source(web_source(feeds, "desert-aa"), data_dir, store, session, POLICY)

    problem = RowProblem("desert-aa", 1, "broken", "time '7pm' is not a 24-hour time like 19:30")
    assert report.ok and report.problems == [problem]
    assert ids(store, "desert-aa") == ["desert-aa:late", "desert-aa:sunrise"]
    assert (status_of(store, "desert-aa").meetings, status_of(store, "desert-aa").rows_skipped) == (2, 1)
    assert summary(caplog, "desert-aa").getMessage().startswith("meetings: desert-aa: 2 meetings, 1 rows skipped (")
    skipped = [r for r in caplog.records if r.getMessage().startswith("meetings: skipped ")]
    assert [(r.levelno, r.getMessage()) for r in skipped] == [
        (logging.WARNING, "meetings: skipped desert-aa: row 1 (broken): time '7pm' is not a 24-hour time like 19:30")
    ]


async def test_many_broken_rows_log_only_the_first_ten(
    store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [mg_row("good")] + [mg_row(f"bad-{n}", day="Monday") for n in range(13)]
    (data_dir / "aa.json").write_text(json.dumps(rows))
    report = await refresh_source(file_source("desert-aa", "aa.json"), data_dir, store, None, POLICY)
    assert report.meetings == 1 and len(report.problems) == 13
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(messages) == 11
    assert messages[0] == "meetings: skipped desert-aa: row 1 (bad-0): day 'Monday' is not 0 (Sunday) to 6 (Saturday)"
    assert messages[-1] == "meetings: desert-aa: 3 more rows skipped"


async def test_file_sources_are_read_relative_to_the_data_dir(store: MeetingStore, data_dir: Path, tmp_path: Path) -> None:
    (data_dir / "demo").mkdir()
    (data_dir / "demo" / "aa.json").write_text(json.dumps(AA_FEED))
    elsewhere = tmp_path / "na.json"
    elsewhere.write_text(json.dumps(NA_FEED))
    sources = SourceList(
        sources=[file_source("desert-aa", "demo/aa.json"), file_source("desert-na", str(elsewhere), FeedFormat.bmlt)]
    )
    reports = await refresh_all(sources, data_dir, store, policy=POLICY)
    assert [(r.source, r.ok, r.meetings) for r in reports] == [("desert-aa", True, 4), ("desert-na", True, 1)]


async def test_a_missing_file_source_fails_cleanly(store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    report = await refresh_source(file_source("desert-aa", "demo/gone.json"), data_dir, store, None, POLICY)
    assert report.error == f"file {data_dir / 'demo' / 'gone.json'} does not exist: check 'path' in sources.yml"
    assert status_of(store, "desert-aa").last_error == report.error
    assert store.load() == []
    assert summary(caplog, "desert-aa").levelno == logging.ERROR


async def test_a_url_source_without_a_session(store: MeetingStore, data_dir: Path) -> None:
    source = Source(name="desert-aa", format=FeedFormat.meeting_guide, url="https://aa.example/feed", timezone=ZONE)
    report = await refresh_source(source, data_dir, store, None, POLICY)
    assert report.error == "no HTTP session to fetch with"


async def test_a_parser_crash_fails_that_source_not_the_round(
    store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    (data_dir / "aa.json").write_text(json.dumps(AA_FEED))
    (data_dir / "na.json").write_text(json.dumps(NA_FEED))

    def crash(payload: Any, source: Source) -> Any:
        raise KeyError("bug")

    monkeypatch.setitem(refresh.PARSERS, FeedFormat.bmlt, crash)
    sources = SourceList(sources=[file_source("desert-aa", "aa.json"), file_source("desert-na", "na.json", FeedFormat.bmlt)])
    aa, na = await refresh_all(sources, data_dir, store, policy=POLICY)
    assert aa.ok and aa.meetings == 4
    assert (na.ok, na.error) == (False, "unexpected error: KeyError: 'bug'")
    assert status_of(store, "desert-na").last_error == "unexpected error: KeyError: 'bug'"
    record = summary(caplog, "desert-na")
    assert record.levelno == logging.ERROR and record.exc_info is not None


# --------------------------------------------------------------------------------------------
# Removing sources


async def test_a_source_removed_from_the_list_loses_its_meetings(
    store: MeetingStore, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (data_dir / "aa.json").write_text(json.dumps(AA_FEED))
    (data_dir / "na.json").write_text(json.dumps(NA_FEED))
    aa, na = file_source("desert-aa", "aa.json"), file_source("desert-na", "na.json", FeedFormat.bmlt)
    await refresh_all(SourceList(sources=[aa, na]), data_dir, store)
    assert {m.source for m in store.load()} == {"desert-aa", "desert-na"}
    caplog.clear()

    await refresh_all(SourceList(sources=[aa]), data_dir, store)
    assert {m.source for m in store.load()} == {"desert-aa"}
    assert [s.name for s in store.statuses()] == ["desert-aa"]
    assert summary(caplog, "desert-na").getMessage() == (
        "meetings: desert-na: removed (no longer an enabled source in sources.yml)"
    )


async def test_a_disabled_source_loses_its_meetings_and_is_not_fetched(
    feeds: FeedServer, session: aiohttp.ClientSession, store: MeetingStore, data_dir: Path
) -> None:
    feeds.serve("desert-aa", ok(AA_FEED))
    feeds.serve("desert-na", ok(NA_FEED))
    aa, na = web_source(feeds, "desert-aa"), web_source(feeds, "desert-na", FeedFormat.bmlt)
    await refresh_all(SourceList(sources=[aa, na]), data_dir, store, session, POLICY)

    reports = await refresh_all(SourceList(sources=[aa, na.copy(update={"enabled": False})]), data_dir, store, session, POLICY)
    assert [r.source for r in reports] == ["desert-aa"]
    assert feeds.hits["desert-na"] == 1
    assert {m.source for m in store.load()} == {"desert-aa"}


async def test_only_refreshes_the_named_sources_and_keeps_the_others(store: MeetingStore, data_dir: Path) -> None:
    (data_dir / "aa.json").write_text(json.dumps(AA_FEED))
    (data_dir / "na.json").write_text(json.dumps(NA_FEED))
    sources = SourceList(sources=[file_source("desert-aa", "aa.json"), file_source("desert-na", "na.json", FeedFormat.bmlt)])
    await refresh_all(sources, data_dir, store)
    (data_dir / "aa.json").write_text(json.dumps(AA_FEED_V2))
    reports = await refresh_all(sources, data_dir, store, only={"desert-na"})
    assert [r.source for r in reports] == ["desert-na"]
    assert len(ids(store, "desert-aa")) == 4


# --------------------------------------------------------------------------------------------
# When sources fall due


NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def a_status(
    source: Source, attempt: Optional[dt.datetime], error: Optional[str] = None, where: Optional[str] = None
) -> SourceStatus:
    return SourceStatus(
        name=source.name,
        format=source.format.value,
        location=where or source.where,
        meetings=3,
        rows_skipped=0,
        last_attempt_at=attempt,
        last_success_at=None if error else attempt,
        last_error=error,
    )


def test_due_sources() -> None:
    new, ok_, failed, moved, never, off = (
        file_source(name, f"{name}.json") for name in ("new", "ok", "failed", "moved", "never", "off")
    )
    sources = SourceList(sources=[new, ok_, failed, moved, never, off.copy(update={"enabled": False})], refresh_hours=6)
    hour_ago = NOW - dt.timedelta(hours=1)
    statuses = [
        a_status(ok_, hour_ago),
        a_status(failed, hour_ago, error="HTTP 500"),
        a_status(moved, hour_ago, where="https://old.example/feed"),
        a_status(never, None),
        a_status(off, hour_ago),
        a_status(file_source("removed", "removed.json"), hour_ago),
    ]
    assert due_sources(sources, statuses, NOW) == {
        "new": NOW,  # never refreshed
        "ok": hour_ago + dt.timedelta(hours=6),  # refresh_hours after the last attempt
        "failed": hour_ago + dt.timedelta(minutes=15),  # a failed source is tried again sooner
        "moved": NOW,  # its location changed in sources.yml
        "never": NOW,  # a status but no attempt
    }


def test_a_failed_source_is_not_retried_later_than_its_interval() -> None:
    source = file_source("aa", "aa.json")
    sources = SourceList(sources=[source], refresh_hours=0.1)  # 6 minutes
    assert due_sources(sources, [a_status(source, NOW, error="down")], NOW) == {"aa": NOW + dt.timedelta(minutes=6)}


async def test_due_sources_after_real_refreshes(store: MeetingStore, data_dir: Path) -> None:
    (data_dir / "aa.json").write_text(json.dumps(AA_FEED))
    aa, na = file_source("desert-aa", "aa.json"), file_source("desert-na", "missing.json", FeedFormat.bmlt)
    sources = SourceList(sources=[aa, na], refresh_hours=12)
    assert due_sources(sources, store.statuses(), NOW) == {"desert-aa": NOW, "desert-na": NOW}

    await refresh_all(sources, data_dir, store)
    statuses = {s.name: s for s in store.statuses()}
    due = due_sources(sources, store.statuses(), NOW)
    assert due["desert-aa"] == statuses["desert-aa"].last_attempt_at + dt.timedelta(hours=12)  # type: ignore[operator]
    assert due["desert-na"] == statuses["desert-na"].last_attempt_at + dt.timedelta(minutes=15)  # type: ignore[operator]

    moved = SourceList(sources=[aa.copy(update={"path": Path("aa-2.json")}), na], refresh_hours=12)
    assert due_sources(moved, store.statuses(), NOW)["desert-aa"] == NOW


# --------------------------------------------------------------------------------------------
# The periodic task


def write_sources(path: Path, entries: str) -> None:
    path.write_text("refresh_hours: 12\nsources:\n" + entries, encoding="utf-8")


FILE_SOURCES = """\
  - name: desert-aa
    format: meeting_guide
    path: aa.json
    timezone: America/Los_Angeles
  - name: desert-na
    format: bmlt
    path: na.json
    timezone: America/Los_Angeles
"""


async def wait_for(condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def stop(task: "asyncio.Task[None]") -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def test_refresh_periodically_imports_then_cancels_cleanly(
    store: MeetingStore, data_dir: Path, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    (data_dir / "aa.json").write_text(json.dumps(AA_FEED))
    (data_dir / "na.json").write_text(json.dumps(NA_FEED))
    sources_path = data_dir / "sources.yml"
    write_sources(sources_path, FILE_SOURCES)

    task = asyncio.create_task(refresh_periodically(sources_path, data_dir, store, session))
    await wait_for(lambda: len(store.load()) == 5 and len(store.statuses()) == 2)
    await asyncio.sleep(0.05)  # it is now asleep until the sources fall due: nothing more happens
    await stop(task)

    assert [s.last_error for s in store.statuses()] == [None, None]
    assert summary(caplog, "desert-aa").getMessage().startswith("meetings: desert-aa: 4 meetings (")
    assert summary(caplog, "desert-na").getMessage().startswith("meetings: desert-na: 1 meetings (")


async def test_refresh_periodically_picks_up_edits_and_survives_errors(
    store: MeetingStore,
    data_dir: Path,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(refresh, "LOOP_CEILING_SECONDS", 0.05)
    (data_dir / "aa.json").write_text(json.dumps(AA_FEED))
    (data_dir / "na.json").write_text(json.dumps(NA_FEED))
    sources_path = data_dir / "sources.yml"
    sources_path.write_text("sources: [", encoding="utf-8")  # broken from the start: logged, retried

    real_statuses, calls = store.statuses, Counter()

    def statuses_failing_once() -> List[SourceStatus]:
        calls["statuses"] += 1
        if calls["statuses"] == 1:
            raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))
        return real_statuses()

    task = asyncio.create_task(refresh_periodically(sources_path, data_dir, store, session))
    try:
        await wait_for(lambda: any("YAML syntax error" in r.getMessage() for r in caplog.records))
        monkeypatch.setattr(store, "statuses", statuses_failing_once)
        write_sources(sources_path, FILE_SOURCES)
        await wait_for(lambda: len(real_statuses()) == 2)
        assert calls["statuses"] >= 2
        assert any(
            r.levelno == logging.ERROR and r.exc_info and "database is locked" in str(r.exc_info[1]) for r in caplog.records
        )

        # Dropping a source from the file removes its meetings on the next round.
        write_sources(sources_path, FILE_SOURCES.split("  - name: desert-na")[0])
        await wait_for(lambda: [s.name for s in real_statuses()] == ["desert-aa"])
        assert {m.source for m in store.load()} == {"desert-aa"}
        assert not task.done()
    finally:
        await stop(task)


def test_report_summary_reads_cleanly() -> None:
    assert SourceReport("aa", ok=True, meetings=12, seconds=0.31).summary() == "aa: 12 meetings (0.3 s)"
    assert SourceReport("aa", ok=False, error="down").summary() == "aa: FAILED, kept the last good copy: down"
