"""The dashboard's review figures: per week, the inbox's size, confusions, missed crises by role."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.review.normalize import review_key
from bot.review.stats import review_figures
from bot.review.store import ReviewStore, add_turn
from tests.bot.review.conftest import bot, save, user

ZONE = ZoneInfo("America/Los_Angeles")
UNSURE = [("nlu_fallback", 0.8), ("ask_cost", 0.41), ("ask_insurance", 0.3)]


def write(engine: Engine, conversation_id: str, text: str, at: float) -> None:
    events = [user(text, UNSURE, timestamp=at), *bot("...", "utter_fallback", at + 1)]
    save(engine, conversation_id, events)
    with engine.begin() as connection:
        add_turn(connection, conversation_id, events)


def test_weeks_inbox_confusions_and_missed_crises(engine: Engine) -> None:
    now = time.time()
    write(engine, "a", "magellan", now - 60)
    write(engine, "b", "Magellan?", now - 50)
    write(engine, "c", "whats the process", now - 8 * 86400)
    sure = [user("do you take cigna", [("ask_insurance", 0.99)], timestamp=now - 40), *bot("Yes", "utter_ok", now - 39)]
    save(engine, "d", sure)
    store = ReviewStore(engine)
    store.label(review_key("magellan"), "correct", "ask_insurance", None, "ada")
    store.label(review_key("whats the process"), "correct", "crisis", None, "cleo")
    store.flag("d", sure[0]["timestamp"], "ada")  # a flag is not the assistant's doubt
    clinical = review_figures(engine, ZONE, crisis=True, include_client_conversations=True)
    weeks = clinical.weeks
    assert len(weeks) == 8 and all(w.week.weekday() == 0 for w in weeks)
    assert [w.week for w in weeks] == sorted(w.week for w in weeks)
    # sums: a test run just after midnight on a Monday splits "a minute ago" across two weeks
    assert sum(w.user_messages for w in weeks) == 4 and sum(w.unsure for w in weeks) == 3
    assert sum(w.labelled for w in weeks) == 2 and sum(w.missed_crises or 0 for w in weeks) == 1
    assert all(w.unsure_share == (w.unsure / w.user_messages if w.user_messages else None) for w in weeks)
    assert weeks[-1].labelled + weeks[-2].labelled == 2  # labelled now, in the last week or the one before
    assert clinical.inbox == 1  # the flagged one; the others are labelled
    assert clinical.missed_crises == 1
    assert [(c.predicted, c.corrected, c.count) for c in clinical.confusions] == [
        ("ask_cost", "ask_insurance", 1),
        ("ask_cost", "crisis", 1),
    ]
    admissions = review_figures(engine, ZONE, crisis=False, include_client_conversations=False)
    assert admissions.missed_crises is None and admissions.weeks[-1].missed_crises is None
    assert [(c.predicted, c.corrected) for c in admissions.confusions] == [("ask_cost", "ask_insurance")]


def test_an_empty_inbox_has_no_share_without_messages(engine: Engine) -> None:
    figures = review_figures(engine, ZONE, crisis=True, include_client_conversations=True, now=dt.datetime.now(dt.timezone.utc))
    assert all(w.unsure_share is None and w.unsure == 0 for w in figures.weeks)
    assert (figures.inbox, figures.missed_crises, figures.confusions) == (0, 0, [])


def test_a_replayed_question_is_one_message(engine: Engine) -> None:
    """The copy actions/screening.py replays to answer a question set aside is not a message written."""
    now = time.time()
    asked = user("how much does it cost", [("ask_cost", 0.9)], timestamp=now - 30)
    replayed = {**user("how much does it cost", [("ask_cost", 0.9)], timestamp=now - 20), "metadata": {"replayed": True}}
    save(engine, "a", [asked, user("no", [("deny", 0.99)], timestamp=now - 25), replayed])
    figures = review_figures(engine, ZONE, crisis=True, include_client_conversations=True)
    assert sum(w.user_messages for w in figures.weeks) == 2
