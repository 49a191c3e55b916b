"""Load and validate ``data/program/``: one YAML file per top-level section of :class:`Program`.

Errors name the file, the field (with the item's key where it has one) and the problem, so that
a center editing its data knows exactly what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml
from pydantic import ValidationError

from bot.program.errors import ProgramDataError
from bot.program.models import Program
from bot.program.translation import lay_over, missing_words

SECTIONS = ("center", "levels_of_care", "tracks", "services", "insurance", "admissions", "answers", "situations")
# Each other language the assistant speaks has two files: answers.<language>.yml, with the same
# top-level 'answers:' key and answer names as answers.yml, and facts.<language>.yml, the words of
# the other sections in that language (bot/program/translation.py).
TRANSLATED_LANGUAGES = ("es",)
WORDED_SECTIONS = ("center", "levels_of_care", "tracks", "services", "insurance", "admissions")


def section_files(directory: Path) -> List[Path]:
    """Every file of the program data, translations included (what a reload watches)."""
    return [directory / f"{section}.yml" for section in SECTIONS] + [
        directory / f"{kind}.{language}.yml" for language in TRANSLATED_LANGUAGES for kind in ("answers", "facts")
    ]


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProgramDataError([f"{path}: file is missing (every section needs its own file)"]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProgramDataError([f"{path}:{where}: YAML syntax error: {problem}"]) from exc


def _describe_location(raw: Any, loc: Tuple[Any, ...]) -> str:
    """Turn ('tracks', 1, 'sessions', 0, 'start') into 'tracks[1 adult_evening].sessions[0].start'."""
    parts: List[str] = []
    node = raw
    for step in loc:
        if step == "__root__":
            continue
        if isinstance(step, int):
            label = ""
            if isinstance(node, list) and 0 <= step < len(node) and isinstance(node[step], dict):
                label = str(node[step].get("key") or node[step].get("name") or "")
            parts.append(f"[{step}{' ' + label if label else ''}]")
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
        else:
            parts.append(("." if parts else "") + str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _parse(raw: Dict[str, Any], directory: Path, translation: str = "") -> Program:
    """Validate raw data as a Program; errors name the file (facts.<translation>.yml when given)."""
    try:
        return Program.parse_obj(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = error["loc"]
            known = str(loc[0]) if loc and loc[0] in SECTIONS else None
            path = directory
            if known:
                path = directory / (f"facts.{translation}.yml" if translation else f"{known}.yml")
            if loc and loc[0] == "translations" and len(loc) > 1 and loc[1] in TRANSLATED_LANGUAGES:
                path, loc = directory / f"answers.{loc[1]}.yml", ("answers", *loc[2:])
            field = _describe_location(raw, loc)
            problems.append(f"{path}: {field}: {error['msg']}")
        raise ProgramDataError(problems) from exc


def _worded(raw: Dict[str, Any], directory: Path, language: str, problems: List[str]) -> Dict[str, Any]:
    """The English sections with facts.<language>.yml's words laid over; problems gets what is wrong."""
    path = directory / f"facts.{language}.yml"
    try:
        document = _read_yaml(path)
    except ProgramDataError as exc:
        problems.extend(exc.problems)
        return raw
    if not isinstance(document, dict) or set(document) - set(WORDED_SECTIONS):
        problems.append(f"{path}: must hold only the sections {', '.join(WORDED_SECTIONS)}, as top-level keys")
        return raw
    found: List[str] = []
    worded = dict(raw)
    for section in WORDED_SECTIONS:
        if section in document:
            worded[section] = lay_over(raw[section], document[section], section, found)
    found.extend(
        f"{where}: not translated (write it in this language)"
        for where in missing_words({s: raw[s] for s in WORDED_SECTIONS}, document)
    )
    problems.extend(f"{path}: {problem}" for problem in found)
    return worded


def load_program(directory: Path) -> Program:
    directory = Path(directory)
    raw: Dict[str, Any] = {}
    problems: List[str] = []
    for section in SECTIONS:
        path = directory / f"{section}.yml"
        try:
            document = _read_yaml(path)
        except ProgramDataError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(document, dict) or section not in document:
            problems.append(f"{path}: must start with a top-level '{section}:' key")
            continue
        raw[section] = document[section]
    raw["translations"] = {}
    for language in TRANSLATED_LANGUAGES:
        path = directory / f"answers.{language}.yml"
        try:
            document = _read_yaml(path)
        except ProgramDataError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(document, dict) or "answers" not in document:
            problems.append(f"{path}: must start with a top-level 'answers:' key")
            continue
        raw["translations"][language] = document["answers"]
    if problems:
        raise ProgramDataError(problems)
    program = _parse(raw, directory)
    for language in TRANSLATED_LANGUAGES:
        worded = _worded({**raw, "translations": {}}, directory, language, problems)
        if not problems:
            program.add_wording(language, _parse(worded, directory, language))
    if problems:
        raise ProgramDataError(problems)
    return program
