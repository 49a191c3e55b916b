"""The crisis safety net as the last step of the Rasa NLU pipeline.

It sees every message after the intent classifier and the fallback classifier and decides, in
this order:

1. The curated patterns (``bot.safety.detector``) find a crisis: the intent becomes ``crisis``
   with a ``crisis_type`` entity, whatever the model said (a model can miss a crisis sentence
   buried in a long message, or drop it to ``nlu_fallback``).
2. The model says ``crisis`` (as its top intent, even under the fallback threshold) and the
   patterns found nothing benign: the model is trusted, and the type is guessed from the words.
3. The model says ``crisis`` but the patterns recognised the alarming words as benign (a general
   question, a past event, a film, "not suicidal"), or the model is unsure: the model is overruled
   and the next intent is used, so ordinary questions about overdoses do not page the on-call staff.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety.detector import Verdict, decide
from bot.safety.names import CRISIS_INTENT, CRISIS_TYPE_ENTITY, DIAGNOSTICS

log = logging.getLogger(__name__)



def _top_model_intent(message: Message) -> Optional[Dict[str, Any]]:
    """The model's best real intent: the fallback classifier may have put nlu_fallback first."""
    for entry in message.get(INTENT_RANKING_KEY) or []:
        if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return entry
    intent = message.get(INTENT)
    return intent if intent and intent.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisSafetyNet(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # The model's crisis prediction counts from this confidence on, even below the fallback
        # threshold: a missed crisis costs far more than a needless check-in.
        return {"model_confidence": 0.8, "fallback_threshold": 0.2}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.model_confidence = float(config["model_confidence"])
        # An overruled crisis leaves the next intent only if it is as sure as the
        # FallbackClassifier requires (keep the two thresholds equal in config.yml).
        self.fallback_threshold = float(config["fallback_threshold"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisSafetyNet":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip() or text.startswith("/"):
                continue  # empty, or a button payload that names its intent itself
            top = _top_model_intent(message)
            confidence = float(top.get(PREDICTED_CONFIDENCE_KEY) or 0.0) if top and top.get(INTENT_NAME_KEY) == CRISIS_INTENT else 0.0
            model_says_crisis = confidence > 0 and confidence >= self.model_confidence
            verdict = decide(text, model_says_crisis)
            message.set(
                DIAGNOSTICS,
                {"model_crisis": model_says_crisis, "model_confidence": round(confidence, 3), "decided_by": verdict.source},
                add_to_output=True,
            )
            if verdict.crisis:
                self._mark_crisis(message, text, verdict)
            elif top is not None and top.get(INTENT_NAME_KEY) == CRISIS_INTENT:
                # Overruled, or too unsure to count: never leave a crisis intent the verdict rejected.
                self._overrule(message)
        return messages

    @staticmethod
    def _mark_crisis(message: Message, text: str, verdict: Verdict) -> None:
        crisis_type = verdict.crisis_type
        crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != CRISIS_INTENT]
        message.set(INTENT, crisis, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(crisis)] + ranking, add_to_output=True)
        entities = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != CRISIS_TYPE_ENTITY]
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: CRISIS_TYPE_ENTITY,
                ENTITY_ATTRIBUTE_VALUE: crisis_type,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                EXTRACTOR: CrisisSafetyNet.__name__,
            }
        )
        message.set(ENTITIES, entities, add_to_output=True)
        log.info("crisis detected (%s, by %s)", crisis_type, verdict.source)

    def _overrule(self, message: Message) -> None:
        ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != CRISIS_INTENT]
        best = next((entry for entry in ranking if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME), None)
        if best is None or float(best.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self.fallback_threshold:
            best = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: self.fallback_threshold}
            ranking = [best] + [entry for entry in ranking if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]
        message.set(INTENT, dict(best), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        log.info("the model's crisis prediction was overruled: the alarming words were used in a benign sense")
