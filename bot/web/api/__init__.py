"""The staff console's JSON API under /api/: the same data as the console's pages, for
integrations and tests. Routes are registered in bot/web/routes.py (``_api_routes``) and described
by ``GET /api/openapi.json`` (openapi.py).

One module per resource: me, dashboard, conversations, escalations, leads, clients, audit;
common.py holds the JSON encoding, query and body parsing, guards and audit helper they share.
Who may call what is bot/staff/roles.py's table; see bot/web/auth.py for sessions, the
integration token and CSRF.
"""
