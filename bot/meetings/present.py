"""What a person reads about a search and its meetings, in plain words, ready for the templates.

Times are shown as the meeting's own clock shows them (that is when the door opens or the link
goes live); an online meeting hosted in another timezone also gets the person's own time.

Every phrase built here comes from one table per language (:data:`WORDS`, keyed like
bot.program.wording's, whose clock and day names they use): the templates of answers.es.yml get
"reuniones de NA para mujeres", "el lunes en la noche", "hoy a las 7:00 p. m." where English has
"women's NA meetings", "on Monday evening", "today 7:00 pm".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.meetings.models import FELLOWSHIP_NAMES, Attendance, Fellowship, Meeting
from bot.meetings.query import TWELVE_STEP, MeetingQuery, When
from bot.meetings.search import Hit
from bot.meetings.types import type_names
from bot.program.wording import ENGLISH, SPANISH, WORDINGS, Wording


@dataclass(frozen=True)
class Words:
    """The finder's phrases in one language. Formats take ``{day}``, ``{time}``, ``{end}`` and
    ``{las}`` (Spanish "la" before one o'clock, "las" before any other hour)."""

    wording: Wording  # clock and day names
    meetings: str  # the noun of the summary line
    order: Tuple[str, ...]  # of "attendance", "adjectives", "fellowship", "noun" in the summary
    fellowship: str  # format of the fellowship words there
    twelve_step: str
    or_word: str
    attendance: Dict[str, str]  # the query's attendance, in the summary
    adjectives: Dict[str, str]  # types that read well in the summary; the others follow in brackets
    starting_now: str
    today: str
    tomorrow: str
    yesterday: str
    today_parts: Dict[str, str]  # "this morning"
    tomorrow_parts: Dict[str, str]  # "tomorrow morning"
    on_day: str  # "on Monday"
    day_parts: Dict[str, str]  # after a weekday: " morning"
    this_weekend: str
    weekend_parts: Dict[str, str]  # after the weekend: " (morning)"
    any_day_parts: Dict[str, str]  # "in the morning"
    around: str
    next_7_days: str
    months: Tuple[str, ...]  # abbreviated, January first
    date: str  # a day more than a day away: takes {weekday}, {day} and {month}
    at_time: str  # a meeting's start: "today 7:00 pm"
    span: str  # its start and end: "today 7:00 pm to 8:00 pm"
    elsewhere: str  # the person's time and the host's: takes {time}, {zone}, {own}, {own_zone}
    under_a_mile: str
    miles: str  # takes {miles}
    attendance_labels: Dict[Attendance, str]  # how a meeting meets
    fellowship_names: Dict[Fellowship, str]

    def article(self, shown: str) -> str:
        """Spanish "la 1:00", "las 7:00": the article before a time as shown."""
        return "la" if shown.startswith("1:") else "las"

    def phrase(self, template: str, **values: str) -> str:
        return template.format(las=self.article(values.get("time", "")), **values)


_PARTS = ("morning", "noon", "afternoon", "evening", "night", "tonight")

WORDS: Dict[str, Words] = {
    ENGLISH: Words(
        wording=WORDINGS[ENGLISH],
        meetings="meetings",
        order=("attendance", "adjectives", "fellowship", "noun"),
        fellowship="{}",
        twelve_step="12-step",
        or_word="or",
        attendance={"online": "online", "hybrid": "hybrid", "in_person": "in-person"},
        adjectives={
            "women": "women's",
            "men": "men's",
            "lgbtq": "LGBTQ+",
            "young_people": "young people's",
            "open": "open",
            "closed": "closed",
            "beginners": "newcomers'",
            "speaker": "speaker",
            "discussion": "discussion",
            "step_study": "step study",
            "big_book": "Big Book",
            "spanish": "Spanish-language",
        },
        starting_now="starting now or within the hour",
        today="today",
        tomorrow="tomorrow",
        yesterday="yesterday",
        today_parts=dict(
            zip(_PARTS, ("this morning", "today around midday", "this afternoon", "this evening", "late tonight", "tonight"))
        ),
        tomorrow_parts=dict(
            zip(
                _PARTS,
                (
                    "tomorrow morning",
                    "tomorrow midday",
                    "tomorrow afternoon",
                    "tomorrow evening",
                    "tomorrow late",
                    "tomorrow evening",
                ),
            )
        ),
        on_day="on {day}",
        day_parts=dict(zip(_PARTS, (" morning", " midday", " afternoon", " evening", " late", ""))),
        this_weekend="this weekend",
        weekend_parts=dict(zip(_PARTS, (" (morning)", " (midday)", " (afternoon)", " (evening)", " (late)", " (tonight)"))),
        any_day_parts=dict(
            zip(_PARTS, ("in the morning", "around midday", "in the afternoon", "in the evening", "late at night", "tonight"))
        ),
        around="around {time}",
        next_7_days="in the next 7 days",
        months=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        date="{weekday}, {month} {day}",
        at_time="{day} {time}",
        span="{day} {time} to {end}",
        elsewhere="{time} {zone} ({own} {own_zone} where it is hosted)",
        under_a_mile="under 1 mile",
        miles="{miles} miles",
        attendance_labels={attendance: attendance.label for attendance in Attendance},
        fellowship_names=dict(FELLOWSHIP_NAMES),
    ),
    SPANISH: Words(
        wording=WORDINGS[SPANISH],
        meetings="reuniones",
        order=("noun", "fellowship", "adjectives", "attendance"),
        fellowship="de {}",
        twelve_step="12 pasos",
        or_word="o",
        attendance={"online": "en línea", "hybrid": "híbridas", "in_person": "presenciales"},
        adjectives={
            "women": "para mujeres",
            "men": "para hombres",
            "lgbtq": "LGBTQ+",
            "young_people": "para jóvenes",
            "open": "abiertas",
            "closed": "cerradas",
            "beginners": "para principiantes",
            "speaker": "de oradores",
            "discussion": "de discusión",
            "step_study": "de estudio de los pasos",
            "big_book": "del Libro Grande",
            "spanish": "en español",
        },
        starting_now="ahora o dentro de la próxima hora",
        today="hoy",
        tomorrow="mañana",
        yesterday="ayer",
        today_parts=dict(
            zip(_PARTS, ("esta mañana", "hoy al mediodía", "esta tarde", "esta noche", "hoy tarde en la noche", "esta noche"))
        ),
        tomorrow_parts=dict(
            zip(
                _PARTS,
                (
                    "mañana en la mañana",
                    "mañana al mediodía",
                    "mañana en la tarde",
                    "mañana en la noche",
                    "mañana tarde en la noche",
                    "mañana en la noche",
                ),
            )
        ),
        on_day="el {day}",
        day_parts=dict(
            zip(_PARTS, (" en la mañana", " al mediodía", " en la tarde", " en la noche", " tarde en la noche", " en la noche"))
        ),
        this_weekend="este fin de semana",
        weekend_parts=dict(
            zip(
                _PARTS,
                (
                    " (en la mañana)",
                    " (al mediodía)",
                    " (en la tarde)",
                    " (en la noche)",
                    " (tarde en la noche)",
                    " (en la noche)",
                ),
            )
        ),
        any_day_parts=dict(
            zip(_PARTS, ("en la mañana", "al mediodía", "en la tarde", "en la noche", "tarde en la noche", "esta noche"))
        ),
        around="alrededor de {las} {time}",
        next_7_days="en los próximos 7 días",
        months=("ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."),
        date="{weekday} {day} de {month}",
        at_time="{day} a {las} {time}",
        span="{day} de {time} a {end}",
        elsewhere="{time} {zone} ({own} {own_zone}, hora de donde se organiza)",
        under_a_mile="menos de 1 milla",
        miles="{miles} millas",
        attendance_labels={
            Attendance.in_person: "en persona",
            Attendance.online: "en línea",
            Attendance.hybrid: "en persona y en línea",
        },
        fellowship_names={
            Fellowship.aa: "Alcohólicos Anónimos",
            Fellowship.na: "Narcóticos Anónimos",
            Fellowship.ca: "Cocaína Anónimos",
            Fellowship.ma: "Marihuana Anónimos",
            Fellowship.cma: "Crystal Meth Anónimos",
            Fellowship.ha: "Heroína Anónimos",
            Fellowship.smart: "SMART Recovery",
            Fellowship.al_anon: "Al-Anon (para familiares y amigos)",
            Fellowship.nar_anon: "Nar-Anon (para familiares y amigos)",
            Fellowship.celebrate_recovery: "Celebremos la Recuperación",
            Fellowship.recovery_dharma: "Recovery Dharma",
            Fellowship.lifering: "LifeRing Secular Recovery",
        },
    ),
}


def words_in(language: str) -> Words:
    """The finder's phrases in a language (bot.program.wording's codes); English for one we lack."""
    return WORDS.get(language, WORDS[ENGLISH])


def zone_abbreviation(value: dt.datetime) -> str:
    return value.tzname() or ""


def day_label(start_local: dt.datetime, today: dt.date, language: str = ENGLISH) -> str:
    """'today', 'tomorrow', or 'Saturday, Nov 28' ('sábado 28 de nov.') relative to the person's own date."""
    words = words_in(language)
    days = (start_local.date() - today).days
    if days == 0:
        return words.today
    if days == 1:
        return words.tomorrow
    if days == -1:
        return words.yesterday  # a meeting in progress that began before the person's midnight
    return words.date.format(
        weekday=words.wording.day_names[start_local.weekday()],
        month=words.months[start_local.month - 1],
        day=start_local.day,
    )


def fellowship_words(fellowships: "frozenset[Fellowship]", language: str = ENGLISH) -> str:
    if not fellowships:
        return ""
    words = words_in(language)
    if fellowships == TWELVE_STEP:
        return words.twelve_step
    names = sorted(f.value for f in fellowships)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {words.or_word} " + names[-1]


def when_words(when: When, language: str = ENGLISH) -> str:
    words = words_in(language)
    if when.now:
        return words.starting_now
    parts: List[str] = []
    part = when.part
    if when.relative_day == 0:
        parts.append(words.today_parts[part] if part else words.today)
    elif when.relative_day == 1:
        parts.append(words.tomorrow_parts[part] if part else words.tomorrow)
    elif when.weekday is not None:
        day = words.on_day.format(day=words.wording.day_names[when.weekday])
        parts.append(day + (words.day_parts[part] if part else ""))
    elif when.weekend:
        parts.append(words.this_weekend + (words.weekend_parts[part] if part else ""))
    elif part:
        parts.append(words.any_day_parts[part])
    if when.clock is not None:
        shown = words.wording.clock(when.clock)
        parts.append(words.phrase(words.around, time=shown.split()[0] if when.clock_ambiguous else shown))
    return " ".join(parts) or words.next_7_days


def describe(query: MeetingQuery, language: str = ENGLISH) -> str:
    """'NA women's meetings' ('reuniones de NA para mujeres') — what was asked for, for the reply's first line."""
    words = words_in(language)
    fellowship = fellowship_words(query.fellowships, language)
    pieces = {
        "attendance": words.attendance.get(query.attendance or "", ""),
        "adjectives": " ".join(words.adjectives[key] for key in sorted(query.types) if key in words.adjectives),
        "fellowship": words.fellowship.format(fellowship) if fellowship else "",
        "noun": words.meetings,
    }
    text = " ".join(pieces[name] for name in words.order if pieces[name])
    names = type_names(language)
    kinds = [names.get(key, key) for key in sorted(query.types) if key not in words.adjectives]
    if kinds:
        text += " (" + ", ".join(kinds) + ")"
    return text


@dataclass(frozen=True)
class MeetingView:
    """One meeting, every field already worded for a chat message."""

    name: str
    fellowship: str
    when: str  # "today 7:00 pm" or "today 12:00 pm PT (3:00 pm ET where it is hosted)"
    attendance: str
    distance: Optional[str]
    place: Optional[str]  # venue and address
    join_url: Optional[str]
    join_phone: Optional[str]
    types: str
    notes: Optional[str]


def _without_blank_lines(text: Optional[str]) -> Optional[str]:
    """The notes as given, but a blank line would split the chat message in two (Rasa does that)."""
    if text is None:
        return None
    return re.sub(r"\n\s*\n+", "\n", text.strip())


def view(hit: Hit, person_zone: ZoneInfo, today: dt.date, language: str = ENGLISH) -> MeetingView:
    words = words_in(language)
    clock = words.wording.clock
    meeting: Meeting = hit.meeting
    own = hit.start.astimezone(meeting.zone)
    mine = hit.start.astimezone(person_zone)
    day = day_label(mine, today, language)
    time = clock(own)
    elsewhere = own.utcoffset() != mine.utcoffset()
    if elsewhere:
        time = words.elsewhere.format(
            time=clock(mine), zone=zone_abbreviation(mine), own=clock(own), own_zone=zone_abbreviation(own)
        )
    if meeting.end is not None:
        end = hit.start + meeting.duration
        when = words.phrase(words.span, day=day, time=time, end=clock(end.astimezone(person_zone if elsewhere else meeting.zone)))
    else:
        when = words.phrase(words.at_time, day=day, time=time)
    place = None
    if meeting.attendance.has_room:
        address = ", ".join(part for part in (meeting.address, meeting.city) if part)
        place = " · ".join(part for part in (meeting.location, address) if part) or None
    distance = None
    if hit.distance_miles is not None and meeting.attendance.has_room:
        distance = words.under_a_mile if hit.distance_miles < 0.95 else words.miles.format(miles=f"{hit.distance_miles:.1f}")
    names = type_names(language)
    return MeetingView(
        name=meeting.name,
        fellowship=meeting.fellowship.value,
        when=when,
        attendance=words.attendance_labels[meeting.attendance],
        distance=distance,
        place=place,
        join_url=meeting.conference_url if meeting.attendance.has_link else None,
        join_phone=meeting.conference_phone if meeting.attendance.has_link else None,
        types=", ".join(names[key] for key in meeting.types if key in names),
        notes=_without_blank_lines(meeting.notes),
    )
