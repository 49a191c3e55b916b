"""Pydantic models of the coping-skill library (``data/coping/``).

A center edits the YAML, never this code. Every rule an edit can break is checked here, so a bad
edit fails `make check-data` with the file, the field and the problem, not a chat.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

from pydantic import BaseModel, Extra, Field, PrivateAttr, root_validator, validator

KEY = r"^[a-z][a-z0-9_]*$"
# A chat bubble, not a page: one step is read at a glance on a phone.
MAX_STEP_CHARS = 420
MIN_STEPS, MAX_STEPS = 2, 8
# The only fill-in a skill may use: the center's 24/7 on-call clinician, filled in by code.
PLACEHOLDERS = frozenset({"on_call_phone"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class Skill(Strict):
    """One skill, delivered a step at a time (``data/coping/skills/<key>.yml``)."""

    key: str = Field(..., regex=KEY)
    name: str = Field(..., min_length=3, max_length=60)
    # Words a person may use to ask for this skill by name ("box breathing", "54321").
    aliases: List[str] = []
    minutes: int = Field(..., ge=1, le=30)
    intro: str = Field(..., min_length=10, max_length=MAX_STEP_CHARS)
    steps: List[str] = Field(..., min_items=MIN_STEPS, max_items=MAX_STEPS)
    closing: str = Field(..., min_length=10, max_length=MAX_STEP_CHARS)

    @validator("steps", each_item=True)
    def _step_fits_a_bubble(cls, step: str) -> str:
        if not step:
            raise ValueError("a step is empty")
        if len(step) > MAX_STEP_CHARS:
            raise ValueError(f"a step is {len(step)} characters; keep each under {MAX_STEP_CHARS} (split it in two)")
        return step

    @validator("intro", "steps", "closing", each_item=True)
    def _known_placeholders(cls, text: str) -> str:
        unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
        if unknown:
            allowed = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}; the only one allowed is {allowed}")
        rest = _PLACEHOLDER.sub("", text)
        if "{" in rest or "}" in rest:
            raise ValueError("has a '{' or '}' that is not part of a placeholder like {on_call_phone}")
        return text

    @validator("aliases", each_item=True)
    def _alias_words(cls, alias: str) -> str:
        if len(alias) < 3:
            raise ValueError(f"alias '{alias}' is too short to recognise safely")
        return alias.casefold()


class Need(Strict):
    """What the person is going through, the words that tell it, and the skills that fit, best first."""

    key: str = Field(..., regex=KEY)
    label: str = Field(..., min_length=3, max_length=40)  # a button: "Craving", "Can't sleep"
    # What is rated 0 to 10 before and after: "the craving", "the stress".
    rated: str = Field(..., min_length=3, max_length=40)
    words: List[str] = Field(..., min_items=1)
    skills: List[str] = Field(..., min_items=2)

    @validator("words", each_item=True)
    def _lower(cls, word: str) -> str:
        # A phone's curly apostrophe is the same letter as the plain one ("can’t sleep").
        return word.casefold().replace("\u2019", "'")

    @validator("skills")
    def _no_repeats(cls, skills: List[str]) -> List[str]:
        repeated = sorted({key for key in skills if skills.count(key) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return skills


class Library(Strict):
    """Every need and skill, checked together."""

    needs: List[Need] = Field(..., min_items=1)
    skills: Dict[str, Skill]
    # The need assumed when a rating is asked for with nothing else said ("rate my craving").
    default_need: str
    _translations: Dict[str, "Library"] = PrivateAttr(default_factory=dict)

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict) -> dict:
        needs: List[Need] = values["needs"]
        skills: Dict[str, Skill] = values["skills"]
        problems: List[str] = []
        keys = [need.key for need in needs]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            problems.append(f"need '{key}' is defined more than once")
        for need in needs:
            for key in need.skills:
                if key not in skills:
                    problems.append(f"need '{need.key}' lists skill '{key}', which has no file in skills/")
        used = {key for need in needs for key in need.skills}
        for key in sorted(set(skills) - used):
            problems.append(f"skill '{key}' is not listed under any need, so it would never be offered")
        if values["default_need"] not in keys:
            problems.append(f"default_need '{values['default_need']}' is not one of the needs ({', '.join(keys)})")
        owners: Dict[str, str] = {}
        for skill in skills.values():
            for alias in [skill.name.casefold(), *skill.aliases]:
                if owners.get(alias, skill.key) != skill.key:
                    problems.append(
                        f"alias '{alias}' names both skills/{owners[alias]}.yml and skills/{skill.key}.yml; keep it on one skill"
                    )
                owners[alias] = skill.key
        if problems:
            raise ValueError("; ".join(problems))
        return values

    def need(self, key: str) -> Need:
        return next(need for need in self.needs if need.key == key)

    def in_language(self, language: Optional[str]) -> "Library":
        """The library in ``language`` (es/ under the coping directory); this one when None or not loaded."""
        return self._translations.get(language or "", self)

    def add_translation(self, language: str, library: "Library") -> None:
        self._translations[language] = library

    def has_need(self, key: str) -> bool:
        return any(need.key == key for need in self.needs)


def words_pattern(words: List[str]) -> "re.Pattern[str]":
    """Whole words or phrases, apostrophes optional ("can't" also matches "cant" and a phone's "can’t")."""
    parts = [re.escape(word).replace("'", "['\u2019]?") for word in sorted(words, key=len, reverse=True)]
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")
