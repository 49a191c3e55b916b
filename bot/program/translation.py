"""The center's data in another language: ``facts.<language>.yml`` laid over the English files.

A translation file has the same sections as the English files and gives only words: a list of
items with a ``key`` or a ``name`` (tracks, carriers, holidays...) is written as a mapping from
that key or English name to the fields translated, and a list of plain words is given whole.
Numbers, times, phone numbers and names of carriers and medicines stay in the English files and
are never repeated. Every field a person reads must be translated (``missing_words``), so a new
English sentence cannot slip into Spanish answers unnoticed.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Dict, Iterator, List, Optional, Tuple

from pydantic import BaseModel

# Fields that are the same in every language: identifiers, numbers, contact details, proper names.
NEUTRAL = (
    "center.name",
    "center.short_name",
    "center.website",
    "center.email",
    "center.timezone",
    "center.phones.*.display",
    "center.hotlines.*",  # the crisis lines carry their own wording per language (Hotline.es)
    "center.address.street",
    "center.address.city",
    "center.address.state",
    "center.address.postal_code",
    "center.holidays.*.words",  # how people write a holiday: recognised in any language
    "*.key",
    "*.level",
    "*.sessions*",
    "*.ages*",
    "*.length_weeks*",
    "*.hours_per_week*",
    "*.group_size*",
    "*.self_pay_weekly*",
    "*.closed",
    "*.offered_here",
    "*.mat_offered",
    "*.*_hours*",
    "insurance.carriers.*.name",
    "insurance.carriers.*.aliases",
    "insurance.carriers.*.status",
    "services.mat_medications.*.brand_names",
)
_WORDS = re.compile(r"[A-Za-z]{3,}")  # a value without a word of three letters ("2.1", "3.7-WM") is not wording


def _identity(item: Any) -> Optional[str]:
    if isinstance(item, dict):
        value = item.get("key") or item.get("name")
        return str(value) if value is not None else None
    return None


def _neutral(path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in NEUTRAL)


def lay_over(english: Any, translated: Any, path: str, problems: List[str]) -> Any:
    """English data with the translated words in place; problems gets each field that does not fit."""
    if isinstance(english, dict):
        if not isinstance(translated, dict):
            problems.append(f"{path}: must be a mapping of fields, like the English file's")
            return english
        merged = dict(english)
        for name, value in translated.items():
            where = f"{path}.{name}" if path else str(name)
            if name not in english:
                problems.append(f"{where}: no such field in the English data (check the spelling)")
            elif _neutral(where):
                problems.append(f"{where}: the same in every language; change it in the English file only")
            else:
                merged[name] = lay_over(english[name], value, where, problems)
        return merged
    if isinstance(english, list) and english and all(_identity(item) for item in english):
        if not isinstance(translated, dict):
            problems.append(f"{path}: give a mapping from each item's key or English name to its translated fields")
            return english
        by_identity = {_identity(item): item for item in english}
        unknown = sorted(set(map(str, translated)) - set(by_identity))
        problems.extend(f"{path}.{name}: no item with that key or name in the English data" for name in unknown)
        return [
            lay_over(item, translated[_identity(item)], f"{path}.{_identity(item)}", problems)
            if _identity(item) in translated
            else item
            for item in english
        ]
    if isinstance(english, list):
        if not isinstance(translated, list) or not all(isinstance(value, str) for value in translated):
            problems.append(f"{path}: must be a list of words, given whole")
            return english
        return translated
    if not isinstance(translated, str):
        problems.append(f"{path}: must be text")
        return english
    return translated


def _wording(node: Any, steps: Tuple[str, ...]) -> Iterator[Tuple[str, ...]]:
    """Every place in the English data that a person reads (not NEUTRAL, with words in it)."""
    if steps and _neutral(".".join(steps)):
        return
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _wording(value, (*steps, str(name)))
    elif isinstance(node, list) and node and all(_identity(item) for item in node):
        for item in node:
            yield from _wording(item, (*steps, str(_identity(item))))
    elif isinstance(node, list):
        if any(isinstance(value, str) and _WORDS.search(value) for value in node):
            yield steps
    elif isinstance(node, str) and _WORDS.search(node):
        yield steps


def _given(translated: Any, steps: Tuple[str, ...]) -> bool:
    node = translated
    for step in steps:
        if not isinstance(node, dict) or step not in node:
            return False
        node = node[step]
    return True


def missing_words(english: Dict[str, Any], translated: Dict[str, Any]) -> List[str]:
    """Where the English data has words a person reads that the translation leaves out."""
    return [".".join(steps) for steps in _wording(english, ()) if not _given(translated, steps)]


def counterparts(english: BaseModel, translated: BaseModel) -> Dict[int, BaseModel]:
    """Each model inside the English data (by id) with the same item in the translated data.

    The two have the same shape: a translation changes words only, never adds or drops items.
    """
    found: Dict[int, BaseModel] = {}
    pairs: List[Tuple[Any, Any]] = [(english, translated)]
    while pairs:
        left, right = pairs.pop()
        if isinstance(left, BaseModel) and isinstance(right, BaseModel):
            found[id(left)] = right
            pairs.extend((getattr(left, name), getattr(right, name)) for name in left.__fields__)
        elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            pairs.extend(zip(left, right))
        elif isinstance(left, dict) and isinstance(right, dict):
            pairs.extend((value, right[name]) for name, value in left.items() if name in right)
    return found
