"""`python -m bot meetings ...`: refresh the feeds, show their state, try a search."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Callable

from bot.program.answers import AnswerBook
from bot.settings import Settings


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser = sub.add_parser("meetings", help="the meeting finder's feeds (refresh, status, search)")
    commands = parser.add_subparsers(dest="meetings_command", required=True)
    commands.add_parser("refresh", help="import every source in data/meetings/sources.yml now")
    commands.add_parser("status", help="what each source holds and when it last refreshed")
    search = commands.add_parser("search", help="ask the finder as a person would, e.g. 'NA near 92262 tonight'")
    search.add_argument("text")
    search.add_argument("--at", help="pretend it is this time (ISO 8601 with offset, e.g. 2026-11-28T09:00-08:00)")
    return parser


def run(args: argparse.Namespace, settings: Settings, load_book: Callable[[Path], AnswerBook]) -> int:
    """``load_book``: the answer book with the finder's answers (bot/answer_book.py, which sits
    above every feature)."""
    command = args.meetings_command
    if command == "refresh":
        return _refresh(settings)
    if command == "status":
        return _status(settings)
    return _search(settings, load_book, args.text, args.at)


def _sources(settings: Settings) -> Any:
    """sources.yml, or None after printing what is wrong with it."""
    from bot.meetings.sources import SourcesError, load_sources

    try:
        return load_sources(settings.meeting_sources_path)
    except SourcesError as exc:
        print(exc, file=sys.stderr)
        return None


def check_files(settings: Settings) -> int:
    """Validates sources.yml and parses every file source, storing nothing (`make check-data`)."""
    from bot.meetings.refresh import PARSERS, decode, read_file
    from bot.meetings.sources import FeedError

    sources = _sources(settings)
    if sources is None:
        return 1
    failed = 0
    for source in sources.sources:
        if source.url is not None or not source.enabled:
            print(f"{source.name}: {'disabled' if not source.enabled else 'a URL, fetched by the running service'}")
            continue
        try:
            result = PARSERS[source.format](decode(read_file(source, settings.meetings_dir), source), source)
        except FeedError as exc:
            print(f"{source.name}: unusable: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"{source.name}: {len(result.meetings)} meetings, {len(result.problems)} rows skipped")
        if not result.meetings:
            print(f"{source.name}: no usable meetings", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def _store(settings: Settings) -> Any:
    from bot.meetings.store import MeetingStore
    from bot.storage.db import make_engine
    from bot.storage.schema import migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    return MeetingStore(engine)


def _refresh(settings: Settings) -> int:
    from bot.meetings.refresh import refresh_all

    sources = _sources(settings)
    if sources is None:
        return 1
    reports = asyncio.run(refresh_all(sources, settings.meetings_dir, _store(settings)))
    for report in reports:
        print(report.summary())
        for problem in report.problems:
            print(f"    skipped {problem}")
    failed = [report.source for report in reports if not report.ok]
    if failed:
        print(f"{len(failed)} source(s) failed and kept their last good copy: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _status(settings: Settings) -> int:
    statuses = _store(settings).statuses()
    if not statuses:
        print("No meetings imported yet: run `python -m bot meetings refresh` (the running service does it by itself).")
        return 1
    for status in statuses:
        when = status.last_success_at.isoformat(timespec="seconds") if status.last_success_at else "never"
        line = f"{status.name} ({status.format}, {status.location}): {status.meetings} meetings, {status.rows_skipped} rows skipped, last refreshed {when}"
        if status.last_error:
            line += f"\n    last attempt failed: {status.last_error}"
        print(line)
    return 0


def _search(settings: Settings, load_book: Callable[[Path], AnswerBook], text: str, at: Any) -> int:
    from bot.meetings.finder import MeetingFinder
    from bot.meetings.geo import gazetteer
    from bot.meetings.search import MeetingIndex

    now = dt.datetime.fromisoformat(at) if at else dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        print("--at needs a UTC offset, e.g. 2026-11-28T09:00-08:00", file=sys.stderr)
        return 2
    finder = MeetingFinder(load_book(settings.program_data_dir), MeetingIndex(_store(settings).load()), gazetteer())
    outcome = finder.find(text, now, remembered=None)
    if outcome.ask_place:
        print("The assistant would ask where the person is: add a ZIP code or 'City, ST' to the text.")
    for reply in outcome.replies:
        print(reply.text + "\n")
    return 0
