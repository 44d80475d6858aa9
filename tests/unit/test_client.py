"""client: naming a student by e-mail or name."""

from __future__ import annotations

import pytest

from headcount.client import ClientError, _one

ROSTER = [
    {"id": "1", "name": "Ada Lovelace", "email": "ada@school.example"},
    {"id": "2", "name": "Sam Lee", "email": "sam.a@school.example"},
    {"id": "3", "name": "Sam Lee", "email": "sam.b@school.example"},
]


def test_an_email_or_a_unique_name_names_one_student() -> None:
    assert _one("ADA@School.Example", ROSTER) == "1"
    assert _one(" ada lovelace ", ROSTER) == "1"
    assert _one("sam.b@school.example", ROSTER) == "3"


def test_a_shared_name_asks_for_the_email() -> None:
    with pytest.raises(ClientError) as raised:
        _one("Sam Lee", ROSTER)
    assert str(raised.value) == (
        "2 students are called 'Sam Lee': name one by e-mail "
        "(sam.a@school.example, sam.b@school.example)"
    )


def test_nobody_by_that_name() -> None:
    with pytest.raises(ClientError, match="no student 'Bo'"):
        _one("Bo", ROSTER)
