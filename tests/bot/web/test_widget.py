"""The chat widget's routes (bot/web/widget.py) and the demo site (bot/web/demo.py): the files any
site may embed, the socket.io client from node_modules (or a 503 saying how to install it), and
the demo page's script tag and CSP pointing at the right chat server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.settings import PROJECT_ROOT, get_settings
from bot.web import widget
from bot.web.app import create_app


@pytest.fixture
async def client(service_env: Path, aiohttp_client) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(get_settings()))


def script_tag(html: str) -> str:
    match = re.search(r"<script src=\"/widget/widget\.js\"[^>]*>", html)
    assert match, "the demo page has no widget script tag"
    return match.group(0)


@pytest.mark.parametrize(
    "path, content_type, snippet",
    [
        ("/widget/widget.js", "text/javascript", "sessionStorage"),
        ("/widget/widget.css", "text/css", ".rc-panel"),
    ],
)
async def test_widget_files_can_be_embedded_from_any_site(client: TestClient, path: str, content_type: str, snippet: str) -> None:
    response = await client.get(path, headers={"Origin": "https://another-site.example"})

    assert response.status == 200
    assert response.headers["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=600"
    assert snippet in await response.text()
    again = await client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304  # a cheap revalidation once the ten minutes are up


async def test_the_socket_io_client_is_served_from_node_modules(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "socket.io.min.js"
    installed.write_text("/*! Socket.IO v4 */ window.io = function () {};")
    monkeypatch.setattr(widget, "SOCKET_IO_CLIENT", installed)

    response = await client.get("/widget/socket.io.min.js")

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert await response.text() == installed.read_text()


async def test_a_missing_socket_io_client_is_a_503_that_says_to_run_make_setup(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widget, "SOCKET_IO_CLIENT", tmp_path / "node_modules" / "socket.io.min.js")

    response = await client.get("/widget/socket.io.min.js")

    assert response.status == 503
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Cache-Control"] == "no-store"
    assert "make setup" in await response.text()


def test_the_project_installs_socket_io_client_4_with_npm() -> None:
    """package.json pins the client Rasa's python-socketio 5 (Engine.IO 4) speaks to."""
    package = (PROJECT_ROOT / "package.json").read_text()
    assert re.search(r'"socket\.io-client": "\^4\.', package)
    assert (PROJECT_ROOT / "package-lock.json").is_file()


async def test_the_demo_page_embeds_the_widget_with_the_rasa_port_by_default(client: TestClient) -> None:
    rasa_port = get_settings().rasa_port

    response = await client.get("/")
    html = await response.text()

    assert response.status == 200
    assert '<h1 id="hero-title">Juniper Ridge Recovery Center</h1>' in html
    assert "In danger?" in html and 'href="tel:988"' in html and 'href="tel:911"' in html
    tag = script_tag(html)
    assert f'data-server="http://127.0.0.1:{rasa_port}"' in tag
    assert 'data-center-name="Juniper Ridge"' in tag and 'data-color="#0f5f5c"' in tag
    csp = response.headers["Content-Security-Policy"]
    assert f"connect-src 'self' http://127.0.0.1:{rasa_port} ws://127.0.0.1:{rasa_port};" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-cache"


async def test_the_demo_page_uses_the_name_the_browser_used(client: TestClient) -> None:
    rasa_port = get_settings().rasa_port

    response = await client.get("/", headers={"Host": "localhost:8080"})

    assert f'data-server="http://localhost:{rasa_port}"' in script_tag(await response.text())


@pytest.mark.parametrize("host", ["evil.example; script-src *", "a b", "'quoted'"])
async def test_a_strange_host_header_cannot_write_the_csp(client: TestClient, host: str) -> None:
    rasa_port = get_settings().rasa_port

    response = await client.get("/", headers={"Host": host})

    assert response.status == 200
    assert (
        f"connect-src 'self' http://localhost:{rasa_port} ws://localhost:{rasa_port};"
        in response.headers["Content-Security-Policy"]
    )


@pytest.mark.parametrize(
    "configured, data_server, origin",
    [
        ("https://chat.juniperridge.example/", "https://chat.juniperridge.example", "chat.juniperridge.example"),
        # Rasa behind a proxy, under a path: the CSP names the origin, so socket.io's path is allowed.
        ("https://juniperridge.example/chat", "https://juniperridge.example/chat", "juniperridge.example"),
    ],
)
async def test_chat_server_url_is_used_when_set(  # type: ignore[no-untyped-def]
    service_env: Path, monkeypatch: pytest.MonkeyPatch, aiohttp_client, configured: str, data_server: str, origin: str
) -> None:
    monkeypatch.setenv("CHAT_SERVER_URL", configured)
    get_settings.cache_clear()
    client = await aiohttp_client(create_app(get_settings()))

    response = await client.get("/")

    assert f'data-server="{data_server}"' in script_tag(await response.text())
    assert f"connect-src 'self' https://{origin} wss://{origin};" in response.headers["Content-Security-Policy"]


async def test_the_demo_page_shows_the_centers_data(client: TestClient, program_copy: Path) -> None:
    center = (program_copy / "center.yml").read_text().replace("(760) 555-0141", "(760) 555-0199")
    (program_copy / "center.yml").write_text(center)

    html = await (await client.get("/")).text()

    assert "Adult Evening IOP" in html and "Mon, Tue and Thu 6:00 pm–9:00 pm" in html
    assert "Blue Cross Blue Shield" in html and "$850 to $1,200" in html
    assert 'href="tel:+17605550199"' in html  # an edit to the data shows on the next request
    assert "HSA and FSA cards" in html  # the data's capitals are kept


async def test_the_demo_page_is_a_503_while_the_program_data_is_broken(client: TestClient, program_copy: Path) -> None:
    (program_copy / "center.yml").write_text("center: [")

    response = await client.get("/")

    assert response.status == 503 and "call us" in await response.text()
