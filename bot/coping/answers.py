"""The coping exercise's answers (answers.yml), with realistic values to test-render each one."""

from __future__ import annotations

from typing import Any, Dict

from bot.coping.models import Need, Skill
from bot.program.answers import SampleFn


def _exercise(**extra: Any) -> Dict[str, Any]:
    need = Need(key="craving", label="A craving", rated="the craving", words=["craving"], skills=["a", "b"])
    skill = Skill(
        key="box_breathing",
        name="Box breathing",
        minutes=3,
        intro="Slow, even breaths calm the body.",
        steps=["Breathe in for four.", "Hold for four."],
        closing="Well done.",
    )
    return {"first_name": "Sam", "counselor": "Dana", "need": need, "skill": skill, **extra}


_PLAIN = (
    "coping_ask_need",
    "coping_begin",
    "coping_rate_before",
    "coping_rate_after",
    "coping_switch",
    "coping_tried_all",
    "coping_stopped",
    "coping_not_running",
)

SAMPLES: Dict[str, SampleFn] = {
    **{key: lambda p: _exercise() for key in _PLAIN},
    "coping_rating_unclear": lambda p: _exercise(text="lots", out_of_range=False),
    "coping_high": lambda p: _exercise(before=9, after=None),
    "coping_worse": lambda p: _exercise(before=6, after=8),
    "coping_better": lambda p: _exercise(before=7, after=4),
    "coping_same": lambda p: _exercise(before=5, after=5),
    "coping_step": lambda p: _exercise(intro="Slow breaths calm the body.", number=1, total=4, step="Breathe in."),
}
