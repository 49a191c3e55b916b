"""A coping exercise, one turn at a time: what the person needs, a 0-10 rating, the skill's steps,
and a second rating at the end.

Plain Python over the coping library (data/coping/) and the center's answers (answers.yml); the
actions keep the state in a slot and call one method per turn. Nothing here touches Rasa.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.coping.models import Library, Need, Skill, words_pattern
from bot.program.answers import AnswerBook, Reply

# 8 or more is a strong craving: the person is offered people to reach, not only a skill.
HIGH_RATING = 8
RATING_BUTTONS = [{"title": str(n), "payload": str(n)} for n in range(11)]

_NUMBER_WORDS = {
    "zero": 0,
    "none": 0,
    "nothing": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    # Spanish ("como un siete"); "uno" and "una" are left out: "una" is also "a".
    "cero": 0,
    "nada": 0,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
}
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])|\b(" + "|".join(_NUMBER_WORDS) + r")\b")
_OUT_OF = re.compile(r"(?:/|out of|outta|of|de)\s*10\b")


class RatingError(ValueError):
    """The text holds no usable 0-10 rating; the message says why, for the person."""


def parse_rating(text: str) -> int:
    """A 0-10 rating from what a person types: "7", "7/10", "about a six", "8 out of 10", "6 or 7".

    Between two numbers ("6 or 7", "6-7") the higher one counts: a craving is safer overrated.
    A decimal rounds half up ("7.5" is 8).
    """
    lowered = _OUT_OF.sub(" ", text.casefold())
    values: List[float] = []
    for match in _NUMBER.finditer(lowered):
        values.append(float(match.group(1)) if match.group(1) else float(_NUMBER_WORDS[match.group(2)]))
    if not values:
        raise RatingError("no number")
    if any(value > 10 for value in values):
        raise RatingError("out of range")
    return int(max(values) + 0.5)


@dataclass
class Turn:
    """What to say, the exercise state to keep (None: no exercise), and whether to ask for a rating next."""

    replies: List[Reply]
    state: Optional[Dict[str, Any]]
    ask_rating: bool = False
    # A rating to store: (phase, rating) with the state's exercise id, need and skill.
    checkin: Optional[Dict[str, Any]] = None


@dataclass
class Person:
    """Who is doing the exercise, when known (an enrolled client signed in through a token)."""

    first_name: str = ""
    counselor: str = ""


@dataclass
class Coach:
    library: Library
    book: AnswerBook
    on_call_phone: str
    person: Person = field(default_factory=Person)

    # --- reading what the person said ---------------------------------------------------------

    def need_in(self, text: str) -> Optional[Need]:
        lowered = text.casefold()
        best: Optional[Need] = None
        best_at = len(lowered) + 1
        for need in self.library.needs:
            match = words_pattern(need.words).search(lowered)
            if match and match.start() < best_at:  # the first thing said is what's happening
                best, best_at = need, match.start()
        return best

    def skill_in(self, text: str) -> Optional[Skill]:
        lowered = text.casefold()
        for skill in self.library.skills.values():
            if words_pattern([skill.name.casefold(), *skill.aliases]).search(lowered):
                return skill
        return None

    # --- the turns ----------------------------------------------------------------------------

    def start(self, text: str, need_key: Optional[str] = None) -> Turn:
        """A hard moment, or a skill asked for by name: ask for the rating, or first what is going on."""
        skill = self.skill_in(text)
        need = self.library.need(need_key) if need_key and self.library.has_need(need_key) else self.need_in(text)
        if need is None and skill is not None:
            need = next((n for n in self.library.needs if skill.key in n.skills), self.library.need(self.library.default_need))
        if need is None:
            buttons = [{"title": n.label, "payload": f'/ask_coping{{"coping_need": "{n.key}"}}'} for n in self.library.needs]
            reply = self._render("coping_ask_need")
            return Turn([Reply(reply.text, reply.buttons + buttons)], state=None)
        skill = skill or self.library.skills[need.skills[0]]
        state = {
            "id": uuid.uuid4().hex,
            "need": need.key,
            "skill": skill.key,
            "step": -1,
            "tried": [skill.key],
            "phase": "before",
            "before": None,
        }
        return Turn([self._render("coping_begin", need=need)], state=state, ask_rating=True)

    def rating_question(self, state: Optional[Dict[str, Any]]) -> Reply:
        need = self._need(state)
        key = "coping_rate_after" if state and state.get("phase") == "after" else "coping_rate_before"
        reply = self._render(key, need=need)
        return Reply(reply.text, reply.buttons + RATING_BUTTONS)

    def rating_unclear(self, state: Optional[Dict[str, Any]], text: str, problem: str) -> Reply:
        return self._render(
            "coping_rating_unclear", need=self._need(state), text=text[:40], out_of_range=problem == "out of range"
        )

    def rated(self, state: Dict[str, Any], rating: int) -> Turn:
        """The rating just given: before the skill it starts the steps; after, it closes the exercise."""
        state = dict(state)
        need = self._need(state)
        if state.get("phase") != "after":
            state.update(before=rating, phase="steps", step=0)
            replies = []
            if rating >= HIGH_RATING:
                replies.append(self._support("coping_high", need, before=rating, after=None))
            replies.append(self._step_reply(state, first=True))
            return Turn(replies, state, checkin=self._checkin(state, "before", rating))
        before = state.get("before")
        checkin = self._checkin(state, "after", rating)
        state.update(phase="finished", after=rating)
        if rating >= HIGH_RATING or (before is not None and rating > before):
            return Turn([self._support("coping_worse", need, before=before, after=rating)], state, checkin=checkin)
        key = "coping_better" if before is not None and rating < before else "coping_same"
        return Turn([self._render(key, need=need, before=before, after=rating)], state, checkin=checkin)

    def next_step(self, state: Optional[Dict[str, Any]]) -> Turn:
        if not self._running(state):
            return self._nothing_running()
        assert state is not None
        skill = self.library.skills[state["skill"]]
        if state.get("phase") == "before":  # "next" before the first rating: ask it again
            return Turn([], state, ask_rating=True)
        step = int(state["step"]) + 1
        if step >= len(skill.steps):
            return self._finish(state)
        state = {**state, "step": step}
        return Turn([self._step_reply(state)], state)

    def done(self, state: Optional[Dict[str, Any]]) -> Turn:
        if not self._running(state):
            return self._nothing_running()
        assert state is not None
        if state.get("phase") == "before":  # nothing done yet, nothing to rate
            return self.stop(state)
        return self._finish(state)

    def another(self, state: Optional[Dict[str, Any]]) -> Turn:
        """The next skill for the same need that hasn't been tried; the first rating carries over."""
        if not state or state.get("need") is None:
            return self.start("")
        need = self._need(state)
        tried = list(state.get("tried") or [])
        untried = [key for key in need.skills if key not in tried]
        if not untried:
            state = {**state, "phase": "after"}
            return Turn([self._render("coping_tried_all", need=need)], state, ask_rating=state.get("before") is not None)
        skill = untried[0]
        fresh = {**state, "skill": skill, "tried": tried + [skill], "step": 0}
        if fresh.get("before") is None or fresh.get("phase") == "finished":
            # A new exercise after the last one ended: rate again first, so the change is this skill's.
            fresh.update(id=uuid.uuid4().hex, phase="before", before=None, step=-1)
            fresh.pop("after", None)
            return Turn([self._render("coping_switch", skill=self.library.skills[skill])], fresh, ask_rating=True)
        fresh["phase"] = "steps"
        return Turn([self._step_reply(fresh, first=True)], fresh)

    def stop(self, state: Optional[Dict[str, Any]]) -> Turn:
        return Turn([self._render("coping_stopped", need=self._need(state))], state=None)

    # --- helpers ------------------------------------------------------------------------------

    def _running(self, state: Optional[Dict[str, Any]]) -> bool:
        if not state:
            return False
        return state.get("phase") in ("before", "steps") and state.get("skill") in self.library.skills

    def _nothing_running(self) -> Turn:
        return Turn([self._render("coping_not_running")], state=None)

    def _finish(self, state: Dict[str, Any]) -> Turn:
        skill = self.library.skills[state["skill"]]
        state = {**state, "phase": "after"}
        return Turn([Reply(self._fill(skill.closing))], state, ask_rating=True)

    def _need(self, state: Optional[Dict[str, Any]]) -> Need:
        key = (state or {}).get("need")
        return self.library.need(key if key and self.library.has_need(key) else self.library.default_need)

    def _step_reply(self, state: Dict[str, Any], first: bool = False) -> Reply:
        skill = self.library.skills[state["skill"]]
        index = int(state["step"])
        reply = self._render(
            "coping_step",
            skill=skill,
            intro=self._fill(skill.intro) if first else "",
            number=index + 1,
            total=len(skill.steps),
            step=self._fill(skill.steps[index]),
        )
        return reply  # its buttons (next step, done, another) are the answer's own, in its language

    def _support(self, key: str, need: Need, before: Optional[int], after: Optional[int]) -> Reply:
        return self._render(key, need=need, before=before, after=after)

    def _checkin(self, state: Dict[str, Any], phase: str, rating: int) -> Dict[str, Any]:
        return {"exercise_id": state["id"], "phase": phase, "rating": rating, "need": state["need"], "skill": state["skill"]}

    def _fill(self, text: str) -> str:
        return text.replace("{on_call_phone}", self.on_call_phone)

    def _render(self, key: str, **extra: Any) -> Reply:
        return self.book.render(key, first_name=self.person.first_name, counselor=self.person.counselor, **extra)
