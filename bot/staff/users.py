"""Staff accounts (table ``staff_users``): add, list, disable, change role or password, log in.

Accounts are disabled, never deleted, so the audit log keeps pointing at them. Disabling a user,
changing their role or their password ends all their sessions in the same transaction. The last
active admin cannot be disabled or demoted (the console would have nobody to manage it; the CLI
can still add a new admin).

Log-in (:meth:`UserStore.authenticate`): after ``MAX_FAILED_LOGINS`` (20) wrong passwords in a
row the account is locked for ``LOCKOUT`` (15 minutes); the counter starts again from zero when the
lock is set, so the next lock needs as many failures again. A success resets the counter. Attempts
while locked are refused without being checked against the password and without extending the
lock. The lock stops guessing spread over many addresses; one address is slowed down long before
(bot/staff/throttle.py), so a stranger who knows a username cannot lock its owner out cheaply.

Each attempt is counted *before* its password is checked, in one transaction with the lock-out
decision (see :meth:`UserStore._claim`), so attempts made in parallel cannot slip past the limit:
at most ``MAX_FAILED_LOGINS`` checks reach the real hash per lock-out window.

Unknown user, disabled account, locked account and wrong password give the caller the same
answer (``AuthResult.ok`` False, :data:`LOGIN_FAILED`), and each costs one argon2 check (a dummy
one for an unknown user). ``AuthResult.reason`` says which it was, for the audit log only.

Nothing here logs: usernames are for the audit log, not the server log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.staff import passwords
from bot.staff.roles import Role, parse_role
from bot.storage.db import staff_sessions, staff_users
from bot.storage.times import from_db as _aware
from bot.storage.times import to_utc as _utc

# NIST SP 800-63B allows up to 100; 20 leaves room for typos while the address throttle does the rest.
MAX_FAILED_LOGINS = 20
LOCKOUT = dt.timedelta(minutes=15)

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
USERNAME_RULE = "2 to 40 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
DISPLAY_NAME_MAX = 120

# What the log-in page says for every failure.
LOGIN_FAILED = (
    "Wrong username or password. After several failed attempts an account is locked for a while; an admin can unlock it."
)


class UserError(Exception):
    """A staff account cannot be changed as asked; the message says why."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def normalise_username(username: object) -> str:
    """The lower-cased, stripped username; UserError when it breaks the rule."""
    if not isinstance(username, str):
        raise UserError("the username must be text")
    name = username.strip().lower()
    if USERNAME_PATTERN.fullmatch(name) is None:
        raise UserError(f"{username!r} is not a valid username: use {USERNAME_RULE}")
    return name


@dataclass(frozen=True)
class StaffUser:
    """A staff account as pages see it. The password hash is deliberately not part of it."""

    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool
    failed_logins: int
    locked_until: Optional[dt.datetime]
    created_at: dt.datetime
    last_login_at: Optional[dt.datetime]

    def locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > _utc(now)


def _user(row: Row) -> StaffUser:
    return StaffUser(
        id=int(row.id),
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        disabled=bool(row.disabled),
        failed_logins=int(row.failed_logins),
        locked_until=_aware(row.locked_until),
        created_at=_aware(row.created_at),
        last_login_at=_aware(row.last_login_at),
    )


@dataclass(frozen=True)
class AuthResult:
    """The outcome of a log-in attempt.

    Show :data:`LOGIN_FAILED` whatever ``reason`` is; ``reason`` (``unknown_user``, ``disabled``,
    ``locked``, ``wrong_password``) and ``locked_now`` (this failure set the lock) are for the audit
    log. ``user`` is set when the account exists, also on failure (for the audit row's user).
    """

    ok: bool
    user: Optional[StaffUser] = None
    reason: Optional[str] = None
    locked_now: bool = False

    @property
    def message(self) -> Optional[str]:
        return None if self.ok else LOGIN_FAILED


class UserStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    # -- reading ---------------------------------------------------------------------------

    def get(self, user_id: int) -> Optional[StaffUser]:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(staff_users).where(staff_users.c.id == user_id)).first()
        return _user(row) if row is not None else None

    def by_username(self, username: str) -> Optional[StaffUser]:
        try:
            name = normalise_username(username)
        except UserError:
            return None
        with self.engine.connect() as connection:
            row = self._row(connection, name)
        return _user(row) if row is not None else None

    def list(self) -> List[StaffUser]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(staff_users).order_by(staff_users.c.username)).all()
        return [_user(row) for row in rows]

    @staticmethod
    def _row(connection: Connection, name: str) -> Optional[Row]:
        return connection.execute(sa.select(staff_users).where(staff_users.c.username == name)).first()

    # -- changing --------------------------------------------------------------------------

    def add(
        self,
        username: str,
        display_name: str,
        role: Union[Role, str],
        password: str,
        now: Optional[dt.datetime] = None,
    ) -> StaffUser:
        name = normalise_username(username)
        display = _display_name(display_name)
        role = _role(role)
        passwords.check_policy(password, name)
        password_hash = passwords.hash_password(password)
        try:
            with self.engine.begin() as connection:
                if self._row(connection, name) is not None:
                    raise UserError(f"a user named {name!r} already exists")
                result = connection.execute(
                    staff_users.insert().values(
                        username=name,
                        display_name=display,
                        role=role.value,
                        password_hash=password_hash,
                        disabled=False,
                        failed_logins=0,
                        created_at=_utc(now or _now()),
                    )
                )
                user_id = int(result.inserted_primary_key[0])
        except IntegrityError:  # added by another process between the check and the insert
            raise UserError(f"a user named {name!r} already exists") from None
        user = self.get(user_id)
        assert user is not None
        return user

    def disable(self, username: str) -> StaffUser:
        """Disables the account and ends its sessions (idempotent)."""
        with self.engine.begin() as connection:
            row = self._existing(connection, username)
            if row.role == Role.ADMIN.value and not row.disabled:
                self._not_last_admin(connection, row, "disable")
            connection.execute(staff_users.update().where(staff_users.c.id == row.id).values(disabled=True))
            _end_sessions(connection, row.id)
        return self._reload(row.id)

    def enable(self, username: str) -> StaffUser:
        """Enables the account again and lifts a lock-out (also an admin's way to unlock one)."""
        with self.engine.begin() as connection:
            row = self._existing(connection, username)
            connection.execute(
                staff_users.update().where(staff_users.c.id == row.id).values(disabled=False, failed_logins=0, locked_until=None)
            )
        return self._reload(row.id)

    def set_role(self, username: str, role: Union[Role, str]) -> StaffUser:
        """Changes the role and ends the user's sessions (they log in again with the new rights)."""
        role = _role(role)
        with self.engine.begin() as connection:
            row = self._existing(connection, username)
            if row.role == role.value:
                return _user(row)
            if row.role == Role.ADMIN.value and not row.disabled:
                self._not_last_admin(connection, row, "demote")
            connection.execute(staff_users.update().where(staff_users.c.id == row.id).values(role=role.value))
            _end_sessions(connection, row.id)
        return self._reload(row.id)

    def set_password(self, username: str, password: str) -> StaffUser:
        """Sets a new password, lifts a lock-out and ends the user's sessions."""
        with self.engine.connect() as connection:
            name = self._existing(connection, username).username
        passwords.check_policy(password, name)
        password_hash = passwords.hash_password(password)
        with self.engine.begin() as connection:
            row = self._existing(connection, name)
            connection.execute(
                staff_users.update()
                .where(staff_users.c.id == row.id)
                .values(password_hash=password_hash, failed_logins=0, locked_until=None)
            )
            _end_sessions(connection, row.id)
        return self._reload(row.id)

    def _existing(self, connection: Connection, username: str) -> Row:
        name = normalise_username(username)
        row = self._row(connection, name)
        if row is None:
            raise UserError(f"no user named {name!r}")
        return row

    @staticmethod
    def _not_last_admin(connection: Connection, row: Row, verb: str) -> None:
        others = connection.execute(
            sa.select(sa.func.count())
            .select_from(staff_users)
            .where(staff_users.c.role == Role.ADMIN.value, staff_users.c.disabled.is_(False), staff_users.c.id != row.id)
        ).scalar_one()
        if not others:
            raise UserError(f"cannot {verb} {row.username!r}: it is the last active admin (add another admin first)")

    def _reload(self, user_id: int) -> StaffUser:
        user = self.get(user_id)
        assert user is not None
        return user

    # -- logging in ------------------------------------------------------------------------

    def authenticate(self, username: str, password: str, now: dt.datetime) -> AuthResult:
        """Checks a log-in attempt at ``now`` and updates the lock-out counter (see the module doc)."""
        now = _utc(now)
        try:
            name = normalise_username(username)
        except UserError:
            name = None
        claim = self._claim(name, now) if name is not None else None
        if claim is None:
            passwords.dummy_verify(password)
            return AuthResult(ok=False, reason="unknown_user")
        row, granted, locked_now = claim
        user = _user(row)
        if not granted:
            passwords.dummy_verify(password)  # same cost; the lock is not extended
            return AuthResult(ok=False, user=user, reason="disabled" if user.disabled else "locked")

        # The argon2 check happens outside any transaction: it takes a while, and SQLite has one writer.
        if not passwords.verify_password(row.password_hash, password):
            return AuthResult(ok=False, user=self._reload(user.id), reason="wrong_password", locked_now=locked_now)

        values: Dict[str, object] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if passwords.needs_rehash(row.password_hash):
            values["password_hash"] = passwords.hash_password(password)
        with self.engine.begin() as connection:
            # Only if the hash is still the one checked: a concurrent set_password wins.
            updated = connection.execute(
                staff_users.update()
                .where(
                    staff_users.c.id == user.id,
                    staff_users.c.password_hash == row.password_hash,
                    staff_users.c.disabled.is_(False),
                )
                .values(**values)
            ).rowcount
        if not updated:
            return AuthResult(
                ok=False, user=self.get(user.id), reason="disabled" if self._disabled(user.id) else "wrong_password"
            )
        return AuthResult(ok=True, user=self._reload(user.id))

    def _claim(self, name: str, now: dt.datetime) -> Optional[Tuple[Row, bool, bool]]:
        """Counts an attempt at ``name``'s password before it is checked: (row, granted, locked_now).

        None for an unknown user. ``granted`` False: disabled or locked, nothing counted. The
        attempt that reaches the limit sets the lock in the same transaction, so every later one is
        refused even while the earlier checks are still running; a success lifts it again. The
        conditional ``failed_logins + 1`` takes the row's write lock (SQLite: the database's; on
        PostgreSQL concurrent updates of the row wait and re-check the condition), and the read
        after it in the same transaction sees this attempt's count and no other's (SQLAlchemy 1.4
        has no RETURNING on SQLite).
        """
        still_open = sa.or_(staff_users.c.locked_until.is_(None), staff_users.c.locked_until <= now)
        with self.engine.begin() as connection:
            granted = bool(
                connection.execute(
                    staff_users.update()
                    .where(staff_users.c.username == name, staff_users.c.disabled.is_(False), still_open)
                    .values(failed_logins=staff_users.c.failed_logins + 1)
                ).rowcount
            )
            row = self._row(connection, name)
            if row is None:
                return None
            locked_now = granted and row.failed_logins >= MAX_FAILED_LOGINS
            if locked_now:
                connection.execute(
                    staff_users.update().where(staff_users.c.id == row.id).values(failed_logins=0, locked_until=now + LOCKOUT)
                )
        return row, granted, locked_now

    def _disabled(self, user_id: int) -> bool:
        user = self.get(user_id)
        return user is None or user.disabled


def _display_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UserError("the display name must not be blank")
    name = " ".join(value.split())
    if len(name) > DISPLAY_NAME_MAX:
        raise UserError(f"the display name is too long (at most {DISPLAY_NAME_MAX} characters)")
    return name


def _role(value: Union[Role, str]) -> Role:
    try:
        return parse_role(value)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _end_sessions(connection: Connection, user_id: int) -> int:
    return int(connection.execute(staff_sessions.delete().where(staff_sessions.c.user_id == user_id)).rowcount)
