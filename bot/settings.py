"""Configuration: environment variables read once into a validated settings object.

Every process (the supervisor, Rasa, the action server, the web app) reads the same variables, so
defaults live here only; `python -m bot rasa ...` hands them to Rasa as the ${VAR}s its YAML uses.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl, BaseSettings, Field, ValidationError, root_validator, validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A configuration variable is wrong; the message says which and how to fix it."""


class Settings(BaseSettings):
    host: str = Field("127.0.0.1", env="BOT_HOST")
    web_port: int = Field(8080, env="BOT_PORT", ge=1, le=65535)
    rasa_port: int = Field(5005, env="RASA_PORT", ge=1, le=65535)
    action_port: int = Field(5055, env="ACTION_PORT", ge=1, le=65535)
    # The action server answers only Rasa: loopback by default, and a shared secret on every call.
    action_host: str = Field("127.0.0.1", env="ACTION_HOST")
    action_server_token: Optional[str] = Field(None, env="ACTION_SERVER_TOKEN")
    # How long Rasa waits for an action before telling the person to send it again (Rasa's own: 5 min).
    action_timeout_seconds: float = Field(15.0, env="ACTION_TIMEOUT_SECONDS", gt=0, le=300)
    # Sites whose pages may open the chat (socket.io and Rasa's CORS), comma-separated origins;
    # unset: the web app's own demo page only.
    allowed_origins: Optional[str] = Field(None, env="ALLOWED_ORIGINS")
    # Bounds at the chat channels (bot/rasa/channels/guard.py): message length, messages a minute per
    # conversation and per network address (a crisis message is never turned away).
    max_message_chars: int = Field(4000, env="MAX_MESSAGE_CHARS", ge=100, le=20000)
    # Reverse proxies in front of the web app whose X-Forwarded-For is believed (comma-separated IPs).
    trusted_proxies: Optional[str] = Field(None, env="TRUSTED_PROXIES")
    rate_per_sender: int = Field(20, env="RATE_PER_SENDER", ge=1)
    rate_per_address: int = Field(120, env="RATE_PER_ADDRESS", ge=1)
    var_dir: Path = Field(PROJECT_ROOT / "var", env="VAR_DIR")
    database_path: Optional[Path] = Field(None, env="DATABASE_PATH")
    # The production profile (docs/operations.md): PostgreSQL for Rasa's events and our tables
    # (postgresql://user:password@host:5432/name), and Redis for Rasa's lock store
    # (redis://[:password@]host:6379/db), so several Rasa instances can serve one conversation.
    # Unset: the embedded default, SQLite under VAR_DIR and an in-process lock store.
    database_url_setting: Optional[str] = Field(None, env="DATABASE_URL")
    redis_url: Optional[str] = Field(None, env="REDIS_URL")
    # RabbitMQ as Rasa's event broker (amqp://user:password@host:5672/vhost): every instance's
    # events go to one queue, which the console's live views listen to (bot/records/event_feed.py).
    rabbitmq_url: Optional[str] = Field(None, env="RABBITMQ_URL")
    # Where the web app reaches Rasa when it is not on this host (a cluster's Rasa service).
    rasa_url_setting: Optional[AnyHttpUrl] = Field(None, env="RASA_URL")
    program_data_dir: Path = Field(PROJECT_ROOT / "data" / "program", env="PROGRAM_DATA_DIR")
    # The meeting finder's feeds: sources.yml and the files it names (docs/meetings.md).
    meetings_dir: Path = Field(PROJECT_ROOT / "data" / "meetings", env="MEETINGS_DIR")
    model_dir: Path = Field(PROJECT_ROOT / "models", env="MODEL_DIR")
    # How long a database writer waits for another's lock; past it the tracker store journals the
    # turn and copies it in later, retrying every JOURNAL_RETRY_SECONDS (docs/operations.md, "Security and reliability").
    db_busy_timeout_seconds: float = Field(5.0, env="DB_BUSY_TIMEOUT_SECONDS", gt=0, le=60)
    journal_retry_seconds: float = Field(2.0, env="JOURNAL_RETRY_SECONDS", gt=0, le=300)
    # Which of `bot run --instances N`'s Rasa instances this is (set by the supervisor): each keeps
    # its own journal, since a journal has one writer.
    rasa_instance: int = Field(1, env="RASA_INSTANCE", ge=1, le=64)
    rasa_instances: int = Field(1, env="RASA_INSTANCES", ge=1, le=64)
    # How often the web app checks every crisis turn in the database against the escalations.
    reconcile_seconds: float = Field(60.0, env="RECONCILE_SECONDS", gt=0, le=3600)
    # The review inbox (docs/console.md): an answered message goes in when its top intent's
    # confidence is under REVIEW_CONFIDENCE or the next intent is within REVIEW_MARGIN of it.
    review_confidence: float = Field(0.9, env="REVIEW_CONFIDENCE", ge=0, le=1)
    review_margin: float = Field(0.1, env="REVIEW_MARGIN", ge=0, le=1)
    # Where the console's export button writes training data: a checkout of this project.
    review_export_root: Path = Field(PROJECT_ROOT, env="REVIEW_EXPORT_ROOT")
    rasa_auth_token: Optional[str] = Field(None, env="RASA_AUTH_TOKEN")
    log_level: str = Field("INFO", env="LOG_LEVEL")
    # Crisis escalations (docs/safety.md).
    escalation_webhook_url: Optional[AnyHttpUrl] = Field(None, env="ESCALATION_WEBHOOK_URL")
    escalation_backup_url: Optional[AnyHttpUrl] = Field(None, env="ESCALATION_BACKUP_URL")
    escalation_webhook_secret: Optional[str] = Field(None, env="ESCALATION_WEBHOOK_SECRET")
    escalation_ack_timeout_seconds: float = Field(300.0, env="ESCALATION_ACK_TIMEOUT_SECONDS", gt=0)
    escalation_retry_base_seconds: float = Field(2.0, env="ESCALATION_RETRY_BASE_SECONDS", gt=0)
    escalation_retry_max_seconds: float = Field(300.0, env="ESCALATION_RETRY_MAX_SECONDS", gt=0)
    escalation_include_text: bool = Field(False, env="ESCALATION_INCLUDE_TEXT")
    notifier_poll_seconds: float = Field(1.0, env="NOTIFIER_POLL_SECONDS", gt=0)
    public_url: Optional[AnyHttpUrl] = Field(None, env="PUBLIC_URL")
    # The Rasa server the website widget talks to (socket.io); unset: the page's own host, RASA_PORT.
    chat_server_url: Optional[AnyHttpUrl] = Field(None, env="CHAT_SERVER_URL")
    staff_api_token: Optional[str] = Field(None, env="STAFF_API_TOKEN")
    # Enrolled clients' chat tokens (docs/clients.md): signed with this secret (HS256).
    client_token_secret: Optional[str] = Field(None, env="CLIENT_TOKEN_SECRET")
    client_token_hours: float = Field(12.0, env="CLIENT_TOKEN_HOURS", gt=0, le=24 * 90)
    coping_dir: Path = Field(PROJECT_ROOT / "data" / "coping", env="COPING_DATA_DIR")
    # `python -m bot purge` removes conversations inactive for longer than this (bot/records/purge.py).
    retention_days: int = Field(90, env="RETENTION_DAYS", ge=1)
    # Live handoff (docs/console.md, "Live handoff"): how long a request for a person may wait before the
    # assistant says nobody could join and offers a callback; how often the web app checks; how long
    # a staff member's console may go quiet before their chat goes back to the assistant.
    handoff_wait_seconds: float = Field(180.0, env="HANDOFF_WAIT_SECONDS", gt=0, le=3600)
    handoff_poll_seconds: float = Field(2.0, env="HANDOFF_POLL_SECONDS", gt=0, le=60)
    handoff_abandon_seconds: float = Field(300.0, env="HANDOFF_ABANDON_SECONDS", ge=60, le=24 * 3600)

    class Config:
        env_file = PROJECT_ROOT / ".env"
        case_sensitive = False

    @validator("allowed_origins")
    def _origins(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        for origin in (part.strip() for part in value.split(",")):
            scheme, _, rest = origin.partition("://")
            if scheme not in ("http", "https") or not rest or "/" in rest or "*" in rest:
                raise ValueError(
                    f"{origin!r} is not an origin: give scheme and host (and port), e.g. https://www.example.org, comma-separated"
                )
        return value

    @validator("database_url_setting")
    def _database_url(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        scheme = value.partition("://")[0]
        if scheme in ("postgres", "postgresql"):
            return "postgresql+psycopg2://" + value.partition("://")[2]
        if scheme not in ("postgresql+psycopg2", "sqlite"):
            raise ValueError(
                "give a PostgreSQL URL, e.g. postgresql://companion:secret@127.0.0.1:5432/companion "
                "(or sqlite:////absolute/path.db); unset it for the embedded default"
            )
        return value

    @validator("redis_url")
    def _redis_url(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "redis" or not parts.hostname:
            raise ValueError("give a Redis URL, e.g. redis://127.0.0.1:6379/1 (redis://:password@host:6379/1 with a password)")
        try:
            int(parts.path.strip("/") or 0), parts.port
        except ValueError:
            raise ValueError(
                "the port and the database number of a Redis URL are numbers, e.g. redis://127.0.0.1:6379/1"
            ) from None
        return value

    @validator("rabbitmq_url")
    def _rabbitmq_url(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
            raise ValueError(
                "give a RabbitMQ URL, e.g. amqp://companion:secret@127.0.0.1:5672/%2F (the last part is the virtual host)"
            )
        try:
            _ = parts.port  # urlsplit checks the port only when asked
        except ValueError:
            raise ValueError("the port of a RabbitMQ URL is a number, e.g. amqp://companion:secret@127.0.0.1:5672/%2F") from None
        return value

    @validator("trusted_proxies")
    def _proxies(cls, value: Optional[str]) -> Optional[str]:
        if not value:
            return None
        for part in value.split(","):
            try:
                ipaddress.ip_address(part.strip())
            except ValueError:
                raise ValueError(f"{part.strip()!r} is not an IP address: list the proxies' addresses, comma-separated") from None
        return value

    @validator("rasa_auth_token", "staff_api_token", "escalation_webhook_secret", "action_server_token")
    def _long_enough(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and len(value) < 16:
            raise ValueError("must be at least 16 characters (try: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @validator("client_token_secret")
    def _strong_signing_key(cls, value: Optional[str]) -> Optional[str]:
        # RFC 7518 3.2: an HS256 key must be at least as long as the hash (32 bytes).
        if value is not None and len(value.encode()) < 32:
            raise ValueError("must be at least 32 characters (try: python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return value

    @validator("log_level")
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @root_validator(skip_on_failure=True)
    def _webhook_needs_secret(cls, values: dict) -> dict:
        if (values.get("escalation_webhook_url") or values.get("escalation_backup_url")) and not values.get(
            "escalation_webhook_secret"
        ):
            raise ValueError(
                "ESCALATION_WEBHOOK_SECRET must be set when ESCALATION_WEBHOOK_URL or ESCALATION_BACKUP_URL is: "
                "the receiver checks the HMAC-SHA256 signature made with it"
            )
        return values

    @property
    def database(self) -> Path:
        return self.database_path or self.var_dir / "companion.db"

    @property
    def database_url(self) -> str:
        """DATABASE_URL, or the embedded SQLite file."""
        return self.database_url_setting or f"sqlite:///{self.database}"

    def lock_store_environment(self) -> Dict[str, str]:
        """Rasa's lock store, as the ${VAR}s endpoints.yml reads: Redis with REDIS_URL
        (bot/rasa/lock_store.py), else in memory."""
        if not self.redis_url:
            return {"LOCK_STORE_TYPE": "in_memory", "LOCK_STORE_URL": ""}
        return {"LOCK_STORE_TYPE": "bot.rasa.lock_store.AtomicRedisLockStore", "LOCK_STORE_URL": self.redis_url}

    @property
    def meeting_sources_path(self) -> Path:
        return self.meetings_dir / "sources.yml"

    @property
    def action_server_url(self) -> str:
        host = "127.0.0.1" if self.action_host in ("0.0.0.0", "::", "") else self.action_host
        return f"http://{host}:{self.action_port}/webhook"

    @property
    def trusted_proxy_addresses(self) -> FrozenSet[str]:
        return (
            frozenset(str(ipaddress.ip_address(part.strip())) for part in self.trusted_proxies.split(","))
            if self.trusted_proxies
            else frozenset()
        )

    @property
    def cors_origins(self) -> List[str]:
        if self.allowed_origins:
            return [part.strip() for part in self.allowed_origins.split(",")]
        own = [f"http://{host}:{self.web_port}" for host in dict.fromkeys((self.host, "127.0.0.1", "localhost"))]
        return own + ([str(self.public_url).rstrip("/")] if self.public_url else [])

    @property
    def rasa_url(self) -> str:
        """Where the web app reaches Rasa's HTTP API (the live handoff): RASA_URL, else this host."""
        return str(self.rasa_url_setting).rstrip("/") if self.rasa_url_setting else f"http://127.0.0.1:{self.rasa_port}"

    @property
    def base_url(self) -> str:
        """Where staff reach the web app; links in notifications start with it."""
        return str(self.public_url or f"http://{self.host}:{self.web_port}").rstrip("/")

    def _secret(self, configured: Optional[str], name: str) -> str:
        """The configured value, or a random one made on first use and kept under var/ (mode 0600)."""
        if configured:
            return configured
        path = self.var_dir / "secrets" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(32))
        return path.read_text().strip()

    def auth_token(self) -> str:
        """RASA_AUTH_TOKEN, or a generated one under var/secrets/."""
        return self._secret(self.rasa_auth_token, "rasa_auth_token")

    def api_token(self) -> str:
        """STAFF_API_TOKEN (the web app's JSON API), or a generated one under var/secrets/."""
        return self._secret(self.staff_api_token, "staff_api_token")

    def action_token(self) -> str:
        """ACTION_SERVER_TOKEN (Rasa -> action server), or a generated one under var/secrets/."""
        return self._secret(self.action_server_token, "action_server_token")

    def client_token_key(self) -> str:
        """CLIENT_TOKEN_SECRET, or a generated one under var/secrets/ (shared by the CLI and Rasa)."""
        return self._secret(self.client_token_secret, "client_token_secret")

    def rasa_environment(self) -> Dict[str, str]:
        """The ${VAR}s that endpoints.yml and credentials.yml read."""
        return {
            "ACTION_SERVER_URL": self.action_server_url,
            "ACTION_SERVER_TOKEN": self.action_token(),
            "DATABASE_URL": self.database_url,
            **self.lock_store_environment(),
            "EVENT_BROKER_URL": self.rabbitmq_url or "",
            "PROGRAM_DATA_DIR": str(self.program_data_dir),
            "MEETINGS_DIR": str(self.meetings_dir),
            "COPING_DATA_DIR": str(self.coping_dir),
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
            if field not in Settings.__fields__:  # a rule across variables names them itself
                lines.append(f"  - {error['msg']}")
                continue
            env = Settings.__fields__[field].field_info.extra.get("env", field.upper())
            lines.append(f"  - {env}: {error['msg']}")
        raise SettingsError(
            "Configuration is invalid:\n" + "\n".join(lines) + "\nFix the variable (or .env) and start again."
        ) from None
