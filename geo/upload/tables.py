"""A user's file (bytes in memory) to a table of cells: CSV, Excel .xlsx or pasted text.

Nothing here touches the disk: :func:`read_upload` takes the bytes Streamlit's uploader
holds and returns a :class:`Table`. What was guessed (encoding, separator, sheet, header
row) is recorded in ``Table.notes`` for the preview.

* **Limits** (:mod:`geo.upload.limits`): a file over the size limit is refused before
  anything is read; an Excel file's parts are checked from its zip directory (count,
  unpacked size, sheets) and its sheets scanned for the number of filled cells before
  openpyxl opens it; rows, columns, cells and cell lengths are counted as the file is read
  and reading stops at the first one over its limit. Each refusal names the limit.
* **Kind** is decided from the content, not the name: a ZIP with ``xl/workbook.xml`` is
  read as Excel even if named ``.csv``; old ``.xls``, other archives, images, PDFs and any
  other binary data are refused.
* **Text encodings**: UTF-8 (with or without byte-order mark), UTF-16 (byte-order mark,
  or none with the tell-tale zero bytes), otherwise Windows-1252.
* **Separators**: comma, semicolon, tab or "|", whichever splits the first 100 rows
  most consistently into more than one column (ties: tab, semicolon, pipe, comma). A
  semicolon file is taken to use decimal commas ("12,5").
* **Excel**: cached values are read (``data_only=True``); a formula with no saved result
  is refused (its value cannot be known without Excel). The first sheet with an area
  code is used (else the first non-empty one); the notes name the others, and ``sheet=``
  picks one. Every non-empty sheet is checked for person-level data.
* **Header row**: title rows (merged or not) above the header are skipped: the header is
  the last row with two or more cells, mostly text, above the first row holding an area
  code (one text cell is enough just above the data, for year headers); without codes, the
  first such row followed by data. Empty rows and columns are
  dropped; blank headers become "column N"; repeated headers get " (2)"; headers longer
  than :attr:`~geo.upload.limits.Limits.name_chars` are shortened.
* **Person-level data** is refused (:mod:`geo.upload.privacy`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

import openpyxl
import pandas as pd

from geo.upload.errors import UploadError
from geo.upload.geography import CODE_RE
from geo.upload.limits import LIMITS, Clock, Limits, size_text, too_many
from geo.upload.numbers import is_missing_marker, parse_number
from geo.upload.privacy import check_person_level

#: Default upload limit: 20 MB.
MAX_BYTES = LIMITS.bytes
#: An Excel file may unpack to at most this many times the upload limit (and 100 MB).
MAX_EXPANSION = LIMITS.expansion

#: Separators tried, in order of preference when two split the rows equally well.
SEPARATORS = {"\t": "tab", ";": "semicolon", "|": "pipe", ",": "comma"}

#: Header rows are looked for in the first rows only.
_HEADER_SEARCH = 50
#: The separator is guessed from the first rows, within this many characters.
_SNIFF_CHARS = 65_536
#: A line may hold at most this many times the column limit of separators, even empty or quoted ones.
_RAW_FIELDS = 10
#: How many names a message lists before "and N more".
_LISTED = 10
#: Characters of a file name quoted in messages.
_NAME_CHARS = 80
#: An Excel part other than a sheet or its shared strings (styles, workbook, relations) may
#: unpack to at most this many bytes.
_OTHER_PART = 10 * 2**20

#: File signatures of binary formats people upload by mistake.
_SIGNATURES = {
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old-style Microsoft Office file (for example Excel 97-2003 .xls)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"PAR1": "a Parquet file",
    b"SQLite format 3": "an SQLite database",
}

_SAVE_AS = "Open it in Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', then upload that"
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NAME_JUNK = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


@dataclass(frozen=True, eq=False)
class Table:
    """Cells as read, before any geography or number is interpreted.

    ``frame``: one column per header (text), cells as read (``str``, or ``int``/``float``/
    ``datetime`` from Excel; ``None`` when empty), indexed by the row number in the file
    (1-based, as a spreadsheet or text editor shows it). ``source`` describes the format in
    a few words; ``notes`` says what was guessed; ``sheets`` lists a workbook's sheets;
    ``decimal_comma`` is set for semicolon-separated text.
    """

    frame: pd.DataFrame
    source: str
    notes: tuple[str, ...] = ()
    sheets: tuple[str, ...] = ()
    decimal_comma: bool = False


def read_upload(name: str, data: bytes, *, max_bytes: int = MAX_BYTES, sheet: str | None = None,
                limits: Limits = LIMITS) -> Table:
    """Read an uploaded file's bytes (CSV, TSV, text or .xlsx) into a :class:`Table`.

    ``name`` is the file name as uploaded (only its extension is used, as a hint; it is
    quoted in messages, shortened); ``sheet`` picks a workbook sheet by name; ``max_bytes``
    is the size limit (the app passes Streamlit's ``server.maxUploadSize``); ``limits`` the
    others. Raises :class:`UploadError`.
    """
    name = display_name(name)
    if len(data) > max_bytes:
        raise UploadError(f"The file is {size_text(len(data))}, over the {size_text(max_bytes, limit=True)} limit",
                          "Upload only what the map needs: one row per area with its code and value columns "
                          "(an LSOA file for all of England is under 2 MB as CSV)")
    if not data.strip():
        raise UploadError("The file is empty", "Check you chose the right file, and that it was saved "
                          "with its data (one row per area, a header row first)")
    clock = Clock(limits.seconds, f"Reading '{name}'")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_workbook(name, data, max_bytes, sheet, limits, clock)
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise UploadError(f"'{name}' is {what}, not a CSV or .xlsx table", _SAVE_AS)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise UploadError(f"'{name}' is named like an Excel workbook but is not one (it may be damaged)",
                          _SAVE_AS)
    return _read_text(name, data, limits, clock)


def display_name(name: object) -> str:
    """A file name as messages quote it: one line, no control or direction characters, at most
    80 characters."""
    text = _NAME_JUNK.sub("", " ".join(str(name).split())) or "the file"
    return text if len(text) <= _NAME_CHARS else text[: _NAME_CHARS - 1] + "…"


def _size(n: int, *, limit: bool = False) -> str:
    return size_text(n, limit=limit)


def listed(names, n: int = _LISTED) -> str:
    """Up to ``n`` names joined by commas, then "and N more"."""
    names = list(names)
    shown = ", ".join(str(x) for x in names[:n])
    return shown + (f" and {len(names) - n:,} more" if len(names) > n else "")


def read_pasted(text: str, *, max_bytes: int = MAX_BYTES, limits: Limits = LIMITS) -> Table:
    """Read text pasted from a spreadsheet (tab-separated) or a CSV, as :func:`read_upload` does."""
    return read_upload("pasted text", text.encode("utf-8"), max_bytes=max_bytes, limits=limits)


# --- text --------------------------------------------------------------------------------------

def _looks_binary(text: str) -> bool:
    """Text has almost no control characters; binary data about one byte in eight."""
    head = text[:4096]
    if len(_CONTROLS.findall(head)) > max(2, len(head) // 100):
        return True
    return len(_CONTROLS.findall(text)) > max(2, len(text) // 100)


def _decode(name: str, data: bytes) -> tuple[str, str]:
    """The text and a description of its encoding; binary data raises."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8 with byte-order mark")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        head = data[:4096]
        odd_zeros, even_zeros = head[1::2].count(0), head[0::2].count(0)
        if odd_zeros > len(head) // 4 and not even_zeros:
            candidates = [("utf-16-le", "UTF-16 (little-endian, no byte-order mark)")]
        elif even_zeros > len(head) // 4 and not odd_zeros:
            candidates = [("utf-16-be", "UTF-16 (big-endian, no byte-order mark)")]
        else:
            candidates = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (the older Excel 'CSV' encoding)")]
    for encoding, label in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text, label
        break
    raise UploadError(f"'{name}' is not a text (CSV) file: it holds binary data",
                      "Upload the table itself as CSV or Excel .xlsx. " + _SAVE_AS)


def _sniff(text: str) -> str:
    """The separator that splits the first rows into the most consistent number (> 1) of columns."""
    head = text[:_SNIFF_CHARS].splitlines()[:100]

    def score(sep: str) -> tuple[bool, float]:
        try:
            rows = [r for r in csv.reader(head, delimiter=sep) if any(c.strip() for c in r)]
        except csv.Error:
            return False, 0.0
        width, n = Counter(len(r) for r in rows).most_common(1)[0] if rows else (0, 0)
        return width > 1, n / max(len(rows), 1)

    best = max(SEPARATORS, key=score)  # max keeps the first of equals: SEPARATORS is in preference order
    return best if score(best)[0] else ","


def _long_cell(name: str, row: int, limits: Limits, length: int | None = None) -> UploadError:
    size = f"{length:,} characters" if length else f"more than {csv.field_size_limit():,} characters"
    return UploadError(f"Row {row:,} of '{name}' has a cell of {size}, over the limit of {limits.cell_chars:,} "
                       "characters for one cell (Excel's own limit)",
                       "Check the file is a table with one row per area (quotes closed, one row per line); remove "
                       "long notes or text from the cells")


_ROWS_FIX = ("Upload one row per area (England has 33,755 LSOAs), with its code and the columns to map; split a "
             "longer file")


def _too_many_rows(name: str, limits: Limits, found: str | None = None, unit: str = "rows") -> UploadError:
    found = found or f"more than {limits.rows + limits.extra_rows:,}"
    return UploadError(f"'{name}' has {found} {unit}, over the limit of {limits.rows:,} rows (and "
                       f"{limits.extra_rows:,} more for titles, notes and blank rows)", _ROWS_FIX)


def _too_many_columns(name: str, where: str, width: int, limits: Limits) -> UploadError:
    return too_many(f"{where} of '{name}'", f"{width:,}", limits.columns, "columns",
                    "Keep the area codes and the columns to map (at most "
                    f"{limits.columns:,}), or split the columns over several files")


def _too_many_cells(name: str, limit: int, excel: bool = False, found: int | None = None) -> UploadError:
    unit = "filled cells" if excel else "cells (rows × columns)"
    fix = ("Keep only the area codes and the columns to map, or save it as 'CSV UTF-8' (a CSV may hold "
           f"{LIMITS.cells:,} cells)" if excel else
           "Keep only the area codes and the columns to map, or split the file")
    return too_many(f"'{name}'", f"at least {found:,}" if found else f"more than {limit:,}", limit, unit, fix)


def _checked_rows(name: str, reader, limits: Limits, clock: Clock) -> tuple[list[list[str]], list[int]]:
    """Rows with the line each starts on, checked one by one against the limits (stops at the first over)."""
    rows, numbers = [], []
    start, cells, max_rows = 1, 0, limits.rows + limits.extra_rows
    for row in reader:
        if len(row) > limits.columns:
            while row and not row[-1].strip():  # trailing empty fields do not count
                row.pop()
            if len(row) > limits.columns:
                raise _too_many_columns(name, f"Row {start:,}", len(row), limits)
        longest = max(map(len, row), default=0)
        if longest > limits.cell_chars:
            raise _long_cell(name, start, limits, longest)
        cells += len(row)
        if cells > limits.cells:
            raise _too_many_cells(name, limits.cells)
        rows.append(row)
        numbers.append(start)
        if len(rows) > max_rows:
            raise _too_many_rows(name, limits)
        if not len(rows) % 5_000:
            clock.check()
        start = reader.line_num + 1
    return rows, numbers


def _prescan(name: str, text: str, sep: str, limits: Limits) -> bool:
    """Count lines, separators and line lengths before parsing (issue 13).

    Refuses a file with more lines than rows allowed (a row takes one line or more) or an
    unquoted line with more fields than columns allowed. Returns whether every row is
    certainly within the column, cell and cell-length limits (no quotes can hide a line
    break or a separator), so that the rows need no checking one by one.
    """
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > limits.rows + limits.extra_rows:
        raise _too_many_rows(name, limits, f"{lines:,}", "lines")
    widest, longest, cells = 0, 0, 0
    for number, line in enumerate(text.split("\n"), 1):
        fields = line.count(sep) + 1
        if fields > limits.columns:
            if fields > _RAW_FIELDS * limits.columns:  # even if most are empty or quoted: no area table is this wide
                raise _too_many_columns(name, f"Row {number:,}", fields, limits)
            fields = line.rstrip(sep + " \r").count(sep) + 1  # trailing empty fields do not count
            if fields > limits.columns and '"' not in line:
                raise _too_many_columns(name, f"Row {number:,}", fields, limits)
        cells += fields
        widest, longest = max(widest, fields), max(longest, len(line))
    plain = '"' not in text and text.count("\r") == text.count("\r\n")  # one row per line
    return plain and widest <= limits.columns and longest <= limits.cell_chars and cells <= limits.cells


def _padded(text: str, sep: str) -> bool:
    """Whether any cell may start or end with white space (or be only white space)."""
    space = "[ \xa0]" if sep == "\t" else "[ \t\xa0]"
    s = re.escape(sep)
    return bool(re.search(rf'(?:^|{s}|"){space}|{space}(?:{s}|"|\r?$)', text, re.MULTILINE))


def _read_text(name: str, data: bytes, limits: Limits, clock: Clock) -> Table:
    text, encoding = _decode(name, data)
    sep = _sniff(text)
    within = _prescan(name, text, sep, limits)
    clock.check()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        if within:  # one row per line, every one within the limits: parse at C speed
            rows = list(reader)
            numbers = range(1, len(rows) + 1)
        else:
            rows, numbers = _checked_rows(name, reader, limits, clock)
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise _long_cell(name, reader.line_num, limits) from None
        raise UploadError(f"'{name}' cannot be read as a table near line {reader.line_num}: {err}",
                          "Check the file is a plain CSV (quotes closed, one row per line) or upload it as "
                          ".xlsx") from None
    strip = _padded(text, sep)
    del text
    frame, header_notes = _frame_from_rows(name, rows, numbers, limits, text=True, strip=strip)
    del rows
    clock.check()
    notes = [f"Read as text, {encoding}, {SEPARATORS[sep]}-separated", *header_notes]
    decimal_comma = sep == ";"
    if decimal_comma:
        notes.append("Semicolon-separated, so commas in numbers are read as decimal commas ('12,5' → 12.5)")
    check_person_level(frame)
    return Table(frame, f"text ({encoding}, {SEPARATORS[sep]}-separated)", tuple(notes), decimal_comma=decimal_comma)


# --- Excel -------------------------------------------------------------------------------------

def _open_workbook(name: str, data: bytes, *, data_only: bool) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as err:  # openpyxl raises many types for a damaged package
        raise UploadError(f"'{name}' looks like an Excel workbook but cannot be opened ({type(err).__name__})",
                          _SAVE_AS) from None


@dataclass
class _Scan:
    """What the sheets of a workbook hold, counted from their XML before openpyxl reads them."""

    filled: int = 0
    formulas: bool = False
    strings: int = 0


_TAGS_FILLED = (b"<v>", b"<v ", b"<is>")


def _count(chunk: bytes, tags: tuple[bytes, ...]) -> int:
    return sum(chunk.count(t) for t in tags)


def _scan_part(package: zipfile.ZipFile, member: str, tags: tuple[bytes, ...], clock: Clock) -> tuple[int, bool]:
    """How many of ``tags`` a part holds, and whether it has a formula (``<f``), streamed in 1 MB pieces."""
    found, formulas, tail = 0, False, b""
    with package.open(member) as part:
        while chunk := part.read(2**20):
            joined = tail + chunk
            found += _count(joined, tags) - _count(tail, tags)
            formulas = formulas or b"<f" in joined
            tail = chunk[-4:]
            clock.check()
    return found, formulas


def _scan(name: str, package: zipfile.ZipFile, members: dict[str, int], limits: Limits, max_bytes: int,
          clock: Clock) -> _Scan:
    """Refuse a workbook over its limits from its zip directory and a fast scan of its sheets."""
    unpacked = sum(members.values())
    if unpacked > limits.unpacked_for(max_bytes):
        raise UploadError(f"'{name}' unpacks to {size_text(unpacked)}, too large to read: over the limit of "
                          f"{size_text(limits.unpacked_for(max_bytes), limit=True)} of unpacked data",
                          "Upload only what the map needs: one row per area with its code and value columns")
    sheets = sorted(m for m in members if m.startswith("xl/worksheets/") and m.endswith(".xml"))
    if len(sheets) > limits.sheets:
        raise too_many(f"'{name}'", f"{len(sheets):,}", limits.sheets, "sheets",
                       "Keep the sheet with your figures (and any notes) and delete the others")
    big = [m for m, n in members.items() if m.endswith((".xml", ".rels")) and m not in sheets
           and m != "xl/sharedStrings.xml" and n > _OTHER_PART]
    if big:
        raise UploadError(f"Part '{display_name(big[0])}' of '{name}' unpacks to {size_text(members[big[0]])}, over "
                          f"the limit of {size_text(_OTHER_PART, limit=True)} for a workbook part other than a sheet",
                          _SAVE_AS)
    scan = _Scan()
    try:  # UploadError (a limit) passes through; errors of a damaged package are caught below
        for member in sheets:
            filled, formulas = _scan_part(package, member, _TAGS_FILLED, clock)
            scan.filled += filled
            scan.formulas |= formulas
            if scan.filled > limits.excel_cells:
                raise _too_many_cells(name, limits.excel_cells, excel=True, found=scan.filled)
        if "xl/sharedStrings.xml" in members:
            scan.strings, _ = _scan_part(package, "xl/sharedStrings.xml", (b"<si>", b"<si "), clock)
    except UploadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise UploadError(f"'{name}' looks like an Excel workbook but is damaged", _SAVE_AS) from None
    if scan.strings > limits.excel_cells:
        raise too_many(f"'{name}'", f"{scan.strings:,}", limits.excel_cells, "distinct texts",
                       "Keep only the area codes and the columns to map, or save it as 'CSV UTF-8'")
    return scan


@dataclass
class _Count:
    filled: int = 0


def _sheet_rows(ws, name: str, limits: Limits, count: _Count, clock: Clock) -> list[list[object]]:
    """The rows of a read-only sheet, each without trailing empty cells, counted against the limits.

    The sheet's own ``<dimension>`` is ignored: openpyxl would pad every row to it, and a
    file can claim any size there.
    """
    ws.reset_dimensions()
    rows: list[list[object]] = []
    max_rows = limits.rows + limits.extra_rows
    for values in ws.iter_rows(values_only=True):
        row = list(values)
        while row and row[-1] is None:
            row.pop()
        if len(row) > limits.columns:
            raise _too_many_columns(name, f"Row {len(rows) + 1:,} of sheet '{display_name(ws.title)}'", len(row),
                                    limits)
        for cell in row:
            if cell is not None:
                count.filled += 1
                if isinstance(cell, str) and len(cell) > limits.cell_chars:
                    raise _long_cell(name, len(rows) + 1, limits, len(cell))
        if count.filled > limits.excel_cells:
            raise _too_many_cells(name, limits.excel_cells, excel=True)
        rows.append(row)
        if len(rows) > max_rows:
            raise _too_many_rows(name, limits)
        if not len(rows) % 2_000:
            clock.check()
    while rows and all(_empty(c) for c in rows[-1]):
        rows.pop()
    return rows


def _read_workbook(name: str, data: bytes, max_bytes: int, sheet: str | None, limits: Limits,
                   clock: Clock) -> Table:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise UploadError(f"'{name}' looks like an Excel workbook but is damaged", _SAVE_AS) from None
    if len(infos) > limits.parts:
        raise too_many(f"'{name}'", f"{len(infos):,}", limits.parts, "parts", _SAVE_AS)
    members = {info.filename: info.file_size for info in infos}
    if "xl/workbook.xml" not in members:
        raise UploadError(f"'{name}' is a ZIP archive, not an Excel workbook",
                          "Unzip it and upload the CSV or .xlsx file inside")
    scan = _scan(name, package, members, limits, max_bytes, clock)
    notes = [] if name.lower().endswith((".xlsx", ".xlsm")) else [f"'{name}' is an Excel workbook; read as Excel"]

    book = _open_workbook(name, data, data_only=True)
    count = _Count()
    try:
        grids = {ws.title: _sheet_rows(ws, name, limits, count, clock) for ws in book.worksheets}
    except UploadError:
        raise
    except Exception as err:  # a damaged sheet part (openpyxl and the XML parser raise many types)
        raise UploadError(f"'{name}' looks like an Excel workbook but cannot be read ({type(err).__name__})",
                          _SAVE_AS) from None
    finally:
        book.close()
    titles = [display_name(t) for t in grids]
    filled = [title for title, rows in grids.items() if any(not _empty(c) for r in rows for c in r)]
    if sheet is not None and sheet not in grids:
        raise UploadError(f"The workbook has no sheet '{display_name(sheet)}' (it has: {listed(titles)})",
                          "Choose one of the sheets listed")
    if not filled:
        raise UploadError(f"The workbook '{name}' is empty: none of its sheets ({listed(titles)}) holds any data",
                          "Check you chose the right file, and that it was saved with its data")
    with_codes = [t for t in filled if any(_is_code(c) for r in grids[t][:_HEADER_SEARCH] for c in r)]
    chosen = sheet or (with_codes or filled)[0]
    for title in filled:
        if title != chosen:
            try:
                other, _ = _frame_from_rows(name, grids[title], range(1, len(grids[title]) + 1), limits)
            except UploadError:  # a sheet that is not a table (notes, a title) cannot hold records
                continue
            check_person_level(other, where=f"sheet '{display_name(title)}', ")
    if len(filled) > 1:
        why = ("as chosen" if sheet else "the first with area codes" if with_codes else "the first with data")
        notes.append(f"The workbook has {len(filled)} sheets with data ({listed(map(display_name, filled))}); "
                     f"read '{display_name(chosen)}' ({why}). Choose another sheet if that is wrong")

    rows = grids[chosen]
    if scan.formulas:
        rows, formula_notes = _check_formulas(name, data, chosen, rows, limits, clock)
        notes.extend(formula_notes)
    frame, header_notes = _frame_from_rows(name, rows, range(1, len(rows) + 1), limits)
    clock.check()
    check_person_level(frame)
    shown = display_name(chosen)
    return Table(frame, f"Excel workbook, sheet '{shown}'", (f"Read sheet '{shown}'", *notes, *header_notes),
                 sheets=tuple(grids))


def _check_formulas(name: str, data: bytes, sheet: str, rows: list[list[object]], limits: Limits, clock: Clock
                    ) -> tuple[list[list[object]], list[str]]:
    """Refuse formulas with no saved result; note how many were read from their saved values."""
    book = _open_workbook(name, data, data_only=False)
    formulas, unsaved = 0, []
    try:
        ws = book[sheet]
        ws.reset_dimensions()
        for i, cells in enumerate(ws.iter_rows(min_row=1, max_row=len(rows) or 1)):
            if i > len(rows):
                break
            for cell in cells:
                if getattr(cell, "data_type", None) != "f":
                    continue
                formulas += 1
                r, c = cell.row - 1, cell.column - 1
                if r >= len(rows) or c >= len(rows[r]) or rows[r][c] is None:
                    unsaved.append(f"{cell.coordinate} {str(cell.value)[:40]}")
            if not i % 2_000:
                clock.check()
    finally:
        book.close()
    if unsaved:
        examples = "; ".join(unsaved[:3])
        raise UploadError(f"{len(unsaved)} formula cell(s) in sheet '{display_name(sheet)}' have no saved result, so "
                          f"their values cannot be read (e.g. {examples})",
                          "Open the file in Excel and save it (Excel stores each formula's result), or copy the "
                          "cells and use Paste Special > Values before uploading")
    return rows, [f"{formulas} formula cell(s) read as the values Excel last saved"] if formulas else []


# --- header row --------------------------------------------------------------------------------

def _empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _is_code(cell: object) -> bool:
    return isinstance(cell, str) and bool(CODE_RE.match(cell.strip().upper()))


def _is_text(cell: object) -> bool:
    return (isinstance(cell, str) and not _empty(cell) and not _is_code(cell)
            and parse_number(cell)[0] is None and not is_missing_marker(cell))


def _header_like(row: list[object], *, text_share: float = 0.5) -> bool:
    """Two or more cells, more than ``text_share`` of them text (not numbers, codes or markers)."""
    filled = [c for c in row if not _empty(c)]
    return len(filled) >= 2 and sum(map(_is_text, filled)) > text_share * len(filled)


def _find_header(rows: list[list[object]]) -> int | None:
    """Index of the header row, or ``None`` when the data starts without one.

    Just above the first row with an area code, one text cell is enough (headers such as
    "LSOA, 2019, 2020" are mostly numbers); further up, title rows are skipped until a row
    that is mostly text.
    """
    search = rows[:_HEADER_SEARCH]
    first_code = next((i for i, r in enumerate(search) if any(map(_is_code, r))), None)
    if first_code is not None:
        if first_code and _header_like(rows[first_code - 1], text_share=0):
            return first_code - 1
        return next((i for i in range(first_code - 2, -1, -1) if _header_like(rows[i])), None)
    filled = [i for i, r in enumerate(rows) if any(not _empty(c) for c in r)]
    for here, after in zip(filled, filled[1:]):
        if _header_like(rows[here]) and sum(not _empty(c) for c in rows[after]) >= 2:
            return here
    return filled[0] if filled else None


def _cells(rows: list[list[object]], *, text: bool, strip: bool = True) -> pd.DataFrame:
    """Rows as an object frame, text stripped and empty cells ``None`` (vectorised for text files;
    ``strip=False`` when no cell can start or end with a space)."""
    width = max(map(len, rows), default=0)
    if any(len(r) < width for r in rows):
        rows = [r if len(r) == width else [*r, *[None] * (width - len(r))] for r in rows]
    frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object)
    for j in frame.columns:
        column = frame[j]
        if text and not strip:
            stripped = column
        elif text:  # every cell is a str (or None where a row is short)
            stripped = column.str.strip()
        else:
            stripped = column.map(lambda c: c.strip() if isinstance(c, str) else c)
        frame[j] = stripped.where(stripped.notna() & stripped.ne(""), None).astype(object)
    return frame


def _frame_from_rows(name: str, rows: list[list[object]], numbers, limits: Limits = LIMITS, *,
                     text: bool = False, strip: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Rows of cells to a frame under the detected header, indexed by file row number."""
    grid = _cells(rows, text=text, strip=strip)
    numbers = list(numbers)
    filled = grid.notna().any(axis=1).to_numpy() if len(grid.columns) else [False] * len(grid)
    if not any(filled):
        raise UploadError(f"'{name}' is empty", "Check you chose the right file, and that it was saved with its data "
                          "(one row per area, a header row first)")
    width = len(grid.columns)
    head = [list(r) for r in grid.iloc[:_HEADER_SEARCH].itertuples(index=False)]
    header_at = _find_header(head)
    notes = []
    if header_at is None:
        header, body_from = [None] * width, 0
        notes.append("No header row found: columns are named 'column 1', 'column 2', …")
    else:
        header, body_from = head[header_at], header_at + 1
        if header_at > 0 and any(c is not None for r in head[:header_at] for c in r):
            notes.append(f"Header found on row {numbers[header_at]}; the title rows above it were skipped")
    body = grid.iloc[body_from:]
    kept = filled[body_from:]
    body = body[kept]
    if body.empty:
        shown = listed(_short(c, 40) for c in header if c is not None)
        raise UploadError(f"'{name}' has a header row ({shown}) but no data rows",
                          "Add one row per area under the header (the template download lists your areas)")
    used = [j for j in range(width) if header[j] is not None or body[j].notna().any()]
    names, seen, shortened = [], Counter(), 0
    for j in used:
        label = " ".join(str(header[j]).split()) if header[j] is not None else f"column {j + 1}"
        if len(label) > limits.name_chars:
            label, shortened = label[: limits.name_chars - 1] + "…", shortened + 1
        seen[label] += 1
        names.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    if shortened:
        notes.append(f"{shortened:,} column name(s) longer than {limits.name_chars} characters were shortened")
    if any(n > 1 for n in seen.values()):
        notes.append("Repeated column names were numbered: " + listed(k for k, n in seen.items() if n > 1))
    index = pd.Index([n for n, keep in zip(numbers[body_from:], kept) if keep], name="row")
    frame = body[used].set_axis(names, axis=1).set_axis(index, axis=0)
    return frame, notes


def _short(cell: object, width: int) -> str:
    text = " ".join(str(cell).split())
    return text if len(text) <= width else text[: width - 1] + "…"
