"""Enrolled clients (bot/records/clients.py), permission ``clients``.

- ``GET /api/clients``: every client with their last contact and latest craving rating.
- ``GET /api/clients/{id}``: the client's record, craving check-ins (one exercise per before/after
  pair, oldest first), the skills they used with the average change, their last contact and
  their conversations (most recently active first; open one with ``/api/conversations/{id}``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import List

from aiohttp import web

from bot.records.clients import ClientRow, client_list, client_overview
from bot.staff import audit
from bot.web.api.common import json_response, record
from bot.web.keys import ENGINE


@dataclass(frozen=True)
class ClientList:
    clients: List[ClientRow]  # by id


async def list_clients(request: web.Request) -> web.Response:
    return json_response(ClientList(await asyncio.to_thread(client_list, request.app[ENGINE])))


async def get_client(request: web.Request) -> web.Response:
    overview = await asyncio.to_thread(client_overview, request.app[ENGINE], request.match_info["client_id"])
    if overview is None:
        raise web.HTTPNotFound(reason="No enrolled client with that id")
    await record(request, audit.CLIENT_VIEW, "client", request.match_info["client_id"])
    return json_response(overview)
