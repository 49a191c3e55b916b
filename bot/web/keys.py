"""Typed keys for what the web app keeps in its state."""
from aiohttp import web
from sqlalchemy.engine import Engine

from bot.meetings.store import MeetingStore
from bot.program.loader import ProgramCache
from bot.safety.escalations import EscalationStore
from bot.settings import Settings
from bot.staff.audit import AuditLog
from bot.staff.sessions import SessionStore
from bot.staff.users import UserStore

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", Engine)
PROGRAM = web.AppKey("program", ProgramCache)
ESCALATIONS = web.AppKey("escalations", EscalationStore)
MEETINGS = web.AppKey("meetings", MeetingStore)
USERS = web.AppKey("users", UserStore)
SESSIONS = web.AppKey("sessions", SessionStore)
AUDIT = web.AppKey("audit", AuditLog)
