"""/api/openapi.json: public, valid OpenAPI 3.0.3, the router's /api/ routes exactly, the guards'
roles, and real answers that match the documented schemas."""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Set, Tuple

import pytest
from jsonschema import RefResolver
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate_spec

from bot.staff.roles import Role, allowed
from bot.web.api.openapi import document
from tests.bot.api.conftest import Api
from tests.bot.records.conftest import World

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def router_operations(api: Api) -> Dict[Tuple[str, str], Any]:
    return {
        (route.method.lower(), route.resource.canonical): route.handler
        for route in api.client.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/api/") and route.method != "HEAD"
    }


def documented(doc: Dict[str, Any]) -> Set[Tuple[str, str]]:
    return {(method, path) for path, item in doc["paths"].items() for method in item if method in METHODS}


async def test_readable_without_signing_in_and_valid(api: Api) -> None:
    status, doc = await api.use("anonymous").call("GET", "/api/openapi.json")
    assert status == 200 and doc["openapi"] == "3.0.3"
    validate_spec(copy.deepcopy(doc))  # raises on any structural problem; it changes what it checks
    assert doc == document()


async def test_every_api_route_is_documented_with_its_methods_and_nothing_else(api: Api) -> None:
    assert set(router_operations(api)) == documented(document())


def test_the_validator_would_notice_a_broken_document() -> None:
    broken = document()
    del broken["paths"]["/api/leads/{lead_id}"]["get"]["parameters"]
    with pytest.raises(Exception, match="lead_id"):
        validate_spec(broken)
    dangling = document()
    dangling["paths"]["/api/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Nope"
    }
    with pytest.raises(Exception, match="Nope"):
        validate_spec(dangling)


async def test_documented_roles_are_the_guards(api: Api) -> None:
    doc = document()
    for (method, path), handler in router_operations(api).items():
        operation = doc["paths"][path][method]
        if operation["security"] == []:
            assert not hasattr(handler, "permission") and not hasattr(handler, "permissions"), path
            continue
        needed = [handler.permission] if hasattr(handler, "permission") else list(getattr(handler, "permissions", []))
        roles = [role.value for role in Role if not needed or any(allowed(role, p) for p in needed)]
        assert operation["x-roles"] == roles, (method, path)


def test_security_schemes_and_which_operations_need_the_csrf_token() -> None:
    doc = document()
    schemes = {
        name: {k: v for k, v in scheme.items() if k != "description"}
        for name, scheme in doc["components"]["securitySchemes"].items()
    }
    assert schemes == {
        "session": {"type": "apiKey", "in": "cookie", "name": "companion_staff"},
        "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
        "bearer": {"type": "http", "scheme": "bearer"},
    }
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if path == "/api/openapi.json":
                assert operation["security"] == []
            elif method in ("post", "patch"):
                assert operation["security"] == [{"session": [], "csrf": []}, {"bearer": []}], path
            else:
                assert operation["security"] == [{"session": []}, {"bearer": []}], path
            if operation["security"]:
                assert {"401", "403"} <= set(operation["responses"]), path


async def test_documented_query_parameters_are_the_accepted_ones(api: Api) -> None:
    """Every documented query parameter is accepted with its default; anything else is refused."""
    api.use("token")
    for path, item in document()["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        for parameter in query:
            if "default" in parameter["schema"]:
                status, body = await api.call("GET", f"{path}?{parameter['name']}={parameter['schema']['default']}")
                assert status == 200, (path, parameter["name"], body)
        if path != "/api/openapi.json" and path != "/api/me" and path != "/api/clients":
            status, body = await api.call("GET", f"{path}?undocumented=1")
            assert status == 400 and "unknown query parameter 'undocumented'" in body["error"], path


def enum_parameters() -> List[Tuple[str, str, List[str]]]:
    found = []
    for path, item in document()["paths"].items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter["in"] == "query" and "enum" in parameter["schema"]:
                found.append((path, parameter["name"], parameter["schema"]["enum"]))
    return found


def test_there_are_enum_parameters_to_check() -> None:
    assert {(path, name) for path, name, _ in enum_parameters()} >= {("/api/escalations", "status"), ("/api/leads", "status")}


@pytest.mark.parametrize("value", ["", "   "])
async def test_an_empty_enum_parameter_is_refused_with_the_values_it_takes(api: Api, value: str) -> None:
    """The schema's enum has no empty value: ``?status=`` is not "every status"."""
    api.use("token")
    for path, name, values in enum_parameters():
        status, body = await api.call("GET", f"{path}?{name}={value}")
        assert status == 400, (path, name)
        assert body["error"].startswith(f"{name} must be one of {', '.join(values)}"), body


BODIES_WITH_BY = [
    ("post", "/api/escalations/{escalation_id}/acknowledge", {}),
    ("patch", "/api/leads/{lead_id}", {"status": "contacted"}),
    ("post", "/api/leads/{lead_id}/notes", {"note": "called back"}),
]


def body_schema_of(doc: Dict[str, Any], method: str, path: str) -> Dict[str, Any]:
    reference = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return doc["components"]["schemas"][reference.rsplit("/", 1)[1]]


@pytest.mark.parametrize("method, path, body", BODIES_WITH_BY)
def test_by_is_documented_as_a_non_blank_string(method: str, path: str, body: Dict[str, Any]) -> None:
    by = body_schema_of(document(), method, path)["properties"]["by"]
    assert (by["type"], by["minLength"], by["pattern"]) == ("string", 1, "\\S")


@pytest.mark.parametrize("principal", ["token", "admin"])
@pytest.mark.parametrize("by", ["", "   "])
@pytest.mark.parametrize("method, path, body", BODIES_WITH_BY)
async def test_a_blank_by_is_refused_whoever_sends_it(
    api: Api, world: World, principal: str, by: str, method: str, path: str, body: Dict[str, Any]
) -> None:
    url = path.format(escalation_id=world.escalation_ids["c-crisis"], lead_id=world.lead_ids["c-prospect"])
    status, answer = await api.use(principal).call(method.upper(), url, {**body, "by": by})
    assert status == 400 and answer["error"].startswith("by: ensure this value has at least 1 characters"), answer


# --- real answers against the documented schemas ------------------------------------------------------


def check(doc: Dict[str, Any], schema: Dict[str, Any], instance: Any) -> List[str]:
    validator = OAS30Validator(schema, resolver=RefResolver.from_schema(doc))
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(instance)]


def response_schema(doc: Dict[str, Any], method: str, path: str, status: int) -> Dict[str, Any]:
    response = doc["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def test_the_schemas_are_strict_enough_to_notice_a_mistake() -> None:
    doc = document()
    schema = response_schema(doc, "get", "/api/me", 200)
    good = {"username": "a", "name": "A", "role": "admin", "permissions": [], "by_token": True, "csrf_token": None}
    assert check(doc, schema, good) == []
    assert check(doc, schema, {**good, "extra": 1}) != []
    assert check(doc, schema, {**good, "role": "janitor"}) != []
    assert check(doc, schema, {k: v for k, v in good.items() if k != "name"}) != []


async def test_real_answers_match_the_documented_schemas(api: Api, world: World) -> None:
    doc = document()
    lead, crisis = world.lead_ids["c-prospect"], world.escalation_ids["c-crisis"]
    calls = [
        ("admin", "get", "/api/me", "/api/me", None, 200),
        ("token", "get", "/api/me", "/api/me", None, 200),
        ("admin", "get", "/api/dashboard", "/api/dashboard", None, 200),
        ("clinician", "get", "/api/dashboard", "/api/dashboard", None, 200),
        ("admin", "get", "/api/conversations", "/api/conversations?per_page=100", None, 200),
        *[
            ("admin", "get", "/api/conversations/{conversation_id}", f"/api/conversations/{c}", None, 200)
            for c in ("c-prospect", "c-crisis", "c-client", "c-old", "c-fallback", "c-widget")
        ],
        ("admin", "get", "/api/escalations", "/api/escalations", None, 200),
        ("admin", "get", "/api/escalations/{escalation_id}", f"/api/escalations/{world.escalation_ids['c-old']}", None, 200),
        (
            "clinician",
            "post",
            "/api/escalations/{escalation_id}/acknowledge",
            f"/api/escalations/{crisis}/acknowledge",
            {"note": "on it"},
            200,
        ),
        ("admin", "get", "/api/leads", "/api/leads", None, 200),
        ("admin", "get", "/api/leads/{lead_id}", f"/api/leads/{world.lead_ids['c-old']}", None, 200),
        ("admissions", "patch", "/api/leads/{lead_id}", f"/api/leads/{lead}", {"status": "contacted"}, 200),
        ("admissions", "post", "/api/leads/{lead_id}/notes", f"/api/leads/{lead}/notes", {"note": "ok"}, 201),
        ("admissions", "patch", "/api/leads/{lead_id}", f"/api/leads/{lead}", {"status": "new"}, 409),
        ("admin", "get", "/api/clients", "/api/clients", None, 200),
        ("admin", "get", "/api/clients/{client_id}", "/api/clients/C-1", None, 200),
        ("admin", "get", "/api/clients/{client_id}", "/api/clients/C-3", None, 200),
        ("admin", "get", "/api/audit", "/api/audit", None, 200),
        ("admin", "get", "/api/conversations", "/api/conversations?page=0", None, 400),
        ("anonymous", "get", "/api/leads", "/api/leads", None, 401),
        ("clinician", "get", "/api/leads", "/api/leads", None, 403),
        ("admin", "get", "/api/clients/{client_id}", "/api/clients/nope", None, 404),
    ]
    problems = []
    for principal, method, route, path, body, status in calls:
        got, answer = await api.use(principal).call(method.upper(), path, body)
        assert got == status, (path, got, answer)
        problems += [f"{method} {path}: {p}" for p in check(doc, response_schema(doc, method, route, status), answer)]
    assert problems == []
    operation = doc["paths"]["/api/leads.csv"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["text/csv"]
