"""When the center staffs live chat: ``staffed_hours`` in center.yml, in the center's zone."""

from __future__ import annotations

import datetime as dt

from bot.program.answers import opening_hours
from bot.program.models import WEEKDAYS, Center, Weekday

ALWAYS = "always"


def is_staffed(center: Center, at: dt.datetime) -> bool:
    """Whether ``at`` (aware) falls inside the staffed hours of its weekday, in the center's zone."""
    hours = center.staffed_hours
    if isinstance(hours, str):  # ALWAYS
        return True
    local = at.astimezone(center.zone)
    span = hours.for_day(Weekday(WEEKDAYS[local.weekday()]))
    return span is not None and span.start <= local.time().replace(tzinfo=None) < span.end


def staffed_hours_text(center: Center) -> str:
    """'Mon–Thu 8:00 am–7:00 pm; Fri 8:00 am–5:00 pm', or 'around the clock'."""
    hours = center.staffed_hours
    if isinstance(hours, str):  # ALWAYS
        return "around the clock"
    return opening_hours(hours)
