"""Smoke: the real web app in real headless Chromium: the start page (the demo site), /healthz, the
error page and the log-in form. Signing in and the rest of the staff console have browser tests of their own."""

from __future__ import annotations

import json
import time

from playwright.sync_api import Page, expect

from bot.answer_book import ProgramCache
from tests.browser import SCREENSHOTS, screenshot
from tests.browser.conftest import BaseURL


def healthz_once_meetings_settle(page: Page) -> dict:
    """The meeting refresher imports the demo feeds in the background just after start."""
    deadline = time.monotonic() + 10
    while True:
        response = page.goto("/healthz")
        assert response is not None
        body = json.loads(page.locator("body").inner_text())
        if not body["checks"]["meetings"].startswith("empty") or time.monotonic() > deadline:
            return {"status": response.status, "content_type": response.headers["content-type"], "body": body}
        time.sleep(0.1)


def test_healthz_json_in_the_browser(page: Page) -> None:
    result = healthz_once_meetings_settle(page)
    assert result["status"] == 200
    assert result["content_type"].startswith("application/json")
    assert result["body"] == {"status": "ok", "checks": {"database": "ok", "program_data": "ok", "meetings": "ok"}}


def test_start_page_renders(page: Page, web_server: BaseURL) -> None:
    center = ProgramCache(web_server.settings.program_data_dir).get().program.center

    response = page.goto("/")

    assert response is not None and response.status == 200
    expect(page).to_have_title(f"{center.name} · {center.tagline}")
    expect(page.get_by_role("heading", level=1)).to_have_text(center.name)
    expect(page.locator(".crisis-strip")).to_contain_text("988")
    expect(
        page.get_by_role("button", name=f"Chat with {center.short_name}")
    ).to_be_visible()  # the widget (tests/browser/test_widget.py)
    path = screenshot(page, "smoke-start-page")
    assert path == SCREENSHOTS / "smoke-start-page.png" and path.stat().st_size > 1000


def test_unknown_page_is_the_apps_own_404(page: Page) -> None:
    response = page.goto("/no-such-page")

    assert response is not None and response.status == 404
    expect(page).to_have_title("Error 404")
    expect(page.get_by_role("heading", level=1)).to_have_text("Error 404")
    page.get_by_role("link", name="Back to the start page").click()
    expect(page).to_have_url(page.url.rsplit("/", 1)[0] + "/")


def test_login_page_renders_a_form(page: Page) -> None:
    response = page.goto("/login")

    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    form = page.locator("form[action='/login']")
    expect(form.get_by_label("Username")).to_be_visible()
    expect(form.get_by_label("Password")).to_have_attribute("type", "password")
    expect(form.get_by_role("button", name="Sign in")).to_be_visible()
    screenshot(page, "smoke-login")
