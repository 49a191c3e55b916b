"""The crisis safety net: detection, the escalation record and the staff notifications."""
