"""The demo site at ``/``: the fictional center's home page, rendered from its program data, with
the chat widget embedded exactly as any other site embeds it (one script tag, bot/web/widget.py).

The widget talks to the Rasa server, another origin: ``CHAT_SERVER_URL``, or else this page's own
scheme and host name with ``RASA_PORT`` (http://localhost:8080/ -> http://localhost:5005), so the
demo works on whatever name the browser used. The host name comes from the request, so only a
plain name or address is taken from it; the page's CSP lets it connect to that server only, and
load scripts and styles from this app only.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from bot.program.answers import clock, timetable
from bot.program.errors import ProgramDataError
from bot.program.models import CarrierStatus, OpeningHours, Program, Weekday
from bot.web.console.common import static_url
from bot.web.keys import PROGRAM, SETTINGS

BRAND_COLOR = "#0f5f5c"  # the widget's data-color; site.css uses the same teal
_HOST_HEADER = re.compile(r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$")


def chat_server_url(request: web.Request) -> str:
    """Where the widget finds Rasa's socket.io channel, as the visitor's browser reaches it."""
    settings = request.app[SETTINGS]
    if settings.chat_server_url:
        return str(settings.chat_server_url).rstrip("/")
    match = _HOST_HEADER.match(request.host or "")
    name = match.group("name") if match else "localhost"
    return f"{request.scheme}://{name}:{settings.rasa_port}"


def content_security_policy(chat_server: str) -> str:
    # The origin only: a source with a path allows that exact path, not socket.io's under it.
    # socket.io polls over http(s) and upgrades to ws(s); a source "http://x" does not cover ws.
    origin = str(URL(chat_server).origin())
    websocket = re.sub(r"^http", "ws", origin)
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        f"connect-src 'self' {origin} {websocket}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _span(hours: OpeningHours, day: Weekday) -> str:
    span = hours.for_day(day)
    return f"{clock(span.start)} – {clock(span.end)}" if span else "Closed"


def tel_href(display: str) -> str:
    digits = re.sub(r"\D", "", display)
    return f"tel:+1{digits}" if len(digits) == 10 else f"tel:{digits}"


def _dollars(value: float) -> str:
    return f"${value:,.0f}"


def _sentence(text: str) -> str:
    """The data's phrases start in lower case; Jinja's capitalize would lower "IOP" and "HSA" too."""
    return text[:1].upper() + text[1:]


def page_context(program: Program) -> Dict[str, Any]:
    center = program.center
    carriers = program.insurance.carriers
    iop = program.level("iop")
    return {
        "center": center,
        "iop": iop,
        "iop_setting": _sentence(iop.setting) if iop else "",
        "tracks": [
            {
                "track": track,
                "audience": _sentence(track.audience),
                "when": timetable(track.sessions),
                "hours": f"{track.hours_per_week:g}",
            }
            for track in program.tracks
        ],
        "services": program.services,
        "insurance": program.insurance,
        "in_network": [c.name for c in carriers if c.status is CarrierStatus.in_network],
        "verify": [c.name for c in carriers if c.status is CarrierStatus.verify],
        "self_pay": f"{_dollars(program.insurance.self_pay_weekly.min)} to {_dollars(program.insurance.self_pay_weekly.max)}",
        "payment_options": [_sentence(option) for option in program.insurance.payment_options],
        "steps": [(step.name, _sentence(step.about)) for step in program.admissions.steps],
        "week": [
            {"day": day.title, "office": _span(center.office_hours, day), "admissions": _span(center.admissions_hours, day)}
            for day in Weekday
        ],
        "phones": [
            {"display": phone.display, "href": tel_href(phone.display), "purpose": phone.purpose}
            for phone in center.phones.values()
        ],
        "admissions_phone": center.phones["admissions"],
        "admissions_href": tel_href(center.phones["admissions"].display),
        "on_call_href": tel_href(center.phones["on_call"].display),
    }


def _program(request: web.Request) -> Program:
    return request.app[PROGRAM].get().program


async def home(request: web.Request) -> web.Response:
    try:
        # The first read (or the one after an edit) parses the YAML: not on the event loop.
        program = await asyncio.to_thread(_program, request)
    except ProgramDataError:
        raise web.HTTPServiceUnavailable(
            reason="The center's information can't be shown right now. Please call us instead."
        ) from None
    server = chat_server_url(request)
    context = page_context(program)
    context.update(
        chat_server=server,
        brand_color=BRAND_COLOR,
        stylesheet=static_url(request, "site.css"),
        widget_src=str(request.app.router["widget_script"].url_for()),
    )
    response = aiohttp_jinja2.render_template("site/home.html", request, context)
    response.headers.update(
        {
            "Content-Security-Policy": content_security_policy(server),
            "Cache-Control": "no-cache",  # rebuilt from data that may change without a restart
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Content-Type-Options": "nosniff",
        }
    )
    return response
