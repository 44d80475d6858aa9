"""The shapes the contract returns, camelCase as clients read them. Plain dicts on the wire."""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

Status = Literal["present", "absent", "late", "excused"]


class UserView(TypedDict):
    id: str
    name: str
    email: str
    role: str


class SchoolView(TypedDict):
    id: str
    name: str
    type: str
    parentId: str | None
    sourcedId: str | None


class AccountView(TypedDict):
    """An account as an administrator manages it."""

    id: str
    name: str
    email: str
    role: str
    schoolId: str
    active: bool
    sourcedId: str | None
    hasPassword: bool
    createdAt: str


class SetupCodeView(TypedDict):
    userId: str
    email: str
    code: str
    expiresAt: str


class ImportCounts(TypedDict):
    created: int
    updated: int
    unchanged: int
    archived: int
    skipped: int


class RosterReport(TypedDict):
    dryRun: bool
    orgs: ImportCounts
    users: ImportCounts
    classes: ImportCounts
    enrollments: ImportCounts
    guardianLinks: ImportCounts


class StudentView(TypedDict):
    id: str
    name: str
    email: str


class ClassView(TypedDict):
    id: str
    className: str
    teacherId: str
    studentIds: list[str]


class ClassDetail(TypedDict):
    id: str
    className: str
    teacherId: str
    students: list[StudentView]


class SessionRef(TypedDict):
    sessionId: str
    startedAt: str


class ClassListing(TypedDict):
    id: str
    className: str
    teacherId: str
    studentCount: int
    activeSession: SessionRef | None


class Counts(TypedDict):
    present: int
    absent: int
    late: int
    excused: int
    total: int


class SessionStarted(TypedDict):
    classId: str
    sessionId: str
    startedAt: str


class MarkReceipt(TypedDict):
    classId: str
    studentId: str
    status: str
    timestamp: str
    cacheKey: str
    applied: bool


class PastStatus(TypedDict):
    sessionId: str
    startedAt: str
    endedAt: str
    status: str | None


class CheckInCode(TypedDict):
    classId: str
    code: str
    expiresAt: str


class AuditEvent(TypedDict):
    id: int
    sessionId: str
    studentId: str
    status: str
    actorId: str
    source: str
    markedAt: str
    receivedAt: str
    applied: bool
    opId: str | None
    # Only on corrections (source `amend`), so the seed's events keep their shape.
    reason: NotRequired[str | None]
    previousStatus: NotRequired[str | None]


class Amendment(TypedDict):
    classId: str
    sessionId: str
    studentId: str
    status: str
    previousStatus: str
    reason: str
    amendedBy: str
    amendedAt: str
    changed: bool


class ExcusalView(TypedDict):
    id: str
    studentId: str
    firstDay: str
    lastDay: str
    reason: str
    createdBy: str
    createdAt: str


class CachedValue(TypedDict):
    status: str | None
    timestamp: str | None


class StudentDay(TypedDict):
    classId: str
    studentId: str
    date: str
    status: str | None
    timestamp: str | None
    source: str


class StatusView(TypedDict):
    classId: str
    status: str | None


class SessionState(TypedDict):
    classId: str
    sessionId: str
    startedAt: str
    summary: Counts
    attendance: dict[str, str | None]


class SessionHistoryRow(TypedDict):
    sessionId: str
    startedAt: str
    endedAt: str | None
    present: int
    absent: int
    late: int
    excused: int
    total: int


class MatrixStudent(TypedDict):
    id: str
    name: str
    email: str
    statuses: list[str | None]
    rate: float | None


class AttendanceMatrix(TypedDict):
    classId: str
    sessions: list[SessionRef]
    students: list[MatrixStudent]


def counts_of(by_status: dict[str, int]) -> Counts:
    present, absent = by_status.get("present", 0), by_status.get("absent", 0)
    late, excused = by_status.get("late", 0), by_status.get("excused", 0)
    return Counts(
        present=present,
        absent=absent,
        late=late,
        excused=excused,
        total=present + absent + late + excused,
    )
