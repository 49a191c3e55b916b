"""The crisis safety net as the last step of the Rasa NLU pipeline.

It sees every message after the intent classifier and the fallback classifier and weighs three
independent layers (``bot.safety.tiers``): the curated patterns, the NLU model's own ``crisis``
intent, and a classifier on the pretrained sentence encoder's embedding (``bot.safety.risk``),
trained here from ``data/safety/`` and the NLU examples. Then:

- clear danger: the intent becomes ``crisis`` with a ``crisis_type`` entity, whatever the model said;
- possible danger: the intent becomes ``risk_possible`` (the screening question), with the type;
- none: a ``crisis`` or ``risk_possible`` guess of the model is overruled and the next intent used,
  so ordinary questions about overdoses do not page the on-call staff.

The encoder is verified by sha256 when the model loads; a mismatch stops Rasa from starting.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
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
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder.minilm import SentenceEncoder, shared_encoder
from bot.language.detect import shared_detector
from bot.rasa.nlu.embeddings import embeddings_for
from bot.safety.examples import CrisisItem, NotCrisisItem, load
from bot.safety.names import (
    CRISIS_INTENT,
    CRISIS_PERSON_ENTITY,
    CRISIS_REPLY,
    CRISIS_TYPE_ENTITY,
    DIAGNOSTICS,
    RISK_POSSIBLE_INTENT,
)
from bot.safety.patterns import SOMEONE_ELSE
from bot.safety.risk import FORMAT as RISK_FORMAT
from bot.safety.risk import REPLY_KINDS, LabelledExample, Reply, RiskModel, RiskScore, segments
from bot.safety.tiers import CLEAR, POSSIBLE, Assessment, Thresholds, assess, encoder_tier

log = logging.getLogger(__name__)
_WEIGHTS = "risk_model.joblib"
SAFETY_INTENTS = (CRISIS_INTENT, RISK_POSSIBLE_INTENT)


def _top_model_intent(message: Message) -> Optional[Dict[str, Any]]:
    """The model's best real intent: the fallback classifier may have put nlu_fallback first."""
    for entry in message.get(INTENT_RANKING_KEY) or []:
        if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return entry
    intent = message.get(INTENT)
    return intent if intent and intent.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME else None


def _files(config: Dict[Text, Any]) -> List[Path]:
    return [Path(config["crisis_examples"]), Path(config["other_examples"])]


def training_examples(config: Dict[Text, Any], training_data: TrainingData) -> Tuple[List[LabelledExample], List[int], List[str]]:
    """The labelled files in data/safety/, then every NLU example (crisis, possible or none); and
    which of them teach the reply head, with their reply labels (the NLU examples, by intent)."""
    crisis_file, other_file = _files(config)
    examples = [LabelledExample(i.text, i.tier, i.type, i.person) for i in load(crisis_file, CrisisItem)]
    examples += [LabelledExample(i.text, "none") for i in load(other_file, NotCrisisItem)]
    levels = {CRISIS_INTENT: CLEAR, RISK_POSSIBLE_INTENT: POSSIBLE}
    seen = {e.text.lower() for e in examples}
    replies: List[int] = []
    labels: List[str] = []
    # The encoder is an English model: to it Spanish reads alike whatever it says. Thousands of
    # Spanish NLU questions at full weight teach the danger head that Spanish is safe; none at all,
    # beside data/safety/'s many Spanish crises, that it is dangerous. So they count at the
    # configured weight per language (0 leaves them out); data/safety/'s labelled ones always count.
    weights: Dict[str, float] = {str(k): float(v) for k, v in (config.get("encoder_language_weights") or {}).items()}
    detector = shared_detector() if weights else None
    for message in training_data.intent_examples:
        text = message.get(TEXT) or ""
        weight = weights.get(detector.read(text).language or "", 1.0) if detector is not None else 1.0
        if weight <= 0:
            continue
        if text and not text.startswith("/") and text.lower() not in seen:
            seen.add(text.lower())
            intent = message.get(INTENT)
            replies.append(len(examples))
            labels.append(intent if intent in REPLY_KINDS else "other")
            examples.append(LabelledExample(text, levels.get(intent, "none"), weight=weight))
    return examples, replies, labels


def _embeddings(examples: List[LabelledExample], training_data: TrainingData) -> np.ndarray:
    """One row per example: the NLU examples' embeddings as SentenceFeaturizer left them (each
    encoded once per training), the rest (data/safety/) encoded here."""
    known: Dict[str, np.ndarray] = {}
    for message in training_data.intent_examples:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is not None:
            known[(message.get(TEXT) or "").strip()] = np.asarray(sentence.features).reshape(-1)
    missing = [e.text for e in examples if e.text.strip() not in known]
    encoded: Dict[str, np.ndarray] = dict(zip(missing, shared_encoder().encode_sorted(missing))) if missing else {}
    # Every text is in one of the two: ``missing`` holds those not in ``known``.
    rows = [known[e.text.strip()] if e.text.strip() in known else encoded[e.text] for e in examples]
    return np.vstack(rows).astype(np.float32)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CrisisSafetyNet(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        # It runs after the intent classifiers by its place at the end of the pipeline; naming them
        # here would make Rasa look for them among the *training* inputs, which they are not.
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # The model's crisis prediction counts from this confidence on, even below the fallback
            # threshold: a missed crisis costs far more than a needless check-in.
            "model_confidence": 0.8,
            "fallback_threshold": 0.2,
            "crisis_examples": "data/safety/crisis_examples.yml",
            "other_examples": "data/safety/not_crisis_examples.yml",
            # How much an NLU example of a language counts in the encoder's danger head (by
            # default 1; 0 leaves them out).
            "encoder_language_weights": {},
            "regularization": 8.0,
            **Thresholds().__dict__,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # The labelled files are read here, not given by the graph: retrain when they change.
        digest = hashlib.sha256(f"layout {RISK_FORMAT}".encode())
        for path in _files({**cls.get_default_config(), **config}):
            digest.update(path.read_bytes() if path.is_file() else b"missing")
        return digest.hexdigest()

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        risk_model: Optional[RiskModel] = None,
        encoder: Optional[SentenceEncoder] = None,
    ) -> None:
        self.config = config
        self.model_confidence = float(config["model_confidence"])
        # An overruled crisis leaves the next intent only if it is as sure as the
        # FallbackClassifier requires (keep the two thresholds equal in config.yml).
        self.fallback_threshold = float(config["fallback_threshold"])
        self.thresholds = Thresholds(**{k: float(config[k]) for k in Thresholds().__dict__})
        self._storage = model_storage
        self._resource = resource
        self.risk_model = risk_model
        self.encoder = encoder

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "CrisisSafetyNet":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples, replies, labels = training_examples(self.config, training_data)
        embeddings = _embeddings(examples, training_data)
        model = RiskModel.train(embeddings, examples, replies, labels, c=float(self.config["regularization"]))
        with self._storage.write_to(self._resource) as directory:
            model.save(directory / _WEIGHTS)
        log.info("crisis classifier trained on %d examples", len(examples))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CrisisSafetyNet":
        with model_storage.read_from(resource) as directory:
            model = RiskModel.load(directory / _WEIGHTS)
        # Verified against the published sha256 here: a wrong model raises and Rasa does not start.
        return cls(config, model_storage, resource, model, shared_encoder())

    def risk(self, message: Message) -> Tuple[Optional[RiskScore], Optional[Reply]]:
        if self.risk_model is None or self.encoder is None:
            return None, None
        return self.risk_model.score(segments(message.get(TEXT) or ""), embeddings_for(message, self.encoder))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip() or text.startswith("/"):
                continue  # empty, or a button payload that names its intent itself
            top = _top_model_intent(message)
            name = top.get(INTENT_NAME_KEY) if top else None
            confidence = float(top.get(PREDICTED_CONFIDENCE_KEY) or 0.0) if top else 0.0
            model_crisis = name == CRISIS_INTENT and confidence >= self.model_confidence
            model_possible = name == RISK_POSSIBLE_INTENT and confidence >= self.model_confidence
            risk, reply = self.risk(message)
            verdict = assess(text, model_crisis, risk, self.thresholds, model_possible)
            message.set(
                DIAGNOSTICS,
                {
                    "tier": verdict.tier,
                    "decided_by": verdict.source,
                    "model_intent": name if name in SAFETY_INTENTS else None,
                    "model_confidence": round(confidence, 3),
                    "model_confident": model_crisis or model_possible,
                    "encoder_tier": encoder_tier(risk, self.thresholds),
                    "encoder_clear": round(risk.clear, 3) if risk else None,
                    "encoder_possible": round(risk.possible, 3) if risk else None,
                },
                add_to_output=True,
            )
            if reply is not None:
                message.set(CRISIS_REPLY, {"intent": reply.intent, "confidence": round(reply.confidence, 3)}, add_to_output=True)
            if verdict.tier == CLEAR:
                self._mark(message, CRISIS_INTENT, text, verdict, risk)
            elif verdict.tier == POSSIBLE:
                self._mark(message, RISK_POSSIBLE_INTENT, text, verdict, risk)
            elif name in SAFETY_INTENTS:
                self._overrule(message)  # never leave a safety intent the verdict rejected
        return messages

    @staticmethod
    def _mark(message: Message, intent: str, text: str, verdict: Assessment, risk: Optional[RiskScore]) -> None:
        chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get(INTENT_NAME_KEY) not in SAFETY_INTENTS]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(chosen)] + ranking, add_to_output=True)
        ours = (CRISIS_TYPE_ENTITY, CRISIS_PERSON_ENTITY)
        entities = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) not in ours]
        person = "other" if verdict.crisis_type == SOMEONE_ELSE or (risk is not None and risk.person == "other") else "self"
        for entity, value in zip(ours, (verdict.crisis_type, person)):
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: entity,
                    ENTITY_ATTRIBUTE_VALUE: value,
                    ENTITY_ATTRIBUTE_START: 0,
                    ENTITY_ATTRIBUTE_END: len(text),
                    EXTRACTOR: CrisisSafetyNet.__name__,
                }
            )
        message.set(ENTITIES, entities, add_to_output=True)
        log.info("%s: %s danger (%s), by %s", intent, verdict.tier, verdict.crisis_type, verdict.source)

    def _overrule(self, message: Message) -> None:
        ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get(INTENT_NAME_KEY) not in SAFETY_INTENTS]
        best = next((e for e in ranking if e.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME), None)
        if best is None or float(best.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self.fallback_threshold:
            best = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: self.fallback_threshold}
            ranking = [best] + [e for e in ranking if e.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]
        message.set(INTENT, dict(best), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        log.info("the model's safety intent was overruled by the other layers")
