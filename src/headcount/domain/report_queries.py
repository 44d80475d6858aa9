"""The school-wide reports as SQL: one statement each, aggregated and windowed in the
database, never a Python loop over marks. Portable to SQLite and PostgreSQL.

Every report reads finished sessions (a running roll call is not yet a record) that started
on a day of the range, in the classes the caller manages (`scope`).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from headcount import clock
from headcount.domain import tallies
from headcount.domain.schools import in_schools_of
from headcount.security import Principal
from headcount.store.tables import (
    Attendance,
    AttendanceSession,
    AttendanceTally,
    Class,
    Org,
    User,
)

DAY = datetime.timedelta(days=1)
# "Not taken today" looks back at the same weekday of the four weeks before.
WEEKS_BACK = 4


def schools(who: Principal) -> Select[Any]:
    """An administrator's schools, read before the report (see `scope`)."""
    return select(Org.id).where(in_schools_of(Org.id, who.user_id))


def scope(who: Principal, school_ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    """The classes `who` manages: a teacher's own, every class of an administrator's schools.
    The schools are given as values, not a subquery: PostgreSQL cannot estimate how many
    classes a subquery of schools selects, guesses few, and reads a whole district's marks
    one class at a time instead of in one parallel scan (12 s against 1-4 s in the bench)."""
    if who.role == "admin":
        return Class.school_id.in_(school_ids)
    mine: ColumnElement[bool] = Class.teacher_id == who.user_id
    return mine


def missed(status: Any, excused_counts: bool) -> ColumnElement[bool]:
    """A session the student missed: absent, or excused when excused counts against the rate
    (so the absence rate is 1 - the attendance rate, and a run of absences agrees with it)."""
    missed_statuses = ("absent", "excused") if excused_counts else ("absent",)
    found: ColumnElement[bool] = status.in_(missed_statuses)
    return found


def _finished_in(first: datetime.date, last: datetime.date) -> ColumnElement[bool]:
    return and_(
        AttendanceSession.ended_at.is_not(None),
        AttendanceSession.started_at >= clock.start_of(first),
        AttendanceSession.started_at < clock.start_of(last) + DAY,
    )


def _sessions(within: ColumnElement[bool], first: datetime.date, last: datetime.date) -> Any:
    """The caller's finished sessions of the range, as a subquery of their ids."""
    return (
        select(AttendanceSession.id)
        .join(Class, Class.id == AttendanceSession.class_id)
        .where(within, _finished_in(first, last))
    )


def _one_by_one(within: ColumnElement[bool], first: datetime.date, last: datetime.date) -> Any:
    """Per student, the marks of the range that no tally of a whole month holds: those of its
    partial months, and those of sessions never tallied (domain/tallies.py).

    Naming every status (the check constraint allows no other) lets the index on status,
    session and student answer session by session without the table. Without it PostgreSQL
    scanned every mark of every year to find a few weeks' (0.8 s against 0.2 s in the bench,
    and growing with the years kept)."""
    start, end = tallies.full_months(first, last)
    untallied = or_(
        ~AttendanceSession.tallied,
        AttendanceSession.started_at < clock.start_of(start),
        AttendanceSession.started_at >= clock.start_of(end),
    )
    return (
        select(
            Attendance.student_id,
            func.count().label("sessions"),
            *(func.count().filter(Attendance.status == s).label(s) for s in tallies.STATUSES),
        )
        .where(
            Attendance.session_id.in_(_sessions(within, first, last).where(untallied)),
            Attendance.status.in_(tallies.STATUSES),
        )
        .group_by(Attendance.student_id)
    )


def _tallied(within: ColumnElement[bool], first: datetime.date, last: datetime.date) -> Any:
    """Per student, the tallies of the range's whole months."""
    start, end = tallies.full_months(first, last)
    return (
        select(
            AttendanceTally.student_id,
            *(func.sum(AttendanceTally.__table__.c[n]).label(n) for n in tallies.COUNTS),
        )
        .join(Class, Class.id == AttendanceTally.class_id)
        .where(within, AttendanceTally.month >= start, AttendanceTally.month < end)
        .group_by(AttendanceTally.student_id)
    )


def totals(
    within: ColumnElement[bool], first: datetime.date, last: datetime.date, excused_counts: bool
) -> Select[Any]:
    """Per student: sessions, each status, and the attendance rate (SPEC §4's rule, as
    `history.attendance_rate`): (present + late) ÷ the sessions that count, null if none.
    Added up from the tallies of the range's whole months and the marks of the rest."""
    parts = union_all(_one_by_one(within, first, last), _tallied(within, first, last)).subquery()
    per_student = (
        select(
            parts.c.student_id,
            *(cast(func.sum(parts.c[n]), Integer).label(n) for n in tallies.COUNTS),
        )
        .group_by(parts.c.student_id)
        .subquery()
    )
    c = per_student.c
    attended = c.present + c.late
    counted = attended + c.absent + (c.excused if excused_counts else 0)
    rate = case((counted > 0, cast(attended, Float) / counted), else_=None)
    return (
        select(
            User.id,
            User.name,
            User.email,
            *(c[name] for name in tallies.COUNTS),
            rate.label("rate"),
            attended.label("attended"),
            counted.label("counted"),
        )
        .join(per_student, c.student_id == User.id)
        .order_by(User.name, User.id)
    )


def chronic(
    within: ColumnElement[bool],
    first: datetime.date,
    last: datetime.date,
    excused_counts: bool,
    threshold: float,
    min_sessions: int,
) -> Select[Any]:
    """Students whose absence rate (1 - attendance rate) is at least `threshold`, over at
    least `min_sessions` sessions; compared without a division, so 1 of 10 meets 0.1."""
    every = totals(within, first, last, excused_counts).subquery()
    missed_count = every.c.counted - every.c.attended
    absence_rate = cast(missed_count, Float) / every.c.counted
    return (
        select(
            *(every.c[name] for name in ("id", "name", "email", "sessions")),
            *(every.c[name] for name in ("present", "late", "absent", "excused", "rate")),
            absence_rate.label("absence_rate"),
        )
        .where(
            every.c.counted > 0,
            every.c.sessions >= min_sessions,
            cast(missed_count, Float) >= threshold * every.c.counted,
        )
        .order_by(absence_rate.desc(), every.c.name, every.c.id)
    )


def streaks(
    within: ColumnElement[bool],
    first: datetime.date,
    last: datetime.date,
    excused_counts: bool,
    shortest: int,
) -> Select[Any]:
    """Runs of `shortest` or more consecutive missed sessions of a student in a class (gaps
    and islands): number the class's sessions in start order, and the missed marks of each
    student in that order; along one run both grow by one, so their difference names it.
    Only the missed marks are sorted, never all of them."""
    ordinal = (
        select(
            AttendanceSession.id,
            AttendanceSession.class_id,
            AttendanceSession.started_at,
            func.row_number()
            .over(
                partition_by=AttendanceSession.class_id,
                order_by=(AttendanceSession.started_at, AttendanceSession.id),
            )
            .label("k"),
        )
        .join(Class, Class.id == AttendanceSession.class_id)
        .where(within, _finished_in(first, last))
        .subquery()
    )
    missed_marks = (
        select(
            ordinal.c.class_id,
            Attendance.student_id,
            ordinal.c.started_at,
            (
                ordinal.c.k
                - func.row_number().over(
                    partition_by=(ordinal.c.class_id, Attendance.student_id),
                    order_by=ordinal.c.k,
                )
            ).label("island"),
        )
        .join(ordinal, ordinal.c.id == Attendance.session_id)
        .where(missed(Attendance.status, excused_counts))
        .subquery()
    )
    runs = (
        select(
            missed_marks.c.class_id,
            missed_marks.c.student_id,
            func.count().label("length"),
            func.min(missed_marks.c.started_at).label("first_at"),
            func.max(missed_marks.c.started_at).label("last_at"),
        )
        .group_by(missed_marks.c.class_id, missed_marks.c.student_id, missed_marks.c.island)
        .having(func.count() >= shortest)
        .subquery()
    )
    return (
        select(
            runs.c.student_id,
            User.name,
            User.email,
            runs.c.class_id,
            Class.class_name,
            runs.c.length,
            runs.c.first_at,
            runs.c.last_at,
        )
        .join(User, User.id == runs.c.student_id)
        .join(Class, Class.id == runs.c.class_id)
        .order_by(runs.c.length.desc(), User.name, User.id, Class.class_name, runs.c.first_at)
    )


def not_taken(within: ColumnElement[bool], day: datetime.date) -> Select[Any]:
    """Classes not archived with no roll call started on `day` that had one on the same
    weekday in one of the four weeks before; each with its latest such roll call. The days
    are ranges of `started_at`, so the index answers them on either backend."""
    start = clock.start_of(day)
    weeks = [start - datetime.timedelta(weeks=k) for k in range(1, WEEKS_BACK + 1)]
    before = (
        select(AttendanceSession.class_id, func.max(AttendanceSession.started_at).label("last_at"))
        .where(
            or_(
                *(
                    and_(AttendanceSession.started_at >= w, AttendanceSession.started_at < w + DAY)
                    for w in weeks
                )
            )
        )
        .group_by(AttendanceSession.class_id)
        .subquery()
    )
    today = aliased(AttendanceSession)
    taken = exists().where(
        today.class_id == Class.id, today.started_at >= start, today.started_at < start + DAY
    )
    return (
        select(Class.id, Class.class_name, Class.teacher_id, User.name, before.c.last_at)
        .join(before, before.c.class_id == Class.id)
        .join(User, User.id == Class.teacher_id)
        .where(within, Class.archived_at.is_(None), ~taken)
        .order_by(Class.class_name, Class.id)
    )
