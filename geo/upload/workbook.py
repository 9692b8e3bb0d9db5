"""An Excel workbook (.xlsx) to a :class:`~geo.upload.tables.Table`, checked before openpyxl opens it.

* **Excel**: cached values are read (``data_only=True``); a formula with no saved result
  is refused (its value cannot be known without Excel). The first sheet with an area
  code is used (else the first non-empty one); the notes name the others, and ``sheet=``
  picks one. Every non-empty sheet is checked for person-level data.
* **Limits**: the parts are checked from the zip directory (count, unpacked size, sheets) and
  the sheets scanned for the number of filled cells before openpyxl opens the file; rows,
  columns, filled cells and cell lengths are counted as each sheet is read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import openpyxl

from geo.upload.errors import SAVE_AS, UploadError
from geo.upload.limits import (Clock, Limits, long_cell, size_text, too_many, too_many_cells, too_many_columns,
                               too_many_rows)
from geo.upload.privacy import check_person_level
from geo.upload.tables import HEADER_SEARCH, Table, display_name, frame_from_rows, is_code, is_empty, listed

#: An Excel part other than a sheet or its shared strings (styles, workbook, relations) may
#: unpack to at most this many bytes.
_OTHER_PART = 10 * 2**20


def _open_workbook(name: str, data: bytes, *, data_only: bool) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as err:  # openpyxl raises many types for a damaged package
        raise UploadError(f"'{name}' looks like an Excel workbook but cannot be opened ({type(err).__name__})",
                          SAVE_AS) from None


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
                          SAVE_AS)
    scan = _Scan()
    try:  # UploadError (a limit) passes through; errors of a damaged package are caught below
        for member in sheets:
            filled, formulas = _scan_part(package, member, _TAGS_FILLED, clock)
            scan.filled += filled
            scan.formulas |= formulas
            if scan.filled > limits.excel_cells:
                raise too_many_cells(name, limits.excel_cells, excel=True, found=scan.filled)
        if "xl/sharedStrings.xml" in members:
            scan.strings, _ = _scan_part(package, "xl/sharedStrings.xml", (b"<si>", b"<si "), clock)
    except UploadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise UploadError(f"'{name}' looks like an Excel workbook but is damaged", SAVE_AS) from None
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
            raise too_many_columns(name, f"Row {len(rows) + 1:,} of sheet '{display_name(ws.title)}'", len(row),
                                    limits)
        for cell in row:
            if cell is not None:
                count.filled += 1
                if isinstance(cell, str) and len(cell) > limits.cell_chars:
                    raise long_cell(name, len(rows) + 1, limits, len(cell))
        if count.filled > limits.excel_cells:
            raise too_many_cells(name, limits.excel_cells, excel=True)
        rows.append(row)
        if len(rows) > max_rows:
            raise too_many_rows(name, limits)
        if not len(rows) % 2_000:
            clock.check()
    while rows and all(is_empty(c) for c in rows[-1]):
        rows.pop()
    return rows


def read_workbook(name: str, data: bytes, max_bytes: int, sheet: str | None, limits: Limits,
                   clock: Clock) -> Table:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise UploadError(f"'{name}' looks like an Excel workbook but is damaged", SAVE_AS) from None
    if len(infos) > limits.parts:
        raise too_many(f"'{name}'", f"{len(infos):,}", limits.parts, "parts", SAVE_AS)
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
                          SAVE_AS) from None
    finally:
        book.close()
    titles = [display_name(t) for t in grids]
    filled = [title for title, rows in grids.items() if any(not is_empty(c) for r in rows for c in r)]
    if sheet is not None and sheet not in grids:
        raise UploadError(f"The workbook has no sheet '{display_name(sheet)}' (it has: {listed(titles)})",
                          "Choose one of the sheets listed")
    if not filled:
        raise UploadError(f"The workbook '{name}' is empty: none of its sheets ({listed(titles)}) holds any data",
                          "Check you chose the right file, and that it was saved with its data")
    with_codes = [t for t in filled if any(is_code(c) for r in grids[t][:HEADER_SEARCH] for c in r)]
    chosen = sheet or (with_codes or filled)[0]
    for title in filled:
        if title != chosen:
            try:
                other, _ = frame_from_rows(name, grids[title], range(1, len(grids[title]) + 1), limits)
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
    frame, header_notes = frame_from_rows(name, rows, range(1, len(rows) + 1), limits)
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
