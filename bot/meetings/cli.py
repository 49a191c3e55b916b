"""`python -m bot meetings ...`: refresh the feeds, show their state, try a search, rebuild the demo."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from typing import Any

from bot.settings import Settings


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser = sub.add_parser("meetings", help="the meeting finder's feeds (refresh, status, search, demo-data)")
    commands = parser.add_subparsers(dest="meetings_command", required=True)
    commands.add_parser("refresh", help="import every source in data/meetings/sources.yml now")
    commands.add_parser("status", help="what each source holds and when it last refreshed")
    search = commands.add_parser("search", help="ask the finder as a person would, e.g. 'NA near 92262 tonight'")
    search.add_argument("text")
    search.add_argument("--at", help="pretend it is this time (ISO 8601 with offset, e.g. 2026-11-28T09:00-08:00)")
    demo = commands.add_parser("demo-data", help="regenerate the demo feeds in data/meetings/demo/")
    demo.add_argument("--seed", type=int, default=2026)
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.meetings_command
    if command == "refresh":
        return _refresh(settings)
    if command == "status":
        return _status(settings)
    if command == "search":
        return _search(settings, args.text, args.at)
    return _demo(settings, args.seed)


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
    from bot.storage.db import create_tables, make_engine

    engine = make_engine(settings.database)
    create_tables(engine)
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


def _search(settings: Settings, text: str, at: Any) -> int:
    from bot.meetings.finder import MeetingFinder
    from bot.meetings.geo import gazetteer
    from bot.meetings.search import MeetingIndex
    from bot.program.loader import load_answer_book

    now = dt.datetime.fromisoformat(at) if at else dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        print("--at needs a UTC offset, e.g. 2026-11-28T09:00-08:00", file=sys.stderr)
        return 2
    finder = MeetingFinder(load_answer_book(settings.program_data_dir), MeetingIndex(_store(settings).load()), gazetteer())
    outcome = finder.find(text, now, remembered=None)
    if outcome.ask_place:
        print("The assistant would ask where the person is: add a ZIP code or 'City, ST' to the text.")
    for reply in outcome.replies:
        print(reply.text + "\n")
    return 0


def _demo(settings: Settings, seed: int) -> int:
    from bot.meetings.demo import write_demo

    for name, rows in write_demo(settings.meetings_dir / "demo", seed=seed).items():
        print(f"{name}: {rows} rows")
    return 0
