"""The live handoff's answers (answers.yml), with realistic values to test-render each one."""

from __future__ import annotations

from typing import Dict

from bot.program.answers import SampleFn

_WAITING = ("handoff_waiting", "handoff_already_waiting", "handoff_unstaffed", "handoff_busy", "handoff_not_here")
_STAFF = ("handoff_joined", "handoff_returned", "handoff_closed", "handoff_left")

SAMPLES: Dict[str, SampleFn] = {
    **{key: lambda p: {"staffed": "Mon–Fri 8:00 am–5:00 pm", "crisis": True, "wait_minutes": 3} for key in _WAITING},
    "handoff_expired": lambda p: {"crisis": True},
    **{key: lambda p: {"staff_name": "Dana"} for key in _STAFF},
}
