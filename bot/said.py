"""Which of Rasa's user events the person wrote.

Rasa records two other things as user events: a message the assistant triggers itself (a group
reminder firing is an external intent, marked ``is_external``), and our replay of a question the
person asked instead of answering the screening question (actions/screening.py, marked
``replayed``), said once and answered later. Counting, showing, or reading either as the
person's words would count a message twice, show "EXTERNAL: ask_next_group" as something the
person wrote, or take a reminder for their answer to the screening question.
"""

from __future__ import annotations

from typing import Any, Mapping

IS_EXTERNAL = "is_external"  # Rasa's key (rasa.shared.core.constants; pinned in tests/bot/rasa/test_rasa_internals.py)
REPLAYED = "replayed"  # ours


def _metadata(event: Any) -> Mapping[str, Any]:
    """An event's metadata, from a Rasa Event object or an event dict (rasa-sdk, the database)."""
    metadata = event.get("metadata") if isinstance(event, Mapping) else getattr(event, "metadata", None)
    return metadata if isinstance(metadata, Mapping) else {}


def is_external(event: Any) -> bool:
    """A message the assistant triggered itself (a reminder firing)."""
    return bool(_metadata(event).get(IS_EXTERNAL))


def is_replayed(event: Any) -> bool:
    """The copy of a question set aside, replayed to answer it."""
    return bool(_metadata(event).get(REPLAYED))


def person_wrote(event: Any) -> bool:
    """A user event that is the person's own message, said once."""
    return not is_external(event) and not is_replayed(event)
