"""The center's answers: Jinja2 templates in ``answers.yml`` rendered against the program data.

Wording lives with the data so a center can change both without code. Every template is compiled
and test-rendered when the data loads, so a typo in a placeholder fails validation, not a chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

import jinja2
from pydantic import BaseModel

from bot.program.errors import ProgramDataError
from bot.program.insurance import CarrierMatcher
from bot.program.models import Answer, Program, Track, Weekday
from bot.program.situations import SituationFinder
from bot.program.translation import counterparts
from bot.program.wording import ENGLISH, WORDINGS


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


# The English wording's filters, for code that formats a time or a list outside a template.
_ENGLISH = WORDINGS[ENGLISH]
clock = _ENGLISH.clock
and_list = _ENGLISH.and_list
days = _ENGLISH.days
timetable = _ENGLISH.timetable
opening_hours = _ENGLISH.opening_hours


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
    "insurance_not_accepted_copay": lambda p: {"carrier": p.insurance.carriers[0]},
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
    # What is wrong with a callback form answer (bot/leads/form.py raises them by name).
    "callback_invalid_first_name": lambda p: {},
    "callback_invalid_phone": lambda p: {},
    "callback_invalid_contact": lambda p: {},
    "callback_invalid_empty": lambda p: {},
    "callback_invalid_long": lambda p: {"limit": 120},
    "callback_invalid_consent": lambda p: {},
    "callback_failed": lambda p: {},
    # The first reply's notice, and long answers told short first (bot/program/replies.py).
    "notice": lambda p: {},
    "notice_after_urgent": lambda p: {},
    "notice_disclosure": lambda p: {},
    "tell_me_more": lambda p: {},
    "already_said": lambda p: {"short": "IOP is structured treatment you attend while living at home."},
    "nothing_more": lambda p: {},
    # A message the model was unsure of: its likeliest answers as buttons (bot/program/suggestions.py).
    "did_you_mean": lambda p: {},
    "topics": lambda p: {},
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

    def __init__(
        self,
        program: Program,
        declared: Mapping[str, SampleFn],
        source: Path = Path("answers.yml"),
        language: str = ENGLISH,
    ):
        """``declared``: every answer the code chooses by name, with its sample values (SAMPLES and
        each feature's); answers.yml must have each of them. ``language``: English renders
        answers.yml, another language its translation (answers.<language>.yml)."""
        self.program = program  # what the code reasons on: the same objects in every language
        self.language = language
        # What the templates show: the data worded in this language, each object paired with its
        # English counterpart so that a track or carrier the code chose is shown in this language.
        self.facts = program.in_language(language)
        self._worded = counterparts(program, self.facts) if self.facts is not program else {}
        self._answers: Dict[str, Answer] = program.answers if language == ENGLISH else program.translations[language]
        self._family: Dict[str, "AnswerBook"] = {language: self}  # this book in every language, shared
        env = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # chat text, not HTML: the widget escapes on display
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        env.filters.update(WORDINGS[language].filters())
        facts = self.facts
        self._base = {
            "center": facts.center,
            "phone": {key: phone.display for key, phone in facts.center.phones.items()},
            "levels": facts.levels_of_care,
            "offered_levels": facts.offered_levels,
            "iop": facts.level("iop"),
            "tracks": facts.tracks,
            "tracks_by_key": {track.key: track for track in facts.tracks},
            "services": facts.services,
            "insurance": facts.insurance,
            "admissions": facts.admissions,
        }
        self._templates: Dict[str, jinja2.Template] = {}
        self._shorts: Dict[str, jinja2.Template] = {}
        problems: List[str] = []
        for key, answer in self._answers.items():
            for part, text, compiled in (("text", answer.text, self._templates), ("short", answer.short, self._shorts)):
                if text is None:
                    continue
                try:
                    compiled[key] = env.from_string(text)
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(f"{source}: answers.{key}.{part}: template error on line {exc.lineno}: {exc.message}")
        missing = sorted(set(declared) - set(self._answers))
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

    def worded(self, value: Any) -> Any:
        """value with every piece of program data in it (a track, a carrier, a holiday, also inside
        lists, tuples and dicts) replaced by the same piece worded in this book's language."""
        if not self._worded:
            return value
        if isinstance(value, BaseModel):
            return self._worded.get(id(value), value)
        if isinstance(value, (list, tuple)):
            return type(value)(self.worded(item) for item in value)
        if isinstance(value, dict):
            return {name: self.worded(item) for name, item in value.items()}
        return value

    def _reply(self, template: jinja2.Template, key: str, extra: Mapping[str, Any]) -> Reply:
        text = template.render(**self._base, **{name: self.worded(value) for name, value in extra.items()}).strip()
        buttons = [button.dict() for button in self._answers[key].buttons]
        return Reply(text=text, buttons=buttons)

    def add_translation(self, book: "AnswerBook") -> None:
        self._family[book.language] = book
        book._family = self._family

    def in_language(self, language: Optional[str]) -> "AnswerBook":
        """The same answers in ``language`` (the conversation's; None or one not loaded: this book's)."""
        return self._family.get(language or self.language, self)

    def in_every_language(self) -> List["AnswerBook"]:
        return list(self._family.values())

    def keys(self) -> List[str]:
        return list(self._templates)
