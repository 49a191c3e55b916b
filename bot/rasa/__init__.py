"""Everything that runs inside the Rasa server or changes how it behaves, in one place.

Rasa loads these by the names in config.yml, endpoints.yml and credentials.yml; the rest of
``bot/`` is plain Python that knows nothing of Rasa's internals.

- ``nlu/``: the NLU pipeline's own components (the sentence featurizer, the intent classifier,
  the situation rescue and the crisis safety net)
- ``policy.py``: crisis mode, a policy above the rules
- ``nlg.py``: domain responses with the center's facts filled in
- ``tracker_store.py``: Rasa's SQL tracker store with a cache, the escalation record and the
  turn journal
- ``channels/``: the REST and socket.io input channels, with the message guard and client tokens
- ``patches.py``: the few changes to Rasa's own code, each with the version it was written for,
  why it exists and the test that fails if Rasa changes under it

Rasa's events table, which the console, reminders and the escalation check read, is declared in
``bot/storage/rasa_events.py``: below every feature, so each can read it without importing this
package.
"""
