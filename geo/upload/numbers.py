"""Numbers as people type them: thousands separators, "%" signs, spaces and suppression markers.

:func:`parse_numbers` turns one column of cells (strings from a CSV, or numbers, strings and
dates from Excel) into floats, and reports what it did, so that the preview can say how
every cell was treated. Cells that are neither a number nor a recognised missing-value
marker are returned as ``bad`` for the caller to name in its message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Cell texts read as "no value" (compared lower-case, spaces removed). Statistical
#: publishers mark suppressed or unavailable cells with these; Excel error values too.
MISSING_MARKERS: frozenset[str] = frozenset({
    "", "-", "–", "—", "*", "**", "c", "x", "z", "u", "..", ".", ":", "n/a", "na", "null", "nan",
    "[c]", "[x]", "[z]", "[u]", "[low]", "#n/a", "#div/0!", "#value!", "#ref!", "#num!", "#null!",
    "#name?",
})

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
# A plain number, optionally with comma thousands groups ("1,234,567.5"), sign and "%".
_POINT = re.compile(r"^[+-]?(?:(?P<grouped>\d{1,3}(?:,\d{3})+)|\d*)(?:\.\d+)?$")
# The same with a decimal comma ("1.234,5"), for semicolon-separated files.
_COMMA = re.compile(r"^[+-]?(?:(?P<grouped>\d{1,3}(?:\.\d{3})+)|\d*)(?:,\d+)?$")


@dataclass(frozen=True)
class ParsedColumn:
    """One column read as numbers.

    ``values``: float per row (NaN where missing or bad), same index as the input.
    ``missing``: how many cells of each marker were read as missing ("blank" for empty).
    ``bad``: the original text of cells that are not numbers, by row.
    ``thousands`` / ``percent`` / ``decimal_comma``: how many cells had thousands
    separators, a "%" sign, or a decimal comma.
    """

    values: pd.Series
    missing: dict[str, int] = field(default_factory=dict)
    bad: dict[int, str] = field(default_factory=dict)
    thousands: int = 0
    percent: int = 0
    decimal_comma: int = 0

    @property
    def n_values(self) -> int:
        return int(self.values.notna().sum())

    @property
    def n_missing(self) -> int:
        return sum(self.missing.values())

    def notes(self, column: str) -> list[str]:
        """What was done to this column's cells, in words (empty when nothing needed saying)."""
        out = []
        if self.missing:
            kinds = ", ".join(f"{'blank' if k == 'blank' else repr(k)} ×{n}" for k, n in sorted(self.missing.items()))
            out.append(f"'{column}': {self.n_missing} cell(s) read as missing ({kinds})")
        if self.thousands:
            out.append(f"'{column}': thousands separators removed in {self.thousands} cell(s)")
        if self.percent:
            out.append(f"'{column}': '%' signs removed in {self.percent} cell(s); values kept as percentages "
                       "(e.g. '12.5%' → 12.5)")
        if self.decimal_comma:
            out.append(f"'{column}': decimal commas read in {self.decimal_comma} cell(s) (e.g. '12,5' → 12.5)")
        return out


def is_missing_marker(cell: object) -> bool:
    """True for an empty cell or a marker such as "-", "*", "c", "x" or "[c]"."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return True
    return isinstance(cell, str) and _SPACES.sub("", cell).lower() in MISSING_MARKERS


def parse_number(cell: object, *, decimal_comma: bool = False) -> tuple[float | None, set[str]]:
    """One cell as a float, or ``None`` if it is not a number; with the tags of what was removed.

    Tags: ``"thousands"``, ``"percent"``, ``"decimal_comma"``. Missing-value markers are
    not numbers here; check :func:`is_missing_marker` first.
    """
    if isinstance(cell, bool) or isinstance(cell, (dt.date, dt.time, dt.timedelta)):
        return None, set()
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return float(cell), set()
    if not isinstance(cell, str):
        return None, set()
    text = _SPACES.sub("", cell).replace("\u2212", "-")
    tags: set[str] = set()
    if text.endswith("%"):
        text, tags = text[:-1], {"percent"}
    pattern = _COMMA if decimal_comma else _POINT
    match = pattern.match(text)
    if not match or not any(ch.isdigit() for ch in text):
        return None, set()
    if match.group("grouped"):
        tags.add("thousands")
    if decimal_comma:
        if "," in text:
            tags.add("decimal_comma")
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    return float(text), tags


#: Cells that are plain numbers ("12", "-3.5"): read in one vectorised step, with nothing to note.
_PLAIN = r"[+-]?\d+(?:\.\d+)?"
#: In a decimal-comma file only whole numbers are plain ("12,5" needs the slow path's note).
_PLAIN_WHOLE = r"[+-]?\d+"


def parse_numbers(cells: pd.Series, *, decimal_comma: bool = False) -> ParsedColumn:
    """Read a column of cells as numbers; see :class:`ParsedColumn` for what is reported.

    Plain numbers (most cells of most files) are converted in one vectorised step; every
    other cell goes through :func:`parse_number` one by one.
    """
    values = np.full(len(cells), np.nan)
    series = pd.Series(cells.to_numpy(dtype=object), dtype=object)
    try:
        plain = series.str.fullmatch(_PLAIN_WHOLE if decimal_comma else _PLAIN).eq(True).to_numpy(copy=True)
    except AttributeError:  # no text at all (numbers or dates from Excel): .str refuses the column
        plain = np.zeros(len(series), dtype=bool)
    if plain.any():
        values[plain] = series[plain].astype(float).to_numpy()
        plain &= np.isfinite(values)  # "999…9" overflows: the slow path calls it bad
        values[~plain] = np.nan
    missing: Counter[str] = Counter()
    bad: dict[int, str] = {}
    tags: Counter[str] = Counter()
    rows = cells.index
    for i in np.flatnonzero(~plain):
        cell = series.iat[i]
        if is_missing_marker(cell):
            key = _SPACES.sub("", cell).lower() if isinstance(cell, str) else ""
            missing[key or "blank"] += 1
            continue
        number, found = parse_number(cell, decimal_comma=decimal_comma)
        if number is None or not np.isfinite(number):
            bad[int(rows[i])] = str(cell)
            continue
        values[i] = number
        tags.update(found)
    return ParsedColumn(pd.Series(values, index=cells.index, name=cells.name), dict(missing), bad,
                        tags["thousands"], tags["percent"], tags["decimal_comma"])
