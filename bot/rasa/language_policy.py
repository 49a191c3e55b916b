"""Keeps the ``language`` slot on the conversation's language (bot/language/choice.py).

Rasa sets slots from a message's entities, one message at a time; the conversation's language
depends on all its messages (the first clear one, an explicit request, two short ones in a row).
So this policy reads them and, when the slot differs, sets it with a mandatory event, applied
before whichever action wins: the very first reply, a crisis answer included, is already in the
person's language, and the domain's responses choose their Spanish variations on the slot. It
never predicts an action itself (all its probabilities are zero) and has nothing to learn.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language.choice import conversation_language
from bot.said import person_wrote

LANGUAGE_SLOT = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LanguagePolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 1}  # it never wins: its events ride along with the winner's prediction

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        language = conversation_language(e.parse_data for e in tracker.events if isinstance(e, UserUttered) and person_wrote(e))
        events = [SlotSet(LANGUAGE_SLOT, language)] if tracker.get_slot(LANGUAGE_SLOT) != language else []
        return self._prediction(self._default_predictions(domain), events=events)
