"""A client store on a real SQLite database in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clients.store import ClientStore
from bot.storage.db import make_engine
from bot.storage.schema import migrate


@pytest.fixture
def store(tmp_path: Path) -> ClientStore:
    engine = make_engine(tmp_path / "var" / "clients.db")
    migrate(engine)
    return ClientStore(engine)
