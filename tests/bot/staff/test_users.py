"""Staff accounts: adding, changing, and logging in with the lock-out."""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from bot.staff import passwords
from bot.staff.passwords import PasswordPolicyError
from bot.staff.roles import Role
from bot.staff.users import LOCKOUT, LOGIN_FAILED, MAX_FAILED_LOGINS, StaffUser, UserError, UserStore
from bot.storage.db import staff_users
from tests.bot.staff.conftest import PASSWORD, T0

AddUser = Callable[..., StaffUser]
MINUTE = dt.timedelta(minutes=1)


def stored_hash(engine: Engine, username: str) -> str:
    with engine.connect() as connection:
        return connection.execute(sa.select(staff_users.c.password_hash).where(staff_users.c.username == username)).scalar_one()


def fail(users: UserStore, times: int, at: dt.datetime, username: str = "dana") -> None:
    for _ in range(times):
        assert not users.authenticate(username, "wrong password!!", at).ok


# -- accounts ---------------------------------------------------------------------------------


def test_add_stores_a_normalised_account_with_an_argon2id_hash(users: UserStore, engine: Engine) -> None:
    user = users.add("  Dana.Reyes ", "  Dana   Reyes ", "clinician", PASSWORD, now=T0)
    assert (user.username, user.display_name, user.role) == ("dana.reyes", "Dana Reyes", Role.CLINICIAN)
    assert not user.disabled and user.failed_logins == 0 and user.locked_until is None
    assert user.created_at == T0 and user.last_login_at is None
    hashed = stored_hash(engine, "dana.reyes")
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert users.by_username("DANA.REYES") == user == users.get(user.id)


def test_the_password_hash_is_not_part_of_the_user(users: UserStore, engine: Engine, add_user: AddUser) -> None:
    user = add_user()
    hashed = stored_hash(engine, "dana")
    assert hashed not in repr(user) and "argon2" not in repr(user)
    assert not hasattr(user, "password_hash")


@pytest.mark.parametrize(
    ("username", "name", "role", "password", "error", "message"),
    [
        ("d", "Dana", "clinician", PASSWORD, UserError, "not a valid username"),
        ("-dana", "Dana", "clinician", PASSWORD, UserError, "not a valid username"),
        ("dana reyes", "Dana", "clinician", PASSWORD, UserError, "not a valid username"),
        ("d" * 41, "Dana", "clinician", PASSWORD, UserError, "not a valid username"),
        ("dana\n", "Dana", "clinician", PASSWORD, None, None),  # stripped: allowed
        ("dana", "  ", "clinician", PASSWORD, UserError, "display name must not be blank"),
        ("dana", "D" * 121, "clinician", PASSWORD, UserError, "too long"),
        ("dana", "Dana", "nurse", PASSWORD, UserError, "unknown role 'nurse'"),
        ("dana", "Dana", "clinician", "too short", PasswordPolicyError, "at least 12"),
        ("dana.reyes.x", "Dana", "clinician", "dana.reyes.x", PasswordPolicyError, "username"),
    ],
)
def test_add_validates(users: UserStore, username: str, name: str, role: str, password: str, error: type, message: str) -> None:
    if error is None:
        assert users.add(username, name, role, password).username == "dana"
        return
    with pytest.raises(error, match=message):
        users.add(username, name, role, password)
    assert users.list() == []


def test_a_username_is_unique(users: UserStore, add_user: AddUser) -> None:
    add_user("dana")
    with pytest.raises(UserError, match="already exists"):
        users.add("DANA", "Another Dana", "admin", PASSWORD)
    assert [u.display_name for u in users.list()] == ["Dana"]


def test_the_table_refuses_an_unknown_role_or_upper_case_name(engine: Engine) -> None:
    row = dict(display_name="X", password_hash="h", created_at=T0)
    for values in ({"username": "x1", "role": "root"}, {"username": "Xx", "role": "admin"}):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(staff_users.insert().values(**row, **values))


def test_list_is_sorted_by_username(users: UserStore, add_user: AddUser) -> None:
    for name in ("zoe", "amir", "kim"):
        add_user(name, "admissions")
    assert [u.username for u in users.list()] == ["amir", "kim", "zoe"]


def test_unknown_users_are_none(users: UserStore) -> None:
    assert users.get(42) is None and users.by_username("ghost") is None and users.by_username("not valid!") is None


@pytest.mark.parametrize("change", ["disable", "enable", "set_role", "set_password"])
def test_changing_an_unknown_user_is_refused(users: UserStore, change: str) -> None:
    args = {"disable": (), "enable": (), "set_role": ("admin",), "set_password": (PASSWORD,)}[change]
    with pytest.raises(UserError, match="no user named 'ghost'"):
        getattr(users, change)("ghost", *args)


def test_set_role(users: UserStore, add_user: AddUser) -> None:
    add_user("dana", "clinician")
    assert users.set_role("dana", Role.ADMISSIONS).role is Role.ADMISSIONS
    assert users.by_username("dana").role is Role.ADMISSIONS
    with pytest.raises(UserError, match="unknown role"):
        users.set_role("dana", "boss")


def test_set_password_replaces_the_old_one(users: UserStore, add_user: AddUser) -> None:
    add_user()
    users.set_password("dana", "a brand new passphrase")
    assert not users.authenticate("dana", PASSWORD, T0).ok
    assert users.authenticate("dana", "a brand new passphrase", T0).ok
    with pytest.raises(PasswordPolicyError):
        users.set_password("dana", "dana")


@pytest.mark.parametrize("change", ["disable", "demote"])
def test_the_last_active_admin_cannot_be_disabled_or_demoted(users: UserStore, add_user: AddUser, change: str) -> None:
    def act(username: str) -> None:
        users.disable(username) if change == "disable" else users.set_role(username, "clinician")

    add_user("root", "admin")
    add_user("dana", "clinician")
    with pytest.raises(UserError, match="cannot .* 'root': it is the last active admin"):
        act("root")
    assert users.by_username("root").role is Role.ADMIN and not users.by_username("root").disabled
    add_user("second", "admin")
    act("root")  # allowed now that there is another admin
    with pytest.raises(UserError, match="last active admin"):
        act("second")


def test_a_disabled_admin_does_not_count_as_active(users: UserStore, add_user: AddUser) -> None:
    add_user("root", "admin")
    add_user("old", "admin")
    users.disable("old")
    with pytest.raises(UserError, match="last active admin"):
        users.set_role("root", "admissions")
    assert users.set_role("old", "admissions").role is Role.ADMISSIONS  # a disabled admin can be demoted


# -- logging in -------------------------------------------------------------------------------


def test_a_right_password_logs_in_and_records_the_time(users: UserStore, add_user: AddUser) -> None:
    add_user()
    result = users.authenticate(" Dana ", PASSWORD, T0)
    assert result.ok and result.reason is None and result.message is None
    assert result.user.username == "dana" and result.user.last_login_at == T0


@pytest.mark.parametrize("case", ["unknown_user", "malformed_name", "disabled", "locked", "wrong_password"])
def test_every_failure_looks_the_same_and_costs_one_check(
    users: UserStore, add_user: AddUser, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    add_user("dana")
    add_user("root", "admin")
    username, password = "dana", PASSWORD
    if case == "unknown_user":
        username = "ghost"
    elif case == "malformed_name":
        username = "<script>"
    elif case == "disabled":
        users.disable("dana")
    elif case == "locked":
        fail(users, MAX_FAILED_LOGINS, T0)
    else:
        password = "not the password"
    checks: List[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):  # type: ignore[no-untyped-def]
            checks.append(hash)
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_HASHER", CountingHasher(time_cost=1, memory_cost=8, parallelism=1))
    result = users.authenticate(username, password, T0 + MINUTE)
    assert not result.ok and result.message == LOGIN_FAILED
    assert result.reason == ("unknown_user" if case == "malformed_name" else case)
    assert len(checks) == 1  # the same argon2 cost on every path
    assert (result.user is None) is (case in ("unknown_user", "malformed_name"))


def test_lock_out_after_twenty_failures_for_fifteen_minutes(users: UserStore, add_user: AddUser) -> None:
    assert (MAX_FAILED_LOGINS, LOCKOUT) == (20, dt.timedelta(minutes=15))
    add_user()
    fail(users, MAX_FAILED_LOGINS - 1, T0)
    assert users.by_username("dana").failed_logins == 19 and not users.by_username("dana").locked(T0)
    result = users.authenticate("dana", "wrong again!!", T0)
    assert result.reason == "wrong_password" and result.locked_now
    assert users.by_username("dana").locked_until == T0 + LOCKOUT
    # The right password does not help while locked, and trying does not extend the lock.
    locked = users.authenticate("dana", PASSWORD, T0 + LOCKOUT - dt.timedelta(seconds=1))
    assert not locked.ok and locked.reason == "locked" and not locked.locked_now
    assert users.by_username("dana").locked_until == T0 + LOCKOUT
    assert users.authenticate("dana", PASSWORD, T0 + LOCKOUT).ok


def test_after_the_window_it_takes_as_many_new_failures_to_lock_again(users: UserStore, add_user: AddUser) -> None:
    add_user()
    fail(users, MAX_FAILED_LOGINS, T0)
    later = T0 + LOCKOUT
    fail(users, MAX_FAILED_LOGINS - 1, later)
    assert not users.by_username("dana").locked(later)
    assert users.authenticate("dana", "wrong password!!", later).locked_now
    assert users.by_username("dana").locked_until == later + LOCKOUT


def test_parallel_wrong_passwords_get_at_most_the_limit_of_checks(
    users: UserStore, add_user: AddUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every attempt starts at once, so each one reads the account before any has failed: only an
    attempt counted before its check keeps the checks of the real hash to the limit."""
    add_user()
    real = stored_hash(users.engine, "dana")
    attempts = 2 * MAX_FAILED_LOGINS
    start = threading.Barrier(attempts)
    checks: List[str] = []

    class SlowHasher(PasswordHasher):
        def verify(self, hash, password):  # type: ignore[no-untyped-def]
            if hash == real:
                checks.append(hash)
                time.sleep(0.05)  # the real check takes a while: the others arrive meanwhile
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_HASHER", SlowHasher(time_cost=1, memory_cost=8, parallelism=1))

    def attempt() -> bool:
        start.wait()
        return users.authenticate("dana", "wrong password!!", T0).ok

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        results = list(pool.map(lambda _: attempt(), range(attempts)))
    assert not any(results)
    assert len(checks) <= MAX_FAILED_LOGINS
    assert users.by_username("dana").locked(T0)


def test_a_success_resets_the_counter(users: UserStore, add_user: AddUser) -> None:
    add_user()
    fail(users, MAX_FAILED_LOGINS - 1, T0)
    assert users.authenticate("dana", PASSWORD, T0).ok
    assert users.by_username("dana").failed_logins == 0
    fail(users, MAX_FAILED_LOGINS - 1, T0)
    assert not users.by_username("dana").locked(T0)


def test_failures_count_per_user(users: UserStore, add_user: AddUser) -> None:
    add_user("dana")
    add_user("kim")
    fail(users, MAX_FAILED_LOGINS, T0, "dana")
    assert users.authenticate("kim", PASSWORD, T0).ok


@pytest.mark.parametrize("unlock", ["enable", "set_password"])
def test_an_admin_can_lift_a_lock_out(users: UserStore, add_user: AddUser, unlock: str) -> None:
    add_user()
    fail(users, MAX_FAILED_LOGINS, T0)
    if unlock == "enable":
        users.enable("dana")
    else:
        users.set_password("dana", PASSWORD + " two")
    password = PASSWORD if unlock == "enable" else PASSWORD + " two"
    assert users.authenticate("dana", password, T0 + MINUTE).ok


def test_a_disabled_user_cannot_log_in_until_enabled(users: UserStore, add_user: AddUser) -> None:
    add_user()
    users.disable("dana")
    assert users.by_username("dana").disabled
    result = users.authenticate("dana", PASSWORD, T0)
    assert not result.ok and result.reason == "disabled"
    assert users.by_username("dana").failed_logins == 0  # not counted as a wrong password
    users.enable("dana")
    assert users.authenticate("dana", PASSWORD, T0).ok


def test_log_in_rehashes_when_the_parameters_changed(
    users: UserStore, add_user: AddUser, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user()
    old = stored_hash(engine, "dana")
    assert "t=1" in old
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=2, memory_cost=8, parallelism=1))
    assert not users.authenticate("dana", "wrong password!!", T0).ok
    assert stored_hash(engine, "dana") == old  # never on a failure
    assert users.authenticate("dana", PASSWORD, T0).ok
    new = stored_hash(engine, "dana")
    assert new != old and "t=2" in new
    assert users.authenticate("dana", PASSWORD, T0).ok and stored_hash(engine, "dana") == new


def test_naive_times_are_refused(users: UserStore, add_user: AddUser) -> None:
    add_user()
    with pytest.raises(ValueError, match="timezone-aware"):
        users.authenticate("dana", PASSWORD, dt.datetime(2025, 1, 1))
