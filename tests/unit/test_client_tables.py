"""client_tables: what a person sees of an answer."""

from __future__ import annotations

from headcount.client_tables import EMPTY, cell, record, render, table


def test_a_list_of_records_is_an_aligned_table() -> None:
    rows = [{"id": "a1", "name": "Ada"}, {"id": "b22", "name": "Bo", "email": "bo@x.org"}]
    assert table(rows).splitlines() == [
        "id   name  email",
        "---  ----  --------",
        "a1   Ada",
        "b22  Bo    bo@x.org",
    ]


def test_a_record_is_key_value_lines_with_nested_tables() -> None:
    shown = record({"className": "Physics", "archived": False, "students": [{"name": "Ada"}]})
    assert shown.splitlines() == [
        "className  Physics",
        "archived   no",
        "students:",
        "name",
        "----",
        "Ada",
    ]


def test_cells_are_one_line() -> None:
    assert cell(None) == ""
    assert cell(True) == "yes"
    assert cell(3) == "3"
    assert cell({"a": [1, 2]}) == '{"a":[1,2]}'
    assert cell(["x"]) == '["x"]'


def test_nothing_says_so() -> None:
    assert render([]) == EMPTY
    assert render({}) == EMPTY
    assert table([]) == EMPTY
    assert render(None) == ""
