"""An enrolled client's own groups and group reminders.

Thin: the logic is bot.clients (schedule, reminders). Who the client is comes from the channel's
verdict on the message's token (actions.common.identity_of); a reminder firing carries the client
id, which is trusted only for a conversation already linked to that client.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, ReminderCancelled, ReminderScheduled
from rasa_sdk.executor import CollectingDispatcher

from actions.common import CompanionAction, client_identity, identity_of, log, resources, send
from bot.clients import reminders, schedule
from bot.program.occurrences import local_today

REMINDER_ENTITY = "group_reminder"  # minutes before the group
CLIENT_ENTITY = "reminder_client"
GROUP_ENTITY = "group_at"  # the group's start (ISO 8601, UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return str(entity["value"])
    return None


def _reminder(tracker: Tracker, client_id: str, lead: dt.timedelta, plan: reminders.Plan) -> ReminderScheduled:
    return ReminderScheduled(
        "ask_next_group",
        trigger_date_time=plan.at,
        entities=[
            {"entity": REMINDER_ENTITY, "value": str(int(lead.total_seconds() // 60))},
            {"entity": CLIENT_ENTITY, "value": client_id},
            {"entity": GROUP_ENTITY, "value": plan.occurrence.start.astimezone(dt.timezone.utc).isoformat()},
        ],
        name=reminders.reminder_name(tracker.sender_id),
        kill_on_user_message=False,
    )


class ActionAnswerNextGroup(CompanionAction):
    """'When is my next group?' for a verified client; the general schedule and why for anyone else.
    Also what a group reminder says when it fires (the reminder triggers this intent)."""

    def name(self) -> str:
        return "action_answer_next_group"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        minutes = _entity(tracker, REMINDER_ENTITY)
        if minutes is not None:
            return self._remind(dispatcher, tracker, minutes)
        who = identity_of(tracker)
        if who.track is None:
            send(dispatcher, schedule.visitor_answer(self.book_for(tracker), who.status))
            return []
        text = tracker.latest_message.get("text") or ""
        send(dispatcher, schedule.answer(self.book_for(tracker), who.track, "" if text.startswith("/") else text, _now()))
        return []

    def _remind(self, dispatcher: CollectingDispatcher, tracker: Tracker, minutes: str) -> List[EventType]:
        client_id = _entity(tracker, CLIENT_ENTITY) or ""
        if not (client_id and minutes.isdigit() and resources().clients.is_linked(tracker.sender_id, client_id)):
            log.warning("group reminder ignored: not a client of this conversation")
            return []
        who = client_identity(client_id)
        if who.track is None or who.client is None:
            return []  # removed since: the chain of reminders ends here
        now = _now()
        zone = self.book_for(tracker).program.center.zone
        lead = dt.timedelta(minutes=int(minutes))
        try:
            group_at = dt.datetime.fromisoformat(_entity(tracker, GROUP_ENTITY) or "")
        except ValueError:
            group_at = now
        group = reminders.group_reminded(who.track, zone, group_at, now) if group_at.tzinfo else None
        # The next reminder is for a group after this one, whatever happened to this one.
        following = _reminder(tracker, who.client.id, lead, reminders.next_reminder(who.track, max(now, group_at), zone, lead))
        if group is None:
            log.info("a group reminder for a group no longer ahead was skipped; the next one is scheduled")
            return [following]
        send(
            dispatcher,
            self.book_for(tracker).render(
                "reminder_due",
                client=who.client,
                track=who.track,
                following=group,
                when=schedule.day_words(group.start.date(), local_today(now, zone), self.book_for(tracker).language),
                lead=reminders.words(group.start - now + dt.timedelta(seconds=30)),
            ),
        )
        return [following]


class ActionSetGroupReminder(CompanionAction):
    """'Remind me an hour before group': a Rasa reminder before the next group, renewed each time."""

    def name(self) -> str:
        return "action_set_group_reminder"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        who = identity_of(tracker)
        if who.track is None:
            send(dispatcher, schedule.visitor_answer(self.book_for(tracker), who.status, general=False))
            return []
        try:
            lead = reminders.parse_lead(tracker.latest_message.get("text") or "")
        except reminders.LeadError as exc:
            dispatcher.utter_message(text=str(exc))
            return []
        assert who.client is not None
        now = _now()
        zone = self.book_for(tracker).program.center.zone
        plan = reminders.next_reminder(who.track, now, zone, lead)
        send(
            dispatcher,
            self.book_for(tracker).render(
                "reminder_set",
                lead=reminders.words(lead),
                when=schedule.day_words(plan.at.date(), local_today(now, zone), self.book_for(tracker).language),
                at=plan.at,
                following=plan.occurrence,
            ),
        )
        return [_reminder(tracker, who.client.id, lead, plan)]


class ActionCancelGroupReminder(CompanionAction):
    def name(self) -> str:
        return "action_cancel_group_reminder"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        send(dispatcher, self.book_for(tracker).render("reminder_cancelled"))
        return [ReminderCancelled(name=reminders.reminder_name(tracker.sender_id))]
