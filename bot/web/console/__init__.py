"""The staff console's pages: log-in, dashboard, conversations, escalations, leads, clients, audit log.

One module per feature; the routes are listed in ``bot/web/routes.py`` (``_console_routes``).
Every page is guarded by a permission of bot/staff/roles.py (``requires`` in bot/web/auth.py):
nobody signed in goes to the log-in page, a role without the permission gets 403. Every form
carries the session's CSRF token. The pages read through bot/records/ (queries) and the stores,
in a thread, and never log anything about the people in the conversations.
"""
