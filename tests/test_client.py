"""`headcount client` and `headcount cache`, driven as a person or a script would."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.redis_server import PrivateRedis
from tests.support.server import ServerProcess, start_server


def client(server: ServerProcess, home: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "HEADCOUNT_SERVER": server.base_url}
    result = subprocess.run(
        [sys.executable, "-m", "headcount", "client", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def data(output: str) -> dict[str, object]:
    parsed = json.loads(output)
    assert isinstance(parsed, dict)
    return parsed


def test_a_roll_call_from_the_terminal(server: ServerProcess, tmp_path: Path) -> None:
    teacher_home, student_home = tmp_path / "teacher", tmp_path / "student"
    stamp = str(time.time_ns())
    t_email, s_email = f"t{stamp}@cli.example.com", f"s{stamp}@cli.example.com"
    client(server, teacher_home, "signup", "Ms T", t_email, "--password", "secret-1")
    student = data(
        client(
            server,
            student_home,
            "signup",
            f"Kid {stamp}",
            s_email,
            "--role",
            "student",
            "--password",
            "secret-1",
        )
    )
    client(server, teacher_home, "login", t_email, "--password", "secret-1")
    client(server, student_home, "login", s_email, "--password", "secret-1")
    class_id = str(data(client(server, teacher_home, "create-class", "Terminal 101"))["id"])
    # Students are named by id, e-mail or full name (any case).
    roster = data(client(server, teacher_home, "add-student", class_id, f"KID {stamp}"))
    assert roster["studentIds"] == [student["id"]]
    client(server, teacher_home, "start", class_id)
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(student_home),
        "HEADCOUNT_SERVER": server.base_url,
    }
    watcher = subprocess.Popen(
        [sys.executable, "-m", "headcount", "client", "watch", "--count", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    marked = data(client(server, teacher_home, "mark", s_email.upper(), "late"))
    unknown = subprocess.run(
        [sys.executable, "-m", "headcount", "client", "mark", f"Nobody {stamp}", "late"],
        env={**env, "XDG_CONFIG_HOME": str(teacher_home)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode == 1
    assert f"no student 'Nobody {stamp}': give their id, e-mail or full name" in unknown.stderr
    assert marked == {"classId": class_id, "studentId": student["id"], "status": "late"}
    out, _ = watcher.communicate(timeout=30)
    assert json.loads(out)["data"]["status"] == "late"
    counts = data(client(server, teacher_home, "summary"))
    assert (counts["late"], counts["total"]) == (1, 1)
    # `done` asks first: "n" (or no answer) leaves the roll call running.
    env = {**os.environ, "XDG_CONFIG_HOME": str(teacher_home), "HEADCOUNT_SERVER": server.base_url}
    refused = subprocess.run(
        [sys.executable, "-m", "headcount", "client", "done", class_id],
        env=env,
        input="n\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and "Finish the roll call?" in refused.stdout
    assert data(client(server, teacher_home, "summary"))["total"] == 1  # still running
    answered = client(server, teacher_home, "done", class_id, stdin="y\n")
    assert answered.startswith("Finish the roll call?")
    assert data(answered[answered.index("{") :])["message"] == "Attendance persisted"
    # Scripts say --yes, and are not asked.
    client(server, teacher_home, "start", class_id)
    scripted = client(server, teacher_home, "done", class_id, "--yes")
    assert data(scripted)["message"] == "Attendance persisted"


def test_the_shell_runs_the_same_commands(server: ServerProcess, tmp_path: Path) -> None:
    email = f"shell{time.time_ns()}@cli.example.com"
    output = client(
        server,
        tmp_path,
        "shell",
        stdin=f"signup Shelly {email} --password secret-1\nlogin {email} --password secret-1\n"
        "whoami\nnonsense\nquit\n",
    )
    assert output.count(email) >= 2


async def _cached_mark(server: ServerProcess) -> tuple[str, str]:
    async with Api(server) as api:
        teacher, class_id, (student,) = await api.classroom(1)
        await api.start(teacher, class_id)
        body = {"classId": class_id, "studentId": student.id, "status": "present"}
        response = await api.request("POST", "/attendance/mark", teacher.token, json=body)
        return class_id, str(response.json()["data"]["cacheKey"])


def test_cache_commands_read_redis(
    tmp_path: Path, backend: Backend, private_redis: PrivateRedis
) -> None:
    with start_server(backend, tmp_path, env={"REDIS_URL": private_redis.url}) as server:
        class_id, key = asyncio.run(_cached_mark(server))
    env = {**os.environ, "REDIS_URL": private_redis.url}
    run = [sys.executable, "-m", "headcount", "cache"]
    got = subprocess.run([*run, "get", key], env=env, capture_output=True, text=True)
    assert json.loads(got.stdout)["value"]["status"] == "present"
    listed = subprocess.run([*run, "keys", class_id], env=env, capture_output=True, text=True)
    assert [row["key"] for row in json.loads(listed.stdout)] == [key]
