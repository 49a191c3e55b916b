"""The conversation's language: English or Spanish, read from each message and chosen per conversation."""
