"""How `headcount client` shows an answer to a person: lists of records as aligned tables,
a record as `key: value` lines. Scripts ask for `--json` and get the answer's data as sent."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

EMPTY = "(none)"


def cell(value: Any) -> str:
    """One value on one line: text as is, nothing as blank, anything nested as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows under a header of every key, in first-seen order, each column as wide as needed."""
    if not rows:
        return EMPTY
    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(text) for text in column) for column in zip(columns, *cells, strict=True)]
    lines = [columns, ["-" * width for width in widths], *cells]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def record(data: Mapping[str, Any]) -> str:
    """`key: value` lines; a value that is a list of records follows as a table of its own."""
    width = max((len(key) for key in data), default=0)
    lines: list[str] = []
    for key, value in data.items():
        if _records(value):
            lines += [f"{key}:", table(value)]
        else:
            lines.append(f"{key.ljust(width)}  {cell(value)}".rstrip())
    return "\n".join(lines) if lines else EMPTY


def render(data: Any) -> str:
    if _records(data):
        return table(data)
    if isinstance(data, Mapping):
        return record(data)
    if isinstance(data, list) and not data:
        return EMPTY
    return cell(data)


def _records(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, Mapping) for item in value)
