"""How much of a file WardLens reads: explicit limits, each checked before the work it bounds.

A file is refused -- with a message naming the limit and a fix -- as soon as one limit is
passed, before the file is parsed in full, so that a hostile or mistaken file costs a few
seconds at most and never holds memory the session does not need (issue 13). The limits
are generous for what WardLens takes: one row per area (England has 6,826 wards and 33,755
LSOA 2021s), a few value columns, and -- for the time series to come -- an ICB's LSOAs over
three years of months (1,100 × 36 ≈ 40,000 rows).

=========================  =====================  ===========================================
Limit                      Value                  Why
=========================  =====================  ===========================================
file size                  20 MB                  every LSOA of England with 24 columns is
                                                  about 5 MB as CSV
unpacked Excel parts       100 MB (or 10 × the    300,000 filled cells are about 12 MB of
                           file-size limit, if    sheet XML; a zip bomb is refused unopened
                           smaller)
parts in an Excel file     1,000                  a workbook has ~10 parts plus ~3 a sheet
sheets                     50                     every sheet is checked for patient records
rows                       200,000 (and 1,000     5 × the 40,000-row time series; all
                           more for titles,       England's LSOAs × 5 periods
                           notes, blank rows)
columns                    200                    120 months side by side, plus codes and names
cells (rows × columns)     1,000,000              a CSV of 200,000 rows × 5 columns; read
                                                  and checked in a few seconds
filled cells in Excel      300,000                Excel files are read cell by cell
                                                  (openpyxl, about 100,000 a second): 40,000
                                                  rows × 5 columns fits; save larger ones as CSV
characters in one cell     32,767                 Excel's own limit for a cell
characters in a header     100                    longer ones are shortened (and noted)
time                       20 s for reading, 20   a safety net: the other limits keep a file
                           s for checking         within a few seconds on a 2-core server
=========================  =====================  ===========================================

:data:`LIMITS` holds them; tests and the benchmark pass smaller :class:`Limits` to
:func:`geo.upload.read_upload`. The refusals the text and Excel readers share (:func:`too_many`,
:func:`too_many_rows`, :func:`too_many_columns`, :func:`too_many_cells`, :func:`long_cell`) are
made here, so that each names its limit the same way. The web server refuses files over the size limit before
WardLens sees them (Streamlit's ``server.maxUploadSize``, set to the same 20 MB).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field

from geo.upload.errors import UploadError

MB = 2**20


@dataclass(frozen=True)
class Limits:
    """The limits an upload is read under (see the module docstring for each value's reason)."""

    bytes: int = 20 * MB
    unpacked: int = 100 * MB
    expansion: int = 10
    parts: int = 1_000
    sheets: int = 50
    rows: int = 200_000
    extra_rows: int = 1_000
    columns: int = 200
    cells: int = 1_000_000
    excel_cells: int = 300_000
    cell_chars: int = 32_767
    name_chars: int = 100
    seconds: float = 20.0

    def unpacked_for(self, max_bytes: int) -> int:
        """The unpacked-size limit for an Excel file under a file-size limit of ``max_bytes``."""
        return min(self.unpacked, self.expansion * max_bytes)


#: The limits WardLens applies.
LIMITS = Limits()

#: Rows beyond :attr:`Limits.rows` allowed for title, header, note and blank rows.
EXTRA_ROWS = LIMITS.extra_rows

_SMALLER = ("Upload only what the map needs: one row per area with its code and the columns to map "
            "(delete other columns, sheets and notes), or split the file")


def size_text(n: int, *, limit: bool = False) -> str:
    """A byte count in words: "20.0 MB", "250 KB"; a limit keeps only the digits it needs ("20 MB")."""
    unit, scale = ("MB", MB) if n >= MB else ("KB", 2**10) if n >= 2**10 else ("bytes", 1)
    return f"{n / scale:g} {unit}" if limit else f"{n / scale:.1f} {unit}" if scale > 1 else f"{n} {unit}"


def too_many(what: str, found: str, limit: int, unit: str, fix: str = _SMALLER) -> UploadError:
    """The refusal for a count over its limit: "<what> has <found> <unit>, over the limit of <limit> <unit>"."""
    return UploadError(f"{what} has {found} {unit}, over the limit of {limit:,} {unit}", fix)


def long_cell(name: str, row: int, limits: Limits, length: int | None = None) -> UploadError:
    """The refusal for a cell over :attr:`Limits.cell_chars` (``length`` when known) on ``row`` of file ``name``."""
    size = f"{length:,} characters" if length else f"more than {csv.field_size_limit():,} characters"
    return UploadError(f"Row {row:,} of '{name}' has a cell of {size}, over the limit of {limits.cell_chars:,} "
                       "characters for one cell (Excel's own limit)",
                       "Check the file is a table with one row per area (quotes closed, one row per line); remove "
                       "long notes or text from the cells")


_ROWS_FIX = ("Upload one row per area (England has 33,755 LSOAs), with its code and the columns to map; split a "
             "longer file")


def too_many_rows(name: str, limits: Limits, found: str | None = None, unit: str = "rows") -> UploadError:
    """The refusal for a file with more rows (or lines: ``unit``) than :attr:`Limits.rows` and the extra rows."""
    found = found or f"more than {limits.rows + limits.extra_rows:,}"
    return UploadError(f"'{name}' has {found} {unit}, over the limit of {limits.rows:,} rows (and "
                       f"{limits.extra_rows:,} more for titles, notes and blank rows)", _ROWS_FIX)


def too_many_columns(name: str, where: str, width: int, limits: Limits) -> UploadError:
    """The refusal for a row (``where``) wider than :attr:`Limits.columns`."""
    return too_many(f"{where} of '{name}'", f"{width:,}", limits.columns, "columns",
                    "Keep the area codes and the columns to map (at most "
                    f"{limits.columns:,}), or split the columns over several files")


def too_many_cells(name: str, limit: int, excel: bool = False, found: int | None = None) -> UploadError:
    """The refusal for a file over its cell limit (filled cells of a workbook when ``excel``)."""
    unit = "filled cells" if excel else "cells (rows × columns)"
    fix = ("Keep only the area codes and the columns to map, or save it as 'CSV UTF-8' (a CSV may hold "
           f"{LIMITS.cells:,} cells)" if excel else
           "Keep only the area codes and the columns to map, or split the file")
    return too_many(f"'{name}'", f"at least {found:,}" if found else f"more than {limit:,}", limit, unit, fix)


def limits_text(limits: Limits = LIMITS) -> str:
    """The limits in one phrase, as the Methods tab and the README give them ("20 MB, 200,000 rows ...")."""
    return (f"at most {size_text(limits.bytes, limit=True)}, {limits.rows:,} rows (and {limits.extra_rows:,} more for "
            f"titles, notes and blank rows), {limits.columns:,} columns and {limits.cells:,} cells (rows × columns); "
            f"an Excel file at most {limits.excel_cells:,} filled cells, {limits.sheets:,} sheets, {limits.parts:,} "
            f"parts and {size_text(limits.unpacked_for(limits.bytes), limit=True)} unpacked; "
            f"{limits.cell_chars:,} characters in one cell; {limits.seconds:g} seconds to read it and "
            f"{limits.seconds:g} to check it")


@dataclass
class Clock:
    """A time budget for one step (reading, or checking) of one upload."""

    seconds: float
    doing: str
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        """Raise :class:`UploadError` once the budget is spent."""
        if time.monotonic() - self.started > self.seconds:
            raise UploadError(f"{self.doing} took over the limit of {self.seconds:g} seconds",
                              "Upload a smaller file: one row per area with its code and the columns to map; "
                              "if the file is small, try again in a minute (the server may be busy)")
