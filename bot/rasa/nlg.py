"""Rasa's response generator, with the center's facts available to every domain response.

The crisis replies are domain responses so that they never wait on the action server; they still
need the center's on-call number and the national hotlines, which live in the program data. This
generator adds them as fill-in values (``{on_call_phone}``, ``{dv_call}``, ...) next to the slots.
It also adds the automated-assistant notice when a domain response is a conversation's first
reply (bot/program/notice.py). Configured in endpoints.yml under ``nlg``.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.answer_book import ProgramCache
from bot.program.answers import AnswerBook
from bot.program.errors import ProgramDataError
from bot.program.models import Program
from bot.program.notice import NOTICE_HANDLED, Notices, notice_due, with_notice_in_text
from bot.settings import get_settings

log = logging.getLogger(__name__)

# Used only if the program data has never loaded in this process, so that a crisis reply shows a
# working line instead of a raw placeholder. The national numbers are the same everywhere in the US.
SAFE_DEFAULTS: Dict[str, str] = {
    "center_name": "our center",
    "on_call_phone": "the on-call number on our website",
    "main_phone": "the number on our website",
    "dv_name": "National Domestic Violence Hotline",
    "dv_call": "1-800-799-7233",
    "dv_text": "text START to 88788",
    "poison_control": "1-800-222-1222",
}
SAFE_NOTICES = Notices(
    first="I'm an automated assistant, not a clinician. If you or someone else is in danger right now, call or text 988, or call 911.",
    after_urgent="I'm an automated assistant, not a clinician.",
    disclosure="automated assistant",
)


def center_facts(program: Program) -> Dict[str, str]:
    center = program.center
    facts = {
        "center_name": center.name,
        "on_call_phone": program.phone("on_call"),
        "main_phone": program.phone("main"),
        "dv_name": center.hotlines["domestic_violence"].name,
        "dv_call": center.hotlines["domestic_violence"].call,
        "dv_text": center.hotlines["domestic_violence"].text or f"call {center.hotlines['domestic_violence'].call}",
        "poison_control": SAFE_DEFAULTS["poison_control"],
    }
    poison = center.hotlines.get("poison_control")
    if poison is not None:
        facts["poison_control"] = poison.call
    return facts


class CenterFactsNLG(TemplatedNaturalLanguageGenerator):
    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
        cache: Optional[ProgramCache] = None,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self._cache = cache
        self._warned = False
        self._notices_of: Optional[Tuple[AnswerBook, Notices]] = None

    def _book(self) -> Optional[AnswerBook]:
        """The current answer book, or None (reported once) while the program data cannot load."""
        try:
            if self._cache is None:
                self._cache = ProgramCache(get_settings().program_data_dir)
            return self._cache.get()
        except ProgramDataError as exc:
            if not self._warned:
                log.error("program data could not be loaded, responses use safe defaults: %s", exc)
                self._warned = True
            return None

    def _notices(self, book: AnswerBook) -> Notices:
        """Rendered once per answer book (a reload brings a new one), not per response."""
        if self._notices_of is None or self._notices_of[0] is not book:
            self._notices_of = (book, Notices.of(book))
        return self._notices_of[1]

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        book = self._book()
        values = {**(center_facts(book.program) if book else SAFE_DEFAULTS), **kwargs}
        message = self.generate_from_slots(utter_action, tracker.current_slot_values(), output_channel, **values)
        if message is not None and not kwargs.get(NOTICE_HANDLED):
            notices = self._notices(book) if book else SAFE_NOTICES
            if notice_due(_latest_session(tracker), notices):
                message["text"] = with_notice_in_text(utter_action, message.get("text") or "", notices)
        return message


def _latest_session(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    """The current session's start and messages, as the event dicts ``notice_due`` reads (only
    these: a reply's cost stays with the session's messages, not the whole conversation)."""
    latest: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            latest.append({"event": SessionStarted.type_name})
            break
        if isinstance(event, (UserUttered, BotUttered)):
            latest.append({"event": event.type_name, "text": event.text})
    return latest[::-1]
