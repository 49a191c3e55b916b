"""Shared fixtures: the real demo data, a scratch copy to break, a real SQLite database."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

import actions.common
from bot.answer_book import load_answer_book
from bot.program.answers import AnswerBook
from bot.settings import PROJECT_ROOT, get_settings

# PostgreSQL and Redis on loopback for the production profile's tests (``postgres``, ``redis_url``).
pytest_plugins = ["tests.servers"]

DEMO_PROGRAM = PROJECT_ROOT / "data" / "program"


@pytest.fixture(scope="session", autouse=True)
def one_address_for_every_chat() -> Iterator[None]:
    """Every test chat comes from 127.0.0.1, hundreds a minute: the per-address limit would slow
    them down. It has its own tests (tests/bot/rasa/channels/test_guard.py); the per-conversation limit
    stays on everywhere."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RATE_PER_ADDRESS", "1000000")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def book() -> AnswerBook:
    return load_answer_book(DEMO_PROGRAM)


@pytest.fixture
def program_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo program data, for tests that edit it."""
    target = tmp_path / "program"
    shutil.copytree(DEMO_PROGRAM, target)
    return target


@pytest.fixture
def service_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, program_copy: Path) -> Iterator[Path]:
    """Points the settings at a scratch database and data copy; resets the actions' resources."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "var" / "test.db"))
    monkeypatch.setenv("PROGRAM_DATA_DIR", str(program_copy))
    get_settings.cache_clear()
    actions.common._resources = None
    yield tmp_path / "var" / "test.db"
    get_settings.cache_clear()
    actions.common._resources = None
