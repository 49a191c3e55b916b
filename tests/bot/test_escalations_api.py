"""The escalation JSON API of the web app: token, listing, detail, acknowledge, resolve, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest
from aiohttp.test_utils import TestClient

from bot.safety.escalations import record_crisis_events
from bot.settings import get_settings
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from bot.web.app import create_app
from tests.bot.safety.conftest import user_event


@pytest.fixture
async def client(service_env: Path, aiohttp_client) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(get_settings()))


@pytest.fixture
def auth(service_env: Path) -> Dict[str, str]:
    return {"Authorization": f"Bearer {get_settings().api_token()}"}


@pytest.fixture
def escalation_id(service_env: Path) -> str:
    engine = make_engine(service_env)
    migrate(engine)
    [escalation_id] = record_crisis_events(engine, "conv-9", [user_event("my friend won't wake up", "crisis", "overdose")])
    engine.dispose()
    return escalation_id


async def test_list_and_detail(client: TestClient, auth: Dict[str, str], escalation_id: str) -> None:
    listing = await (await client.get("/api/escalations?status=open", headers=auth)).json()
    assert [e["id"] for e in listing["escalations"]] == [escalation_id]
    detail = await client.get(f"/api/escalations/{escalation_id}", headers=auth)
    data = await detail.json()
    assert detail.status == 200 and data["crisis_type"] == "overdose" and data["conversation_id"] == "conv-9"
    assert data["messages"][0]["message"] == "my friend won't wake up" and data["created_at"].endswith("Z")
    assert [n["event"] for n in data["notifications"]] == ["escalation.created"]


async def test_acknowledge_then_resolve(client: TestClient, auth: Dict[str, str], escalation_id: str) -> None:
    response = await client.post(
        f"/api/escalations/{escalation_id}/acknowledge", json={"by": "Dana Ortiz", "note": "calling"}, headers=auth
    )
    data = await response.json()
    assert response.status == 200 and data["status"] == "acknowledged" and data["acknowledged_by"] == "Dana Ortiz"
    again = await client.post(f"/api/escalations/{escalation_id}/acknowledge", json={"by": "Dana Ortiz"}, headers=auth)
    assert again.status == 409 and "acknowledged" in (await again.json())["error"]
    resolved = await client.post(f"/api/escalations/{escalation_id}/resolve", json={"by": "Dana Ortiz"}, headers=auth)
    assert (await resolved.json())["status"] == "resolved"


@pytest.mark.parametrize(
    "body, expected",
    [
        ({}, "by: field required"),
        ({"by": "   "}, "by: ensure this value has at least 1 characters"),
        ({"by": "x" * 121}, "by: ensure this value has at most 120 characters"),
        ({"by": "Dana", "extra": 1}, "extra: extra fields not permitted"),
    ],
)
async def test_bad_bodies_are_explained(
    client: TestClient, auth: Dict[str, str], escalation_id: str, body: dict, expected: str
) -> None:
    response = await client.post(f"/api/escalations/{escalation_id}/acknowledge", json=body, headers=auth)
    assert response.status == 400 and expected in (await response.json())["error"]


async def test_body_that_is_not_json(client: TestClient, auth: Dict[str, str], escalation_id: str) -> None:
    response = await client.post(f"/api/escalations/{escalation_id}/resolve", data="by=Dana", headers=auth)
    assert response.status == 400 and "must be JSON" in (await response.json())["error"]


@pytest.mark.parametrize(
    "query, expected", [("status=closed", "status must be one of"), ("limit=x", "whole number"), ("limit=0", "between 1 and 500")]
)
async def test_bad_queries_are_explained(client: TestClient, auth: Dict[str, str], query: str, expected: str) -> None:
    response = await client.get(f"/api/escalations?{query}", headers=auth)
    assert response.status == 400 and expected in (await response.json())["error"]


async def test_unknown_escalation_is_404(client: TestClient, auth: Dict[str, str]) -> None:
    assert (await client.get("/api/escalations/nope", headers=auth)).status == 404
    assert (await client.post("/api/escalations/nope/resolve", json={"by": "Dana"}, headers=auth)).status == 404
