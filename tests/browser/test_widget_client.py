"""The chat widget's side of the protocol, in Debian's Chromium with a scripted socket.io server:
the live handoff events (whose server side is built elsewhere), what message text may become,
colours and bad attributes, a missing socket.io client, and English and Spanish. The widget is the
real one from the web app; only ``window.io`` is replaced, which the widget uses when a page
already has one.
End-to-end tests against the real Rasa server are in test_widget.py.
"""

from __future__ import annotations

from html import escape
from typing import Any, List

from playwright.sync_api import Page, Route, expect

from bot.settings import PROJECT_ROOT
from tests.browser import screenshot
from tests.browser.conftest import BaseURL

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERVER = "http://127.0.0.1:9"  # never reached: the scripted io below answers instead

# A stand-in for the socket.io client: records what the widget emits, confirms sessions like
# Rasa's channel, and lets the test fire server events with window.__chat.fire(name, data).
SCRIPTED_IO = """
window.__chat = { sent: [], fire: null };
window.io = function (url, options) {
  const handlers = {};
  const fire = (name, data) => (handlers[name] || []).forEach((handler) => handler(data));
  const socket = {
    connected: false,
    active: false,
    on(name, handler) { (handlers[name] = handlers[name] || []).push(handler); return socket; },
    emit(name, data) {
      window.__chat.sent.push({ name, data });
      if (name === "session_request") {
        setTimeout(() => fire("session_confirm", data.session_id || "scripted-session"), 0);
      }
    },
    connect() { socket.connected = socket.active = true; setTimeout(() => fire("connect"), 0); return socket; },
    disconnect() { socket.connected = socket.active = false; fire("disconnect", "io client disconnect"); return socket; },
  };
  window.__chat.url = url;
  window.__chat.options = options;
  window.__chat.fire = fire;
  return socket.connect();
};
"""


def embed(page: Page, web_server: BaseURL, path: str, scripted: bool = True, page_lang: str = "en", **attributes: str) -> None:
    """Opens a page at ``path`` of the web app's origin (served by Playwright) in ``page_lang``
    that embeds the real widget script with ``attributes`` as its data-*."""
    tag = " ".join(f'data-{name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    html = (
        f"<!doctype html><html lang='{escape(page_lang)}'><head><meta charset='utf-8'><title>Widget page</title></head>"
        f"<body><main><h1>A page</h1></main><script src='/widget/widget.js' {tag} defer></script></body></html>"
    )

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(f"{web_server}{path}", fulfil)
    if scripted:
        page.add_init_script(SCRIPTED_IO)
    page.goto(path)


def fire(page: Page, name: str, data: Any) -> None:
    page.evaluate("([name, data]) => window.__chat.fire(name, data)", [name, data])


def sent(page: Page) -> List[dict]:
    return page.evaluate("() => window.__chat.sent")


def say(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Your message").fill(text)
    page.get_by_role("textbox", name="Your message").press("Enter")


def test_the_live_handoff_is_shown_and_survives_a_reload(page: Page, web_server: BaseURL) -> None:
    embed(
        page,
        web_server,
        "/portal.html",
        server=SERVER,
        center_name="Juniper Ridge",
        open="true",
        client_token="header.payload.signature",
    )
    subtitle = page.locator(".rc-subtitle")
    typing = page.locator(".rc-typing")
    token = {"client_token": "header.payload.signature"}
    expect(page.get_by_role("dialog", name="Juniper Ridge")).to_be_visible()
    expect(subtitle).to_have_text("Automated assistant")
    expect(typing).to_be_visible()  # the greeting was asked for
    assert sent(page) == [
        {"name": "session_request", "data": {"session_id": None, "customData": token}},
        {"name": "user_uttered", "data": {"message": "/greet", "session_id": "scripted-session", "customData": token}},
    ]

    fire(
        page,
        "bot_uttered",
        {"text": "I'm asking a member of our team to join.", "handoff": {"kind": "status", "status": "waiting"}},
    )
    expect(subtitle).to_have_text("Asking a team member to join…")
    expect(typing).to_be_hidden()
    expect(page.locator(".rc-notice")).to_have_text("I'm asking a member of our team to join.")
    fire(
        page,
        "bot_uttered",
        {"text": "Dana has joined the chat.", "handoff": {"kind": "status", "status": "active", "staff_name": "Dana"}},
    )
    expect(subtitle).to_have_text("Chatting with Dana")
    fire(
        page,
        "bot_uttered",
        {"text": "Hi, I'm Dana. How are you doing?", "handoff": {"kind": "staff", "status": "active", "staff_name": "Dana"}},
    )
    staff = page.locator(".rc-msg--staff")
    expect(staff.locator(".rc-from")).to_have_text("Dana · Juniper Ridge team")
    expect(staff.locator(".rc-text")).to_have_text("Hi, I'm Dana. How are you doing?")

    say(page, "Not great, honestly.")
    expect(page.locator(".rc-msg--user").last).to_have_text("You said: Not great, honestly.")
    expect(typing).to_be_hidden()  # a person is writing back, not the assistant
    screenshot(page, "widget-handoff", full_page=False)

    page.reload()
    expect(subtitle).to_have_text("Chatting with Dana")
    expect(page.locator(".rc-msg--staff .rc-from")).to_have_text("Dana · Juniper Ridge team")
    assert sent(page)[0] == {"name": "session_request", "data": {"session_id": "scripted-session", "customData": token}}

    page.get_by_role("button", name="Close chat").click()
    fire(
        page,
        "bot_uttered",
        {"text": "Are you still there?", "handoff": {"kind": "staff", "status": "active", "staff_name": "Dana"}},
    )
    bubble = page.locator(".rc-launcher")
    expect(bubble).to_have_accessible_name("Chat with Juniper Ridge (new message)")  # and a red dot
    bubble.click()
    expect(bubble).to_have_accessible_name("Chat with Juniper Ridge")
    fire(
        page,
        "bot_uttered",
        {
            "text": "Dana has handed the chat back to me.",
            "handoff": {"kind": "status", "status": "returned", "staff_name": "Dana"},
        },
    )
    expect(subtitle).to_have_text("Automated assistant")
    say(page, "do you take aetna?")
    expect(typing).to_be_visible()
    fire(page, "bot_uttered", {"text": "Yes, we're in network with Aetna."})
    expect(typing).to_be_hidden()
    fire(
        page,
        "bot_uttered",
        {
            "text": "Nobody could join.",
            "handoff": {"kind": "status", "status": "expired"},
            "quick_replies": [{"content_type": "text", "title": "Request a callback", "payload": "/request_callback"}],
        },
    )
    page.locator(".rc-notice").last.get_by_role("button", name="Request a callback").click()
    assert sent(page)[-1]["data"]["message"] == "/request_callback"


def test_message_text_never_becomes_markup_and_links_are_safe(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/chat.html", server=SERVER, open="true")
    text = (
        "Read https://example.org/help. or javascript:alert(1) <img src=x onerror=alert(1)>\n"
        "- Our on-call clinician: (760) 555-0149\n"
        "- Domestic violence hotline: 1-800-799-7233\n"
        "Call or text 988, or call 911; our ZIP is 92262 and 1988 was a year."
    )
    fire(page, "bot_uttered", {"text": text, "quick_replies": [{"title": "<b>Yes</b>", "payload": "/affirm"}]})

    message = page.locator(".rc-msg--bot").last
    expect(message).to_contain_text("<img src=x onerror=alert(1)>")
    expect(message.locator("img, b, script")).to_have_count(0)
    web = message.get_by_role("link", name="https://example.org/help")
    expect(web).to_have_attribute("href", "https://example.org/help")
    expect(web).to_have_attribute("target", "_blank")
    expect(web).to_have_attribute("rel", "noopener noreferrer")
    expect(message.locator("li")).to_have_count(2)
    hrefs = message.locator("a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert hrefs == ["https://example.org/help", "tel:+17605550149", "tel:+18007997233", "tel:988", "tel:911"]
    expect(message.get_by_role("button", name="<b>Yes</b>")).to_be_visible()


def test_shift_enter_is_a_new_line_and_the_length_is_counted_near_the_limit(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/write.html", server=SERVER, open="true")
    box = page.get_by_role("textbox", name="Your message")
    counter = page.locator(".rc-count")

    box.type("line one")
    box.press("Shift+Enter")
    box.type("line two")
    expect(counter).to_be_hidden()
    box.press("Enter")

    assert sent(page)[-1]["data"]["message"] == "line one\nline two"
    expect(page.locator(".rc-msg--user .rc-text")).to_have_text("line one\nline two")
    box.fill("x" * 950)
    expect(counter).to_have_text("950 of 1000 characters")
    expect(box).to_have_attribute("aria-describedby", "rc-count")
    box.fill("y" * 1200)  # a paste longer than the limit is cut at it
    expect(box).to_have_value("y" * 1000)
    expect(counter).to_have_text("1000 of 1000 characters")


def test_reduced_motion_stills_the_panel_and_the_typing_dots(page: Page, web_server: BaseURL) -> None:
    animations = "el => el.getRootNode().getAnimations().length"
    embed(page, web_server, "/moving.html", server=SERVER, open="true")
    expect(page.locator(".rc-typing")).to_be_visible()
    assert page.locator(".rc-panel").evaluate(animations) > 0

    page.emulate_media(reduced_motion="reduce")
    page.reload()  # the panel opens again, restored
    say(page, "hello")

    expect(page.locator(".rc-typing")).to_be_visible()
    assert page.locator(".rc-panel").evaluate(animations) == 0


def test_a_light_colour_gets_dark_text_and_stays_aa(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/yellow.html", server=SERVER, center_name="Sunny Side", color="#ffd400", open="true")
    say(page, "hello there")
    fire(page, "bot_uttered", {"text": "Hi! See https://example.org.", "quick_replies": [{"title": "Go on", "payload": "/next"}]})
    expect(page.locator(".rc-title")).to_have_css("color", "rgb(0, 0, 0)")
    expect(page.locator(".rc-msg--user .rc-text")).to_have_css("color", "rgb(0, 0, 0)")

    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: ["color-contrast"]})).violations
            .map(v => v.nodes.map(n => n.target))"""
    )

    assert violations == []
    screenshot(page, "widget-light-colour", full_page=False)


def test_bad_attributes_are_reported_and_fall_back_to_defaults(page: Page, web_server: BaseURL) -> None:
    errors: List[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    embed(
        page,
        web_server,
        "/typos.html",
        server="ftp://chat.example",
        color="teal",
        position="middle",
        open="yes",
        language="fr",
    )

    expect(page.get_by_role("button", name="Chat with Recovery companion")).to_be_visible()
    assert any('data-server="ftp://chat.example" is not an http(s) URL' in error for error in errors), errors
    assert any('data-color="teal" is not a colour like #0f5f5c; using #0f5f5c.' in error for error in errors), errors
    assert any('data-position="middle" must be left or right' in error for error in errors), errors
    assert any('data-open="yes" must be true or false' in error for error in errors), errors
    assert any('data-language="fr" must be en, es or auto; using auto.' in error for error in errors), errors
    expect(page.locator(".rc")).to_have_attribute("lang", "en")  # auto: an English page, an English browser
    expect(page.locator(".rc-launcher")).to_have_css("background-color", "rgb(15, 95, 92)")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate("() => window.__chat.url") is None  # not connected before it is opened


def test_a_server_under_a_path_keeps_socket_io_under_it(page: Page, web_server: BaseURL) -> None:
    """Rasa behind a proxy at /chat: the path must reach socket.io as its path, not a namespace."""
    embed(page, web_server, "/proxied.html", server="https://juniperridge.example/chat/", open="true")

    expect(page.get_by_role("dialog")).to_be_visible()
    assert page.evaluate("() => [window.__chat.url, window.__chat.options.path]") == [
        "https://juniperridge.example",
        "/chat/socket.io",
    ]


def test_without_the_socket_io_client_the_chat_says_it_cannot_load(page: Page, web_server: BaseURL) -> None:
    page.route(f"{web_server}/widget/socket.io.min.js", lambda route: route.fulfill(status=503, body="Run `make setup`."))
    embed(page, web_server, "/down.html", scripted=False, server=SERVER, center_name="Juniper Ridge")

    page.get_by_role("button", name="Chat with Juniper Ridge").click()

    expect(page.locator(".rc-connection")).to_have_text("The chat can't load right now. Please try again later.")
    expect(page.locator(".rc-safety")).to_have_text("In danger? Call or text 988, or call 911")
    expect(page.locator(".rc-msg--user .rc-pending")).to_have_count(0)  # the greeting is hidden, not shown as pending


# --- English and Spanish -----------------------------------------------------------------------

SAFETY_ES = "¿En peligro? Llame o envíe un texto al 988 (marque 2 para español; por texto escriba AYUDA), o llame al 911"


def test_data_language_es_starts_the_whole_widget_in_spanish(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/es.html", server=SERVER, center_name="Juniper Ridge", language="es", open="true")

    panel = page.get_by_role("dialog", name="Juniper Ridge")
    expect(panel).to_be_visible()
    expect(page.locator(".rc")).to_have_attribute("lang", "es")
    expect(panel).to_have_attribute("lang", "es")
    expect(page.locator(".rc-subtitle")).to_have_text("Asistente automático")
    box = page.get_by_role("textbox", name="Su mensaje")
    expect(box).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(page.get_by_role("button", name="Enviar mensaje")).to_be_visible()
    expect(page.get_by_role("button", name="Terminar chat")).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar chat")).to_be_visible()
    expect(page.get_by_role("button", name="Chatear con Juniper Ridge")).to_be_visible()
    expect(page.get_by_role("log", name="Conversación")).to_be_visible()
    expect(page.get_by_role("complementary", name="Chat de Juniper Ridge")).to_be_attached()
    expect(page.locator(".rc-typing .rc-sr")).to_have_text("El asistente está escribiendo")
    expect(page.locator(".rc-privacy")).to_contain_text("hasta que usted la cierre")
    safety = page.locator(".rc-safety")
    expect(safety).to_have_text(SAFETY_ES)
    expect(safety.get_by_role("link", name="Llame al 988")).to_have_attribute("href", "tel:988")
    expect(safety.get_by_role("link", name="Envíe un texto al 988")).to_have_attribute("href", "sms:988?&body=AYUDA")
    expect(safety.get_by_role("link", name="Llame al 911")).to_have_attribute("href", "tel:911")
    language = page.get_by_role("button", name="Switch to English")  # offered in its own language
    expect(language).to_have_text("English")
    expect(language).to_have_attribute("lang", "en")
    # The assistant starts in English: the greeting tells it the chat's language.
    expect(page.locator(".rc-typing")).to_be_visible()  # sent
    assert [item["data"].get("message") for item in sent(page)] == [None, '/greet{"language":"es"}']

    fire(page, "bot_uttered", {"text": "Vea https://example.org.", "quick_replies": [{"title": "Sí", "payload": "/affirm"}]})
    reply = page.locator(".rc-msg--bot").last
    expect(reply).to_have_text("Asistente: Vea https://example.org (se abre en una pestaña nueva).Sí")
    expect(reply.get_by_role("group", name="Respuestas sugeridas")).to_be_visible()
    say_es = "¿aceptan Medi-Cal?"
    box.fill(say_es)
    box.press("Enter")
    expect(page.locator(".rc-msg--user").last).to_have_text(f"Usted dijo: {say_es}")
    box.fill("x" * 950)
    expect(page.locator(".rc-count")).to_have_text("950 de 1000 caracteres")
    box.fill("")

    page.get_by_role("button", name="Terminar chat").click()
    expect(page.get_by_role("group", name="¿Terminar este chat?")).to_be_visible()
    expect(page.get_by_role("button", name="Seguir conversando")).to_be_focused()
    page.keyboard.press("Escape")

    page.reload()  # kept for the tab
    expect(page.get_by_role("textbox", name="Su mensaje")).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(page.locator(".rc-msg--user").last).to_have_text(f"Usted dijo: {say_es}")


def test_the_language_button_switches_everything_and_tells_the_assistant(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/switch.html", server=SERVER, center_name="Juniper Ridge", open="true")
    expect(page.locator(".rc")).to_have_attribute("lang", "en")
    expect(page.locator(".rc-typing")).to_be_visible()  # the greeting was sent
    assert [item["data"].get("message") for item in sent(page)] == [None, "/greet"]  # English: no switch
    fire(page, "bot_uttered", {"text": "Hi! I'm an automated assistant."})
    say(page, "hello")
    page.get_by_role("button", name="Close chat").click()
    fire(page, "bot_uttered", {"text": "Anything else?"})
    expect(page.locator(".rc-launcher")).to_have_accessible_name("Chat with Juniper Ridge (new message)")
    page.locator(".rc-launcher").click()

    spanish = page.get_by_role("button", name="Cambiar a español")
    expect(spanish).to_have_text("Español")
    expect(spanish).to_have_attribute("lang", "es")
    spanish.click()

    panel = page.get_by_role("dialog", name="Juniper Ridge")
    expect(panel).to_have_attribute("lang", "es")
    expect(page.get_by_role("textbox", name="Su mensaje")).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(page.locator(".rc-safety")).to_have_text(SAFETY_ES)
    expect(page.locator(".rc-subtitle")).to_have_text("Asistente automático")
    expect(page.get_by_role("button", name="Terminar chat")).to_be_visible()
    expect(page.locator(".rc-launcher")).to_have_accessible_name("Chatear con Juniper Ridge")
    english = page.get_by_role("button", name="Switch to English")
    expect(english).to_be_focused()  # the same button, its words changed
    assert sent(page)[-1]["data"]["message"] == '/switch_language{"language":"es"}'
    chosen = page.locator(".rc-msg--user").last
    expect(chosen).to_have_text("Usted dijo: Español")
    expect(chosen).to_have_attribute("lang", "es")
    # The history stays as it was written, marked as English for screen readers.
    expect(page.locator(".rc-msg--bot").first).to_have_text("Assistant: Hi! I'm an automated assistant.")
    expect(page.locator(".rc-msg--bot").first).to_have_attribute("lang", "en")
    fire(page, "bot_uttered", {"text": "Claro, seguimos en español."})
    expect(page.locator(".rc-msg--bot").last).to_have_text("Asistente: Claro, seguimos en español.")
    screenshot(page, "widget-spanish-switch", full_page=False)

    english.click()
    expect(panel).to_have_attribute("lang", "en")
    expect(page.get_by_role("textbox", name="Your message")).to_have_attribute("placeholder", "Type your message…")
    expect(page.locator(".rc-safety")).to_have_text("In danger? Call or text 988, or call 911")
    assert sent(page)[-1]["data"]["message"] == '/switch_language{"language":"en"}'
    expect(page.locator(".rc-msg--user").last).to_have_text("You said: English")


def test_the_labels_follow_the_assistant_into_spanish_without_asking_it_to_switch(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/follow.html", server=SERVER, center_name="Juniper Ridge", open="true")
    fire(page, "bot_uttered", {"text": "Hi! How can I help?", "language": "en"})
    say(page, "hola, ¿aceptan Medi-Cal?")
    fire(page, "bot_uttered", {"text": "Lo siento, no aceptamos Medi-Cal.", "language": "es"})

    expect(page.get_by_role("dialog", name="Juniper Ridge")).to_have_attribute("lang", "es")
    expect(page.get_by_role("textbox", name="Su mensaje")).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(page.locator(".rc-safety")).to_have_text(SAFETY_ES)
    expect(page.get_by_role("button", name="Switch to English")).to_have_text("English")
    expect(page.locator(".rc-msg--bot").last).to_have_attribute("lang", "es")
    assert [item["data"].get("message") for item in sent(page)][-1] == "hola, ¿aceptan Medi-Cal?"  # nothing sent back

    # A reply without a language, or with one the widget does not speak, changes nothing.
    fire(page, "bot_uttered", {"text": "¿Algo más?"})
    fire(page, "bot_uttered", {"text": "Autre chose ?", "language": "fr"})
    expect(page.get_by_role("textbox", name="Su mensaje")).to_be_visible()
    fire(page, "bot_uttered", {"text": "Sure, in English then.", "language": "en"})
    expect(page.get_by_role("textbox", name="Your message")).to_have_attribute("placeholder", "Type your message…")


def test_auto_follows_the_page_then_the_browser(browser, web_server: BaseURL) -> None:  # type: ignore[no-untyped-def]
    for page_lang, locale, expected in (
        ("es-MX", "en-US", "es"),
        ("en", "es-419", "es"),
        ("en", "en-US", "en"),
        ("", "fr-FR", "en"),
    ):
        context = browser.new_context(base_url=str(web_server), locale=locale)
        try:
            page = context.new_page()
            embed(page, web_server, "/auto.html", server=SERVER, page_lang=page_lang, open="true", language="auto")
            expect(page.locator(".rc")).to_have_attribute("lang", expected)
            placeholder = "Escriba su mensaje…" if expected == "es" else "Type your message…"
            expect(page.locator(".rc-input")).to_have_attribute("placeholder", placeholder)
        finally:
            context.close()


def test_a_chosen_language_stays_for_the_tab_and_after_end_chat(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/kept.html", server=SERVER, page_lang="es", open="true")
    expect(page.locator(".rc")).to_have_attribute("lang", "es")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator(".rc")).to_have_attribute("lang", "en")

    page.reload()  # a Spanish page, but English was chosen
    expect(page.locator(".rc")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="End chat").click()
    page.get_by_role("group", name="End this chat?").get_by_role("button", name="End chat").click()

    expect(page.locator(".rc")).to_have_attribute("lang", "en")
    expect(page.locator(".rc-msg")).to_have_count(0)
    expect(page.locator(".rc-typing")).to_be_visible()  # the new greeting was sent, once reconnected
    assert [item["data"].get("message") for item in sent(page)][-2:] == [None, "/greet"]  # in English: no switch


def test_axe_finds_no_violations_in_spanish(page: Page, web_server: BaseURL) -> None:
    embed(page, web_server, "/axe-es.html", server=SERVER, center_name="Juniper Ridge", language="es", open="true")
    fire(
        page,
        "bot_uttered",
        {
            "text": "Llame o envíe un texto al 988.\n- Nuestra línea: (760) 555-0149\n- https://example.org",
            "quick_replies": [{"title": "Estoy a salvo", "payload": "/affirm"}],
        },
    )
    expect(page.locator(".rc-msg--bot")).to_have_count(1)

    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({rule: v.id, impact: v.impact, targets: v.nodes.map(n => n.target)}))"""
    )

    assert violations == []
