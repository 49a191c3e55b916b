"""How times, days and lists read in each language the assistant speaks: the answers' filters.

``clock``, ``days``, ``and_list``, ``number``, ``span``, ``timetable`` and ``opening_hours`` are the same
names in every language's answers, so a translated template keeps its filters as they are and
they render "lun, mié y vie 9:30 a. m." in Spanish where English has "Mon, Wed and Fri 9:30 am".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Tuple, Union

from bot.program.models import OpeningHours, Range, Session, Weekday

ENGLISH = "en"
SPANISH = "es"


@dataclass(frozen=True)
class Wording:
    day_names: Tuple[str, ...]  # Monday first
    day_abbreviations: Tuple[str, ...]
    morning: str
    afternoon: str
    conjunction: str
    closed: str
    through: str  # between the ends of a range: "9 to 12", "9 a 12"

    def clock(self, value: Union[dt.time, dt.datetime]) -> str:
        """6:00 pm, 9:30 am (6:00 p. m. in Spanish): how a person reads a time in a chat."""
        hour = value.hour % 12 or 12
        return f"{hour}:{value.minute:02d} {self.morning if value.hour < 12 else self.afternoon}"

    def and_list(self, items: Iterable[Any], conjunction: str = "") -> str:
        words = [str(item) for item in items]
        if len(words) <= 1:
            return "".join(words)
        return f"{', '.join(words[:-1])} {conjunction or self.conjunction} {words[-1]}"

    def span(self, value: Range) -> str:
        """A range of hours, weeks or people: '9 to 12' ('9 a 12' in Spanish), or '10' when both ends agree."""
        low, high = number(value.min), number(value.max)
        return low if low == high else f"{low} {self.through} {high}"

    def day(self, day: Weekday) -> str:
        return self.day_names[day.index]

    def days(self, values: Iterable[Weekday]) -> str:
        return self.and_list(self.day(day) for day in values)

    def timetable(self, sessions: Iterable[Session]) -> str:
        """Sessions grouped by time of day: 'Mon, Wed and Fri 9:30 am–12:30 pm; Sat 10:00 am–1:00 pm'."""
        by_time: Dict[tuple, List[Session]] = {}
        for session in sorted(sessions, key=lambda s: (s.day.index, s.start)):
            by_time.setdefault((session.start, session.end), []).append(session)
        return "; ".join(
            f"{self.and_list(self.day_abbreviations[s.day.index] for s in group)} {self.clock(start)}–{self.clock(end)}"
            for (start, end), group in by_time.items()
        )

    def opening_hours(self, hours: OpeningHours) -> str:
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
            return self.closed
        short = self.day_abbreviations
        return "; ".join(
            f"{short[first.index]}{'' if first == last else '–' + short[last.index]} {self.clock(span.start)}–{self.clock(span.end)}"
            for first, last, span in runs
        )

    def filters(self) -> Dict[str, Callable[..., str]]:
        return {
            "clock": self.clock,
            "and_list": self.and_list,
            "number": number,
            "span": self.span,
            "days": self.days,
            "timetable": self.timetable,
            "opening_hours": self.opening_hours,
        }


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


WORDINGS: Dict[str, Wording] = {
    ENGLISH: Wording(
        day_names=tuple(day.title for day in Weekday),
        day_abbreviations=tuple(day.title[:3] for day in Weekday),
        morning="am",
        afternoon="pm",
        conjunction="and",
        closed="closed",
        through="to",
    ),
    SPANISH: Wording(
        day_names=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
        day_abbreviations=("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
        morning="a. m.",
        afternoon="p. m.",
        conjunction="y",
        closed="cerrado",
        through="a",
    ),
}
