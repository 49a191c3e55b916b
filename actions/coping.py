"""Coping exercises: what is going on, a 0-10 rating, a skill step by step, a rating after.

Thin: the logic is bot.coping.exercise.Coach. The exercise lives in the ``coping`` slot;
``coping_active`` lets the rules route "next", "done" and "try another" to it, and
``coping_rate_now`` tells the rules to run the rating form next (data/rules/coping.yml).
Ratings are stored with the conversation and, for a verified client, with the client.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import EXERCISE_SLOT, CompanionAction, book_in, identity_of, resources, send
from actions.questions import replies_for
from bot.coping.checkins import Checkin
from bot.coping.exercise import Coach, Person, RatingError, Turn, parse_rating

STATE_SLOT = "coping"
ACTIVE_SLOT = EXERCISE_SLOT
RATE_NOW_SLOT = "coping_rate_now"
RATING_SLOT = "craving_rating"
RATING_FORM = "craving_rating_form"
# A message in the rating form that is confidently another question is answered as one.
QUESTION_CONFIDENCE = 0.7


def coach_for(tracker: Tracker) -> Coach:
    shared = resources()
    book = book_in(tracker)
    who = identity_of(tracker)
    person = Person(who.client.first_name, who.client.counselor) if who.client and who.track else Person()
    return Coach(shared.coping.get().in_language(tracker.get_slot("language")), book, book.program.phone("on_call"), person)


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and isinstance(entity.get("value"), str):
            return str(entity["value"])
    return None


def _state(tracker: Tracker) -> Optional[Dict[str, Any]]:
    state = tracker.get_slot(STATE_SLOT)
    return state if isinstance(state, dict) else None


def play(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> List[EventType]:
    """Says the turn, stores its rating, and sets the slots the rules read."""
    for reply in turn.replies:
        send(dispatcher, reply)
    if turn.checkin is not None:
        who = identity_of(tracker)
        resources().checkins.add(
            Checkin(
                conversation_id=tracker.sender_id,
                client_id=who.client.id if who.client and who.status == "verified" else None,
                at=dt.datetime.now(dt.timezone.utc),
                **turn.checkin,
            )
        )
    running = turn.state is not None and turn.state.get("phase") in ("before", "steps", "after")
    return [
        SlotSet(STATE_SLOT, turn.state),
        SlotSet(ACTIVE_SLOT, running),
        SlotSet(RATE_NOW_SLOT, turn.ask_rating),
    ]


class ActionStartCoping(CompanionAction):
    ends_an_exercise = False  # the exercise's own actions keep it running

    def name(self) -> str:
        return "action_start_coping"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        turn = coach_for(tracker).start("" if text.startswith("/") else text, _entity(tracker, "coping_need"))
        return play(dispatcher, tracker, turn)


class CoachTurnAction(CompanionAction, ABC):
    """One turn of the running exercise: a Coach method applied to the exercise so far."""

    ends_an_exercise = False

    @abstractmethod
    def turn(self, coach: Coach, state: Optional[Dict[str, Any]]) -> Turn:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        return play(dispatcher, tracker, self.turn(coach_for(tracker), _state(tracker)))


class ActionCopingNext(CoachTurnAction):
    def name(self) -> str:
        return "action_coping_next"

    def turn(self, coach: Coach, state: Optional[Dict[str, Any]]) -> Turn:
        return coach.next_step(state)


class ActionCopingDone(CoachTurnAction):
    def name(self) -> str:
        return "action_coping_done"

    def turn(self, coach: Coach, state: Optional[Dict[str, Any]]) -> Turn:
        return coach.done(state)


class ActionCopingAnother(CoachTurnAction):
    def name(self) -> str:
        return "action_coping_another"

    def turn(self, coach: Coach, state: Optional[Dict[str, Any]]) -> Turn:
        return coach.another(state)


class ActionCopingStop(CoachTurnAction):
    def name(self) -> str:
        return "action_coping_stop"

    def turn(self, coach: Coach, state: Optional[Dict[str, Any]]) -> Turn:
        return coach.stop(state)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        return await super().run(dispatcher, tracker, domain) + [SlotSet(RATING_SLOT, None)]


class ActionAskCravingRating(CompanionAction):
    """The rating form's question, worded for what is being rated (the craving, the stress...)."""

    ends_an_exercise = False

    def name(self) -> str:
        return f"action_ask_{RATING_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        send(dispatcher, coach_for(tracker).rating_question(_state(tracker)))
        return []


class ValidateCravingRatingForm(FormValidationAction):
    def name(self) -> Text:
        return f"validate_{RATING_FORM}"

    async def validate_craving_rating(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value or "").strip()
        try:
            return {RATING_SLOT: parse_rating(text)}
        except RatingError as exc:
            problem = str(exc)
        intent = tracker.latest_message.get("intent") or {}
        if problem == "no number" and float(intent.get("confidence") or 0) >= QUESTION_CONFIDENCE:
            replies = replies_for(str(intent.get("name") or ""), book_in(tracker), tracker)
            if replies:  # a question in the middle: answer it, then ask for the rating again
                for reply in replies:
                    send(dispatcher, reply)
                return {RATING_SLOT: None}
        send(dispatcher, coach_for(tracker).rating_unclear(_state(tracker), text, problem))
        return {RATING_SLOT: None}


class ActionRecordCraving(CompanionAction):
    """The rating form is done: store the rating and go on (the first step, or the close)."""

    ends_an_exercise = False

    def name(self) -> str:
        return "action_record_craving"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        rating = tracker.get_slot(RATING_SLOT)
        state = _state(tracker)
        cleared: List[EventType] = [SlotSet(RATING_SLOT, None)]  # so the form asks next time
        if state is None or not isinstance(rating, int):
            return play(dispatcher, tracker, coach_for(tracker).start("")) + cleared
        return play(dispatcher, tracker, coach_for(tracker).rated(state, rating)) + cleared
