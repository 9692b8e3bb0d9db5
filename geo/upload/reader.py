"""A user's file (bytes in memory) to a table of cells: CSV, Excel .xlsx or pasted text.

Nothing here touches the disk: :func:`read_upload` takes the bytes Streamlit's uploader
holds and returns a :class:`~geo.upload.tables.Table`. What was guessed (encoding,
separator, sheet, header row) is recorded in ``Table.notes`` for the preview.

* **Limits** (:mod:`geo.upload.limits`): a file over the size limit is refused before
  anything is read; the readers check the others as they read (:mod:`geo.upload.textfile`,
  :mod:`geo.upload.workbook`), and reading stops at the first one over its limit. Each
  refusal names the limit.
* **Kind** is decided from the content, not the name: a ZIP with ``xl/workbook.xml`` is
  read as Excel even if named ``.csv``; old ``.xls``, other archives, images, PDFs and any
  other binary data are refused.
* **Header row** and column names: :mod:`geo.upload.tables`.
* **Person-level data** is refused (:mod:`geo.upload.privacy`), in every sheet of a workbook.
"""

from __future__ import annotations

from geo.upload.errors import SAVE_AS, UploadError
from geo.upload.limits import LIMITS, Clock, Limits, size_text
from geo.upload.tables import Table, display_name
from geo.upload.textfile import read_text
from geo.upload.workbook import read_workbook

#: Default upload limit: 20 MB.
MAX_BYTES = LIMITS.bytes

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
        return read_workbook(name, data, max_bytes, sheet, limits, clock)
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise UploadError(f"'{name}' is {what}, not a CSV or .xlsx table", SAVE_AS)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise UploadError(f"'{name}' is named like an Excel workbook but is not one (it may be damaged)",
                          SAVE_AS)
    return read_text(name, data, limits, clock)


def read_pasted(text: str, *, max_bytes: int = MAX_BYTES, limits: Limits = LIMITS) -> Table:
    """Read text pasted from a spreadsheet (tab-separated) or a CSV, as :func:`read_upload` does."""
    return read_upload("pasted text", text.encode("utf-8"), max_bytes=max_bytes, limits=limits)
