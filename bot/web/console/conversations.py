"""``GET /console/conversations`` (the list) and ``GET /console/conversations/{id}`` (a transcript).

Audience (bot/staff/roles.py): admissions see prospects; clinicians see enrolled clients'
conversations and, on request, prospect conversations that have an escalation; admin sees all.
A transcript the role may not see is 403 (:func:`can_view_conversation`), and every transcript
shown is written to the audit log (``transcript.view``).

Filters (GET, so a filtered list can be bookmarked): ``from`` and ``to`` (dates, inclusive, in
the center's zone), ``escalation`` and ``lead`` (``yes``/``no``), ``enrolled`` (admin:
``yes``/``no``; clinician: ``yes`` for clients, ``no`` for escalated prospects), ``intent``,
``q`` (text in any message), ``page``. A filter that cannot be read is shown next to its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

from aiohttp import web

from bot.records.conversations import (
    ActionTurn,
    BotTurn,
    ConversationFilter,
    SessionStart,
    Transcript,
    UserTurn,
    known_intents,
    list_conversations,
    without_escalation_handling,
)
from bot.records.conversations import (
    transcript as read_transcript,
)
from bot.staff import audit as actions
from bot.staff.roles import Permission, Role, allowed, can_view_conversation
from bot.web.auth import requires
from bot.web.console.common import (
    CONVERSATION_PERMISSIONS,
    MAX_NOTE,
    audit,
    center_of,
    int_param,
    mask_for,
    page_url,
    parse_date,
    render,
    run,
    tri_state,
    who,
)
from bot.web.keys import ENGINE

PER_PAGE = 25
LOW_CONFIDENCE = 0.5
MAX_QUERY = 200
YES_NO = ("yes", "no")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
LANGUAGE_CHOICES = [("", "Any"), *LANGUAGE_NAMES.items()]


@dataclass
class FilterForm:
    """What the filter form shows (as typed) and the problems found in it."""

    values: Dict[str, str] = field(default_factory=dict)
    errors: Dict[str, str] = field(default_factory=dict)
    enrolled_choices: List[Tuple[str, str]] = field(default_factory=list)  # (value, label)
    note: Optional[str] = None


def _enrolled_choices(role: Role) -> List[Tuple[str, str]]:
    clients = allowed(role, Permission.CLIENT_CONVERSATIONS)
    prospects = allowed(role, Permission.PROSPECT_CONVERSATIONS)
    if clients and prospects:
        return [("", "Any"), ("yes", "Enrolled clients only"), ("no", "Prospects only")]
    if clients:
        return [("yes", "Enrolled clients"), ("no", "Prospects with an escalation")]
    return []  # admissions: prospects only, nothing to choose


def parse_filter(request: web.Request, role: Role) -> Tuple[Optional[ConversationFilter], FilterForm]:
    query = request.query
    form = FilterForm(enrolled_choices=_enrolled_choices(role))
    for name in ("from", "to", "escalation", "lead", "enrolled", "intent", "q", "language"):
        form.values[name] = query.get(name, "").strip()[:MAX_QUERY]
    date_from, date_to = parse_date(form.values["from"]), parse_date(form.values["to"])
    if form.values["from"] and date_from is None:
        form.errors["from"] = "Enter a date like 2026-03-20."
    if form.values["to"] and date_to is None:
        form.errors["to"] = "Enter a date like 2026-03-20."
    if date_from and date_to and date_from > date_to:
        form.errors["to"] = "The end date is before the start date."
    for name in ("escalation", "lead"):
        if form.values[name] not in ("", *YES_NO):
            form.errors[name] = "Choose any, yes or no."
    if form.values["language"] not in ("", *LANGUAGE_NAMES):
        form.errors["language"] = "Choose any, English or Spanish."
    if len(query.get("q", "")) > MAX_QUERY:
        form.errors["q"] = f"Search for at most {MAX_QUERY} characters."
    page = int_param(request, "page", 1, 1, 100_000)

    has_escalation = tri_state(form.values["escalation"])
    enrolled: Optional[bool] = None
    audience = "all"
    valid_enrolled = [value for value, _ in form.enrolled_choices]
    if not form.enrolled_choices:
        audience = "prospects"
        form.values["enrolled"] = ""
    elif allowed(role, Permission.PROSPECT_CONVERSATIONS):
        if form.values["enrolled"] not in valid_enrolled:
            form.errors["enrolled"] = "Choose one of the options."
        enrolled = tri_state(form.values["enrolled"])
    else:  # a clinician: clients, or the prospects they may open (those with an escalation)
        if form.values["enrolled"] == "":
            form.values["enrolled"] = "yes"
        if form.values["enrolled"] not in valid_enrolled:
            form.errors["enrolled"] = "Choose one of the options."
        if form.values["enrolled"] == "no":
            audience = "prospects"
            if has_escalation is False:
                form.errors["escalation"] = "Prospect conversations are only listed for you when they have an escalation."
            has_escalation = True
            form.note = "Prospect conversations are listed only when they have an escalation."
        else:
            audience = "clients"
    if form.errors:
        return None, form
    flt = ConversationFilter(
        date_from=date_from,
        date_to=date_to,
        has_escalation=has_escalation,
        has_lead=tri_state(form.values["lead"]),
        enrolled_client=enrolled,
        intent=form.values["intent"] or None,
        text=form.values["q"] or None,
        audience=audience,  # type: ignore[arg-type]
        language=form.values["language"] or None,
        page=page,
        per_page=PER_PAGE,
    )
    return flt, form


@requires(*CONVERSATION_PERMISSIONS)
async def conversation_list(request: web.Request) -> web.Response:
    me = who(request)
    center = await center_of(request)
    flt, form = parse_filter(request, me.role)
    page = None
    if flt is not None:
        page = await run(list_conversations, request.app[ENGINE], flt, center.zone, mask=mask_for(me.role))
    intents = await run(known_intents, request.app[ENGINE])
    filtered = any(form.values.get(name) for name in ("from", "to", "escalation", "lead", "intent", "q", "language"))
    context: Dict[str, Any] = {
        "title": "Conversations",
        "form": form,
        "page": page,
        "intents": intents,
        "languages": LANGUAGE_CHOICES,
        "language_names": LANGUAGE_NAMES,
        "filtered": filtered,
        "show_clients": allowed(me.role, Permission.CLIENT_CONVERSATIONS),
        "link_clients": allowed(me.role, Permission.CLIENTS),
        "prev_url": page_url(request, page.page - 1) if page is not None and page.page > 1 else None,
        "next_url": page_url(request, page.page + 1) if page is not None and page.page < page.pages else None,
    }
    return await render(request, "conversations.html", context, status=400 if form.errors else 200)


# --- the transcript --------------------------------------------------------------------------


@dataclass
class Line:
    """One row of the transcript as the page shows it."""

    kind: str  # "day", "session", "user", "bot", "action"
    at: dt.datetime
    turn: Union[UserTurn, BotTurn, ActionTurn, SessionStart, None] = None
    low_confidence: bool = False


def transcript_lines(found: Transcript, zone: dt.tzinfo) -> List[Line]:
    """The turns in order, with a heading whenever the day (in the center's zone) changes."""
    lines: List[Line] = []
    day: Optional[dt.date] = None
    for turn in found.turns:
        local_day = turn.at.astimezone(zone).date()
        if local_day != day:
            lines.append(Line("day", turn.at))
            day = local_day
        if isinstance(turn, UserTurn):
            low = turn.confidence is not None and turn.confidence < LOW_CONFIDENCE or turn.intent == "nlu_fallback"
            lines.append(Line("user", turn.at, turn, low))
        elif isinstance(turn, BotTurn):
            lines.append(Line("bot", turn.at, turn))
        elif isinstance(turn, ActionTurn):
            lines.append(Line("action", turn.at, turn))
        else:
            lines.append(Line("session", turn.at, turn))
    return lines


@requires(*CONVERSATION_PERMISSIONS)
async def conversation_view(request: web.Request) -> web.Response:
    me = who(request)
    conversation_id = request.match_info["conversation_id"]
    found = await run(read_transcript, request.app[ENGINE], conversation_id, mask=mask_for(me.role))
    if found is None:
        raise web.HTTPNotFound(
            reason="There is no conversation with that id (it may have been removed after the retention period)."
        )
    if not can_view_conversation(me.role, client_linked=bool(found.clients), escalated=bool(found.escalations)):
        raise web.HTTPForbidden(reason=f"Your role ({me.role.value}) may not open this conversation.")
    if not allowed(me.role, Permission.ESCALATIONS):
        found = without_escalation_handling(found)
    await audit(request, actions.TRANSCRIPT_VIEW, "conversation", conversation_id)
    center = await center_of(request)
    user_turns = [t for t in found.turns if isinstance(t, UserTurn)]
    channels = sorted({t.channel for t in user_turns if t.channel})
    context: Dict[str, Any] = {
        "title": f"Conversation {conversation_id}",
        "transcript": found,
        "lines": transcript_lines(found, center.zone),
        "user_messages": len(user_turns),
        "channels": channels,
        "speaker": "Client" if found.clients else "Visitor",
        "may_escalations": allowed(me.role, Permission.ESCALATIONS),
        "may_leads": allowed(me.role, Permission.LEADS),
        "may_clients": allowed(me.role, Permission.CLIENTS),
        "may_flag": allowed(me.role, Permission.REVIEW),
        "conversation_id": conversation_id,
        "back": request.path,
        "low_confidence": LOW_CONFIDENCE,
        "max_note": MAX_NOTE,
    }
    return await render(request, "transcript.html", context)
