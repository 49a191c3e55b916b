"""Generate the NLU lookup table and synonyms for insurance carriers from the program data.

The carriers a center accepts live in data/program/insurance.yml; the NLU file is derived from it
so the two can never disagree (`make train` regenerates it; a test fails if it is stale).
"""

from __future__ import annotations

from pathlib import Path
from typing import List

from bot.program.models import Insurance

HEADER = (
    'version: "3.1"\n\n'
    "# Generated from data/program/insurance.yml by `python -m bot nlu-lookup`. Do not edit:\n"
    "# change the carriers there and run `make train`.\n"
)


def _block(kind: str, name: str, values: List[str]) -> str:
    lines = "".join(f"      - {value}\n" for value in values)
    return f"  - {kind}: {name}\n    examples: |\n{lines}"


def render(insurance: Insurance) -> str:
    names = sorted({n.casefold() for c in insurance.carriers for n in [c.name, *c.aliases]})
    parts = [HEADER, "nlu:\n", _block("lookup", "insurance_carrier", names)]
    for carrier in insurance.carriers:
        if carrier.aliases:
            parts.append(_block("synonym", carrier.name, sorted({a.casefold() for a in carrier.aliases})))
    return "".join(parts)


def write(insurance: Insurance, path: Path) -> bool:
    """Writes the file; True when its content changed."""
    content = render(insurance)
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return False
    path.write_text(content, encoding="utf-8")
    return True
