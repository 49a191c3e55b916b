"""``GET /api/openapi.json``: the OpenAPI 3.0.3 description of every route under /api/.

Readable without signing in. It is built from the code it describes, so the two cannot drift:

- query parameters from the handlers' :class:`~bot.web.api.common.Query` models (names, types,
  bounds, defaults, descriptions);
- request bodies from their pydantic models;
- response schemas from the dataclasses the handlers encode (``bot/records/`` and the API's own),
  walked through their type hints: ``Optional`` is ``nullable``, the transcript's turns are a
  ``oneOf`` told apart by ``kind``, and every object lists all its fields as ``required`` with
  ``additionalProperties: false`` (the tests validate real answers against these schemas);
- who may call each operation from the permission table (bot/staff/roles.py).

tests/bot/api/test_openapi.py checks that every /api/ route of the router is here with the same
methods and the other way round, and validates the document with openapi-spec-validator.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import re
import typing
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

from aiohttp import web
from pydantic import BaseModel

from bot.leads.work import LeadNote
from bot.records.clients import ClientOverview
from bot.records.dashboard import Dashboard
from bot.review.stats import ReviewFigures
from bot.staff.roles import ROLES, Permission, Role, allowed
from bot.staff.sessions import COOKIE_NAME
from bot.web.api import audit, clients, conversations, dashboard, escalations, leads, me, review
from bot.web.api.common import json_response

OPENAPI_VERSION = "3.0.3"
API_VERSION = "1.0.0"
REF = "#/components/schemas/"
READ_SECURITY: List[Dict[str, List[str]]] = [{"session": []}, {"bearer": []}]
WRITE_SECURITY: List[Dict[str, List[str]]] = [{"session": [], "csrf": []}, {"bearer": []}]
_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


# --- schemas from type hints ----------------------------------------------------------------------


class Schemas:
    """Collects ``components/schemas`` while turning types into schemas."""

    def __init__(self) -> None:
        self.components: Dict[str, Dict[str, Any]] = {}
        self._classes: Dict[str, type] = {}

    def ref(self, cls: type, schema: Optional[Dict[str, Any]] = None) -> Dict[str, str]:
        """A ``$ref`` to ``cls``'s schema, made the first time it is asked for."""
        name = cls.__name__
        if self._classes.setdefault(name, cls) is not cls:
            raise ValueError(f"two different classes are both named {name}: the schema names would clash")
        if name not in self.components:
            self.components[name] = {}  # a placeholder: a class may refer to itself
            self.components[name] = schema if schema is not None else self._object(cls)
        return {"$ref": REF + name}

    def named(self, name: str, schema: Dict[str, Any]) -> Dict[str, str]:
        if name in self.components and self.components[name] != schema:
            raise ValueError(f"two different schemas are both named {name}")
        self.components[name] = schema
        return {"$ref": REF + name}

    def _object(self, cls: type) -> Dict[str, Any]:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls!r} is not a dataclass")
        hints = typing.get_type_hints(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        schema: Dict[str, Any] = {
            "type": "object",
            "required": names,
            "properties": {name: self.of(hints[name]) for name in names},
            "additionalProperties": False,
        }
        doc = (cls.__doc__ or "").strip()
        if doc and not doc.startswith(f"{cls.__name__}("):  # not dataclass's generated signature
            schema["description"] = " ".join(doc.split())
        return schema

    def of(self, hint: Any) -> Dict[str, Any]:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if hint is Any:
            return {"nullable": True, "description": "Any JSON value."}
        if origin is Union:
            present = [a for a in args if a is not type(None)]
            nullable = len(present) < len(args)
            schema = self.of(present[0]) if len(present) == 1 else self._one_of(present)
            if nullable and "$ref" in schema:
                # OpenAPI 3.0.3: nullable counts only next to a type (never beside a $ref), hence the
                # second branch; the outer nullable is for validators that read it on any schema.
                schema = {"anyOf": [schema, {"type": "object", "nullable": True, "enum": [None]}], "nullable": True}
            elif nullable:
                schema = {**schema, "nullable": True}
            return schema
        if origin in (list, List, Sequence, tuple):
            return {"type": "array", "items": self.of(args[0])}
        if origin in (dict, Dict):
            return {"type": "object", "additionalProperties": self.of(args[1])}
        if origin is typing.Literal:
            return {"type": "string", "enum": list(args)}
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return self.ref(hint)
        if isinstance(hint, type) and issubclass(hint, Role):
            return {"type": "string", "enum": list(ROLES)}
        simple = {
            bool: {"type": "boolean"},
            int: {"type": "integer"},
            float: {"type": "number"},
            str: {"type": "string"},
            dt.datetime: {"type": "string", "format": "date-time", "example": "2026-03-20T19:00:00Z"},
            dt.date: {"type": "string", "format": "date", "example": "2026-03-20"},
        }
        for kind, schema in simple.items():
            if hint is kind:
                return dict(schema)
        raise TypeError(f"no schema for {hint!r}")

    def _one_of(self, options: Sequence[Any]) -> Dict[str, Any]:
        refs = [self.of(option) for option in options]
        kinds = {}
        for option, ref in zip(options, refs):
            kind = (
                next((f.default for f in dataclasses.fields(option) if f.name == "kind"), None)
                if dataclasses.is_dataclass(option)
                else None
            )
            if not isinstance(kind, str):
                return {"oneOf": refs}
            kinds[kind] = ref["$ref"]
        return {"oneOf": refs, "discriminator": {"propertyName": "kind", "mapping": kinds}}


def body_schema(model: Type[BaseModel]) -> Dict[str, Any]:
    """A request body's schema from its pydantic model (an Optional field is ``nullable``)."""
    schema = model.schema()
    properties = {}
    for name, prop in schema.get("properties", {}).items():
        prop = {key: value for key, value in prop.items() if key != "title"}
        if model.__fields__[name].allow_none:
            prop["nullable"] = True
        properties[name] = prop
    result: Dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if schema.get("required"):
        result["required"] = list(schema["required"])
    if model.__doc__:
        result["description"] = " ".join(model.__doc__.split())
    return result


def query_parameters(model: Type[BaseModel]) -> List[Dict[str, Any]]:
    schema = model.schema()
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = {key: value for key, value in prop.items() if key != "title"}
        parameter: Dict[str, Any] = {"name": name, "in": "query", "required": name in schema.get("required", [])}
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        parameter["schema"] = prop
        parameters.append(parameter)
    return parameters


# --- the operations ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    tag: str
    summary: str
    response: Any  # a dataclass, or a schema
    permissions: Tuple[Permission, ...] = ()  # any one of them lets in; () = any signed-in principal
    description: str = ""
    query: Optional[Type[BaseModel]] = None
    body: Optional[Type[BaseModel]] = None
    status: int = 200
    errors: Tuple[int, ...] = ()
    public: bool = False
    csv: bool = False


def _escalation_schemas(schemas: Schemas) -> Dict[str, Dict[str, str]]:
    text = {"type": "string"}
    nullable_text = {"type": "string", "nullable": True}
    when = {"type": "string", "format": "date-time"}
    nullable_when = {"type": "string", "format": "date-time", "nullable": True}
    fields = {
        "id": text,
        "conversation_id": text,
        "crisis_type": {"type": "string", "description": "The most urgent kind of danger seen, e.g. suicide, overdose."},
        "message": {"type": "string", "description": "The first crisis message."},
        "created_at": when,
        "last_message_at": when,
        "status": {"type": "string", "enum": ["open", "acknowledged", "resolved"]},
        "acknowledged_by": nullable_text,
        "acknowledged_at": nullable_when,
        "resolved_by": nullable_text,
        "resolved_at": nullable_when,
        "note": nullable_text,
        "reminders_sent": {"type": "integer"},
        "last_reminder_at": nullable_when,
    }

    def obj(properties: Dict[str, Any], description: str = "") -> Dict[str, Any]:
        schema: Dict[str, Any] = {
            "type": "object",
            "required": list(properties),
            "properties": properties,
            "additionalProperties": False,
        }
        if description:
            schema["description"] = description
        return schema

    escalation = schemas.named("Escalation", obj(fields, "A crisis escalation."))
    message = schemas.named("EscalationMessage", obj({"crisis_type": text, "message": text, "at": when}))
    notification = schemas.named(
        "Notification",
        obj(
            {
                "id": text,
                "event": {"type": "string", "description": "escalation.created, escalation.updated or escalation.unacknowledged"},
                "target": {"type": "string", "enum": ["primary", "backup"]},
                "created_at": when,
                "attempts": {"type": "integer"},
                "delivered_at": nullable_when,
                "last_status": {"type": "integer", "nullable": True},
                "last_error": nullable_text,
            },
            "A notification to staff about the escalation (the outbox).",
        ),
    )
    detail = schemas.named(
        "EscalationDetail",
        obj(
            {
                **fields,
                "messages": {"type": "array", "items": message},
                "notifications": {"type": "array", "items": notification},
            },
            "A crisis escalation with every crisis message and its notifications.",
        ),
    )
    listing = schemas.named("EscalationList", obj({"escalations": {"type": "array", "items": escalation}}))
    return {"detail": detail, "list": listing}


def _dashboard_schema(schemas: Schemas) -> Dict[str, str]:
    schemas.ref(Dashboard)
    schema = dict(schemas.components["Dashboard"])
    hidden = (*dashboard.ESCALATION_FIGURES, *dashboard.LEAD_FIGURES)
    schema["required"] = [name for name in schema["required"] if name not in hidden]
    schema["description"] = (
        "The figures of the period. open_escalations and unresolved_escalations are present only for "
        "roles with the escalations permission; new_leads and leads_in_period only for roles with leads."
    )
    schemas.components["Dashboard"] = schema
    return {"$ref": REF + "Dashboard"}


def operations(schemas: Schemas) -> List[Operation]:
    esc = _escalation_schemas(schemas)
    conversation_access = (Permission.PROSPECT_CONVERSATIONS, Permission.CLIENT_CONVERSATIONS)
    return [
        Operation("get", "/api/openapi.json", "get_openapi", "meta", "This document", {"type": "object"}, public=True),
        Operation("get", "/api/me", "get_me", "meta", "Who am I: name, role and permissions", me.Me),
        Operation(
            "get",
            "/api/dashboard",
            "get_dashboard",
            "dashboard",
            "The dashboard's figures for the role",
            _dashboard_schema(schemas),
            (Permission.DASHBOARD,),
            query=dashboard.DashboardQuery,
            errors=(400,),
        ),
        Operation(
            "get",
            "/api/conversations",
            "list_conversations",
            "conversations",
            "Conversations the role may see, newest first",
            conversations.ConversationPage,
            conversation_access,
            query=conversations.ConversationQuery,
            errors=(400,),
            description="admissions: prospects; clinician: enrolled clients' conversations and prospects' with an escalation; admin: all.",
        ),
        Operation(
            "get",
            "/api/conversations/{conversation_id}",
            "get_transcript",
            "conversations",
            "One conversation's transcript",
            conversations.TranscriptView,
            conversation_access,
            errors=(404,),
            description="403 when the role may not see this conversation. Every view is written to the audit log (transcript.view).",
        ),
        Operation(
            "get",
            "/api/escalations",
            "list_escalations",
            "escalations",
            "Crisis escalations, newest first",
            esc["list"],
            (Permission.ESCALATIONS,),
            query=escalations.EscalationQuery,
            errors=(400,),
        ),
        Operation(
            "get",
            "/api/escalations/{escalation_id}",
            "get_escalation",
            "escalations",
            "One escalation with its messages and notifications",
            esc["detail"],
            (Permission.ESCALATIONS,),
            errors=(404,),
        ),
        Operation(
            "post",
            "/api/escalations/{escalation_id}/acknowledge",
            "acknowledge_escalation",
            "escalations",
            "Acknowledge an open escalation",
            esc["detail"],
            (Permission.ESCALATIONS,),
            body=escalations.EscalationAction,
            errors=(400, 404, 409),
            description="Audit: escalation.acknowledge. 409 unless the escalation is open.",
        ),
        Operation(
            "post",
            "/api/escalations/{escalation_id}/resolve",
            "resolve_escalation",
            "escalations",
            "Resolve an open or acknowledged escalation",
            esc["detail"],
            (Permission.ESCALATIONS,),
            body=escalations.EscalationAction,
            errors=(400, 404, 409),
            description="Audit: escalation.resolve. 409 when it is already resolved.",
        ),
        Operation(
            "get",
            "/api/leads",
            "list_leads",
            "leads",
            "Callback requests (leads), newest first",
            leads.LeadPage,
            (Permission.LEADS,),
            query=leads.LeadQuery,
            errors=(400,),
        ),
        Operation(
            "get",
            "/api/leads.csv",
            "export_leads",
            "leads",
            "Every lead (or one status) as CSV",
            {"type": "string"},
            (Permission.LEADS,),
            query=leads.ExportQuery,
            errors=(400,),
            csv=True,
            description="RFC 4180 CSV with a header row, oldest first; cells that a spreadsheet would run as a formula start with '. Audit: leads.export.",
        ),
        Operation(
            "get",
            "/api/leads/{lead_id}",
            "get_lead",
            "leads",
            "One lead with its notes and status changes",
            leads.LeadDetail,
            (Permission.LEADS,),
            errors=(404,),
        ),
        Operation(
            "patch",
            "/api/leads/{lead_id}",
            "change_lead",
            "leads",
            "Move a lead to another status",
            leads.LeadDetail,
            (Permission.LEADS,),
            body=leads.LeadChange,
            errors=(400, 404, 409),
            description="409 with the reason when the workflow does not allow the change. Audit: lead.status.",
        ),
        Operation(
            "post",
            "/api/leads/{lead_id}/notes",
            "add_lead_note",
            "leads",
            "Add a note to a lead",
            LeadNote,
            (Permission.LEADS,),
            body=leads.NewNote,
            status=201,
            errors=(400, 404),
        ),
        Operation(
            "get", "/api/clients", "list_clients", "clients", "Enrolled clients", clients.ClientList, (Permission.CLIENTS,)
        ),
        Operation(
            "get",
            "/api/clients/{client_id}",
            "get_client",
            "clients",
            "One client's check-ins, skills used and last contact",
            ClientOverview,
            (Permission.CLIENTS,),
            errors=(404,),
        ),
        Operation(
            "get",
            "/api/audit",
            "list_audit",
            "audit",
            "The audit log, newest first",
            audit.AuditPage,
            (Permission.AUDIT,),
            query=audit.AuditQuery,
            errors=(400,),
        ),
        Operation(
            "get",
            "/api/review",
            "list_review",
            "review",
            "The review inbox: messages the assistant was unsure of, one row per message however often written",
            review.ReviewPage,
            (Permission.REVIEW,),
            query=review.ReviewQuery,
            errors=(400,),
            description=(
                "Reasons: fallback, out_of_scope, low_confidence, ambiguous, screening, rephrased, flagged. "
                "Rows from an enrolled client's conversation only for roles that may open those conversations."
            ),
        ),
        Operation(
            "get",
            "/api/review/intents",
            "list_review_intents",
            "review",
            "Every intent a message can be labelled with, with a one-line description and an example",
            review.IntentOptions,
            (Permission.REVIEW,),
        ),
        Operation(
            "get",
            "/api/review/figures",
            "get_review_figures",
            "review",
            "The review inbox's figures: per week, rows to label, missed crises, top confusions",
            ReviewFigures,
            (Permission.REVIEW,),
            description=(
                "Weeks start on Monday in the center's timezone, the last holds today. missed_crises (the total "
                "and per week) is null for roles without the escalations permission."
            ),
        ),
        Operation(
            "post",
            "/api/review/{key}/label",
            "label_review_row",
            "review",
            "Say what a row's messages meant",
            review.Labelled,
            (Permission.REVIEW,),
            body=review.LabelBody,
            errors=(400, 404),
            description=(
                "Replaces the row's label. Audit: review.label. Labelling as crisis a message the safety net did not "
                "treat as one counts it as a missed crisis, and raises an escalation now when its conversation was "
                "active in the last 24 hours and nobody was alerted since."
            ),
        ),
        Operation(
            "post",
            "/api/conversations/{conversation_id}/flag",
            "flag_message",
            "review",
            "Send one user message of a transcript to the review inbox",
            review.Flagged,
            (Permission.REVIEW,),
            body=review.FlagBody,
            status=201,
            errors=(400, 404),
            description="403 when the role may not open the conversation. Audit: review.flag.",
        ),
    ]


PATH_PARAMETERS: Dict[str, Dict[str, Any]] = {
    "conversation_id": {"description": "The conversation (Rasa sender) id.", "schema": {"type": "string"}},
    "escalation_id": {"description": "The escalation's id.", "schema": {"type": "string"}},
    "lead_id": {"description": "The lead's id.", "schema": {"type": "integer", "minimum": 0}},
    "client_id": {"description": "The enrolled client's id, e.g. C-1.", "schema": {"type": "string"}},
    "key": {
        "description": "An inbox row's key: the SHA-256 of the message's normalized text.",
        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}

ERRORS = {
    400: ("BadRequest", "A parameter or the body is not what the route expects; error says which and why."),
    401: ("Unauthorized", "Not signed in, or an unknown API token."),
    403: ("Forbidden", "The role does not give access to this, or a change from a session lacks its CSRF token (X-CSRF-Token)."),
    404: ("NotFound", "No such resource."),
    409: ("Conflict", "The change is not possible in the resource's current state; error says why."),
}


def _roles(permissions: Tuple[Permission, ...]) -> List[str]:
    return [role.value for role in Role if not permissions or any(allowed(role, p) for p in permissions)]


def _operation(op: Operation, schemas: Schemas) -> Dict[str, Any]:
    response_schema = schemas.of(op.response) if isinstance(op.response, type) else op.response
    content_type = "text/csv" if op.csv else "application/json"
    success: Dict[str, Any] = {
        "description": "OK" if op.status == 200 else "Created",
        "content": {content_type: {"schema": response_schema}},
    }
    if op.csv:
        success["headers"] = {
            "Content-Disposition": {"description": 'attachment; filename="leads-2026-03-20.csv"', "schema": {"type": "string"}}
        }
    responses: Dict[str, Any] = {str(op.status): success}
    errors = set(op.errors) | (set() if op.public else {401, 403})
    for status in sorted(errors):
        responses[str(status)] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    who = ", ".join(_roles(op.permissions))
    access = (
        "Public."
        if op.public
        else f"Roles: {who}"
        + (f" (permission {' or '.join(p.value for p in op.permissions)})." if op.permissions else " (any signed-in principal).")
    )
    result: Dict[str, Any] = {
        "operationId": op.operation_id,
        "tags": [op.tag],
        "summary": op.summary,
        "description": " ".join(part for part in (op.description, access) if part),
        "responses": responses,
        "security": [] if op.public else (WRITE_SECURITY if op.method in ("post", "patch", "put", "delete") else READ_SECURITY),
    }
    if not op.public:
        result["x-roles"] = _roles(op.permissions)
    parameters = [
        {"name": name, "in": "path", "required": True, **PATH_PARAMETERS[name]} for name in _PATH_PARAMETER.findall(op.path)
    ]
    if op.query is not None:
        parameters += query_parameters(op.query)
    if parameters:
        result["parameters"] = parameters
    if op.body is not None:
        reference = schemas.named(op.body.__name__, body_schema(op.body))
        result["requestBody"] = {"required": True, "content": {"application/json": {"schema": reference}}}
    return result


def _error_components() -> Dict[str, Any]:
    responses: Dict[str, Any] = {}
    for status, (name, description) in ERRORS.items():
        response: Dict[str, Any] = {
            "description": description,
            "content": {
                "application/json": {"schema": {"$ref": REF + "Error"}, "example": {"error": description, "status": status}}
            },
        }
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"description": 'Bearer realm="companion"', "schema": {"type": "string"}}}
        responses[name] = response
    return responses


def document() -> Dict[str, Any]:
    """The OpenAPI document: a copy of the one built at the first call, the caller's to change."""
    return copy.deepcopy(_document())


@functools.lru_cache(maxsize=1)
def _document() -> Dict[str, Any]:
    schemas = Schemas()
    schemas.named(
        "Error",
        {
            "type": "object",
            "required": ["error", "status"],
            "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
            "additionalProperties": False,
        },
    )
    paths: Dict[str, Dict[str, Any]] = {}
    for op in operations(schemas):
        paths.setdefault(op.path, {})[op.method] = _operation(op, schemas)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Recovery companion: staff API",
            "version": API_VERSION,
            "description": (
                "The staff console's data as JSON, for integrations and tests. Sign in to the console "
                f"(the {COOKIE_NAME} cookie; every POST and PATCH then needs the session's CSRF token in "
                "X-CSRF-Token, see GET /api/me), or send 'Authorization: Bearer <STAFF_API_TOKEN>' (acts as an "
                "admin, needs no CSRF token, and is audited as api-token). Errors are JSON: "
                '{"error": "...", "status": 400}. Times are ISO 8601 in UTC (Z); dates and day filters are '
                "in the center's timezone."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": name}
            for name in ("meta", "dashboard", "conversations", "escalations", "leads", "clients", "review", "audit")
        ],
        "security": READ_SECURITY,
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "responses": _error_components(),
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": COOKIE_NAME,
                    "description": "A staff session from the console's log-in page.",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRF-Token",
                    "description": "The session's CSRF token (GET /api/me gives it): required on every POST and PATCH made with the session cookie.",
                },
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The integration token STAFF_API_TOKEN: acts as an admin, needs no CSRF token.",
                },
            },
        },
    }


async def get_openapi(request: web.Request) -> web.Response:
    response = json_response(_document())
    response.headers["Cache-Control"] = "no-cache"
    return response
