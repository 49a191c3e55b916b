"""Rasa custom actions, one module per feature; each is thin and calls logic in `bot/`."""
