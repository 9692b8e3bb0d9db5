"""Upload limits (issues 13, 17, 19): hostile and oversized files are refused before they are parsed in
full, each with a message naming the limit and a fix; what a file says is capped where it is shown.

The hostile files are built in memory by ``tests/data/uploads/make_corpus.py`` (:data:`HOSTILE`): a
5,000-column file, a 1,000,000-row file, a zip bomb, a workbook of 190 MB of rows, over-long cells
and more. These tests assert outcomes and messages; ``bench/bench_uploads.py`` prints the times.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import re
import zipfile
from pathlib import Path

import pytest

from geo.upload import LIMITS, Limits, UploadError, inspect_upload, read_pasted, read_reference, read_upload
from geo.upload.errors import MAX_MESSAGE
from geo.upload.limits import EXTRA_ROWS

CORPUS = Path(__file__).parent / "data" / "uploads"


def _corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOSTILE = _corpus_module().HOSTILE


@pytest.fixture(scope="module")
def reference():
    return read_reference()


#: Each hostile file -> the start of the message it is refused with (regex), or None if it reads.
REFUSALS: dict[str, str | None] = {
    "5000_columns.csv": r"^Row 1 of '5000_columns\.csv' has 5,000 columns, over the limit of 200 columns\. Fix: ",
    "million_rows.csv": r"^'million_rows\.csv' has 1,000,001 lines, over the limit of 200,000 rows \(and 1,000 more "
                        r"for titles, notes and blank rows\)\. Fix: ",
    "zip_bomb.xlsx": r"^'zip_bomb\.xlsx' unpacks to 190\.0 MB, too large to read: over the limit of 100 MB of unpacked "
                     r"data\. Fix: ",
    "rows_bomb.xlsx": r"^'rows_bomb\.xlsx' unpacks to 190\.0 MB, too large to read: over the limit of 100 MB",
    "cells_bomb.xlsx": r"^'cells_bomb\.xlsx' has at least 400,004 filled cells, over the limit of 300,000 filled "
                       r"cells\. Fix: .*save it as 'CSV UTF-8' \(a CSV may hold 1,000,000 cells\)",
    "far_cell.xlsx": r"^'far_cell\.xlsx' has more than 201,000 rows, over the limit of 200,000 rows",
    "dimension_lie.xlsx": None,
    "billion_laughs.xlsx": r"^'billion_laughs\.xlsx' looks like an Excel workbook but cannot be opened",
    "many_sheets.xlsx": r"^'many_sheets\.xlsx' has 60 sheets, over the limit of 50 sheets\. Fix: Keep the sheet",
    "many_parts.xlsx": r"^'many_parts\.xlsx' has 2,005 parts, over the limit of 1,000 parts\. Fix: ",
    "long_field.csv": r"^Row 2 of 'long_field\.csv' has a cell of more than 131,072 characters, over the limit of "
                      r"32,767 characters for one cell \(Excel's own limit\)\. Fix: ",
    "long_cell.csv": r"^Row 2 of 'long_cell\.csv' has a cell of 40,000 characters, over the limit of 32,767 characters",
    "one_long_line.csv": r"^Row 1 of 'one_long_line\.csv' has 19,000,001 columns, over the limit of 200 columns",
    "repeated_code.csv": r"^1 area\(s\) appear more than once in column 'lsoa21_code' \(e\.g\. E01012571 on rows 2, "
                         r"3, 4 and 149,997 more\)\. Fix: ",
    "many_unmatched.csv": None,
}


def test_every_hostile_case_has_an_expected_outcome() -> None:
    assert set(REFUSALS) == set(HOSTILE)


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_hostile_file_is_refused_naming_the_limit(name: str, reference) -> None:
    data = HOSTILE[name]()
    expected = REFUSALS[name]
    if expected is None:
        preview = inspect_upload(read_upload(name, data), reference)
        assert preview.matched >= 10
        return
    with pytest.raises(UploadError) as caught:
        inspect_upload(read_upload(name, data), reference)
    message = str(caught.value)
    assert re.search(expected, message), message
    assert len(message) < 2 * MAX_MESSAGE + 20


def test_a_sheet_claiming_a_huge_dimension_reads_only_its_cells(reference) -> None:
    table = read_upload("d.xlsx", HOSTILE["dimension_lie.xlsx"]())
    assert table.frame.shape == (10, 2) and table.frame.columns.tolist() == ["lsoa21_code", "Patients"]


def test_many_unmatched_codes_are_all_counted(reference) -> None:
    preview = inspect_upload(read_upload("u.csv", HOSTILE["many_unmatched.csv"]()), reference)
    assert (preview.matched, len(preview.unmatched)) == (1_063, 100_000)
    assert preview.unmatched[:2] == ("E01900000", "E01900001")
    line = next(x for x in preview.lines() if "not matched" in x)
    assert line.endswith("and 99,980 more.") and len(line) < 400


# --- each limit, with small limits -------------------------------------------------------------

_ROWS = "lsoa21_code,Patients\n" + "".join(f"E0102523{i},{10 + i}\n" for i in range(1, 8))


@pytest.mark.parametrize("limits, message", [
    (Limits(rows=3, extra_rows=2), r"^'pasted text' has 9 lines, over the limit of 3 rows \(and 2 more for titles"),
    (Limits(columns=1), r"^Row 1 of 'pasted text' has 2 columns, over the limit of 1 columns"),
    (Limits(cells=10), r"^'pasted text' has more than 10 cells \(rows × columns\), over the limit of 10 cells"),
    (Limits(cell_chars=11), r"^Row 9 of 'pasted text' has a cell of 12 characters, over the limit of 11 characters"),
    (Limits(seconds=0), r"^Reading 'pasted text' took over the limit of 0 seconds\. Fix: Upload a smaller file"),
])
def test_each_text_limit_is_refused_with_its_message(limits: Limits, message: str) -> None:
    with pytest.raises(UploadError, match=message):
        read_pasted(_ROWS + "E01025238,123456789012\n", limits=limits)


def test_rows_within_the_limits_read_the_same_whether_checked_at_once_or_one_by_one() -> None:
    fast = read_pasted(_ROWS)  # no quotes: counted before parsing, parsed in one go
    slow = read_pasted(_ROWS.replace("E01025231", '"E01025231"'))  # quotes: checked row by row
    assert fast.frame.equals(slow.frame) and fast.frame.index.tolist() == list(range(2, 9))
    quoted = read_pasted('lsoa21_code,Note,Patients\nE01025231,"two\nlines",3\nE01025232,x,4\n')
    assert quoted.frame.index.tolist() == [2, 4] and quoted.frame.at[2, "Note"] == "two\nlines"


def test_trailing_empty_fields_do_not_count_as_columns_but_a_line_of_them_does() -> None:
    table = read_pasted("lsoa21_code,Patients" + "," * 300 + "\nE01025231,3" + "," * 300 + "\n")
    assert table.frame.columns.tolist() == ["lsoa21_code", "Patients"]
    with pytest.raises(UploadError, match=r"^Row 1 of 'pasted text' has 2,002 columns, over the limit of 200"):
        read_pasted("a,b" + "," * 2_000 + "\n")


def test_excel_limits_are_checked_from_the_zip_directory(reference) -> None:
    data = (CORPUS / "several_sheets.xlsx").read_bytes()
    with pytest.raises(UploadError, match=r"^'s\.xlsx' has 3 sheets, over the limit of 2 sheets"):
        read_upload("s.xlsx", data, limits=Limits(sheets=2))
    with pytest.raises(UploadError, match=r"^'s\.xlsx' has at least \d+ filled cells, over the limit of 5 filled"):
        read_upload("s.xlsx", data, limits=Limits(excel_cells=5))
    with pytest.raises(UploadError, match=r"^'s\.xlsx' has \d+ parts, over the limit of 3 parts"):
        read_upload("s.xlsx", data, limits=Limits(parts=3))
    with pytest.raises(UploadError, match=r"^'s\.xlsx' unpacks to \d+\.\d KB, too large to read: over the limit of "
                                          r"10 KB of unpacked data"):
        read_upload("s.xlsx", data, limits=Limits(unpacked=10 * 2**10))
    table = read_upload("s.xlsx", data, sheet="Data", limits=Limits(rows=9, extra_rows=2))  # header + 10 rows: fine
    assert len(table.frame) == 10 and EXTRA_ROWS == 1_000
    with pytest.raises(UploadError, match=r"^'s\.xlsx' has more than 10 rows, over the limit of 9 rows \(and 1 more"):
        read_upload("s.xlsx", data, sheet="Data", limits=Limits(rows=9, extra_rows=1))


def test_a_workbook_part_other_than_a_sheet_may_not_be_huge() -> None:
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/styles.xml", b" " * (11 * 2**20))
    with pytest.raises(UploadError, match=r"^Part 'xl/styles\.xml' of 'styles\.xlsx' unpacks to 11\.0 MB, over the "
                                          r"limit of 10 MB for a workbook part other than a sheet"):
        read_upload("styles.xlsx", package.getvalue())


def test_long_column_names_are_shortened_and_noted() -> None:
    table = read_pasted("lsoa21_code," + "N" * 150 + "\nE01025231,3\n", limits=Limits(name_chars=20))
    assert table.frame.columns.tolist() == ["lsoa21_code", "N" * 19 + "…"]
    assert "1 column name(s) longer than 20 characters were shortened" in table.notes


def test_file_names_are_quoted_on_one_short_line() -> None:
    name = "[x](http://e.vil)\n\u202e" + "n" * 200 + ".xls"
    with pytest.raises(UploadError) as caught:
        read_upload(name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    quoted = re.match(r"^'(.*)' is an old-style", str(caught.value)).group(1)
    assert len(quoted) == 80 and quoted.startswith("[x](http://e.vil) nnn") and quoted.endswith("…")
    assert "\n" not in quoted and "\u202e" not in quoted


def test_messages_are_capped_however_much_they_quote() -> None:
    error = UploadError("x" * 10_000, "y" * 5_000)
    assert len(error.problem) == len(error.fix) == MAX_MESSAGE and error.problem.endswith("…")
    header = ",".join(f"column {i} with a long name" for i in range(150))
    with pytest.raises(UploadError) as caught:
        read_pasted(header + "\n")
    assert str(caught.value).startswith("'pasted text' has a header row (column 0 with a long name, ")
    assert "and 140 more) but no data rows" in str(caught.value)


def test_default_limits_fit_an_icb_time_series_and_all_england() -> None:
    # An ICB's LSOAs over 36 months (about 40,000 rows) with a code, a month and three values; all
    # England's LSOAs with a code and 28 value columns.
    assert 40_000 * 5 <= LIMITS.cells and 40_000 <= LIMITS.rows and 33_755 * 29 <= LIMITS.cells
    assert LIMITS.bytes == 20 * 2**20 and LIMITS.unpacked == 100 * 2**20 and LIMITS.columns == 200


def test_over_size_paste_is_refused_before_reading() -> None:
    with pytest.raises(UploadError, match=r"^The file is 20\.0 MB, over the 20 MB limit"):
        read_pasted("E01025231,1\n" * (20 * 2**20 // 12 + 1))
    assert dataclasses.replace(LIMITS, bytes=1).bytes == 1


def test_checking_has_a_time_limit_too(reference) -> None:
    table = read_pasted(_ROWS)
    with pytest.raises(UploadError, match=r"^Checking the file took over the limit of 0 seconds"):
        inspect_upload(table, reference, limits=Limits(seconds=0))
