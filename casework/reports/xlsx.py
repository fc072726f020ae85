"""The weekly report as an XLSX workbook: one sheet per table, the header row in bold.

The workbook is meant to be shared outside the organisation, so its counts are suppressed
(1–4 shown as "<5", see `casework.reports.selectors`) unless the caller says otherwise.
Labels are written in the active language. Every text cell is neutralised like the CSV export's
(`neutralise_cell`) and stored as a string, never as a formula: labels such as facility names are
edited by organisation administrators, and the file is opened by people outside the organisation.
"""

import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from casework.core.spreadsheets import neutralise_cell
from casework.reports.selectors import WeeklySummary

# Characters Excel refuses in sheet titles; titles are at most 31 characters.
_INVALID_TITLE = re.compile(r"[\[\]:*?/\\]")


def _text(value: object) -> object:
    """Numbers as they are; text neutralised so that no spreadsheet runs it as a formula."""
    return value if isinstance(value, int | float) else neutralise_cell(value)


def weekly_report_xlsx(summary: WeeklySummary, *, external: bool = True) -> bytes:
    """The summary's tables as an XLSX file's bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    used: set[str] = set()
    for table in summary.render(external=external):
        title = _INVALID_TITLE.sub(" ", table["title"])[:31] or table["key"]
        if title in used:
            title = f"{title[:28]} {len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title=title)
        sheet.append([_text(value) for value in table["columns"]])
        for cell in sheet[1]:
            cell.font = bold
        for row in table["rows"]:
            sheet.append([_text(value) for value in row])
        for sheet_row in sheet.iter_rows():
            for cell in sheet_row:
                if isinstance(cell.value, str):
                    # openpyxl stores a string starting with "=" as a formula unless told otherwise.
                    cell.data_type = TYPE_STRING
        sheet.column_dimensions["A"].width = max([12, *(len(str(r[0])) + 2 for r in table["rows"])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
