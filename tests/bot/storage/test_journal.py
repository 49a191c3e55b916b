"""The journal keeps what it was given across restarts, in order, private, and loses no line."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.storage.journal import Journal


def test_records_survive_a_restart_in_order_until_removed(tmp_path: Path) -> None:
    path = tmp_path / "pending.jsonl"
    journal = Journal(path)
    first = journal.append({"sender_id": "a", "events": [{"event": "user", "text": "one"}]})
    second = journal.append({"sender_id": "b", "events": [{"event": "user", "text": "two"}]})
    reopened = Journal(path)
    assert [r["id"] for r in reopened.records()] == [first["id"], second["id"]]
    assert reopened.senders() == {"a", "b"}
    reopened.remove([first["id"]])
    assert [r["sender_id"] for r in Journal(path).records()] == ["b"]
    reopened.remove([second["id"]])
    assert not path.exists() and len(Journal(path)) == 0


def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "pending.jsonl"
    Journal(path).append({"sender_id": "a", "events": []})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unreadable_line_is_set_aside_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "pending.jsonl"
    kept = Journal(path).append({"sender_id": "a", "events": []})
    with path.open("a") as out:
        out.write('{"sender_id": "b", "events": [ cut short by a cra\n')
    journal = Journal(path)
    assert [r["id"] for r in journal.records()] == [kept["id"]]
    aside = tmp_path / "pending.jsonl.unreadable"
    assert "cut short by a cra" in aside.read_text()
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert len(Journal(path)) == 1  # the damaged line is no longer in the journal itself
