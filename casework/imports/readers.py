"""Reading uploaded spreadsheets: CSV (encoding and delimiter detected), XLSX and ODS (python-calamine).

Values only: formulas are never evaluated, and a formula cell is reported, not read. Problems with the
file as a whole raise `FileRefused` with a message for the user; problems with single cells (merged
cells, formulas) are returned with the table so that the dry run reports them by row and column.
"""

import contextlib
import csv
import ctypes
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from casework.core.exceptions import DomainError

CSV_EXTENSIONS = frozenset({"csv", "txt", "tsv"})
BOOK_EXTENSIONS = frozenset({"xlsx", "ods"})
SUPPORTED_EXTENSIONS = CSV_EXTENSIONS | BOOK_EXTENSIONS
ENCODINGS = ("utf-8", "utf-8-sig", "cp1256", "cp1252", "latin-1")
_ARABIC = re.compile("[\u0600-\u06ff]")
# The mapping page's sample: at most this many data rows, and of a CSV at most this many bytes.
SAMPLE_ROWS = 1000
SAMPLE_BYTES = 1024 * 1024


class FileRefused(DomainError):
    """The file cannot be read as a whole (format, encoding, size, empty, columns)."""


@dataclass
class CellProblem:
    """A cell that cannot be read: `row` as the spreadsheet numbers it, `column` its letter."""

    row: int
    column: str
    message: str


@dataclass
class SheetInfo:
    name: str
    hidden: bool


@dataclass
class Table:
    """The chosen sheet: its headers and data rows (row number, cells), plus what could not be read."""

    sheet: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]] | Iterator[tuple[int, list[Any]]]
    problems: list[CellProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""
    # Rows of the sheet below the header, empty ones included (known before the rows are read).
    total: int = 0


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def extension_of(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def check_upload(*, file_name: str, size: int, head: bytes) -> None:
    """Refuse a file by its name, size and first bytes, before it is stored."""
    extension = extension_of(file_name)
    if extension == "xls":
        raise FileRefused(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or .csv."))
    if extension not in SUPPORTED_EXTENSIONS:
        raise FileRefused(_("Upload a CSV, XLSX or ODS file."))
    if size > settings.IMPORTS_MAX_FILE_SIZE:
        raise FileRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into several files.")
            % {"size": round(size / 1048576, 1), "limit": round(settings.IMPORTS_MAX_FILE_SIZE / 1048576, 1)}
        )
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if extension in BOOK_EXTENSIONS and not head.startswith(b"PK"):
        raise FileRefused(
            _("This file is not a valid %(kind)s file (it may be damaged or renamed).") % {"kind": extension.upper()}
        )


def check_zip(path: Path) -> None:
    """Refuse an XLSX/ODS whose zip directory announces far more data than the limit (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(_("This file is damaged: it cannot be opened as a spreadsheet.")) from None
    if total > settings.IMPORTS_MAX_UNCOMPRESSED_SIZE:
        raise FileRefused(
            _("Unpacked, this file would take %(size)s MB (limit %(limit)s MB): it is refused as unsafe.")
            % {"size": total // 1048576, "limit": settings.IMPORTS_MAX_UNCOMPRESSED_SIZE // 1048576}
        )


# --- CSV ------------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1256 when the text reads as Arabic, else Windows-1252/Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if b"\x00" in data[:4096]:
        raise FileRefused(
            _(
                "This file is not a text CSV file (binary content, or UTF-16): save it as “CSV UTF-8” and upload it again."
            )
        )
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Arabic words are runs of high bytes; accented Latin letters mostly stand alone between ASCII letters.
    high = sum(1 for byte in data if byte >= 0x80)
    in_runs = sum(len(run) for run in re.findall(rb"[\x80-\xff]{2,}", data))
    arabic = len(_ARABIC.findall(data.decode("cp1256", errors="replace")))
    if high and in_runs >= high * 0.6 and arabic >= high * 0.6:
        return "cp1256"
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _read_csv(path: Path, encoding: str, limit: int | None = None) -> tuple[list[list[Any]], str]:
    if limit is None:
        data = path.read_bytes()
    else:
        # A sample: the first lines only, cut at a line end (never inside a UTF-8 character).
        with path.open("rb") as handle:
            data = handle.read(SAMPLE_BYTES)
            if len(data) == SAMPLE_BYTES and b"\n" in data:
                data = data[: data.rindex(b"\n") + 1]
    encoding = encoding or detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file cannot be read as %(encoding)s: choose another encoding or save it as “CSV UTF-8”.")
            % {"encoding": encoding}
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:16384], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        rows = [list(row) for row in (reader if limit is None else itertools.islice(reader, limit))]
    except csv.Error as exc:
        raise FileRefused(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
    return rows, encoding


# --- XLSX and ODS -----------------------------------------------------------------------------------


def _workbook(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several error types for damaged or encrypted files
        raise FileRefused(_("This file cannot be opened as a spreadsheet (damaged or password-protected).")) from None


def list_sheets(path: Path, file_name: str) -> list[SheetInfo]:
    """The sheets of a workbook (one unnamed sheet for a CSV), hidden ones flagged."""
    if extension_of(file_name) in CSV_EXTENSIONS:
        return [SheetInfo(name="", hidden=False)]
    check_zip(path)
    workbook = _workbook(path)
    return [
        SheetInfo(name=meta.name, hidden=str(meta.visible).rsplit(".", 1)[-1] != "Visible")
        for meta in workbook.sheets_metadata
    ]


# Bytes of a sheet's XML read at a time when looking for formula cells.
XML_BLOCK = 1 << 20
# A cell (its reference) whose element holds a formula (<f>).
_FORMULA_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]+[0-9]+)"[^>]*(?<!/)>(?:(?!</c>).)*?<f[\s>/]')


def _xlsx_formula_cells(path: Path, sheet_name: str) -> list[str]:
    """References (e.g. "B3") of the formula cells of one XLSX sheet, read from its XML."""
    with zipfile.ZipFile(path) as archive:
        try:
            book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        except KeyError:
            return []
        rel_id = None
        for match in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", book):
            attributes = match.group(1)
            name = re.search(r'\bname="([^"]*)"', attributes)
            if name and _xml_unescape(name.group(1)) == sheet_name:
                found = re.search(r'\br:id="([^"]*)"', attributes) or re.search(r'\b\w+:id="([^"]*)"', attributes)
                rel_id = found.group(1) if found else None
                break
        target = None
        for match in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
            if re.search(rf'\bId="{re.escape(rel_id or "")}"', match.group(1)):
                found = re.search(r'\bTarget="([^"]*)"', match.group(1))
                target = found.group(1) if found else None
        if not target:
            return []
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member not in archive.namelist():
            return []
        # The sheet's XML a megabyte at a time (it is tens of MB for 100,000 rows), cut before the last
        # cell that may continue in the next block.
        found: list[str] = []
        rest = b""
        with archive.open(member) as xml:
            while block := xml.read(XML_BLOCK):
                text = rest + block
                cut = text.rfind(b"<c")
                cut = cut if cut > 0 else 0
                found += (m.decode() for m in _FORMULA_CELL.findall(text, 0, cut))
                rest = text[cut:]
        found += (m.decode() for m in _FORMULA_CELL.findall(rest))
    return found


def _ods_formula_count(path: Path, sheet_name: str) -> int:
    with zipfile.ZipFile(path) as archive:
        try:
            xml = archive.read("content.xml").decode("utf-8", "replace")
        except KeyError:
            return 0
    start = xml.find(f'table:name="{sheet_name}"')
    if start < 0:
        return 0
    end = xml.find("</table:table>", start)
    return xml.count("table:formula=", start, end if end > 0 else len(xml))


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _sheet_rows(worksheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows from A1, one at a time (converted by `read_table`, never held twice as a whole).

    calamine's row iterator starts at row 1 but at the first used column: the columns before it are
    added back, so that column letters and row numbers are those the spreadsheet shows.
    """
    _row, first_column = worksheet.start or (0, 0)
    padding = [""] * first_column
    for row in worksheet.iter_rows():
        yield [*padding, *row] if padding else row


def _read_book(
    path: Path, file_name: str, sheet: str, limit: int | None = None
) -> tuple[Iterable[list[Any]], str, list[CellProblem], list[str], int]:
    sheets = list_sheets(path, file_name)
    visible = [info for info in sheets if not info.hidden]
    hidden = [info.name for info in sheets if info.hidden]
    warnings = []
    if hidden:
        warnings.append(
            _("Hidden sheets are not imported: %(names)s. Unhide them in your spreadsheet if they hold data.")
            % {"names": ", ".join(hidden)}
        )
    if not sheet:
        if not visible:
            raise FileRefused(_("Every sheet of this file is hidden: unhide the sheet to import."))
        sheet = visible[0].name
    chosen = next((info for info in sheets if info.name == sheet), None)
    if chosen is None:
        raise FileRefused(_("The file has no sheet named “%(sheet)s”.") % {"sheet": sheet})
    if chosen.hidden:
        raise FileRefused(_("The sheet “%(sheet)s” is hidden: unhide it in your spreadsheet first.") % {"sheet": sheet})
    if limit is not None:
        # A sample for the mapping page: formula cells are looked for by the dry run, not here.
        worksheet = _workbook(path).get_sheet_by_name(sheet)
        return list(itertools.islice(_sheet_rows(worksheet), limit)), sheet, [], warnings, worksheet.total_height
    problems = []
    # Formula cells first, from the sheet's XML, before calamine holds the sheet: the two never add up.
    formula_cells = _xlsx_formula_cells(path, sheet) if extension_of(file_name) == "xlsx" else []
    worksheet = _workbook(path).get_sheet_by_name(sheet)
    rows = _sheet_rows(worksheet)
    for (row0, col0), (row1, col1) in worksheet.merged_cell_ranges or []:
        span = f"{column_letter(col0)}{row0 + 1}:{column_letter(col1)}{row1 + 1}"
        problems.append(
            CellProblem(
                row=row0 + 1,
                column=column_letter(col0),
                message=_("Merged cells %(span)s: unmerge them and fill in each cell.") % {"span": span},
            )
        )
    if extension_of(file_name) == "xlsx":
        for reference in formula_cells:
            letters = reference.rstrip("0123456789")
            problems.append(
                CellProblem(
                    row=int(reference[len(letters) :]),
                    column=letters,
                    message=_("This cell holds a formula: formulas are not evaluated. Paste its value instead."),
                )
            )
    else:
        count = _ods_formula_count(path, sheet)
        if count:
            raise FileRefused(
                _("The sheet holds %(count)s formula cells: formulas are not evaluated. Paste them as values.")
                % {"count": count}
            )
    return rows, sheet, problems, warnings, worksheet.total_height


def _cell(value: Any) -> Any:
    """A cell as text, number or date; empty cells become ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _split_header(rows: Iterator[list[Any]], header_row: int) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header row's names and the data rows below it (row number, cells), empty rows left out.

    The data rows are read lazily (the first one is read here, to refuse a file without data)."""
    seen_any = False
    header: list[Any] | None = None
    for number, row in enumerate(rows, start=1):
        seen_any = seen_any or any(value != "" for value in row)
        if number == header_row:
            header = row
            break
    if header is None:
        if not seen_any:
            raise FileRefused(_("The file is empty."))
        raise FileRefused(
            _("Row %(row)s is not in the sheet: choose the row that holds the column names.") % {"row": header_row}
        )
    headers = [str(value).strip() for value in header]
    seen: dict[str, int] = {}
    for index, name in enumerate(headers):
        if not name:
            continue
        if name.casefold() in seen:
            raise FileRefused(
                _("The column “%(name)s” appears twice (columns %(first)s and %(second)s): rename one of them.")
                % {"name": name, "first": column_letter(seen[name.casefold()]), "second": column_letter(index)}
            )
        seen[name.casefold()] = index
    data = ((number, row) for number, row in enumerate(rows, start=header_row + 1) if any(value != "" for value in row))
    first = next(data, None)
    if not seen:
        if not seen_any and first is None:
            raise FileRefused(_("The file is empty."))
        raise FileRefused(_("Row %(row)s holds no column names: choose the header row.") % {"row": header_row})
    if first is None:
        raise FileRefused(_("The file has column names but no data rows."))
    return headers, itertools.chain([first], data)


def read_table(
    path: Path,
    file_name: str,
    *,
    sheet: str = "",
    header_row: int = 1,
    encoding: str = "",
    sample: int | None = None,
    stream: bool = False,
) -> Table:
    """Read one sheet: headers from `header_row` (1-based), data rows below it, problems and warnings.

    With `sample`, only the first `sample` data rows are read (the mapping page: the web process never
    reads a whole file; the dry run, in the worker, does). With `stream`, `rows` is an iterator that
    converts each row when it is read (the dry run: the file's cells are never all in memory as Python
    values) and `total` the number of rows of the sheet below the header (for the progress bar).
    """
    problems: list[CellProblem] = []
    warnings: list[str] = []
    limit = None if sample is None else header_row + sample
    if extension_of(file_name) in CSV_EXTENSIONS:
        rows, encoding = _read_csv(path, encoding, limit)
        height = len(rows)
        sheet = ""
    else:
        rows, sheet, problems, warnings, height = _read_book(path, file_name, sheet, limit)
    headers, data = _split_header(([_cell(value) for value in row] for row in rows), header_row)
    return Table(
        sheet=sheet,
        header_row=header_row,
        headers=headers,
        rows=data if stream else list(data),
        problems=problems,
        warnings=warnings,
        encoding=encoding,
        total=max(height - header_row, 1),
    )


def release_freed_memory() -> None:
    """Hand the memory freed since the sheet was read back to the operating system (glibc's malloc_trim).

    calamine holds its copy of a sheet in many small Rust allocations; once freed, glibc keeps them for
    later mallocs, which Python's own allocator (its arenas are mapped separately) never asks for: the
    worker would go on holding a whole sheet's worth of memory while it checks the rows. No-op elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def iter_cells(table: Table) -> Iterator[tuple[int, int, Any]]:
    """(row number, column index, value) of every cell of the data rows."""
    for number, row in table.rows:
        for index, value in enumerate(row):
            yield number, index, value
