"""The NLU evaluation sets (`make evaluate`; docs/nlu.md).

- ``sealed``: tests/data/nlu_sealed/, written before any tuning by helpers who saw only the intent
  definitions; never trained or tuned on.
- ``dev``: tests/data/nlu_dev/, written the same way by another helper; thresholds and pipeline
  settings are chosen here.
- ``holdout``: tests/data/nlu_holdout/, the older split written together with the training data.
- ``public``: off-topic rejection on CLINC150 (Larson et al., EMNLP 2019, CC BY 3.0), read from its
  mirror when present (never committed, never trained on; training uses a different public set).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

# Annotated entities in Rasa's format: "[Aetna](insurance)" -> "Aetna".
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
# The crisis intents are measured by `make eval-safety`, not here.
SAFETY_INTENTS = frozenset({"crisis", "risk_possible"})
PUBLIC_MIRROR = Path("/work/.mirror/clinc+oos-eval/repo")
# CLINC150 intents that are not off-topic for this assistant: replies it has labels for (yes, no,
# hello, bye, thanks, cancel, repeat, "are you a bot", "what can I ask"), questions about the user's
# own insurance, meetings and reminders an enrolled client may mean as ours, and "who do you work for".
CLINC_NOT_OFF_TOPIC = frozenset(
    {
        "are_you_a_bot",
        "cancel",
        "goodbye",
        "greeting",
        "maybe",
        "no",
        "yes",
        "repeat",
        "thank_you",
        "what_can_i_ask_you",
        "who_made_you",
        "who_do_you_work_for",
        "change_language",
        "insurance",
        "insurance_change",
        "meeting_schedule",
        "schedule_meeting",
        "reminder",
        "reminder_update",
        "calendar",
        "calendar_update",
    }
)
CLINC_PER_INTENT = 10


class EvaluationDataError(ValueError):
    """A set is missing or malformed; the message says which file and how to fix it."""


@dataclass(frozen=True)
class Labelled:
    text: str
    intent: str


def load_rasa_nlu(directory: Path, exclude: Sequence[str] = tuple(SAFETY_INTENTS)) -> List[Labelled]:
    """Every example of every intent block in a directory of Rasa NLU YAML files."""
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise EvaluationDataError(f"{directory}: no .yml files; the evaluation sets are committed under tests/data/")
    items: List[Labelled] = []
    for path in files:
        try:
            blocks = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark else ""
            problem = getattr(exc, "problem", None) or "unreadable"
            raise EvaluationDataError(f"{path}: not valid YAML ({where}{problem}); restore it with git checkout") from exc
        for block in blocks:
            intent = block.get("intent") if isinstance(block, dict) else None
            if not intent or intent in exclude:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    items.append(Labelled(_ANNOTATION.sub(r"\1", line[2:].strip()), intent))
    return items


def distinct(items: Sequence[Labelled]) -> List[Labelled]:
    """The first of each text (case and spacing ignored): a set written by several people repeats "yes"."""
    seen: Dict[str, Labelled] = {}
    for item in items:
        seen.setdefault(" ".join(item.text.lower().split()), item)
    return list(seen.values())


def plain(text: str) -> str:
    """Case, apostrophes and punctuation folded: how a message is compared with the training data."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", re.sub(r"['’]", "", text.casefold())).split())


def training_texts(nlu_data: Path) -> frozenset:
    """Every example in the NLU training data (data/nlu/ and its subfolders), folded by ``plain``."""
    directories = sorted({path.parent for path in nlu_data.rglob("*.yml")})
    return frozenset(plain(item.text) for directory in directories for item in load_rasa_nlu(directory, exclude=()))


def public_mirror() -> Optional[Path]:
    path = Path(os.environ.get("PUBLIC_NLU_MIRROR") or PUBLIC_MIRROR)
    return path if (path / ".git").exists() or (path / "HEAD").exists() or (path / "data").exists() else None


def _clinc_data(mirror: Path) -> Dict[str, list]:
    on_disk = mirror / "data" / "data_full.json"
    if on_disk.exists():
        return json.loads(on_disk.read_text(encoding="utf-8"))
    shown = subprocess.run(["git", "-C", str(mirror), "show", "HEAD:data/data_full.json"], capture_output=True, check=False)
    if shown.returncode != 0:
        raise EvaluationDataError(
            f"{mirror}: data/data_full.json not found; fetch github:clinc/oos-eval or set PUBLIC_NLU_MIRROR"
        )
    return json.loads(shown.stdout)


def load_clinc_off_topic(mirror: Path) -> List[str]:
    """CLINC150's out-of-scope test queries, and the first few test queries of each of its 150
    intents that are off-topic here (banking, travel, cooking, small talk...)."""
    data = _clinc_data(mirror)
    texts = [text for text, _ in data["oos_test"]]
    taken: Dict[str, int] = {}
    for text, intent in data["test"]:
        if intent in CLINC_NOT_OFF_TOPIC or taken.get(intent, 0) >= CLINC_PER_INTENT:
            continue
        taken[intent] = taken.get(intent, 0) + 1
        texts.append(text)
    return texts
