"""The public set: the Reddit C-SSRS Suicide Dataset (Gaur et al., WWW 2019; CC BY, Zenodo
10.5281/zenodo.2667859), read from a bare git mirror of the authors' repository. Never trained
on, never committed: `make eval-safety` reports it when the mirror is on the machine.

Each row is one Reddit user: all their posts and one expert label on the Columbia scale. A user
counts as at risk for Ideation, Behavior or Attempt; Supportive users are the comparison group
(Indicator users are left out: at-risk signs without ideation fit neither side). A user is caught
when the pipeline flags any one of their posts.
"""

from __future__ import annotations

import ast
import csv
import io
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

DEFAULT_MIRROR = Path("/work/.mirror/AmanuelF+Suicide-Risk-Assessment-using-Reddit")
CSV_PATH = "anonymized_dataset/500_Reddit_users_posts_labels.csv"
AT_RISK = frozenset({"Ideation", "Behavior", "Attempt"})
COMPARISON = frozenset({"Supportive"})
MAX_POST_CHARS = 2000  # the encoder reads 256 tokens; a longer post is judged on its start and sentences
NAME = "Reddit C-SSRS (Gaur et al. 2019, CC BY), per user"


@dataclass(frozen=True)
class User:
    posts: List[str]
    at_risk: bool


def _git_dir(mirror: Path) -> Path:
    for candidate in (mirror / "repo", mirror / ".git"):
        if candidate.is_dir():
            return candidate
    return mirror


def _posts(cell: str) -> List[str]:
    try:
        posts = ast.literal_eval(cell)
    except (ValueError, SyntaxError):  # a few cells were cut at a spreadsheet's cell limit
        posts = cell.strip().strip("[]").split("', '")
    return [str(p).strip().strip("'\"")[:MAX_POST_CHARS] for p in posts if str(p).strip()]


def load(mirror: Optional[Path] = None) -> Optional[List[User]]:
    """The users, or None when the mirror is not on this machine."""
    mirror = mirror or Path(os.environ.get("PUBLIC_SAFETY_MIRROR") or DEFAULT_MIRROR)
    if not mirror.exists():
        return None
    raw = subprocess.run(
        ["git", "--git-dir", str(_git_dir(mirror)), "show", f"HEAD:{CSV_PATH}"], check=True, capture_output=True
    ).stdout
    users = []
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")):
        label = row["Label"].strip()
        if label in AT_RISK or label in COMPARISON:
            users.append(User(_posts(row["Post"]), label in AT_RISK))
    return users
