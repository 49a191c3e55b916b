"""The web app: health check against the real database and data, error pages, start page."""
from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.settings import get_settings
from bot.web.app import create_app


@pytest.fixture
async def client(service_env: Path, aiohttp_client) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(get_settings()))


async def test_healthz_ok(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "checks": {"database": "ok", "program_data": "ok"}}


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
