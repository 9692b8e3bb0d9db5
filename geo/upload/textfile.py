"""A text file (CSV, TSV, or text pasted from a spreadsheet) to a :class:`~geo.upload.tables.Table`.

* **Text encodings**: UTF-8 (with or without byte-order mark), UTF-16 (byte-order mark,
  or none with the tell-tale zero bytes), otherwise Windows-1252.
* **Separators**: comma, semicolon, tab or "|", whichever splits the first 100 rows
  most consistently into more than one column (ties: tab, semicolon, pipe, comma). A
  semicolon file is taken to use decimal commas ("12,5").
* **Limits** are counted before parsing (lines, separators, line lengths) and, where quotes
  could hide a line break or a separator, row by row as the file is parsed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter

from geo.upload.errors import SAVE_AS, UploadError
from geo.upload.limits import Clock, Limits, long_cell, too_many_cells, too_many_columns, too_many_rows
from geo.upload.privacy import check_person_level
from geo.upload.tables import Table, frame_from_rows

#: Separators tried, in order of preference when two split the rows equally well.
SEPARATORS = {"\t": "tab", ";": "semicolon", "|": "pipe", ",": "comma"}

#: The separator is guessed from the first rows, within this many characters.
_SNIFF_CHARS = 65_536
#: A line may hold at most this many times the column limit of separators, even empty or quoted ones.
_RAW_FIELDS = 10

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
                      "Upload the table itself as CSV or Excel .xlsx. " + SAVE_AS)


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


def _checked_rows(name: str, reader, limits: Limits, clock: Clock) -> tuple[list[list[str]], list[int]]:
    """Rows with the line each starts on, checked one by one against the limits (stops at the first over)."""
    rows, numbers = [], []
    start, cells, max_rows = 1, 0, limits.rows + limits.extra_rows
    for row in reader:
        if len(row) > limits.columns:
            while row and not row[-1].strip():  # trailing empty fields do not count
                row.pop()
            if len(row) > limits.columns:
                raise too_many_columns(name, f"Row {start:,}", len(row), limits)
        longest = max(map(len, row), default=0)
        if longest > limits.cell_chars:
            raise long_cell(name, start, limits, longest)
        cells += len(row)
        if cells > limits.cells:
            raise too_many_cells(name, limits.cells)
        rows.append(row)
        numbers.append(start)
        if len(rows) > max_rows:
            raise too_many_rows(name, limits)
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
        raise too_many_rows(name, limits, f"{lines:,}", "lines")
    widest, longest, cells = 0, 0, 0
    for number, line in enumerate(text.split("\n"), 1):
        fields = line.count(sep) + 1
        if fields > limits.columns:
            if fields > _RAW_FIELDS * limits.columns:  # even if most are empty or quoted: no area table is this wide
                raise too_many_columns(name, f"Row {number:,}", fields, limits)
            fields = line.rstrip(sep + " \r").count(sep) + 1  # trailing empty fields do not count
            if fields > limits.columns and '"' not in line:
                raise too_many_columns(name, f"Row {number:,}", fields, limits)
        cells += fields
        widest, longest = max(widest, fields), max(longest, len(line))
    plain = '"' not in text and text.count("\r") == text.count("\r\n")  # one row per line
    return plain and widest <= limits.columns and longest <= limits.cell_chars and cells <= limits.cells


def _padded(text: str, sep: str) -> bool:
    """Whether any cell may start or end with white space (or be only white space)."""
    space = "[ \xa0]" if sep == "\t" else "[ \t\xa0]"
    s = re.escape(sep)
    return bool(re.search(rf'(?:^|{s}|"){space}|{space}(?:{s}|"|\r?$)', text, re.MULTILINE))


def read_text(name: str, data: bytes, limits: Limits, clock: Clock) -> Table:
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
            raise long_cell(name, reader.line_num, limits) from None
        raise UploadError(f"'{name}' cannot be read as a table near line {reader.line_num}: {err}",
                          "Check the file is a plain CSV (quotes closed, one row per line) or upload it as "
                          ".xlsx") from None
    strip = _padded(text, sep)
    del text
    frame, header_notes = frame_from_rows(name, rows, numbers, limits, text=True, strip=strip)
    del rows
    clock.check()
    notes = [f"Read as text, {encoding}, {SEPARATORS[sep]}-separated", *header_notes]
    decimal_comma = sep == ";"
    if decimal_comma:
        notes.append("Semicolon-separated, so commas in numbers are read as decimal commas ('12,5' → 12.5)")
    check_person_level(frame)
    return Table(frame, f"text ({encoding}, {SEPARATORS[sep]}-separated)", tuple(notes), decimal_comma=decimal_comma)
