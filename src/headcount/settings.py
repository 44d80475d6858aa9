"""Every setting, validated once at start-up (SPEC §7)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_FILE = Path(".headcount-secret")
_DURATION = re.compile(r"^(\d+)([smhd]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class SettingsError(Exception):
    """Start-up refused: one line per bad variable."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///./headcount.db", alias="DATABASE_URL")
    redis_url: str | None = Field(None, alias="REDIS_URL")
    redis_host: str | None = Field(None, alias="REDIS_HOST")
    redis_port: int = Field(6379, alias="REDIS_PORT", ge=1, le=65535)
    jwt_secret: str | None = Field(None, alias="JWT_SECRET", min_length=32)
    jwt_expires_in: int = Field(7 * 86400, alias="JWT_EXPIRES_IN")
    env: Literal["development", "production", "test"] = Field(
        "development", validation_alias=AliasChoices("NODE_ENV", "APP_ENV")
    )
    cors_origin: Annotated[list[str], NoDecode] = Field(
        ["http://localhost:5173"], alias="CORS_ORIGIN"
    )
    host: str = Field("127.0.0.1", alias="HOST")
    port: int = Field(3000, alias="PORT", ge=0, le=65535)
    redis_ttl: int = Field(3600, alias="REDIS_TTL", ge=60, le=86400)
    bcrypt_rounds: int = Field(10, alias="BCRYPT_ROUNDS", ge=4, le=16)
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        "info", alias="LOG_LEVEL"
    )
    log_format: Literal["console", "json"] | None = Field(None, alias="LOG_FORMAT")
    log_dir: Path | None = Field(None, alias="LOG_DIR")
    db_timeout: float = Field(5.0, alias="DB_TIMEOUT", gt=0, le=300)
    metrics_token: str | None = Field(None, alias="METRICS_TOKEN")
    rate_limit_signup: str = Field("300/minute;3000/hour", alias="RATE_LIMIT_SIGNUP")
    rate_limit_login_email: str = Field("10/minute;50/hour", alias="RATE_LIMIT_LOGIN_EMAIL")
    rate_limit_login_address: str = Field("300/minute", alias="RATE_LIMIT_LOGIN_ADDRESS")
    rate_limit_checkin_code: str = Field("5/minute", alias="RATE_LIMIT_CHECKIN_CODE")
    live_marks: Literal["own", "class"] = Field("own", alias="LIVE_MARKS")
    max_sockets_per_user: int = Field(16, alias="MAX_SOCKETS_PER_USER", ge=1, le=100_000)
    excused_counts_against_rate: bool = Field(True, alias="EXCUSED_COUNTS_AGAINST_RATE")
    handshake_timeout: float = Field(10.0, alias="HANDSHAKE_TIMEOUT", gt=0, le=300)
    ws_ping_interval: float = Field(30.0, alias="WS_PING_INTERVAL", gt=0, le=3600)
    max_header_bytes: int = Field(16 * 1024, alias="MAX_HEADER_BYTES", ge=1024, le=1024 * 1024)
    max_connections: int | None = Field(None, alias="MAX_CONNECTIONS", ge=1)
    max_connections_per_address: int = Field(5000, alias="MAX_CONNECTIONS_PER_ADDRESS", ge=0)
    signup: Literal["open", "students", "closed"] | None = Field(None, alias="SIGNUP")
    signup_domains: Annotated[list[str], NoDecode] = Field([], alias="SIGNUP_DOMAINS")
    setup_code_days: int = Field(14, alias="SETUP_CODE_DAYS", ge=1, le=365)
    max_classes_per_teacher: int = Field(200, alias="MAX_CLASSES_PER_TEACHER", ge=1, le=100_000)
    smtp_url: str | None = Field(None, alias="SMTP_URL")
    mail_from: str = Field("headcount@localhost", alias="MAIL_FROM", max_length=254)
    webhooks_allow_private: bool = Field(False, alias="WEBHOOKS_ALLOW_PRIVATE")
    webhook_retry_hours: float = Field(24.0, alias="WEBHOOK_RETRY_HOURS", gt=0, le=168)
    webhook_timeout: float = Field(10.0, alias="WEBHOOK_TIMEOUT", gt=0, le=120)
    webhook_lease_seconds: float = Field(60.0, alias="WEBHOOK_LEASE_SECONDS", ge=1, le=3600)
    # Days `headcount db prune` keeps of the audit trail; 0 keeps it forever.
    audit_retention_days: int = Field(0, alias="AUDIT_RETENTION_DAYS", ge=0, le=36_500)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://")):
            raise ValueError("must start with redis:// or rediss://")
        return value or None

    @field_validator("jwt_expires_in", mode="before")
    @classmethod
    def _duration(cls, value: object) -> int:
        match = _DURATION.match(str(value).strip())
        if not match or int(match.group(1)) == 0:
            raise ValueError("must be a positive number of seconds, or a number with s, m, h or d")
        return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]

    @field_validator("cors_origin", mode="before")
    @classmethod
    def _origins(cls, value: object) -> list[str]:
        items = value if isinstance(value, list) else str(value).split(",")
        origins = [str(item).strip().rstrip("/") for item in items if str(item).strip()]
        for origin in origins:
            parts = urlsplit(origin)
            if origin != "*" and (parts.scheme not in ("http", "https") or not parts.netloc):
                raise ValueError(f"{origin!r} is not a URL (a comma-separated list of URLs)")
        if not origins:
            raise ValueError("must be a URL or a comma-separated list of URLs")
        return origins

    @field_validator(
        "rate_limit_signup",
        "rate_limit_login_email",
        "rate_limit_login_address",
        "rate_limit_checkin_code",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError:
            raise ValueError("must be like 10/minute, or several joined by ;") from None
        return value

    @field_validator("signup_domains", mode="before")
    @classmethod
    def _domains(cls, value: object) -> list[str]:
        items = value if isinstance(value, list) else str(value).split(",")
        domains = [str(item).strip().lower().lstrip("@") for item in items if str(item).strip()]
        for domain in domains:
            if "." not in domain or any(char.isspace() or char == "@" for char in domain):
                raise ValueError(f"{domain!r} is not an e-mail domain (a comma-separated list)")
        return domains

    @field_validator("log_level", "env", "log_format", "live_marks", "signup", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def effective_redis_url(self) -> str | None:
        if self.redis_url:
            return self.redis_url
        if self.redis_host:
            return f"redis://{self.redis_host}:{self.redis_port}/0"
        return None

    @property
    def effective_signup(self) -> Literal["open", "students", "closed"]:
        """Production takes teachers from an administrator or an import, never a sign-up."""
        if self.signup is not None:
            return self.signup
        return "students" if self.env == "production" else "open"

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("console" if self.env == "development" else "json")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secret(self) -> str:
        assert self.jwt_secret is not None, "load_settings() always sets the secret"
        return self.jwt_secret


def _variable(error_loc: tuple[int | str, ...]) -> str:
    field_name = str(error_loc[0]) if error_loc else ""
    field = Settings.model_fields.get(field_name)
    if field is None:
        return field_name.upper()
    if field.alias:
        return field.alias
    choices = field.validation_alias
    return str(choices.choices[0]) if isinstance(choices, AliasChoices) else field_name.upper()


def _keep_secret(path: Path) -> str:
    """Development only: one random secret per working directory, kept across restarts."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret


def load_settings(**overrides: object) -> Settings:
    """Read the environment (and `.env`), or raise SettingsError naming each bad variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = [
            f"{_variable(error['loc'])}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        ]
        raise SettingsError(lines) from None
    if settings.jwt_secret is None:
        if settings.env == "production":
            raise SettingsError(["JWT_SECRET: required in production (at least 32 characters)"])
        settings.jwt_secret = _keep_secret(SECRET_FILE)
    return settings
