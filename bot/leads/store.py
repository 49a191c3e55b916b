"""Callback requests from prospective clients, saved for the admissions team."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage.db import leads


@dataclass(frozen=True)
class Lead:
    conversation_id: str
    first_name: str
    best_time: str
    for_whom: str
    consent_at: dt.datetime
    phone: Optional[str] = None
    email: Optional[str] = None
    insurance: Optional[str] = None
    language: str = "en"  # the conversation's language: admissions call back in it


class LeadStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, lead: Lead) -> int:
        if not (lead.phone or lead.email):
            raise ValueError("a lead needs a phone number or an e-mail address")
        now = dt.datetime.now(dt.timezone.utc)
        with self.engine.begin() as connection:
            result = connection.execute(leads.insert().values(**asdict(lead), created_at=now))
            return int(result.inserted_primary_key[0])

    def for_conversation(self, conversation_id: str) -> List[dict]:
        query = sa.select(leads).where(leads.c.conversation_id == conversation_id).order_by(leads.c.id)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]
