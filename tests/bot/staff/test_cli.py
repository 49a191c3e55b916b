"""`python -m bot users ...` against a scratch database (the service_env fixture)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from bot.__main__ import main
from bot.staff.audit import AuditLog
from bot.staff.roles import Role
from bot.staff.sessions import SessionStore
from bot.staff.users import MAX_FAILED_LOGINS, UserStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.bot.staff.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("service_env")
NOW = dt.datetime.now(dt.timezone.utc)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> Tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["users", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys, monkeypatch, username: str = "dana", role: str = "clinician", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return run(capsys, monkeypatch, "add", username, "--name", "Dana Reyes", "--role", role, stdin=password + "\n")


@pytest.fixture
def stores(service_env: Path) -> Iterator[Tuple[UserStore, SessionStore, AuditLog]]:
    engine = make_engine(service_env)
    migrate(engine)
    yield UserStore(engine), SessionStore(engine), AuditLog(engine)


def test_add_reads_the_password_from_stdin_and_audits(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    code, out, err = add(capsys, monkeypatch, "Dana", "clinician")
    assert code == 0 and err == "" and "Added dana (Dana Reyes), role clinician." in out
    users, _, audit = stores
    assert users.by_username("dana").role is Role.CLINICIAN
    assert users.authenticate("dana", PASSWORD, NOW).ok
    (entry,), total = audit.list()
    assert total == 1 and entry.user_id is None and entry.username is None
    assert (entry.action, entry.target_type, entry.target_id) == ("user.add", "staff_user", "dana")
    assert "via CLI" in entry.detail and PASSWORD not in entry.detail


def test_only_the_first_line_of_stdin_is_the_password(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    code, _, _ = run(
        capsys, monkeypatch, "add", "dana", "--name", "Dana", "--role", "admin", stdin=PASSWORD + "\r\nsecond line\n"
    )
    assert code == 0
    users = stores[0]
    assert users.authenticate("dana", PASSWORD, NOW).ok
    assert not users.authenticate("dana", PASSWORD + "\r\nsecond line", NOW).ok


def test_in_a_terminal_the_password_is_asked_twice(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    answers: List[str] = [PASSWORD, PASSWORD]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    monkeypatch.setattr("sys.stdin", Terminal(""))
    assert main(["users", "add", "root", "--name", "Root", "--role", "admin"]) == 0
    assert answers == [] and stores[0].authenticate("root", PASSWORD, NOW).ok


def test_in_a_terminal_two_different_passwords_are_refused(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    answers = [PASSWORD, PASSWORD + "x"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    monkeypatch.setattr("sys.stdin", Terminal(""))
    assert main(["users", "add", "root", "--name", "Root", "--role", "admin"]) == 1
    assert "differ" in capsys.readouterr().err
    assert stores[0].list() == [] and stores[2].list()[1] == 0


def test_password_stdin_reads_stdin_even_in_a_terminal(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("getpass should not be called"))
    monkeypatch.setattr("sys.stdin", Terminal(PASSWORD + "\n"))
    assert main(["users", "add", "root", "--name", "Root", "--role", "admin", "--password-stdin"]) == 0
    assert stores[0].authenticate("root", PASSWORD, NOW).ok


def test_list(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, monkeypatch, "list")
    assert code == 0 and "no staff users yet" in out and "python -m bot users add admin" in out
    add(capsys, monkeypatch, "root", "admin")
    add(capsys, monkeypatch, "dana", "clinician")
    add(capsys, monkeypatch, "kim", "admissions")
    users = stores[0]
    users.disable("kim")
    assert users.authenticate("dana", PASSWORD, NOW).ok
    for _ in range(MAX_FAILED_LOGINS):
        users.authenticate("root", "wrong password!!", NOW)
    code, out, _ = run(capsys, monkeypatch, "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["USERNAME", "NAME", "ROLE", "DISABLED", "LOCKED", "LAST", "LOGIN", "(UTC)"]
    rows = {line.split()[0]: line for line in lines[1:4]}
    assert list(rows) == ["dana", "kim", "root"] and lines[4] == "3 users"
    assert "clinician" in rows["dana"] and NOW.strftime("%Y-%m-%d %H:%M") in rows["dana"]
    assert rows["kim"].split()[4:7] == ["yes", "no", "never"]
    assert rows["root"].split()[3:6] == ["admin", "no", "until"]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (
            ["add", "dana", "--name", "Dana", "--role", "nurse"],
            PASSWORD,
            "unknown role 'nurse': use one of admissions, clinician, admin",
        ),
        (["add", "d", "--name", "Dana", "--role", "admin"], PASSWORD, "not a valid username"),
        (["add", "dana", "--name", " ", "--role", "admin"], PASSWORD, "display name must not be blank"),
        (["add", "dana", "--name", "Dana", "--role", "admin"], "short", "at least 12 characters"),
        (["add", "dana", "--name", "Dana", "--role", "admin"], "", "no password on stdin"),
        (["add", "dana", "--name", "Dana", "--role", "admin"], "\n", "no password on stdin"),
        (["disable", "ghost"], "", "no user named 'ghost'"),
        (["enable", "ghost"], "", "no user named 'ghost'"),
        (["set-role", "ghost", "admin"], "", "no user named 'ghost'"),
        (["set-password", "ghost"], PASSWORD, "no user named 'ghost'"),
    ],
)
def test_user_errors_exit_1_and_change_nothing(capsys, monkeypatch, stores, argv, stdin, message) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, monkeypatch, *argv, stdin=stdin + "\n" if stdin else "")
    assert code == 1 and out == "" and message in err and err.startswith("Refused: ")
    assert stores[0].list() == [] and stores[2].list()[1] == 0


def test_a_duplicate_username_is_refused_before_asking_for_a_password(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    add(capsys, monkeypatch, "dana")
    code, _, err = run(capsys, monkeypatch, "add", "DANA", "--name", "Other", "--role", "admin", stdin="")
    assert code == 1 and "a user named 'dana' already exists" in err
    assert stores[2].list()[1] == 1


def test_disable_ends_sessions_and_enable_restores_log_in(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    users, sessions, audit = stores
    add(capsys, monkeypatch, "dana")
    token = sessions.create(users.by_username("dana").id, NOW).token
    code, out, _ = run(capsys, monkeypatch, "disable", "dana")
    assert code == 0 and "Disabled dana" in out
    assert sessions.get(token, NOW) is None and not users.authenticate("dana", PASSWORD, NOW).ok
    code, out, _ = run(capsys, monkeypatch, "disable", "dana")
    assert code == 0 and "already disabled" in out
    code, out, _ = run(capsys, monkeypatch, "enable", "dana")
    assert code == 0 and "Enabled dana" in out and users.authenticate("dana", PASSWORD, NOW).ok
    assert [e.action for e in audit.list()[0]] == ["user.enable", "user.disable", "user.add"]


def test_set_role_ends_sessions_and_audits_the_change(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    users, sessions, audit = stores
    add(capsys, monkeypatch, "dana", "clinician")
    token = sessions.create(users.by_username("dana").id, NOW).token
    code, out, _ = run(capsys, monkeypatch, "set-role", "dana", "admissions")
    assert code == 0 and "dana is now admissions" in out
    assert users.by_username("dana").role is Role.ADMISSIONS and sessions.get(token, NOW) is None
    entry = audit.list()[0][0]
    assert (entry.action, entry.target_id, entry.detail) == ("user.role", "dana", "clinician -> admissions, via CLI")
    code, out, _ = run(capsys, monkeypatch, "set-role", "dana", "admissions")
    assert code == 0 and "nothing changed" in out and audit.list()[1] == 2
    code, _, err = run(capsys, monkeypatch, "set-role", "dana", "owner")
    assert code == 1 and "unknown role 'owner'" in err


def test_the_last_admin_cannot_be_demoted_or_disabled(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    add(capsys, monkeypatch, "root", "admin")
    for argv in (["set-role", "root", "clinician"], ["disable", "root"]):
        code, _, err = run(capsys, monkeypatch, *argv)
        assert code == 1 and "last active admin" in err
    assert stores[0].by_username("root").role is Role.ADMIN and not stores[0].by_username("root").disabled


def test_set_password_replaces_it_ends_sessions_and_lifts_a_lock_out(capsys, monkeypatch, stores) -> None:  # type: ignore[no-untyped-def]
    users, sessions, audit = stores
    add(capsys, monkeypatch, "dana")
    token = sessions.create(users.by_username("dana").id, NOW).token
    for _ in range(MAX_FAILED_LOGINS):
        users.authenticate("dana", "wrong password!!", NOW)
    assert users.by_username("dana").locked(NOW)
    code, out, _ = run(capsys, monkeypatch, "set-password", "dana", stdin="a new long passphrase\n")
    assert code == 0 and "New password set for dana" in out
    assert sessions.get(token, NOW) is None
    assert users.authenticate("dana", "a new long passphrase", NOW).ok
    assert not users.authenticate("dana", PASSWORD, NOW).ok
    assert audit.list(action="user.password")[1] == 1
    code, _, err = run(capsys, monkeypatch, "set-password", "dana", stdin="dana\n")
    assert code == 1 and "at least 12" in err
