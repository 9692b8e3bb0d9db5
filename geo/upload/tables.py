"""Cells as read from a user's file (bytes in memory) to a :class:`Table`: the header row and column names.

The readers -- :mod:`geo.upload.textfile` (CSV, TSV, pasted text) and
:mod:`geo.upload.workbook` (Excel .xlsx), chosen by :func:`geo.upload.reader.read_upload` --
give rows of cells; :func:`frame_from_rows` finds the header and names the columns:

* **Header row**: title rows (merged or not) above the header are skipped: the header is
  the last row with two or more cells, mostly text, above the first row holding an area
  code (one text cell is enough just above the data, for year headers); without codes, the
  first such row followed by data. Empty rows and columns are
  dropped; blank headers become "column N"; repeated headers get " (2)"; headers longer
  than :attr:`~geo.upload.limits.Limits.name_chars` are shortened.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from geo.upload.errors import UploadError
from geo.upload.geography import CODE_RE
from geo.upload.limits import LIMITS, Limits
from geo.upload.numbers import is_missing_marker, parse_number

#: Header rows are looked for in the first rows only.
HEADER_SEARCH = 50
#: How many names a message lists before "and N more".
_LISTED = 10
#: Characters of a file name quoted in messages.
_NAME_CHARS = 80

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


def display_name(name: object) -> str:
    """A file name as messages quote it: one line, no control or direction characters, at most
    80 characters."""
    text = _NAME_JUNK.sub("", " ".join(str(name).split())) or "the file"
    return text if len(text) <= _NAME_CHARS else text[: _NAME_CHARS - 1] + "…"


def listed(names, n: int = _LISTED) -> str:
    """Up to ``n`` names joined by commas, then "and N more"."""
    names = list(names)
    shown = ", ".join(str(x) for x in names[:n])
    return shown + (f" and {len(names) - n:,} more" if len(names) > n else "")


# --- header row --------------------------------------------------------------------------------

def is_empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def is_code(cell: object) -> bool:
    return isinstance(cell, str) and bool(CODE_RE.match(cell.strip().upper()))


def _is_text(cell: object) -> bool:
    return (isinstance(cell, str) and not is_empty(cell) and not is_code(cell)
            and parse_number(cell)[0] is None and not is_missing_marker(cell))


def _header_like(row: list[object], *, text_share: float = 0.5) -> bool:
    """Two or more cells, more than ``text_share`` of them text (not numbers, codes or markers)."""
    filled = [c for c in row if not is_empty(c)]
    return len(filled) >= 2 and sum(map(_is_text, filled)) > text_share * len(filled)


def _find_header(rows: list[list[object]]) -> int | None:
    """Index of the header row, or ``None`` when the data starts without one.

    Just above the first row with an area code, one text cell is enough (headers such as
    "LSOA, 2019, 2020" are mostly numbers); further up, title rows are skipped until a row
    that is mostly text.
    """
    search = rows[:HEADER_SEARCH]
    first_code = next((i for i, r in enumerate(search) if any(map(is_code, r))), None)
    if first_code is not None:
        if first_code and _header_like(rows[first_code - 1], text_share=0):
            return first_code - 1
        return next((i for i in range(first_code - 2, -1, -1) if _header_like(rows[i])), None)
    filled = [i for i, r in enumerate(rows) if any(not is_empty(c) for c in r)]
    for here, after in zip(filled, filled[1:]):
        if _header_like(rows[here]) and sum(not is_empty(c) for c in rows[after]) >= 2:
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


def frame_from_rows(name: str, rows: list[list[object]], numbers, limits: Limits = LIMITS, *,
                     text: bool = False, strip: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Rows of cells to a frame under the detected header, indexed by file row number."""
    grid = _cells(rows, text=text, strip=strip)
    numbers = list(numbers)
    filled = grid.notna().any(axis=1).to_numpy() if len(grid.columns) else [False] * len(grid)
    if not any(filled):
        raise UploadError(f"'{name}' is empty", "Check you chose the right file, and that it was saved with its data "
                          "(one row per area, a header row first)")
    width = len(grid.columns)
    head = [list(r) for r in grid.iloc[:HEADER_SEARCH].itertuples(index=False)]
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
        shown = listed(shorten(c, 40) for c in header if c is not None)
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


def shorten(cell: object, width: int = 40) -> str:
    """A cell as messages quote it: one line of at most ``width`` characters (ending "…" when cut)."""
    text = " ".join(str(cell).split())
    return text if len(text) <= width else text[: width - 1] + "…"
