"""Low-priority review items from the crisis net, recorded from the conversation's events.

- ``screening_no``: the person answered the screening question with a clear no. Nobody is paged;
  a clinician can look at the message later.
- ``false_alarm``: in crisis mode the person said it was not an emergency. The open escalation
  stays open for staff to close, but stops paging (``bot.safety.notifier``).

Like escalations, each is recorded once, when the assistant's reply that marks it is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.safety.escalations import event_time, known_type
from bot.storage.db import escalations, safety_reviews

SCREENING_NO = "screening_no"
FALSE_ALARM = "false_alarm"
MARKING_REPLIES = {"utter_risk_screen_no": SCREENING_NO, "utter_crisis_false_alarm": FALSE_ALARM}


@dataclass(frozen=True)
class ReviewItem:
    conversation_id: str
    kind: str
    message: str
    at: dt.datetime


def review_items(
    conversation_id: str, events: Iterable[Dict[str, Any]], earlier: Sequence[Dict[str, Any]] = ()
) -> List[ReviewItem]:
    last_user = next((e for e in reversed(earlier) if e.get("event") == "user"), None)
    found = []
    for event in events:
        if event.get("event") == "user":
            last_user = event
        elif event.get("event") == "action" and event.get("name") in MARKING_REPLIES and last_user is not None:
            found.append(
                ReviewItem(conversation_id, MARKING_REPLIES[event["name"]], last_user.get("text") or "", event_time(event))
            )
    return found


def record_review_items(
    engine: Engine,
    conversation_id: str,
    events: Iterable[Dict[str, Any]],
    earlier: Sequence[Dict[str, Any]] = (),
    crisis_type: Optional[str] = None,
) -> int:
    with engine.begin() as connection:
        return add_review_items(connection, conversation_id, events, earlier, crisis_type)


def add_review_items(
    connection: Connection,
    conversation_id: str,
    events: Iterable[Dict[str, Any]],
    earlier: Sequence[Dict[str, Any]] = (),
    crisis_type: Optional[str] = None,
) -> int:
    """:func:`record_review_items` inside the caller's transaction (the tracker store's turn)."""
    items = review_items(conversation_id, events, earlier)
    if items:
        open_escalation = connection.execute(
            sa.select(escalations.c.id).where(
                escalations.c.conversation_id == conversation_id, escalations.c.status != "resolved"
            )
        ).scalar()
        for item in items:
            connection.execute(
                safety_reviews.insert().values(
                    conversation_id=conversation_id,
                    kind=item.kind,
                    message=item.message,
                    crisis_type=known_type(crisis_type) if crisis_type is not None else None,
                    escalation_id=open_escalation if item.kind == FALSE_ALARM else None,
                    created_at=item.at,
                )
            )
    return len(items)


def pending(engine: Engine, limit: int = 100) -> List[Dict[str, Any]]:
    """Unreviewed items, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(safety_reviews)
            .where(safety_reviews.c.reviewed_at.is_(None))
            .order_by(safety_reviews.c.created_at.desc())
            .limit(limit)
        )
        return [dict(row._mapping) for row in rows]
