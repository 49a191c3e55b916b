"""The web app factory: state under typed keys, resources opened and closed in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import AsyncIterator, Callable, Optional

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.answer_book import ProgramCache
from bot.handoff.assistant import Assistant
from bot.handoff.presence import PresenceStore
from bot.handoff.store import HandoffStore
from bot.handoff.sweeper import Sweeper
from bot.handoff.takeover import LiveChats
from bot.meetings.refresh import refresh_periodically
from bot.meetings.store import MeetingStore
from bot.records.event_feed import ConversationSignals, consume_forever
from bot.review.collect import Thresholds
from bot.review.store import ReviewStore
from bot.safety.escalations import EscalationStore
from bot.safety.notifier import Notifier
from bot.safety.reconcile import reconcile_forever
from bot.settings import Settings, get_settings
from bot.staff.audit import AuditLog
from bot.staff.roles import Role
from bot.staff.sessions import SessionStore
from bot.staff.throttle import LoginThrottle
from bot.staff.users import UserStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from bot.web.auth import auth_middleware, csrf_middleware, now
from bot.web.forwarded import forwarded_middleware
from bot.web.keys import (
    ASSISTANT,
    AUDIT,
    ENGINE,
    ESCALATIONS,
    EVENT_FEED,
    HANDOFFS,
    LIVE_CHATS,
    LOGIN_THROTTLE,
    MEETINGS,
    PRESENCE,
    PROGRAM,
    REVIEW,
    SESSIONS,
    SETTINGS,
    USERS,
)
from bot.web.middleware import error_middleware
from bot.web.routes import setup_routes

TEMPLATES = Path(__file__).parent / "templates"
MAX_BODY_BYTES = 256 * 1024


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[SETTINGS].database_url)
    migrate(engine)
    app[ENGINE] = engine
    app[ESCALATIONS] = EscalationStore(engine)
    settings = app[SETTINGS]
    app[REVIEW] = ReviewStore(engine, Thresholds(settings.review_confidence, settings.review_margin))
    app[MEETINGS] = MeetingStore(engine)
    app[USERS] = UserStore(engine)
    app[SESSIONS] = SessionStore(engine)
    app[AUDIT] = AuditLog(engine)
    app[HANDOFFS] = HandoffStore(engine)
    app[PRESENCE] = PresenceStore(engine)
    yield
    engine.dispose()


async def _notifier(app: web.Application) -> AsyncIterator[None]:
    """The crisis notification worker runs for as long as the web app does."""
    async with aiohttp.ClientSession() as session:
        task = asyncio.create_task(Notifier(app[ENGINE], app[SETTINGS], session).run_forever())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _reconciler(app: web.Application) -> AsyncIterator[None]:
    """The backstop check of crisis turns against escalations (bot/safety/reconcile.py)."""
    task = asyncio.create_task(reconcile_forever(app[ENGINE], app[SETTINGS].reconcile_seconds))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _meeting_refresher(app: web.Application) -> AsyncIterator[None]:
    """Imports the meeting feeds at start and whenever a source falls due (sources.yml)."""
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as session:
        task = asyncio.create_task(
            refresh_periodically(settings.meeting_sources_path, settings.meetings_dir, app[MEETINGS], session)
        )
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _handoffs(app: web.Application) -> AsyncIterator[None]:
    """Rasa's HTTP API for live handoffs, and the timer for requests and chats left waiting."""
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as session:
        app[ASSISTANT] = Assistant(session, settings.rasa_url, settings.auth_token())
        app[LIVE_CHATS] = LiveChats(app[HANDOFFS], app[ASSISTANT], app[PROGRAM].get, app[ESCALATIONS], _role_of(app[USERS]), now)
        sweeper = Sweeper(
            app[HANDOFFS],
            app[ESCALATIONS],
            app[ASSISTANT],
            app[PROGRAM].get,
            wait_seconds=settings.handoff_wait_seconds,
            abandon_seconds=settings.handoff_abandon_seconds,
        )
        task = asyncio.create_task(sweeper.run_forever(settings.handoff_poll_seconds))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _event_feed(app: web.Application) -> AsyncIterator[None]:
    """Rasa's events from RabbitMQ (RABBITMQ_URL), which wake the console's live views at once."""
    app[EVENT_FEED] = signals = ConversationSignals()
    url = app[SETTINGS].rabbitmq_url
    task = asyncio.create_task(consume_forever(url, signals)) if url else None
    yield
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _role_of(users: UserStore) -> Callable[[str], Optional[Role]]:
    def role_of(username: str) -> Optional[Role]:
        user = users.by_username(username)
        return None if user is None else user.role

    return role_of


def create_app(settings: Optional[Settings] = None) -> web.Application:
    settings = settings or get_settings()
    # Staff forms and API bodies are small; aiohttp answers 413 past this (its default is 1 MiB).
    app = web.Application(
        middlewares=[forwarded_middleware, error_middleware, auth_middleware, csrf_middleware], client_max_size=MAX_BODY_BYTES
    )
    app[SETTINGS] = settings
    app[PROGRAM] = ProgramCache(settings.program_data_dir)
    app[LOGIN_THROTTLE] = LoginThrottle()
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape())
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_notifier)
    app.cleanup_ctx.append(_reconciler)
    app.cleanup_ctx.append(_meeting_refresher)
    app.cleanup_ctx.append(_handoffs)
    app.cleanup_ctx.append(_event_feed)
    setup_routes(app)
    return app
