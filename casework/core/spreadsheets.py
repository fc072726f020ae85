"""Cells for spreadsheets we hand out (CSV exports, XLSX reports).

A cell that starts with one of these characters is run as a formula by Excel or LibreOffice
(CSV/formula injection); names and facility labels are typed by users, so every text cell is
neutralised with a leading single quote.
"""

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> str:
    """The value as text, prefixed with a single quote if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
