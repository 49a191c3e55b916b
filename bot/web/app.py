"""The web app factory: state under typed keys, resources opened and closed in cleanup_ctx."""
from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator, Optional

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.program.loader import ProgramCache
from bot.settings import Settings, get_settings
from bot.storage.db import create_tables, make_engine
from bot.web.keys import ENGINE, PROGRAM, SETTINGS
from bot.web.middleware import error_middleware
from bot.web.routes import setup_routes

TEMPLATES = Path(__file__).parent / "templates"


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[SETTINGS].database)
    create_tables(engine)
    app[ENGINE] = engine
    yield
    engine.dispose()


def create_app(settings: Optional[Settings] = None) -> web.Application:
    settings = settings or get_settings()
    app = web.Application(middlewares=[error_middleware])
    app[SETTINGS] = settings
    app[PROGRAM] = ProgramCache(settings.program_data_dir)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape())
    app.cleanup_ctx.append(_database)
    setup_routes(app)
    return app
