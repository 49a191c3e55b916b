"""Callback requests from prospective clients, from the chat to the admissions team:
``form.py`` checks what a person types into the request, ``store.py`` saves it, and ``work.py``
is the admissions team's work on it (statuses, notes, CSV export)."""
