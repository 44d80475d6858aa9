"""`headcount roster import` and `headcount roster codes` as a school's IT person runs them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx

from tests.support.backends import Backend
from tests.support.oneroster import small_school
from tests.support.server import start_server
from tests.test_cli import headcount


def counts_line(output: str, kind: str) -> list[int]:
    (line,) = [line for line in output.splitlines() if line.startswith(kind + " ")]
    return [int(n) for n in line.split()[1:]]


def test_import_dry_run_then_import_then_codes(fresh_backend: Backend, tmp_path: Path) -> None:
    url = fresh_backend.database_url
    path = tmp_path / "roster.zip"
    path.write_bytes(small_school("cli", 2).zip())
    dry = headcount("roster", "import", str(path), "--dry-run", cwd=tmp_path, database_url=url)
    assert dry.returncode == 0, dry.stderr
    assert counts_line(dry.stdout, "users") == [3, 0, 0, 0, 0]
    assert "dry run: nothing was written" in dry.stdout
    done = headcount("roster", "import", str(path), cwd=tmp_path, database_url=url)
    assert done.returncode == 0, done.stderr
    assert counts_line(done.stdout, "enrollments") == [2, 0, 0, 0, 0]
    again = headcount("roster", "import", str(path), cwd=tmp_path, database_url=url)
    assert counts_line(again.stdout, "enrollments") == [0, 0, 2, 0, 0]
    codes = headcount("roster", "codes", "--school", "cli-school", cwd=tmp_path, database_url=url)
    assert codes.returncode == 0, codes.stderr
    rows = list(csv.DictReader(io.StringIO(codes.stdout)))
    assert [row["sourcedId"] for row in rows] == ["cli-s0", "cli-s1", "cli-t1"]
    assert all(len(row["code"]) == 14 and row["expiresAt"] for row in rows)
    with start_server(fresh_backend, tmp_path) as server:
        body = {"email": rows[0]["email"], "code": rows[0]["code"], "password": "set-up-pass"}
        setup = httpx.post(f"{server.base_url}/auth/setup", json=body, trust_env=False)
        assert setup.status_code == 200, setup.text


def test_a_bad_file_prints_every_problem_and_writes_nothing(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    url = fresh_backend.database_url
    roster = small_school("bad", 1)
    roster.enrol("bad-e-x", "bad-nope", "bad-s0", "student", "bad-school")
    roster.rows["users.csv"].append(roster.rows["users.csv"][0])
    path = tmp_path / "roster.zip"
    path.write_bytes(roster.zip())
    result = headcount("roster", "import", str(path), cwd=tmp_path, database_url=url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Invalid roster file",
        "users.csv:4 [sourcedId]: 'bad-t1' is also on line 2",
        "users.csv:4 [email]: 'bad-t1@example.org' is also on line 2",
    ]
    codes = headcount("roster", "codes", cwd=tmp_path, database_url=url)
    assert codes.stdout.splitlines() == ["sourcedId,role,name,email,code,expiresAt"]
    missing = headcount(
        "roster", "import", str(tmp_path / "nope.zip"), cwd=tmp_path, database_url=url
    )
    assert missing.returncode == 1
    assert "cannot read" in missing.stderr
