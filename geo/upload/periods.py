"""The period column of a time-series upload: which column it is, what kind of period, and its checks.

A time series is a long table -- one row per area and period (issue 13). The period may be
written as one of the kinds of :data:`PERIOD_KINDS`, each a small record of the patterns that
read it (no branching on the kind anywhere else):

=================  ===========================================  =============================
kind               written                                      read as
=================  ===========================================  =============================
month              ``2025-04``, ``Apr 2025``, ``April 2025``     a calendar month
quarter            ``2025-Q2``, ``2025 Q2``, ``Q2 2025``         a calendar quarter (Apr-Jun)
financial year     ``2025/26``, ``FY2025/26``, ``FY 2025-26``    April 2025 to March 2026
date               ``2025-04-01``, ``01/04/2025`` (day first),  a day; a column of dates all on
                   an Excel date                                the 1st of a month is read as
                                                                months (and the notes say so)
=================  ===========================================  =============================

:func:`find_period_column` picks the column (most of its cells periods, at least two distinct,
or named like one: "period", "month", "date" …); :func:`read_periods` reads it and refuses --
with one message saying what is wrong and how to fix it -- cells that are not periods, a
column mixing kinds (months and quarters), and periods in the future. Gaps and repeated
area-periods need the area codes too: :mod:`geo.upload.series` checks them. Pure functions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from geo.upload.errors import UploadError
from geo.upload.tables import listed

_MONTHS = {m.lower(): i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                                "nov", "dec"), start=1)}
_MONTH_NAME = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
#: A column named like this is read as the period column even when some of its cells are not periods
#: (they are then named in the message).
PERIOD_NAME = re.compile(r"\b(period|month|quarter|date|fy|financial[ _]year|year[ _]?month|time)\b", re.IGNORECASE)
#: Share of a column's cells that must be periods for an unnamed column to be taken as the period column.
MOSTLY = 0.9
_EXAMPLES = 5
_FIX = ("Write every period one way: a month as 2025-04, a quarter as 2025-Q2, a financial year as 2025/26, or a "
        "date as 2025-04-01")


def _month(m: re.Match) -> pd.Period:
    return pd.Period(year=int(m["year"]), month=int(m["month"]), freq="M")


def _named_month(m: re.Match) -> pd.Period:
    return pd.Period(year=int(m["year"]), month=_MONTHS[m["name"][:3].lower()], freq="M")


def _quarter(m: re.Match) -> pd.Period:
    return pd.Period(f"{m['year']}Q{m['q']}", freq="Q-DEC")


def _financial_year(m: re.Match) -> pd.Period | None:
    start = int(m["year"])
    if int(m["end"]) != (start + 1) % 100:
        return None  # 2025/27 is not a financial year
    return pd.Period(year=start + 1, freq="Y-MAR")


def _iso_date(m: re.Match) -> pd.Period | None:
    try:
        return pd.Period(dt.date(int(m["year"]), int(m["month"]), int(m["day"])), freq="D")
    except ValueError:
        return None


@dataclass(frozen=True)
class PeriodKind:
    """One way of writing periods: its name, pandas frequency, an example, what a rate is "per", how
    many make a year, and the patterns (each with a reader from its match to a ``pd.Period``, or None
    when invalid)."""

    key: str
    name: str
    plural: str
    freq: str
    example: str
    per: str
    per_year: int
    patterns: tuple[tuple[re.Pattern, Callable[[re.Match], pd.Period | None]], ...]

    def read(self, text: str) -> pd.Period | None:
        for pattern, reader in self.patterns:
            match = pattern.fullmatch(text)
            if match:
                return reader(match)
        return None


_I = re.IGNORECASE
MONTH = PeriodKind("month", "month", "months", "M", "2025-04", "a month", 12, (
    (re.compile(r"(?P<year>\d{4})-(?P<month>0?[1-9]|1[0-2])"), _month),
    (re.compile(rf"(?P<name>{_MONTH_NAME})[ -]?(?P<year>\d{{4}})", _I), _named_month),
))
QUARTER = PeriodKind("quarter", "quarter", "quarters", "Q-DEC", "2025-Q2", "a quarter", 4, (
    (re.compile(r"(?P<year>\d{4})[ -]?Q(?P<q>[1-4])", _I), _quarter),
    (re.compile(r"Q(?P<q>[1-4])[ -]?(?P<year>\d{4})", _I), _quarter),
))
FINANCIAL_YEAR = PeriodKind("financial_year", "financial year", "financial years", "Y-MAR", "2025/26", "a year", 1, (
    (re.compile(r"(?:FY ?)?(?P<year>\d{4})/(?P<end>\d{2})", _I), _financial_year),
    (re.compile(r"FY ?(?P<year>\d{4})-(?P<end>\d{2})", _I), _financial_year),
))
DAY = PeriodKind("date", "day", "days", "D", "2025-04-01", "a day", 365, (
    (re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[ T]00:00(?::00)?)?"), _iso_date),
    (re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"), _iso_date),
))
#: Every kind of period, in the order cells are tried.
PERIOD_KINDS: dict[str, PeriodKind] = {k.key: k for k in (MONTH, QUARTER, FINANCIAL_YEAR, DAY)}


def classify(cell: object) -> tuple[PeriodKind, pd.Period] | None:
    """The kind and period of one cell (text, or a date from Excel), or None when it is not a period."""
    if isinstance(cell, (dt.date, pd.Timestamp)) and not isinstance(cell, bool):
        stamp = pd.Timestamp(cell)
        return (DAY, pd.Period(stamp.date(), freq="D")) if stamp == stamp.normalize() else None
    if not isinstance(cell, str):
        return None
    text = " ".join(cell.split())
    for kind in PERIOD_KINDS.values():
        period = kind.read(text)
        if period is not None:
            return kind, period
    return None


def _classified(cells: pd.Series) -> pd.Series:
    """Each cell's (kind, period) or None, each distinct cell classified once."""
    try:
        distinct = {c: classify(c) for c in pd.unique(cells.to_numpy(dtype=object))}
    except TypeError:  # an unhashable cell
        return cells.map(classify)
    return cells.map(distinct)


def find_period_column(frame: pd.DataFrame, *, exclude: tuple[str, ...] = ()) -> str | None:
    """The period column of ``frame``: most cells periods (:data:`MOSTLY`) with two distinct ones, or
    named like a period column with half its cells periods; the one with most period cells, else None."""
    best, best_hits = None, 0
    for column in frame.columns:
        if column in exclude:
            continue
        cells = frame[column].dropna()
        if cells.empty:
            continue
        found = _classified(cells).dropna()
        hits = len(found)
        named = bool(PERIOD_NAME.search(str(column)))
        enough = hits >= MOSTLY * len(cells) or (named and hits * 2 >= len(cells))
        if enough and found.map(lambda kp: kp[1]).nunique() >= 2 and hits > best_hits:
            best, best_hits = column, hits
    return best


@dataclass(frozen=True, eq=False)
class PeriodColumn:
    """A period column read: ``values`` (a ``pd.Period`` per file row), its kind and what was noted."""

    column: str
    kind: PeriodKind
    values: pd.Series
    notes: tuple[str, ...]

    @property
    def periods(self) -> pd.PeriodIndex:
        """The distinct periods, earliest first."""
        return pd.PeriodIndex(self.values.drop_duplicates().sort_values(), freq=self.kind.freq)


def _show(cell: object) -> str:
    text = " ".join(str(cell).split()) if cell is not None else "(blank)"
    return text if len(text) <= 30 else text[:29] + "…"


def _refuse_bad(column: str, cells: pd.Series, found: pd.Series) -> None:
    bad = cells[found.isna()]
    if bad.empty:
        return
    shown = ", ".join(f"row {row} '{_show(cell)}'" for row, cell in bad.iloc[:_EXAMPLES].items())
    more = f" and {len(bad) - _EXAMPLES:,} more" if len(bad) > _EXAMPLES else ""
    raise UploadError(f"Column '{column}' has {len(bad):,} cell(s) that are not periods: {shown}{more}", _FIX)


def _refuse_mixed(column: str, cells: pd.Series, kinds: pd.Series) -> None:
    counts = kinds.value_counts()
    if len(counts) < 2:
        return
    parts = []
    for key, n in counts.items():
        row = kinds.index[(kinds == key).to_numpy()][0]
        parts.append(f"{PERIOD_KINDS[key].plural} ({n:,}, e.g. row {row} '{_show(cells[row])}')")
    raise UploadError(f"Column '{column}' mixes kinds of period: {' and '.join(parts)}",
                      "Use one kind of period in a file (convert the others, e.g. quarters to their months, or "
                      "upload them in a file of their own)")


def _as_months(values: pd.Series) -> pd.Series | None:
    """Days all on the 1st of a month, read as those months (None otherwise)."""
    if (values.dt.day == 1).all():
        return values.dt.asfreq("M")
    return None


def _refuse_future(column: str, values: pd.Series, kind: PeriodKind, today: dt.date) -> list[str]:
    distinct = values.drop_duplicates().sort_values()
    ahead = list(distinct[(distinct.dt.start_time.dt.date > today).to_numpy()])
    if ahead:
        raise UploadError(f"Column '{column}' has {len(ahead):,} {kind.name if len(ahead) == 1 else kind.plural} in "
                          f"the future (after {today:%d %B %Y}): {listed(ahead, _EXAMPLES)}",
                          "Check the periods (a slip such as 2062 for 2026?) and remove rows for periods that have "
                          "not begun")
    latest = distinct.iloc[-1]
    if latest.end_time.date() >= today:
        return [f"The latest {kind.name}, {latest}, is not over yet: its figures may be incomplete"]
    return []


def read_periods(frame: pd.DataFrame, column: str, *, today: dt.date | None = None) -> PeriodColumn:
    """Read ``frame[column]`` as periods (see the module docstring); raise :class:`UploadError` for
    cells that are not periods, mixed kinds or periods after ``today`` (default: today's date)."""
    today = today or dt.date.today()
    cells = frame[column]
    found = _classified(cells)
    _refuse_bad(column, cells, found)
    kinds = found.map(lambda kp: kp[0].key)  # a few distinct tuples: cheap
    _refuse_mixed(column, cells, kinds)
    kind = PERIOD_KINDS[kinds.iloc[0]]
    ordinals = found.map(lambda kp: kp[1].ordinal).to_numpy(dtype="int64")
    values = pd.Series(pd.PeriodIndex.from_ordinals(ordinals, freq=kind.freq), index=cells.index)
    notes = []
    if kind is DAY:
        months = _as_months(values)
        if months is not None:
            kind, values = MONTH, months
            notes.append(f"Column '{column}': dates all on the 1st of a month, read as months")
    notes += _refuse_future(column, values, kind, today)
    return PeriodColumn(column, kind, values.rename(column), tuple(notes))


def recent_periods(kind: PeriodKind, n: int = 12, *, today: dt.date | None = None) -> pd.PeriodIndex:
    """The ``n`` latest periods of ``kind`` that are over by ``today`` (default today), earliest first."""
    current = pd.Period(today or dt.date.today(), freq=kind.freq)
    return pd.period_range(end=current - 1, periods=n, freq=kind.freq)
