"""The meeting sources a center lists in ``data/meetings/sources.yml``, validated.

Each source is one feed, in the Meeting Guide JSON format or BMLT's JSON results, read from a
file (relative to the data directory) or fetched from a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, List, Optional

import yaml
from pydantic import AnyHttpUrl, BaseModel, Extra, ValidationError, root_validator, validator

from bot.meetings.models import Fellowship, Meeting
from bot.program.zones import known_zone


class FeedFormat(str, Enum):
    meeting_guide = "meeting_guide"
    bmlt = "bmlt"


class Source(BaseModel):
    name: str
    format: FeedFormat
    path: Optional[Path] = None
    url: Optional[AnyHttpUrl] = None
    # Meeting Guide rows do not say which fellowship they belong to: an AA intergroup's feed is AA.
    # BMLT servers are NA's. A row's own types can still say otherwise (Al-Anon, for instance).
    fellowship: Optional[Fellowship] = None
    # Used for rows without a timezone of their own.
    timezone: Optional[str] = None
    enabled: bool = True

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True

    @validator("name")
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", value):
            raise ValueError("must be a short slug of lower-case letters, digits, '-' and '_' (it prefixes meeting ids)")
        return value

    _zone_name = validator("timezone", allow_reuse=True)(known_zone)

    @root_validator(skip_on_failure=True)
    def _one_location(cls, values: dict) -> dict:
        if (values.get("path") is None) == (values.get("url") is None):
            raise ValueError("give exactly one of 'path' (a file under data/meetings) or 'url'")
        return values

    @property
    def default_fellowship(self) -> Fellowship:
        if self.fellowship is not None:
            return self.fellowship
        return Fellowship.na if self.format is FeedFormat.bmlt else Fellowship.aa

    @property
    def where(self) -> str:
        return str(self.url or self.path)


class SourceList(BaseModel):
    sources: List[Source]
    refresh_hours: float = 12.0

    class Config:
        extra = Extra.forbid

    @validator("sources")
    def _unique(cls, value: List[Source]) -> List[Source]:
        names = [source.name for source in value]
        doubles = sorted({name for name in names if names.count(name) > 1})
        if doubles:
            raise ValueError(f"source names must be unique; repeated: {', '.join(doubles)}")
        return value

    @validator("refresh_hours")
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value


class SourcesError(Exception):
    """sources.yml is wrong; the message names the file, the entry and the fix."""


def load_sources(path: Path) -> SourceList:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"{path}: file is missing (it lists the meeting feeds to import)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read the file: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise SourcesError(f"{path}:{where} YAML syntax error: {getattr(exc, 'problem', None) or exc}") from exc
    try:
        return SourceList.parse_obj(raw)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            steps = [str(step) for step in error["loc"] if step != "__root__"]
            if len(steps) > 1 and steps[0] == "sources":
                steps[1] += _entry_name(raw, error["loc"][1])
            lines.append(f"  - {path}: {'.'.join(steps) or '(top level)'}: {error['msg']}")
        raise SourcesError("Meeting sources are invalid:\n" + "\n".join(lines)) from exc


def _entry_name(raw: Any, position: Any) -> str:
    """' (demo-ca)' for the entry at ``position`` of the sources list when it has a name, else ''."""
    entries = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not isinstance(position, int) or not 0 <= position < len(entries):
        return ""
    name = entries[position].get("name") if isinstance(entries[position], dict) else None
    return f" ({name.strip()})" if isinstance(name, str) and name.strip() else ""


@dataclass(frozen=True)
class RowProblem:
    """A feed row that could not be used: which source, where in the feed, and why."""

    source: str
    position: int  # 0-based index of the row in the feed's list
    row_id: Optional[str]  # the row's slug or id when it had one
    problem: str

    def __str__(self) -> str:
        ident = f" ({self.row_id})" if self.row_id else ""
        return f"{self.source}: row {self.position}{ident}: {self.problem}"


@dataclass
class ParseResult:
    meetings: List[Meeting] = field(default_factory=list)
    problems: List[RowProblem] = field(default_factory=list)


class FeedError(Exception):
    """The feed as a whole is unusable (not JSON, not a list, ...); the last good copy stays."""


def rows_of(payload: Any, source: Source) -> List[Any]:
    """The list of rows of a feed document, or a FeedError that says what was found instead."""
    if isinstance(payload, list):
        return payload
    raise FeedError(f"{source.name}: expected a JSON list of meetings, got {type(payload).__name__}")
