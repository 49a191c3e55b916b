"""The website chat widget end to end, in Debian's Chromium against the whole service: the demo site
from the web app, the widget's socket.io conversation with the real Rasa server (another origin),
the action server and the trained model. Screenshots go to var/screenshots/ (widget-*.png).

Pages the tests write themselves (a client token, another server address) are served by another
site on loopback, an origin of its own, embedding the real widget script from the web app.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.request
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, List, Optional, Set

import pytest
from playwright.sync_api import Locator, Page, expect

from bot.service.process import RunningService
from bot.settings import PROJECT_ROOT
from tests.browser import screenshot

REPLY_MS = 20_000  # a reply from the model, the actions and the database; the first is the slowest
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUBBLE = "Chat with Juniper Ridge"
SAFETY_LINE = "In danger? Call or text 988, or call 911"
SAFETY_LINE_ES = "¿En peligro? Llame o envíe un texto al 988 (marque 2 para español; por texto escriba AYUDA), o llame al 911"


# --- helpers -----------------------------------------------------------------------------------


def bubble(page: Page) -> Locator:
    return page.get_by_role("button", name=BUBBLE)


def panel(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Juniper Ridge")


def conversation(page: Page) -> Locator:
    return page.get_by_role("log", name="Conversation")


def message_box(page: Page, name: str = "Your message") -> Locator:
    return page.get_by_role("textbox", name=name)


def bot_messages(page: Page) -> Locator:
    return page.locator(".rc-msg--bot")


def open_chat(page: Page) -> None:
    """Opens the panel and waits for the assistant's greeting."""
    bubble(page).click()
    expect(panel(page)).to_be_visible()
    expect(bot_messages(page).first).to_contain_text("automated assistant", timeout=REPLY_MS)


def say(page: Page, text: str, box: str = "Your message") -> None:
    message_box(page, box).fill(text)
    message_box(page, box).press("Enter")


def replies_to(page: Page, text: str) -> Locator:
    """The assistant's messages after the person's message ``text``."""
    return page.locator(f".rc-msg--user:has-text({json.dumps(text, ensure_ascii=False)}) ~ .rc-msg--bot")


def to_spanish(page: Page) -> None:
    """Presses the header's language button and waits for the assistant's answer to it."""
    answered = bot_messages(page).count()
    page.get_by_role("button", name="Cambiar a español").click()
    expect(panel(page)).to_have_attribute("lang", "es")
    expect(bot_messages(page)).not_to_have_count(answered, timeout=REPLY_MS)


def stored_chat(page: Page, server: str) -> Optional[dict]:
    raw = page.evaluate("key => sessionStorage.getItem(key)", f"recovery-companion-chat:{server}")
    return json.loads(raw) if raw else None


def user_texts(service: RunningService, session_id: str) -> List[str]:
    """What Rasa's tracker holds for the conversation: proof the server side is the same session."""
    url = f"{service.rasa_url}/conversations/{session_id}/tracker?token={service.token}"
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        tracker = json.loads(response.read())
    return [event.get("text") for event in tracker["events"] if event.get("event") == "user"]


class OtherSite:
    """Another website on loopback, an origin of its own, whose pages embed the real widget script
    from the web app, as any center's site would. (A page Playwright made up would have no
    address, and Chromium keeps such pages away from loopback servers like Rasa's.)"""

    def __init__(self, widget_src: str, port: int) -> None:
        self.widget_src = widget_src
        self.pages: Dict[str, bytes] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the http.server API
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)  # an origin the service allows
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="other-site", daemon=True).start()

    def page(self, path: str, **attributes: str) -> str:
        """A page at ``path`` with the widget's tag and ``attributes`` as its data-*; its URL."""
        tag = " ".join(f'data-{name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
        self.pages[path] = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Another site</title></head>"
            "<body><main><h1>Another site</h1></main>"
            f"<script src='{self.widget_src}' {tag} defer></script></body></html>"
        ).encode()
        return self.url + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_site(chat_service: RunningService, other_site_port: int) -> Iterator[OtherSite]:
    site = OtherSite(f"{chat_service.web_url}/widget/widget.js", other_site_port)
    try:
        yield site
    finally:
        site.close()


# --- the demo site -----------------------------------------------------------------------------


def test_the_demo_site_embeds_the_widget(chat_page: Page, chat_service: RunningService) -> None:
    rasa_port = chat_service.rasa_url.rsplit(":", 1)[1]

    response = chat_page.goto("/")

    assert response is not None and response.status == 200
    expect(chat_page.get_by_role("heading", level=1)).to_have_text("Juniper Ridge Recovery Center")
    expect(chat_page.locator(".crisis-strip")).to_contain_text("In danger?")
    tag = chat_page.locator("script[src$='/widget/widget.js']")
    expect(tag).to_have_attribute("data-server", f"http://127.0.0.1:{rasa_port}")
    expect(bubble(chat_page)).to_be_visible()
    expect(bubble(chat_page)).to_have_attribute("aria-expanded", "false")
    expect(panel(chat_page)).to_be_hidden()
    screenshot(chat_page, "widget-demo-site")


def test_the_keyboard_opens_the_chat_and_a_question_gets_its_answer(chat_page: Page, chat_service: RunningService) -> None:
    sockets: List[str] = []
    chat_page.on("websocket", lambda ws: sockets.append(ws.url))
    chat_page.goto("/")

    for _ in range(60):  # Tab through the page to the bubble, as a keyboard user would
        chat_page.keyboard.press("Tab")
        if bubble(chat_page).evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(bubble(chat_page)).to_be_focused()
    chat_page.keyboard.press("Enter")

    expect(panel(chat_page)).to_be_visible()
    expect(bubble(chat_page)).to_have_attribute("aria-expanded", "true")
    expect(message_box(chat_page)).to_be_focused()
    greeting = bot_messages(chat_page).first
    expect(greeting).to_contain_text("automated assistant", timeout=REPLY_MS)
    expect(greeting.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")

    chat_page.keyboard.type("do you take aetna?")
    chat_page.keyboard.press("Enter")

    expect(chat_page.locator(".rc-msg--user").last).to_have_text("You said: do you take aetna?")
    expect(message_box(chat_page)).to_have_value("")
    expect(bot_messages(chat_page).last).to_contain_text("we're in network with Aetna", timeout=REPLY_MS)
    # socket.io upgraded to a WebSocket across origins (8080's page, Rasa's port).
    rasa = chat_service.rasa_url.replace("http://", "ws://")
    assert any(url.startswith(f"{rasa}/socket.io/") and "transport=websocket" in url for url in sockets), sockets
    screenshot(chat_page, "widget-answer", full_page=False)


def test_without_websockets_the_chat_falls_back_to_polling(chat_page: Page, chat_service: RunningService) -> None:
    """As behind a proxy that passes no WebSocket upgrade: every WebSocket is refused."""
    polls: List[str] = []
    chat_page.route_web_socket(re.compile(r".*/socket\.io/.*"), lambda ws: ws.close())
    chat_page.on("request", lambda request: polls.append(request.method) if "transport=polling" in request.url else None)
    chat_page.goto("/")
    open_chat(chat_page)

    say(chat_page, "do you take aetna?")

    expect(bot_messages(chat_page).nth(1)).to_contain_text("in network with Aetna", timeout=REPLY_MS)
    assert "POST" in polls and "GET" in polls  # messages went up and replies came down over HTTP


def test_a_quick_reply_button_sends_its_payload(chat_page: Page) -> None:
    chat_page.goto("/")
    open_chat(chat_page)
    greeting_replies = bot_messages(chat_page).first.get_by_role("group", name="Suggested replies")

    greeting_replies.get_by_role("button", name="What is IOP?").click()

    expect(chat_page.locator(".rc-msg--user").last).to_have_text("You said: What is IOP?")
    answer = bot_messages(chat_page).nth(1)
    expect(answer).to_contain_text("structured addiction treatment you attend while living at home", timeout=REPLY_MS)
    expect(greeting_replies.get_by_role("button", name="Insurance and cost")).to_be_disabled()  # used: inactive
    expect(answer.get_by_role("button", name="Is it right for me?")).to_be_enabled()
    expect(message_box(chat_page)).to_be_focused()

    answer.get_by_role("button", name="Is it right for me?").click()
    expect(bot_messages(chat_page).nth(2)).to_be_visible(timeout=REPLY_MS)
    expect(answer.get_by_role("button", name="How is it different from rehab?")).to_be_disabled()


def test_a_crisis_message_gets_the_resources(chat_page: Page) -> None:
    chat_page.goto("/")
    open_chat(chat_page)

    say(chat_page, "I want to kill myself")

    reply = bot_messages(chat_page).nth(1)
    expect(reply).to_contain_text("Call or text 988", timeout=REPLY_MS)
    expect(reply).to_contain_text("call 911")
    expect(reply.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(reply.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    expect(reply.get_by_role("link", name="(760) 555-0149")).to_have_attribute("href", "tel:+17605550149")
    expect(reply.get_by_role("button", name="I'm safe right now")).to_be_visible()
    safety = chat_page.locator(".rc-safety")
    expect(safety).to_be_visible()
    expect(safety).to_have_text(SAFETY_LINE)
    expect(safety.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    expect(safety.get_by_role("link", name="Text 988")).to_have_attribute("href", "sms:988")
    expect(safety.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    expect(chat_page.locator(".rc-privacy")).to_contain_text("until you close it")
    screenshot(chat_page, "widget-crisis", full_page=False)


def test_a_reload_keeps_the_conversation_and_its_session(chat_page: Page, chat_service: RunningService) -> None:
    chat_page.goto("/")
    open_chat(chat_page)
    say(chat_page, "what are your hours?")
    expect(bot_messages(chat_page).nth(1)).to_contain_text("Office hours", timeout=REPLY_MS)
    session_id = stored_chat(chat_page, chat_service.rasa_url)["sessionId"]

    chat_page.reload()

    expect(panel(chat_page)).to_be_visible()  # it was open: it still is
    expect(conversation(chat_page)).to_contain_text("what are your hours?")
    expect(conversation(chat_page)).to_contain_text("Office hours")
    expect(bot_messages(chat_page)).to_have_count(2)  # no second greeting
    say(chat_page, "do you take aetna?")
    expect(bot_messages(chat_page).nth(2)).to_contain_text("in network with Aetna", timeout=REPLY_MS)
    assert stored_chat(chat_page, chat_service.rasa_url)["sessionId"] == session_id
    assert user_texts(chat_service, session_id) == ["/greet", "what are your hours?", "do you take aetna?"]
    screenshot(chat_page, "widget-after-reload", full_page=False)


def test_end_chat_forgets_the_conversation_after_asking(chat_page: Page, chat_service: RunningService) -> None:
    chat_page.goto("/")
    open_chat(chat_page)
    say(chat_page, "do you take aetna?")
    expect(bot_messages(chat_page).nth(1)).to_contain_text("Aetna", timeout=REPLY_MS)
    first_session = stored_chat(chat_page, chat_service.rasa_url)["sessionId"]

    chat_page.get_by_role("button", name="End chat").click()
    confirm = chat_page.get_by_role("group", name="End this chat?")
    expect(confirm).to_be_visible()
    chat_page.keyboard.press("Escape")  # first Escape: only the question goes away
    expect(confirm).to_be_hidden()
    expect(panel(chat_page)).to_be_visible()
    chat_page.get_by_role("button", name="End chat").click()
    confirm.get_by_role("button", name="End chat").click()

    expect(conversation(chat_page)).not_to_contain_text("Aetna")
    expect(bot_messages(chat_page)).to_have_count(1, timeout=REPLY_MS)  # a new greeting
    expect(bot_messages(chat_page).first).to_contain_text("automated assistant")
    new_session = stored_chat(chat_page, chat_service.rasa_url)["sessionId"]
    assert new_session and new_session != first_session


def test_escape_closes_the_panel_and_focus_returns_to_the_bubble(chat_page: Page) -> None:
    chat_page.goto("/")
    chat_page.get_by_role("button", name="Chat with us now").click()  # the page's own opener
    expect(panel(chat_page)).to_be_visible()
    expect(message_box(chat_page)).to_be_focused()

    chat_page.keyboard.press("Escape")

    expect(panel(chat_page)).to_be_hidden()
    expect(bubble(chat_page)).to_be_focused()
    expect(bubble(chat_page)).to_have_attribute("aria-expanded", "false")
    chat_page.keyboard.press("Enter")
    expect(panel(chat_page)).to_be_visible()
    chat_page.get_by_role("button", name="Close chat").click()
    expect(panel(chat_page)).to_be_hidden()
    expect(bubble(chat_page)).to_be_focused()


def test_on_a_phone_the_panel_fills_the_screen(new_chat_page) -> None:  # type: ignore[no-untyped-def]
    page = new_chat_page(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page.goto("/")
    open_chat(page)
    panel(page).evaluate("el => Promise.all(el.getAnimations().map(animation => animation.finished))")  # it rises into place

    assert panel(page).bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 667}
    expect(bubble(page)).to_be_hidden()  # the header's close button takes its place
    expect(page.locator(".rc-safety")).to_be_in_viewport()
    expect(message_box(page)).to_be_in_viewport()
    screenshot(page, "widget-phone", full_page=False)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 667}], ids=["desktop", "phone"])
def test_axe_finds_no_accessibility_violations_with_the_chat_open(new_chat_page, viewport: dict, language: str) -> None:  # type: ignore[no-untyped-def]
    # The demo site's CSP allows no inline script: this page lets the test inject axe-core.
    page = new_chat_page(viewport=viewport, bypass_csp=True)
    page.goto("/")
    open_chat(page)
    if language == "es":
        to_spanish(page)  # the history in English, the rest in Spanish
    say(page, "I want to kill myself", "Your message" if language == "en" else "Su mensaje")  # links, lists and buttons
    expect(replies_to(page, "I want to kill myself").first).to_contain_text("988", timeout=REPLY_MS)

    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({rule: v.id, impact: v.impact, targets: v.nodes.map(n => n.target)}))"""
    )

    assert violations == []
    rules = page.evaluate("() => axe.getRules().map(rule => rule.ruleId)")
    assert "color-contrast" in rules  # the run above included it


def test_the_language_button_turns_the_chat_spanish_and_a_question_in_spanish_gets_a_reply(
    chat_page: Page, chat_service: RunningService
) -> None:
    chat_page.goto("/")  # an English page in an English browser: the chat starts in English
    open_chat(chat_page)
    expect(panel(chat_page)).to_have_attribute("lang", "en")
    expect(message_box(chat_page)).to_have_attribute("placeholder", "Type your message…")
    button = chat_page.get_by_role("button", name="Cambiar a español")
    expect(button).to_have_text("Español")

    to_spanish(chat_page)

    box = message_box(chat_page, "Su mensaje")
    expect(box).to_have_attribute("placeholder", "Escriba su mensaje…")
    safety = chat_page.locator(".rc-safety")
    expect(safety).to_have_text(SAFETY_LINE_ES)
    expect(safety.get_by_role("link", name="Llame al 988")).to_have_attribute("href", "tel:988")
    expect(safety.get_by_role("link", name="Envíe un texto al 988")).to_have_attribute("href", "sms:988?&body=AYUDA")
    expect(safety.get_by_role("link", name="Llame al 911")).to_have_attribute("href", "tel:911")
    expect(chat_page.locator(".rc-subtitle")).to_have_text("Asistente automático")
    expect(chat_page.get_by_role("button", name="Terminar chat")).to_be_visible()
    expect(chat_page.get_by_role("button", name="Switch to English")).to_have_text("English")
    expect(chat_page.get_by_role("log", name="Conversación")).to_contain_text("Usted dijo: Español")
    expect(chat_page.locator(".rc-privacy")).to_contain_text("hasta que usted la cierre")

    say(chat_page, "¿aceptan Medi-Cal?", "Su mensaje")

    expect(chat_page.locator(".rc-msg--user").last).to_have_text("Usted dijo: ¿aceptan Medi-Cal?")
    reply = replies_to(chat_page, "¿aceptan Medi-Cal?").first
    expect(reply).to_be_visible(timeout=REPLY_MS)  # any answer: the model may not know much Spanish yet
    stored = stored_chat(chat_page, chat_service.rasa_url)
    assert stored["language"] == "es"
    assert user_texts(chat_service, stored["sessionId"]) == ["/greet", '/switch_language{"language":"es"}', "¿aceptan Medi-Cal?"]
    screenshot(chat_page, "widget-spanish", full_page=False)


def test_a_refused_client_token_is_told_to_the_person(
    chat_page: Page, chat_service: RunningService, other_site: OtherSite
) -> None:
    url = other_site.page(
        "/portal.html", server=chat_service.rasa_url, center_name="Juniper Ridge", client_token="not-a-token", open="true"
    )
    refusal = "Your sign-in for this chat couldn't be confirmed, so you're chatting as a visitor."

    chat_page.goto(url)

    notice = chat_page.locator(".rc-notice")
    expect(notice).to_have_text(refusal, timeout=REPLY_MS)
    expect(bot_messages(chat_page).first).to_contain_text("automated assistant", timeout=REPLY_MS)
    chat_page.reload()  # the server says it again on the new connection: shown once
    expect(bot_messages(chat_page)).to_have_count(1)
    say(chat_page, "do you take aetna?")
    expect(bot_messages(chat_page).nth(1)).to_contain_text("Aetna", timeout=REPLY_MS)
    expect(notice).to_have_count(1)


# --- a dropped connection ----------------------------------------------------------------------


class Relay:
    """A TCP relay in front of Rasa that a test can cut as a failing network would: every open
    connection is closed at once, and new ones are closed as they arrive, until it is restored."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = threading.Event()
        self.lock = threading.Lock()
        self.open: Set[socket.socket] = set()
        threading.Thread(target=self._accept, name="relay-accept", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.down.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), name="relay-pipe", daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source)
            self._close(sink)

    def _close(self, sock: socket.socket) -> None:
        with self.lock:
            self.open.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def drop(self) -> None:
        self.down.set()
        with self.lock:
            connections = list(self.open)
        for sock in connections:
            self._close(sock)

    def restore(self) -> None:
        self.down.clear()

    def close(self) -> None:
        self.drop()
        self.listener.close()


@pytest.fixture
def relay(chat_service: RunningService) -> Iterator[Relay]:
    running = Relay(int(chat_service.rasa_url.rsplit(":", 1)[1]))
    try:
        yield running
    finally:
        running.close()


def test_a_dropped_connection_reconnects_and_delivers_what_was_typed_meanwhile(
    chat_page: Page, chat_service: RunningService, other_site: OtherSite, relay: Relay
) -> None:
    server = f"http://127.0.0.1:{relay.port}"
    chat_page.goto(other_site.page("/relay.html", server=server, center_name="Juniper Ridge", open="true"))
    expect(bot_messages(chat_page).first).to_contain_text("automated assistant", timeout=REPLY_MS)
    session_id = stored_chat(chat_page, server)["sessionId"]
    status = chat_page.locator(".rc-connection")

    relay.drop()
    expect(status).to_have_text("Reconnecting…")
    say(chat_page, "do you take aetna?")
    pending = chat_page.locator(".rc-msg--user .rc-pending")
    expect(pending).to_have_text("Waiting to send…")
    time.sleep(1.5)  # still nothing gets through while the network is down
    expect(bot_messages(chat_page)).to_have_count(1)
    screenshot(chat_page, "widget-reconnecting", full_page=False)

    relay.restore()

    expect(bot_messages(chat_page).nth(1)).to_contain_text("in network with Aetna", timeout=REPLY_MS)
    expect(pending).to_have_count(0)
    expect(status).to_have_text("")
    assert stored_chat(chat_page, server)["sessionId"] == session_id
    assert user_texts(chat_service, session_id) == ["/greet", "do you take aetna?"]  # once, in the same session


def test_writing_in_spanish_turns_the_widgets_labels_spanish(chat_page: Page, chat_service: RunningService) -> None:
    chat_page.goto("/")  # an English page in an English browser: the chat starts in English
    open_chat(chat_page)
    expect(message_box(chat_page)).to_have_attribute("placeholder", "Type your message…")

    say(chat_page, "Buenas tardes, quisiera saber si aceptan Medi-Cal para mi hijo")

    reply = replies_to(chat_page, "Buenas tardes, quisiera saber si aceptan Medi-Cal para mi hijo").first
    expect(reply).to_be_visible(timeout=REPLY_MS)
    expect(panel(chat_page)).to_have_attribute("lang", "es")
    expect(message_box(chat_page, "Su mensaje")).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(chat_page.get_by_role("button", name="Switch to English")).to_have_text("English")
    stored = stored_chat(chat_page, chat_service.rasa_url)
    assert stored["language"] == "es"
    # The person never pressed the language button: only their own words went to the assistant.
    assert user_texts(chat_service, stored["sessionId"]) == [
        "/greet",
        "Buenas tardes, quisiera saber si aceptan Medi-Cal para mi hijo",
    ]
