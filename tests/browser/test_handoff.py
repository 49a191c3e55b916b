"""A live handoff round trip in two browsers: a visitor on the demo site asks for a person, an
admissions staff member (a second browser context, signed in to the console) takes the chat over,
they write to each other in real time, and the staff member hands the chat back to the assistant.
All against the whole service (``chat_service``: live chat staffed "always"). Screenshots:
var/screenshots/handoff-*.png.
"""

from __future__ import annotations

import re
from typing import Callable

from playwright.sync_api import Page, expect

from bot.service.process import RunningService
from bot.staff.users import UserStore
from bot.storage.db import make_engine
from tests.browser import screenshot
from tests.browser.test_widget import REPLY_MS, bot_messages, open_chat, panel, say

PASSWORD = "browser handoff staff 2026"
LIVE_MS = 10_000  # the console asks every 1.5 to 3 s; the widget gets pushes at once


def add_staff(service: RunningService, username: str, name: str, role: str) -> None:
    engine = make_engine(service.database)
    try:
        UserStore(engine).add(username, name, role, PASSWORD)
    finally:
        engine.dispose()


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/console/$"))


def test_a_staff_member_takes_over_a_visitor_s_chat_and_hands_it_back(
    new_chat_page: Callable[..., Page], chat_service: RunningService
) -> None:
    add_staff(chat_service, "ana", "Ana Ruiz", "admissions")
    console = new_chat_page()
    sign_in(console, "ana")
    console.get_by_role("link", name="Live chat").click()
    console.get_by_role("button", name="I'm available for live chats").click()
    expect(console.get_by_text("You are available for live chats", exact=False).first).to_be_visible()

    visitor = new_chat_page()
    visitor.goto("/")
    open_chat(visitor)
    say(visitor, "can I talk to a real person?")
    expect(bot_messages(visitor).or_(visitor.locator(".rc-notice")).last).to_contain_text(
        "asking a member of our team", timeout=REPLY_MS
    )
    expect(panel(visitor).locator(".rc-subtitle")).to_have_text("Asking a team member to join…")

    waiting = console.locator('#live-queue tr[data-state="waiting"]')
    expect(waiting).to_have_count(1, timeout=LIVE_MS)
    expect(waiting).to_contain_text("can I talk to a real person?")
    screenshot(console, "handoff-console-queue")
    waiting.get_by_role("button", name=re.compile("Take over")).click()
    expect(console).to_have_url(re.compile(r"/console/live/[0-9a-f]+$"))
    expect(console.locator("#handoff-state")).to_contain_text("You are chatting")

    expect(panel(visitor)).to_contain_text("Ana Ruiz from Juniper Ridge has joined the chat", timeout=LIVE_MS)
    expect(panel(visitor).locator(".rc-subtitle")).to_have_text("Chatting with Ana Ruiz")

    say(visitor, "Hi Ana, is there an evening group?")
    expect(console.locator("#live-transcript")).to_contain_text("Hi Ana, is there an evening group?", timeout=LIVE_MS)
    reply = "Yes, the Adult Evening IOP meets three evenings a week."
    console.get_by_label("Your message").fill(reply)
    console.get_by_label("Your message").press("Enter")
    staff_message = visitor.locator(".rc-msg--staff").last
    expect(staff_message).to_contain_text(reply, timeout=LIVE_MS)
    expect(staff_message).to_contain_text("Ana Ruiz")
    expect(console.locator("#live-transcript .t-staff").last).to_contain_text(reply, timeout=LIVE_MS)
    screenshot(visitor, "handoff-visitor-live", full_page=False)
    screenshot(console, "handoff-console-chat")

    console.get_by_role("button", name="Hand back to the assistant").click()
    expect(console).to_have_url(re.compile(r"/console/live\?done=returned$"))
    expect(panel(visitor)).to_contain_text("has handed the chat back to me", timeout=LIVE_MS)
    expect(panel(visitor).locator(".rc-subtitle")).to_have_text("Automated assistant")
    say(visitor, "do you take aetna?")
    expect(bot_messages(visitor).last).to_contain_text("Aetna", timeout=REPLY_MS)
    screenshot(visitor, "handoff-visitor-back-with-the-assistant", full_page=False)
