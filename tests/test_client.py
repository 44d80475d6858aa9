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


def run_client(
    server: ServerProcess, home: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "HEADCOUNT_SERVER": server.base_url}
    return subprocess.run(
        [sys.executable, "-m", "headcount", "client", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def client(server: ServerProcess, home: Path, *args: str, stdin: str | None = None) -> str:
    """Run a command as a script would, with `--json`, and expect success."""
    result = run_client(server, home, "--json", *args, stdin=stdin)
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
            "Kid",
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
    roster = data(client(server, teacher_home, "add-student", class_id, str(student["id"])))
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
    marked = data(client(server, teacher_home, "mark", str(student["id"]), "late"))
    assert marked == {"classId": class_id, "studentId": student["id"], "status": "late"}
    out, _ = watcher.communicate(timeout=30)
    assert json.loads(out)["data"]["status"] == "late"
    counts = data(client(server, teacher_home, "summary"))
    assert (counts["late"], counts["total"]) == (1, 1)
    finished = data(client(server, teacher_home, "done", class_id, "--yes"))
    assert finished["message"] == "Attendance persisted"


def test_people_get_tables_name_students_and_confirm_done(
    server: ServerProcess, tmp_path: Path
) -> None:
    home = tmp_path / "teacher"
    stamp = str(time.time_ns())
    t_email = f"t{stamp}@cli.example.com"
    client(server, home, "signup", "Ms T", t_email, "--password", "secret-1")
    pupils = [(f"Pupil {n} {stamp}", f"p{n}-{stamp}@cli.example.com") for n in range(2)]
    for name, email in pupils:
        client(server, home, "signup", name, email, "--role", "student", "--password", "x-12345")
    client(server, home, "login", t_email, "--password", "secret-1")
    class_id = str(data(client(server, home, "create-class", "Names 101"))["id"])
    # Enrolled by e-mail and by name, in any case: the client finds their ids.
    client(server, home, "add-student", class_id, pupils[0][1].upper())
    client(server, home, "add-student", class_id, pupils[1][0])
    client(server, home, "start", class_id)
    marked = data(client(server, home, "mark", pupils[0][0].lower(), "late"))
    assert marked["status"] == "late"

    shown = dict(
        line.split(None, 1) for line in run_client(server, home, "summary").stdout.splitlines()
    )
    assert (shown["classId"], shown["late"], shown["total"]) == (class_id, "1", "1"), shown
    listed = run_client(server, home, "classes").stdout.splitlines()
    assert listed[0].split()[:2] == ["id", "className"], listed
    assert set(listed[1]) <= {"-", " "} and listed[2].startswith(class_id), listed

    unknown = run_client(server, home, "mark", "Nobody At All", "present")
    assert (unknown.returncode, unknown.stderr.strip()) == (1, "error: no student 'Nobody At All'")

    # `done` asks first, says what it will do, and does nothing on "no".
    refused = run_client(server, home, "done", class_id, stdin="n\n")
    assert refused.returncode == 1
    assert "Finish the roll call? 1 students not marked become absent." in refused.stdout
    still = data(client(server, home, "state", class_id))
    assert sorted(str(status) for status in still["attendance"].values()) == ["None", "late"]
    finished = run_client(server, home, "done", class_id, stdin="y\n")
    assert finished.returncode == 0, finished.stderr
    assert "message  Attendance persisted" in finished.stdout


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
