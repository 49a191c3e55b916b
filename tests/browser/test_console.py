"""The staff console in Debian's Chromium: sign in, acknowledge a crisis escalation, read its
transcript, export leads, be refused a page the role may not open, and label the review inbox by
keyboard only. Screenshots go to var/screenshots/ (console-*.png)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from typing import Any, Dict

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from bot.review.normalize import review_key
from bot.storage.db import notifications, review_labels
from tests.bot.records.conftest import World, make_world
from tests.browser import screenshot
from tests.browser.conftest import StaffLogin


@pytest.fixture
def web_settings(web_settings: Any) -> Any:
    """No reminders about the seeded escalations while a test runs (they are months old)."""
    return web_settings.copy(update={"escalation_ack_timeout_seconds": 10**9})


@pytest.fixture
def world(web_settings: Any) -> World:
    """Conversations, a crisis escalation, leads and check-ins in the server's database.

    Built in a thread of its own: the browser's sync API keeps this thread's event loop busy. Its
    staff notifications count as delivered: these tests set no pager, and paging is tested in
    tests/integration/test_crisis.py.
    """
    built: Dict[str, World] = {}
    worker = threading.Thread(target=lambda: built.setdefault("world", make_world(web_settings.database)))
    worker.start()
    worker.join(60)
    world = built["world"]
    with world.engine.begin() as connection:
        connection.execute(notifications.update().values(delivered_at=dt.datetime.now(dt.timezone.utc)))
    return world


@pytest.fixture
def web_server(world: World, web_server: Any) -> Any:
    """The server, started only once the world exists. ``page`` asks for the server before a test's
    own fixtures: started earlier, its notifier could find the seeded escalations' notifications
    still queued (before ``world`` marks them delivered), log that nobody is paged, and so fail the
    test at teardown."""
    return web_server


@pytest.fixture
def console(world: World, staff: Dict[str, StaffLogin], web_server: Any) -> Dict[str, StaffLogin]:
    """The server, started after the data and the accounts exist."""
    return staff


def sign_in(page: Page, login: StaffLogin) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url("/console/")


def test_a_clinician_acknowledges_an_escalation_and_reads_the_transcript(
    page: Page, console: Dict[str, StaffLogin], world: World
) -> None:
    clinician = console["clinician"]
    sign_in(page, clinician)
    expect(page.get_by_text(clinician.display_name)).to_be_visible()
    screenshot(page, "console-dashboard-clinician")

    page.get_by_role("link", name="Escalations").first.click()
    row = page.locator(f'tr[data-id="{world.escalation_ids["c-crisis"]}"]')
    expect(row.locator('[data-field="message"]')).to_contain_text("I don't want to live anymore")
    row.get_by_label("Note").fill("Called back, she is with her sister tonight.")
    row.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(f'tr[data-id="{world.escalation_ids["c-crisis"]}"]')).to_have_count(0)  # no longer open
    page.get_by_role("link", name="Acknowledged").click()
    acknowledged = page.locator(f'tr[data-id="{world.escalation_ids["c-crisis"]}"]')
    expect(acknowledged.locator('[data-field="history"]')).to_contain_text(f"Acknowledged by {clinician.display_name}")
    expect(acknowledged.locator('[data-field="history"]')).to_contain_text("with her sister tonight")
    screenshot(page, "console-escalation-acknowledged")

    acknowledged.locator('[data-field="conversation"]').click()
    expect(page.get_by_text("I don't want to live anymore")).to_be_visible()
    expect(page.locator("body")).to_contain_text("crisis")
    screenshot(page, "console-transcript")


def test_admissions_export_the_leads_as_csv(page: Page, console: Dict[str, StaffLogin]) -> None:
    sign_in(page, console["admissions"])
    page.goto("/console/leads")
    expect(page.locator("table")).to_contain_text("Sam")
    screenshot(page, "console-leads")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export all leads as CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert {row["first_name"] for row in rows} >= {"Sam", "Lee"}


def test_a_role_without_the_permission_gets_a_clear_403(page: Page, console: Dict[str, StaffLogin]) -> None:
    sign_in(page, console["admissions"])
    response = page.goto("/console/escalations")
    assert response is not None and response.status == 403
    expect(page.locator("body")).to_contain_text("403")
    screenshot(page, "console-forbidden")


def test_no_session_is_sent_to_sign_in(page: Page, console: Dict[str, StaffLogin]) -> None:
    page.goto("/console/leads")
    assert page.url.endswith("/login?next=/console/leads") or page.url.endswith("/login?next=%2Fconsole%2Fleads")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def labels(world: World) -> Dict[str, Any]:
    with world.engine.connect() as connection:
        return {row.key: (row.decision, row.intent) for row in connection.execute(sa.select(review_labels))}


def test_labelling_by_keyboard_brings_up_the_next_row(page: Page, console: Dict[str, StaffLogin], world: World) -> None:
    sign_in(page, console["admissions"])
    page.goto("/console/review?order=newest")
    rows = page.locator("[data-review-row]")
    expect(rows.first).to_be_focused()
    screenshot(page, "console-review-inbox")
    first_key = rows.nth(0).get_attribute("data-key")
    second_key = rows.nth(1).get_attribute("data-key")

    page.keyboard.press("e")  # exclude the first
    expect(page.locator("#review-status")).to_contain_text("Saved.")
    expect(rows.nth(0)).to_have_class("review-row review-done")
    expect(rows.nth(1)).to_be_focused()

    page.keyboard.press("x")  # correct the second: search the intents, Enter saves
    search = rows.nth(1).locator("[data-correct-input]")
    expect(search).to_be_focused()
    search.fill("ask_insurance")
    search.press("Enter")
    expect(rows.nth(1).locator("[data-label-line]")).to_contain_text("Corrected: ask_insurance")
    screenshot(page, "console-review-labelled")
    assert labels(world) == {first_key: ("exclude", None), second_key: ("correct", "ask_insurance")}


def test_a_flag_from_the_transcript_lands_in_the_inbox(page: Page, console: Dict[str, StaffLogin], world: World) -> None:
    sign_in(page, console["admissions"])
    page.goto("/console/conversations/c-prospect")
    page.get_by_role("button", name="Flag for review").nth(1).click()
    expect(page.get_by_role("status")).to_contain_text("The message is in the review inbox.")
    page.goto("/console/review?reason=flagged")
    row = page.locator(f'[data-key="{review_key("Do you take Aetna?")}"]')
    expect(row).to_contain_text("Do you take Aetna?")
    expect(row).to_contain_text("Flagged by staff")
