"""The review inbox (permission ``review``): the rows, the intents to choose from, labels and flags.

Messages are shown as transcripts show them (bidi controls visible, contact details masked for
roles that may not see them); rows from an enrolled client's conversation only to roles that may
open such conversations. Every label and flag is audited (``review.label``, ``review.flag``), with
the decision and intent, never the message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import List, Literal, Optional

from aiohttp import web
from pydantic import BaseModel, Extra, Field, conint, constr

from bot.records.masking import for_staff
from bot.review.collect import REASONS
from bot.review.intents import intent_choices
from bot.review.stats import review_figures
from bot.review.store import DECISIONS, InboxFilter, InboxRow, InvalidLabel, Label, NotFound
from bot.staff import audit
from bot.staff.roles import Permission, allowed, can_view_conversation, sees_contact_details
from bot.storage.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE
from bot.web.api.common import Query, bad_request, json_response, parse_body, parse_query, record, who, zone
from bot.web.keys import REVIEW

KEY_PATTERN = r"[0-9a-f]{64}"


class ReviewQuery(Query):
    status: Literal["todo", "labeled", "all"] = Field("todo", description="todo: not labelled yet; labeled; or all.")
    reason: Optional[Literal[REASONS]] = Field(None, description="Only rows with this reason.")  # type: ignore[valid-type]
    intent: Optional[constr(max_length=80)] = Field(None, description="Only rows the model read as this intent.")  # type: ignore[valid-type]
    since: Optional[dt.date] = Field(None, description="Only messages from this day on (UTC).")
    until: Optional[dt.date] = Field(None, description="Only messages before the end of this day (UTC).")
    order: Literal["newest", "frequent"] = Field("newest", description="newest first, or most frequent first.")
    page: conint(ge=1, le=1_000_000) = Field(1, description="Page number, from 1.")  # type: ignore[valid-type]
    per_page: conint(ge=1, le=MAX_PER_PAGE) = Field(DEFAULT_PER_PAGE, description="Rows per page.")  # type: ignore[valid-type]


class LabelBody(BaseModel):
    """What a message meant: confirm the model's intent, correct it, a new topic (with a note), or exclude it."""

    decision: Literal[DECISIONS]  # type: ignore[valid-type]
    intent: Optional[constr(strip_whitespace=True, max_length=80)] = Field(  # type: ignore[valid-type]
        None, description="The intent meant: required to confirm or correct; one of GET /api/review/intents."
    )
    note: Optional[constr(strip_whitespace=True, max_length=500)] = Field(  # type: ignore[valid-type]
        None, description="Required for a new topic: what the person wanted."
    )

    class Config:
        extra = Extra.forbid


class FlagBody(BaseModel):
    """One user message of the conversation, by its time as the transcript gives it."""

    at: dt.datetime = Field(..., description="The message's time (the transcript turn's at).")

    class Config:
        extra = Extra.forbid


@dataclasses.dataclass(frozen=True)
class ReviewPage:
    """One page of the inbox (``pages`` is at least 1)."""

    items: List[InboxRow]
    total: int
    page: int
    per_page: int
    pages: int


@dataclasses.dataclass(frozen=True)
class IntentOption:
    name: str
    description: str
    example: str


@dataclasses.dataclass(frozen=True)
class IntentOptions:
    intents: List[IntentOption]


@dataclasses.dataclass(frozen=True)
class Labelled:
    key: str
    label: Label
    missed_crises: int  # messages of the row newly counted as crises the net missed
    escalations: List[str]  # escalations raised now for them


@dataclasses.dataclass(frozen=True)
class Flagged:
    key: str  # the inbox row the message is in


def _day_start(day: Optional[dt.date], days: int = 0) -> Optional[dt.datetime]:
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc) + dt.timedelta(days=days) if day else None


def shown(row: InboxRow, mask: bool) -> InboxRow:
    """A row as staff see it: the message and the reply as transcripts show them."""
    return dataclasses.replace(row, text=for_staff(row.text, mask) or "", reply=for_staff(row.reply, mask))


async def list_review(request: web.Request) -> web.Response:
    query = parse_query(request, ReviewQuery)
    role = who(request).role
    flt = InboxFilter(
        reason=query.reason,
        intent=query.intent,
        since=_day_start(query.since),
        until=_day_start(query.until, days=1),
        status=query.status,
        order=query.order,
        page=query.page,
        per_page=query.per_page,
        include_client_conversations=allowed(role, Permission.CLIENT_CONVERSATIONS),
    )
    found = await asyncio.to_thread(request.app[REVIEW].page, flt)
    mask = not sees_contact_details(role)
    return json_response(
        ReviewPage([shown(row, mask) for row in found.items], found.total, found.page, found.per_page, found.pages)
    )


async def get_figures(request: web.Request) -> web.Response:
    """The dashboard's review figures for the role (missed crises only for roles with escalations)."""
    parse_query(request, Query)
    role = who(request).role
    figures = await asyncio.to_thread(
        review_figures,
        request.app[REVIEW].engine,
        zone(request),
        crisis=allowed(role, Permission.ESCALATIONS),
        include_client_conversations=allowed(role, Permission.CLIENT_CONVERSATIONS),
    )
    return json_response(figures)


async def list_intents(request: web.Request) -> web.Response:
    parse_query(request, Query)  # takes no parameters: an unknown one is a 400, as everywhere
    choices = intent_choices()
    return json_response(IntentOptions([IntentOption(c.name, c.description, c.example) for c in choices.values()]))


async def label_row(request: web.Request) -> web.Response:
    body = await parse_body(request, LabelBody, '{"decision": "correct", "intent": "ask_insurance"}')
    if body.intent is not None and body.intent not in intent_choices():
        raise bad_request(f"intent {body.intent!r} is not one of the assistant's intents (GET /api/review/intents lists them)")
    key = request.match_info["key"]
    by = who(request).name  # the username: labels name who did them, as the audit log does
    try:
        outcome = await asyncio.to_thread(request.app[REVIEW].label, key, body.decision, body.intent, body.note, by)
    except InvalidLabel as exc:
        raise bad_request(str(exc)) from None
    except NotFound:
        raise web.HTTPNotFound(reason="No inbox row with that key") from None
    await record(request, audit.REVIEW_LABEL, "review", key, outcome.audit_detail())
    return json_response(Labelled(key, outcome.label, outcome.missed_crises, outcome.escalations))


async def flag_message(request: web.Request) -> web.Response:
    body = await parse_body(request, FlagBody, '{"at": "2026-03-20T19:00:00.123456Z"}')
    conversation_id = request.match_info["conversation_id"]
    principal = who(request)
    store = request.app[REVIEW]
    standing = await asyncio.to_thread(store.standing, conversation_id)
    if standing is None:
        raise web.HTTPNotFound(reason="No conversation with that id")
    if not can_view_conversation(principal.role, client_linked=standing.client_linked, escalated=standing.escalated):
        raise web.HTTPForbidden(reason=f"Your role ({principal.role.value}) does not give access to this conversation.")
    at = body.at if body.at.tzinfo else body.at.replace(tzinfo=dt.timezone.utc)
    try:
        key = await asyncio.to_thread(store.flag, conversation_id, at.timestamp(), principal.name)
    except NotFound as exc:
        raise web.HTTPNotFound(reason=str(exc)) from None
    await record(request, audit.REVIEW_FLAG, "conversation", conversation_id)
    return json_response(Flagged(key), status=201)
