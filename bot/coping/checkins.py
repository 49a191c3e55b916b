"""Craving check-ins: the 0-10 ratings taken before and after a coping skill, kept with the
conversation and, when the person is a verified client, with the client."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage.db import craving_checkins
from bot.storage.times import from_db


@dataclass(frozen=True)
class Checkin:
    conversation_id: str
    exercise_id: str
    phase: str  # "before" or "after"
    rating: int
    need: str
    skill: Optional[str]
    at: dt.datetime
    client_id: Optional[str] = None


class CheckinStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, checkin: Checkin) -> None:
        """Stores the rating; a second rating for the same exercise and phase replaces the first."""
        if checkin.phase not in ("before", "after") or not 0 <= checkin.rating <= 10:
            raise ValueError(f"not a check-in: phase {checkin.phase!r}, rating {checkin.rating!r}")
        values = {
            "conversation_id": checkin.conversation_id,
            "client_id": checkin.client_id,
            "exercise_id": checkin.exercise_id,
            "phase": checkin.phase,
            "rating": checkin.rating,
            "need": checkin.need,
            "skill": checkin.skill,
            "at": checkin.at,
        }
        key = (craving_checkins.c.exercise_id == checkin.exercise_id) & (craving_checkins.c.phase == checkin.phase)
        with self.engine.begin() as connection:
            connection.execute(craving_checkins.delete().where(key))
            connection.execute(craving_checkins.insert().values(**values))

    def _query(self, where: sa.sql.ColumnElement) -> List[Checkin]:
        query = sa.select(craving_checkins).where(where).order_by(craving_checkins.c.at, craving_checkins.c.id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            Checkin(
                conversation_id=row["conversation_id"],
                exercise_id=row["exercise_id"],
                phase=row["phase"],
                rating=row["rating"],
                need=row["need"],
                skill=row["skill"],
                at=from_db(row["at"]),
                client_id=row["client_id"],
            )
            for row in rows
        ]

    def for_conversation(self, conversation_id: str) -> List[Checkin]:
        return self._query(craving_checkins.c.conversation_id == conversation_id)

    def for_client(self, client_id: str) -> List[Checkin]:
        return self._query(craving_checkins.c.client_id == client_id)
