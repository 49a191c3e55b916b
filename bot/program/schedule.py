"""Answer schedule questions ("evening groups?", "group on thursday?", "what time tomorrow?").

The question is read for weekdays, relative days (today, tonight, tomorrow) and parts of the day,
in English or Spanish ("¿hay grupo el lunes?", "¿a qué hora es el grupo de la noche?");
relative days are resolved in the center's timezone, whatever the server's clock says. The
phrases built here ("on Monday", "tomorrow (Thursday)", "evening") come from one table per
language (:data:`WORDS`), chosen by the answer book's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from bot.program.answers import AnswerBook, Reply
from bot.program.models import Program, Session, Track, Weekday
from bot.program.timewords import PARTS, TODAY, TOMORROW, weekdays_in
from bot.program.wording import ENGLISH, SPANISH, WORDINGS, Wording

INTENT = "ask_schedule"


@dataclass(frozen=True)
class ScheduleWords:
    """The schedule's phrases in one language; the templates put them in their sentences."""

    wording: Wording  # day names
    relative: Dict[str, str]  # "today", "tomorrow"
    relative_day: str  # "tomorrow (Thursday)": takes {relative} and {day}
    on_day: str  # "on Thursday": takes {day}
    parts: Dict[str, str]  # a part of the day as the templates use it: "our evening groups"
    track: str  # a track's name before the part: "Adult Evening IOP evening groups"


WORDS: Dict[str, ScheduleWords] = {
    ENGLISH: ScheduleWords(
        wording=WORDINGS[ENGLISH],
        relative={"today": "today", "tomorrow": "tomorrow"},
        relative_day="{relative} ({day})",
        on_day="on {day}",
        parts={"morning": "morning", "afternoon": "afternoon", "evening": "evening", "weekend": "weekend"},
        track="{}",
    ),
    SPANISH: ScheduleWords(
        wording=WORDINGS[SPANISH],
        relative={"today": "hoy", "tomorrow": "mañana"},
        relative_day="{relative} ({day})",
        on_day="el {day}",
        parts={"morning": "de la mañana", "afternoon": "de la tarde", "evening": "de la noche", "weekend": "de fin de semana"},
        track="del {}",
    ),
}


def words_in(language: str) -> ScheduleWords:
    """The schedule's phrases in a language (bot.program.wording's codes); English for one we lack."""
    return WORDS.get(language, WORDS[ENGLISH])


@dataclass(frozen=True)
class ScheduleQuestion:
    days: Tuple[Weekday, ...] = ()
    relative: Optional[str] = None  # "today" or "tomorrow" when the day was given that way
    part: Optional[str] = None


def part_of_day(session: Session) -> str:
    if session.start.hour < 12:
        return "morning"
    return "afternoon" if session.start.hour < 17 else "evening"


def _session_matches(session: Session, part: Optional[str]) -> bool:
    if part is None:
        return True
    if part == "weekend":
        return session.day in (Weekday.saturday, Weekday.sunday)
    return part_of_day(session) == part


def read_question(text: str, now: dt.datetime) -> ScheduleQuestion:
    """now must be the current time in the center's timezone."""
    lowered = text.casefold()
    days: List[Weekday] = []
    relative = None
    if TOMORROW.search(lowered):
        days.append(list(Weekday)[(now.weekday() + 1) % 7])
        relative = "tomorrow"
    elif TODAY.search(lowered):
        days.append(list(Weekday)[now.weekday()])
        relative = "today"
    for index in weekdays_in(lowered):
        if list(Weekday)[index] not in days:
            days.append(list(Weekday)[index])
    part = next((name for name, pattern in PARTS.items() if pattern.search(lowered)), None)
    if part == "weekend" and days:
        part = None  # "saturday this weekend": the day is the question
    return ScheduleQuestion(days=tuple(days), relative=relative if len(days) == 1 else None, part=part)


def sessions_on(
    program: Program, day: Weekday, part: Optional[str], track: Optional[Track] = None
) -> List[Tuple[Track, Session]]:
    """The sessions on a day, at a part of the day, of one track when given, earliest first."""
    found = [
        (t, session)
        for t in program.tracks
        if track is None or t.key == track.key
        for session in t.sessions
        if session.day == day and _session_matches(session, part)
    ]
    return sorted(found, key=lambda item: item[1].start)


def _next_day_with_sessions(program: Program, after: Weekday, part: Optional[str], track: Optional[Track]) -> Optional[Weekday]:
    for offset in range(1, 8):
        day = list(Weekday)[(after.index + offset) % 7]
        if sessions_on(program, day, part, track):
            return day
    return None


def _when(question: ScheduleQuestion, day: Weekday, words: ScheduleWords) -> str:
    name = words.wording.day(day)
    if question.relative:
        return words.relative_day.format(relative=words.relative[question.relative], day=name)
    return words.on_day.format(day=name)


def day_replies(book: AnswerBook, question: ScheduleQuestion, track: Optional[Track] = None) -> List[Reply]:
    """The groups on each day asked about (of one track when given), or the next day with some."""
    program = book.program
    words = words_in(book.language)
    replies = []
    for day in question.days:
        matches = sessions_on(program, day, question.part, track)
        when = _when(question, day, words)
        if matches:
            replies.append(book.render("schedule_day", day=day, when=when, matches=matches))
            continue
        named = (
            words.track.format(book.worded(track).name) if track else "",
            words.parts[question.part] if question.part else "",
        )
        part = " ".join(p for p in named if p)
        next_day = _next_day_with_sessions(program, day, question.part, track)
        replies.append(book.render("schedule_day_none", day=day, when=when, part=part, next_day=next_day))
    return replies


def answer(book: AnswerBook, text: str, now: dt.datetime) -> List[Reply]:
    # "Group on Labor Day?": a special situation (situations.yml) before the weekly timetable.
    situation = book.situations.find(text, INTENT)
    if situation is not None:
        return [book.render(situation.answer, **situation.context)]
    program = book.program
    question = read_question(text, now.astimezone(program.center.zone))
    if question.days:
        return day_replies(book, question)
    if question.part:
        matches = []
        for track in program.tracks:
            sessions = [s for s in track.sessions if _session_matches(s, question.part)]
            if sessions:
                matches.append((track, sessions))
        part = words_in(book.language).parts[question.part]
        if matches:
            return [book.render("schedule_part_of_day", part=part, matches=matches)]
        return [book.render("schedule_part_none", part=part)]
    return [book.render("schedule_overview")]
