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
        ("ACTION_SERVER_TOKEN", "short", "ACTION_SERVER_TOKEN: must be at least 16 characters"),
        ("ALLOWED_ORIGINS", "*", "ALLOWED_ORIGINS: '\\*' is not an origin"),
        (
            "ALLOWED_ORIGINS",
            "https://ok.example, https://site.example/chat",
            "ALLOWED_ORIGINS: 'https://site.example/chat' is not an origin",
        ),
        ("ALLOWED_ORIGINS", "site.example", "ALLOWED_ORIGINS: 'site.example' is not an origin"),
        ("MAX_MESSAGE_CHARS", "10", "MAX_MESSAGE_CHARS"),
        ("TRUSTED_PROXIES", "10.0.0.2, proxy.local", "TRUSTED_PROXIES: 'proxy.local' is not an IP address"),
        ("DB_BUSY_TIMEOUT_SECONDS", "0", "DB_BUSY_TIMEOUT_SECONDS"),
        ("DATABASE_URL", "mysql://db.example/companion", "DATABASE_URL: give a PostgreSQL URL"),
        ("REDIS_URL", "127.0.0.1:6379", "REDIS_URL: give a Redis URL"),
        ("REDIS_URL", "redis://127.0.0.1:6379/one", "REDIS_URL: the port and the database number"),
        ("RABBITMQ_URL", "127.0.0.1:5672", "RABBITMQ_URL: give a RabbitMQ URL"),
        ("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:port/", "RABBITMQ_URL: the port of a RabbitMQ URL is a number"),
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
    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'x.db'}"
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:6001/webhook"
    assert env["LOCK_STORE_TYPE"] == "in_memory"
    assert env["EVENT_BROKER_URL"] == ""  # no event broker


def test_the_web_app_reaches_rasa_on_this_host_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_PORT", "5105")
    assert get_settings().rasa_url == "http://127.0.0.1:5105"
    get_settings.cache_clear()
    monkeypatch.setenv("RASA_URL", "http://companion-rasa:5005/")
    assert get_settings().rasa_url == "http://companion-rasa:5005"


def test_the_production_profile_is_chosen_by_its_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://companion:s%40cret@db.internal:5433/companion")
    monkeypatch.setenv("REDIS_URL", "redis://:p%40ss@cache.internal:6380/2")
    monkeypatch.setenv("RABBITMQ_URL", "amqps://companion:s3cret@mq.internal:5671/companion")
    settings = get_settings()
    assert settings.database_url == "postgresql+psycopg2://companion:s%40cret@db.internal:5433/companion"
    env = settings.rasa_environment()
    assert env["DATABASE_URL"] == settings.database_url
    assert {key: env[key] for key in ("LOCK_STORE_TYPE", "LOCK_STORE_URL")} == {
        "LOCK_STORE_TYPE": "bot.rasa.lock_store.AtomicRedisLockStore",
        "LOCK_STORE_URL": "redis://:p%40ss@cache.internal:6380/2",
    }
    assert env["EVENT_BROKER_URL"] == "amqps://companion:s3cret@mq.internal:5671/companion"


def test_only_the_demo_page_may_open_the_chat_unless_sites_are_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_PORT", "8123")
    monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    assert get_settings().cors_origins == ["http://127.0.0.1:8123", "http://localhost:8123"]
    get_settings.cache_clear()
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://www.center.example, https://chat.center.example:8443")
    assert get_settings().cors_origins == ["https://www.center.example", "https://chat.center.example:8443"]


def test_rasa_gets_the_action_server_s_secret_and_its_address(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("ACTION_HOST", "0.0.0.0")
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    env = get_settings().rasa_environment()
    assert env["ACTION_SERVER_URL"].startswith("http://127.0.0.1:")
    assert env["ACTION_SERVER_TOKEN"] == (tmp_path / "secrets" / "action_server_token").read_text().strip()
    assert len(env["ACTION_SERVER_TOKEN"]) >= 32
