"""The records staff read and work, queried for the console's pages and JSON API (bot/web/).

Plain Python over the shared SQLite file: Rasa's ``events`` table (written by
bot/rasa/tracker_store.py) and our own tables (bot/storage/db.py). Nothing here knows about HTTP or
roles; the web layer picks the audience and whether to mask contact details.

- conversations.py: the conversation list (filters, paging) and transcripts
- dashboard.py: daily numbers for the landing page
- clients.py: enrolled clients' check-ins and last contact
- purge.py: the retention job (`python -m bot purge`)
- live.py: the live-chat queue and who may answer a conversation
- masking.py: phone numbers and e-mail addresses hidden from text

Callback requests are in bot/leads/; the escalations in bot/safety/escalations.py.
"""
