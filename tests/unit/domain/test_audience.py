"""domain/audience.py: which live events each listener hears (SPEC §5 privacy)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from headcount.domain.audience import EVERYONE, Viewer, reach
from headcount.domain.events import Finished, Marked, SessionOpened, Summarized

CLASS = uuid.uuid4()
ME, CLASSMATE = uuid.uuid4(), uuid.uuid4()
COUNTS = {"present": 0, "absent": 0, "late": 0, "excused": 0, "total": 0}
TEACHER = Viewer(uuid.uuid4(), "teacher")
STUDENT = Viewer(ME, "student")


def test_by_default_a_student_hears_marks_about_themselves_only() -> None:
    mine, theirs = Marked(CLASS, ME, "late"), Marked(CLASS, CLASSMATE, "excused")
    assert STUDENT.hears(reach(mine, "own"))
    assert not STUDENT.hears(reach(theirs, "own"))
    assert TEACHER.hears(reach(theirs, "own"))


def test_live_marks_class_sends_every_mark_to_every_student() -> None:
    assert STUDENT.hears(reach(Marked(CLASS, CLASSMATE, "absent"), "class"))


def test_class_wide_news_reaches_everyone() -> None:
    started = SessionOpened(CLASS, uuid.uuid4(), datetime.now(UTC))
    for event in (Summarized(CLASS, COUNTS), Finished(CLASS, COUNTS), started):  # type: ignore[arg-type]
        assert reach(event, "own") == EVERYONE
        assert STUDENT.hears(reach(event, "own")) and TEACHER.hears(reach(event, "own"))


def test_a_guardian_hears_marks_about_their_children_and_nothing_else() -> None:
    guardian = Viewer(uuid.uuid4(), "guardian", frozenset({ME}))
    for live_marks in ("own", "class"):
        assert guardian.hears(reach(Marked(CLASS, ME, "late"), live_marks))  # type: ignore[arg-type]
        assert not guardian.hears(reach(Marked(CLASS, CLASSMATE, "late"), live_marks))  # type: ignore[arg-type]
    started = SessionOpened(CLASS, uuid.uuid4(), datetime.now(UTC))
    for event in (Summarized(CLASS, COUNTS), Finished(CLASS, COUNTS), started):  # type: ignore[arg-type]
        assert not guardian.hears(reach(event, "own"))
