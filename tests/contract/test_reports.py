"""The school-wide reports (docs/records.md "Reports"), against counts worked out by hand.

Every test builds its own teacher (a teacher sees only their classes) or its own district
(an administrator sees only their schools), so other tests' data on the server never shows.

The week of March 2025 below, class A (Mon 3 - Fri 7) and class B (Mon 10, Tue 11):

            A 3  A 4  A 5  A 6  A 7 | B 10  B 11
    Ann     P    A    A    A    L   | A     P
    Ben     A    E    A    P    P   | P     P
    Cy      P    P    P    P    P   |
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.contract.helpers import SCHEMA, TEACHER_ONLY, UNAUTHORIZED, fails, ok, run_session
from tests.contract.report_helpers import at_nine, move_to_school_of, past_session
from tests.contract.roster_helpers import make_district
from tests.support.client import Account, Api

REPORTS = ("students", "chronic-absence", "absence-streaks", "not-taken")
CODES = {"P": "present", "A": "absent", "L": "late", "E": "excused"}
A_DAYS = [date(2025, 3, d) for d in (3, 4, 5, 6, 7)]
B_DAYS = [date(2025, 3, 10), date(2025, 3, 11)]
MARCH = "from=2025-03-01&to=2025-03-31"


@dataclass(frozen=True)
class School:
    teacher: Account
    class_a: str
    class_b: str
    ann: Account
    ben: Account
    cy: Account


async def _sessions(
    api: Api,
    school_teacher: Account,
    class_id: str,
    days: list[date],
    rows: list[tuple[Account, str]],
    tallied: bool,
) -> None:
    for index, day in enumerate(days):
        marks = [(student, CODES[codes[index]]) for student, codes in rows]
        await past_session(api, school_teacher, class_id, day, marks, tallied)


async def march(api: Api, tallied: bool = True) -> School:
    teacher = await api.teacher()
    class_a = await api.create_class(teacher, "A class")
    class_b = await api.create_class(teacher, "B class")
    ann = await api.signup("student", "Ann")
    ben = await api.signup("student", "Ben")
    cy = await api.signup("student", "=Cy+1")  # a name a spreadsheet would run
    for student in (ann, ben, cy):
        await api.enroll(teacher, class_a, student)
    await api.enroll(teacher, class_b, ann)
    await api.enroll(teacher, class_b, ben)
    rows_a = [(ann, "PAAAL"), (ben, "AEAPP"), (cy, "PPPPP")]
    await _sessions(api, teacher, class_a, A_DAYS, rows_a, tallied)
    await _sessions(api, teacher, class_b, B_DAYS, [(ann, "AP"), (ben, "PP")], tallied)
    return School(teacher, class_a, class_b, ann, ben, cy)


async def report(api: Api, caller: Account, name: str, query: str = "") -> Any:
    return ok(await api.request("GET", f"/reports/{name}?{query}", caller.token))


def totals(
    who: Account, sessions: int, p: int, late: int, a: int, e: int, rate: float | None
) -> dict[str, Any]:
    return {
        "id": who.id,
        "name": who.name,
        "email": who.email,
        "sessions": sessions,
        "present": p,
        "late": late,
        "absent": a,
        "excused": e,
        "rate": rate,
    }


def streak(who: Account, class_id: str, name: str, first: date, last: date, n: int) -> Any:
    return {
        "studentId": who.id,
        "name": who.name,
        "email": who.email,
        "classId": class_id,
        "className": name,
        "length": n,
        "firstSessionAt": at_nine(first).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "lastSessionAt": at_nine(last).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }


# A month's tallies answer a whole month of the range; marks never tallied (a bulk load)
# are read one by one, with the same result.
@pytest.mark.parametrize("tallied", [True, False], ids=["tallied", "untallied"])
async def test_per_student_totals_across_classes(api: Api, tallied: bool) -> None:
    s = await march(api, tallied)
    # Excused counts against the rate by default: Ben attended 4 of 7.
    assert await report(api, s.teacher, "students", MARCH) == [
        totals(s.cy, 5, 5, 0, 0, 0, 1.0),
        totals(s.ann, 7, 2, 1, 4, 0, 3 / 7),
        totals(s.ben, 7, 4, 0, 2, 1, 4 / 7),
    ]
    # March whole, with half of February and April on either side.
    around = await report(api, s.teacher, "students", "from=2025-02-15&to=2025-04-15")
    assert around == await report(api, s.teacher, "students", MARCH)
    # Both ends of the range are included; class B falls outside it.
    assert await report(api, s.teacher, "students", "from=2025-03-03&to=2025-03-07") == [
        totals(s.cy, 5, 5, 0, 0, 0, 1.0),
        totals(s.ann, 5, 1, 1, 3, 0, 2 / 5),
        totals(s.ben, 5, 2, 0, 2, 1, 2 / 5),
    ]
    assert await report(api, s.teacher, "students", "from=2025-03-11&to=2025-03-11") == [
        totals(s.ann, 1, 1, 0, 0, 0, 1.0),
        totals(s.ben, 1, 1, 0, 0, 0, 1.0),
    ]
    assert await report(api, s.teacher, "students", "from=2025-03-08&to=2025-03-09") == []
    # The default range ends today: none of March 2025 is in its school year.
    assert await report(api, s.teacher, "students") == []


async def test_today_s_roll_call_is_in_the_default_range(api: Api) -> None:
    teacher, class_id, (first, second) = await api.classroom(2)
    await run_session(api, teacher, class_id, {first.id: "late"})
    rows = await report(api, teacher, "students")
    assert {row["id"]: (row["sessions"], row["late"], row["absent"]) for row in rows} == {
        first.id: (1, 1, 0),
        second.id: (1, 0, 1),
    }


async def test_a_running_roll_call_is_not_yet_a_record(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    await api.start(teacher, class_id)
    assert await report(api, teacher, "students") == []


async def test_chronic_absence(api: Api) -> None:
    s = await march(api)
    # Absence rates over March: Ann 4/7, Ben 3/7, Cy 0; highest first.
    half = await report(api, s.teacher, "chronic-absence", f"{MARCH}&threshold=0.5&minSessions=7")
    assert half == [{**totals(s.ann, 7, 2, 1, 4, 0, 3 / 7), "absenceRate": 4 / 7}]
    wide = await report(api, s.teacher, "chronic-absence", f"{MARCH}&threshold=0.4&minSessions=7")
    assert [row["id"] for row in wide] == [s.ann.id, s.ben.id]
    # Too few sessions, and the defaults (10%, 10 sessions): nobody has 10 sessions.
    assert await report(api, s.teacher, "chronic-absence", f"{MARCH}&minSessions=8") == []
    assert await report(api, s.teacher, "chronic-absence", MARCH) == []
    # Exactly at the threshold is chronic: 3 of 5 is 0.6.
    week = "from=2025-03-03&to=2025-03-07&threshold=0.6&minSessions=5"
    rows = await report(api, s.teacher, "chronic-absence", week)
    assert [(row["name"], row["absenceRate"]) for row in rows] == [("Ann", 0.6), ("Ben", 0.6)]


async def test_absence_streaks(api: Api) -> None:
    s = await march(api)
    # Ann A 4-6; Ben A 3-5, the excused day counting as missed (the default setting).
    assert await report(api, s.teacher, "absence-streaks", MARCH) == [
        streak(s.ann, s.class_a, "A class", A_DAYS[1], A_DAYS[3], 3),
        streak(s.ben, s.class_a, "A class", A_DAYS[0], A_DAYS[2], 3),
    ]
    assert await report(api, s.teacher, "absence-streaks", f"{MARCH}&min=4") == []
    # Runs are counted inside the range: from the 5th Ann has two, Ben one.
    later = await report(api, s.teacher, "absence-streaks", "from=2025-03-05&to=2025-03-31&min=1")
    assert later == [
        streak(s.ann, s.class_a, "A class", A_DAYS[2], A_DAYS[3], 2),
        streak(s.ann, s.class_b, "B class", B_DAYS[0], B_DAYS[0], 1),
        streak(s.ben, s.class_a, "A class", A_DAYS[2], A_DAYS[2], 1),
    ]


def not_taken(teacher: Account, class_id: str, name: str, last: date) -> dict[str, Any]:
    return {
        "classId": class_id,
        "className": name,
        "teacherId": teacher.id,
        "teacherName": teacher.name,
        "lastTakenAt": at_nine(last).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }


async def test_classes_not_taken(api: Api) -> None:
    s = await march(api)
    # Monday 31: A met on Monday 3, B on Monday 10, within four weeks; neither met on the 31st.
    assert await report(api, s.teacher, "not-taken", "date=2025-03-31") == [
        not_taken(s.teacher, s.class_a, "A class", A_DAYS[0]),
        not_taken(s.teacher, s.class_b, "B class", B_DAYS[0]),
    ]
    # Monday 10: B took its roll call that day; Tuesday 11: only A met on a Tuesday before.
    assert await report(api, s.teacher, "not-taken", "date=2025-03-10") == [
        not_taken(s.teacher, s.class_a, "A class", A_DAYS[0]),
    ]
    assert await report(api, s.teacher, "not-taken", "date=2025-03-11") == [
        not_taken(s.teacher, s.class_a, "A class", A_DAYS[1]),
    ]
    # Wednesday 12: A met on Wednesday 5. Saturday 15: no class meets on Saturdays. Monday
    # April 7: A's Monday is five weeks back, too long ago.
    assert await report(api, s.teacher, "not-taken", "date=2025-03-12") == [
        not_taken(s.teacher, s.class_a, "A class", A_DAYS[2]),
    ]
    assert await report(api, s.teacher, "not-taken", "date=2025-03-15") == []
    assert await report(api, s.teacher, "not-taken", "date=2025-04-07") == [
        not_taken(s.teacher, s.class_b, "B class", B_DAYS[0]),
    ]
    # An archived class is never due.
    ok(await api.request("DELETE", f"/class/{s.class_a}", s.teacher.token))
    assert await report(api, s.teacher, "not-taken", "date=2025-03-31") == [
        not_taken(s.teacher, s.class_b, "B class", B_DAYS[0]),
    ]


async def test_a_teacher_sees_only_their_classes(api: Api) -> None:
    await march(api)
    other = await api.teacher()
    for name in REPORTS:
        query = "date=2025-03-31" if name == "not-taken" else f"{MARCH}&min=1&minSessions=1"
        assert await report(api, other, name, query) == []


async def test_an_administrator_sees_every_class_of_their_schools(api: Api, tmp_path: Path) -> None:
    s = await march(api)
    district = make_district(api.server, tmp_path)
    assert await report(api, district.admin, "students", MARCH) == []
    await move_to_school_of(api, s.class_b, district.sid)
    assert await report(api, district.admin, "students", MARCH) == [
        totals(s.ann, 2, 1, 0, 1, 0, 1 / 2),
        totals(s.ben, 2, 2, 0, 0, 0, 1.0),
    ]
    chronic = "threshold=0.5&minSessions=2"
    rows = await report(api, district.admin, "chronic-absence", f"{MARCH}&{chronic}")
    assert [row["id"] for row in rows] == [s.ann.id]
    streaks = await report(api, district.admin, "absence-streaks", f"{MARCH}&min=1")
    assert streaks == [streak(s.ann, s.class_b, "B class", B_DAYS[0], B_DAYS[0], 1)]
    assert await report(api, district.admin, "not-taken", "date=2025-03-31") == [
        not_taken(s.teacher, s.class_b, "B class", B_DAYS[0]),
    ]


async def test_reports_as_csv(api: Api) -> None:
    s = await march(api)
    response = await api.request("GET", f"/reports/students?{MARCH}&format=csv", s.teacher.token)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="students.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [
        ["id", "name", "email", "sessions", "present", "late", "absent", "excused", "rate"],
        [s.cy.id, "'=Cy+1", s.cy.email, "5", "5", "0", "0", "0", "1.0000"],
        [s.ann.id, "Ann", s.ann.email, "7", "2", "1", "4", "0", "0.4286"],
        [s.ben.id, "Ben", s.ben.email, "7", "4", "0", "2", "1", "0.5714"],
    ]
    for name in REPORTS:
        empty = await api.request("GET", f"/reports/{name}?format=csv", s.teacher.token)
        assert empty.status_code == 200, empty.text
        (header,) = list(csv.reader(io.StringIO(empty.text)))
        assert header[0] in ("id", "studentId", "classId")


BAD_QUERIES = [
    "from=2025-3-1",
    "from=20250301",
    "to=2025-02-30",
    "from=2025-03-02&to=2025-03-01",
    "from=2999-01-01",
    "from=0001-01-01&to=2025-01-01",
    "format=xml",
]


@pytest.mark.parametrize(
    ("name", "query"),
    [
        *((name, query) for name in REPORTS[:3] for query in BAD_QUERIES),
        *(
            ("chronic-absence", f"threshold={value}")
            for value in ("0", "-0.1", "1.01", "abc", "nan", "inf")
        ),
        *(("chronic-absence", f"minSessions={value}") for value in ("0", "1.5", "x")),
        *(("absence-streaks", f"min={value}") for value in ("0", "-3", "three")),
        *(("not-taken", f"date={value}") for value in ("2025-13-01", "today", "1")),
        ("not-taken", "format=pdf"),
    ],
)
async def test_bad_queries_are_refused(api: Api, name: str, query: str) -> None:
    teacher = await api.teacher()
    fails(await api.request("GET", f"/reports/{name}?{query}", teacher.token), 400, SCHEMA)


@pytest.mark.parametrize("name", REPORTS)
async def test_students_and_strangers_are_refused(api: Api, name: str) -> None:
    student = await api.student()
    path = f"/reports/{name}"
    fails(await api.request("GET", path, student.token), 403, TEACHER_ONLY)
    # Refused before the query is looked at.
    fails(await api.request("GET", f"{path}?from=bad", student.token), 403, TEACHER_ONLY)
    fails(await api.request("GET", path), 401, UNAUTHORIZED)
