"""A conversation's transcript: turns in order, what NLU and the safety net said, linked records."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.core.events import UserUttered

from bot.records.conversations import (
    ActionTurn,
    BotTurn,
    ConversationFilter,
    SessionStart,
    UserTurn,
    first_user_messages,
    list_conversations,
    transcript,
)
from bot.said import REPLAYED
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.bot.records.conftest import ZONE, Chat, World, local, tracker_store


def test_turns_in_order_without_action_listen(shared_world: World) -> None:
    found = transcript(shared_world.engine, "c-prospect")
    assert found is not None
    assert [(turn.kind, turn.at) for turn in found.turns] == [
        ("action", local(2026, 3, 18, 9, 0, 0)),
        ("session_started", local(2026, 3, 18, 9, 0, 5)),
        ("user", local(2026, 3, 18, 9, 0, 15)),
        ("action", local(2026, 3, 18, 9, 0, 20)),
        ("bot", local(2026, 3, 18, 9, 0, 25)),
        ("user", local(2026, 3, 18, 9, 0, 35)),
        ("action", local(2026, 3, 18, 9, 0, 40)),
        ("bot", local(2026, 3, 18, 9, 0, 45)),
    ]
    assert [t.name for t in found.turns if isinstance(t, ActionTurn)] == [
        "action_session_start",
        "utter_greet",
        "action_answer_insurance",
    ]
    assert (found.started_at, found.last_at) == (local(2026, 3, 18, 9, 0, 0), local(2026, 3, 18, 9, 0, 50))


def test_user_and_bot_turn_details(shared_world: World) -> None:
    found = transcript(shared_world.engine, "c-prospect", mask=False)
    assert found is not None
    users = [t for t in found.turns if isinstance(t, UserTurn)]
    bots = [t for t in found.turns if isinstance(t, BotTurn)]
    assert users[0].text == "Hi, I'm Sam, call me at (760) 555-0199 or sam@example.com"
    assert (users[1].intent, users[1].confidence, users[1].channel) == ("ask_insurance", 0.91, "socketio")
    assert [(e.entity, e.value, e.extractor) for e in users[1].entities] == [("insurance", "Aetna", "DIETClassifier")]
    assert users[1].crisis is False and users[1].safety_net is None
    assert bots[0].buttons == ["Programs", "Insurance"] and bots[1].buttons == []
    assert bots[1].text == "Yes, we work with Aetna. We can call you back at 760-555-0199."


def test_masking_covers_texts_and_lead_contacts(shared_world: World) -> None:
    found = transcript(shared_world.engine, "c-prospect")  # masked by default
    assert found is not None
    texts = [t.text for t in found.turns if isinstance(t, (UserTurn, BotTurn))]
    assert texts[0] == "Hi, I'm Sam, call me at [phone] or [e-mail]"
    assert texts[-1] == "Yes, we work with Aetna. We can call you back at [phone]."
    assert [(lead.first_name, lead.phone, lead.email, lead.insurance) for lead in found.leads] == [
        ("Sam", "[phone]", "[e-mail]", "Aetna")
    ]
    plain = transcript(shared_world.engine, "c-prospect", mask=False)
    assert plain is not None
    assert [(lead.phone, lead.email, lead.status) for lead in plain.leads] == [("(760) 555-0199", "sam@example.com", "new")]


def test_crisis_turn_and_its_escalation(shared_world: World) -> None:
    found = transcript(shared_world.engine, "c-crisis")
    assert found is not None
    user = next(t for t in found.turns if isinstance(t, UserTurn))
    assert user.crisis and user.intent == "crisis" and user.confidence == 1.0 and user.channel == "rest"
    assert user.safety_net is not None
    assert (user.safety_net.decided_by, user.safety_net.model_crisis, user.safety_net.model_confidence) == (
        "patterns",
        False,
        0.12,
    )
    assert [(e.entity, e.value) for e in user.entities] == [("crisis_type", "suicide")]
    assert next(t for t in found.turns if isinstance(t, BotTurn)).buttons == ["Call 988", "Text HOME to 741741"]
    [escalation] = found.escalations
    assert (escalation.id, escalation.status, escalation.crisis_type, escalation.messages) == (
        shared_world.escalation_ids["c-crisis"],
        "open",
        "suicide",
        1,
    )
    assert escalation.created_at == local(2026, 3, 19, 22, 30)
    assert found.leads == [] and found.clients == []


def test_resolved_escalation_note_is_masked(shared_world: World) -> None:
    masked = transcript(shared_world.engine, "c-old")
    plain = transcript(shared_world.engine, "c-old", mask=False)
    assert masked is not None and plain is not None
    assert masked.escalations[0].status == "resolved" and masked.escalations[0].resolved_by == "dana"
    assert masked.escalations[0].note == "called, safe; number [phone]"
    assert plain.escalations[0].note == "called, safe; number 760-555-0100"
    assert [(lead.status, lead.note_count) for lead in plain.leads] == [("contacted", 1)]


def test_every_session_and_the_client_link(shared_world: World) -> None:
    found = transcript(shared_world.engine, "c-client")
    assert found is not None
    assert [t.text for t in found.turns if isinstance(t, UserTurn)] == ["I'm having a strong craving", "8", "hello again"]
    assert sum(isinstance(t, SessionStart) for t in found.turns) == 1
    assert [(c.client_id, c.first_name) for c in found.clients] == [("C-1", "Sam")]
    assert found.clients[0].first_seen_at == local(2026, 3, 10, 18, 0)
    assert found.clients[0].last_seen_at == local(2026, 3, 20, 8, 0, 5)


def test_a_conversation_without_user_messages_still_has_a_transcript(shared_world: World) -> None:
    found = transcript(shared_world.engine, "c-widget")
    assert found is not None
    assert [t.kind for t in found.turns] == ["action", "session_started"]


def test_unknown_conversation_is_none(shared_world: World, tmp_path: Path) -> None:
    assert transcript(shared_world.engine, "nobody") is None
    engine = make_engine(tmp_path / "empty.db")
    migrate(engine)
    assert transcript(engine, "c-prospect") is None


async def test_the_transcript_says_which_language_the_conversation_is_in(tmp_path: Path) -> None:
    from tests.bot.records.conftest import Chat, tracker_store

    path = tmp_path / "companion.db"
    store = tracker_store(path)
    engine = make_engine(path)
    migrate(engine)
    await Chat("c-es", local(2026, 3, 20, 11, 0)).user("hola", "greet").slot("language", "es").bot("Hola.").save(store)
    await Chat("c-en", local(2026, 3, 20, 11, 0)).user("hi", "greet").bot("Hi.").save(store)
    spanish, english = transcript(engine, "c-es"), transcript(engine, "c-en")
    assert spanish is not None and english is not None
    assert (spanish.language, english.language) == ("es", "en")


async def test_a_replayed_question_is_shown_once(tmp_path: Path) -> None:
    """A question set aside by the screening question is replayed to answer it (actions/screening.py):
    the person said it once, and the transcript shows it once, with the answer after the "no"."""
    path = tmp_path / "replay.db"
    migrate(make_engine(f"sqlite:///{path}"))
    store = tracker_store(path)
    chat = Chat("c-aside", local(2026, 3, 21, 22, 0)).user("my son took something", "risk_possible").action("utter_risk_screen")
    chat.user("do you take aetna?", "ask_insurance").action("utter_risk_screen_again").user("no", "deny")
    chat.action("utter_risk_screen_no").action("action_answer_set_aside")
    chat.user("do you take aetna?", "ask_insurance", metadata={REPLAYED: True}).action("action_answer_insurance")
    await chat.bot("Yes, we work with Aetna.").save(store)
    found = transcript(make_engine(f"sqlite:///{path}"), "c-aside", mask=False)
    assert found is not None
    assert [t.text for t in found.turns if isinstance(t, UserTurn)] == ["my son took something", "do you take aetna?", "no"]
    assert [t.text for t in found.turns if isinstance(t, BotTurn)] == ["Yes, we work with Aetna."]


async def test_a_reminder_firing_is_not_shown_nor_counted_as_the_person_s_message(world: World) -> None:
    """Rasa records a reminder firing as a user event ("EXTERNAL: ask_next_group"): the person
    wrote nothing, so the transcript shows only what the assistant said, and the list counts none."""
    chat = Chat("c-reminded", local(2026, 3, 20, 11, 0)).user("remind me before group", "request_group_reminder")
    chat.bot("I'll remind you 30 minutes before each group.")
    chat.events.append(UserUttered.create_external("ask_next_group"))
    chat.events[-1].timestamp = chat.clock
    await chat.action("action_answer_next_group").bot("Reminder: your group starts at 6 pm.").save(tracker_store(world.database))
    found = transcript(world.engine, "c-reminded", mask=False)
    assert found is not None
    assert [t.text for t in found.turns if isinstance(t, UserTurn)] == ["remind me before group"]
    assert [t.text for t in found.turns if isinstance(t, BotTurn)][-1] == "Reminder: your group starts at 6 pm."
    listed = list_conversations(world.engine, ConversationFilter(), ZONE)
    assert {item.conversation_id: item.user_messages for item in listed.items}["c-reminded"] == 1
    with world.engine.connect() as connection:  # the live queue's "latest message"
        latest = first_user_messages(connection, ["c-reminded"], newest=True)
    assert latest["c-reminded"]["text"] == "remind me before group"
