"""The `headcount` command as people run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.backends import Backend
from tests.support.server import server_env, start_server


def headcount(*args: str, cwd: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "headcount", *args],
        cwd=cwd,
        env=server_env(database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = headcount("--help", cwd=tmp_path, database_url="sqlite:///x.db")
    assert result.returncode == 0
    for command in ("serve", "db", "seed"):
        assert command in result.stdout


def test_db_commands(fresh_backend: Backend, tmp_path: Path) -> None:
    url = fresh_backend.database_url
    assert headcount("db", "upgrade", cwd=tmp_path, database_url=url).returncode == 0
    current = headcount("db", "current", cwd=tmp_path, database_url=url)
    assert current.stdout.strip().endswith("(head)")
    assert headcount("db", "downgrade", "0001", cwd=tmp_path, database_url=url).returncode == 0
    current = headcount("db", "current", cwd=tmp_path, database_url=url)
    assert current.stdout.strip() == "0001"
    assert headcount("db", "downgrade", "base", cwd=tmp_path, database_url=url).returncode == 0
    current = headcount("db", "current", cwd=tmp_path, database_url=url)
    assert current.stdout.strip() == ""


def test_seed_prints_logins_that_work(fresh_backend: Backend, tmp_path: Path) -> None:
    result = headcount(
        "seed", "--students", "3", cwd=tmp_path, database_url=fresh_backend.database_url
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    logins = [line.split()[1] for line in lines if line.startswith(("teacher", "student"))]
    assert len(logins) == 4
    class_id = lines[0].split("id=")[1]
    with start_server(fresh_backend, workdir=tmp_path, args=["--no-migrate"]) as server:
        token = httpx.post(
            f"{server.base_url}/auth/login", json={"email": logins[0], "password": "password123"}
        ).json()["data"]["token"]
        detail = httpx.get(f"{server.base_url}/class/{class_id}", headers={"Authorization": token})
    assert detail.status_code == 200
    assert [s["email"] for s in detail.json()["data"]["students"]] == logins[1:]


def test_admin_create_names_an_unknown_school(fresh_backend: Backend, tmp_path: Path) -> None:
    args = ("admin", "create", "--email", "a@x.example.org", "--name", "A", "--school", "nope")
    result = subprocess.run(
        [sys.executable, "-m", "headcount", *args],
        cwd=tmp_path,
        env=server_env(fresh_backend.database_url),
        input="secret-pass\nsecret-pass\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "no school or district 'nope'" in result.stderr


async def test_a_second_server_on_a_port_in_use_stops_and_the_first_serves_on(
    backend: Backend, tmp_path: Path
) -> None:
    """The first listens on several sockets sharing the port (listeners.py); that sharing must
    not let a second server in."""
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    with start_server(backend, tmp_path / "first") as server:
        second = headcount(
            "serve", "--port", str(server.port), "--no-migrate",
            cwd=tmp_path / "second", database_url=backend.database_url,
        )  # fmt: skip
        async with httpx.AsyncClient(base_url=server.base_url, trust_env=False) as http:
            answered = [(await http.get("/healthz")).status_code for _ in range(20)]
    assert second.returncode == 1, second.stderr
    assert f"Cannot listen on 127.0.0.1:{server.port}: Address already in use" in second.stderr
    assert answered == [200] * 20
