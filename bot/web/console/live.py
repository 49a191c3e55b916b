"""The console's live chat: the queue, the availability switch, and taking a conversation over.

- ``GET /console/live``: the queue (bot/records/live.py) and the "available for live chats"
  switch. While a staff member is available, the assistant offers a live chat inside the
  staffed hours. The page reports that it is open every few seconds (``queue.json``), which is
  what keeps the staff member counted as available (bot/handoff/presence.py).
- ``POST /console/live/{id}/take``: the conversation becomes the staff member's; Rasa pauses it
  and the person is told who joined. A crisis escalation taken over is acknowledged at once
  (the steps and their undo: bot/handoff/takeover.py).
- ``GET /console/live/{id}``: the live chat page; ``.../events?after=N`` gives the turns saved
  after event N (the page asks every couple of seconds; with RABBITMQ_URL, ``&wait=S`` holds a
  request with nothing new until the conversation's next event, bot/records/event_feed.py, and
  the page asks again at once), ``POST .../messages`` sends what the staff member typed,
  ``POST .../return`` hands the chat back to the assistant and ``.../close``
  ends it (the assistant answers whatever the person writes next).

Every page works without JavaScript (forms and a Refresh link); static/live.js makes them live.
Who may answer a conversation is :func:`bot.staff.roles.can_take_over` (the transcript rule, and
a crisis for the clinical team only); whoever holds a chat may always finish it. Take-overs, hand
backs, closes and sent messages are audited, never with what was written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote

from aiohttp import web

from bot.handoff import notices
from bot.handoff.assistant import AssistantUnavailable
from bot.handoff.hours import is_staffed, staffed_hours_text
from bot.handoff.presence import FRESH_SECONDS, REPORT_SECONDS
from bot.handoff.store import Handoff
from bot.handoff.takeover import ASSISTANT_DOWN, HELD_BY_ANOTHER, TAKEN, StaffMember
from bot.program.errors import ProgramDataError
from bot.program.models import Center
from bot.records.conversations import BotTurn, Turn, UserTurn, last_event_id, turns_since
from bot.records.conversations import transcript as read_transcript
from bot.records.live import Audience, QueueItem, audience_of, live_queue
from bot.staff import audit as actions
from bot.staff.roles import Permission
from bot.web.auth import Principal, requires
from bot.web.console.common import PROBLEMS, audit, clock, form_text, mask_for, render, run, see_other, who, with_query
from bot.web.console.conversations import transcript_lines
from bot.web.keys import ASSISTANT, ENGINE, ESCALATIONS, EVENT_FEED, HANDOFFS, LIVE_CHATS, PRESENCE, PROGRAM

MAX_MESSAGE = 1000
QUEUE_SECONDS = 3  # how often the queue page asks
CHAT_SECONDS = 1.5  # how often the chat page asks
# How long a chat page's request may wait for the next event (RABBITMQ_URL); well inside the
# presence report interval, since each request also reports the page open.
MAX_WAIT_SECONDS = 20.0
MAX_EVENT_ID = 2**63 - 1  # the largest integer SQLite (and PostgreSQL's bigint) can compare with
LIVE = "/console/live"


def _chat_path(conversation_id: str) -> str:
    return f"{LIVE}/{quote(conversation_id, safe='')}"


async def _seen(request: web.Request, me: Principal) -> None:
    await run(request.app[PRESENCE].seen, me.name, clock(), at_most_every=REPORT_SECONDS)


async def _guard(request: web.Request, me: Principal) -> Tuple[str, Audience]:
    """The conversation in the URL, when it exists and ``me`` may answer it or holds its live chat
    (else 404 / 403): whoever holds a chat can always finish it, even once a crisis began in it."""
    conversation_id = request.match_info["conversation_id"]
    audience = await run(audience_of, request.app[ENGINE], conversation_id)
    if audience is None:
        raise web.HTTPNotFound(reason="There is no conversation with that id.")
    if not audience.allows(me.role):
        handoff = await run(request.app[HANDOFFS].open_for, conversation_id)
        if handoff is None or handoff.status != "active" or handoff.taken_by != me.name:
            raise web.HTTPForbidden(reason=f"Your role ({me.role.value}) may not answer this conversation.")
    return conversation_id, audience


def _staff_member(me: Principal) -> StaffMember:
    assert me.user is not None  # who() makes sure
    return StaffMember(me.name, me.user.display_name, me.role)


def _center(request: web.Request) -> Optional[Center]:
    try:
        return request.app[PROGRAM].get().program.center
    except ProgramDataError:
        return None


def _queue_json(item: QueueItem) -> Dict[str, Any]:
    data = dataclasses.asdict(item)
    for key in ("since", "last_message_at"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def _handoff_json(handoff: Optional[Handoff], me: Principal) -> Dict[str, Any]:
    if handoff is None:
        return {"status": None, "staff_name": None, "mine": False}
    return {
        "status": handoff.status,
        "reason": handoff.reason,
        "staff_name": handoff.staff_name,
        "mine": handoff.status == "active" and handoff.taken_by == me.name,
    }


def _turn_json(turn: Turn) -> Optional[Dict[str, Any]]:
    if isinstance(turn, UserTurn):
        return {"kind": "user", "at": turn.at.isoformat(), "text": turn.text or "", "crisis": turn.crisis}
    if isinstance(turn, BotTurn):
        return {
            "kind": "bot",
            "at": turn.at.isoformat(),
            "text": turn.text or "",
            "buttons": turn.buttons,
            "staff_name": turn.staff_name,
            "handoff_status": turn.handoff_status,
        }
    return None  # actions and session starts are for the full transcript


# --- the queue -----------------------------------------------------------------------------------


@requires(Permission.LIVE_CHAT)
async def live_page(request: web.Request) -> web.Response:
    me = who(request)
    await _seen(request, me)
    items = await run(live_queue, request.app[ENGINE], me.role, me.name, mask=mask_for(me.role))
    center = await run(_center, request)
    context: Dict[str, Any] = {
        "title": "Live chat",
        "items": items,
        "available": await run(request.app[PRESENCE].is_marked_available, me.name),
        "staffed_now": center is not None and is_staffed(center, clock()),
        "staffed_hours": staffed_hours_text(center) if center is not None else "unknown (the program data cannot be read)",
        "refresh_seconds": QUEUE_SECONDS,
        "fresh_seconds": FRESH_SECONDS,
        "now": clock(),
    }
    return await render(request, "live.html", context)


@requires(Permission.LIVE_CHAT)
async def queue_json(request: web.Request) -> web.Response:
    me = who(request)
    await _seen(request, me)
    items = await run(live_queue, request.app[ENGINE], me.role, me.name, mask=mask_for(me.role))
    available = await run(request.app[PRESENCE].is_available, me.name, clock())
    return web.json_response({"available": available, "items": [_queue_json(item) for item in items]})


@requires(Permission.LIVE_CHAT)
async def set_availability(request: web.Request) -> web.Response:
    me = who(request)
    form = await request.post()
    choice = form.get("available")
    if choice not in ("yes", "no"):
        raise web.HTTPBadRequest(reason="Send available=yes or available=no.")
    await run(request.app[PRESENCE].set_available, me.name, choice == "yes", clock())
    await audit(request, actions.LIVE_AVAILABLE, "staff", me.name, "on" if choice == "yes" else "off")
    return see_other(with_query(LIVE, done="available" if choice == "yes" else "unavailable"))


# --- one conversation ----------------------------------------------------------------------------


@requires(Permission.LIVE_CHAT)
async def take_over(request: web.Request) -> web.Response:
    me = who(request)
    conversation_id, audience = await _guard(request, me)
    result = await request.app[LIVE_CHATS].take_over(conversation_id, _staff_member(me), audience)
    if result.outcome in (HELD_BY_ANOTHER, ASSISTANT_DOWN):
        problem = "taken" if result.outcome == HELD_BY_ANOTHER else "assistant_down"
        return see_other(with_query(_chat_path(conversation_id), problem=problem))
    if result.outcome == TAKEN and result.handoff is not None:
        detail = result.handoff.reason + (f", from {result.replaced}" if result.replaced else "")
        await audit(request, actions.LIVE_TAKE, "conversation", conversation_id, detail)
    if result.acknowledged is not None:
        await audit(request, actions.ESCALATION_ACKNOWLEDGE, "escalation", result.acknowledged)
    return see_other(_chat_path(conversation_id))


@requires(Permission.LIVE_CHAT)
async def chat_page(request: web.Request) -> web.Response:
    me = who(request)
    conversation_id, audience = await _guard(request, me)
    await _seen(request, me)
    engine = request.app[ENGINE]
    mask = mask_for(me.role)
    found = await run(read_transcript, engine, conversation_id, mask=mask)
    if found is None:
        raise web.HTTPNotFound(reason="There is no conversation with that id.")
    last_id = await run(last_event_id, engine, conversation_id)
    handoff = await run(request.app[HANDOFFS].open_for, conversation_id)
    await audit(request, actions.TRANSCRIPT_VIEW, "conversation", conversation_id, "live chat")
    center = await run(_center, request)
    zone = center.zone if center is not None else dt.timezone.utc
    lines = [line for line in transcript_lines(found, zone) if line.kind in ("day", "user", "bot")]
    context: Dict[str, Any] = {
        "title": "Live chat",
        "conversation_id": conversation_id,
        "transcript": found,
        "lines": lines,
        "speaker": found.clients[0].first_name + " (client)" if found.clients else "Visitor",
        "handoff": _handoff_json(handoff, me),
        "may_take": await request.app[LIVE_CHATS].may_take(_staff_member(me), audience, handoff),
        "escalation": await run(request.app[ESCALATIONS].unresolved, conversation_id),
        "last_id": last_id,
        "max_message": MAX_MESSAGE,
        "refresh_seconds": CHAT_SECONDS,
    }
    return await render(request, "live_chat.html", context)


@requires(Permission.LIVE_CHAT)
async def chat_events(request: web.Request) -> web.Response:
    me = who(request)
    conversation_id, _ = await _guard(request, me)
    await _seen(request, me)
    try:
        after = max(0, int(request.query.get("after", "0")))
    except ValueError:
        raise web.HTTPBadRequest(reason="after must be an event number.") from None
    if after > MAX_EVENT_ID:
        raise web.HTTPBadRequest(reason=f"after must be an event number from 0 to {MAX_EVENT_ID}.")
    try:
        wait = float(request.query.get("wait", "0"))
    except ValueError:
        wait = math.nan
    if not math.isfinite(wait):
        raise web.HTTPBadRequest(reason=f"wait must be a number of seconds up to {MAX_WAIT_SECONDS:.0f}.")
    wait = min(MAX_WAIT_SECONDS, max(0.0, wait))
    engine = request.app[ENGINE]
    feed = request.app[EVENT_FEED]
    turns, last_id = await run(turns_since, engine, conversation_id, after, mask=mask_for(me.role))
    # With Rasa's events on RabbitMQ, a request with nothing new waits for the next event instead
    # of the page asking again later; "push" tells the page to ask again at once.
    push = feed.connected and wait > 0
    if not turns and push and await feed.wait(conversation_id, wait):
        turns, last_id = await run(turns_since, engine, conversation_id, after, mask=mask_for(me.role))
    handoff = await run(request.app[HANDOFFS].open_for, conversation_id)
    shown = [data for data in (_turn_json(turn) for turn in turns) if data is not None]
    return web.json_response({"after": last_id, "turns": shown, "handoff": _handoff_json(handoff, me), "push": push})


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _problem(request: web.Request, conversation_id: str, problem: str, status: int) -> web.Response:
    if _wants_json(request):
        return web.json_response({"error": PROBLEMS[problem]}, status=status)
    return see_other(with_query(_chat_path(conversation_id), problem=problem))


async def _my_live_handoff(request: web.Request, me: Principal, conversation_id: str) -> Optional[Handoff]:
    handoff = await run(request.app[HANDOFFS].open_for, conversation_id)
    if handoff is None or handoff.status != "active" or handoff.taken_by != me.name:
        return None
    return handoff


@requires(Permission.LIVE_CHAT)
async def send_message(request: web.Request) -> web.Response:
    me = who(request)
    conversation_id, _ = await _guard(request, me)
    form = await request.post()
    text = form_text(form, "text", MAX_MESSAGE)
    if not text:
        raise web.HTTPBadRequest(reason=f"Write a message of 1 to {MAX_MESSAGE} characters.")
    handoff = await _my_live_handoff(request, me, conversation_id)
    if handoff is None:
        return _problem(request, conversation_id, "not_live", 409)
    try:
        await request.app[ASSISTANT].append(conversation_id, notices.staff_message(text, handoff.staff_name or me.name))
    except AssistantUnavailable:
        return _problem(request, conversation_id, "assistant_down", 503)
    await audit(request, actions.LIVE_MESSAGE, "conversation", conversation_id)
    if _wants_json(request):
        return web.json_response({"sent": True})
    return see_other(_chat_path(conversation_id))


async def _end(request: web.Request, status: str) -> web.Response:
    me = who(request)
    conversation_id, _ = await _guard(request, me)
    handoff = await _my_live_handoff(request, me, conversation_id)
    if handoff is None:
        return _problem(request, conversation_id, "not_live", 409)
    if not await request.app[LIVE_CHATS].end(conversation_id, _staff_member(me), handoff, status):
        return _problem(request, conversation_id, "assistant_down", 503)
    await audit(request, actions.LIVE_RETURN if status == "returned" else actions.LIVE_CLOSE, "conversation", conversation_id)
    return see_other(with_query(LIVE, done=status))


@requires(Permission.LIVE_CHAT)
async def hand_back(request: web.Request) -> web.Response:
    return await _end(request, "returned")


@requires(Permission.LIVE_CHAT)
async def close_chat(request: web.Request) -> web.Response:
    return await _end(request, "closed")
