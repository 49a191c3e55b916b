"""Live handoff from the assistant to a person on the center's staff.

- ``hours``: whether the center staffs live chat now (``staffed_hours`` in center.yml).
- ``presence``: which staff members are available for live chats (the console's live page).
- ``store``: the handoff records and their transitions (waiting, active, returned, closed, expired).
- ``request``: what the assistant does when someone asks for a person (actions/handoff.py).
- ``assistant``: the Rasa HTTP API calls that pause, resume and speak in a conversation.
- ``notices``: what the person sees when a staff member joins, writes, hands back or closes.
- ``sweeper``: the web app's timer: requests nobody took, and take-overs a staff member left.
"""
