"""Load and validate ``data/coping/``: ``needs.yml`` plus one file per skill in ``skills/``.

Errors name the file, the field and the problem. A running service reloads the library when a
file changes and keeps the last good one if an edit is broken (as the program data does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml
from pydantic import ValidationError

from bot.coping.models import Library, Skill
from bot.program.reloading import ReloadingCache


class CopingDataError(Exception):
    """The coping library cannot be used; the message lists every problem found."""

    def __init__(self, problems: List[str]):
        self.problems = problems
        super().__init__("Coping skills data is invalid:\n" + "\n".join(f"  - {p}" for p in problems))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CopingDataError([f"{path}: file is missing"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise CopingDataError([f"{path}:{where} YAML syntax error: {getattr(exc, 'problem', None) or exc}"]) from exc


def _where(loc: Tuple[Any, ...]) -> str:
    return (
        ".".join(str(step) if not isinstance(step, int) else f"[{step}]" for step in loc if step != "__root__").replace(".[", "[")
        or "(top level)"
    )


# Each other language's words for the needs and skills, under <language>/ with the same file names.
TRANSLATED_LANGUAGES = ("es",)


def _skill_files(directory: Path) -> List[Path]:
    return sorted((directory / "skills").glob("*.yml"))


def _watched(directory: Path) -> List[Path]:
    files = [directory / "needs.yml", *_skill_files(directory)]
    for language in TRANSLATED_LANGUAGES:
        files += [directory / language / "needs.yml", *_skill_files(directory / language)]
    return files


def load_library(directory: Path) -> Library:
    directory = Path(directory)
    problems: List[str] = []
    needs_path = directory / "needs.yml"
    try:
        needs_doc = _read_yaml(needs_path)
    except CopingDataError as exc:
        problems.extend(exc.problems)
        needs_doc = None
    if needs_doc is not None and not (isinstance(needs_doc, dict) and "needs" in needs_doc):
        problems.append(f"{needs_path}: must start with a top-level 'needs:' key")
        needs_doc = None

    skills: Dict[str, Skill] = {}
    files = _skill_files(directory)
    if not files:
        problems.append(f"{directory / 'skills'}: no skill files (one <key>.yml per skill)")
    for path in files:
        try:
            raw = _read_yaml(path)
        except CopingDataError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(raw, dict):
            problems.append(f"{path}: must be a mapping with key, name, minutes, intro, steps and closing")
            continue
        try:
            skill = Skill.parse_obj(raw)
        except ValidationError as exc:
            problems.extend(f"{path}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors())
            continue
        if skill.key != path.stem:
            problems.append(f"{path}: key '{skill.key}' must match the file name ('{path.stem}')")
            continue
        skills[skill.key] = skill
    if problems:
        raise CopingDataError(problems)
    try:
        library = Library.parse_obj({**needs_doc, "skills": skills})
    except ValidationError as exc:
        raise CopingDataError([f"{needs_path}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors()]) from exc
    for language in TRANSLATED_LANGUAGES:
        library.add_translation(language, _translated(library, directory / language))
    return library


def _translated(english: Library, directory: Path) -> Library:
    """The library with each need's and skill's words from ``directory`` (es/): the same needs and
    skills, steps and minutes; a need's words in both languages, since people mix them."""
    problems: List[str] = []
    needs_path = directory / "needs.yml"
    doc = _read_yaml(needs_path)
    wording = {str(item.get("key")): item for item in (doc or {}).get("needs") or [] if isinstance(item, dict)}
    needs = []
    for need in english.needs:
        item = wording.get(need.key)
        if item is None:
            problems.append(f"{needs_path}: need '{need.key}' is missing (every need of ../needs.yml needs its words here)")
            continue
        extra = {"label": item.get("label"), "rated": item.get("rated"), "words": [*(item.get("words") or []), *need.words]}
        needs.append({**need.dict(), **extra})
    skills = {}
    for skill in english.skills.values():
        path = directory / "skills" / f"{skill.key}.yml"
        try:
            item = _read_yaml(path)
        except CopingDataError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(item, dict):
            problems.append(f"{path}: must be a mapping with key, name, aliases, intro, steps and closing")
            continue
        if len(item.get("steps") or []) != len(skill.steps):
            problems.append(f"{path}: has {len(item.get('steps') or [])} steps, ../skills/{skill.key}.yml has {len(skill.steps)}")
            continue
        fields = ("name", "intro", "steps", "closing")
        skills[skill.key] = {
            **skill.dict(),
            **{f: item.get(f) for f in fields},
            "aliases": [*(item.get("aliases") or []), *skill.aliases],
        }
    if problems:
        raise CopingDataError(problems)
    try:
        return Library.parse_obj({"needs": needs, "skills": skills, "default_need": english.default_need})
    except ValidationError as exc:
        raise CopingDataError([f"{directory}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors()]) from exc


class LibraryCache(ReloadingCache[Library]):
    """The current library, reloaded when a file under the directory changes (bot/program/reloading.py)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        super().__init__(
            lambda: _watched(self.directory),
            lambda: load_library(self.directory),
            CopingDataError,
        )
