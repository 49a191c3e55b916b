"""Configuration: environment variables read once into a validated settings object.

Every process (the supervisor, Rasa, the action server, the web app) reads the same variables, so
defaults live here only; `python -m bot rasa ...` hands them to Rasa as the ${VAR}s its YAML uses.
"""
from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

from pydantic import BaseSettings, Field, ValidationError, validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A configuration variable is wrong; the message says which and how to fix it."""


class Settings(BaseSettings):
    host: str = Field("127.0.0.1", env="BOT_HOST")
    web_port: int = Field(8080, env="BOT_PORT", ge=1, le=65535)
    rasa_port: int = Field(5005, env="RASA_PORT", ge=1, le=65535)
    action_port: int = Field(5055, env="ACTION_PORT", ge=1, le=65535)
    var_dir: Path = Field(PROJECT_ROOT / "var", env="VAR_DIR")
    database_path: Optional[Path] = Field(None, env="DATABASE_PATH")
    program_data_dir: Path = Field(PROJECT_ROOT / "data" / "program", env="PROGRAM_DATA_DIR")
    model_dir: Path = Field(PROJECT_ROOT / "models", env="MODEL_DIR")
    rasa_auth_token: Optional[str] = Field(None, env="RASA_AUTH_TOKEN")
    log_level: str = Field("INFO", env="LOG_LEVEL")

    class Config:
        env_file = PROJECT_ROOT / ".env"
        case_sensitive = False

    @validator("rasa_auth_token")
    def _long_enough(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and len(value) < 16:
            raise ValueError("must be at least 16 characters (try: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @validator("log_level")
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @property
    def database(self) -> Path:
        return self.database_path or self.var_dir / "companion.db"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"

    @property
    def action_server_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def auth_token(self) -> str:
        """RASA_AUTH_TOKEN, or a random one made on first use and kept under var/ (mode 0600)."""
        if self.rasa_auth_token:
            return self.rasa_auth_token
        path = self.var_dir / "secrets" / "rasa_auth_token"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(32))
        return path.read_text().strip()

    def rasa_environment(self) -> Dict[str, str]:
        """The ${VAR}s that endpoints.yml and credentials.yml read."""
        return {
            "ACTION_SERVER_URL": self.action_server_url,
            "TRACKER_DB": str(self.database),
            "PROGRAM_DATA_DIR": str(self.program_data_dir),
            "VAR_DIR": str(self.var_dir),
        }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0])
            env = Settings.__fields__[field].field_info.extra.get("env", field.upper())
            lines.append(f"  - {env}: {error['msg']}")
        raise SettingsError("Configuration is invalid:\n" + "\n".join(lines) + "\nFix the variable (or .env) and start again.") from None
