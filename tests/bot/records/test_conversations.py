"""The conversation list: filters, audiences, paging, ordering, search, masking, efficiency."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa

from bot.records.conversations import ConversationFilter, list_conversations
from bot.storage.db import make_engine
from bot.storage.rasa_events import events, rasa_metadata
from bot.storage.schema import migrate
from tests.bot.records.conftest import ORDER, ZONE, World, local, set_aside_and_answered, tracker_store


def ids(world: World, **changes: Any) -> List[str]:
    page = list_conversations(world.engine, ConversationFilter(per_page=100, **changes), ZONE)
    assert page.total == len(page.items)
    return [item.conversation_id for item in page.items]


def test_every_conversation_with_a_user_message_newest_first(shared_world: World) -> None:
    assert ids(shared_world) == ORDER  # c-widget (a session start only) is not listed


def test_summary_fields(shared_world: World) -> None:
    page = list_conversations(shared_world.engine, ConversationFilter(), ZONE)
    by_id = {item.conversation_id: item for item in page.items}
    prospect = by_id["c-prospect"]
    assert prospect.started_at == local(2026, 3, 18, 9, 0, 15)  # the first user message, after the session start
    assert prospect.last_at == local(2026, 3, 18, 9, 0, 45)  # the last bot message; action_listen comes after
    assert prospect.user_messages == 2
    assert prospect.has_lead and not prospect.has_escalation and prospect.escalation_status is None
    assert prospect.channel == "socketio" and prospect.client_id is None
    crisis = by_id["c-crisis"]
    assert (crisis.has_escalation, crisis.escalation_status, crisis.channel) == (True, "open", "rest")
    assert by_id["c-old-open"].escalation_status == "acknowledged"
    assert by_id["c-old"].escalation_status == "resolved"
    assert by_id["c-old"].client_id == "C-2" and by_id["c-client"].client_id == "C-1"
    client = by_id["c-client"]
    assert client.user_messages == 3  # both sessions
    assert client.started_at == local(2026, 3, 10, 18, 0) and client.last_at == local(2026, 3, 20, 8, 0, 15)


async def test_a_replayed_question_counts_once_and_is_found_once(world: World) -> None:
    await set_aside_and_answered("c-replay", local(2026, 3, 20, 11, 0)).save(tracker_store(world.database))
    found = list_conversations(world.engine, ConversationFilter(text="how much does"), ZONE)
    assert [(item.conversation_id, item.user_messages) for item in found.items] == [("c-replay", 2)]


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"has_escalation": True}, ["c-crisis", "c-old-open", "c-old"]),
        ({"has_escalation": False}, ["c-fallback", "c-client", "c-prospect", "c-search2", "c-search", "c-feb"]),
        ({"has_lead": True}, ["c-prospect", "c-old"]),
        ({"has_lead": False}, ["c-fallback", "c-client", "c-crisis", "c-search2", "c-search", "c-feb", "c-old-open"]),
        ({"enrolled_client": True}, ["c-client", "c-old"]),
        ({"enrolled_client": False}, ["c-fallback", "c-crisis", "c-prospect", "c-search2", "c-search", "c-feb", "c-old-open"]),
        ({"audience": "clients"}, ["c-client", "c-old"]),
        ({"audience": "prospects"}, ["c-fallback", "c-crisis", "c-prospect", "c-search2", "c-search", "c-feb", "c-old-open"]),
        ({"audience": "all"}, ORDER),
        ({"audience": "prospects", "has_escalation": True}, ["c-crisis", "c-old-open"]),
        ({"audience": "clients", "has_lead": True}, ["c-old"]),
        ({"audience": "clients", "enrolled_client": False}, []),
        ({"client_id": "C-1"}, ["c-client"]),
        ({"client_id": "C-2"}, ["c-old"]),
        ({"client_id": "C-3"}, []),
        ({"intent": "greet"}, ["c-client", "c-prospect", "c-feb"]),
        ({"intent": "crisis"}, ["c-crisis", "c-old-open", "c-old"]),
        ({"intent": "nlu_fallback"}, ["c-fallback"]),
        ({"intent": "utter_greet"}, []),  # an action, not an intent
        ({"intent": "  "}, ORDER),  # a blank form field filters nothing
        ({"text": "aetna"}, ["c-prospect"]),  # user and bot text, any case
        ({"text": "DIDN'T GET THAT"}, ["c-fallback"]),  # only a bot message has it
        ({"text": "welcome back"}, ["c-client"]),
        ({"text": "café"}, ["c-search"]),  # stored as "caf\u00e9" in the JSON: the text itself is searched
        ({"text": "utter_ok"}, []),  # action names are not message text
        ({"text": "crisis_type"}, []),  # nor keys of the stored JSON
        ({"text": ""}, ORDER),
        ({"date_from": dt.date(2026, 3, 20), "date_to": dt.date(2026, 3, 20)}, ["c-fallback", "c-client"]),
        # 22:30 on the 19th in Los Angeles is the 20th in UTC: the center's day counts.
        ({"date_from": dt.date(2026, 3, 19), "date_to": dt.date(2026, 3, 19)}, ["c-crisis"]),
        ({"date_from": dt.date(2026, 3, 10), "date_to": dt.date(2026, 3, 10)}, ["c-client"]),
        ({"date_from": dt.date(2026, 3, 11), "date_to": dt.date(2026, 3, 17)}, []),  # c-client said nothing then
        ({"date_from": dt.date(2026, 3, 18)}, ["c-fallback", "c-client", "c-crisis", "c-prospect"]),
        ({"date_to": dt.date(2026, 2, 28)}, ["c-feb", "c-old-open", "c-old"]),
        ({"date_from": dt.date(2026, 3, 5), "date_to": dt.date(2026, 3, 18), "intent": "inform"}, ["c-search2", "c-search"]),
    ],
)
def test_filters(shared_world: World, changes: Dict[str, Any], expected: List[str]) -> None:
    assert ids(shared_world, **changes) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("100%", ["c-search"]),  # unescaped, "%" would also match "100 percent"
        ("100 %", []),
        ("user_id", ["c-search"]),  # unescaped, "_" would also match "user id"
        ("user id", ["c-search2"]),
        ("%", ["c-search"]),
        ("_", ["c-search"]),
        ("\\", []),
        ("42, 100%", ["c-search"]),
    ],
)
def test_text_search_treats_wildcards_literally(shared_world: World, query: str, expected: List[str]) -> None:
    assert ids(shared_world, text=query) == expected


def test_paging_splits_the_ordered_list(shared_world: World) -> None:
    pages = [list_conversations(shared_world.engine, ConversationFilter(page=n, per_page=4), ZONE) for n in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [9, 9, 9, 9]
    assert [p.pages for p in pages] == [3, 3, 3, 3]
    assert [[i.conversation_id for i in p.items] for p in pages] == [ORDER[0:4], ORDER[4:8], ORDER[8:], []]
    filtered = list_conversations(shared_world.engine, ConversationFilter(has_escalation=True, page=2, per_page=2), ZONE)
    assert (filtered.total, filtered.pages, [i.conversation_id for i in filtered.items]) == (3, 2, ["c-old"])


def test_preview_is_masked_unless_asked_not_to(shared_world: World) -> None:
    masked = list_conversations(shared_world.engine, ConversationFilter(client_id=None, has_lead=True), ZONE)
    plain = list_conversations(shared_world.engine, ConversationFilter(has_lead=True), ZONE, mask=False)
    assert masked.items[0].preview == "Hi, I'm Sam, call me at [phone] or [e-mail]"
    assert plain.items[0].preview == "Hi, I'm Sam, call me at (760) 555-0199 or sam@example.com"


@pytest.mark.parametrize(
    "changes",
    [
        {"per_page": 101},
        {"per_page": 0},
        {"page": 0},
        {"audience": "staff"},
        {"date_from": dt.date(2026, 3, 2), "date_to": dt.date(2026, 3, 1)},
        {"date_from": dt.datetime(2026, 3, 1, 10, 0)},
    ],
)
def test_bad_filters_are_refused(changes: Dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ConversationFilter(**changes)


def test_an_empty_database_lists_nothing(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "empty.db")
    migrate(engine)  # our tables, but Rasa never ran: no events table
    page = list_conversations(engine, ConversationFilter(), ZONE)
    assert (page.items, page.total, page.pages) == ([], 0, 1)


def _bulk_conversations(engine: sa.engine.Engine, start: int, count: int) -> None:
    rows = []
    base = local(2026, 1, 1).timestamp()
    for n in range(start, start + count):
        sender = f"bulk-{n:05d}"
        at = base + n * 60
        for offset, kind, text in ((0, "user", "hi there"), (1, "bot", "hello"), (2, "user", "bye")):
            data = {"event": kind, "timestamp": at + offset, "text": text}
            if kind == "user":
                data["parse_data"] = {"intent": {"name": "greet", "confidence": 0.9}}
                data["input_channel"] = "socketio"
            rows.append(
                {
                    "sender_id": sender,
                    "type_name": kind,
                    "timestamp": at + offset,
                    "intent_name": "greet" if kind == "user" else None,
                    "action_name": None,
                    "data": json.dumps(data),
                }
            )
    with engine.begin() as connection:
        connection.execute(events.insert(), rows)


def test_the_number_of_queries_does_not_grow_with_the_conversations(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "bulk.db")
    migrate(engine)
    rasa_metadata.create_all(engine)
    statements: List[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def queries_for_a_page() -> int:
        statements.clear()
        page = list_conversations(engine, ConversationFilter(text="hi", per_page=50), ZONE)
        assert len(page.items) == 50 and page.items[0].preview == "hi there"
        return sum(1 for s in statements if "events" in s and s.lstrip().upper().startswith("SELECT"))

    _bulk_conversations(engine, 0, 60)
    few = queries_for_a_page()
    _bulk_conversations(engine, 60, 3000)
    assert list_conversations(engine, ConversationFilter(), ZONE).total == 3060
    assert queries_for_a_page() == few <= 3


def test_a_removed_client_s_conversations_stay_with_the_clinical_team(world: World) -> None:
    from bot.clients.store import ClientStore
    from bot.records.conversations import transcript

    ClientStore(world.engine).remove("C-1")
    prospects = list_conversations(world.engine, ConversationFilter(audience="prospects", per_page=100), ZONE)
    clients = list_conversations(world.engine, ConversationFilter(audience="clients", per_page=100), ZONE)
    assert "c-client" not in [c.conversation_id for c in prospects.items]
    assert "c-client" in [c.conversation_id for c in clients.items]
    found = transcript(world.engine, "c-client")
    assert found is not None and [link.first_name for link in found.clients] == ["(removed client)"]


async def test_each_conversation_shows_its_language_now_and_the_list_filters_on_it(tmp_path: Path) -> None:
    from tests.bot.records.conftest import Chat, tracker_store

    path = tmp_path / "companion.db"
    store = tracker_store(path)
    engine = make_engine(path)
    migrate(engine)
    chats = [
        Chat("c-en", local(2026, 3, 20, 10, 0)).user("do you take medi-cal", "ask_insurance").bot("Yes."),
        Chat("c-es", local(2026, 3, 20, 11, 0)).user("¿aceptan Medi-Cal?", "ask_insurance").slot("language", "es").bot("Sí."),
        # Spanish first, then "English please": the latest choice counts.
        Chat("c-back", local(2026, 3, 20, 12, 0))
        .user("hola", "greet")
        .slot("language", "es")
        .bot("Hola.")
        .user("English please", "switch_language")
        .slot("language", "en")
        .bot("Sure."),
    ]
    for chat in chats:
        await chat.save(store)
    page = list_conversations(engine, ConversationFilter(), ZONE)
    assert {item.conversation_id: item.language for item in page.items} == {"c-en": "en", "c-es": "es", "c-back": "en"}
    assert [i.conversation_id for i in list_conversations(engine, ConversationFilter(language="es"), ZONE).items] == ["c-es"]
    assert [i.conversation_id for i in list_conversations(engine, ConversationFilter(language="en"), ZONE).items] == [
        "c-back",
        "c-en",
    ]
    with pytest.raises(ValueError, match="language must be one of en, es"):
        ConversationFilter(language="fr")
