"""The staff console's accounts, roles, sessions and audit log (plain Python; the pages are in bot/web/).

- roles.py: who may see what (``allowed``, ``can_view_conversation``, ``sees_contact_details``);
- passwords.py: argon2id hashes and the password policy;
- users.py: ``UserStore`` (accounts, log-in with lock-out);
- sessions.py: ``SessionStore`` (hashed session tokens, CSRF tokens, cookie settings);
- audit.py: ``AuditLog``;
- cli.py: ``python -m bot users ...``.
"""
