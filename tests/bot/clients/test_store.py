"""The client store on a real SQLite database."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from bot.clients.store import REMOVED_PREFIX, Client, ClientError, ClientStore
from bot.storage.db import client_conversations

AT = dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.timezone.utc)


def test_added_clients_are_found_and_listed_by_id(store: ClientStore) -> None:
    before = dt.datetime.now(dt.timezone.utc)
    added = store.add("C-2", "Sam", "adult_day", "Dana Ruiz")
    store.add("A.1", "Lee", "young_adult", "Ari Cho")
    assert isinstance(added, Client)
    found = store.get("C-2")
    assert found == added
    assert (found.id, found.first_name, found.track, found.counselor) == ("C-2", "Sam", "adult_day", "Dana Ruiz")
    assert found.created_at.tzinfo == dt.timezone.utc and before <= found.created_at <= dt.datetime.now(dt.timezone.utc)
    assert [c.id for c in store.list()] == ["A.1", "C-2"]


def test_get_of_an_unknown_or_malformed_id_is_none(store: ClientStore) -> None:
    store.add("C-1", "Sam", "adult_day", "Dana")
    assert store.get("C-9") is None
    assert store.get("c-1") is None  # ids are case-sensitive
    assert store.get("C-1\n") is None
    assert store.list() == [store.get("C-1")]


def test_names_are_trimmed(store: ClientStore) -> None:
    client = store.add("C-1", "  Sam  ", "adult_day", " Dana   Ruiz ")
    assert (client.first_name, client.counselor) == ("Sam", "Dana Ruiz")
    assert store.get("C-1") == client


def test_a_duplicate_id_is_refused_and_the_first_record_kept(store: ClientStore) -> None:
    first = store.add("C-1", "Sam", "adult_day", "Dana")
    with pytest.raises(ClientError, match="already exists"):
        store.add("C-1", "Other", "young_adult", "Someone")
    assert store.list() == [first]


@pytest.mark.parametrize(
    "client_id",
    ["", "-C1", ".hidden", "has space", "C/1", "C-1\n", "ünïcode", "C" * 65, "C;DROP TABLE clients"],
)
def test_malformed_ids_are_refused(store: ClientStore, client_id: str) -> None:
    with pytest.raises(ClientError, match="not a valid client id"):
        store.add(client_id, "Sam", "adult_day", "Dana")
    assert store.list() == []


@pytest.mark.parametrize("client_id", ["C", "c-1", "0", "A_b.c-D", "C" * 64])
def test_well_formed_ids_are_accepted(store: ClientStore, client_id: str) -> None:
    assert store.add(client_id, "Sam", "adult_day", "Dana").id == client_id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "first name must not be blank"),
        ("first_name", "   ", "first name must not be blank"),
        ("track", "\t", "track must not be blank"),
        ("counselor", "", "counselor must not be blank"),
        ("first_name", "x" * 81, "first name is too long"),
        ("counselor", "x" * 121, "counselor is too long"),
    ],
)
def test_blank_or_oversized_fields_are_refused(store: ClientStore, field: str, value: str, message: str) -> None:
    values = {"first_name": "Sam", "track": "adult_day", "counselor": "Dana"}
    values[field] = value
    with pytest.raises(ClientError, match=message):
        store.add("C-1", **values)
    assert store.get("C-1") is None


def rows(store: ClientStore) -> list:
    with store.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(sa.select(client_conversations).order_by(client_conversations.c.conversation_id))
        ]


def test_link_is_an_idempotent_upsert(store: ClientStore) -> None:
    store.add("C-1", "Sam", "adult_day", "Dana")
    assert store.link("conv-1", "C-1", AT) is True
    assert store.link("conv-1", "C-1", AT) is True
    assert len(rows(store)) == 1
    store.link("conv-1", "C-1", AT + dt.timedelta(minutes=5))
    store.link("conv-1", "C-1", AT - dt.timedelta(minutes=5))  # late, out-of-order: never moves back
    [(conversation, client, first_seen, last_seen)] = rows(store)
    assert (conversation, client) == ("conv-1", "C-1")
    assert first_seen.replace(tzinfo=dt.timezone.utc) == AT
    assert last_seen.replace(tzinfo=dt.timezone.utc) == AT + dt.timedelta(minutes=5)
    assert store.is_linked("conv-1", "C-1")


def test_link_stores_utc_whatever_the_offset(store: ClientStore) -> None:
    store.add("C-1", "Sam", "adult_day", "Dana")
    pacific = dt.timezone(dt.timedelta(hours=-8))
    store.link("conv-1", "C-1", AT.astimezone(pacific))
    [(_, _, first_seen, _)] = rows(store)
    assert first_seen.replace(tzinfo=dt.timezone.utc) == AT
    with pytest.raises(ValueError):
        store.link("conv-1", "C-1", AT.replace(tzinfo=None))


def test_link_to_an_unknown_client_writes_nothing(store: ClientStore) -> None:
    assert store.link("conv-1", "ghost", AT) is False
    assert rows(store) == [] and not store.is_linked("conv-1", "ghost")


def test_conversations_belong_to_their_client_only(store: ClientStore) -> None:
    store.add("A", "Ann", "adult_day", "Dana")
    store.add("B", "Bo", "adult_day", "Dana")
    store.link("conv-a1", "A", AT)
    store.link("conv-a2", "A", AT + dt.timedelta(hours=1))
    store.link("conv-b1", "B", AT)
    assert store.conversations("A") == ["conv-a2", "conv-a1"]
    assert store.conversations("B") == ["conv-b1"]
    assert store.conversations("nobody") == []
    assert store.is_linked("conv-b1", "B") and not store.is_linked("conv-b1", "A") and not store.is_linked("conv-a1", "B")
    assert store.clients_of("conv-a1") == ["A"]


def test_remove_deletes_the_client_and_keeps_its_conversations_clinical(store: ClientStore) -> None:
    store.add("A", "Ann", "adult_day", "Dana")
    store.add("B", "Bo", "adult_day", "Dana")
    store.link("conv-a", "A", AT)
    store.link("conv-b", "B", AT)
    assert store.remove("A") is True
    assert store.get("A") is None and [c.id for c in store.list()] == ["B"]
    assert store.conversations("A") == [] and not store.is_linked("conv-a", "A")
    assert store.conversations("B") == ["conv-b"]
    # The conversation stays a treatment record: linked, but to no id anyone can use.
    (tombstone,) = store.clients_of("conv-a")
    assert tombstone.startswith(REMOVED_PREFIX) and store.get(tombstone) is None
    assert store.remove("A") is False
    assert store.remove("never-existed") is False


def test_a_removed_id_can_be_enrolled_again_without_old_links(store: ClientStore) -> None:
    store.add("A", "Ann", "adult_day", "Dana")
    store.link("conv-a", "A", AT)
    store.remove("A")
    store.add("A", "Another Ann", "young_adult", "Ari")
    assert store.get("A").first_name == "Another Ann"
    assert store.conversations("A") == []
