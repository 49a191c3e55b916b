"""Read-mostly queries behind the staff console's pages and JSON API.

Plain Python over the shared SQLite file: Rasa's ``events`` table (written by
bot/tracker_store.py) and our own tables (bot/storage/db.py). Nothing here knows about HTTP or
roles; the web layer picks the audience and whether to mask contact details.

- conversations.py: the conversation list (filters, paging) and transcripts
- dashboard.py: daily numbers for the landing page
- leads.py: the admissions workflow on callback requests, with notes and CSV export
- clients.py: enrolled clients' check-ins and last contact
- purge.py: the retention job (`python -m bot purge`)
- masking.py: phone numbers and e-mail addresses hidden from text
"""

from bot.console.paging import Page

__all__ = ["Page"]
