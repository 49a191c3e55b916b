"""What every JSON API handler shares: encoding, query and body parsing, guards, the audit log.

- :func:`jsonable` / :func:`json_response`: dataclasses become objects (``Page`` included, with
  ``pages``), datetimes ISO 8601 in UTC with a ``Z`` (``2026-03-20T19:00:00Z``), dates
  ``2026-03-20``, enums their value. Every answer is ``Cache-Control: no-store``: it is about
  people in treatment.
- :func:`parse_query`: the query string through a :class:`Query` model. Every problem is a 400
  whose ``error`` names the parameter and what it expects (``page must be a whole number (got
  'x')``); an unknown or repeated parameter is a 400 too; an empty value counts as not given,
  except for a parameter with a fixed set of values (``?status=`` is a 400 naming them: the
  schema's enum has no empty value).
- :func:`non_blank`: the type of a body's text that must hold more than white space.
- :func:`parse_body`: a JSON object body through a pydantic model (``by: field required``).
- :func:`record`: an audit entry for the principal; the integration token is written as the
  user ``api-token`` (no user id), as bot/web/auth.py promises.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
import json
import typing
from typing import TYPE_CHECKING, Any, Dict, Literal, Optional, Tuple, Type, TypeVar, cast

from aiohttp import web
from pydantic import BaseModel, Extra, ValidationError, constr

from bot.staff.users import StaffUser
from bot.web.auth import API_TOKEN_NAME, Principal, principal
from bot.web.keys import AUDIT, PROGRAM

if TYPE_CHECKING:  # pydantic defines it for type checkers only
    from pydantic.error_wrappers import ErrorDict

M = TypeVar("M", bound=BaseModel)
MAX_PAGE_NUMBER = 1_000_000  # keeps offsets inside SQLite's integers whatever is asked
_SHOWN_VALUE = 40  # characters of a bad value repeated in an error message


# --- JSON ---------------------------------------------------------------------------------------


def iso(value: dt.datetime) -> str:
    """``2026-03-20T19:00:00Z``; a naive value is taken as UTC (everything we store is)."""
    aware = value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
    return aware.isoformat().replace("+00:00", "Z")


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types (see the module's docstring)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item) for item in value]
    return value


def json_response(data: Any, status: int = 200, headers: Optional[Dict[str, str]] = None) -> web.Response:
    body = json.dumps(jsonable(data), ensure_ascii=False)
    response = web.Response(text=body, status=status, content_type="application/json", headers=headers)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- errors -------------------------------------------------------------------------------------


def bad_request(message: str) -> web.HTTPBadRequest:
    """A 400 the error middleware sends as ``{"error": message, "status": 400}``."""
    return web.HTTPBadRequest(reason=" ".join(message.split()))  # a reason must be one line


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_VALUE else text[: _SHOWN_VALUE - 1] + "…"


# --- query strings ------------------------------------------------------------------------------


class Query(BaseModel):
    """Base of the query-string models: unknown parameters are refused, blank values are "not given".

    A field's ``description`` becomes the parameter's description in /api/openapi.json.
    """

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


def non_blank(max_length: int) -> Type[str]:
    """Text with something besides white space, stripped; the schema says so too (minLength 1
    and the pattern ``\\S``), so a request it allows is never refused for being blank."""
    return constr(strip_whitespace=True, min_length=1, max_length=max_length, regex=r"\S")


def _is_choice(model: Type[BaseModel], name: str) -> bool:
    field = model.__fields__.get(name)
    return field is not None and typing.get_origin(field.outer_type_) is Literal


def _bounds(model: Type[BaseModel], name: str) -> Tuple[Any, Any]:
    field = model.__fields__.get(name)
    if field is None:
        return None, None
    outer = field.outer_type_
    return getattr(outer, "ge", None), getattr(outer, "le", None)


def _explain(model: Type[BaseModel], error: ErrorDict, given: Dict[str, Any]) -> str:
    name = str(error["loc"][0]) if error["loc"] else "query"
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error.extra":
        known = ", ".join(model.__fields__)
        return f"unknown query parameter {name!r}: use {known}"
    low, high = _bounds(model, name)
    if kind in ("value_error.number.not_ge", "value_error.number.not_le") and low is not None and high is not None:
        text = f"must be between {low} and {high}"
    elif kind == "value_error.number.not_ge":
        text = f"must be at least {ctx.get('limit_value')}"
    elif kind == "value_error.number.not_le":
        text = f"must be at most {ctx.get('limit_value')}"
    elif kind == "type_error.integer":
        text = "must be a whole number"
    elif kind == "type_error.bool":
        text = "must be true or false"
    elif kind == "value_error.date":
        text = "must be a date like 2026-03-20"
    elif kind in ("value_error.const", "type_error.enum"):
        permitted = ctx.get("permitted") or ctx.get("enum_values") or ()
        text = "must be one of " + ", ".join(str(getattr(p, "value", p)) for p in permitted)
    elif kind == "value_error.any_str.max_length":
        text = f"must be at most {ctx.get('limit_value')} characters long"
    else:
        text = error["msg"]
    value = given.get(name)
    return f"{name} {text}" + (f" (got {shown(value)})" if value is not None else "")


def parse_query(request: web.Request, model: Type[M]) -> M:
    """The request's query string as ``model``; a 400 that says what is wrong otherwise."""
    given: Dict[str, Any] = {}
    for key in request.query.keys():
        values = request.query.getall(key)
        if len(values) > 1:
            raise bad_request(f"{key} is given {len(values)} times: give it once")
        # A blank value (an empty form field) is "not given", except where only fixed values are.
        if values[0].strip() or key not in model.__fields__ or _is_choice(model, key):
            given[key] = values[0]
    try:
        return model.parse_obj(given)
    except ValidationError as exc:
        raise bad_request("; ".join(_explain(model, error, given) for error in exc.errors())) from None


def validation_message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


async def parse_body(request: web.Request, model: Type[M], example: str) -> M:
    """The JSON object body as ``model`` (no body at all counts as ``{}``); a 400 with ``example``
    (how the body looks) otherwise."""
    try:
        text = await request.text()
        body = json.loads(text) if text.strip() else {}  # no body: nothing to say
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise bad_request(f"the body must be JSON like {example}") from None
    if not isinstance(body, dict):
        raise bad_request(f"the body must be a JSON object like {example}")
    try:
        return model.parse_obj(body)
    except ValidationError as exc:
        raise bad_request(validation_message(exc)) from None


def path_int(request: web.Request, name: str) -> int:
    """A numeric path parameter (the route's pattern already allows only 1 to 18 digits)."""
    return int(request.match_info[name])


# --- who is asking ------------------------------------------------------------------------------


def who(request: web.Request) -> Principal:
    """The principal of a guarded handler (the guard made sure there is one)."""
    found = principal(request)
    if found is None:  # pragma: no cover - only reachable from an unguarded handler
        raise web.HTTPUnauthorized(reason="Sign in first", headers={"WWW-Authenticate": 'Bearer realm="companion"'})
    return found


def display_name(found: Principal) -> str:
    """How a person is named on what they did: the display name, or ``api-token``."""
    return found.user.display_name if found.user is not None else found.name


def zone(request: web.Request) -> dt.tzinfo:
    """The center's timezone (data/program/center.yml): days and date filters are in it."""
    return request.app[PROGRAM].get().program.center.zone


# --- the audit log ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _TokenActor:
    """Stands in for a staff user in the audit log when the integration token acted."""

    id: Optional[int] = None
    username: str = API_TOKEN_NAME


_TOKEN_ACTOR = cast(StaffUser, _TokenActor())


async def record(
    request: web.Request,
    action: str,
    target_type: Optional[str] = None,
    target_id: Optional[object] = None,
    detail: Optional[str] = None,
) -> int:
    """Writes an audit entry for the request's principal; its id."""
    found = who(request)
    actor = found.user if found.user is not None else _TOKEN_ACTOR
    return await asyncio.to_thread(request.app[AUDIT].record, actor, action, target_type, target_id, detail)
