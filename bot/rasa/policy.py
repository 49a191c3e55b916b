"""Crisis mode that listens, and the answer to the screening question.

What rules cannot say is "whatever else the person writes, do not switch back to cheerful
answers", nor "reply to *this* answer of the person differently", since a rule names one intent
in one context. This policy says both, from the conversation's events (``bot.safety.mode``):

- In crisis mode each message gets the reply that fits it: a bare "ok" is asked to say in their
  own words whether they are safe; "I can't call" gets the text and chat options; "I texted 988"
  is acknowledged; "help is here" too; a clear statement of safety or a false alarm ends the mode;
  anything else gets the caring crisis-mode reply instead of an FAQ answer.
- After the screening question, a clear "no" carries on (with the resources repeated once); a
  "yes", or anything that is not a no, gets the crisis answer. A question about something else
  ("tenemos iehp" after a misread "mi hijo anda tomando mucho") is not an answer: the question is
  asked once more, with 911 and 988 in it, and what follows that is read the same way, except
  that another question then counts as a yes. After that "no", the question set aside is
  answered (``action_answer_set_aside`` replays it, and the rules answer it as usual).

Another crisis and a request for a person stay with their rules. It outranks RulePolicy by
priority, has nothing to learn and runs in Rasa itself, so it works when the action server is down.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety.mode import (
    CRISIS_ANSWER,
    NOT_SAFE,
    SCREENING_AGAIN,
    asks_something_else,
    in_crisis_mode,
    question_set_aside,
    reply_intent,
    screening_asked_again,
    screening_pending,
)
from bot.said import is_external

# In crisis mode: intent -> reply (anything else gets the default). None: the rules answer.
CRISIS_MODE_REPLIES: Dict[str, Optional[str]] = {
    "crisis": None,
    "request_human": None,
    "crisis_safe": "utter_crisis_safe",
    "crisis_false_alarm": "utter_crisis_false_alarm",
    "deny": "utter_crisis_unsafe",
    NOT_SAFE: "utter_crisis_unsafe",
    "affirm": "utter_crisis_mode_ack",
    "crisis_cannot_call": "utter_crisis_mode_cannot_call",
    "crisis_contacted": "utter_crisis_mode_contacted",
    "crisis_help_arrived": "utter_crisis_mode_help_arrived",
}
CRISIS_MODE_DEFAULT = "utter_crisis_mode"
# After the screening question: a clear no; anything else but a new crisis is a yes.
SCREENING_NO = ("deny", "crisis_safe", "crisis_false_alarm")
SCREENING_NO_REPLY = "utter_risk_screen_no"
ANSWER_SET_ASIDE = "action_answer_set_aside"  # actions/screening.py


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class CrisisModePolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7}  # above RulePolicy (6): in crisis mode its FAQ rules must not answer

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.own_replies = self.own_replies_of()

    @staticmethod
    def own_replies_of() -> Set[str]:
        """The responses this policy predicts, after which it listens (the crisis answer too: it
        gives it after the screening question, where no rule knows what follows)."""
        return {r for r in CRISIS_MODE_REPLIES.values() if r} | {
            CRISIS_MODE_DEFAULT,
            SCREENING_NO_REPLY,
            SCREENING_AGAIN,
            CRISIS_ANSWER,
            ANSWER_SET_ASIDE,  # its replayed question ends in listening; so does finding none
        }

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
        action = next_action(tracker, self.own_replies)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)


def next_action(tracker: DialogueStateTracker, own_replies: Set[str]) -> Optional[str]:
    """The reply to the latest message, or None when the rules decide."""
    latest = tracker.latest_action_name
    if latest == SCREENING_NO_REPLY and question_set_aside(list(tracker.events)) is not None:
        return ANSWER_SET_ASIDE
    if latest in own_replies:
        return ACTION_LISTEN_NAME
    if latest != ACTION_LISTEN_NAME or tracker.latest_message is None or is_external(tracker.latest_message):
        return None  # a reminder firing is answered by its rule, and the person's state waits
    events = list(tracker.events)
    before = _before_latest_message(events)
    intent = reply_intent(tracker.latest_message.parse_data)
    if intent is None:
        return None
    if in_crisis_mode(before):
        return CRISIS_MODE_REPLIES.get(intent, CRISIS_MODE_DEFAULT)
    if screening_pending(before) and intent != "crisis":
        if intent in SCREENING_NO:
            return SCREENING_NO_REPLY
        if asks_something_else(intent) and not screening_asked_again(before):
            return SCREENING_AGAIN
        return CRISIS_ANSWER
    return None


def _before_latest_message(events: List[Any]) -> List[Any]:
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[:index]
    return events
