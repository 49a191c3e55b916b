"""Conversations: the filtered, paged list and one transcript, for the roles that may see them.

Who sees which conversations (bot/staff/roles.py, ``can_view_conversation``):

- admissions: prospects (conversations not linked to an enrolled client);
- clinician: enrolled clients' conversations, and prospects' conversations with an escalation;
- admin: all of them.

The clinician's list is two queries of bot/records/conversations.py (clients; escalated
prospects) merged in the list's order (newest ``last_at`` first, then id descending) by
:func:`merged_window`, so paging and ``total`` are those of the union.

Opening a transcript is written to the audit log (``transcript.view``). Phone numbers and e-mail
addresses are masked for a role that does not see contact details (``sees_contact_details``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING, Callable, List, Literal, Optional, Tuple, TypeVar

from aiohttp import web
from pydantic import Field, conint, constr, validator
from sqlalchemy.engine import Engine

from bot.records.conversations import (
    ConversationFilter,
    ConversationSummary,
    Transcript,
    list_conversations,
    transcript,
    without_escalation_handling,
)
from bot.staff import audit
from bot.staff.roles import Permission, Role, allowed, can_view_conversation, sees_contact_details
from bot.storage.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE, Page
from bot.web.api.common import MAX_PAGE_NUMBER, Query, bad_request, json_response, parse_query, record, who, zone
from bot.web.keys import ENGINE

if TYPE_CHECKING:  # typeshed-only name: what sorted() accepts from a key
    from _typeshed import SupportsRichComparison

T = TypeVar("T")
CHUNK = MAX_PER_PAGE  # rows per query when the clinician's list is merged
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ConversationQuery(Query):
    date_from: Optional[dt.date] = Field(
        None, description="Conversations with a user message on this day or later (center's timezone), YYYY-MM-DD."
    )
    date_to: Optional[dt.date] = Field(
        None, description="Conversations with a user message on this day or earlier (center's timezone), YYYY-MM-DD."
    )
    has_escalation: Optional[bool] = Field(
        None, description="true: only those with a crisis escalation (any status); false: only those without."
    )
    has_lead: Optional[bool] = Field(
        None, description="true: only those with a callback request (lead); false: only those without."
    )
    enrolled_client: Optional[bool] = Field(
        None, description="true: only those linked to an enrolled client; false: only prospects."
    )
    intent: Optional[constr(max_length=100)] = Field(  # type: ignore[valid-type]
        None, description="Only those with a user message of this intent, e.g. ask_insurance."
    )
    q: Optional[constr(max_length=200)] = Field(None, description="Text in a user or bot message (case-insensitive for A-Z).")  # type: ignore[valid-type]
    language: Optional[Literal["en", "es"]] = Field(None, description="Only those the assistant answers in this language now.")
    page: conint(ge=1, le=MAX_PAGE_NUMBER) = Field(1, description="The page, from 1.")  # type: ignore[valid-type]
    per_page: conint(ge=1, le=MAX_PER_PAGE) = Field(DEFAULT_PER_PAGE, description="Conversations to a page.")  # type: ignore[valid-type]

    @validator("date_from", "date_to", pre=True)
    def _iso_date(cls, value: object) -> object:  # pydantic's signature
        # pydantic would also read a number as a Unix time: only YYYY-MM-DD is a date here.
        if isinstance(value, str) and not _DATE.fullmatch(value):
            raise ValueError("must be a date like 2026-03-20")
        return value


@dataclasses.dataclass(frozen=True)
class ConversationPage:
    """One page of conversations (``pages`` is at least 1)."""

    items: List[ConversationSummary]
    total: int
    page: int
    per_page: int
    pages: int


@dataclasses.dataclass(frozen=True)
class TranscriptView(Transcript):
    masked: bool = False  # phone numbers and e-mail addresses were hidden for this role


# --- the clinician's union ----------------------------------------------------------------------


def window(fetch: Callable[[int, int], Page[T]], start: int, stop: int) -> Tuple[List[T], int]:
    """Items ``start`` to ``stop`` (exclusive) of a paged list, read CHUNK at a time, and its total."""
    page = start // CHUNK + 1
    first = (page - 1) * CHUNK  # the index of the page's first item
    items: List[T] = []
    total = 0
    while first < stop:
        got = fetch(page, CHUNK)
        total = got.total
        items.extend(got.items)
        if len(got.items) < CHUNK:
            break
        page += 1
        first += CHUNK
    offset = (start // CHUNK) * CHUNK
    return items[start - offset : stop - offset], total


def merged_window(
    fetch_a: Callable[[int, int], Page[T]],
    fetch_b: Callable[[int, int], Page[T]],
    start: int,
    stop: int,
    key: Callable[[T], SupportsRichComparison],
) -> Tuple[List[T], int]:
    """Items ``start`` to ``stop`` of the union of two disjoint lists sorted by ``key`` descending.

    Reads B's first ``stop`` items (escalated prospects: usually few), then A from
    ``start - len(B read)``: an A item before that index has fewer than ``start`` items before it
    in the union. In the sorted union of what was read, the item at index t is at ``lo + t`` in
    the whole union for every position that can fall in the window (tests/bot/api check this
    against a plain sort of everything).
    """
    b_items, b_total = window(fetch_b, 0, stop)
    lo = max(0, start - len(b_items))
    a_items, a_total = window(fetch_a, lo, stop)
    combined = sorted(a_items + b_items, key=key, reverse=True)
    return [item for t, item in enumerate(combined) if start <= lo + t < stop], a_total + b_total


def _order(summary: ConversationSummary) -> Tuple[dt.datetime, str]:
    return summary.last_at, summary.conversation_id


def _listing(engine: Engine, role: Role, query: ConversationQuery, tz: dt.tzinfo) -> ConversationPage:
    mask = not sees_contact_details(role)
    fields = dict(
        date_from=query.date_from,
        date_to=query.date_to,
        has_escalation=query.has_escalation,
        has_lead=query.has_lead,
        enrolled_client=query.enrolled_client,
        intent=query.intent,
        text=query.q,
        language=query.language,
    )

    def fetcher(**changes: object) -> Callable[[int, int], Page[ConversationSummary]]:
        def fetch(page: int, per_page: int) -> Page[ConversationSummary]:
            flt = ConversationFilter(**{**fields, **changes, "page": page, "per_page": per_page})  # type: ignore[arg-type]
            return list_conversations(engine, flt, tz, mask=mask)

        return fetch

    sees_prospects = allowed(role, Permission.PROSPECT_CONVERSATIONS)
    sees_clients = allowed(role, Permission.CLIENT_CONVERSATIONS)
    if sees_prospects:
        found = fetcher(audience="all" if sees_clients else "prospects")(query.page, query.per_page)
        return ConversationPage(found.items, found.total, found.page, found.per_page, found.pages)
    # The clinician: enrolled clients' conversations, and prospects' with an escalation.
    empty: Callable[[int, int], Page[ConversationSummary]] = lambda page, per_page: Page([], 0, page, per_page)  # noqa: E731
    clients = fetcher(audience="clients")
    # can_view_conversation: a prospect's conversation with an escalation, for a role that works escalations.
    escalated = allowed(role, Permission.ESCALATIONS) and query.has_escalation is not False
    prospects = fetcher(audience="prospects", has_escalation=True) if escalated else empty
    start = (query.page - 1) * query.per_page
    items, total = merged_window(clients, prospects, start, start + query.per_page, _order)
    shape = Page(items, total, query.page, query.per_page)
    return ConversationPage(items, total, query.page, query.per_page, shape.pages)


async def list_conversations_handler(request: web.Request) -> web.Response:
    query = parse_query(request, ConversationQuery)
    try:
        ConversationFilter(date_from=query.date_from, date_to=query.date_to)  # the checks across fields
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    result = await asyncio.to_thread(_listing, request.app[ENGINE], who(request).role, query, zone(request))
    return json_response(result)


async def get_transcript(request: web.Request) -> web.Response:
    found = who(request)
    conversation_id = request.match_info["conversation_id"]
    mask = not sees_contact_details(found.role)
    data: Optional[Transcript] = await asyncio.to_thread(transcript, request.app[ENGINE], conversation_id, mask=mask)
    if data is None:
        raise web.HTTPNotFound(reason="No conversation with that id")
    if not can_view_conversation(found.role, client_linked=bool(data.clients), escalated=bool(data.escalations)):
        kind = "an enrolled client's conversation" if data.clients else "a prospect's conversation without an escalation"
        raise web.HTTPForbidden(reason=f"Your role ({found.role.value}) does not give access to {kind}.")
    if not allowed(found.role, Permission.ESCALATIONS):
        data = without_escalation_handling(data)
    await record(request, audit.TRANSCRIPT_VIEW, "conversation", conversation_id)
    view = TranscriptView(**{f.name: getattr(data, f.name) for f in dataclasses.fields(data)}, masked=mask)
    return json_response(view)
