"""domain/sessions.py: the roll-call rules, without any transport."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from headcount.domain.errors import DomainError
from headcount.domain.events import Finished, Marked
from headcount.domain.inputs import StartInput
from headcount.domain.marking import Mark
from headcount.security import Principal
from tests.domain.conftest import Domain


def teach(teacher: Principal, student_id: uuid.UUID, status: str) -> Mark:
    return Mark(student_id, status, teacher.user_id, "ws")


ZERO = {"present": 0, "absent": 0, "late": 0, "excused": 0, "total": 0}


async def test_start_is_idempotent_even_when_raced(domain: Domain) -> None:
    teacher, class_id, _ = await domain.classroom(0)
    started = await asyncio.gather(
        *(domain.sessions.start(teacher, StartInput(classId=class_id)) for _ in range(5))
    )
    assert len({s["sessionId"] for s in started}) == 1
    assert len({s["startedAt"] for s in started}) == 1


async def test_mark_is_stored_then_announced(domain: Domain) -> None:
    teacher, class_id, (student,) = await domain.classroom(1)
    await domain.sessions.start(teacher, StartInput(classId=class_id))
    mark = await domain.sessions.mark(teacher, None, teach(teacher, student.user_id, "late"))
    assert (mark["classId"], mark["studentId"], mark["status"]) == (
        str(class_id),
        str(student.user_id),
        "late",
    )
    assert mark["cacheKey"] == f"attendance_{class_id}_{student.user_id}_{mark['timestamp'][:10]}"
    assert domain.recorder.events[-1] == Marked(class_id, student.user_id, "late")
    own = await domain.sessions.own_status(student, None)
    assert own == {"classId": str(class_id), "status": "late"}


async def test_marking_a_student_outside_the_class(domain: Domain) -> None:
    teacher, class_id, _ = await domain.classroom(1)
    stranger = await domain.user("student")
    await domain.sessions.start(teacher, StartInput(classId=class_id))
    with pytest.raises(DomainError, match=r"^Student not enrolled in class$"):
        await domain.sessions.mark(teacher, class_id, teach(teacher, stranger.user_id, "present"))


async def test_no_session_to_act_on(domain: Domain) -> None:
    teacher, class_id, (student,) = await domain.classroom(1)
    with pytest.raises(DomainError, match=r"^No active attendance session$"):
        await domain.sessions.summary(teacher, class_id)
    with pytest.raises(DomainError, match=r"^No active attendance session$"):
        await domain.sessions.own_status(student, None)


async def test_class_id_must_be_the_callers(domain: Domain) -> None:
    _, class_id, _ = await domain.classroom(0)
    other_teacher, outsider = await domain.user("teacher"), await domain.user("student")
    with pytest.raises(DomainError, match=r"^Forbidden, not class teacher$"):
        await domain.sessions.summary(other_teacher, class_id)
    with pytest.raises(DomainError, match=r"^Forbidden, not enrolled in class$"):
        await domain.sessions.own_status(outsider, class_id)


async def test_latest_session_is_the_default(domain: Domain) -> None:
    teacher, first, (student,) = await domain.classroom(1)
    second = (await domain.classes.create(teacher, "Second"))["id"]
    await domain.rosters.enrol(teacher, second, [student.user_id])
    await domain.sessions.start(teacher, StartInput(classId=first))
    await asyncio.sleep(0.01)
    await domain.sessions.start(teacher, StartInput(classId=uuid.UUID(second)))
    state = await domain.sessions.state(teacher, None)
    assert state["classId"] == second
    assert (await domain.sessions.state(student, None))["classId"] == second


async def test_finish_marks_the_unmarked_absent(domain: Domain) -> None:
    teacher, class_id, students = await domain.classroom(3)
    await domain.sessions.start(teacher, StartInput(classId=class_id))
    await domain.sessions.mark(teacher, class_id, teach(teacher, students[0].user_id, "present"))
    finished_class, counts = await domain.sessions.finish(teacher, class_id)
    assert finished_class == str(class_id)
    assert counts == {"present": 1, "absent": 2, "late": 0, "excused": 0, "total": 3}
    assert domain.recorder.events[-1] == Finished(class_id, counts)
    for student in students[1:]:
        status = await domain.history.last_status(student, str(class_id))
        assert status == {"classId": str(class_id), "status": "absent"}
    with pytest.raises(DomainError, match=r"^No active attendance session$"):
        await domain.sessions.finish(teacher, class_id)


async def test_racing_finishes_persist_once(domain: Domain) -> None:
    teacher, class_id, _ = await domain.classroom(4)
    await domain.sessions.start(teacher, StartInput(classId=class_id))
    results = await asyncio.gather(
        *(domain.sessions.finish(teacher, class_id) for _ in range(3)), return_exceptions=True
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 2
    assert {e.message for e in lost} == {"No active attendance session"}
    (history,) = await domain.history.sessions(teacher, str(class_id))
    assert history["absent"] == 4 and history["total"] == 4


async def test_empty_cases_answer_with_zeros(domain: Domain) -> None:
    teacher, class_id, _ = await domain.classroom(0)
    await domain.sessions.start(teacher, StartInput(classId=class_id))
    assert await domain.sessions.summary(teacher, class_id) == ZERO
    _, counts = await domain.sessions.finish(teacher, class_id)
    assert counts == ZERO
    matrix = await domain.history.matrix(teacher, str(class_id))
    assert matrix["students"] == [] and len(matrix["sessions"]) == 1


async def test_state_shows_students_only_themselves(domain: Domain) -> None:
    teacher, class_id, (first, second) = await domain.classroom(2)
    await domain.sessions.start(teacher, StartInput(classId=class_id))
    await domain.sessions.mark(teacher, class_id, teach(teacher, first.user_id, "excused"))
    teacher_view = await domain.sessions.state(teacher, class_id)
    assert teacher_view["attendance"] == {str(first.user_id): "excused", str(second.user_id): None}
    student_view = await domain.sessions.state(second, class_id)
    assert student_view["attendance"] == {str(second.user_id): None}
    assert student_view["summary"]["excused"] == 1


async def test_matrix_rate_counts_present_and_late(domain: Domain) -> None:
    teacher, class_id, (student,) = await domain.classroom(1)
    for status in ("present", "late", "absent", "excused"):
        await domain.sessions.start(teacher, StartInput(classId=class_id))
        await domain.sessions.mark(teacher, class_id, teach(teacher, student.user_id, status))
        await domain.sessions.finish(teacher, class_id)
    matrix = await domain.history.matrix(teacher, str(class_id))
    (row,) = matrix["students"]
    assert row["statuses"] == ["present", "late", "absent", "excused"]
    assert row["rate"] == 0.5
    history = await domain.history.sessions(teacher, str(class_id))
    assert [h["startedAt"] for h in history] == sorted(
        (h["startedAt"] for h in history), reverse=True
    )


async def test_an_op_id_applies_once_per_session(domain: Domain) -> None:
    teacher, class_id, (student,) = await domain.classroom(1)
    op = uuid.uuid4()
    for status in ("present", "late"):
        await domain.sessions.start(teacher, StartInput(classId=class_id))
        mark = Mark(student.user_id, status, teacher.user_id, "ws", op_id=op)
        first = await domain.sessions.mark(teacher, class_id, mark)
        replay = Mark(student.user_id, "absent", teacher.user_id, "ws", op_id=op)
        again = await domain.sessions.mark(teacher, class_id, replay)
        assert (first["applied"], first["status"]) == (True, status)
        assert (again["applied"], again["status"]) == (False, status)
        await domain.sessions.finish(teacher, class_id)
