"""Answers about the meetings just listed, from their own data ("is the first one wheelchair
accessible?", "where is the second one?", "which ones are online?").

A type the listing carries is a yes; its opposite (closed for open, another language) is a no;
anything else is what it is: the listing does not say, and the answer says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.meetings.followup import Question
from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.present import view, words_in
from bot.meetings.search import Hit, MeetingIndex
from bot.meetings.types import BROADER, IN_PERSON_ONLY, LANGUAGES, OPPOSITES, type_names
from bot.program.answers import AnswerBook, Reply
from bot.program.wording import ENGLISH

# Aspects answered yes, no or "the listing doesn't say", for one meeting or for all listed.
_CHECKS = ("type", "fellowship", "attendance")


def shown_hits(index: MeetingIndex, search: Optional[Dict[str, Any]]) -> List[Optional[Hit]]:
    """The meetings on screen, in order; None for one a refresh has dropped since."""
    hits: List[Optional[Hit]] = []
    for item in (search or {}).get("shown") or []:
        try:
            meeting = index.get(str(item["id"]))
            start = dt.datetime.fromisoformat(str(item["start"]))
            miles = None if item.get("miles") is None else float(item["miles"])
        except (KeyError, TypeError, ValueError):
            meeting = None
        hits.append(Hit(meeting, start, miles) if meeting is not None else None)
    return hits


def _has_type(meeting: Meeting, key: str) -> bool:
    return key in meeting.types or any(BROADER.get(own) == key for own in meeting.types)


def check(meeting: Meeting, aspect: str, language: str = ENGLISH) -> Dict[str, Any]:
    """A yes/no aspect ("type:wheelchair", "fellowship:NA", "attendance:online") of one meeting:
    answer (yes, no, unknown, online_only), what was asked and, for a no, what it is instead,
    worded in ``language``."""
    words = words_in(language)
    kind, _, value = aspect.partition(":")
    if kind == "fellowship":
        fellowship = Fellowship(value)
        name = words.fellowship_names[meeting.fellowship]
        listed = name if name.startswith(meeting.fellowship.value) else f"{name} ({meeting.fellowship.value})"
        return {"answer": "yes" if meeting.fellowship is fellowship else "no", "asked": fellowship.value, "listed": listed}
    if kind == "attendance":
        attendance = Attendance(value)
        has = {
            Attendance.online: meeting.attendance.has_link,
            Attendance.in_person: meeting.attendance.has_room,
            Attendance.hybrid: meeting.attendance is Attendance.hybrid,
        }[attendance]
        labels = words.attendance_labels
        return {"answer": "yes" if has else "no", "asked": labels[attendance], "listed": labels[meeting.attendance]}
    names = type_names(language)
    asked = names.get(value, value)
    if _has_type(meeting, value):
        return {"answer": "yes", "asked": asked, "listed": asked}
    if value in IN_PERSON_ONLY and not meeting.attendance.has_room:
        return {"answer": "online_only", "asked": asked, "listed": None}
    others = [OPPOSITES[value]] if value in OPPOSITES else sorted(LANGUAGES) if value in LANGUAGES else []
    instead = next((key for key in others if _has_type(meeting, key)), None)
    if instead is not None:
        return {"answer": "no", "asked": asked, "listed": names[instead]}
    return {"answer": "unknown", "asked": asked, "listed": None}


def answer_question(
    book: AnswerBook, question: Question, hits: Sequence[Optional[Hit]], today: dt.date, zone: ZoneInfo
) -> List[Reply]:
    if not hits:
        return [book.render("meeting_detail_no_list")]
    reference = question.reference
    if reference.plural:
        checks = [aspect for aspect in question.aspects if aspect.partition(":")[0] in _CHECKS]
        if not checks:
            return [book.render("meeting_detail_which", count=len(hits))]
        return [_answer_for_all(book, aspect, hits) for aspect in checks]
    index = reference.index
    if index is None:
        if len(hits) != 1:
            return [book.render("meeting_detail_which", count=len(hits))]
        index = 0
    if not -len(hits) <= index < len(hits):
        return [book.render("meeting_detail_which", count=len(hits))]
    hit = hits[index]
    if hit is None:
        return [book.render("meeting_detail_gone")]
    shown = view(hit, zone, today, book.language)
    aspects = [aspect for aspect in question.aspects if aspect != "all"]
    if not aspects:
        return [book.render("meeting_item", meeting=shown)]
    replies = []
    for aspect in aspects:
        kind = aspect.partition(":")[0]
        values = (
            check(hit.meeting, aspect, book.language)
            if kind in _CHECKS
            else {"answer": "yes" if hit.meeting.end else None, "asked": None, "listed": None}
        )
        replies.append(book.render("meeting_detail", aspect=kind, meeting=shown, **values))
    return replies


def _answer_for_all(book: AnswerBook, aspect: str, hits: Sequence[Optional[Hit]]) -> Reply:
    found: Dict[str, List[str]] = {"yes": [], "no": [], "unknown": []}
    asked = ""
    for hit in hits:
        if hit is None:
            continue
        values = check(hit.meeting, aspect, book.language)
        asked = values["asked"]
        found["no" if values["answer"] == "online_only" else values["answer"]].append(hit.meeting.name)
    return book.render("meeting_detail_list", aspect=aspect.partition(":")[0], asked=asked, **found)
