"""Alembic's environment: migrations run on the connection bot/storage/schema.py hands over."""

from typing import Any, Optional

from alembic import context

from bot.storage.db import metadata


def _ours(obj: Any, name: Optional[str], type_: str, reflected: bool, compare_to: Optional[Any]) -> bool:
    # Rasa's events table shares the database: a table we do not declare is not ours to drop.
    return not (type_ == "table" and reflected and compare_to is None)


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    include_object=_ours,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
    compare_server_default=True,
)
with context.begin_transaction():
    context.run_migrations()
