"""Rasa input channels of the service: Rasa's REST and socket.io channels, with every message's
client token checked before Rasa sees it (bot/rasa/channels/identity.py)."""
