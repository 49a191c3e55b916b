"""Fingerprints of the seed pages (../shared/seeds), so checks against them run without the pages.

The seeds are pages from real treatment centers that our facts were drawn from; our wording must
not copy them, and the demo center's name must not be one of theirs. A clone of the project alone
has no ../shared, so the checks read hashed word n-grams committed in ``tests/data/seeds.txt``
instead: truncated sha256 of every 2-gram (names) and 7-gram (copied wording), which say whether a
phrase occurs in the pages without holding their text. ``python -m bot seed-fingerprints``
writes the file again when the pages change (``make seed-fingerprints``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import FrozenSet, Iterable, Set

from bot.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
FINGERPRINTS = PROJECT_ROOT / "tests" / "data" / "seeds.txt"
SIZES = (2, 7)  # a two-word name; seven words in a row are a copied phrase, not a shared term
_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list:
    return _WORD.findall(text.casefold().replace("\u2019", "'"))


def shingles(text: str, n: int) -> Set[str]:
    found = words(text)
    return {" ".join(found[i : i + n]) for i in range(len(found) - n + 1)}


def fingerprint(shingle: str) -> str:
    return hashlib.sha256(shingle.encode("utf-8")).hexdigest()[:12]


def fingerprints_of(texts: Iterable[str]) -> Set[str]:
    return {fingerprint(s) for text in texts for n in SIZES for s in shingles(text, n)}


def load(path: Path = FINGERPRINTS) -> FrozenSet[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return frozenset(line for line in lines if line and not line.startswith("#"))


def in_seeds(text: str, n: int, committed: FrozenSet[str]) -> Set[str]:
    """The n-grams of ``text`` that also occur in the seed pages."""
    return {s for s in shingles(text, n) if fingerprint(s) in committed}


def write(seeds: Path = SEEDS, path: Path = FINGERPRINTS) -> int:
    pages = sorted(seeds.glob("*.txt"))
    if not pages:
        raise FileNotFoundError(f"no seed pages in {seeds}: put the shared folder beside the project")
    hashes = sorted(fingerprints_of(p.read_text(errors="ignore") for p in pages))
    header = (
        f"# sha256[:12] of the word {' and '.join(map(str, SIZES))}-grams of {len(pages)} seed pages (bot/program/seeds.py)\n"
    )
    path.write_text(header + "\n".join(hashes) + "\n", encoding="utf-8")
    return len(hashes)
