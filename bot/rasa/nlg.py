"""Rasa's response generator, with the center's facts available to every domain response.

The crisis replies are domain responses so that they never wait on the action server; they still
need the center's on-call number and the national hotlines, which live in the program data. This
generator adds them as fill-in values (``{on_call_phone}``, ``{dv_call}``, ...) next to the slots.
It also adds the automated-assistant notice when a domain response is a conversation's first
reply (bot/program/notice.py). Configured in endpoints.yml under ``nlg``.
"""

from __future__ import annotations

import logging
import random
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.constants import RESPONSE_CONDITION
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.answer_book import ProgramCache
from bot.language.choice import REPLY_LANGUAGE_KEY
from bot.language.detect import ENGLISH, SPANISH
from bot.program.answers import AnswerBook
from bot.program.errors import ProgramDataError
from bot.program.models import Program
from bot.program.notice import NOTICE_HANDLED, Notices, notice_due, with_notice_in_text
from bot.rasa.language_policy import LANGUAGE_SLOT
from bot.settings import get_settings

log = logging.getLogger(__name__)

# Used only if the program data has never loaded in this process, so that a crisis reply shows a
# working line instead of a raw placeholder. The national numbers are the same everywhere in the US.
SAFE_DEFAULTS: Dict[str, Dict[str, str]] = {
    ENGLISH: {
        "center_name": "our center",
        "on_call_phone": "the on-call number on our website",
        "main_phone": "the number on our website",
        "dv_name": "National Domestic Violence Hotline",
        "dv_call": "1-800-799-7233",
        "dv_text": "text START to 88788",
        "poison_control": "1-800-222-1222",
    },
    SPANISH: {
        "center_name": "nuestro centro",
        "on_call_phone": "el número de guardia de nuestro sitio web",
        "main_phone": "el número de nuestro sitio web",
        "dv_name": "Línea Nacional contra la Violencia Doméstica",
        "dv_call": "1-800-799-7233",
        "dv_text": "envíe la palabra START por mensaje de texto al 88788",
        "poison_control": "1-800-222-1222",
    },
}
_DISCLOSURES = ("automated assistant", "asistente automático")
SAFE_NOTICES: Dict[str, Notices] = {
    ENGLISH: Notices(
        first="I'm an automated assistant, not a clinician. If you or someone else is in danger right now, call or text 988, or call 911.",
        after_urgent="I'm an automated assistant, not a clinician.",
        disclosures=_DISCLOSURES,
    ),
    SPANISH: Notices(
        first="Soy un asistente automático, no un profesional clínico. Si usted u otra persona está en peligro ahora mismo, "
        "llame al 988 (marque 2 para español) o envíe AYUDA por mensaje de texto al 988, o llame al 911.",
        after_urgent="Soy un asistente automático, no un profesional clínico.",
        disclosures=_DISCLOSURES,
    ),
}


def center_facts(program: Program, language: str = ENGLISH) -> Dict[str, str]:
    center = program.center
    violence = center.hotlines["domestic_violence"]
    wording = violence.wording(language)
    facts = {
        "center_name": center.name,
        "on_call_phone": program.phone("on_call"),
        "main_phone": program.phone("main"),
        "dv_name": wording.name,
        "dv_call": violence.call,
        "dv_text": wording.text or (f"llame al {violence.call}" if language == SPANISH else f"call {violence.call}"),
        "poison_control": SAFE_DEFAULTS[ENGLISH]["poison_control"],
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
        self._notices_of: Dict[str, Tuple[AnswerBook, Notices]] = {}

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
        """Rendered once per answer book and language (a reload brings a new book), not per response."""
        if self._notices_of.get(book.language, (None,))[0] is not book:
            self._notices_of[book.language] = (book, Notices.of(book))
        return self._notices_of[book.language][1]

    def _random_response_for(
        self, utter_action: Text, output_channel: Text, filled_slots: Dict[Text, Any]
    ) -> Optional[Dict[Text, Any]]:
        """Rasa's choice among the variations that fit, narrowed to the most specific ones.

        Rasa 3.6 picks at random among every conditional variation whose conditions hold. A
        Spanish variation adds ``language: es`` to its English one's conditions, so both hold in
        Spanish; the one with more conditions is meant (a crisis type's Spanish words, not the
        English ones nor the Spanish default). Only the filtering is ours; tests/bot/rasa/test_nlg.py
        fails if Rasa's method or its filter changes shape.
        """
        if utter_action not in self.responses:
            return None
        fitting = ResponseVariationFilter(self.responses).responses_for_utter_action(utter_action, output_channel, filled_slots)
        if not fitting:
            return None
        most = max(len(variation.get(RESPONSE_CONDITION) or []) for variation in fitting)
        return random.choice([v for v in fitting if len(v.get(RESPONSE_CONDITION) or []) == most])

    def _fill_response(
        self, response: Dict[Text, Any], filled_slots: Optional[Dict[Text, Any]] = None, **kwargs: Any
    ) -> Dict[Text, Any]:
        """Rasa's filling, except a button's intent payload (``/ask_coping{"coping_need": "craving"}``).

        Rasa 3.6 fills every string of a button, so the payload's JSON braces read as a placeholder:
        it logged an exception with the person's reply on each such button (the screening's "no",
        a slip) and sent the payload unchanged. The payloads are set aside and put back. Rasa's
        ``generate_from_slots`` passes a deep copy, so the response may be changed here;
        tests/bot/rasa/test_rasa_internals.py pins both methods.
        """
        buttons = response.get("buttons") or []
        intents = {i: b["payload"] for i, b in enumerate(buttons) if str(b.get("payload", "")).startswith("/")}
        for i in intents:
            buttons[i]["payload"] = ""
        filled = super()._fill_response(response, filled_slots, **kwargs)
        for i, payload in intents.items():
            filled["buttons"][i]["payload"] = payload
        return filled

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        slots = tracker.current_slot_values()
        language = slots.get(LANGUAGE_SLOT) or ENGLISH
        book = self._book()
        if book is not None:
            book = book.in_language(language)
        values = {**(center_facts(book.program, language) if book else SAFE_DEFAULTS[language]), **kwargs}
        message = self.generate_from_slots(utter_action, slots, output_channel, **values)
        if message is not None:
            # The conversation's language goes with the reply, so the widget's own labels follow a
            # switch the person made by writing in the other language (bot/rasa/channels/socketio.py).
            message[REPLY_LANGUAGE_KEY] = language
        if message is not None and not kwargs.get(NOTICE_HANDLED):
            notices = self._notices(book) if book else SAFE_NOTICES[language]
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
            latest.append({"event": event.type_name, "text": event.text, "metadata": event.metadata})
    return latest[::-1]
