"""Schema migrations of our tables (Alembic), the same for SQLite and PostgreSQL.

Run by ``python -m bot migrate`` and by every process that opens the database
(bot/storage/schema.py). To change a table: edit bot/storage/db.py, then write the next file in
``versions/`` (``make migration`` drafts it from the difference); ``tests/bot/storage/
test_migrations.py`` fails while the two disagree. Rasa's own tables are Rasa's: never here.
"""
