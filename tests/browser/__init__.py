"""Real-browser tests: Debian's headless Chromium driven by Playwright against the real web app.

Fixtures are in conftest.py. Helpers for the tests themselves are here:
``from tests.browser import screenshot``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """Saves the page as var/screenshots/<name>.png (var/ is git-ignored) and returns the path."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "screenshot"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
