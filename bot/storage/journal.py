"""A durable, append-only journal of records the database could not take yet.

When the database refuses a write (another writer holds SQLite's lock past the busy timeout, the
disk is read-only, PostgreSQL is down), the tracker store writes the turn here instead, fsynced
before the reply goes out, and copies it into the database once it can. One JSON object per line,
in order; the file is created 0600 (it holds what people wrote). Only one process writes it: the
Rasa server that owns the tracker store.

A line that cannot be read (a write cut short by a crash, a damaged disk) is moved to
``<name>.unreadable`` and logged, never silently dropped, so that someone can look at it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from pathlib import Path
from typing import Any, Dict, Iterable, List

log = logging.getLogger(__name__)

Record = Dict[str, Any]


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._records: List[Record] = self._load()

    def _load(self) -> List[Record]:
        if not self.path.exists():
            return []
        records: List[Record] = []
        unreadable: List[str] = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                unreadable.append(line)
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                records.append(record)
            else:
                unreadable.append(line)
        if unreadable:
            aside = self.path.with_name(self.path.name + ".unreadable")
            with _open_private(aside, "a") as out:
                out.write("\n".join(unreadable) + "\n")
            log.error("%d unreadable line(s) of %s were moved to %s: look at them", len(unreadable), self.path, aside)
            self._rewrite(records)
        return records

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def records(self) -> List[Record]:
        """The pending records, oldest first (copies of the list, not of the records)."""
        with self._lock:
            return list(self._records)

    def senders(self) -> set:
        with self._lock:
            return {record.get("sender_id") for record in self._records}

    def append(self, record: Record) -> Record:
        """Writes ``record`` (with a new ``id``) and returns only once it is on disk."""
        record = {**record, "id": uuid.uuid4().hex}
        line = json.dumps(record, separators=(",", ":")) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _open_private(self.path, "a") as out:
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
            self._records.append(record)
        return record

    def remove(self, ids: Iterable[str]) -> None:
        """Forgets records the database now holds (an atomic rewrite of the file)."""
        done = set(ids)
        with self._lock:
            self._records = [r for r in self._records if r["id"] not in done]
            self._rewrite(self._records)

    def _rewrite(self, records: List[Record]) -> None:
        if not records:
            self.path.unlink(missing_ok=True)
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        with _open_private(temporary, "w") as out:
            out.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)


def _open_private(path: Path, mode: str):
    """Opens ``path`` for writing; a new file is readable by its owner only."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    return os.fdopen(os.open(path, flags, 0o600), mode, encoding="utf-8")
