"""Crisis mode: after a crisis, every message gets a caring reply with the resources.

Rules answer the crisis itself and the "are you safe?" replies (data/rules/crisis.yml). What rules
cannot say is "whatever else the person writes, do not switch back to cheerful answers", since a
rule names one intent. This policy says it: while the ``crisis_active`` slot is set, any message
other than those the crisis rules handle gets ``utter_crisis_mode``. It outranks RulePolicy by
priority, has nothing to learn and runs in Rasa itself, so it works when the action server is down.
The mode ends when the person says they are safe (the slot mapping in domain.yml) or staff end it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class CrisisModePolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "priority": 7,  # above RulePolicy (6): in crisis mode its FAQ rules must not answer
            "slot": "crisis_active",
            "response": "utter_crisis_mode",
            # Intents with their own rules in crisis mode: another crisis, "I'm safe", yes and no,
            # and asking for a person (a live handoff, with 988 and 911 repeated).
            "handled_by_rules": ["crisis", "crisis_safe", "affirm", "deny", "request_human"],
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.slot = config["slot"]
        self.response = config["response"]
        self.handled_by_rules = set(config["handled_by_rules"])

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the behaviour is the same for every conversation

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = self._next_action(tracker)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)

    def _next_action(self, tracker: DialogueStateTracker) -> Optional[str]:
        if not tracker.get_slot(self.slot):
            return None
        latest = tracker.latest_action_name
        if latest == self.response:
            return ACTION_LISTEN_NAME
        if latest != ACTION_LISTEN_NAME or tracker.latest_message is None:
            return None
        intent = tracker.latest_message.intent.get("name")
        if intent is None or intent in self.handled_by_rules:
            return None
        return self.response
