"""SPEC §7: every setting validated, bad values named one per line, secrets handled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from headcount.settings import SettingsError, load_settings

ALL_VARIABLES = [
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_HOST",
    "REDIS_PORT",
    "JWT_SECRET",
    "JWT_EXPIRES_IN",
    "NODE_ENV",
    "APP_ENV",
    "CORS_ORIGIN",
    "HOST",
    "PORT",
    "REDIS_TTL",
    "BCRYPT_ROUNDS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "LOG_DIR",
    "DB_TIMEOUT",
    "HANDSHAKE_TIMEOUT",
    "MAX_HEADER_BYTES",
    "MAX_CONNECTIONS",
    "MAX_CONNECTIONS_PER_ADDRESS",
]
SECRET = "s" * 32


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///./headcount.db"
    assert settings.effective_redis_url is None
    assert settings.jwt_expires_in == 7 * 86400
    assert settings.env == "development"
    assert settings.cors_origin == ["http://localhost:5173"]
    assert (settings.host, settings.port) == ("127.0.0.1", 3000)
    assert (settings.redis_ttl, settings.bcrypt_rounds) == (3600, 10)
    assert (settings.log_level, settings.effective_log_format) == ("info", "console")
    assert (settings.handshake_timeout, settings.max_header_bytes) == (10.0, 16384)
    assert (settings.max_connections, settings.max_connections_per_address) == (None, 5000)


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings().secret
    assert len(first) >= 32
    assert (tmp_path / ".headcount-secret").read_text().strip() == first
    assert load_settings().secret == first


def test_production_requires_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_ENV", "production")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert refused.value.lines == ["JWT_SECRET: required in production (at least 32 characters)"]
    monkeypatch.setenv("JWT_SECRET", SECRET)
    assert load_settings().effective_log_format == "json"


@pytest.mark.parametrize(
    ("value", "seconds"), [("90", 90), ("45s", 45), ("15m", 900), ("2h", 7200), ("7d", 604800)]
)
def test_jwt_expires_in_units(monkeypatch: pytest.MonkeyPatch, value: str, seconds: int) -> None:
    monkeypatch.setenv("JWT_EXPIRES_IN", value)
    assert load_settings().jwt_expires_in == seconds


def test_app_env_is_an_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "test")
    assert load_settings().env == "test"


def test_redis_host_and_port_make_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_HOST", "cache.internal")
    monkeypatch.setenv("REDIS_PORT", "6380")
    assert load_settings().effective_redis_url == "redis://cache.internal:6380/0"


def test_cors_origin_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGIN", "https://a.example, https://b.example/")
    assert load_settings().cors_origin == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "http://x"),
        ("JWT_SECRET", "short"),
        ("JWT_EXPIRES_IN", "7 weeks"),
        ("NODE_ENV", "staging"),
        ("CORS_ORIGIN", "not a url"),
        ("PORT", "http"),
        ("REDIS_TTL", "59"),
        ("BCRYPT_ROUNDS", "17"),
        ("LOG_LEVEL", "loud"),
        ("LOG_FORMAT", "xml"),
        ("HANDSHAKE_TIMEOUT", "0"),
        ("MAX_HEADER_BYTES", "512"),
        ("MAX_CONNECTIONS", "0"),
        ("MAX_CONNECTIONS_PER_ADDRESS", "-1"),
    ],
)
def test_a_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert len(refused.value.lines) == 1
    assert refused.value.lines[0].startswith(f"{name}: ")


def test_start_up_refused_with_one_line_per_bad_variable(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PORT": "x", "BCRYPT_ROUNDS": "99", "JWT_SECRET": SECRET}
    result = subprocess.run(
        [sys.executable, "-m", "headcount", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert sorted(line.split(":")[0] for line in lines) == ["BCRYPT_ROUNDS", "PORT"]
    assert "Traceback" not in result.stderr


def test_several_workers_need_postgresql(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "headcount", "serve", "--workers", "2"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "JWT_SECRET": SECRET},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--workers > 1 needs PostgreSQL" in result.stderr
