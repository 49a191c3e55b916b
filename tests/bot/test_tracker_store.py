"""The cached SQL tracker store returns what the database holds, and writes every event."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clients.store import ClientStore
from bot.settings import PROJECT_ROOT
from bot.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "tracker.db")


def store(db: str, **kwargs: object) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, **kwargs)


def texts(tracker: DialogueStateTracker) -> list:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def test_cache_and_database_agree_over_several_turns(db: str) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c1", DOMAIN.slots)
    for text in ("hi", "do you take aetna", "thanks"):
        tracker = await cached.retrieve("c1") or tracker
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
        await cached.save(tracker)
    from_database = await store(db).retrieve("c1")
    from_cache = await cached.retrieve("c1")
    assert texts(from_cache) == texts(from_database) == ["hi", "do you take aetna", "thanks"]
    assert len(from_cache.events) == len(from_database.events) == 6


async def test_slots_survive_the_cache(db: str) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c2", DOMAIN.slots)
    tracker.update(SlotSet("cb_insurance", "Aetna"))
    await cached.save(tracker)
    again = await cached.retrieve("c2")
    again.update(SlotSet("cb_first_name", "Sam"))  # a caller's change must not leak into the cache
    assert (await cached.retrieve("c2")).get_slot("cb_first_name") is None
    assert again.get_slot("cb_insurance") == "Aetna"


async def test_a_new_session_hides_the_old_one_like_the_database_does(db: str) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c3", DOMAIN.slots)
    tracker.update(UserUttered("old", {"name": "greet", "confidence": 1.0}))
    await cached.save(tracker)
    tracker = await cached.retrieve("c3")
    time.sleep(0.01)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(UserUttered("new", {"name": "greet", "confidence": 1.0}))
    await cached.save(tracker)
    assert texts(await cached.retrieve("c3")) == texts(await store(db).retrieve("c3")) == ["new"]
    full = await store(db).retrieve_full_tracker("c3")
    assert texts(full) == ["old", "new"]


async def test_least_recently_used_conversations_are_dropped_but_still_readable(db: str) -> None:
    cached = store(db, cached_conversations=2)
    for sender in ("a", "b", "c"):
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(UserUttered(sender, {"name": "greet", "confidence": 1.0}))
        await cached.save(tracker)
    assert list(cached._sessions) == ["b", "c"]
    assert texts(await cached.retrieve("a")) == ["a"]


async def test_failed_write_forgets_the_conversation(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = store(db)
    tracker = DialogueStateTracker("c4", DOMAIN.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    await cached.save(tracker)

    def broken_scope():  # type: ignore[no-untyped-def]
        raise RuntimeError("database is down")

    monkeypatch.setattr(cached, "session_scope", broken_scope)
    tracker.update(UserUttered("again", {"name": "greet", "confidence": 1.0}))
    with pytest.raises(RuntimeError):
        await cached.save(tracker)
    assert "c4" not in cached._sessions


async def test_a_verified_client_s_message_links_the_conversation(db: str) -> None:
    cached = store(db)
    clients = ClientStore(cached.engine)
    clients.add("C-7", "Sam", "adult_evening", "Dana")
    tracker = DialogueStateTracker("linked", DOMAIN.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}, metadata={"client": {"status": "verified", "id": "C-7"}}))
    tracker.update(UserUttered("hello again", {"name": "greet", "confidence": 1.0}, metadata={"client": {"status": "expired"}}))
    await cached.save(tracker)
    other = DialogueStateTracker("anonymous", DOMAIN.slots)
    other.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    await cached.save(other)
    assert clients.conversations("C-7") == ["linked"]
    assert clients.clients_of("anonymous") == []
    assert clients.is_linked("linked", "C-7")
