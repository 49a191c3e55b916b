"""An enrolled client's own groups: "when is my next group?", "what time is group tomorrow?".

Answers come from the client's track in the center's timezone (bot/program/occurrences.py), so
they are right across week ends and clock changes whatever the server's zone. The day is worded
in the answer book's language: "tomorrow (Tuesday)" or "mañana (martes)".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from bot.program import schedule
from bot.program.answers import AnswerBook, Reply
from bot.program.models import Track
from bot.program.occurrences import Occurrence, local_today, next_occurrence, on_date
from bot.program.wording import ENGLISH, SPANISH, WORDINGS

# A date a week or more away: "on Thursday, December 17", "el jueves 17 de diciembre".
_MONTHS = {
    ENGLISH: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    SPANISH: (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}
_DATE = {ENGLISH: "{weekday}, {month} {day}", SPANISH: "{weekday} {day} de {month}"}


def day_words(day: dt.date, today: dt.date, language: str = ENGLISH) -> str:
    """How a person says a date relative to today: 'today', 'tomorrow (Tuesday)', 'on Thursday';
    in Spanish 'hoy', 'mañana (martes)', 'el jueves'."""
    if language not in _DATE:
        language = ENGLISH
    words = schedule.words_in(language)
    weekday = WORDINGS[language].day_names[day.weekday()]
    delta = (day - today).days
    if delta == 0:
        return words.relative["today"]
    if delta == 1:
        return words.relative_day.format(relative=words.relative["tomorrow"], day=weekday)
    on_day = _DATE[language].format(weekday=weekday, month=_MONTHS[language][day.month - 1], day=day.day)
    return words.on_day.format(day=weekday if 1 < delta < 7 else on_day)


def _dates_asked(text: str, now_local: dt.datetime) -> Tuple[List[dt.date], bool]:
    """The dates a question names (a relative day, or the coming weekday: today counts), and
    whether it said "today" in so many words."""
    question = schedule.read_question(text, now_local)
    today = now_local.date()
    dates = []
    for day in question.days:
        offset = (day.index - today.weekday()) % 7
        if question.relative == "tomorrow":
            offset = 1
        dates.append(today + dt.timedelta(days=offset))
    return dates, question.relative == "today"


def _context(
    track: Track, now: dt.datetime, zone: Any, after: Optional[dt.date] = None, language: str = ENGLISH, **extra: Any
) -> Dict[str, Any]:
    """The values every answer uses; the next group is the first after `after` (a day asked about) or now."""
    today = local_today(now, zone)
    start = now
    if after is not None and after >= today:
        start = max(now, dt.datetime.combine(after + dt.timedelta(days=1), dt.time(), tzinfo=zone))
    following = next_occurrence(track, start, zone, include_in_progress=False)
    return {
        "track": track,
        "following": following,
        "following_when": day_words(following.start.date(), today, language),
        **extra,
    }


def answer(book: AnswerBook, track: Track, text: str, now: dt.datetime) -> Reply:
    """The client's groups on the day asked about, or else the next one (or the one on now)."""
    zone = book.program.center.zone
    now = now.astimezone(dt.timezone.utc)  # compared in absolute time, never on the center's clock face
    now_local = now.astimezone(zone)
    today = now_local.date()
    dates, said_today = _dates_asked(text, now_local)
    if dates:
        day = dates[0]
        occurrences = [o for o in on_date(track, day, zone) if o.end > now]
        if day == today and not occurrences and not said_today:
            # "Group on Thursday?" asked on Thursday after it ended means next Thursday.
            day += dt.timedelta(days=7)
            occurrences = on_date(track, day, zone)
        return book.render(
            "next_group_day",
            **_context(
                track,
                now,
                zone,
                after=day,
                language=book.language,
                when=day_words(day, today, book.language),
                occurrences=occurrences,
            ),
        )
    current = next_occurrence(track, now, zone, include_in_progress=True)
    in_progress: Optional[Occurrence] = current if current.in_progress_at(now) else None
    context = _context(track, now, zone, language=book.language, current=in_progress)
    context["when"] = context["following_when"]
    return book.render("next_group", **context)


def visitor_answer(book: AnswerBook, identity: str, general: bool = True) -> Reply:
    """For a chat with no verified client: why there is no personal answer, and the general schedule."""
    return book.render("client_not_known", identity=identity, general=general)
