"""The service's own tables, kept in the same database as Rasa's tracker store."""
