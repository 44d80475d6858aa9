"""SPEC §7: settings come from the environment or `.env`; bad values stop start-up, one line each.

These start their own `headcount serve` processes on SQLite: configuration does not depend on
the database kind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from tests.contract.helpers import ok
from tests.support.backends import Backend
from tests.support.client import PASSWORD, Api
from tests.support.server import ServerProcess, free_port, server_env, start_server

CONFIGURED_ORIGINS = ("http://a.example", "https://b.example:8443")


def env_for(workdir: Path, **changes: str | None) -> dict[str, str]:
    """The test server's environment on a fresh SQLite file; `None` removes a variable."""
    env = server_env(f"sqlite:///{workdir / 'headcount.db'}")
    for key in ("APP_ENV", "PORT", "HOST", "REDIS_HOST", "REDIS_PORT", "REDIS_TTL", "LOG_DIR"):
        env.pop(key, None)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def refused(workdir: Path, env: dict[str, str]) -> list[str]:
    """Run `headcount serve`, expect it to refuse to start, and return its output lines."""
    command = [sys.executable, "-m", "headcount", "serve", "--host", "127.0.0.1"]
    result = subprocess.run(
        [*command, "--port", str(free_port())],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    return output.splitlines()


def assert_named_once(lines: list[str], variable: str) -> None:
    naming = [line for line in lines if variable in line]
    assert len(naming) == 1, (variable, lines)


def register(http: httpx.Client) -> tuple[dict[str, str], str]:
    email = f"config-{uuid.uuid4().hex[:12]}@school.example.com"
    body = {"name": "Config", "email": email, "password": PASSWORD, "role": "teacher"}
    user = ok(http.post("/auth/signup", json=body), 201)
    token = ok(http.post("/auth/login", json={"email": email, "password": PASSWORD}))["token"]
    return user, token


@pytest.mark.parametrize(
    "bad",
    [
        {
            "DATABASE_URL": "mysql://localhost/headcount",
            "REDIS_URL": "http://127.0.0.1:6379",
            "JWT_SECRET": "x" * 31,
            "JWT_EXPIRES_IN": "soon",
            "NODE_ENV": "staging",
            "CORS_ORIGIN": "not a url",
            "REDIS_TTL": "59",
            "BCRYPT_ROUNDS": "3",
        },
        {"JWT_EXPIRES_IN": "7 days", "REDIS_TTL": "86401", "BCRYPT_ROUNDS": "17"},
        {"JWT_EXPIRES_IN": "7w", "BCRYPT_ROUNDS": "ten"},
        {"REDIS_TTL": "60.5"},
    ],
    ids=["many", "above-range", "bad-units", "fraction"],
)
def test_bad_values_stop_start_up_one_line_each(tmp_path: Path, bad: dict[str, str]) -> None:
    lines = refused(tmp_path, env_for(tmp_path, **bad))
    for variable in bad:
        assert_named_once(lines, variable)


@pytest.mark.parametrize("variable", ["NODE_ENV", "APP_ENV"])
def test_production_requires_a_jwt_secret(tmp_path: Path, variable: str) -> None:
    changes: dict[str, str | None] = {"NODE_ENV": None, "JWT_SECRET": None}
    env = env_for(tmp_path, **{**changes, variable: "production"})
    assert_named_once(refused(tmp_path, env), "JWT_SECRET")


def test_dot_env_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("REDIS_TTL=5\n")
    assert_named_once(refused(tmp_path, env_for(tmp_path)), "REDIS_TTL")


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    env = env_for(tmp_path, NODE_ENV="development", JWT_SECRET=None)
    server = ServerProcess(Backend("sqlite", env["DATABASE_URL"]), free_port(), tmp_path, env)
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=15) as http:
            user, token = register(http)
        secret = (tmp_path / ".headcount-secret").read_text().strip()
        assert len(secret) >= 32
        assert jwt.decode(token, secret, algorithms=["HS256"])["userId"] == user["id"]
        server.restart()
        with httpx.Client(base_url=server.base_url, timeout=15) as http:
            assert ok(http.get("/auth/me", headers={"Authorization": token})) == user
    finally:
        server.stop()
    assert (tmp_path / ".headcount-secret").read_text().strip() == secret


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with lifetime, origins and log directory set."""
    workdir = tmp_path_factory.mktemp("configured")
    backend = Backend("sqlite", f"sqlite:///{workdir / 'headcount.db'}")
    env = {
        "JWT_EXPIRES_IN": "90m",
        "CORS_ORIGIN": ",".join(CONFIGURED_ORIGINS),
        "LOG_DIR": str(workdir / "logs"),
        "LOG_LEVEL": "info",
    }
    with start_server(backend, workdir=workdir, env=env) as server:
        yield server


@pytest.fixture
def configured_http(configured: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=configured.base_url, timeout=15) as http:
        yield http


def test_jwt_expires_in_sets_the_token_lifetime(configured_http: httpx.Client) -> None:
    _, token = register(configured_http)
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["exp"] - payload["iat"] == 90 * 60


@pytest.mark.parametrize("origin", CONFIGURED_ORIGINS)
def test_cors_allows_each_configured_origin(configured_http: httpx.Client, origin: str) -> None:
    response = configured_http.options(
        "/auth/login",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://evil.example"])
def test_cors_refuses_other_origins(configured_http: httpx.Client, origin: str) -> None:
    response = configured_http.get("/healthz", headers={"Origin": origin})
    assert ok(response) == {"status": "ok"}
    assert "access-control-allow-origin" not in response.headers


async def test_cors_default_origin(api: Api) -> None:
    allowed = await api.http.get("/healthz", headers={"Origin": "http://localhost:5173"})
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:5173"
    other = await api.http.get("/healthz", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_log_dir_gets_combined_and_error_logs(
    configured: ServerProcess, configured_http: httpx.Client
) -> None:
    register(configured_http)
    logs = configured.workdir / "logs"
    assert (logs / "error.log").exists()
    lines = (logs / "combined.log").read_text().splitlines()
    assert lines
    assert all(isinstance(json.loads(line), dict) for line in lines), lines[:5]
