"""One CSV file read against its columns: the header checked, each line a dict by column
name, and every missing or misplaced value collected as a problem."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from headcount.roster.columns import FileSpec
from headcount.roster.problems import Problems

# The field size limit csv applies by default (128 KiB) is far above any real value; a
# longer one is refused as a problem, not a crash.
MAX_LINES = 200_000
# sourcedIds are stored as they are, so they must fit their columns.
KEYS = ("sourcedId", "SourcedId")
MAX_KEY = 255


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # as an editor counts: the header is line 1
    values: dict[str, str]


def read_table(spec: FileSpec, text: str, problems: Problems) -> list[Line]:
    """The lines of `text`; the header must name every column of `spec` (any order) and
    nothing else but `metadata.…` extensions."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        problems.add(spec.name, 1, None, f"unreadable CSV: {exc}")
        return []
    bad_header = False
    for column in spec.columns:
        if column not in header:
            problems.add(spec.name, 1, column, "missing column")
            bad_header = True
    for column in header:
        if column not in spec.columns and not column.startswith("metadata."):
            problems.add(spec.name, 1, column or None, "unknown column")
            bad_header = True
    if len(set(header)) != len(header):
        problems.add(spec.name, 1, None, "a column is named twice")
        bad_header = True
    if bad_header:
        return []
    lines: list[Line] = []
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(lines) >= MAX_LINES:
                problems.add(spec.name, number, None, f"more than {MAX_LINES} lines")
                break
            if len(row) != len(header):
                problems.add(
                    spec.name, number, None, f"{len(row)} fields, the header has {len(header)}"
                )
                continue
            values = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
            _check_values(spec, number, values, problems)
            lines.append(Line(number, values))
    except csv.Error as exc:
        problems.add(spec.name, reader.line_num, None, f"unreadable CSV: {exc}")
    return lines


def _check_values(spec: FileSpec, number: int, values: dict[str, str], problems: Problems) -> None:
    for column in spec.required:
        if not values[column]:
            problems.add(spec.name, number, column, "a value is required")
    for column, value in values.items():
        if "\x00" in value:  # PostgreSQL cannot store it, and no roster needs it
            problems.add(spec.name, number, column, "contains a NUL character")
        elif column.endswith(KEYS) and len(value) > MAX_KEY:
            problems.add(spec.name, number, column, f"longer than {MAX_KEY} characters")


def one_of(line: Line, file: str, column: str, allowed: tuple[str, ...], problems: Problems) -> str:
    """The column's value if it is one of `allowed` (or empty), else a problem."""
    value = line.values[column]
    if value and value not in allowed:
        problems.add(file, line.number, column, f"must be one of {', '.join(allowed)}")
    return value
