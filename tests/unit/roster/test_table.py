"""roster/table.py: a CSV file against its columns."""

from __future__ import annotations

from headcount.roster.columns import SPECS
from headcount.roster.problems import Problems
from headcount.roster.table import read_table

ORGS = SPECS["orgs.csv"]
HEADER = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId"


def test_lines_by_column_in_any_order_with_extensions() -> None:
    problems = Problems()
    text = "name,type,sourcedId,status,dateLastModified,identifier,parentSourcedId,metadata.x\n"
    text += '"North, High",school,o1,,,,,7\n\n'
    (line,) = read_table(ORGS, text, problems)
    assert not problems
    assert line.number == 2
    assert line.values["name"] == "North, High"
    assert line.values["sourcedId"] == "o1"


def test_missing_unknown_and_twice_named_columns() -> None:
    problems = Problems()
    assert read_table(ORGS, HEADER.replace("name", "title") + ",type\n", problems) == []
    messages = {(p.column, p.message) for p in problems.found}
    assert ("name", "missing column") in messages
    assert ("title", "unknown column") in messages
    assert (None, "a column is named twice") in messages


def test_required_values_and_field_counts_per_line() -> None:
    problems = Problems()
    lines = read_table(ORGS, HEADER + "\no1,,,,school,,\no2,,,North\n", problems)
    assert [line.number for line in lines] == [2]
    assert [(p.line, p.column, p.message) for p in problems.found] == [
        (2, "name", "a value is required"),
        (3, None, "4 fields, the header has 7"),
    ]


def test_nul_characters_and_overlong_keys() -> None:
    problems = Problems()
    long_key = "k" * 256
    read_table(ORGS, HEADER + f"\no1,,,No\0rth,school,,\n{long_key},,,North,school,,\n", problems)
    assert [(p.line, p.column, p.message) for p in problems.found] == [
        (2, "name", "contains a NUL character"),
        (3, "sourcedId", "longer than 255 characters"),
    ]
