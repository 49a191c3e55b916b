"""``GET /api/audit``: the audit log, newest first (permission ``audit``: admins).

``action`` filters on one action (``lead.status``) or, ending in a dot, on every action under it
(``user.``); ``limit`` and ``offset`` page through it.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import List, Optional

from aiohttp import web
from pydantic import Field, conint, constr, validator

from bot.staff.audit import MAX_PAGE, AuditEntry
from bot.web.api.common import Query, json_response, parse_query
from bot.web.keys import AUDIT

ACTION_FILTER = r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*\.?$"


class AuditQuery(Query):
    action: Optional[constr(regex=ACTION_FILTER, max_length=41)] = Field(  # type: ignore[valid-type]
        None, description="One action (transcript.view), or every action under a prefix ending in a dot (user.)."
    )
    limit: conint(ge=1, le=MAX_PAGE) = Field(50, description="Entries to return.")  # type: ignore[valid-type]
    offset: conint(ge=0, le=10**9) = Field(0, description="Entries to skip (newest first).")  # type: ignore[valid-type]

    @validator("action", pre=True)
    def _action_form(cls, value: object) -> object:  # pydantic's signature
        if isinstance(value, str) and (len(value) > 41 or not re.fullmatch(ACTION_FILTER, value)):
            raise ValueError("must be an action like lead.status, or a prefix ending in a dot like user.")
        return value


@dataclass(frozen=True)
class AuditPage:
    entries: List[AuditEntry]  # newest first
    total: int  # entries matching the filter
    limit: int
    offset: int


async def list_audit(request: web.Request) -> web.Response:
    query = parse_query(request, AuditQuery)
    entries, total = await asyncio.to_thread(request.app[AUDIT].list, query.limit, query.offset, query.action)
    return json_response(AuditPage(entries, total, query.limit, query.offset))
