"""What every action shares: lazily opened resources and a helper to send a rendered reply."""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import Optional

from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine

from bot.meetings.store import IndexCache, MeetingStore
from bot.program.answers import AnswerBook, Reply
from bot.program.loader import ProgramCache
from bot.settings import get_settings
from bot.storage.db import create_tables, make_engine
from bot.storage.leads import LeadStore


class Resources:
    """Opened on first use (never at import time) and shared by all actions of the process."""

    def __init__(self) -> None:
        settings = get_settings()
        self.program = ProgramCache(settings.program_data_dir)
        self._database = settings.database
        self._engine: Optional[Engine] = None
        self._meetings: Optional[IndexCache] = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                engine = make_engine(self._database)
                create_tables(engine)
                self._engine = engine
        return self._engine

    @property
    def leads(self) -> LeadStore:
        return LeadStore(self.engine)

    @property
    def meetings(self) -> IndexCache:
        engine = self.engine
        with self._lock:
            if self._meetings is None:
                self._meetings = IndexCache(MeetingStore(engine))
        return self._meetings


_resources: Optional[Resources] = None
_resources_lock = threading.Lock()


def resources() -> Resources:
    global _resources
    with _resources_lock:
        if _resources is None:
            _resources = Resources()
    return _resources


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)


class CompanionAction(Action, ABC):
    """Base of our actions; abstract so rasa-sdk does not register it."""

    @abstractmethod
    def name(self) -> str:
        raise NotImplementedError

    @property
    def book(self) -> AnswerBook:
        return resources().program.get()
