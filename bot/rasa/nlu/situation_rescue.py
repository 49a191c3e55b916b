"""A question the classifier was unsure of, which names one of the center's special situations,
gets its answer instead of "not sure I understood".

"How do I get a referral from Kaiser?" sits between insurance and admissions, so no intent
reaches the fallback threshold; but it names a situation the center answers
(``data/program/situations.yml``: a referral), under one of its likely intents. The intent that
situation allows is restored, and ``action_answer_question`` gives the situation's answer. Only
words the center listed can do this, and only for an intent the model already ranked; the crisis
net runs after this component and still overrules anything. The situations are read through the
program cache, so a center's edit counts without retraining.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.answer_book import ProgramCache
from bot.program.answers import AnswerBook
from bot.program.errors import ProgramDataError
from bot.settings import get_settings

log = logging.getLogger(__name__)


def rescued_intent(book: AnswerBook, text: str, ranking: List[Dict[str, Any]], min_confidence: float) -> Optional[Dict[str, Any]]:
    """The best-ranked intent (from ``min_confidence``) under which the text names a situation."""
    for entry in ranking:
        name = entry.get(INTENT_NAME_KEY)
        if name == DEFAULT_NLU_FALLBACK_INTENT_NAME:
            continue
        if float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < min_confidence:
            return None
        if book.situations.find(text, str(name), question=book.has(str(name))) is not None:
            return entry
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SituationRescue(GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return []  # after FallbackClassifier by its place in the pipeline, like the crisis net

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_confidence": 0.25}

    def __init__(self, config: Dict[Text, Any], cache: ProgramCache) -> None:
        self.min_confidence = float({**self.get_default_config(), **config}["min_confidence"])
        self._cache = cache

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "SituationRescue":
        return cls(config, ProgramCache(get_settings().program_data_dir))

    def _book(self) -> Optional[AnswerBook]:
        try:
            return self._cache.get()
        except ProgramDataError as exc:  # the fallback stands; the data's own checks report the error
            log.warning("situations unavailable, the fallback stands: %s", exc)
            return None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME or not text.strip() or text.startswith("/"):
                continue
            book = self._book()
            ranking = message.get(INTENT_RANKING_KEY) or []
            found = rescued_intent(book, text, ranking, self.min_confidence) if book else None
            if found is None:
                continue
            message.set(INTENT, dict(found), add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [e for e in ranking if e.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME],
                add_to_output=True,
            )
            log.info(
                "unsure reading restored to %s: the message names one of the center's situations", found.get(INTENT_NAME_KEY)
            )
        return messages
