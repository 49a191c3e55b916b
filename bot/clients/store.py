"""Enrolled clients and the conversations linked to them (tables ``clients`` and ``client_conversations``).

A conversation is linked to a client only after the client's signed token was verified
(bot/clients/identity.py); removing a client removes those links too.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import asdict, dataclass
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.storage.db import client_conversations, clients
from bot.storage.times import from_db as _aware
from bot.storage.times import to_utc as _utc

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
ID_RULE = "1 to 64 characters: letters, digits, '_', '.' or '-', starting with a letter or digit"
# The column sizes in bot/storage/db.py.
_LIMITS = {"first_name": 80, "track": 64, "counselor": 120}


# The client id of a removed client's conversation links (see ClientStore.remove).
REMOVED_PREFIX = "removed:"


class ClientError(Exception):
    """A client record cannot be written as asked; the message says why."""


def valid_id(value: object) -> bool:
    """Whether ``value`` is a well-formed client id (full match: no trailing newline slips through)."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class Client:
    id: str
    first_name: str
    track: str
    counselor: str
    created_at: dt.datetime


def _client(row: sa.engine.Row) -> Client:
    return Client(
        id=row.id,
        first_name=row.first_name,
        track=row.track,
        counselor=row.counselor,
        created_at=_aware(row.created_at),
    )


class ClientStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, id: str, first_name: str, track: str, counselor: str) -> Client:  # the column's name
        if not valid_id(id):
            raise ClientError(f"{id!r} is not a valid client id: use {ID_RULE}")
        fields = {"first_name": first_name, "track": track, "counselor": counselor}
        for name, value in fields.items():
            label = name.replace("_", " ")
            if not isinstance(value, str) or not value.strip():
                raise ClientError(f"the {label} must not be blank")
            fields[name] = value = " ".join(value.split())
            if len(value) > _LIMITS[name]:
                raise ClientError(f"the {label} is too long (at most {_LIMITS[name]} characters)")
        client = Client(id=id, created_at=dt.datetime.now(dt.timezone.utc), **fields)
        try:
            with self.engine.begin() as connection:
                if self._exists(connection, id):
                    raise ClientError(f"a client with id {id!r} already exists")
                connection.execute(clients.insert().values(**asdict(client)))
        except IntegrityError:  # added by another process between the check and the insert
            raise ClientError(f"a client with id {id!r} already exists") from None
        return client

    @staticmethod
    def _exists(connection: Connection, id: str) -> bool:
        return connection.execute(sa.select(clients.c.id).where(clients.c.id == id)).first() is not None

    def get(self, id: str) -> Optional[Client]:
        if not valid_id(id):
            return None
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(clients).where(clients.c.id == id)).first()
        return _client(row) if row is not None else None

    def list(self) -> List[Client]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(clients).order_by(clients.c.id)).all()
        return [_client(row) for row in rows]

    def remove(self, id: str) -> bool:
        """Deletes the client in one transaction; False if the id is unknown.

        Their conversations stay treatment records: each link is kept under a tombstone id
        (``removed:`` and a random tag), so the console still shows them to clinicians only, while
        the id itself is free again and a new client enrolled under it inherits nothing.
        """
        tombstone = f"{REMOVED_PREFIX}{secrets.token_hex(8)}"
        with self.engine.begin() as connection:
            connection.execute(
                client_conversations.update().where(client_conversations.c.client_id == id).values(client_id=tombstone)
            )
            return connection.execute(clients.delete().where(clients.c.id == id)).rowcount > 0

    def link(self, conversation_id: str, client_id: str, at: dt.datetime) -> bool:
        """Records that the verified client took part in the conversation at ``at`` (an upsert).

        Calling it again only moves ``last_seen_at`` forward (never back), so it is idempotent and
        safe to repeat. Returns False and writes nothing when the client does not exist (e.g. it was
        removed after its token was checked), so no link outlives its client.
        """
        with self.engine.begin() as connection:
            return link_client(connection, conversation_id, client_id, at)

    def is_linked(self, conversation_id: str, client_id: str) -> bool:
        key = (client_conversations.c.conversation_id == conversation_id) & (client_conversations.c.client_id == client_id)
        with self.engine.connect() as connection:
            return connection.execute(sa.select(client_conversations.c.client_id).where(key)).first() is not None

    def conversations(self, client_id: str) -> List[str]:
        """The client's conversation ids, most recently active first."""
        query = (
            sa.select(client_conversations.c.conversation_id)
            .where(client_conversations.c.client_id == client_id)
            .order_by(client_conversations.c.last_seen_at.desc(), client_conversations.c.conversation_id)
        )
        with self.engine.connect() as connection:
            return [row.conversation_id for row in connection.execute(query)]

    def clients_of(self, conversation_id: str) -> List[str]:
        """The ids of every client linked to the conversation (more than one means a shared conversation id)."""
        query = (
            sa.select(client_conversations.c.client_id)
            .where(client_conversations.c.conversation_id == conversation_id)
            .order_by(client_conversations.c.client_id)
        )
        with self.engine.connect() as connection:
            return [row.client_id for row in connection.execute(query)]


def link_client(connection: Connection, conversation_id: str, client_id: str, at: dt.datetime) -> bool:
    """:meth:`ClientStore.link` inside the caller's transaction (the tracker store's turn)."""
    if not isinstance(conversation_id, str) or not conversation_id:
        raise ValueError("conversation_id must be a non-empty string")
    at = _utc(at)
    table = client_conversations
    if not ClientStore._exists(connection, client_id):
        return False
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = insert(table).values(conversation_id=conversation_id, client_id=client_id, first_seen_at=at, last_seen_at=at)
        later = sa.case(
            (statement.excluded.last_seen_at > table.c.last_seen_at, statement.excluded.last_seen_at), else_=table.c.last_seen_at
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.conversation_id, table.c.client_id], set_={"last_seen_at": later}
            )
        )
    else:  # pragma: no cover - the service runs on SQLite
        key = (table.c.conversation_id == conversation_id) & (table.c.client_id == client_id)
        updated = connection.execute(table.update().where(key & (table.c.last_seen_at < at)).values(last_seen_at=at)).rowcount
        if not updated and connection.execute(sa.select(table.c.client_id).where(key)).first() is None:
            connection.execute(
                table.insert().values(conversation_id=conversation_id, client_id=client_id, first_seen_at=at, last_seen_at=at)
            )
    return True
