"""Log-in sessions: hashed tokens, absolute and idle expiry, ending them, CSRF, the cookie."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Callable, Optional

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.staff.sessions import (
    ABSOLUTE_LIFETIME,
    IDLE_TIMEOUT,
    Session,
    SessionStore,
    cookie_options,
    csrf_valid,
    token_id,
)
from bot.staff.users import StaffUser, UserStore
from bot.storage.db import staff_sessions, staff_users
from tests.bot.staff.conftest import PASSWORD, T0

AddUser = Callable[..., StaffUser]
MINUTE = dt.timedelta(minutes=1)


def session_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(staff_sessions)).scalar_one()


def test_a_session_identifies_its_user(sessions: SessionStore, add_user: AddUser) -> None:
    user = add_user()
    new = sessions.create(user.id, T0)
    assert len(new.token) >= 43 and len(new.csrf_token) >= 43 and new.token != new.csrf_token
    found = sessions.get(new.token, T0 + MINUTE)
    assert found is not None
    found_user, session = found
    assert found_user == user
    assert session.user_id == user.id and session.csrf_token == new.csrf_token
    assert session.created_at == T0 and session.expires_at == T0 + ABSOLUTE_LIFETIME
    assert new.csrf_token not in repr(session)


def test_every_session_gets_new_tokens(sessions: SessionStore, add_user: AddUser) -> None:
    user = add_user()
    first, second = sessions.create(user.id, T0), sessions.create(user.id, T0)
    assert first.token != second.token and first.csrf_token != second.csrf_token


def test_only_the_tokens_hash_is_stored(sessions: SessionStore, add_user: AddUser, engine: Engine, tmp_path: Path) -> None:
    user = add_user()
    new = sessions.create(user.id, T0)
    with engine.connect() as connection:
        (stored_id,) = connection.execute(sa.select(staff_sessions.c.id)).one()
    assert stored_id == hashlib.sha256(new.token.encode()).hexdigest() == token_id(new.token)
    # Nowhere in the database (including the WAL): a dump of every table has no raw token.
    dump = "\n".join(sqlite3.connect(str(tmp_path / "var" / "staff.db")).iterdump())
    assert stored_id in dump and new.token not in dump
    # A stolen hash is not a cookie.
    assert sessions.get(stored_id, T0) is None


@pytest.mark.parametrize("token", [None, "", "nonsense", "x" * 10_000, "é"])
def test_unknown_or_malformed_tokens_are_no_session(sessions: SessionStore, add_user: AddUser, token: Optional[str]) -> None:
    sessions.create(add_user().id, T0)
    assert sessions.get(token, T0) is None
    assert sessions.delete(token) is False


def test_the_idle_timeout_slides_with_each_request(sessions: SessionStore, add_user: AddUser, engine: Engine) -> None:
    new = sessions.create(add_user().id, T0)
    at = T0
    for _ in range(4):  # 4 x 29 minutes: more than the idle timeout in all, never idle that long
        at += IDLE_TIMEOUT - MINUTE
        assert sessions.get(new.token, at) is not None
    assert sessions.get(new.token, at + IDLE_TIMEOUT) is None
    assert session_rows(engine) == 0  # the expired session is gone
    assert sessions.get(new.token, at + MINUTE) is None


def test_idle_for_exactly_the_timeout_ends_the_session(sessions: SessionStore, add_user: AddUser) -> None:
    new = sessions.create(add_user().id, T0)
    assert sessions.get(new.token, T0 + IDLE_TIMEOUT) is None


def test_last_seen_is_written_at_most_once_a_minute(sessions: SessionStore, add_user: AddUser) -> None:
    new = sessions.create(add_user().id, T0)
    assert sessions.get(new.token, T0 + dt.timedelta(seconds=30))[1].last_seen_at == T0
    assert sessions.get(new.token, T0 + dt.timedelta(seconds=90))[1].last_seen_at == T0 + dt.timedelta(seconds=90)
    assert sessions.get(new.token, T0 + dt.timedelta(seconds=100))[1].last_seen_at == T0 + dt.timedelta(seconds=90)


def test_the_absolute_lifetime_ends_even_an_active_session(sessions: SessionStore, add_user: AddUser) -> None:
    new = sessions.create(add_user().id, T0)
    at = T0
    while at + 10 * MINUTE < T0 + ABSOLUTE_LIFETIME:
        at += 10 * MINUTE
        assert sessions.get(new.token, at) is not None
    assert sessions.get(new.token, T0 + ABSOLUTE_LIFETIME) is None


def test_a_shorter_lifetime_can_be_asked_for(sessions: SessionStore, add_user: AddUser) -> None:
    new = sessions.create(add_user().id, T0, lifetime=dt.timedelta(minutes=5))
    assert sessions.get(new.token, T0 + 4 * MINUTE) is not None
    assert sessions.get(new.token, T0 + 5 * MINUTE) is None
    with pytest.raises(ValueError, match="positive"):
        sessions.create(add_user("kim").id, T0, lifetime=dt.timedelta(0))


def test_log_out_ends_only_that_session(sessions: SessionStore, add_user: AddUser) -> None:
    user = add_user()
    laptop, phone = sessions.create(user.id, T0), sessions.create(user.id, T0)
    assert sessions.delete(laptop.token) is True
    assert sessions.get(laptop.token, T0) is None and sessions.get(phone.token, T0) is not None
    assert sessions.delete(laptop.token) is False


def test_delete_for_user_ends_all_of_theirs_and_no_one_elses(sessions: SessionStore, add_user: AddUser) -> None:
    dana, kim = add_user("dana"), add_user("kim")
    dana_tokens = [sessions.create(dana.id, T0).token for _ in range(3)]
    kims = sessions.create(kim.id, T0).token
    assert sessions.delete_for_user(dana.id) == 3
    assert all(sessions.get(token, T0) is None for token in dana_tokens)
    assert sessions.get(kims, T0) is not None


@pytest.mark.parametrize(
    "change",
    [
        lambda users: users.disable("dana"),
        lambda users: users.set_role("dana", "admissions"),
        lambda users: users.set_password("dana", "another good passphrase"),
    ],
    ids=["disable", "set_role", "set_password"],
)
def test_account_changes_end_the_users_sessions(
    sessions: SessionStore, users: UserStore, add_user: AddUser, engine: Engine, change: Callable[[UserStore], object]
) -> None:
    dana, kim = add_user("dana"), add_user("kim")
    token = sessions.create(dana.id, T0).token
    kims = sessions.create(kim.id, T0).token
    change(users)
    assert session_rows(engine) == 1  # deleted by the change itself, before any request
    assert sessions.get(token, T0) is None
    assert sessions.get(kims, T0) is not None


def test_a_disabled_user_has_no_valid_session_even_if_a_row_is_left(
    sessions: SessionStore, add_user: AddUser, engine: Engine
) -> None:
    user = add_user()
    token = sessions.create(user.id, T0).token
    with engine.begin() as connection:  # disabled by hand, bypassing UserStore.disable
        connection.execute(staff_users.update().values(disabled=True))
    assert sessions.get(token, T0) is None
    with pytest.raises(ValueError, match="no enabled staff user"):
        sessions.create(user.id, T0)


def test_no_session_for_an_unknown_user(sessions: SessionStore) -> None:
    with pytest.raises(ValueError, match="no enabled staff user"):
        sessions.create(404, T0)


def test_purge_expired_removes_only_dead_sessions(sessions: SessionStore, add_user: AddUser, engine: Engine) -> None:
    user = add_user()
    sessions.create(user.id, T0)  # idle from T0
    sessions.create(user.id, T0, lifetime=dt.timedelta(minutes=10))  # short
    alive = sessions.create(user.id, T0 + 20 * MINUTE).token
    assert sessions.purge_expired(T0 + IDLE_TIMEOUT) == 2
    assert session_rows(engine) == 1 and sessions.get(alive, T0 + IDLE_TIMEOUT) is not None


def test_log_in_then_session_end_to_end(sessions: SessionStore, users: UserStore, add_user: AddUser) -> None:
    add_user()
    result = users.authenticate("dana", PASSWORD, T0)
    assert result.ok
    new = sessions.create(result.user.id, T0)
    assert sessions.get(new.token, T0)[0].username == "dana"


# -- CSRF and the cookie ----------------------------------------------------------------------


@pytest.fixture
def session() -> Session:
    return Session(id="x" * 64, user_id=1, csrf_token="c" * 43, created_at=T0, last_seen_at=T0, expires_at=T0)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [("c" * 43, True), ("c" * 42, False), ("c" * 44, False), ("d" * 43, False), ("", False), (None, False), ("é" * 43, False)],
)
def test_csrf_valid(session: Session, submitted: Optional[str], expected: bool) -> None:
    assert csrf_valid(session, submitted) is expected


def test_csrf_is_per_session(sessions: SessionStore, add_user: AddUser) -> None:
    user = add_user()
    first, second = sessions.create(user.id, T0), sessions.create(user.id, T0)
    session = sessions.get(first.token, T0)[1]
    assert csrf_valid(session, first.csrf_token) and not csrf_valid(session, second.csrf_token)


@pytest.mark.parametrize("secure", [True, False])
def test_cookie_options(secure: bool) -> None:
    assert cookie_options(secure) == {
        "httponly": True,
        "samesite": "Lax",
        "path": "/",
        "secure": secure,
        "max_age": 12 * 3600,
    }


def test_cookie_options_are_accepted_by_aiohttp() -> None:
    from aiohttp import web

    response = web.Response()
    response.set_cookie("companion_staff", "token", **cookie_options(True))
    header = response.cookies["companion_staff"].OutputString()
    for part in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age=43200"):
        assert part in header
