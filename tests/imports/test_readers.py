"""Reading files: encodings, delimiters, XLSX/ODS, sheets and header rows, and every refused input."""

from datetime import date

import pytest

from casework.imports.readers import FileRefused, check_upload, check_zip, list_sheets, read_table
from tests.imports.files import csv_bytes, ods_bytes, write, xlsx_bytes, zip_bomb_xlsx

ROWS = [["Given name", "Family name", "Sex"], ["Amina", "Haddad", "F"], ["Élodie", "Martin", "femme"]]
ARABIC_ROWS = [["الاسم الأول", "الجنس"], ["فاطمة", "أنثى"]]


@pytest.mark.parametrize(
    ("rows", "encoding", "bom", "delimiter"),
    [
        (ROWS, "utf-8", False, ","),
        (ROWS, "utf-8", True, ";"),
        (ARABIC_ROWS, "cp1256", False, ";"),
        (ROWS, "latin-1", False, "\t"),
        (ARABIC_ROWS, "utf-8", True, ","),
    ],
)
def test_csv_in_each_encoding_and_delimiter_reads_the_same_text(tmp_path, rows, encoding, bom, delimiter):
    path = write(tmp_path, "list.csv", csv_bytes(rows, encoding=encoding, bom=bom, delimiter=delimiter))

    table = read_table(path, "list.csv")

    assert table.headers == rows[0]
    assert [cells for _n, cells in table.rows] == rows[1:]
    assert table.rows[0][0] == 2


def test_cp1256_is_detected_as_arabic_not_latin(tmp_path):
    path = write(tmp_path, "list.csv", csv_bytes(ARABIC_ROWS, encoding="cp1256"))

    assert read_table(path, "list.csv").encoding == "cp1256"


def test_a_wrong_encoding_chosen_by_the_user_is_a_clear_error(tmp_path):
    path = write(tmp_path, "list.csv", csv_bytes(ARABIC_ROWS, encoding="utf-8"))

    with pytest.raises(FileRefused, match="cannot be read as ascii"):
        read_table(path, "list.csv", encoding="ascii")


def test_utf16_without_bom_is_refused(tmp_path):
    path = write(tmp_path, "list.csv", "Name\nAmina\n".encode("utf-16-le"))

    with pytest.raises(FileRefused, match="not a text CSV"):
        read_table(path, "list.csv")


def test_xlsx_values_dates_and_numbers(tmp_path):
    path = write(
        tmp_path, "list.xlsx", xlsx_bytes({"Roj": [["Name", "Born", "Ref"], ["Amina", date(1990, 3, 15), 17]]})
    )

    table = read_table(path, "list.xlsx")

    assert table.sheet == "Roj"
    assert table.rows == [(2, ["Amina", date(1990, 3, 15), 17])]


def test_xlsx_sheet_and_header_row_choice(tmp_path):
    data = xlsx_bytes({"A": [["x"], ["y"]], "B": [["List of 2024"], [], ["Name"], ["Amina"]]})
    path = write(tmp_path, "list.xlsx", data)

    table = read_table(path, "list.xlsx", sheet="B", header_row=3)

    assert table.headers == ["Name"]
    assert table.rows == [(4, ["Amina"])]


def test_ods_is_read(tmp_path):
    path = write(tmp_path, "list.ods", ods_bytes([["Name", "Year"], ["Amina", 1990]]))

    table = read_table(path, "list.ods")

    assert table.headers == ["Name", "Year"]
    assert table.rows == [(2, ["Amina", 1990])]


def test_ods_formula_cells_are_refused(tmp_path):
    path = write(tmp_path, "list.ods", ods_bytes([["Name", "Year"], ["Amina", 1990]], formula_cell=True))

    with pytest.raises(FileRefused, match="formula"):
        read_table(path, "list.ods")


def test_xlsx_formula_cells_are_reported_by_cell_and_never_evaluated(tmp_path):
    path = write(tmp_path, "list.xlsx", xlsx_bytes({"S": [["Name", "Year", "Ref"], ['=HYPERLINK("x")', "=1+1", "r1"]]}))

    table = read_table(path, "list.xlsx")

    assert {(p.row, p.column) for p in table.problems} == {(2, "A"), (2, "B")}
    assert all("formula" in p.message for p in table.problems)


def test_merged_cells_are_reported(tmp_path):
    path = write(tmp_path, "list.xlsx", xlsx_bytes({"S": [["Name", "Family"], ["Amina", "x"]]}, merge="A2:B2"))

    table = read_table(path, "list.xlsx")

    assert [(p.row, p.column) for p in table.problems] == [(2, "A")]
    assert "A2:B2" in table.problems[0].message


def test_hidden_sheets_are_listed_flagged_and_cannot_be_read(tmp_path):
    path = write(
        tmp_path, "list.xlsx", xlsx_bytes({"Roj": [["Name"], ["A"]], "Old": [["Name"], ["B"]]}, hidden=("Old",))
    )

    assert [(s.name, s.hidden) for s in list_sheets(path, "list.xlsx")] == [("Roj", False), ("Old", True)]
    assert "Old" in read_table(path, "list.xlsx").warnings[0]
    with pytest.raises(FileRefused, match="hidden"):
        read_table(path, "list.xlsx", sheet="Old")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "empty"),
        ([["Name", "Sex"]], "no data rows"),
        ([["Name", "name"], ["A", "B"]], "appears twice"),
        ([["", ""], ["A", "B"]], "no column names"),
    ],
)
def test_bad_tables_are_refused_with_a_precise_message(tmp_path, rows, message):
    path = write(tmp_path, "list.csv", csv_bytes(rows) if rows else b"\r\n")

    with pytest.raises(FileRefused, match=message):
        read_table(path, "list.csv")


def test_header_row_outside_the_sheet(tmp_path):
    path = write(tmp_path, "list.csv", csv_bytes(ROWS))

    with pytest.raises(FileRefused, match="Row 9 is not in the sheet"):
        read_table(path, "list.csv", header_row=9)


@pytest.mark.parametrize(
    ("name", "size", "head", "message"),
    [
        ("list.xls", 10, b"\xd0\xcf", "Old Excel"),
        ("list.pdf", 10, b"%PDF", "CSV, XLSX or ODS"),
        ("list.csv", 0, b"", "empty"),
        ("list.xlsx", 10, b"<html>", "not a valid XLSX"),
    ],
)
def test_uploads_refused_by_name_size_and_first_bytes(name, size, head, message):
    with pytest.raises(FileRefused, match=message):
        check_upload(file_name=name, size=size, head=head)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORTS_MAX_FILE_SIZE = 1000

    with pytest.raises(FileRefused, match="the limit is"):
        check_upload(file_name="list.csv", size=1001, head=b"Name")


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path, settings):
    settings.IMPORTS_MAX_UNCOMPRESSED_SIZE = 1024 * 1024
    data = zip_bomb_xlsx(5 * 1024 * 1024)
    path = write(tmp_path, "bomb.xlsx", data)

    assert len(data) < 50_000
    with pytest.raises(FileRefused, match="unsafe"):
        check_zip(path)


@pytest.mark.parametrize("block", [1 << 20, 7, 64])
def test_formula_cells_are_found_whatever_the_xml_block_size(tmp_path, monkeypatch, block):
    """The sheet's XML is searched a block at a time: a formula cell cut by a block's end is still found."""
    rows = [["Name", "Year"]] + [[f"n{i}", "=1+1" if i % 7 == 0 else i] for i in range(60)]
    path = write(tmp_path, "list.xlsx", xlsx_bytes({"S": rows}))
    monkeypatch.setattr("casework.imports.readers.XML_BLOCK", block)

    table = read_table(path, "list.xlsx")

    assert sorted(p.row for p in table.problems) == [i + 2 for i in range(60) if i % 7 == 0]


@pytest.mark.parametrize("name", ["list.xlsx", "list.csv"])
def test_a_streamed_table_reads_the_same_rows_and_refuses_the_same_files(tmp_path, name):
    rows = [["Given name", "Year"], ["Amina", 1990], ["", ""], ["Omar", 2001]]
    data = xlsx_bytes({"S": rows}) if name.endswith("xlsx") else csv_bytes(rows)
    path = write(tmp_path, name, data)

    listed = read_table(path, name)
    streamed = read_table(path, name, stream=True)

    assert streamed.headers == listed.headers
    assert not isinstance(streamed.rows, list)
    assert (
        list(streamed.rows)
        == listed.rows
        == [(2, ["Amina", listed.rows[0][1][1]]), (4, ["Omar", listed.rows[1][1][1]])]
    )
    assert streamed.total >= 2
    headers_only = write(
        tmp_path, "h" + name, csv_bytes(rows[:1]) if name.endswith("csv") else xlsx_bytes({"S": rows[:1]})
    )
    with pytest.raises(FileRefused, match="no data rows"):
        read_table(headers_only, name, stream=True)
