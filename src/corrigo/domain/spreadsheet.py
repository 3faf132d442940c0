"""Keeping exported text inert when a spreadsheet opens the file (CSV/formula injection)."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by Excel, LibreOffice or
# Google Sheets (tab and CR because some of them strip those and read what follows).
# The full-width forms are included because some spreadsheet input paths fold
# them to their ASCII twins.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def neutralise_cell(value: str) -> str:
    """Prefix a text cell with an apostrophe when a spreadsheet could evaluate it.

    Leading spaces do not protect a cell (spreadsheets skip them before looking
    for a formula), so the first non-space character decides. The apostrophe is
    the OWASP-recommended marker: spreadsheets show the text, not a result.
    """
    stripped = value.lstrip(" ")
    if stripped and stripped[0] in FORMULA_STARTS:
        return "'" + value
    return value
