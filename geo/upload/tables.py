"""A user's file (bytes in memory) to a table of cells: CSV, Excel .xlsx or pasted text.

Nothing here touches the disk: :func:`read_upload` takes the bytes Streamlit's uploader
holds and returns a :class:`Table`. What was guessed (encoding, separator, sheet, header
row) is recorded in ``Table.notes`` for the preview.

* **Size**: over ``max_bytes`` (default 20 MB) is refused before anything is parsed; an
  Excel file may not unpack to more than :data:`MAX_EXPANSION` times that (zip bombs).
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
  dropped; blank headers become "column N"; repeated headers get " (2)".
* **Person-level data** is refused (:mod:`geo.upload.privacy`).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass

import openpyxl
import pandas as pd

from geo.upload.errors import UploadError
from geo.upload.geography import CODE_RE
from geo.upload.numbers import is_missing_marker, parse_number
from geo.upload.privacy import check_person_level

#: Default upload limit: 20 MB.
MAX_BYTES = 20 * 1024 * 1024
#: An Excel file may unpack to at most this many times the upload limit.
MAX_EXPANSION = 10

#: Separators tried, in order of preference when two split the rows equally well.
SEPARATORS = {"\t": "tab", ";": "semicolon", "|": "pipe", ",": "comma"}

#: Header rows are looked for in the first rows only.
_HEADER_SEARCH = 50

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


def read_upload(name: str, data: bytes, *, max_bytes: int = MAX_BYTES, sheet: str | None = None) -> Table:
    """Read an uploaded file's bytes (CSV, TSV, text or .xlsx) into a :class:`Table`.

    ``name`` is the file name as uploaded (only its extension is used, as a hint);
    ``sheet`` picks a workbook sheet by name. Raises :class:`UploadError`.
    """
    if len(data) > max_bytes:
        raise UploadError(f"The file is {_size(len(data))}, over the {_size(max_bytes, limit=True)} limit",
                          "Upload only what the map needs: one row per area with its code and value columns "
                          "(an LSOA file for all of England is under 2 MB as CSV)")
    if not data.strip():
        raise UploadError("The file is empty", "Check you chose the right file, and that it was saved "
                          "with its data (one row per area, a header row first)")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_workbook(name, data, max_bytes, sheet)
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise UploadError(f"'{name}' is {what}, not a CSV or .xlsx table", _SAVE_AS)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise UploadError(f"'{name}' is named like an Excel workbook but is not one (it may be damaged)",
                          _SAVE_AS)
    return _read_text(name, data)


def _size(n: int, *, limit: bool = False) -> str:
    """A byte count in words: "20.0 MB", "250 KB"; a limit keeps only the digits it needs ("20 MB")."""
    unit, scale = ("MB", 2**20) if n >= 2**20 else ("KB", 2**10) if n >= 2**10 else ("bytes", 1)
    return f"{n / scale:g} {unit}" if limit else f"{n / scale:.1f} {unit}" if scale > 1 else f"{n} {unit}"


def read_pasted(text: str, *, max_bytes: int = MAX_BYTES) -> Table:
    """Read text pasted from a spreadsheet (tab-separated) or a CSV, as :func:`read_upload` does."""
    return read_upload("pasted text", text.encode("utf-8"), max_bytes=max_bytes)


# --- text --------------------------------------------------------------------------------------

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
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
        if controls <= max(2, len(text) // 100):  # text has almost none; binary data about one byte in eight
            return text, label
        break
    raise UploadError(f"'{name}' is not a text (CSV) file: it holds binary data",
                      "Upload the table itself as CSV or Excel .xlsx. " + _SAVE_AS)


def _sniff(text: str) -> str:
    """The separator that splits the first rows into the most consistent number (> 1) of columns."""
    head = text.splitlines()[:100]

    def score(sep: str) -> tuple[bool, float]:
        rows = [r for r in csv.reader(head, delimiter=sep) if any(c.strip() for c in r)]
        width, n = Counter(len(r) for r in rows).most_common(1)[0] if rows else (0, 0)
        return width > 1, n / max(len(rows), 1)

    best = max(SEPARATORS, key=score)  # max keeps the first of equals: SEPARATORS is in preference order
    return best if score(best)[0] else ","


def _read_text(name: str, data: bytes) -> Table:
    text, encoding = _decode(name, data)
    sep = _sniff(text)
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    start = 1
    try:
        for row in reader:
            rows.append(row)
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise UploadError(f"'{name}' cannot be read as a table near line {reader.line_num}: {err}",
                          "Check the file is a plain CSV (quotes closed, one row per line) or upload it as "
                          ".xlsx") from None
    frame, header_notes = _frame_from_rows(name, rows, numbers)
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


def _sheet_rows(ws) -> list[list[object]]:
    rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    while rows and all(_empty(c) for c in rows[-1]):
        rows.pop()
    return rows


def _read_workbook(name: str, data: bytes, max_bytes: int, sheet: str | None) -> Table:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info.file_size for info in package.infolist()}
    except zipfile.BadZipFile:
        raise UploadError(f"'{name}' looks like an Excel workbook but is damaged", _SAVE_AS) from None
    if "xl/workbook.xml" not in members:
        raise UploadError(f"'{name}' is a ZIP archive, not an Excel workbook",
                          "Unzip it and upload the CSV or .xlsx file inside")
    if sum(members.values()) > MAX_EXPANSION * max_bytes:
        raise UploadError(f"'{name}' unpacks to {_size(sum(members.values()))}, too large to read",
                          "Upload only what the map needs: one row per area with its code and value columns")
    notes = [] if name.lower().endswith((".xlsx", ".xlsm")) else [f"'{name}' is an Excel workbook; read as Excel"]

    book = _open_workbook(name, data, data_only=True)
    grids = {ws.title: _sheet_rows(ws) for ws in book.worksheets}
    book.close()
    filled = [title for title, rows in grids.items() if any(not _empty(c) for r in rows for c in r)]
    if sheet is not None and sheet not in grids:
        raise UploadError(f"The workbook has no sheet '{sheet}' (it has: {', '.join(grids)})",
                          "Choose one of the sheets listed")
    if not filled:
        raise UploadError(f"The workbook '{name}' is empty: none of its sheets ({', '.join(grids)}) holds any data",
                          "Check you chose the right file, and that it was saved with its data")
    with_codes = [t for t in filled if any(_is_code(c) for r in grids[t][:_HEADER_SEARCH] for c in r)]
    chosen = sheet or (with_codes or filled)[0]
    for title in filled:
        if title != chosen:
            try:
                other, _ = _frame_from_rows(name, grids[title], range(1, len(grids[title]) + 1))
            except UploadError:  # a sheet that is not a table (notes, a title) cannot hold records
                continue
            check_person_level(other, where=f"sheet '{title}', ")
    if len(filled) > 1:
        why = ("as chosen" if sheet else "the first with area codes" if with_codes else "the first with data")
        notes.append(f"The workbook has {len(filled)} sheets with data ({', '.join(filled)}); "
                     f"read '{chosen}' ({why}). Choose another sheet if that is wrong")

    rows = grids[chosen]
    if any(b"<f" in package.read(m) for m in members if m.startswith("xl/worksheets/") and m.endswith(".xml")):
        rows, formula_notes = _check_formulas(name, data, chosen, rows)
        notes.extend(formula_notes)
    frame, header_notes = _frame_from_rows(name, rows, range(1, len(rows) + 1))
    check_person_level(frame)
    return Table(frame, f"Excel workbook, sheet '{chosen}'", (f"Read sheet '{chosen}'", *notes, *header_notes),
                 sheets=tuple(grids))


def _check_formulas(name: str, data: bytes, sheet: str, rows: list[list[object]]
                    ) -> tuple[list[list[object]], list[str]]:
    """Refuse formulas with no saved result; note how many were read from their saved values."""
    book = _open_workbook(name, data, data_only=False)
    formulas, unsaved = 0, []
    for cells in book[sheet].iter_rows(min_row=1):
        for cell in cells:
            if getattr(cell, "data_type", None) != "f":
                continue
            formulas += 1
            r, c = cell.row - 1, cell.column - 1
            if r >= len(rows) or c >= len(rows[r]) or rows[r][c] is None:
                unsaved.append(f"{cell.coordinate} {cell.value}")
    book.close()
    if unsaved:
        examples = "; ".join(unsaved[:3])
        raise UploadError(f"{len(unsaved)} formula cell(s) in sheet '{sheet}' have no saved result, so their values "
                          f"cannot be read (e.g. {examples})",
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


def _frame_from_rows(name: str, rows: list[list[object]], numbers) -> tuple[pd.DataFrame, list[str]]:
    """Rows of cells to a frame under the detected header, indexed by file row number."""
    width = max((len(r) for r in rows), default=0)
    grid = [[None if _empty(c) else (c.strip() if isinstance(c, str) else c) for c in r] + [None] * (width - len(r))
            for r in rows]
    numbers = list(numbers)
    if not any(c is not None for r in grid for c in r):
        raise UploadError(f"'{name}' is empty", "Check you chose the right file, and that it was saved with its data "
                          "(one row per area, a header row first)")
    header_at = _find_header(grid)
    notes = []
    if header_at is None:
        header, body, body_numbers = [None] * width, grid, numbers
        notes.append("No header row found: columns are named 'column 1', 'column 2', …")
    else:
        header, body, body_numbers = grid[header_at], grid[header_at + 1:], numbers[header_at + 1:]
        if header_at > 0 and any(c is not None for r in grid[:header_at] for c in r):
            notes.append(f"Header found on row {numbers[header_at]}; the title rows above it were skipped")
    kept = [(n, r) for n, r in zip(body_numbers, body) if any(c is not None for c in r)]
    if not kept:
        shown = ", ".join(str(c) for c in header if c is not None)
        raise UploadError(f"'{name}' has a header row ({shown}) but no data rows",
                          "Add one row per area under the header (the template download lists your areas)")
    used = [j for j in range(width) if header[j] is not None or any(r[j] is not None for _, r in kept)]
    names, seen = [], Counter()
    for j in used:
        label = " ".join(str(header[j]).split()) if header[j] is not None else f"column {j + 1}"
        seen[label] += 1
        names.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    if any(n > 1 for n in seen.values()):
        notes.append("Repeated column names were numbered: " + ", ".join(k for k, n in seen.items() if n > 1))
    frame = pd.DataFrame([[r[j] for j in used] for _, r in kept], columns=names, dtype=object,
                         index=pd.Index([n for n, _ in kept], name="row"))
    return frame, notes
