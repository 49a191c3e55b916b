"""Browser fixtures: Debian's headless Chromium (/usr/bin/chromium, installed by `make browser`)
driven by Playwright's *sync* API, against the real aiohttp web app on a free loopback port.

- ``browser`` (package scope): one Chromium for all of tests/browser/. Package, not session,
  scope on purpose: while Playwright's sync API is alive it leaves its own event loop marked as
  running in the main thread, which would break every pytest-asyncio test collected after this
  package (tests/integration/). Torn down at the end of the package, it leaves nothing behind.
- ``web_settings``: Settings for a scratch VAR_DIR and database under tmp_path, a copy of the
  demo program data, no escalation webhooks, no PUBLIC_URL. Override it in a test module to
  change a setting.
- ``add_staff`` / ``staff``: staff accounts in the scratch database. ``staff`` holds one per role
  (admissions, clinician, admin), created before the server starts when a test asks for it.
- ``web_server``: ``create_app(web_settings)`` served from a background thread with its own event
  loop (so nothing touches pytest-asyncio's); yields the base URL, ``http://127.0.0.1:<port>``.
- ``page``: a new browser context per test (1280x800, base_url = the server, 5 s timeouts);
  a failing test leaves var/screenshots/failed-<test>.png.
- ``chat_service`` (package scope): the whole service (Rasa, action server, web app) for the chat
  widget's end-to-end tests, on ``chat_program``, a copy of data/program; ``new_chat_page`` and
  ``chat_page`` open pages against its web app.

Tests here must be plain ``def`` tests (the sync API refuses to run inside a running loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import pytest
import yaml
from aiohttp import web
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bot.service.process import RunningService, start_service
from bot.settings import PROJECT_ROOT, Settings
from bot.staff.users import UserStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from bot.web.app import create_app
from tests.browser import screenshot
from tests.integration.test_service import free_port

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
HERE = Path(__file__).resolve().parent
TIMEOUT_MS = 5_000  # Playwright's default is 30 s: a missing element should fail fast
START_TIMEOUT_S = 30
_REPORTS = pytest.StashKey[Dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


# --- the browser -------------------------------------------------------------------------------


def _launch(playwright) -> Browser:  # type: ignore[no-untyped-def]
    options = dict(executable_path=str(CHROMIUM), headless=True)
    if os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root: this is where --no-sandbox is needed.
        return playwright.chromium.launch(chromium_sandbox=False, **options)
    try:
        return playwright.chromium.launch(chromium_sandbox=True, **options)
    except PlaywrightError:
        # No user namespaces (a container, say): the sandbox cannot start there.
        return playwright.chromium.launch(chromium_sandbox=False, **options)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is not installed: run `make browser` (Debian's chromium; never `playwright install`)")
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


# --- the web app -------------------------------------------------------------------------------


@pytest.fixture
def _listening_socket() -> Iterator[socket.socket]:
    """A socket already bound to a free loopback port: no race between choosing and using it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


@pytest.fixture
def web_settings(tmp_path: Path, program_copy: Path, _listening_socket: socket.socket) -> Settings:
    var = tmp_path / "var"
    return Settings(
        _env_file=None,  # a developer's .env must not point the tests at real webhooks
        host="127.0.0.1",
        web_port=_listening_socket.getsockname()[1],
        var_dir=var,
        database_path=var / "browser.db",
        program_data_dir=program_copy,
        public_url=None,  # an https PUBLIC_URL would make the session cookie Secure, unusable over http
        escalation_webhook_url=None,
        escalation_backup_url=None,
    )


@dataclass(frozen=True)
class StaffLogin:
    username: str
    password: str
    display_name: str
    role: str


@pytest.fixture
def add_staff(web_settings: Settings) -> Iterator[Callable[..., StaffLogin]]:
    """add_staff(username, role, password=None, display_name=None): a staff account in the
    scratch database (works before or while the server runs; ~0.2 s each, argon2)."""
    engine = make_engine(web_settings.database)
    migrate(engine)
    users = UserStore(engine)

    def add(username: str, role: str, password: Optional[str] = None, display_name: Optional[str] = None) -> StaffLogin:
        password = password or f"{username}-browser-test-secret"
        display_name = display_name or f"{username.title()} Tester"
        users.add(username, display_name, role, password)
        return StaffLogin(username, password, display_name, role)

    yield add
    engine.dispose()


@pytest.fixture
def staff(add_staff: Callable[..., StaffLogin]) -> Dict[str, StaffLogin]:
    """One account per role: staff["admissions"], staff["clinician"], staff["admin"]."""
    return {role: add_staff(role, role) for role in ("admissions", "clinician", "admin")}


class BaseURL(str):
    """The server's base URL (a str), with ``.settings`` and ``.errors``: the ERROR log records
    and unhandled event-loop exceptions seen while it ran. The test fails at teardown if any
    are left: a test that provokes one on purpose clears the list."""

    settings: Settings
    errors: List[str]


class _ErrorCollector(logging.Handler):
    def __init__(self, errors: List[str]) -> None:
        super().__init__(level=logging.ERROR)
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({record.exc_info[1]!r})"
        self.errors.append(text)


class _ServerThread:
    """Runs the aiohttp app on an event loop of its own in a daemon thread."""

    def __init__(self, settings: Settings, sock: socket.socket, errors: List[str]) -> None:
        self.settings, self.sock, self.errors = settings, sock, errors
        self.loop = asyncio.new_event_loop()
        self.loop.set_exception_handler(self._on_loop_error)
        self.thread = threading.Thread(target=self._run, name="browser-web-server", daemon=True)
        self.runner: Optional[web.AppRunner] = None

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        self.errors.append(f"event loop: {context.get('message')} {context.get('exception')!r}")
        loop.default_exception_handler(context)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _call(self, coroutine, timeout: float):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        self.runner = web.AppRunner(create_app(self.settings), access_log=None, shutdown_timeout=2.0)
        await self.runner.setup()  # runs cleanup_ctx: database, notifier, meeting refresher
        await web.SockSite(self.runner, self.sock).start()

    async def _stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
        await self.loop.shutdown_asyncgens()
        await self.loop.shutdown_default_executor()  # waits for an import still in asyncio.to_thread

    def start(self) -> None:
        self.thread.start()
        self._call(self._start(), START_TIMEOUT_S)

    def stop(self) -> None:
        try:
            self._call(self._stop(), START_TIMEOUT_S)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            if not self.thread.is_alive():
                self.loop.close()


@pytest.fixture
def web_server(request: pytest.FixtureRequest, web_settings: Settings, _listening_socket: socket.socket) -> Iterator[BaseURL]:
    if "staff" in request.fixturenames:
        request.getfixturevalue("staff")  # the accounts exist before the app starts
    errors: List[str] = []
    collector = _ErrorCollector(errors)
    logging.getLogger().addHandler(collector)
    server = _ServerThread(web_settings, _listening_socket, errors)
    try:
        server.start()
        url = BaseURL(f"http://127.0.0.1:{web_settings.web_port}")
        url.settings, url.errors = web_settings, errors
        yield url
    finally:
        server.stop()
        logging.getLogger().removeHandler(collector)
    if errors:
        pytest.fail("the web app logged errors during the test:\n  " + "\n  ".join(errors), pytrace=False)


# --- pages -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _pages(request: pytest.FixtureRequest, browser: Browser, base_url: str) -> Iterator[Callable[..., Page]]:
    """new_page(**context_options): a page in a new browser context (1280x800 unless a viewport is
    given, base_url, 5 s timeouts). When the test failed, the last page still open is saved as
    var/screenshots/failed-<test>.png; every context is closed afterwards."""
    contexts: List[BrowserContext] = []

    def new_page(**options: object) -> Page:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, "base_url": base_url, **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield new_page
    finally:
        report = request.node.stash.get(_REPORTS, {}).get("call")
        pages = [page for context in contexts for page in context.pages if not page.is_closed()]
        if report is not None and report.failed and pages:
            try:
                screenshot(pages[-1], f"failed-{request.node.name}")
            except PlaywrightError:
                pass
        for context in contexts:
            context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, web_server: BaseURL) -> Iterator[Page]:
    with _pages(request, browser, str(web_server)) as new_page:
        yield new_page()


# --- the whole service, for the chat widget ------------------------------------------------------

CHAT_SERVICE_TOKEN = "browser-chat-service-token-0123456789"


@pytest.fixture(scope="package")
def chat_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The copy of data/program that ``chat_service`` runs on, with live chat staffed "always",
    so the handoff tests (test_handoff.py) do not depend on the hour they run at."""
    target = tmp_path_factory.mktemp("chat-program") / "program"
    shutil.copytree(PROJECT_ROOT / "data" / "program", target)
    center = yaml.safe_load((target / "center.yml").read_text())
    center["center"]["staffed_hours"] = "always"
    (target / "center.yml").write_text(yaml.safe_dump(center, sort_keys=False, allow_unicode=True))
    return target


@pytest.fixture(scope="package")
def other_site_port() -> int:
    """The port of the other website that embeds the widget (test_widget.py's ``OtherSite``)."""
    return free_port()


@pytest.fixture(scope="package")
def chat_service(tmp_path_factory: pytest.TempPathFactory, chat_program: Path, other_site_port: int) -> Iterator[RunningService]:
    """The whole service as `make run` starts it: Rasa with its socket.io channel, the action
    server and the web app (the demo site and the widget's files), on free ports with a scratch
    database and ``chat_program``. Needs the trained model (`make train`); about 30 s to start,
    once for the package. Its log is ``service.log`` in its VAR_DIR. The chat may be opened from
    the web app's own pages and from the other site, as ALLOWED_ORIGINS would say in production."""
    web_port = free_port()
    origins = [f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}", f"http://127.0.0.1:{other_site_port}"]
    service = start_service(
        tmp_path_factory.mktemp("chat-service"),
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=web_port,
        token=CHAT_SERVICE_TOKEN,
        extra_env={"PROGRAM_DATA_DIR": str(chat_program), "ALLOWED_ORIGINS": ",".join(origins)},
    )
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def new_chat_page(
    request: pytest.FixtureRequest, browser: Browser, chat_service: RunningService
) -> Iterator[Callable[..., Page]]:
    """new_chat_page(**context_options): a page in a new browser context against
    ``chat_service``'s web app (see ``_pages``)."""
    with _pages(request, browser, chat_service.web_url) as new_page:
        yield new_page


@pytest.fixture
def chat_page(new_chat_page: Callable[..., Page]) -> Page:
    """A page like ``page``'s, against ``chat_service``'s web app (the demo site at /)."""
    return new_chat_page()
