"""Cells a spreadsheet would evaluate are written as text, by the one writer every export uses."""

import csv
import io

import pytest

from disputes import spreadsheet


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+8613912345678", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =cmd|' /C calc'!A0"],
)
def test_a_cell_that_would_run_as_a_formula_gets_a_leading_quote(value):
    assert spreadsheet.text_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["王建国", "GA-2026-000001", "12345.67", "", None, 3])
def test_other_cells_are_written_as_they_are(value):
    assert spreadsheet.text_cell(value) == ("" if value is None else str(value))


def test_the_writer_applies_it_to_every_cell():
    out = io.StringIO()
    spreadsheet.writer(out).writerows([["=A1", "ok"], ["@x", "-1"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=A1", "ok"], ["'@x", "'-1"]]
