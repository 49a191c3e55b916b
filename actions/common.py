"""What every action shares: lazily opened resources, a helper to send a rendered reply, and the
automated-assistant notice on a conversation's first reply."""

from __future__ import annotations

import functools
import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine

from bot.answer_book import ProgramCache
from bot.clients.identity import sealed_client
from bot.clients.store import Client, ClientStore
from bot.coping.checkins import CheckinStore
from bot.coping.loader import LibraryCache
from bot.language.choice import REPLY_LANGUAGE_KEY
from bot.leads.store import LeadStore
from bot.meetings.store import IndexCache, MeetingStore
from bot.program.answers import AnswerBook, Reply
from bot.program.models import Track
from bot.program.notice import NOTICE_HANDLED, Notices, notice_due, with_notice
from bot.said import is_external
from bot.settings import get_settings
from bot.storage.db import make_engine
from bot.storage.schema import migrate


class Resources:
    """Opened on first use (never at import time) and shared by all actions of the process."""

    def __init__(self) -> None:
        settings = get_settings()
        self.program = ProgramCache(settings.program_data_dir)
        self.coping = LibraryCache(settings.coping_dir)
        self.client_key = settings.client_token_key()  # read once: it checks every client's seal
        self._database = settings.database_url
        self._engine: Optional[Engine] = None
        self._meetings: Optional[IndexCache] = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                engine = make_engine(self._database)
                migrate(engine)
                self._engine = engine
        return self._engine

    @property
    def leads(self) -> LeadStore:
        return LeadStore(self.engine)

    @property
    def clients(self) -> ClientStore:
        return ClientStore(self.engine)

    @property
    def checkins(self) -> CheckinStore:
        return CheckinStore(self.engine)

    @property
    def meetings(self) -> IndexCache:
        engine = self.engine
        with self._lock:
            if self._meetings is None:
                self._meetings = IndexCache(MeetingStore(engine))
        return self._meetings


@dataclass(frozen=True)
class Writer:
    """Who wrote the latest message: the channel's verdict on its token (bot/rasa/channels/), with the
    client's record and track when verified. status: verified, expired, invalid, unknown_client, none."""

    status: str
    client: Optional[Client] = None
    track: Optional[Track] = None


log = logging.getLogger(__name__)
_resources: Optional[Resources] = None
_resources_lock = threading.Lock()


def resources() -> Resources:
    global _resources
    with _resources_lock:
        if _resources is None:
            _resources = Resources()
    return _resources


def identity_of(tracker: Tracker) -> Writer:
    """The channel's verdict on the latest message (it drops any ``client`` the sender wrote); a
    verified one counts only with the channel's seal for this conversation (bot/clients/identity.py)."""
    verdict = (tracker.latest_message.get("metadata") or {}).get("client")
    if not isinstance(verdict, dict):
        return Writer("none")
    status = str(verdict.get("status") or "none")
    if status != "verified":
        return Writer(status)
    client_id = sealed_client(resources().client_key, tracker.sender_id, verdict)
    if client_id is None:
        log.warning("a verified identity without the channel's seal for this conversation was refused")
        return Writer("invalid")
    return client_identity(client_id)


def client_identity(client_id: str) -> Writer:
    client = resources().clients.get(client_id) if client_id else None
    if client is None:  # removed since the channel checked the token
        return Writer("unknown_client")
    track = next((t for t in resources().program.get().program.tracks if t.key == client.track), None)
    if track is None:
        log.warning("client's track is not in the program data (tracks.yml); answering as for a visitor")
        return Writer("unknown_client", client)
    return Writer("verified", client, track)


def book_in(tracker: Tracker) -> AnswerBook:
    """The center's answers in the conversation's language (the ``language`` slot, bot/language/)."""
    return resources().program.get().in_language(tracker.get_slot("language"))


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)


# Whether a coping exercise is running (actions/coping.py): the rules send "ok", "more" and
# "done" to it while it is.
EXERCISE_SLOT = "coping_active"


def _person_moved_on(action: "CompanionAction", tracker: Tracker, answered: bool) -> bool:
    """An answer to something else ends a running exercise, so a later "ok" or "more" is not
    taken for its next step. A reminder firing meanwhile is not the person moving on."""
    if not (answered and action.ends_an_exercise and tracker.get_slot(EXERCISE_SLOT)):
        return False
    said = next((event for event in reversed(tracker.events) if event.get("event") == "user"), None)
    return said is not None and not is_external(said)


def _with_first_reply_notice(run: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(run)
    async def run_with_notice(self: "CompanionAction", dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> Any:
        events = await run(self, dispatcher, tracker, domain)
        if _person_moved_on(self, tracker, bool(dispatcher.messages)):
            events = [*events, SlotSet(EXERCISE_SLOT, False)]
        if dispatcher.messages:
            book = self.book_for(tracker)
            notices = Notices.of(book)
            if notice_due(tracker.events, notices):
                dispatcher.messages[:] = with_notice(dispatcher.messages, notices)
            language = book.language
            for message in dispatcher.messages:
                if message.get("response"):
                    message[NOTICE_HANDLED] = True  # Rasa's response generator must not add it again
                else:
                    # Texts the action wrote itself carry the conversation's language as Rasa's
                    # responses do (bot/rasa/nlg.py), for the widget's labels.
                    message.setdefault(REPLY_LANGUAGE_KEY, language)
        return events

    return run_with_notice


class CompanionAction(Action, ABC):
    """Base of our actions; abstract so rasa-sdk does not register it.

    Any of them may give a conversation's first reply, so every run is wrapped to add the
    automated-assistant notice to it (bot/program/notice.py), whatever the action, and to end a
    coping exercise the person left for another question (``ends_an_exercise``).
    """

    ends_an_exercise = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "run" in vars(cls):
            cls.run = _with_first_reply_notice(vars(cls)["run"])

    @abstractmethod
    def name(self) -> str:
        raise NotImplementedError

    def book_for(self, tracker: Tracker) -> AnswerBook:
        return book_in(tracker)
