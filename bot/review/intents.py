"""The intents staff choose from when they correct a message: data/review/intents.yml, validated."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List

import yaml
from pydantic import BaseModel, Extra, ValidationError, constr, validator

from bot.settings import PROJECT_ROOT

INTENTS_FILE = PROJECT_ROOT / "data" / "review" / "intents.yml"


class IntentChoice(BaseModel):
    name: constr(regex=r"^[a-z][a-z_]{1,79}$")  # type: ignore[valid-type]
    description: constr(strip_whitespace=True, min_length=10, max_length=300)  # type: ignore[valid-type]
    example: constr(strip_whitespace=True, min_length=1, max_length=200)  # type: ignore[valid-type]

    class Config:
        extra = Extra.forbid
        frozen = True


class IntentChoices(BaseModel):
    intents: List[IntentChoice]

    class Config:
        extra = Extra.forbid

    @validator("intents")
    def _unique(cls, value: List[IntentChoice]) -> List[IntentChoice]:
        names = [choice.name for choice in value]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"each intent once: {', '.join(repeated)} appear more than once")
        return value


class IntentFileError(ValueError):
    """The intents file is missing or malformed; the message says where and how to fix it."""


def load_choices(path: Path = INTENTS_FILE) -> List[IntentChoice]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise IntentFileError(f"{path}: cannot be read ({exc.strerror}); it lists the intents staff can choose") from None
    except yaml.YAMLError as exc:
        raise IntentFileError(f"{path}: not valid YAML: {exc}") from None
    try:
        return IntentChoices.parse_obj(raw).intents
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors())
        raise IntentFileError(f"{path}: {problems}") from None


@functools.lru_cache(maxsize=1)
def intent_choices() -> Dict[str, IntentChoice]:
    """The choices by name, read once per process."""
    return {choice.name: choice for choice in load_choices()}
