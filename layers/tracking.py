"""Track a goal over time from an uploaded time series: the cohort against the rest, period by period.

:func:`track_goal` takes a count on wards by period (:class:`geo.upload.series.WardSeries`, already
suppressed), the ward register, an area and a :class:`~layers.goals.Goal`, and returns a
:class:`Tracking` -- everything the Goals tab, the place pack and ``python -m report track`` show:

1. **Groups**: the goal's cohort, frozen on IMD 2025 as the Goals view freezes it (the most
   disadvantaged X% of the ICB's wards; for a place, the ICB cohort's wards in it), the rest of
   the area, and -- for an ICB -- each place (local authority) the file covers.
2. **Rates by period** (:attr:`Tracking.table`): each group's count per 1,000 residents in the
   period (Census 2021 usual residents of its wards, or the file's denominator column), with its
   95% CI (:func:`stats.intervals.rate_interval`: exact below 10 events, Byar's above). Only wards
   with a value that period count -- a suppressed ward count is left out of the sum and so are
   its residents, and the table says how many were left out. A group total from 1 to 4 is
   suppressed, and with it every group of its partition (cohort and rest; the places) that
   period, so that no hidden total can be worked back by subtraction.
3. **Baseline, target, trajectory**: the cohort's rate over the year of periods before the
   goal's start (or the file's first year), the goal's change applied to it, and a straight line
   from the baseline at the start to the target at the deadline.
4. **The gap and its change** (:func:`stats.did.difference_in_differences`): cohort minus rest in
   every period, and the difference in differences between the baseline year and the latest
   year, with a 95% CI (quasi-Poisson).
5. **SPC**: an XmR chart of the cohort's rate (:func:`stats.spc.xmr`, Making Data Count), with
   the target for assurance and any re-baselining periods, and its reading in one sentence. When
   the latest limits span a sustained shift (:func:`shift_spanned`), the assurance is not read
   from them (:data:`NOT_JUDGED`): the reading says the chart must first be re-baselined from
   the shift, and :attr:`Tracking.advice` offers that as the next step.

Pure: no streamlit, no files. Computed by WardLens from the user's own counts: not official
statistics, and every caveat (:attr:`Tracking.notes`) travels with the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geo.areas import Area, area_mask, counted
from geo.upload.series import WardSeries
from layers.goals import Goal
from layers.targets import TARGETINGS
from layers.view import Catalogue, select_targets
from stats.did import DifferenceInDifferences, difference_in_differences, window_rate
from stats.intervals import rate_interval
from stats.spc import MIN_POINTS_FOR_LIMITS, SpcResult, reading, xmr

#: The layer the cohort is frozen on (as :mod:`layers.goalview`).
IMD = "imd_score_2025"
PER = 1000.0
COHORT, REST, PLACE = "cohort", "rest", "place"
#: The assurance of a tracking whose process limits span a sustained shift: not judged from them.
NOT_JUDGED = "not_judged_limits_span_shift"


@dataclass(frozen=True)
class TrackGroup:
    """One group of wards followed over time: ``id`` ("cohort", "rest" or the LAD code), its label,
    ``kind`` (cohort, rest or place) and its wards (those counted towards totals)."""

    id: str
    label: str
    kind: str
    wards: pd.Index


@dataclass(frozen=True, eq=False)
class Tracking:
    """One goal tracked over one area from one uploaded series (see :func:`track_goal`). Read-only.

    ``table``: one row per period and group -- ``period``, ``group``, ``label``, ``kind``,
    ``count`` (NaN when suppressed), ``suppressed``, ``residents`` (the denominator), ``rate``,
    ``lower``, ``upper`` (per 1,000), ``wards`` (with a value), ``wards_left_out`` (suppressed
    or missing that period); ``gap``: cohort minus rest by period; ``trajectory``: ``date, value``
    from the start to the deadline; ``did``: None when the file has no year before and after.
    """

    goal: Goal
    area: Area
    measure: str
    unit: str
    period_name: str
    threshold: int
    higher_is_worse: bool
    change: float
    groups: tuple[TrackGroup, ...]
    table: pd.DataFrame
    baseline_periods: pd.PeriodIndex
    latest_periods: pd.PeriodIndex
    baseline: float
    rest_baseline: float
    target: float
    trajectory: pd.DataFrame
    gap: pd.Series
    did: DifferenceInDifferences | None
    spc: SpcResult | None
    rebase_at: tuple[pd.Period, ...]
    reading: str
    progress: str
    notes: tuple[str, ...]
    #: What to do next with the SPC chart ("" when nothing): re-baseline after a sustained shift.
    advice: str = ""
    #: The period a sustained shift began, when the latest limits span it (else None).
    shift_at: pd.Period | None = None
    #: Making Data Count assurance of the target: the SPC's (``consistent_pass``, ``consistent_fail``,
    #: ``inconsistent``), :data:`NOT_JUDGED` when the limits span a shift, or None without a target.
    assurance: str | None = None

    @property
    def periods(self) -> pd.PeriodIndex:
        return pd.PeriodIndex(self.table["period"].drop_duplicates(), freq=self.baseline_periods.freq)

    def series(self, group: str) -> pd.DataFrame:
        """The rows of one group, indexed by period."""
        return self.table[self.table["group"] == group].set_index("period")


def cohort_wards(catalogue: Catalogue, register: pd.DataFrame, area: Area, goal: Goal) -> pd.Series:
    """The goal's frozen cohort among the area's wards (bool by ward_code), as the Goals view picks it."""
    codes = register.index[area_mask(register, area)]
    return select_targets(catalogue, register, TARGETINGS[goal.cohort], IMD, codes)


def groups_of(register: pd.DataFrame, area: Area, cohort: pd.Series, covered: pd.Index) -> tuple[TrackGroup, ...]:
    """The cohort, the rest of the area and (for an ICB) each place with a ward in ``covered``; best-fit
    wards only (an overlay ward's residents are counted in another ward)."""
    rows = register.loc[cohort.index]
    best = counted(rows)
    chosen = cohort & best
    out = [TrackGroup(COHORT, "The cohort", COHORT, chosen.index[chosen]),
           TrackGroup(REST, "Rest of the area", REST, chosen.index[best & ~cohort])]
    if area.icb is not None and area.lad is None:
        for lad, wards in rows[best].groupby("lad_code", sort=True).groups.items():
            if len(pd.Index(wards).intersection(covered)):
                out.append(TrackGroup(str(lad), str(rows.at[wards[0], "lad_name"]), PLACE, pd.Index(wards)))
    return tuple(out)


def _denominators(series: WardSeries, register: pd.DataFrame) -> pd.DataFrame:
    if series.denominators is not None:
        return series.denominators
    residents = register["population"].reindex(series.counts.index).astype(float)
    return pd.DataFrame(np.repeat(residents.to_numpy()[:, None], len(series.counts.columns), axis=1),
                        index=series.counts.index, columns=series.counts.columns)


def _group_rows(series: WardSeries, base: pd.DataFrame, group: TrackGroup) -> pd.DataFrame:
    wards = group.wards.intersection(series.counts.index)
    counts, hidden = series.counts.loc[wards], series.suppressed.loc[wards]
    shown = counts.notna() & base.loc[wards].notna()
    frame = pd.DataFrame({
        "period": series.counts.columns, "group": group.id, "label": group.label, "kind": group.kind,
        "count": counts.where(shown).sum(min_count=1).to_numpy(),
        "residents": base.loc[wards].where(shown).sum().to_numpy(),
        "wards": shown.sum().to_numpy(), "wards_hidden": hidden.sum().to_numpy(),
        "wards_left_out": (len(group.wards) - shown.sum()).to_numpy(),
    })
    return frame


def rate_table(series: WardSeries, register: pd.DataFrame, groups: Iterable[TrackGroup]) -> pd.DataFrame:
    """Each group's count, denominator and rate per 1,000 with its 95% CI, by period (module docstring, 2)."""
    base = _denominators(series, register)
    table = pd.concat([_group_rows(series, base, g) for g in groups], ignore_index=True)
    small = (table["count"] > 0) & (table["count"] < series.threshold)
    partition = np.where(table["kind"] == PLACE, PLACE, COHORT)
    hidden = small.groupby([table["period"], partition]).transform("any")
    table["suppressed"] = hidden.to_numpy()
    table["count"] = table["count"].mask(table["suppressed"])
    usable = table["count"].notna() & (table["residents"] > 0)
    ci = rate_interval(table["count"].where(usable, 0).to_numpy(), table["residents"].where(usable, 0).to_numpy(),
                       multiplier=PER)
    for name, values in (("rate", ci.estimate), ("lower", ci.lower), ("upper", ci.upper)):
        table[name] = np.where(usable, values, np.nan)
    return table


def windows(periods: pd.PeriodIndex, per_year: int, start: date) -> tuple[pd.PeriodIndex, pd.PeriodIndex]:
    """The baseline year (the ``per_year`` periods before ``start``, or the file's first year) and the
    latest year of ``periods``, each shortened to half the file when it is under two years long."""
    k = max(1, min(per_year, len(periods) // 2))
    before = periods[periods.end_time < pd.Timestamp(start)]
    baseline = before[-k:] if len(before) >= k else periods[:k]
    return baseline, periods[-k:]


def _window(rows: pd.DataFrame, periods: pd.PeriodIndex):
    part = rows.loc[rows.index.isin(periods)].dropna(subset=["count"])
    part = part[part["residents"] > 0]
    return window_rate(part["count"], part["residents"], multiplier=PER) if len(part) else None


def gap_change(tracking_rows: dict[str, pd.DataFrame], baseline: pd.PeriodIndex,
               latest: pd.PeriodIndex) -> DifferenceInDifferences | None:
    """The DiD of the cohort against the rest between the baseline and latest years (None if they overlap
    or a window has no value)."""
    if baseline.intersection(latest).size:
        return None
    parts = [_window(tracking_rows[g], w) for g in (COHORT, REST) for w in (baseline, latest)]
    if any(p is None for p in parts):
        return None
    cohort_before, cohort_after, rest_before, rest_after = parts
    return difference_in_differences(cohort_before, cohort_after, rest_before, rest_after)


def trajectory(goal: Goal, baseline: float, target: float) -> pd.DataFrame:
    """The straight line from the baseline at the goal's start to the target at its deadline."""
    return pd.DataFrame({"date": pd.to_datetime([goal.start, goal.deadline]), "value": [baseline, target]})


def expected_at(line: pd.DataFrame, when: pd.Timestamp) -> float:
    """The trajectory's value at ``when`` (NaN outside the goal's years)."""
    (t0, t1), (v0, v1) = line["date"], line["value"]
    if not t0 <= when <= t1:
        return math.nan
    return float(v0 + (v1 - v0) * (when - t0) / (t1 - t0))


def cohort_spc(rows: pd.DataFrame, target: float, higher_is_worse: bool,
               rebase_at: Iterable[pd.Period] = ()) -> SpcResult | None:
    """The XmR chart of the cohort's rate (periods with a value), its target and re-baselining periods."""
    values = rows["rate"].dropna()
    if len(values) < 2:
        return None
    rebase = [p for p in rebase_at if p in values.index and p != values.index[0]]
    return xmr(values, values.index, improvement="increase" if not higher_is_worse else "decrease",
               target=None if math.isnan(target) else target, rebase_at=rebase)


def shift_spanned(spc: SpcResult | None, rebase_at: tuple[pd.Period, ...]) -> pd.Period | None:
    """The start of the latest special cause when the latest limits span it (it began inside their segment,
    after its first point, and has lasted two points or more), else None."""
    if spc is None or spc.special_cause_since is None or spc.special_cause_since in rebase_at:
        return None
    since = spc.special_cause_since
    if since == spc.points["period"].iloc[0] or (spc.points["period"] >= since).sum() < 2:
        return None
    return since


def rebase_advice(shift_at: pd.Period | None) -> str:
    """The next step when the limits span a shift that began at ``shift_at`` ("" when they do not)."""
    if shift_at is None:
        return ""
    return (f"Next step: re-baseline the chart from {shift_at}, so that new limits start at the shift, to judge the "
            "target against the new level.")


def judged_assurance(spc: SpcResult | None, shift_at: pd.Period | None) -> str | None:
    """The SPC's assurance of the target, or :data:`NOT_JUDGED` when the limits span a shift (None: no target)."""
    if spc is None or spc.assurance is None:
        return None
    return spc.assurance if shift_at is None else NOT_JUDGED


def _progress(tracking_rows: dict[str, pd.DataFrame], latest: pd.PeriodIndex, line: pd.DataFrame,
              unit: str, higher_is_worse: bool) -> str:
    window = _window(tracking_rows[COHORT], latest)
    if window is None:
        return "The cohort has no value in the latest periods."
    middle = latest[0].start_time + (latest[-1].end_time - latest[0].start_time) / 2
    expected = expected_at(line, middle)
    text = (f"Over the latest {len(latest)} periods ({latest[0]} to {latest[-1]}) the cohort's rate was "
            f"{window.rate:.2f} {unit} (95% CI {window.rate - 1.96 * window.se:.2f} to "
            f"{window.rate + 1.96 * window.se:.2f})")
    if math.isnan(expected):
        return text + "; the trajectory does not reach that time."
    ahead = (window.rate < expected) == higher_is_worse
    return text + f", against {expected:.2f} on the trajectory then: {'ahead of' if ahead else 'behind'} it."


def _notes(series: WardSeries, source_name: str, unit: str, baseline: pd.PeriodIndex, latest: pd.PeriodIndex,
           table: pd.DataFrame, did: DifferenceInDifferences | None) -> tuple[str, ...]:
    denominator = (f"the file's denominator column '{series.denominator}'" if series.denominator else
                   "Census 2021 usual residents of the group's wards (fixed: population change since 2021 is not "
                   "allowed for)")
    hidden = int(table.loc[table["kind"] != PLACE, "suppressed"].sum() / 2)
    notes = [
        f"Computed by WardLens from your own counts ('{series.column}' in {source_name}): not official statistics, "
        "not published or checked by WardLens, and held for this session only.",
        f"Rates: the group's count over {denominator} × 1,000, {unit}; 95% CIs exact (Poisson) below 10 events, "
        "Byar's from 10 (as OHID's Fingertips).",
        f"Ward counts from 1 to {series.threshold - 1} are suppressed and left out of a group's total with their "
        f"wards' residents ({series.n_suppressed:,} ward-period values); a group total from 1 to "
        f"{series.threshold - 1} is suppressed with its partner group ({hidden} period(s) of cohort and rest).",
        f"Baseline: the cohort's rate over {baseline[0]} to {baseline[-1]}; target: the goal's change applied to it; "
        "trajectory: a straight line from the baseline at the goal's start to the target at its deadline (a path to "
        "check progress against, not a forecast).",
        "SPC: an XmR chart of the cohort's rate by NHS England's Making Data Count rules, after NHSRplotthedots "
        f"(limits at the mean ± 2.66 average moving ranges; fewer than {MIN_POINTS_FOR_LIMITS} points give trial "
        "limits); the target is assured only when it lies outside the process limits.",
    ]
    if did is not None:
        notes.append(f"Gap change: the difference in differences of the cohort's and the rest's rates between "
                     f"{baseline[0]}–{baseline[-1]} and {latest[0]}–{latest[-1]}; 95% CI from quasi-Poisson variances "
                     "(over-dispersion estimated from the months' variation). It assumes the cohort would otherwise "
                     "have changed as the rest did.")
    else:
        notes.append("No gap change: the file needs two separate runs of periods (a baseline and a latest year).")
    return (*notes, *series.notes)


def track_goal(series: WardSeries, register: pd.DataFrame, catalogue: Catalogue, area: Area, goal: Goal, *,
               measure: str = "", higher_is_worse: bool = True, rebase_at: Iterable[pd.Period] = (),
               source_name: str = "your file") -> Tracking:
    """Everything shown of ``goal`` tracked over ``area`` from ``series`` (module docstring).

    ``register``: the ward register indexed by ward_code (``lad_code``, ``lad_name``, ``icb_code``,
    ``population``, ``method_flag``); ``catalogue``: the layers by id (the cohort reads IMD 2025);
    ``measure``: what the counts are, in words; ``higher_is_worse``: the measure's direction (sets
    the goal's change and the SPC's improvement); ``rebase_at``: periods that start new SPC limits;
    ``source_name``: the file's name, quoted in the notes.
    """
    cohort = cohort_wards(catalogue, register, area, goal)
    covered = series.counts.index[series.counts.notna().any(axis=1)]
    groups = groups_of(register, area, cohort, covered)
    table = rate_table(series, register, groups)
    rows = {g.id: table[table["group"] == g.id].set_index("period") for g in groups}
    unit = f"per 1,000 residents {series.kind.per}"
    baseline_periods, latest_periods = windows(series.periods, series.kind.per_year, goal.start)
    base = _window(rows[COHORT], baseline_periods)
    rest = _window(rows[REST], baseline_periods)
    baseline = base.rate if base else math.nan
    change = goal.change_for(higher_is_worse)
    target = baseline * (1 + change)
    line = trajectory(goal, baseline, target)
    did = gap_change(rows, baseline_periods, latest_periods)
    spc = cohort_spc(rows[COHORT], target, higher_is_worse, rebase_at)
    rebased = tuple(p for p in rebase_at if spc is not None and p in set(spc.points["period"]))
    shift_at = shift_spanned(spc, rebased)
    return Tracking(
        goal=goal, area=area, measure=measure or series.column, unit=unit, period_name=series.kind.name, threshold=series.threshold,
        higher_is_worse=higher_is_worse,
        change=change, groups=groups, table=table, baseline_periods=baseline_periods, latest_periods=latest_periods,
        baseline=baseline, rest_baseline=rest.rate if rest else math.nan, target=target, trajectory=line,
        gap=rows[COHORT]["rate"] - rows[REST]["rate"], did=did, spc=spc,
        rebase_at=rebased, advice=rebase_advice(shift_at), shift_at=shift_at,
        assurance=judged_assurance(spc, shift_at),
        reading=reading(spc, shift_since=shift_at) if spc is not None else "Too few periods with a value for an SPC "
                                                                            "chart.",
        progress=_progress(rows, latest_periods, line, unit, higher_is_worse),
        notes=_notes(series, source_name, unit, baseline_periods, latest_periods, table, did))
