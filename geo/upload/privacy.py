"""Refuse person-level files: NHS numbers, dates of birth and full postcodes.

WardLens takes aggregate figures only (one row per area). A file that looks like patient
records is refused before anything else looks at it, with a message saying why; the
refusal names the column and how many values matched, never the values themselves.

The rules (each per column, on the cells as read):

* **NHS numbers** — 10 digits (spaces or hyphens allowed) passing the Modulus 11 check
  (:func:`nhs_number_is_valid`): refused when the header says NHS number and any value
  passes, or when at least :data:`MIN_MATCHES` values pass and they are at least half the
  column's non-empty cells (a random 10-digit number passes about one time in eleven).
* **Dates of birth** — a header such as "DOB" or "Date of birth" with any value, or a header
  containing "birth" whose cells are mostly dates between 1900 and today.
* **Full postcodes** — at least :data:`MIN_MATCHES` cells holding a full UK postcode with
  its inward part ("BB1 1AA", also inside an address), at least half the column's
  non-empty cells. Postcode districts alone ("BB1") are not person-level and pass.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

import pandas as pd

from geo.upload.errors import UploadError

#: How many matching cells make a column look person-level (with the "half the column" rule).
MIN_MATCHES = 3
#: How many non-empty cells of each column are checked.
SAMPLE = 5_000

_NHS_HEADER = re.compile(r"\bnhs\b|nhs_?(no|num|number)", re.IGNORECASE)
_DOB_HEADER = re.compile(r"^\s*(d\.?\s?o\.?\s?b\.?|date[\s_-]*of[\s_-]*birth|birth[\s_-]*date|birthdate)\b",
                         re.IGNORECASE)
_BIRTH_HEADER = re.compile(r"birth", re.IGNORECASE)
_POSTCODE = re.compile(r"\b(?:[A-Z][A-HJ-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)\b", re.IGNORECASE)
_DATE_TEXT = re.compile(r"^(?:\d{1,2}[/.-]\d{1,2}[/.-](?P<y1>\d{4})|(?P<y2>\d{4})-\d{1,2}-\d{1,2})(?:[ T].*)?$")

_FIX = ("WardLens takes aggregate figures only — one row per ward, LSOA or MSOA with counts or rates. "
        "Person-level records must not be uploaded to a mapping tool: count or average them per area in "
        "your own secure system first, then upload that summary. Nothing from this file has been kept")


def nhs_number_is_valid(number: object) -> bool:
    """True if ``number`` is a 10-digit NHS number whose last digit passes the Modulus 11 check.

    Weights 10..2 on the first nine digits; check digit = 11 - (sum mod 11), with 11 → 0
    and 10 → invalid. Spaces and hyphens are ignored (``"943 476 5919"`` is valid).
    """
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, (str, int)):
        return False
    if isinstance(number, int) and not 10**9 <= number < 10**10:
        return False  # cheap rejections first: most cells are not ten digits
    if isinstance(number, str) and not 10 <= len(number) <= 16:
        return False
    digits = re.sub(r"[\s-]", "", str(number))
    if not re.fullmatch(r"\d{10}", digits):
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _is_birth_date(cell: object) -> bool:
    today = dt.date.today()
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return dt.date(1900, 1, 1) <= cell <= today
    match = _DATE_TEXT.match(cell.strip()) if isinstance(cell, str) else None
    return bool(match) and 1900 <= int(match["y1"] or match["y2"]) <= today.year


def _has_postcode(cell: object) -> bool:
    return isinstance(cell, str) and bool(_POSTCODE.search(cell))


def _many(cells: list[object], test: Callable[[object], bool]) -> int:
    """How many cells pass ``test`` if they make the column look person-level, else 0."""
    hits = sum(1 for c in cells if test(c))
    return hits if hits >= MIN_MATCHES and hits * 2 >= len(cells) else 0


def _person_level(header: str, cells: list[object]) -> str:
    """Why this column looks person-level ("" if it does not)."""
    if not cells:
        return ""
    nhs = sum(1 for c in cells if nhs_number_is_valid(c))
    if (nhs and _NHS_HEADER.search(header)) or _many(cells, nhs_number_is_valid):
        return f"{nhs} value(s) that are valid NHS numbers (10 digits passing the Modulus 11 check)"
    if _DOB_HEADER.search(header):
        return f"{len(cells)} date(s) of birth"
    if _BIRTH_HEADER.search(header) and (n := _many(cells, _is_birth_date)):
        return f"{n} date(s) of birth"
    if n := _many(cells, _has_postcode):
        return f"{n} full postcode(s) (e.g. of the form 'BB1 1AA')"
    return ""


def check_person_level(frame: pd.DataFrame, where: str = "") -> None:
    """Raise :class:`UploadError` if any column of ``frame`` looks like person-level data.

    Each column's first :data:`SAMPLE` non-empty cells are checked (records show
    themselves in any sample; this keeps a 20 MB file quick).
    """
    for header in frame.columns:
        column = frame[header].dropna()
        cells = [c for c in column.iloc[: 2 * SAMPLE].tolist() if str(c).strip() != ""][:SAMPLE]
        reason = _person_level(str(header), cells)
        if reason:
            place = f"{where}column '{header}'"
            raise UploadError(f"This looks like person-level data, which WardLens refuses: {place} holds {reason}",
                              _FIX)
