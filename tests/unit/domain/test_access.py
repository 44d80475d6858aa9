"""domain/access.py: who may touch a class, and the refusal each caller gets."""

from __future__ import annotations

import uuid

import pytest

from headcount.domain import access
from headcount.domain.access import ClassFacts, Need
from headcount.domain.errors import DomainError
from headcount.security import Principal

TEACHER = Principal(uuid.uuid4(), "teacher")
OTHER_TEACHER = Principal(uuid.uuid4(), "teacher")
STUDENT = Principal(uuid.uuid4(), "student")
OWNED = ClassFacts(TEACHER.user_id, enrolled=False, in_callers_schools=True)
ATTENDED = ClassFacts(TEACHER.user_id, enrolled=True, in_callers_schools=True)
ELSEWHERE = ClassFacts(TEACHER.user_id, enrolled=False, in_callers_schools=False)


def test_its_teacher_manages_it_and_is_a_member() -> None:
    assert access.allows(TEACHER, OWNED, Need.MANAGE)
    assert access.allows(TEACHER, OWNED, Need.MEMBER)
    assert not access.allows(TEACHER, OWNED, Need.ATTEND)


def test_another_teacher_may_do_nothing() -> None:
    for need in Need:
        assert not access.allows(OTHER_TEACHER, OWNED, need)


def test_an_enrolled_student_attends_and_is_a_member_but_never_manages() -> None:
    assert access.allows(STUDENT, ATTENDED, Need.ATTEND)
    assert access.allows(STUDENT, ATTENDED, Need.MEMBER)
    assert not access.allows(STUDENT, ATTENDED, Need.MANAGE)
    assert not access.allows(STUDENT, OWNED, Need.ATTEND)


def test_a_student_who_is_the_teacher_id_does_not_manage() -> None:
    """Roles come from the token: a student's id equal to teacher_id is no ownership."""
    facts = ClassFacts(STUDENT.user_id, enrolled=False)
    assert not access.allows(STUDENT, facts, Need.MANAGE)


def _refusal(who: Principal, facts: ClassFacts | None, need: Need, live: bool = False) -> str:
    with pytest.raises(DomainError) as caught:
        access.check(who, facts, need, live=live)
    return caught.value.message


def test_http_says_not_found_before_forbidden() -> None:
    assert _refusal(TEACHER, None, Need.MANAGE) == "Class not found"
    assert _refusal(OTHER_TEACHER, OWNED, Need.MANAGE) == "Forbidden, not class teacher"
    assert _refusal(STUDENT, OWNED, Need.ATTEND) == "Forbidden, not enrolled in class"
    assert _refusal(STUDENT, OWNED, Need.MEMBER) == "Forbidden, not class teacher"


def test_another_school_s_class_does_not_exist_over_http() -> None:
    assert _refusal(OTHER_TEACHER, ELSEWHERE, Need.MANAGE) == "Class not found"
    assert _refusal(STUDENT, ELSEWHERE, Need.MEMBER) == "Class not found"
    assert _refusal(OTHER_TEACHER, ELSEWHERE, Need.MANAGE, live=True) == (
        "Forbidden, not class teacher"
    )


def test_a_socket_cannot_tell_a_missing_class_from_someone_else_s() -> None:
    assert _refusal(TEACHER, None, Need.MANAGE, live=True) == "Forbidden, not class teacher"
    assert _refusal(STUDENT, None, Need.MEMBER, live=True) == "Forbidden, not enrolled in class"
    assert _refusal(STUDENT, OWNED, Need.MEMBER, live=True) == "Forbidden, not enrolled in class"


def test_a_path_id_that_is_not_a_uuid_names_no_class() -> None:
    with pytest.raises(DomainError) as caught:
        access.class_id_from_path("42")
    assert caught.value.message == "Class not found"
    assert access.class_id_from_path(str(OWNED.teacher_id)) == OWNED.teacher_id
