"""Log-in and log-out through the real forms: cookie flags, the generic failure message, lock-out,
throttling by address, the log-in form's CSRF token, safe redirects, and the audit entries."""

from __future__ import annotations

import asyncio
import time
from http.cookies import SimpleCookie
from typing import Any, Callable, Dict, List

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from bot.settings import get_settings
from bot.staff import passwords, throttle
from bot.staff.sessions import COOKIE_NAME
from bot.staff.throttle import FREE_ATTEMPTS
from bot.staff.users import LOGIN_FAILED, MAX_FAILED_LOGINS, StaffUser
from bot.web.app import create_app
from bot.web.auth import LOGIN_CSRF_COOKIE
from bot.web.forwarded import visitor_address
from tests.bot.records.conftest import World
from tests.bot.web.conftest import PASSWORD, audit_entries, forms, scalar, text_of


async def login_form(client: TestClient, path: str = "/login") -> Dict[str, str]:
    response = await client.get(path)
    assert response.status == 200
    [(action, hidden)] = forms(await response.text())
    assert action == "/login"
    return hidden


async def log_in(client: TestClient, username: str, password: str, path: str = "/login") -> Any:
    hidden = await login_form(client, path)
    return await client.post("/login", data={**hidden, "username": username, "password": password}, allow_redirects=False)


def set_cookie(response: Any, name: str) -> SimpleCookie:
    for header in response.headers.getall("Set-Cookie", []):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        if name in cookie:
            return cookie
    raise AssertionError(f"no Set-Cookie for {name}")


def has_cookie(response: Any, name: str) -> bool:
    return any(header.startswith(f"{name}=") for header in response.headers.getall("Set-Cookie", []))


async def test_log_in_sets_a_strict_session_cookie_and_opens_the_console(
    anonymous: TestClient, world: World, staff: Dict[str, StaffUser]
) -> None:
    response = await log_in(anonymous, "dana", PASSWORD)
    assert response.status == 303 and response.headers["Location"] == "/console/"
    morsel = set_cookie(response, COOKIE_NAME)[COOKIE_NAME]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert not morsel["secure"]  # served over plain HTTP in this test
    assert int(morsel["max-age"]) == 12 * 3600
    page = await anonymous.get("/console/")
    assert page.status == 200 and "Dana Reyes" in await page.text()
    [entry] = audit_entries(world, "login.ok")
    assert entry.username == "dana" and entry.user_id == staff["clinician"].id


async def test_the_cookie_is_secure_when_the_public_url_is_https(
    world: World, staff: Dict[str, StaffUser], monkeypatch: pytest.MonkeyPatch, aiohttp_client: Any
) -> None:
    monkeypatch.setenv("PUBLIC_URL", "https://console.juniperridge.example")
    get_settings.cache_clear()
    client = await aiohttp_client(create_app(get_settings()))
    form = await client.get("/login")
    csrf = set_cookie(form, LOGIN_CSRF_COOKIE)[LOGIN_CSRF_COOKIE]
    assert csrf["secure"] is True
    # The test speaks plain HTTP, so its cookie jar keeps Secure cookies to itself: send it by hand.
    data = {"csrf_token": csrf.value, "next": "/console/", "username": "dana", "password": PASSWORD}
    response = await client.post(
        "/login", data=data, headers={"Cookie": f"{LOGIN_CSRF_COOKIE}={csrf.value}"}, allow_redirects=False
    )
    assert response.status == 303
    assert set_cookie(response, COOKIE_NAME)[COOKIE_NAME]["secure"] is True


@pytest.mark.parametrize("username, password", [("dana", "not the right password"), ("nobody", PASSWORD), ("", ""), ("dana", "")])
async def test_a_failed_log_in_says_the_same_thing_whatever_went_wrong(
    anonymous: TestClient, world: World, username: str, password: str
) -> None:
    response = await log_in(anonymous, username, password)
    html = await response.text()
    assert response.status == 200 and LOGIN_FAILED in html
    assert not has_cookie(response, COOKIE_NAME)
    assert (await anonymous.get("/console/", allow_redirects=False)).status == 302


async def test_a_failed_log_in_is_audited_without_the_attempted_name_of_an_unknown_user(
    anonymous: TestClient, world: World
) -> None:
    await log_in(anonymous, "dana", "not the right password")
    await log_in(anonymous, "mallory", "not the right password")
    failures = audit_entries(world, "login.failed")
    assert {(e.username, e.detail) for e in failures} == {("dana", "wrong_password"), (None, "unknown_user")}
    assert all("mallory" not in f"{e.target_id} {e.detail}" for e in failures)


async def test_the_last_allowed_failure_locks_the_account_even_for_the_right_password(
    anonymous: TestClient, world: World
) -> None:
    with world.engine.begin() as connection:  # the failures before, as if from many addresses
        connection.execute(
            sa.text("UPDATE staff_users SET failed_logins = :n WHERE username = 'dana'"), {"n": MAX_FAILED_LOGINS - 1}
        )
    assert LOGIN_FAILED in await (await log_in(anonymous, "dana", "not the right password")).text()
    assert scalar(world, "SELECT locked_until IS NOT NULL FROM staff_users WHERE username = 'dana'") == 1
    response = await log_in(anonymous, "dana", PASSWORD)
    assert LOGIN_FAILED in await response.text() and not has_cookie(response, COOKIE_NAME)
    [locked] = audit_entries(world, "login.locked")
    assert locked.username == "dana" and locked.detail == f"{MAX_FAILED_LOGINS} failed log-ins in a row"
    assert audit_entries(world, "login.failed")[0].detail == "locked"  # the attempt after the lock
    assert audit_entries(world, "login.ok") == []


@pytest.fixture
def minute_back_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first wait a minute long, so that a slow test run cannot outlast it."""
    monkeypatch.setattr(throttle, "BASE_DELAY", 60.0)


def count_checks(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Every argon2 check from now on (a dummy one too), with a short pause so that parallel
    requests are all under way before the first one has failed."""
    checks: List[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):  # type: ignore[no-untyped-def]
            checks.append(hash)
            time.sleep(0.02)
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_HASHER", CountingHasher(time_cost=1, memory_cost=8, parallelism=1))
    return checks


async def test_parallel_wrong_passwords_from_one_address_get_at_most_the_free_checks(
    anonymous: TestClient, world: World, monkeypatch: pytest.MonkeyPatch, minute_back_off: None
) -> None:
    hidden = await login_form(anonymous)
    checks = count_checks(monkeypatch)
    data = {**hidden, "username": "dana", "password": "not the right password"}
    responses = await asyncio.gather(*(anonymous.post("/login", data=data, allow_redirects=False) for _ in range(20)))
    statuses = sorted(response.status for response in responses)
    assert statuses == [200] * FREE_ATTEMPTS + [429] * (20 - FREE_ATTEMPTS)
    assert len(checks) == FREE_ATTEMPTS
    # Throttled attempts are not counted against the account: its owner is not locked out.
    assert scalar(world, "SELECT failed_logins FROM staff_users WHERE username = 'dana'") == FREE_ATTEMPTS
    assert scalar(world, "SELECT locked_until FROM staff_users WHERE username = 'dana'") is None


async def test_a_throttled_address_is_told_how_long_to_wait_and_nothing_is_checked(
    anonymous: TestClient, world: World, monkeypatch: pytest.MonkeyPatch, minute_back_off: None
) -> None:
    for _ in range(FREE_ATTEMPTS):
        assert (await log_in(anonymous, "dana", "not the right password")).status == 200
    checks = count_checks(monkeypatch)
    response = await log_in(anonymous, "dana", PASSWORD)  # even the right password waits
    assert response.status == 429 and 55 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many failed sign-ins from your network. Wait" in text_of(await response.text())
    assert not has_cookie(response, COOKIE_NAME) and checks == []
    assert len(audit_entries(world, "login.failed")) == FREE_ATTEMPTS  # a refused attempt is no audit entry


async def test_a_success_forgives_the_address(anonymous: TestClient, world: World, minute_back_off: None) -> None:
    for _ in range(FREE_ATTEMPTS - 1):
        await log_in(anonymous, "dana", "not the right password")
    assert (await log_in(anonymous, "dana", PASSWORD)).status == 303
    anonymous.session.cookie_jar.clear()
    for _ in range(FREE_ATTEMPTS):
        assert (await log_in(anonymous, "ana", "not the right password")).status == 200


@pytest.mark.parametrize("token", [None, "", "forged-token"])
async def test_the_log_in_form_needs_its_own_csrf_token(anonymous: TestClient, world: World, token: Any) -> None:
    await login_form(anonymous)  # the browser holds the cookie half
    data = {"username": "dana", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = await anonymous.post("/login", data=data, allow_redirects=False)
    assert response.status == 403 and not has_cookie(response, COOKIE_NAME)
    assert audit_entries(world) == []
    assert scalar(world, "SELECT last_login_at FROM staff_users WHERE username = 'dana'") is None


async def test_the_form_token_without_its_cookie_is_refused(anonymous: TestClient, world: World) -> None:
    hidden = await login_form(anonymous)
    anonymous.session.cookie_jar.clear()
    response = await anonymous.post("/login", data={**hidden, "username": "dana", "password": PASSWORD}, allow_redirects=False)
    assert response.status == 403


async def test_the_log_in_page_sets_its_csrf_cookie(anonymous: TestClient) -> None:
    response = await anonymous.get("/login")
    morsel = set_cookie(response, LOGIN_CSRF_COOKIE)[LOGIN_CSRF_COOKIE]
    assert morsel["httponly"] is True and morsel["samesite"] == "Lax"
    [(_, hidden)] = forms(await response.text())
    assert hidden["csrf_token"] == morsel.value


async def test_after_log_in_the_page_asked_for_opens(anonymous: TestClient, world: World) -> None:
    first = await anonymous.get("/console/leads?status=new", allow_redirects=False)
    assert first.status == 302
    response = await log_in(anonymous, "ana", PASSWORD, first.headers["Location"])
    assert response.status == 303 and response.headers["Location"] == "/console/leads?status=new"


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example",
        "//evil.example/console/",
        "https://evil.example/console/",
        "http:/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/console/\r\nSet-Cookie: x=1",
        " /console/",
        "/login",
    ],
)
async def test_next_never_leaves_the_site(anonymous: TestClient, world: World, next_path: str) -> None:
    from urllib.parse import quote

    hidden = await login_form(anonymous, f"/login?next={quote(next_path, safe='')}")
    assert hidden["next"] == "/console/"
    # Even a hand-made form with the bad value goes to the console.
    data = {**hidden, "next": next_path, "username": "root", "password": PASSWORD}
    response = await anonymous.post("/login", data=data, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/console/"


async def test_someone_signed_in_skips_the_log_in_page(as_role: Callable[..., Any]) -> None:
    client = await as_role("admin")
    response = await client.get("/login?next=/console/audit", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console/audit"


async def test_log_out_ends_the_session_clears_the_cookie_and_is_audited(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("clinician")
    token = next(c.value for c in client.session.cookie_jar if c.key == COOKIE_NAME)
    response = await client.post("/logout", data={"csrf_token": client.csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login?signed_out=1"
    morsel = set_cookie(response, COOKIE_NAME)[COOKIE_NAME]
    assert morsel.value == "" and morsel["max-age"] == "0"
    assert scalar(world, "SELECT COUNT(*) FROM staff_sessions") == 0
    [entry] = audit_entries(world, "logout")
    assert entry.username == "dana"
    # The old token opens nothing any more, even if a browser kept it.
    client.session.cookie_jar.update_cookies({COOKIE_NAME: token})
    assert (await client.get("/console/", allow_redirects=False)).status == 302
    assert "You have signed out." in await (await client.get("/login?signed_out=1")).text()


async def test_signing_in_again_from_another_tab_works(as_role: Any) -> None:
    """A log-in form loaded while signed out, posted after signing in in another tab: the form's
    own token is what counts, not the new session's."""
    from bot.staff.sessions import COOKIE_NAME
    from tests.bot.web.conftest import forms

    signed = await as_role("clinician")
    jar = signed.client.session.cookie_jar
    session_token = next(c.value for c in jar if c.key == COOKIE_NAME)
    jar.clear()
    page = await (await signed.client.get("/login")).text()
    fields = next(values for action, values in forms(page) if action == "/login")
    jar.update_cookies({COOKIE_NAME: session_token})  # signed in meanwhile, in another tab
    response = await signed.client.post(
        "/login", data={**fields, "username": signed.user.username, "password": "not the password"}, allow_redirects=False
    )
    assert response.status == 200 and "403" not in await response.text()


async def test_behind_a_trusted_proxy_each_visitor_is_throttled_on_their_own(
    world: World, staff: Dict[str, StaffUser], aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch, minute_back_off: None
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, ::1")
    get_settings.cache_clear()
    proxied = await aiohttp_client(create_app(get_settings()))

    async def attempt(visitor: str) -> int:
        hidden = await login_form(proxied)
        data = {**hidden, "username": "dana", "password": "not the right password"}
        headers = {"X-Forwarded-For": f"{visitor}, 127.0.0.1"}  # what the proxy chain reports
        return (await proxied.post("/login", data=data, headers=headers, allow_redirects=False)).status

    assert [await attempt("203.0.113.7") for _ in range(FREE_ATTEMPTS + 1)] == [200] * FREE_ATTEMPTS + [429]
    assert await attempt("198.51.100.9") == 200  # another visitor behind the same proxy


def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy() -> None:
    trusted = frozenset({"10.0.0.2"})
    assert visitor_address("10.0.0.2", "203.0.113.7", trusted) == "203.0.113.7"
    assert visitor_address("198.51.100.1", "203.0.113.7", trusted) == "198.51.100.1"  # written by anyone
    assert visitor_address("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.2", trusted) == "203.0.113.7"  # the left part is forgeable
    assert visitor_address("10.0.0.2", None, trusted) == "10.0.0.2"
