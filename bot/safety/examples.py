"""Labelled messages for the crisis net: the training examples (data/safety/) and the evaluation
sets (tests/data/safety/), one schema each, validated with a message that names file and entry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Type, TypeVar

import yaml
from pydantic import BaseModel, Extra, ValidationError, constr, validator

from bot.safety.patterns import CRISIS_TYPES, SELF_HARM, SOMEONE_ELSE, SUICIDE

PERSONS = ("self", "other")
TIERS = ("clear", "possible")
NOT_CRISIS_KINDS = (
    "ordinary",
    "prospect",
    "family",
    "client",
    "smalltalk",
    "offtopic",
    "callback",
    "informational",
    "medication",
    "past",
    "negated",
    "idiom",
    "media",
    "relapse",
    "lookalike",  # a look-alike of no one kind (dev2)
)
CRISIS_MODE_KINDS = ("safe", "ack", "unsafe", "cannot_call", "contacted", "help_arrived", "false_alarm", "question", "person")
if TYPE_CHECKING:  # mypy cannot use constr(...) as a type; to it the field is a plain str
    TEXT = str
else:
    TEXT = constr(strip_whitespace=True, min_length=1, max_length=4000)


class DataError(Exception):
    """A file of labelled messages is malformed; the message names the file and the entry."""


class _Item(BaseModel):
    text: TEXT

    class Config:
        extra = Extra.forbid


class CrisisItem(_Item):
    type: str
    person: str = "self"
    tier: str = "clear"

    @validator("type")
    def _type(cls, value: str) -> str:
        return _one_of(value, CRISIS_TYPES)

    @validator("person")
    def _person(cls, value: str) -> str:
        return _one_of(value, PERSONS)

    @validator("tier")
    def _tier(cls, value: str) -> str:
        return _one_of(value, TIERS)

    @property
    def answer_type(self) -> str:
        """The crisis answer this message needs: another person's suicide or self-harm risk has its own."""
        return SOMEONE_ELSE if self.person == "other" and self.type in (SUICIDE, SELF_HARM) else self.type


class NotCrisisItem(_Item):
    kind: str

    @validator("kind")
    def _kind(cls, value: str) -> str:
        return _one_of(value, NOT_CRISIS_KINDS)


class CrisisModeItem(_Item):
    kind: str

    @validator("kind")
    def _kind(cls, value: str) -> str:
        return _one_of(value, CRISIS_MODE_KINDS)


class HardNegativeItem(_Item):
    """The older tuned set's look-alikes, each with the trap it tests."""

    trap: TEXT


def _one_of(value: str, allowed: tuple) -> str:
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value


Item = TypeVar("Item", bound=_Item)


def load(path: Path, model: Type[Item]) -> List[Item]:
    """The ``messages:`` list of a YAML file; every problem is reported, duplicates included."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("messages"), list):
        raise DataError(f"{path}: must hold a 'messages:' list")
    items: List[Item] = []
    problems: List[str] = []
    seen: set = set()
    for index, raw in enumerate(document["messages"]):
        try:
            item = model.parse_obj(raw)
        except ValidationError as exc:
            problems.extend(f"{path}: messages[{index}].{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            continue
        key = item.text.lower()
        if key in seen:
            problems.append(f"{path}: messages[{index}]: duplicate of an earlier message: {item.text!r}")
        seen.add(key)
        items.append(item)
    if problems:
        raise DataError("\n".join(problems))
    return items


def load_any(path: Path) -> List[Any]:
    """A file's items, by the schema its name says: crisis*, crisis_mode*, anything else not crisis."""
    if path.name.startswith("crisis_mode"):
        return load(path, CrisisModeItem)
    if path.name.startswith("crisis"):
        return load(path, CrisisItem)
    return load(path, NotCrisisItem)
