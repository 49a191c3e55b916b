"""`python -m bot clients ...`: enrol clients, list them, remove them, issue their chat tokens.

`python -m bot clients token <id>` prints only the token on stdout (the expiry goes to stderr), so
`TOKEN=$(python -m bot clients token C-1)` works.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any, List

from bot.settings import Settings

MAX_HOURS = 24 * 90  # as CLIENT_TOKEN_HOURS allows


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser = sub.add_parser("clients", help="enrolled clients and their chat tokens (add, list, remove, token)")
    commands = parser.add_subparsers(dest="clients_command", required=True)
    add = commands.add_parser("add", help="enrol a client")
    add.add_argument("id", help="the center's id for the client, e.g. C-1042")
    add.add_argument("--first-name", required=True)
    add.add_argument("--track", required=True, help="one of the tracks in data/program/tracks.yml")
    add.add_argument("--counselor", required=True)
    commands.add_parser("list", help="every enrolled client")
    remove = commands.add_parser("remove", help="remove a client and the links to their conversations")
    remove.add_argument("id")
    token = commands.add_parser("token", help="print a chat token for a client (only the token, on stdout)")
    token.add_argument("id")
    token.add_argument("--hours", type=float, help="how long it stays valid (default: CLIENT_TOKEN_HOURS)")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.clients_command
    if command == "add":
        return _add(settings, args.id, args.first_name, args.track, args.counselor)
    if command == "list":
        return _list(settings)
    if command == "remove":
        return _remove(settings, args.id)
    return _token(settings, args.id, args.hours)


def _store(settings: Settings) -> Any:
    from bot.clients.store import ClientStore
    from bot.storage.db import make_engine
    from bot.storage.schema import migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    return ClientStore(engine)


def _track_keys(settings: Settings) -> List[str]:
    from bot.program.loader import load_program

    return [track.key for track in load_program(settings.program_data_dir).tracks]


def _add(settings: Settings, client_id: str, first_name: str, track: str, counselor: str) -> int:
    from bot.clients.store import ClientError
    from bot.program.errors import ProgramDataError

    try:
        keys = _track_keys(settings)
    except ProgramDataError as exc:
        print(f"Cannot check the track: the program data is invalid.\n{exc}", file=sys.stderr)
        return 1
    if track not in keys:
        print(f"Unknown track {track!r}. Valid tracks: {', '.join(keys)}", file=sys.stderr)
        return 1
    try:
        client = _store(settings).add(client_id, first_name, track, counselor)
    except ClientError as exc:
        print(f"Cannot add the client: {exc}", file=sys.stderr)
        return 1
    print(f"Added client {client.id}: {client.first_name}, track {client.track}, counselor {client.counselor}.")
    return 0


def _list(settings: Settings) -> int:
    found = _store(settings).list()
    if not found:
        print("There are no clients yet: add one with `python -m bot clients add`.")
        return 0
    header = ("ID", "FIRST NAME", "TRACK", "COUNSELOR", "ADDED (UTC)")
    rows = [(c.id, c.first_name, c.track, c.counselor, c.created_at.strftime("%Y-%m-%d %H:%M")) for c in found]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(f"{len(rows)} client{'s' if len(rows) != 1 else ''}")
    return 0


def _remove(settings: Settings, client_id: str) -> int:
    if _store(settings).remove(client_id):
        print(f"Removed client {client_id} and the links to their conversations; their tokens no longer identify anyone.")
        return 0
    print(f"No client with id {client_id!r}: nothing removed.", file=sys.stderr)
    return 1


def _token(settings: Settings, client_id: str, hours: Any) -> int:
    from bot.clients import tokens

    hours = settings.client_token_hours if hours is None else hours
    if not 0 < hours <= MAX_HOURS:
        print(f"--hours must be more than 0 and at most {MAX_HOURS}.", file=sys.stderr)
        return 1
    if _store(settings).get(client_id) is None:
        print(f"No client with id {client_id!r}: add them first with `python -m bot clients add`.", file=sys.stderr)
        return 1
    now = dt.datetime.now(dt.timezone.utc)
    lifetime = dt.timedelta(hours=hours)
    token = tokens.issue(client_id, settings.client_token_key(), lifetime, now=now)
    expires = tokens.expiry(now, lifetime)
    print(token)
    print(f"Token for {client_id}, valid until {expires.isoformat()} ({hours:g} h).", file=sys.stderr)
    return 0
