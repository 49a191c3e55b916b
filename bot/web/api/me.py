"""``GET /api/me``: who the request is from, their role and what it allows.

A console script that uses the session cookie reads ``csrf_token`` here and sends it as
``X-CSRF-Token`` with every change (POST, PATCH). With the integration token it is null: Bearer
requests need none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Literal, Optional

from aiohttp import web

from bot.staff.roles import permissions
from bot.web.api.common import display_name, json_response, who


@dataclass(frozen=True)
class Me:
    username: str  # the staff username, or "api-token"
    name: str  # the display name, or "api-token"
    role: Literal["admissions", "clinician", "admin"]  # bot.staff.roles.ROLES (a test checks)
    permissions: List[str]
    by_token: bool  # the integration token, not a staff session
    csrf_token: Optional[str]  # send as X-CSRF-Token with POST and PATCH (sessions only)


async def get_me(request: web.Request) -> web.Response:
    found = who(request)
    return json_response(
        Me(
            username=found.name,
            name=display_name(found),
            role=found.role.value,
            permissions=sorted(p.value for p in permissions(found.role)),
            by_token=found.by_token,
            csrf_token=found.session.csrf_token if found.session is not None else None,
        )
    )
