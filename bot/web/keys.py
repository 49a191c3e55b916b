"""Typed keys for what the web app keeps in its state."""

from aiohttp import web
from sqlalchemy.engine import Engine

from bot.answer_book import ProgramCache
from bot.handoff.assistant import Assistant
from bot.handoff.presence import PresenceStore
from bot.handoff.store import HandoffStore
from bot.handoff.takeover import LiveChats
from bot.meetings.store import MeetingStore
from bot.records.event_feed import ConversationSignals
from bot.review.store import ReviewStore
from bot.safety.escalations import EscalationStore
from bot.settings import Settings
from bot.staff.audit import AuditLog
from bot.staff.sessions import SessionStore
from bot.staff.throttle import LoginThrottle
from bot.staff.users import UserStore

SETTINGS = web.AppKey("settings", Settings)
ENGINE: web.AppKey[Engine] = web.AppKey("engine", Engine)
PROGRAM = web.AppKey("program", ProgramCache)
ESCALATIONS = web.AppKey("escalations", EscalationStore)
MEETINGS = web.AppKey("meetings", MeetingStore)
USERS = web.AppKey("users", UserStore)
SESSIONS = web.AppKey("sessions", SessionStore)
AUDIT = web.AppKey("audit", AuditLog)
HANDOFFS = web.AppKey("handoffs", HandoffStore)
PRESENCE = web.AppKey("presence", PresenceStore)
ASSISTANT = web.AppKey("assistant", Assistant)  # Rasa's HTTP API, for pausing and live messages
LIVE_CHATS = web.AppKey("live_chats", LiveChats)  # take-overs and their end
EVENT_FEED = web.AppKey("event_feed", ConversationSignals)  # Rasa's events from RabbitMQ, per conversation
REVIEW = web.AppKey("review", ReviewStore)  # the review inbox
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)  # failed log-ins per client address
