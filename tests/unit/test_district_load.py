"""bench.district_load: socket lines, and marks complete per class."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from bench.district_load import ClassReceipts, Line


def frame(event: str, data: dict[str, str]) -> bytes:
    return orjson.dumps({"event": event, "data": data})


def test_lines_give_the_url_with_its_token_and_a_teachers_roster() -> None:
    teacher = Line.parse("ws://h:1/ws c1 teacher s1,s2 TOKEN")
    student = Line.parse("ws://h:1/ws c1 student - TOKEN")
    assert teacher == Line("ws://h:1/ws?token=TOKEN", "c1", "teacher", ["s1", "s2"])
    assert student == Line("ws://h:1/ws?token=TOKEN", "c1", "student", [])


def test_a_mark_completes_when_every_socket_of_its_class_here_heard_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    receipts = ClassReceipts(Counter({"a": 2, "b": 1}))
    mark_a = frame("ATTENDANCE_MARKED", {"classId": "a", "studentId": "s1", "status": "late"})
    receipts.record(mark_a, 1.0)
    assert capsys.readouterr().out == ""
    receipts.record(mark_a, 2.5)
    receipts.record(frame("DONE", {"classId": "a"}), 3.0)
    assert capsys.readouterr().out == "MARK s1 2.500000\n"
    assert receipts.dones == 1


def test_a_new_step_forgets_marks_half_heard_before(capsys: pytest.CaptureFixture[str]) -> None:
    receipts = ClassReceipts(Counter({"a": 2}))
    mark = frame("ATTENDANCE_MARKED", {"classId": "a", "studentId": "s1", "status": "late"})
    receipts.record(mark, 1.0)
    receipts.record(frame("ERROR", {"message": "Service unavailable"}), 1.5)
    receipts.step()
    receipts.record(mark, 2.0)
    assert capsys.readouterr().out == "ERROR Service unavailable\n"
    assert (receipts.errors, receipts.dones) == (0, 0)
