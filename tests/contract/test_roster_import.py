"""docs/roster-import.md: POST /admin/rosters, as a school's IT person would use it."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contract.helpers import UNAUTHORIZED, fails, ok, tag
from tests.contract.roster_helpers import (
    INVALID_ROSTER,
    District,
    accounts,
    imported,
    live_roster,
    make_district,
    post_roster,
)
from tests.support.client import Api
from tests.support.oneroster import OneRoster, small_school
from tests.support.server import ServerProcess

ADMIN_ONLY = "Forbidden, admin access required"


@pytest.fixture(scope="session")
def district(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    yield make_district(server, tmp_path_factory.mktemp("district"))


def counts(report: dict[str, Any], kind: str) -> dict[str, int]:
    found: dict[str, int] = report[kind]
    return {outcome: n for outcome, n in found.items() if n}


async def classes_of(api: Api, district: District, marker: str) -> dict[str, dict[str, Any]]:
    listed = ok(await api.request("GET", "/classes?archived=true", district.admin.token))
    mine = {}
    for entry in listed:
        detail = ok(await api.request("GET", f"/class/{entry['id']}", district.admin.token))
        if (
            any(marker in student["email"] for student in detail["students"])
            or not detail["students"]
        ):
            mine[entry["id"]] = entry | {"students": detail["students"]}
    return mine


async def rejected(api: Api, district: District, data: bytes) -> list[dict[str, Any]]:
    response = await post_roster(api, district.admin, data)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body.keys() == {"success", "error", "errors"}, body
    assert body["success"] is False and body["error"] == INVALID_ROSTER
    assert body["errors"], body
    for problem in body["errors"]:
        assert problem.keys() == {"file", "line", "column", "message"}
    errors: list[dict[str, Any]] = body["errors"]
    return errors


async def test_import_creates_then_a_second_import_changes_nothing(
    api: Api, district: District
) -> None:
    marker = tag()
    data = small_school(marker, students=3, school=district.sid).zip()
    first = await imported(api, district.admin, data)
    assert first["dryRun"] is False
    assert counts(first, "orgs") == {"created": 1}
    assert counts(first, "users") == {"created": 4}
    assert counts(first, "classes") == {"created": 1}
    assert counts(first, "enrollments") == {"created": 3}
    found = await accounts(api, district.admin, marker)
    assert set(found) == {f"{marker}-t1", f"{marker}-s0", f"{marker}-s1", f"{marker}-s2"}
    assert found[f"{marker}-s0"]["role"] == "student"
    assert found[f"{marker}-s0"]["hasPassword"] is False
    assert found[f"{marker}-t1"]["role"] == "teacher"
    again = await imported(api, district.admin, data)
    for kind, n in (("orgs", 1), ("users", 4), ("classes", 1), ("enrollments", 3)):
        assert counts(again, kind) == {"unchanged": n}, kind


async def test_dry_run_counts_and_writes_nothing(api: Api, district: District) -> None:
    marker = tag()
    data = small_school(marker, school=district.sid).zip()
    report = await imported(api, district.admin, data, "?dryRun=true")
    assert report["dryRun"] is True
    assert counts(report, "users") == {"created": 4}
    assert await accounts(api, district.admin, marker) == {}


async def test_a_changed_file_updates_only_what_changed(api: Api, district: District) -> None:
    marker = tag()
    roster = small_school(marker, students=3, school=district.sid)
    await imported(api, district.admin, roster.zip())
    roster.rows["classes.csv"][0] = roster.rows["classes.csv"][0] | {"title": "Maths 7B"}
    roster.rows["users.csv"][1] = roster.rows["users.csv"][1] | {"givenName": "Renamed"}
    del roster.rows["enrollments.csv"][-1]  # bulk: an enrolment left out has ended
    report = await imported(api, district.admin, roster.zip())
    assert counts(report, "classes") == {"updated": 1}
    assert counts(report, "users") == {"updated": 1, "unchanged": 3}
    assert counts(report, "enrollments") == {"unchanged": 2, "archived": 1}
    found = await accounts(api, district.admin, marker)
    assert found[f"{marker}-s0"]["name"].startswith("Renamed")


async def test_delta_tobedeleted_ends_archives_and_deactivates(
    api: Api, district: District
) -> None:
    marker = tag()
    school = f"{marker}-school"
    await imported(api, district.admin, small_school(marker, 2, district.sid).zip())
    delta = OneRoster(mode="delta")
    delta.enrol(
        f"{marker}-e-s0",
        f"{marker}-c1",
        f"{marker}-s0",
        "student",
        school,
        status="tobedeleted",
        dateLastModified="2026-11-30T10:00:00.000Z",
    )
    delta.user(
        f"{marker}-s1",
        "student",
        school,
        f"{marker}-s1@example.org",
        name="Stu 1",
        status="tobedeleted",
        dateLastModified="2026-11-30T10:00:00.000Z",
    )
    delta.klass(
        f"{marker}-c1",
        "Maths 7A",
        school,
        f"{marker}-course",
        status="tobedeleted",
        dateLastModified="2026-11-30T10:00:00.000Z",
    )
    report = await imported(api, district.admin, delta.zip())
    assert counts(report, "enrollments") == {"archived": 1}
    assert counts(report, "users") == {"archived": 1}
    assert counts(report, "classes") == {"archived": 1}
    found = await accounts(api, district.admin, marker)
    assert found[f"{marker}-s1"]["active"] is False
    assert found[f"{marker}-s0"]["active"] is True
    listed = ok(await api.request("GET", "/classes?archived=true", district.admin.token))
    archived = [entry for entry in listed if entry["archived"]]
    assert archived, listed


async def test_guardians_become_accounts_linked_to_their_students(
    api: Api, district: District
) -> None:
    marker = tag()
    roster = small_school(marker, 2, district.sid)
    school = f"{marker}-school"
    roster.user(
        f"{marker}-p1",
        "parent",
        school,
        f"{marker}-p1@example.org",
        agentSourcedIds=f"{marker}-s0,{marker}-s1",
    )
    roster.user(f"{marker}-a1", "aide", school, f"{marker}-a1@example.org")
    report = await imported(api, district.admin, roster.zip())
    assert counts(report, "guardianLinks") == {"created": 2}
    assert counts(report, "users") == {"created": 4, "skipped": 1}
    found = await accounts(api, district.admin, marker)
    assert found[f"{marker}-p1"]["role"] == "guardian"
    assert f"{marker}-a1" not in found


# --- bad files: a clear error, and nothing written -----------------------------------------------


async def test_wrong_headers_are_listed(api: Api, district: District) -> None:
    marker = tag()
    files = small_school(marker, school=district.sid).files()
    files["users.csv"] = files["users.csv"].replace("givenName", "firstName", 1)
    problems = await rejected(api, district, OneRoster().zip(files))
    assert {
        "file": "users.csv",
        "line": 1,
        "column": "givenName",
        "message": "missing column",
    } in problems
    assert {
        "file": "users.csv",
        "line": 1,
        "column": "firstName",
        "message": "unknown column",
    } in problems
    assert await accounts(api, district.admin, marker) == {}


async def test_non_utf8_is_refused(api: Api, district: District) -> None:
    marker = tag()
    files: dict[str, str | bytes] = dict(small_school(marker, school=district.sid).files())
    files["users.csv"] = str(files["users.csv"]).replace("Stu,", "Stü,").encode("latin-1")
    problems = await rejected(api, district, OneRoster().zip(files))
    assert problems[0]["file"] == "users.csv"
    assert problems[0]["message"].startswith("not UTF-8")
    assert await accounts(api, district.admin, marker) == {}


async def test_duplicate_sourced_ids_are_listed_with_their_lines(
    api: Api, district: District
) -> None:
    marker = tag()
    roster = small_school(marker, 2, district.sid)
    roster.rows["users.csv"].append(roster.rows["users.csv"][1] | {"email": f"{marker}-x@e.org"})
    problems = await rejected(api, district, roster.zip())
    assert problems == [
        {
            "file": "users.csv",
            "line": 5,
            "column": "sourcedId",
            "message": f"'{marker}-s0' is also on line 3",
        }
    ]
    assert await accounts(api, district.admin, marker) == {}


async def test_an_enrolment_naming_an_unknown_class_writes_nothing(
    api: Api, district: District
) -> None:
    marker = tag()
    roster = small_school(marker, 2, district.sid)
    roster.enrol(f"{marker}-e-x", f"{marker}-nope", f"{marker}-s0", "student", f"{marker}-school")
    problems = await rejected(api, district, roster.zip())
    assert problems == [
        {
            "file": "enrollments.csv",
            "line": 5,
            "column": "classSourcedId",
            "message": f"no class '{marker}-nope'",
        }
    ]
    assert await accounts(api, district.admin, marker) == {}


async def test_orgs_outside_the_admins_schools_are_refused(
    api: Api, district: District, server: ServerProcess, tmp_path: Path
) -> None:
    other = make_district(server, tmp_path)
    marker = tag()
    problems = await rejected(api, district, small_school(marker, 1, other.sid).zip())
    assert {
        "file": "orgs.csv",
        "line": 2,
        "column": "parentSourcedId",
        "message": "not one of your schools",
    } in problems
    assert await accounts(api, other.admin, marker) == {}
    await imported(api, district.admin, small_school(marker, 1, district.sid).zip())
    problems = await rejected(api, district, small_school(marker, 1, other.sid).zip())
    assert problems == [
        {
            "file": "orgs.csv",
            "line": 2,
            "column": "parentSourcedId",
            "message": "not one of your schools",
        }
    ]


async def test_a_zip_bomb_is_refused(api: Api, district: District) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", "propertyName,value\n")
        archive.writestr("users.csv", b"\0" * (200 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    problems = await rejected(api, district, data)
    assert problems[0]["message"] == "unpacks to more than the limit (a zip bomb?)"


async def test_a_50_mb_file_is_413(api: Api, district: District) -> None:
    response = await post_roster(api, district.admin, b"x" * (50 * 1024 * 1024))
    fails(response, 413, "Request body too large")


async def test_not_a_zip_nor_csv(api: Api, district: District) -> None:
    problems = await rejected(api, district, b"PK\x03\x04garbage")
    assert problems == [
        {"file": "upload", "line": None, "column": None, "message": "not a readable zip file"}
    ]


async def test_only_administrators_import(api: Api) -> None:
    teacher = await api.teacher()
    fails(await post_roster(api, teacher, b"x"), 403, ADMIN_ONLY)
    fails(await api.request("POST", "/admin/rosters", content=b"x"), 401, UNAUTHORIZED)


# --- live audiences follow the import ------------------------------------------------------------


async def test_open_sockets_follow_an_import_at_once(api: Api, district: District) -> None:
    live = await live_roster(api, district.admin, district.sid)
    async with await api.ws(live.enrolled) as leaving, await api.ws(live.waiting) as joining:
        report = await imported(api, district.admin, live.swap)
        assert counts(report, "enrollments") == {"created": 1, "archived": 1}
        await api.start(live.teacher, live.class_id)
        heard = await joining.receive()
        assert heard["event"] == "SESSION_STARTED"
        assert heard["data"]["classId"] == live.class_id
        await leaving.expect_silence()


# --- the plain CSV -------------------------------------------------------------------------------


def plain(*lines: str) -> bytes:
    return (
        "className,teacherEmail,studentName,studentEmail\r\n"
        + "".join(line + "\r\n" for line in lines)
    ).encode()


async def test_a_plain_csv_makes_accounts_classes_and_enrolments_once(
    api: Api, district: District
) -> None:
    marker = tag()
    data = plain(
        f"Art 1,{marker}-t@example.org,Ann Able,{marker}-a@example.org",
        f"Art 1,{marker}-t@example.org,Bob Best,{marker}-b@example.org",
        f"Art 2,{marker}-t@example.org,Ann Able,{marker}-a@example.org",
    )
    first = await imported(api, district.admin, data)
    assert counts(first, "users") == {"created": 3}
    assert counts(first, "classes") == {"created": 2}
    assert counts(first, "enrollments") == {"created": 3}
    again = await imported(api, district.admin, data)
    assert counts(again, "users") == {"unchanged": 3}
    assert counts(again, "classes") == {"unchanged": 2}
    assert counts(again, "enrollments") == {"unchanged": 3}
    found = ok(await api.request("GET", f"/admin/users?q={marker}", district.admin.token))
    assert {(a["name"], a["role"]) for a in found} == {
        (f"{marker}-t", "teacher"),
        ("Ann Able", "student"),
        ("Bob Best", "student"),
    }


async def test_a_plain_csv_with_bad_lines_writes_nothing(api: Api, district: District) -> None:
    marker = tag()
    teacher = await api.teacher()  # of the default school, not the administrator's
    data = plain(
        f"Art 1,{marker}-t@example.org,Ann Able,not-an-email",
        f"Art 1,{teacher.email},Bob Best,{marker}-b@example.org",
    )
    problems = await rejected(api, district, data)
    assert problems == [
        {
            "file": "roster.csv",
            "line": 2,
            "column": "studentEmail",
            "message": "not an e-mail address",
        }
    ]
    data = plain(f"Art 1,{teacher.email},Bob Best,{marker}-b@example.org")
    problems = await rejected(api, district, data)
    assert problems == [
        {
            "file": "roster.csv",
            "line": 2,
            "column": "teacherEmail",
            "message": "not a teacher of your schools",
        }
    ]
    assert await accounts(api, district.admin, marker) == {}


async def test_tobedeleted_records_never_imported_change_nothing(
    api: Api, district: District
) -> None:
    marker = tag()
    roster = small_school(marker, 1, district.sid)
    school = f"{marker}-school"
    gone = {"status": "tobedeleted", "dateLastModified": "2026-11-30T10:00:00.000Z"}
    roster.user(f"{marker}-old", "student", school, f"{marker}-old@example.org", **gone)
    roster.user(
        f"{marker}-p",
        "guardian",
        school,
        f"{marker}-p@example.org",
        agentSourcedIds=f"{marker}-old",
        **gone,
    )
    roster.klass(f"{marker}-c-old", "Old", school, f"{marker}-course", **gone)
    roster.enrol(f"{marker}-e-old", f"{marker}-c-old", f"{marker}-old", "student", school, **gone)
    report = await imported(api, district.admin, roster.zip())
    assert counts(report, "users") == {"created": 2, "unchanged": 2}
    assert counts(report, "classes") == {"created": 1, "unchanged": 1}
    assert counts(report, "enrollments") == {"created": 1, "unchanged": 1}
    assert counts(report, "guardianLinks") == {}
    assert set(await accounts(api, district.admin, marker)) == {f"{marker}-t1", f"{marker}-s0"}


async def test_account_problems_need_the_database(api: Api, district: District) -> None:
    marker, other = tag(), tag()
    await imported(api, district.admin, small_school(marker, 2, district.sid).zip())
    await imported(api, district.admin, small_school(other, 1, district.sid).zip())
    roster = small_school(marker, 2, district.sid)
    users = roster.rows["users.csv"]
    users[1] = users[1] | {"role": "teacher"}  # was a student
    users[2] = users[2] | {"email": f"{other}-s0@example.org"}  # another school's student's
    roster.klass(f"{marker}-c2", "No teacher", f"{marker}-school", f"{marker}-course")
    roster.rows["enrollments.csv"] = [
        e for e in roster.rows["enrollments.csv"] if e["userSourcedId"] != f"{marker}-s0"
    ]
    problems = await rejected(api, district, roster.zip())
    assert [(p["file"], p["line"], p["column"], p["message"]) for p in problems] == [
        ("users.csv", 3, "role", "the account is a student"),
        ("users.csv", 4, "email", "another account has this e-mail"),
        ("classes.csv", 3, "sourcedId", "no teacher is enrolled"),
    ]


async def test_a_disabled_user_loses_their_token_and_a_class_its_teacher(
    api: Api, district: District
) -> None:
    live = await live_roster(api, district.admin, district.sid)
    marker = live.enrolled.email.split("-s0@")[0]
    school = f"{marker}-school"
    delta = OneRoster(mode="delta")
    stamp = {"dateLastModified": "2026-11-30T10:00:00.000Z", "status": "active"}
    delta.user(
        f"{marker}-s0",
        "student",
        school,
        live.enrolled.email,
        name="Stu 0",
        enabledUser="false",
        **stamp,
    )
    delta.user(f"{marker}-t2", "teacher", school, f"{marker}-t2@example.org", **stamp)
    delta.enrol(f"{marker}-e-t2", f"{marker}-c1", f"{marker}-t2", "teacher", school, **stamp)
    report = await imported(api, district.admin, delta.zip())
    assert counts(report, "users") == {"created": 1, "archived": 1}
    assert counts(report, "classes") == {"updated": 1}
    fails(await api.request("GET", "/auth/me", live.enrolled.token), 401, UNAUTHORIZED)
    assert ok(await api.request("GET", "/classes", live.teacher.token)) == []


async def test_openapi_describes_the_route(api: Api) -> None:
    spec = (await api.http.get("/openapi.json")).json()
    route = spec["paths"]["/admin/rosters"]["post"]
    assert set(route["requestBody"]["content"]) == {"application/zip", "text/csv"}
    assert [p["name"] for p in route["parameters"]] == ["dryRun"]
    failure = route["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][failure.rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"success", "error", "errors"}


async def test_values_no_column_can_hold_are_problems(api: Api, district: District) -> None:
    marker = tag()
    roster = small_school(marker, 2, district.sid)
    users = roster.rows["users.csv"]
    users[1] = users[1] | {"givenName": "St\0u"}
    users[2] = users[2] | {"email": "x" * 250 + "@example.org"}
    roster.rows["enrollments.csv"][1] = roster.rows["enrollments.csv"][1] | {"sourcedId": "e" * 300}
    problems = await rejected(api, district, roster.zip())
    assert [(p["file"], p["line"], p["column"], p["message"]) for p in problems] == [
        ("users.csv", 3, "givenName", "contains a NUL character"),
        ("enrollments.csv", 3, "sourcedId", "longer than 255 characters"),
        ("users.csv", 4, "email", "longer than 254 characters"),
    ]


async def test_the_same_roster_imported_twice_at_once(api: Api, district: District) -> None:
    marker = tag()
    data = small_school(marker, 3, district.sid).zip()
    responses = await asyncio.gather(*(post_roster(api, district.admin, data) for _ in range(3)))
    created = 0
    for response in responses:
        body = response.json()
        if response.status_code == 200:
            created += body["data"]["users"]["created"]
        else:  # PostgreSQL: the unique indexes decided between imports planned side by side
            assert response.status_code == 400, response.text
            assert body["errors"] == [
                {
                    "file": "upload",
                    "line": None,
                    "column": None,
                    "message": "conflicts with a change made meanwhile; try again",
                }
            ]
    assert created == 4
    assert len(await accounts(api, district.admin, marker)) == 4
