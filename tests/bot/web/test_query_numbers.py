"""Every number a console page or /api route reads from its query string, given one too large for
the database (or for any integer type): a 400 that names the parameter, never a 500."""

from __future__ import annotations

from typing import Any, Callable, List, Tuple

import pytest

from bot.web.api.openapi import document

CONSOLE = [
    ("/console/conversations", "page"),
    ("/console/leads", "page"),
    ("/console/audit", "page"),
    ("/console/", "days"),
    ("/console/live/c-prospect/events", "after"),
]
TOO_LARGE = [str(2**63), "9" * 30]


def api_numbers() -> List[Tuple[str, str]]:
    """(path, parameter) for every integer query parameter in the API's own description."""
    found = []
    for path, operations in document()["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["schema"].get("type") == "integer":
                    found.append((path, parameter["name"]))
    return found


def test_the_api_has_integer_parameters_to_check() -> None:
    assert ("/api/audit", "offset") in api_numbers() and len(api_numbers()) >= 6


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize("path, name", CONSOLE + api_numbers())
async def test_a_number_too_large_is_a_400_naming_the_parameter(
    as_role: Callable[..., Any], path: str, name: str, value: str
) -> None:
    client = await as_role("admin")
    response = await client.get(path, params={name: value}, headers={"Accept": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"].startswith(name)
