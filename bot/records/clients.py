"""Enrolled clients for staff: their craving check-ins, the skills they used, when they last wrote.

- A check-in *exercise* pairs the "before" rating of one coping exercise with its "after" rating
  (None until given). Its skill and need are the "after" row's when set, else the "before" row's.
- ``skills`` counts exercises per skill (exercises without a skill are not counted), most used
  first, with the average change (after - before) over the exercises that have both ratings.
- ``last_contact`` is the latest user message in any conversation linked to the client.
- ``latest_rating`` (in the list) is the client's most recent rating, before or after.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.clients.store import Client, ClientStore
from bot.storage.db import client_conversations, clients, craving_checkins
from bot.storage.rasa_events import events, events_exist, from_epoch, person_wrote
from bot.storage.times import from_db as aware


@dataclass(frozen=True)
class Exercise:
    exercise_id: str
    conversation_id: str
    need: str
    skill: Optional[str]
    before: Optional[int]
    after: Optional[int]
    started_at: dt.datetime  # the first rating
    finished_at: Optional[dt.datetime]  # the "after" rating

    @property
    def change(self) -> Optional[int]:
        """after - before (negative: the craving went down); None until both are given."""
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class SkillUse:
    skill: str
    count: int
    average_change: Optional[float]


@dataclass(frozen=True)
class ClientOverview:
    client: Client
    exercises: List[Exercise]  # oldest first
    skills: List[SkillUse]
    last_contact: Optional[dt.datetime]
    conversation_ids: List[str]  # most recently active first


@dataclass(frozen=True)
class ClientRow:
    id: str
    first_name: str
    track: str
    counselor: str
    created_at: dt.datetime
    conversations: int
    last_contact: Optional[dt.datetime]
    latest_rating: Optional[int]
    latest_rating_phase: Optional[str]
    latest_rating_at: Optional[dt.datetime]


def _last_contacts(connection: Connection, client_id: Optional[str] = None) -> Dict[str, dt.datetime]:
    if not events_exist(connection):
        return {}
    query = (
        sa.select(client_conversations.c.client_id, sa.func.max(events.c.timestamp).label("last"))
        .join(events, events.c.sender_id == client_conversations.c.conversation_id)
        .where(person_wrote())  # a reminder that fired is not the client in touch
        .group_by(client_conversations.c.client_id)
    )
    if client_id is not None:
        query = query.where(client_conversations.c.client_id == client_id)
    return {row.client_id: from_epoch(row.last) for row in connection.execute(query) if row.last is not None}  # type: ignore[misc]


def _exercises(connection: Connection, client_id: str) -> List[Exercise]:
    rows = connection.execute(
        sa.select(craving_checkins)
        .where(craving_checkins.c.client_id == client_id)
        .order_by(craving_checkins.c.at, craving_checkins.c.id)
    ).all()
    grouped: Dict[str, Dict[str, sa.engine.Row]] = defaultdict(dict)
    for row in rows:
        grouped[row.exercise_id][row.phase] = row
    exercises = []
    for exercise_id, phases in grouped.items():
        before, after = phases.get("before"), phases.get("after")
        given = [row for row in (after, before) if row is not None]  # the "after" row wins
        first = min(given, key=lambda row: (aware(row.at), row.id))
        exercises.append(
            Exercise(
                exercise_id=exercise_id,
                conversation_id=first.conversation_id,
                need=next((row.need for row in given if row.need), given[0].need),
                skill=next((row.skill for row in given if row.skill), None),
                before=before.rating if before is not None else None,
                after=after.rating if after is not None else None,
                started_at=aware(first.at),
                finished_at=aware(after.at) if after is not None else None,
            )
        )
    exercises.sort(key=lambda e: (e.started_at, e.exercise_id))
    return exercises


def _skills(exercises: List[Exercise]) -> List[SkillUse]:
    counts: Dict[str, int] = defaultdict(int)
    changes: Dict[str, List[int]] = defaultdict(list)
    for exercise in exercises:
        if not exercise.skill:
            continue
        counts[exercise.skill] += 1
        if exercise.change is not None:
            changes[exercise.skill].append(exercise.change)
    uses = [
        SkillUse(skill=skill, count=n, average_change=(sum(changes[skill]) / len(changes[skill])) if changes[skill] else None)
        for skill, n in counts.items()
    ]
    return sorted(uses, key=lambda use: (-use.count, use.skill))


def client_overview(engine: Engine, client_id: str) -> Optional[ClientOverview]:
    """The client's record, check-ins, skills and conversations; None for an unknown client."""
    store = ClientStore(engine)
    client = store.get(client_id)
    if client is None:
        return None
    with engine.connect() as connection:
        exercises = _exercises(connection, client_id)
        last = _last_contacts(connection, client_id).get(client_id)
    return ClientOverview(
        client=client,
        exercises=exercises,
        skills=_skills(exercises),
        last_contact=last,
        conversation_ids=store.conversations(client_id),
    )


def client_list(engine: Engine) -> List[ClientRow]:
    """Every enrolled client by id, with their last contact and latest rating (four queries)."""
    latest = sa.func.row_number().over(
        partition_by=craving_checkins.c.client_id, order_by=(craving_checkins.c.at.desc(), craving_checkins.c.id.desc())
    )
    ranked = (
        sa.select(
            craving_checkins.c.client_id,
            craving_checkins.c.rating,
            craving_checkins.c.phase,
            craving_checkins.c.at,
            latest.label("n"),
        )
        .where(craving_checkins.c.client_id.isnot(None))
        .subquery()
    )
    with engine.connect() as connection:
        records = connection.execute(sa.select(clients).order_by(clients.c.id)).all()
        ratings = {row.client_id: row for row in connection.execute(sa.select(ranked).where(ranked.c.n == 1))}
        counts = dict(
            connection.execute(
                sa.select(client_conversations.c.client_id, sa.func.count()).group_by(client_conversations.c.client_id)
            ).all()
        )
        contacts = _last_contacts(connection)
    rows = []
    for record in records:
        rating = ratings.get(record.id)
        rows.append(
            ClientRow(
                id=record.id,
                first_name=record.first_name,
                track=record.track,
                counselor=record.counselor,
                created_at=aware(record.created_at),
                conversations=int(counts.get(record.id, 0)),
                last_contact=contacts.get(record.id),
                latest_rating=rating.rating if rating is not None else None,
                latest_rating_phase=rating.phase if rating is not None else None,
                latest_rating_at=aware(rating.at) if rating is not None else None,
            )
        )
    return rows


def client_links(engine: Engine, conversation_ids: List[str]) -> Dict[str, str]:
    """conversation id -> the enrolled client it is linked to (for a "client" badge)."""
    if not conversation_ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(client_conversations.c.conversation_id, client_conversations.c.client_id)
            .join(clients, clients.c.id == client_conversations.c.client_id)
            .where(client_conversations.c.conversation_id.in_(conversation_ids))
        ).all()
    return {row.conversation_id: row.client_id for row in rows}
