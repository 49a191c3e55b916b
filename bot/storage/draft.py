"""``make migration NAME=...``: drafts the next migration from the difference between
bot/storage/db.py and a database migrated to the newest revision (a scratch SQLite file).

The draft is a start, not the answer: read it, make it right for PostgreSQL too, and let
tests/bot/storage/test_migrations.py confirm that migrating gives what db.py declares.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from bot.storage.db import make_engine
from bot.storage.schema import alembic_config, head, migrate


def main(message: str) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(Path(scratch) / "draft.db")
        migrate(engine)
        with engine.begin() as connection:
            # Revisions are numbered in order (0001, 0002, ...), so the folder reads as a history.
            command.revision(alembic_config(connection), message=message, autogenerate=True, rev_id=f"{int(head()) + 1:04d}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:])))
