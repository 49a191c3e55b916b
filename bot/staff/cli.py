"""`python -m bot users ...`: the staff console's accounts (add, list, disable, enable, set-role, set-password).

The first admin::

    python -m bot users add admin --name "Site Admin" --role admin

asks for the password twice when run in a terminal. In a script, pipe ONE line::

    echo "$PASSWORD" | python -m bot users add dana --name "Dana Reyes" --role clinician

Every change is written to the audit log (no user: "via CLI"). Exit status 0 when done, 1 when the
request was refused (the message on stderr says why).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from typing import Any, Optional

from bot.settings import Settings
from bot.staff.roles import ROLES

VIA_CLI = "via CLI"


class _Refused(Exception):
    """The command cannot go on; the message is for the user."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser = sub.add_parser("users", help="staff console accounts (add, list, disable, enable, set-role, set-password)")
    commands = parser.add_subparsers(dest="users_command", required=True)
    roles = ", ".join(ROLES)
    add = commands.add_parser("add", help="add a staff account (asks for the password, or reads one line from stdin)")
    add.add_argument("username", help="2-40 characters: a-z, 0-9, '.', '_', '-'")
    add.add_argument("--name", required=True, help='the display name, e.g. "Dana Reyes"')
    add.add_argument("--role", required=True, help=f"one of {roles}")
    add.add_argument("--password-stdin", action="store_true", help="read the password as one line from stdin")
    commands.add_parser("list", help="every staff account")
    disable = commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    enable = commands.add_parser("enable", help="enable an account again (also lifts a lock-out)")
    enable.add_argument("username")
    set_role = commands.add_parser("set-role", help="change an account's role and end its sessions")
    set_role.add_argument("username")
    set_role.add_argument("role", help=f"one of {roles}")
    set_password = commands.add_parser("set-password", help="set a new password (ends the account's sessions)")
    set_password.add_argument("username")
    set_password.add_argument("--password-stdin", action="store_true", help="read the password as one line from stdin")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.staff.passwords import PasswordPolicyError
    from bot.staff.users import UserError

    command = args.users_command
    try:
        if command == "list":
            return _list(settings)
        if command == "add":
            return _add(settings, args.username, args.name, args.role, args.password_stdin)
        if command == "disable":
            return _disable(settings, args.username)
        if command == "enable":
            return _enable(settings, args.username)
        if command == "set-role":
            return _set_role(settings, args.username, args.role)
        return _set_password(settings, args.username, args.password_stdin)
    except (UserError, PasswordPolicyError, _Refused) as exc:
        print(f"Refused: {exc}.", file=sys.stderr)
        return 1


def _stores(settings: Settings) -> Any:
    from bot.staff.audit import AuditLog
    from bot.staff.users import UserStore
    from bot.storage.db import make_engine
    from bot.storage.schema import migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    return UserStore(engine), AuditLog(engine)


def _read_password(from_stdin: bool) -> str:
    """Twice with getpass in a terminal; otherwise one line of stdin (without its line break)."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            raise _Refused('no password on stdin (pipe one line, e.g. echo "$PASSWORD" | python -m bot users ...)')
        return password
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise _Refused("the two passwords differ; nothing changed")
    return first


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise _Refused(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def _add(settings: Settings, username: str, name: str, role: str, from_stdin: bool) -> int:
    from bot.staff import audit

    role = _check_role(role)
    users, log = _stores(settings)
    from bot.staff.users import normalise_username

    if users.by_username(normalise_username(username)) is not None:  # say so before asking for a password
        raise _Refused(f"a user named {username.strip().lower()!r} already exists")
    user = users.add(username, name, role, _read_password(from_stdin))
    log.record(None, audit.USER_ADD, "staff_user", user.username, f"role {user.role}, {VIA_CLI}")
    print(f"Added {user.username} ({user.display_name}), role {user.role}.")
    return 0


def _when(value: Optional[dt.datetime]) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "never"


def _list(settings: Settings) -> int:
    users, _ = _stores(settings)
    found = users.list()
    if not found:
        print('There are no staff users yet: add the first admin with `python -m bot users add admin --name "..." --role admin`.')
        return 0
    now = dt.datetime.now(dt.timezone.utc)
    header = ("USERNAME", "NAME", "ROLE", "DISABLED", "LOCKED", "LAST LOGIN (UTC)")
    rows = [
        (
            u.username,
            u.display_name,
            u.role.value,
            "yes" if u.disabled else "no",
            f"until {u.locked_until.strftime('%H:%M')}" if u.locked(now) and u.locked_until else "no",
            _when(u.last_login_at),
        )
        for u in found
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(f"{len(rows)} user{'s' if len(rows) != 1 else ''}")
    return 0


def _disable(settings: Settings, username: str) -> int:
    from bot.staff import audit

    users, log = _stores(settings)
    before = users.by_username(username)
    if before is not None and before.disabled:
        print(f"{before.username} is already disabled: nothing changed.")
        return 0
    user = users.disable(username)
    log.record(None, audit.USER_DISABLE, "staff_user", user.username, VIA_CLI)
    print(f"Disabled {user.username}: they cannot log in, and their sessions have ended.")
    return 0


def _enable(settings: Settings, username: str) -> int:
    from bot.staff import audit

    users, log = _stores(settings)
    user = users.enable(username)
    log.record(None, audit.USER_ENABLE, "staff_user", user.username, VIA_CLI)
    print(f"Enabled {user.username} (and lifted any lock-out).")
    return 0


def _set_role(settings: Settings, username: str, role: str) -> int:
    from bot.staff import audit

    role = _check_role(role)
    users, log = _stores(settings)
    before = users.by_username(username)
    if before is None:
        raise _Refused(f"no user named {username.strip().lower()!r}")
    if before.role.value == role:
        print(f"{before.username} already has the role {role}: nothing changed.")
        return 0
    user = users.set_role(username, role)
    log.record(None, audit.USER_ROLE, "staff_user", user.username, f"{before.role} -> {user.role}, {VIA_CLI}")
    print(f"{user.username} is now {user.role}; their sessions have ended.")
    return 0


def _set_password(settings: Settings, username: str, from_stdin: bool) -> int:
    from bot.staff import audit

    users, log = _stores(settings)
    if users.by_username(username) is None:  # say so before asking for a password
        raise _Refused(f"no user named {username.strip().lower()!r}")
    user = users.set_password(username, _read_password(from_stdin))
    log.record(None, audit.USER_PASSWORD, "staff_user", user.username, VIA_CLI)
    print(f"New password set for {user.username}; their sessions have ended and any lock-out is lifted.")
    return 0
