"""Enrolled clients: the records the center keeps, the signed chat tokens it issues, and the check
every incoming chat message goes through before a conversation is linked to a client."""
