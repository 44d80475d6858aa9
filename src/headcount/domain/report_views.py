"""The shapes the school-wide reports return, camelCase as clients read them."""

from __future__ import annotations

from typing_extensions import TypedDict


class StudentTotals(TypedDict):
    """A student's finished sessions in the range, across every class the caller manages."""

    id: str
    name: str
    email: str
    sessions: int
    present: int
    late: int
    absent: int
    excused: int
    rate: float | None


class ChronicAbsence(StudentTotals):
    absenceRate: float


class AbsenceStreak(TypedDict):
    """A run of consecutive missed sessions of one student in one class."""

    studentId: str
    name: str
    email: str
    classId: str
    className: str
    length: int
    firstSessionAt: str
    lastSessionAt: str


class NotTaken(TypedDict):
    """A class with no roll call on the day, that had one on the same weekday lately."""

    classId: str
    className: str
    teacherId: str
    teacherName: str
    lastTakenAt: str
