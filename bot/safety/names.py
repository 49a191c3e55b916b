"""Names the safety net shares with the domain, the tracker store and the evaluation."""

CRISIS_INTENT = "crisis"
CRISIS_TYPE_ENTITY = "crisis_type"
# Whose danger: "self" or "other" (a parent asking about a son), for the replies that differ.
CRISIS_PERSON_ENTITY = "crisis_person"
# Kept in the parse data of every message, for review: what the model said and who decided.
DIAGNOSTICS = "crisis_safety_net"
# Possible danger: the screening question (bot/safety/tiers.py).
RISK_POSSIBLE_INTENT = "risk_possible"
# What the encoder's reply head reads the message as, for crisis mode (bot/safety/mode.py).
CRISIS_REPLY = "crisis_reply"
