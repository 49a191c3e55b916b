"""From staff labels to training data: ``python -m bot review export`` (and the admin's button).

Writes, for a person to read in the diff and commit (nothing is trained from it on its own):

- ``data/nlu/reviewed/reviewed.yml``: every confirmed or corrected message as an example of the
  intent staff said it meant, in Rasa's YAML, de-identified (bot/review/deidentify.py: names,
  numbers, addresses and dates replaced by placeholders, or the message left out);
- ``data/safety/reviewed_crises.yml``: the messages labelled as crises, as candidates for the crisis
  net's examples (not read by training: a clinician moves them into crisis_examples.yml with
  their type once checked);
- ``data/review/provenance.yml``: who labelled what and when, beside each example's text;
  training never reads it.

Neither file holds a conversation id. Each export merges into what the files already hold (a
conversation purged since the last export keeps its examples there), and a message labelled again
takes its newest label. An example whose text is already a training example of another intent
is a clash: it is not written, and the summary names it for a person to settle.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from bot.review.deidentify import deidentify
from bot.review.normalize import normalize
from bot.safety.names import CRISIS_INTENT
from bot.settings import PROJECT_ROOT
from bot.storage.db import client_conversations, clients, leads, review_items, review_labels

NLU_DIR = Path("data") / "nlu"  # under the project's root, as the files below
NLU_FILE = NLU_DIR / "reviewed" / "reviewed.yml"
CRISIS_FILE = Path("data") / "safety" / "reviewed_crises.yml"
PROVENANCE_FILE = Path("data") / "review" / "provenance.yml"
# Replies to the crisis answer are taught by the crisis-mode data, not from single messages.
NOT_EXPORTED = frozenset(
    {"crisis_safe", "crisis_false_alarm", "crisis_cannot_call", "crisis_contacted", "crisis_help_arrived", "risk_possible"}
)


@dataclass(frozen=True)
class Example:
    text: str  # de-identified
    intent: str
    labeled_by: str
    labeled_at: str  # ISO 8601, UTC


@dataclass
class ExportSummary:
    new: Counter = field(default_factory=Counter)  # per intent
    changed: int = 0  # examples whose intent a newer label changed
    crises: int = 0  # new crisis candidates
    refused: List[str] = field(default_factory=list)  # why, one line each (no text)
    clashes: List[Tuple[str, str, str]] = field(default_factory=list)  # (text, labelled intent, training intent)
    skipped: int = 0  # labels that make no example: exclude, new topic, crisis-mode intents

    def lines(self) -> List[str]:
        out = [f"New examples: {sum(self.new.values())}" + (f" ({self.changed} relabelled)" if self.changed else "")]
        out += [f"  {intent}: {count}" for intent, count in sorted(self.new.items())]
        out.append(f"Crisis candidates (data/safety/reviewed_crises.yml): {self.crises} new")
        if self.clashes:
            out.append(f"Clashes with the training data, not written ({len(self.clashes)}): settle them by hand")
            out += [f"  {text!r}: labelled {labelled}, trained as {trained}" for text, labelled, trained in self.clashes]
        if self.refused:
            out.append(f"Left out, not de-identifiable ({len(self.refused)}):")
            out += [f"  {reason}" for reason in self.refused]
        if self.skipped:
            out.append(f"Labels that make no example (excluded, new topics, crisis-mode replies): {self.skipped}")
        return out


def _labelled(engine: Engine) -> List[Any]:
    """Each label with its row's newest message and that message's conversation."""
    newest = (
        sa.select(review_items.c.key, sa.func.max(review_items.c.id).label("item_id")).group_by(review_items.c.key).subquery()
    )
    query = (
        sa.select(review_labels, review_items.c.text, review_items.c.conversation_id)
        .join(newest, newest.c.key == review_labels.c.key)
        .join(review_items, review_items.c.id == newest.c.item_id)
        .order_by(review_labels.c.labeled_at, review_labels.c.key)
    )
    with engine.connect() as connection:
        return connection.execute(query).all()


def _names(engine: Engine, conversation_id: str) -> List[str]:
    """The names the center knows for a conversation: its leads' and its linked clients' first names."""
    with engine.connect() as connection:
        lead_names = connection.execute(sa.select(leads.c.first_name).where(leads.c.conversation_id == conversation_id)).scalars()
        client_names = connection.execute(
            sa.select(clients.c.first_name)
            .join(client_conversations, client_conversations.c.client_id == clients.c.id)
            .where(client_conversations.c.conversation_id == conversation_id)
        ).scalars()
        return sorted({name for name in [*lead_names, *client_names] if name})


def training_intents(nlu_dir: Path, skip: Optional[Path] = None) -> Dict[str, str]:
    """Every training example's normalized text and its intent (the reviewed file excepted)."""
    found: Dict[str, str] = {}
    for path in sorted(nlu_dir.rglob("*.yml")):
        if skip is not None and path.resolve() == skip.resolve():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" in block and isinstance(block.get("examples"), str):
                for line in block["examples"].splitlines():
                    if line.strip().startswith("- "):
                        found.setdefault(normalize(line.strip()[2:]), block["intent"])
    return found


def _read_provenance(path: Path) -> Dict[str, Example]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = [Example(**item) for item in data.get("examples") or []]
    return {normalize(example.text): example for example in examples}


def _read_crises(path: Path) -> Dict[str, Dict[str, str]]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {normalize(item["text"]): item for item in data.get("candidates") or []}


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=10_000).strip()


def _write_nlu(path: Path, examples: Iterable[Example]) -> None:
    by_intent: Dict[str, List[str]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example.text)
    lines = [
        "# Examples from the review inbox (python -m bot review export): real messages, de-identified,",
        "# labelled by staff. Who labelled what: data/review/provenance.yml. Read the diff before committing.",
        'version: "3.1"',
        "nlu:",
    ]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {' '.join(text.split())}" for text in sorted(by_intent[intent], key=str.casefold)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_provenance(path: Path, examples: Iterable[Example]) -> None:
    lines = [
        "# Who labelled each reviewed example, and when (python -m bot review export). Training never",
        "# reads this file; it holds no conversation ids.",
        "examples:",
    ]
    for example in sorted(examples, key=lambda e: (e.intent, e.text.casefold())):
        lines += [
            f"  - text: {_quoted(example.text)}",
            f"    intent: {example.intent}",
            f"    labeled_by: {_quoted(example.labeled_by)}",
            f"    labeled_at: {_quoted(example.labeled_at)}",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_crises(path: Path, candidates: Dict[str, Dict[str, str]]) -> None:
    lines = [
        "# Crises the safety net missed, from the review inbox (python -m bot review export), de-identified.",
        "# Candidates only: training does not read this file. A clinician checks each and moves it, with",
        "# its type and who is at risk, into crisis_examples.yml.",
        "candidates:",
    ]
    for item in sorted(candidates.values(), key=lambda c: c["text"].casefold()):
        lines += [
            f"  - text: {_quoted(item['text'])}",
            f"    labeled_by: {_quoted(item['labeled_by'])}",
            f"    labeled_at: {_quoted(item['labeled_at'])}",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _iso(value: dt.datetime) -> str:
    aware = value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
    return aware.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def export(engine: Engine, root: Path = PROJECT_ROOT) -> ExportSummary:
    """Merge every label into the three files under ``root`` (see the module's docstring)."""
    nlu_dir, nlu_file = root / NLU_DIR, root / NLU_FILE
    crisis_file, provenance_file = root / CRISIS_FILE, root / PROVENANCE_FILE
    summary = ExportSummary()
    examples = _read_provenance(provenance_file)
    crises = _read_crises(crisis_file)
    trained = training_intents(nlu_dir, skip=nlu_file)
    for row in _labelled(engine):
        if row.decision not in ("confirm", "correct") or row.intent in NOT_EXPORTED:
            summary.skipped += 1
            continue
        cleaned = deidentify(row.text, _names(engine, row.conversation_id))
        if cleaned.refused:
            summary.refused.append(f"a message labelled {row.intent}: {cleaned.refused}")
            continue
        key = normalize(cleaned.text)
        if not key:
            continue
        when = _iso(row.labeled_at)
        if row.intent == CRISIS_INTENT:
            if key not in crises:
                summary.crises += 1
            crises[key] = {"text": cleaned.text, "labeled_by": row.labeled_by, "labeled_at": when}
            continue
        if trained.get(key, row.intent) != row.intent:
            summary.clashes.append((cleaned.text, row.intent, trained[key]))
            continue
        before = examples.get(key)
        if before is None:
            summary.new[row.intent] += 1
        elif before.intent != row.intent:
            summary.changed += 1
        examples[key] = Example(cleaned.text, row.intent, row.labeled_by, when)
    if examples:  # no file at all until there is something to train on
        _write_nlu(nlu_file, examples.values())
        _write_provenance(provenance_file, examples.values())
    if crises:
        _write_crises(crisis_file, crises)
    return summary
