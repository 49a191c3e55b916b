"""Settings fail fast with the variable's name and the fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, get_settings


@pytest.fixture(autouse=True)
def fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("BOT_PORT", "eighty", "BOT_PORT: value is not a valid integer"),
        ("RASA_PORT", "70000", "RASA_PORT"),
        ("RASA_AUTH_TOKEN", "short", "RASA_AUTH_TOKEN: must be at least 16 characters"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL: must be one of"),
    ],
)
def test_bad_variable_is_named(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=message):
        get_settings()


def test_token_is_generated_once_and_kept_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    settings = get_settings()
    token = settings.auth_token()
    assert len(token) >= 32 and settings.auth_token() == token
    assert (tmp_path / "secrets" / "rasa_auth_token").stat().st_mode & 0o077 == 0


def test_rasa_environment_points_at_the_same_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "x.db"))
    monkeypatch.setenv("ACTION_PORT", "6001")
    env = get_settings().rasa_environment()
    assert env["TRACKER_DB"] == str(tmp_path / "x.db")
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:6001/webhook"
