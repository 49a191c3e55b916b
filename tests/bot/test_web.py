"""The web app: health check against the real database and data, error pages, start page."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.settings import PROJECT_ROOT, get_settings
from bot.web.app import create_app


@pytest.fixture
async def client(service_env: Path, aiohttp_client) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(get_settings()))


async def healthz_once_meetings_settle(client: TestClient) -> Any:
    """The meeting refresher imports the feeds in the background just after start."""
    for _ in range(100):
        response = await client.get("/healthz")
        body = await response.json()
        if not body["checks"]["meetings"].startswith("empty"):
            return response, body
        await asyncio.sleep(0.1)
    return response, body


async def test_healthz_ok(client: TestClient) -> None:
    response, body = await healthz_once_meetings_settle(client)
    assert response.status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "program_data": "ok", "meetings": "ok"}}


async def test_healthz_reports_a_failing_meeting_source_without_an_outage(
    service_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    aiohttp_client,  # type: ignore[no-untyped-def]
) -> None:
    meetings = tmp_path / "meetings"
    shutil.copytree(PROJECT_ROOT / "data" / "meetings", meetings)
    sources = (meetings / "sources.yml").read_text().replace("demo/ca.json", "demo/missing.json")
    (meetings / "sources.yml").write_text(sources)
    monkeypatch.setenv("MEETINGS_DIR", str(meetings))
    get_settings.cache_clear()
    client = await aiohttp_client(create_app(get_settings()))
    # The refresher imports the sources one by one at start-up: until one has meetings, the check
    # rightly says "empty". Wait for the failing source to be recorded and the others imported.
    for _ in range(200):
        body = await (await client.get("/healthz")).json()
        if "meeting_sources_failing" in body and body["checks"]["meetings"] == "ok":
            break
        await asyncio.sleep(0.1)
    assert body["status"] == "ok" and body["checks"]["meetings"] == "ok"
    assert "missing.json does not exist" in body["meeting_sources_failing"]["demo-ca"]


async def test_healthz_degraded_when_no_meetings_could_be_imported(
    service_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    aiohttp_client,  # type: ignore[no-untyped-def]
) -> None:
    meetings = tmp_path / "meetings"
    meetings.mkdir()
    (meetings / "sources.yml").write_text("sources:\n  - {name: only, format: bmlt, path: nothing.json}\n")
    monkeypatch.setenv("MEETINGS_DIR", str(meetings))
    get_settings.cache_clear()
    client = await aiohttp_client(create_app(get_settings()))
    for _ in range(100):
        response = await client.get("/healthz")
        body = await response.json()
        if "meeting_sources_failing" in body:
            break
        await asyncio.sleep(0.1)
    assert response.status == 503 and body["checks"]["meetings"].startswith("empty")


async def test_healthz_degraded_when_program_data_is_broken(service_env: Path, program_copy: Path, aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    (program_copy / "center.yml").write_text("center: [")
    client = await aiohttp_client(create_app(get_settings()))
    response = await client.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["status"] == "degraded" and "check-data" in body["checks"]["program_data"]


async def test_start_page_names_the_center_and_crisis_lines(client: TestClient) -> None:
    response = await client.get("/")
    text = await response.text()
    assert response.status == 200 and "Juniper Ridge Recovery Center" in text and "988" in text


async def test_unknown_page_is_a_friendly_404(client: TestClient) -> None:
    response = await client.get("/nope")
    assert response.status == 404 and "Error 404" in await response.text()


async def test_unknown_api_route_is_json(client: TestClient) -> None:
    token = get_settings().api_token()
    response = await client.get("/api/nope", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 404 and (await response.json())["status"] == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-wrong-token", "Basic abc", "Bearer "])
async def test_api_needs_the_token(client: TestClient, header: str) -> None:
    response = await client.get("/api/escalations", headers={"Authorization": header} if header else {})
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "STAFF_API_TOKEN" in (await response.json())["error"]
