"""A time-series upload: one row per area and period, checked and taken to 2025 wards period by period.

A single-period upload refuses an area code that appears twice. A file with a period column
(:func:`geo.upload.periods.find_period_column`) is read as a time series instead:

1. :func:`inspect_series` reads the period column (:mod:`geo.upload.periods`: kinds, cells that
   are not periods, mixed kinds, future periods), checks the rest of the file exactly as a
   single-period upload (:func:`geo.upload.inspect_upload`: code column, geography and vintage,
   value columns) and then the pairs: an area twice in one period is refused, and so is a gap
   (a period between the first and the last with no rows at all). An area missing from some
   periods is noted: a missing row is not read as 0, so its wards have no value then.
2. :func:`aggregate_series` takes one count column (and optionally a denominator column, also a
   count) to wards for each period with :func:`geo.upload.aggregate_to_wards` -- the same lookups,
   completeness rule and disclosure control (small counts, totals and parts) as a single-period
   upload -- and returns a :class:`WardSeries` of ward by period.
3. :func:`series_reach` says which wards the series reached: those of its ICB, and any outside it
   (an LSOA whose residents partly live in a ward of another ICB). Tracking an area counts the
   area's wards only (:mod:`layers.tracking`), so such a ward is left out of the ICB's figures.

Pure: bytes and frames in memory only, nothing written anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

import pandas as pd

from geo.upload.aggregation import aggregate_to_wards
from geo.upload.errors import UploadError
from geo.upload.geography import Geography, Reference
from geo.upload.limits import LIMITS, Limits
from geo.upload.periods import PeriodKind, find_period_column, read_periods
from geo.upload.preview import Preview, inspect_upload
from geo.upload.safety import SMALL_COUNT_THRESHOLD
from geo.upload.tables import Table, listed
from geo.upload.template import Level, template_csv, template_rows

_EXAMPLES = 5
#: How many period-specific notes :func:`aggregate_series` keeps before "and N more".
NOTES_KEPT = 6


@dataclass(frozen=True, eq=False)
class SeriesPreview:
    """A time-series upload checked against the lookups, ready to confirm and aggregate.

    ``preview``: the file read as areas (its ``values`` and ``rows`` repeat each area once per
    period); ``periods``: the period of each of those rows (same order); ``span``: every period
    from the first to the last; ``notes``: what the period checks noted.
    """

    preview: Preview
    period_column: str
    kind: PeriodKind
    periods: pd.Series
    span: pd.PeriodIndex
    notes: tuple[str, ...]

    @property
    def count_columns(self) -> list[str]:
        """The value columns that can be tracked (those that look like counts first)."""
        columns = self.preview.columns
        return [c.name for c in columns if c.guess == "count"] + [c.name for c in columns if c.guess != "count"]

    def lines(self) -> list[str]:
        """The check in plain sentences (user text inside: escape before rendering)."""
        p = self.preview
        return [f"Read {p.rows_read:,} row(s) ({p.source}).",
                f"A time series: {len(self.span)} {self.kind.plural} from {self.span[0]} to {self.span[-1]} "
                f"(column '{self.period_column}').",
                f"Geography: {p.geography.label}, codes in column '{p.code_column}'; "
                f"{p.values.index.nunique():,} area(s) matched.",
                *(n if n.endswith(".") else n + "." for n in (*self.notes, *p.notes))]


def inspect_series(table: Table, reference: Reference, *, lad_code: str | None = None, today: dt.date | None = None,
                   limits: Limits = LIMITS) -> SeriesPreview | None:
    """Check a table with a period column as a time series (module docstring); None when it has none.

    Raises :class:`UploadError` for any problem, with what is wrong and how to fix it.
    """
    column = find_period_column(table.frame)
    if column is None:
        return None
    periods = read_periods(table.frame, column, today=today)
    preview = inspect_upload(replace(table, frame=table.frame.drop(columns=[column])), reference, lad_code=lad_code,
                             limits=limits, repeated_areas=True)
    values = periods.values.loc[preview.rows.to_numpy()].reset_index(drop=True)
    _refuse_repeats(preview, values)
    present = periods.periods
    span = pd.period_range(present[0], present[-1], freq=periods.kind.freq)
    _refuse_gaps(span, set(present), periods.kind, column)
    notes = [*periods.notes, *_missing_note(preview, values, span)]
    return SeriesPreview(preview, column, periods.kind, values, span, tuple(notes))


def _refuse_repeats(preview: Preview, periods: pd.Series) -> None:
    pairs = pd.DataFrame({"area": preview.values.index.to_numpy(), "period": periods.array.asi8,
                          "row": preview.rows.to_numpy()})
    repeated = pairs[pairs.duplicated(["area", "period"], keep=False)]
    if repeated.empty:
        return
    groups = repeated.groupby(["area", "period"], sort=False)["row"].apply(list)
    freq = periods.dtype.freq
    examples = "; ".join(f"{a} in {pd.Period(ordinal=p, freq=freq)} on rows {listed(rows, 3)}"
                         for (a, p), rows in groups.iloc[:_EXAMPLES].items())
    raise UploadError(f"{len(groups):,} area-period pair(s) appear more than once (e.g. {examples})",
                      "Give each area one row per period: delete repeated rows, or add them up first if they are "
                      "parts of one area's total")


def _refuse_gaps(span: pd.PeriodIndex, present: set, kind: PeriodKind, column: str) -> None:
    missing = [p for p in span if p not in present]
    if missing:
        raise UploadError(f"The file has no rows for {len(missing):,} {kind.plural if len(missing) > 1 else kind.name} "
                          f"between {span[0]} and {span[-1]} (column '{column}'): {listed(missing, _EXAMPLES)}",
                          f"Add rows for the missing {kind.plural} (0 where there were none), or upload only an "
                          "unbroken run of periods")


def _missing_note(preview: Preview, periods: pd.Series, span: pd.PeriodIndex) -> list[str]:
    per_area = Counter(preview.values.index)
    short = {a: n for a, n in per_area.items() if n < len(span)}
    if not short:
        return []
    gaps = sum(len(span) - n for n in short.values())
    return [f"{gaps:,} area-period(s) have no row ({len(short):,} area(s), e.g. {listed(list(short), 3)}): a missing "
            "row is not read as 0, so their wards have no value in those periods. Write 0 where there were none"]


@dataclass(frozen=True, eq=False)
class WardSeries:
    """A count (and optionally its denominator) on 2025 wards, period by period.

    ``counts``: ward_code by period (a ``PeriodIndex`` of columns), already suppressed --
    NaN where a ward has no value (an area missing from the file) or its count is hidden;
    ``suppressed``: True where a count was hidden (small, or what would reveal one);
    ``denominators``: the denominator column the same way, or None (rates then use Census
    2021 residents); ``notes``: what the aggregation said, once each.
    """

    counts: pd.DataFrame
    suppressed: pd.DataFrame
    denominators: pd.DataFrame | None
    kind: PeriodKind
    column: str
    denominator: str | None
    geography: Geography
    threshold: int
    notes: tuple[str, ...]

    @property
    def periods(self) -> pd.PeriodIndex:
        return pd.PeriodIndex(self.counts.columns, freq=self.kind.freq)

    @property
    def n_suppressed(self) -> int:
        return int(self.suppressed.to_numpy().sum())


def aggregate_series(series: SeriesPreview, reference: Reference, column: str, *, denominator: str | None = None,
                     threshold: int = SMALL_COUNT_THRESHOLD) -> WardSeries:
    """Take ``column`` (a count) and ``denominator`` (a count of the population at risk, or None) to
    2025 wards for each period, with :func:`geo.upload.aggregate_to_wards` (module docstring)."""
    names = [c.name for c in series.preview.columns]
    for name in (column, denominator):
        if name is not None and name not in names:
            raise UploadError(f"'{name}' is not a value column of this file", "Choose one of: " + listed(names))
    if column == denominator:
        raise UploadError(f"'{column}' cannot be both the count and its denominator",
                          "Choose another denominator, or none (rates then use Census 2021 residents)")
    chosen = [c for c in (column, denominator) if c is not None]
    kinds = {c: "count" for c in chosen}
    frames, hidden, notes = {}, {}, Counter()
    values, rows = series.preview.values[chosen], series.preview.rows
    ordinals = series.periods.array.asi8
    for period in series.span:
        here = ordinals == period.ordinal
        one = replace(series.preview, values=values[here], rows=rows[here],
                      columns=tuple(c for c in series.preview.columns if c.name in chosen))
        wards = aggregate_to_wards(one, reference, kinds=kinds, denominator=None, threshold=threshold)
        frames[period], hidden[period] = wards.frame, wards.suppressed
        notes.update({n: 1 for n in wards.notes})
    return WardSeries(_stack(frames, column, series.span), _stack(hidden, column, series.span).fillna(False).astype(bool),
                      _stack(frames, denominator, series.span) if denominator else None, series.kind, column,
                      denominator, series.preview.geography, threshold, _summary(notes, len(series.span)))


@dataclass(frozen=True)
class SeriesReach:
    """The wards a series reached: ``inside`` of the ICB holding most of them (``icb_name``), and the
    ``outside`` wards of other ICBs (names, with their local authority)."""

    icb_name: str
    inside: int
    outside: tuple[str, ...]

    def describe(self) -> str:
        """In words, e.g. "280 wards of X ICB, plus 1 ward outside it that holds some of the file's residents
        (Gosforth, Cumberland), left out of the ICB's figures"."""
        text = f"{self.inside:,} wards of {self.icb_name}"
        if not self.outside:
            return text
        n = len(self.outside)
        some = "holds" if n == 1 else "hold"
        named = "; ".join(self.outside[:_EXAMPLES]) + ("; …" if n > _EXAMPLES else "")
        return (f"{text}, plus {n:,} ward{'s' if n != 1 else ''} outside it that {some} some of the file's residents "
                f"({named}), left out of the ICB's figures")


def series_reach(series: WardSeries, wards: pd.DataFrame) -> SeriesReach:
    """The wards ``series`` reached, by ICB (``wards``: the ward register, with ``ward_name``, ``lad_name``,
    ``icb_code`` and ``icb_name``, indexed by ward code)."""
    rows = wards.reindex(series.counts.index)
    icb = rows["icb_code"].value_counts().index[0]
    inside = rows["icb_code"] == icb
    outside = rows[~inside]
    return SeriesReach(str(rows.loc[inside, "icb_name"].iloc[0]), int(inside.sum()),
                       tuple(f"{r.ward_name}, {r.lad_name}" for r in outside.itertuples()))


def _stack(frames: dict, column: str, span: pd.PeriodIndex) -> pd.DataFrame:
    """One column of every period's ward frame, side by side (ward_code by period)."""
    out = pd.concat({p: f[column] for p, f in frames.items()}, axis=1)
    out.columns = pd.PeriodIndex(list(frames), freq=span.freq)
    out.index.name = "ward_code"
    return out


def _summary(notes: Counter, n_periods: int) -> tuple[str, ...]:
    """Notes made in every period once; the others kept up to :data:`NOTES_KEPT`, saying how many periods."""
    every = [n for n, k in notes.items() if k == n_periods]
    some = [f"In {k} of {n_periods} periods: {n}" for n, k in notes.items() if k < n_periods]
    if len(some) > NOTES_KEPT:
        some = [*some[:NOTES_KEPT], f"… and {len(some) - NOTES_KEPT:,} more period-specific note(s)"]
    return (*every, *some)


def series_template(wards: pd.DataFrame, area_codes: str | list[str], periods: pd.PeriodIndex, *,
                    level: Level = "lsoa", membership: pd.DataFrame | None = None) -> bytes:
    """A CSV template for a time series: one row per ward (or LSOA 2021) of the area and period, with the
    code, the period, the ward and local authority names and an empty ``count`` column (see
    :func:`geo.upload.template.template_for_area` for the rows and the file's encoding)."""
    rows = template_rows(wards, area_codes, level=level, membership=membership)
    code = rows.columns[0]
    out = rows.merge(pd.DataFrame({"period": [str(p) for p in periods]}), how="cross")
    return template_csv(out[[code, "period", "ward_name", "lad_name"]].assign(count=""))
