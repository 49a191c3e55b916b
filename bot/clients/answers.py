"""Enrolled clients' answers (answers.yml): their next group and reminders, with realistic values
to test-render each one."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any, Dict

from bot.program.answers import SampleFn, sample_track
from bot.program.models import Program


def _occurrence(program: Program) -> SimpleNamespace:
    session = sample_track(program).sessions[0]
    start = dt.datetime.combine(dt.date(2027, 1, 4), session.start)
    return SimpleNamespace(session=session, start=start, end=dt.datetime.combine(start.date(), session.end))


def _client(program: Program) -> Dict[str, Any]:
    occurrence = _occurrence(program)
    return {
        "client": SimpleNamespace(first_name="Sam", counselor="Dana"),
        "track": sample_track(program),
        "identity": "verified",
        "when": "tomorrow (Monday)",
        "following": occurrence,
        "following_when": "on Monday",
        "current": None,
        "occurrences": [occurrence],
        "lead": "1 hour",
        "at": occurrence.start,
        "general": True,
    }


SAMPLES: Dict[str, SampleFn] = {
    **{key: _client for key in ("next_group", "next_group_day", "client_not_known", "reminder_set", "reminder_due")},
    "reminder_cancelled": lambda p: {},
    "reminder_none": lambda p: {},
}
