"""Every CSV the server writes: rows in, text out, safe to open in a spreadsheet.

A spreadsheet evaluates a cell that begins with `=`, `+`, `-` or `@` as a formula, so a name
like `=HYPERLINK(...)` would run on the machine of whoever opens the export (CSV injection,
CWE-1236). Following OWASP's guidance, such a cell gets a leading single quote, which
spreadsheets read as "this is text" and do not show; so does a cell beginning with a tab or a
carriage return. Spreadsheets also strip leading blanks before they look, so the check is made
on the first visible character. Every cell is quoted, so a `,` or `;` inside a name can never
start a new cell, whichever separator the spreadsheet's locale expects.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

# The full-width forms are what an input method types, and some spreadsheets take them as the
# ASCII signs.
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
STRIPPED_FIRST = frozenset("\t\r")

Cell = str | None


def _blank(char: str) -> bool:
    """Whitespace, controls and invisible format characters, which a spreadsheet skips."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    visible = next((char for char in cell if not _blank(char)), "")
    if cell[:1] in STRIPPED_FIRST or visible in FORMULA_STARTS:
        return "'" + cell
    return cell


def render(rows: Iterable[Sequence[Cell]]) -> str:
    """CSV text (RFC 4180, CRLF line ends, every cell quoted); `None` is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return out.getvalue()
