"""The inbox's records on a real database: grouping, filters, paging, labels, flags, missed crises."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.review.collect import FALLBACK, FLAGGED, LOW_CONFIDENCE, OUT_OF_SCOPE, REPHRASED
from bot.review.normalize import review_key
from bot.review.store import Alternative, InboxFilter, InvalidLabel, NotFound, ReviewStore, add_turn
from bot.safety.escalations import record_crisis_events
from bot.storage.db import client_conversations, escalations, missed_crises, notifications
from tests.bot.review.conftest import bot, save, user

UNSURE = [("nlu_fallback", 0.8), ("ask_cost", 0.41), ("ask_insurance", 0.3)]


def turn(engine: Engine, conversation_id: str, text: str, ranking=UNSURE, reply="utter_fallback", at=None) -> list:
    events = [user(text, ranking, timestamp=at), *bot("Sorry, I'm not sure I understood.", reply, None if at is None else at + 1)]
    save(engine, conversation_id, events)
    with engine.begin() as connection:
        add_turn(connection, conversation_id, events)
    return events


@pytest.fixture
def store(engine: Engine) -> ReviewStore:
    return ReviewStore(engine)


def test_identical_and_near_identical_messages_are_one_row_with_a_count(engine: Engine, store: ReviewStore) -> None:
    turn(engine, "a", "whats the process")
    turn(engine, "b", "What's the process??")
    turn(engine, "b", "magellan", [("out_of_scope", 0.9)], "utter_out_of_scope")
    page = store.page(InboxFilter())
    assert page.total == 2
    by_key = {row.key: row for row in page.items}
    process = by_key[review_key("whats the process")]
    assert (process.count, process.conversations, process.text) == (2, 2, "What's the process??")
    assert process.reasons == [FALLBACK] and process.intent == "ask_cost" and process.confidence == 0.41
    assert process.alternatives == [Alternative("ask_insurance", 0.3)]
    assert process.reply == "Sorry, I'm not sure I understood."
    assert by_key[review_key("magellan")].reasons == [OUT_OF_SCOPE]


def test_filters_order_and_paging(engine: Engine, store: ReviewStore) -> None:
    base = time.time() - 3 * 86400
    for n in range(3):
        turn(engine, f"c{n}", "group on labor day?", at=base + n)
    turn(engine, "d", "who made you", [("bot_challenge", 0.85), ("greet", 0.05)], "utter_iamabot", at=base + 100)
    assert [row.text for row in store.page(InboxFilter(order="frequent")).items][0] == "group on labor day?"
    assert [row.text for row in store.page(InboxFilter(order="newest")).items][0] == "who made you"
    assert [row.text for row in store.page(InboxFilter(reason=LOW_CONFIDENCE)).items] == ["who made you"]
    assert [row.text for row in store.page(InboxFilter(intent="ask_cost")).items] == ["group on labor day?"]
    since = dt.datetime.fromtimestamp(base + 50, dt.timezone.utc)
    assert [row.text for row in store.page(InboxFilter(since=since)).items] == ["who made you"]
    assert [row.text for row in store.page(InboxFilter(until=since)).items] == ["group on labor day?"]
    first, second = store.page(InboxFilter(per_page=1)), store.page(InboxFilter(per_page=1, page=2))
    assert (first.total, first.pages, second.total) == (2, 2, 2)
    assert first.items[0].key != second.items[0].key
    assert store.predicted_intents() == ["ask_cost", "bot_challenge"]
    with pytest.raises(ValueError, match="reason must be one of"):
        InboxFilter(reason="bored")


def test_a_label_takes_the_row_out_of_the_to_do_list(engine: Engine, store: ReviewStore) -> None:
    turn(engine, "a", "magellan")
    key = review_key("magellan")
    outcome = store.label(key, "correct", "ask_insurance", None, "sam")
    assert (outcome.label.decision, outcome.label.intent, outcome.label.labeled_by) == ("correct", "ask_insurance", "sam")
    assert store.page(InboxFilter()).total == 0
    [row] = store.page(InboxFilter(status="labeled")).items
    assert row.label is not None and row.label.intent == "ask_insurance"
    store.label(key, "exclude", None, None, "kim")  # changed in place
    [row] = store.page(InboxFilter(status="all")).items
    assert row.label is not None and (row.label.decision, row.label.labeled_by) == ("exclude", "kim")
    turn(engine, "b", "Magellan!")  # the same message again: already labelled
    assert store.page(InboxFilter()).total == 0


@pytest.mark.parametrize(
    ("decision", "intent", "note", "error"),
    [
        ("maybe", "ask_cost", None, "decision must be one of"),
        ("correct", None, None, "needs the intent"),
        ("confirm", None, None, "needs the intent"),
        ("new_topic", None, "  ", "needs a note"),
    ],
)
def test_a_label_that_does_not_say_enough_is_refused(
    engine: Engine, store: ReviewStore, decision: str, intent: str, note: str, error: str
) -> None:
    turn(engine, "a", "magellan")
    with pytest.raises(InvalidLabel, match=error):
        store.label(review_key("magellan"), decision, intent, note, "sam")
    with pytest.raises(NotFound):
        store.label(review_key("never written"), "exclude", None, None, "sam")


def test_a_recent_missed_crisis_raises_an_escalation_once(engine: Engine, store: ReviewStore) -> None:
    turn(engine, "a", "lapsed. back to day 1 and i dont see the point of any of it")
    key = review_key("lapsed. back to day 1 and i dont see the point of any of it")
    outcome = store.label(key, "correct", "crisis", None, "dr.lee")
    assert outcome.missed_crises == 1 and len(outcome.escalations) == 1
    with engine.connect() as connection:
        escalation = connection.execute(sa.select(escalations)).one()
        assert (escalation.conversation_id, escalation.crisis_type, escalation.status) == ("a", "unspecified", "open")
        assert connection.execute(sa.select(sa.func.count()).select_from(notifications)).scalar() == 1
        assert connection.execute(sa.select(missed_crises.c.escalation_id)).scalar() == escalation.id
    again = store.label(key, "correct", "crisis", None, "dr.lee")
    assert again.missed_crises == 0 and again.escalations == []


def test_a_missed_crisis_counts_but_does_not_page_when_someone_was_alerted_or_it_is_old(
    engine: Engine, store: ReviewStore
) -> None:
    turn(engine, "alerted", "no point anymore")
    record_crisis_events(engine, "alerted", [user("i want to die", [("crisis", 1.0)])])
    old = time.time() - 3 * 86400
    turn(engine, "old", "everyone would be better off", at=old)
    assert store.label(review_key("no point anymore"), "correct", "crisis", None, "dr.lee").escalations == []
    outcome = store.label(review_key("everyone would be better off"), "correct", "crisis", None, "dr.lee")
    assert outcome.missed_crises == 1 and outcome.escalations == []
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(missed_crises)).scalar() == 2
        assert connection.execute(sa.select(sa.func.count()).select_from(escalations)).scalar() == 1


def test_staff_flag_a_message_from_a_transcript(engine: Engine, store: ReviewStore) -> None:
    events = [user("can my dog come", [("ask_family_involvement", 0.99)]), *bot("Families are welcome ...", "utter_family")]
    save(engine, "a", events)
    key = store.flag("a", events[0]["timestamp"], "sam")
    [row] = store.page(InboxFilter()).items
    assert row.key == key and row.reasons == [FLAGGED] and row.reply == "Families are welcome ..."
    store.flag("a", events[0]["timestamp"], "kim")  # flagging twice keeps one row
    assert store.page(InboxFilter()).items[0].count == 1
    with pytest.raises(NotFound):
        store.flag("a", 12.5, "sam")
    assert store.standing("a") is not None and store.standing("nobody") is None


def test_a_rephrase_marks_the_message_saved_in_the_turn_before(engine: Engine, store: ReviewStore) -> None:
    first = turn(engine, "a", "can my wife come", [("ask_cost", 0.95), ("greet", 0.01)], "utter_cost")
    second = [user("that's not what I asked", [("deny", 0.6)]), *bot("...", "utter_fallback")]
    save(engine, "a", second)
    with engine.begin() as connection:
        add_turn(connection, "a", second, earlier=first)
    [row] = store.page(InboxFilter()).items
    assert row.text == "can my wife come" and row.reasons == [REPHRASED]


def test_admissions_never_see_messages_from_an_enrolled_clients_conversation(engine: Engine, store: ReviewStore) -> None:
    turn(engine, "client-chat", "my counselor said to ask you about step work")
    turn(engine, "prospect", "whats the process")
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as connection:
        connection.execute(
            client_conversations.insert().values(
                conversation_id="client-chat", client_id="c-1", first_seen_at=now, last_seen_at=now
            )
        )
    assert {row.text for row in store.page(InboxFilter(include_client_conversations=False)).items} == {"whats the process"}
    assert store.page(InboxFilter()).total == 2
