"""The center's answers: Jinja2 templates in ``answers.yml`` rendered against the program data.

Wording lives with the data so a center can change both without code. Every template is compiled
and test-rendered when the data loads, so a typo in a placeholder fails validation, not a chat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Union

import jinja2

from bot.program.errors import ProgramDataError
from bot.program.insurance import CarrierMatcher
from bot.program.models import OpeningHours, Program, Session, Track, Weekday
from bot.program.situations import SituationFinder


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


def clock(value: Union[dt.time, dt.datetime]) -> str:
    """6:00 pm, 9:30 am: how a person reads a time in a chat."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d} {suffix}"


def and_list(items: Iterable[Any], conjunction: str = "and") -> str:
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def days(values: Iterable[Weekday]) -> str:
    return and_list(day.title for day in values)


def timetable(sessions: Iterable[Session]) -> str:
    """Sessions grouped by time of day: 'Mon, Wed and Fri 9:30 am–12:30 pm; Sat 10:00 am–1:00 pm'."""
    by_time: Dict[tuple, List[Session]] = {}
    for session in sorted(sessions, key=lambda s: (s.day.index, s.start)):
        by_time.setdefault((session.start, session.end), []).append(session)
    return "; ".join(
        f"{and_list(s.day.title[:3] for s in group)} {clock(start)}–{clock(end)}" for (start, end), group in by_time.items()
    )


def opening_hours(hours: OpeningHours) -> str:
    """Runs of weekdays with the same hours: 'Mon–Thu 8:00 am–8:00 pm; Fri 8:00 am–5:00 pm'."""
    runs: List[List[Any]] = []  # [first day, last day, range]
    for day in Weekday:
        span = hours.for_day(day)
        if span is None:
            continue
        if runs and runs[-1][2] == span and runs[-1][1].index == day.index - 1:
            runs[-1][1] = day
        else:
            runs.append([day, day, span])
    if not runs:
        return "closed"
    return "; ".join(
        f"{first.title[:3]}{'' if first == last else '–' + last.title[:3]} {clock(span.start)}–{clock(span.end)}"
        for first, last, span in runs
    )


def sample_track(program: Program) -> Track:
    return program.tracks[0]


SampleFn = Callable[[Program], Mapping[str, Any]]

# The answers the program's own code chooses by name, and realistic values for the extra names
# each receives: the book renders every template once with them before the data goes into
# service. Each feature declares its own answers the same way (bot/<feature>/answers.py), and
# bot/answer_book.py gives the book all of them.
SAMPLES: Dict[str, SampleFn] = {
    "insurance_in_network": lambda p: {"carrier": p.insurance.carriers[0]},
    "insurance_verify": lambda p: {"carrier": p.insurance.carriers[0]},
    "insurance_not_accepted": lambda p: {"carrier": p.insurance.carriers[0]},
    "insurance_unknown": lambda p: {"carrier_text": "Acme Health"},
    "insurance_general": lambda p: {},
    "schedule_overview": lambda p: {},
    "schedule_day": lambda p: {
        "day": sample_track(p).sessions[0].day,
        "when": "on Monday",
        "matches": [(sample_track(p), sample_track(p).sessions[0])],
    },
    "schedule_day_none": lambda p: {"day": Weekday.sunday, "when": "on Sunday", "part": "", "next_day": None},
    "schedule_part_of_day": lambda p: {
        "part": "evening",
        "matches": [(sample_track(p), sample_track(p).sessions)],
    },
    "schedule_part_none": lambda p: {"part": "weekend"},
    "callback_saved": lambda p: {"first_name": "Sam", "contact": "(760) 555-0199"},
    "callback_declined": lambda p: {},
    "callback_failed": lambda p: {},
    # The first reply's notice, and long answers told short first (bot/program/replies.py).
    "notice": lambda p: {},
    "notice_after_urgent": lambda p: {},
    "notice_disclosure": lambda p: {},
    "tell_me_more": lambda p: {},
    "already_said": lambda p: {"short": "IOP is structured treatment you attend while living at home."},
    "nothing_more": lambda p: {},
}


def samples(program: Program, key: str, declared: Mapping[str, SampleFn]) -> List[Dict[str, Any]]:
    """Realistic extra values for the answer named key, to render it once each before use.

    A situation's answer may receive a holiday and a carrier named in the message, or neither.
    """
    if key in {situation.answer for situation in program.situations}:
        holidays, carriers = program.center.holidays, program.insurance.carriers
        return [
            {"holiday": None, "carrier": None},
            {"holiday": holidays[0] if holidays else None, "carrier": carriers[0]},
            {"holiday": holidays[-1] if holidays else None, "carrier": carriers[-1]},
        ]
    return [dict(declared.get(key, lambda p: {})(program))]


class AnswerBook:
    """Program data plus its compiled answers; render(key) gives a ready-to-send reply."""

    def __init__(self, program: Program, declared: Mapping[str, SampleFn], source: Path = Path("answers.yml")):
        """``declared``: every answer the code chooses by name, with its sample values (SAMPLES and
        each feature's); answers.yml must have each of them."""
        self.program = program
        env = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # chat text, not HTML: the widget escapes on display
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        env.filters.update(
            clock=clock,
            and_list=and_list,
            number=number,
            days=days,
            timetable=timetable,
            opening_hours=opening_hours,
        )
        self._base = {
            "center": program.center,
            "phone": {key: phone.display for key, phone in program.center.phones.items()},
            "levels": program.levels_of_care,
            "offered_levels": program.offered_levels,
            "iop": program.level("iop"),
            "tracks": program.tracks,
            "tracks_by_key": {track.key: track for track in program.tracks},
            "services": program.services,
            "insurance": program.insurance,
            "admissions": program.admissions,
        }
        self._templates: Dict[str, jinja2.Template] = {}
        self._shorts: Dict[str, jinja2.Template] = {}
        problems: List[str] = []
        for key, answer in program.answers.items():
            for part, text, compiled in (("text", answer.text, self._templates), ("short", answer.short, self._shorts)):
                if text is None:
                    continue
                try:
                    compiled[key] = env.from_string(text)
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(f"{source}: answers.{key}.{part}: template error on line {exc.lineno}: {exc.message}")
        missing = sorted(set(declared) - set(program.answers))
        problems.extend(f"{source}: answers.{key}: missing (the assistant needs this answer)" for key in missing)
        for key in self._templates:
            values = samples(program, key, declared)
            parts = [("text", self.render)]
            if key in self._shorts:
                parts.append(("short", self.render_short))
                values.append({})  # "Tell me more" has only the answer's name to render it from
            for sample in values:
                for part, render in parts:
                    try:
                        render(key, **sample)
                    except jinja2.TemplateError as exc:
                        problems.append(f"{source}: answers.{key}.{part}: {exc}")
        if problems:
            raise ProgramDataError(list(dict.fromkeys(problems)))

    @cached_property
    def carriers(self) -> CarrierMatcher:
        return CarrierMatcher(self.program.insurance.carriers)

    @cached_property
    def situations(self) -> SituationFinder:
        return SituationFinder(self.program.situations, self.program.center.holidays, self.carriers)

    def has(self, key: str) -> bool:
        return key in self._templates

    def has_short(self, key: str) -> bool:
        return key in self._shorts

    def render(self, key: str, **extra: Any) -> Reply:
        return self._reply(self._templates[key], key, extra)

    def render_short(self, key: str, **extra: Any) -> Reply:
        """The short version of a long answer, with the answer's own buttons."""
        return self._reply(self._shorts[key], key, extra)

    def _reply(self, template: jinja2.Template, key: str, extra: Mapping[str, Any]) -> Reply:
        text = template.render(**self._base, **extra).strip()
        buttons = [button.dict() for button in self.program.answers[key].buttons]
        return Reply(text=text, buttons=buttons)

    def keys(self) -> List[str]:
        return list(self._templates)
