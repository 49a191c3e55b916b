"""The meeting finder: find meetings, page through them, and ask where the person is when needed.

Thin: the logic is bot.meetings.finder. The place and the last search are kept in slots, so
"more" continues the search, a follow-up ("what about tomorrow?", "is the first one wheelchair
accessible?") is read against it, and the place is asked for once per conversation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import CompanionAction, book_in, resources, send
from actions.questions import replies_for
from bot.meetings.finder import MeetingFinder, Outcome, find_place, place_from_slot, place_to_slot
from bot.meetings.followup import SaidAs
from bot.meetings.geo import gazetteer
from bot.meetings.query import MeetingQuery, read_query

PLACE_FORM = "meeting_place_form"
PLACE_SLOT = "meeting_place"
SEARCH_SLOT = "meeting_search"
ANSWER_SLOT = "meeting_place_text"
NEEDS_PLACE_SLOT = "meeting_needs_place"
# True once the finder has spoken: the rules then let it read other topics' short messages first
# (data/rules/meetings.yml), and it gives them back (false) when they are not about the meetings.
CONTEXT_SLOT = "meeting_context"
FOLLOWUP_INTENT = "meeting_followup"
MEETING_ACTIONS = frozenset({"action_find_meetings", "action_more_meetings", "action_meeting_followup", PLACE_FORM})
ONLINE = "online"
# A message in the place form that is confidently another question is answered as one.
QUESTION_CONFIDENCE = 0.7


def _finder(tracker: Tracker) -> MeetingFinder:
    # Loading the ZIP data and the index can take a second the first time: off the event loop.
    return MeetingFinder(book_in(tracker), resources().meetings.get(), gazetteer())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _button_attendance(tracker: Tracker) -> Optional[str]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "meeting_attendance" and entity.get("value") in ("online", "in_person", "hybrid"):
            return str(entity["value"])
    return None


def _text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text  # a button's payload: its entities say what it wants


def _right_after_meetings(tracker: Tracker) -> bool:
    """Whether the last thing the assistant did before this message was the meeting finder's."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") in MEETING_ACTIONS
    return False


def _events(outcome: Outcome) -> List[EventType]:
    events: List[EventType] = []
    if outcome.place is not None:
        events.append(SlotSet(PLACE_SLOT, place_to_slot(outcome.place)))
    if outcome.search is not None:
        events.append(SlotSet(SEARCH_SLOT, outcome.search))
    # The rules run the place form next when this is true (data/rules/meetings.yml).
    events.append(SlotSet(NEEDS_PLACE_SLOT, outcome.ask_place))
    events.append(SlotSet(CONTEXT_SLOT, True))
    return events


class ActionFindMeetings(CompanionAction):
    """A meeting request, or the same request again once the place form has the place."""

    def name(self) -> str:
        return "action_find_meetings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        finder = await asyncio.to_thread(_finder, tracker)
        remembered = place_from_slot(tracker.get_slot(PLACE_SLOT))
        pending = tracker.get_slot(SEARCH_SLOT)
        resumed: List[EventType] = []
        if tracker.latest_action_name == PLACE_FORM and isinstance(pending, dict) and "query" in pending:
            outcome = finder.start(MeetingQuery.from_slot(pending["query"]), _now(), remembered)
            resumed.append(SlotSet(ANSWER_SLOT, None))  # so the form asks again next time
        else:
            text = _text(tracker)
            attendance = _button_attendance(tracker)
            metadata = tracker.latest_message.get("metadata")
            overrides = {"attendance": attendance} if attendance else None
            # "What about NA?" may read as a request; the finder keeps the rest of the last search.
            followed = finder.follow_up(text, _now(), remembered, pending, SaidAs.REQUEST, metadata, overrides)
            if followed is not None:
                outcome = followed
            else:
                outcome = finder.find(text, _now(), remembered, metadata=metadata, overrides=overrides)
        for reply in outcome.replies:
            send(dispatcher, reply)
        return resumed + _events(outcome)


class ActionMoreMeetings(CompanionAction):
    def name(self) -> str:
        return "action_more_meetings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        finder = await asyncio.to_thread(_finder, tracker)
        search, remembered = tracker.get_slot(SEARCH_SLOT), place_from_slot(tracker.get_slot(PLACE_SLOT))
        # "More online ones" changes the search; "more" alone pages through it.
        outcome = finder.follow_up(
            _text(tracker), _now(), remembered, search, SaidAs.RIGHT_AFTER, tracker.latest_message.get("metadata")
        )
        if outcome is None:
            outcome = finder.more(search, _now(), remembered)
        for reply in outcome.replies:
            send(dispatcher, reply)
        return _events(outcome)


class ActionMeetingFollowup(CompanionAction):
    """A follow-up to a meeting search, or another topic's message just after one that may be.

    The rules send the model's meeting follow-ups here, and, while a meeting search is the
    conversation's context, messages the model gave to a few other topics; those are given back
    (meeting_context false) when they are not about the meetings.
    """

    def name(self) -> str:
        return "action_meeting_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        finder = await asyncio.to_thread(_finder, tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == FOLLOWUP_INTENT:
            said_as = SaidAs.FOLLOW_UP
        else:
            said_as = SaidAs.RIGHT_AFTER if _right_after_meetings(tracker) else SaidAs.LATER
        outcome = finder.follow_up(
            _text(tracker),
            _now(),
            place_from_slot(tracker.get_slot(PLACE_SLOT)),
            tracker.get_slot(SEARCH_SLOT),
            said_as,
            tracker.latest_message.get("metadata"),
        )
        if outcome is None:
            return [SlotSet(NEEDS_PLACE_SLOT, False), SlotSet(CONTEXT_SLOT, False)]
        for reply in outcome.replies:
            send(dispatcher, reply)
        return _events(outcome)


class ActionAskMeetingPlace(Action):
    """The place form's question, worded in the center's answers."""

    def name(self) -> str:
        return f"action_ask_{ANSWER_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        send(dispatcher, book_in(tracker).render("meetings_ask_place"))
        return []


class ValidateMeetingPlaceForm(FormValidationAction):
    def name(self) -> Text:
        return f"validate_{PLACE_FORM}"

    async def validate_meeting_place_text(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value or "")
        if not text.strip():
            return {ANSWER_SLOT: None}
        # Only the place is needed here: no index to load.
        places = await asyncio.to_thread(gazetteer)
        state = book_in(tracker).program.center.address.state
        place = find_place(places, text, tracker.latest_message.get("metadata"), state, whole=True)
        if place is not None:
            return {ANSWER_SLOT: place.label, PLACE_SLOT: place_to_slot(place)}
        pending = tracker.get_slot(SEARCH_SLOT)
        if _button_attendance(tracker) == ONLINE or read_query(text).attendance == ONLINE:
            query = MeetingQuery.from_slot((pending or {}).get("query") or {})
            online = replace(query, attendance=ONLINE)
            return {ANSWER_SLOT: ONLINE, SEARCH_SLOT: {"query": online.to_slot(), "offset": 0}}
        intent = tracker.latest_message.get("intent") or {}
        if float(intent.get("confidence") or 0) >= QUESTION_CONFIDENCE:
            replies = replies_for(str(intent.get("name") or ""), book_in(tracker), tracker)
            if replies:
                for reply in replies:
                    send(dispatcher, reply)
                return {ANSWER_SLOT: None}
        send(dispatcher, book_in(tracker).render("meetings_place_unknown", text=text.strip()[:60]))
        return {ANSWER_SLOT: None}
