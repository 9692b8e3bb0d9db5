"""XmR statistical process control for tracking a goal over time, after NHS England's "Making Data Count".

:func:`xmr` builds an XmR (individuals and moving range) chart the way NHSRplotthedots'
``ptd_spc()`` does (nhs-r-community/NHSRplotthedots, MIT; ``R/ptd_spc_standard.R`` at
8aac3239e90ce9ebeb9c3e61f56c207dfc37b225, ``R/ptd_calculate_point_type.R`` and
``R/ptd_calculate_assurance_type.R`` at f7891af4b8f71838f4c6fb17c8eec1a1c9bd6d7f):

* per segment (all points, or the stretches between ``rebase_at`` periods), the mean and the
  average moving range (AMR) of the baseline points (the first ``fix_after`` points of the
  segment, or all of them);
* with ``screen_outliers``, moving ranges of :data:`MR_SCREEN_FACTOR` × AMR or more are dropped
  and the AMR is recomputed once;
* process limits mean ± :data:`LIMIT_FACTOR` × AMR, and "near" (2-sigma) lines at 2/3 of that;
* the special-cause rules of :mod:`stats.spc_rules`, each point labelled improvement or concern
  by its signal's direction against ``improvement``;
* assurance: the target against the latest segment's limits.

:func:`reading` turns the result into one plain-English sentence. Charts are drawn elsewhere
from :attr:`SpcResult.points`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stats import spc_rules

#: Process-limit half-width in average moving ranges: 3 / d2, with d2 = 1.128 the bias constant
#: of the range of two points, so mean ± 2.66 AMR is the 3-sigma line (MDC; NHSRplotthedots).
LIMIT_FACTOR = 2.66
#: The "near limit" (2-sigma) line: 2/3 of the way from the mean to the process limit.
NEAR_LIMIT_FACTOR = 2 * LIMIT_FACTOR / 3
#: Moving ranges at or above this many AMRs are screened out before the limits are computed:
#: D4 = 3.267, the upper limit of a moving range of two points (NHSRplotthedots ``screen_outliers``).
MR_SCREEN_FACTOR = 3.267
#: Limits resting on fewer baseline points than this are trial limits. MDC asks for 12 or more;
#: NHSRplotthedots' tests warn at 11 points and not at 12 (its latest default threshold is 13).
MIN_POINTS_FOR_LIMITS = 12

#: Sign of an improving change for each improvement direction (NHSRplotthedots' encoding).
IMPROVEMENT_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}

#: The assurance codes of NHSRplotthedots and how :func:`reading` says them.
ASSURANCE_TEXT = {
    "consistent_pass": "the target is consistently met (it lies {where})",
    "consistent_fail": "the target is consistently missed (it lies {where})",
    "inconsistent": "the target is not yet assured (it lies within the process limits)",
}
#: What :func:`reading` says of the target when the latest limits span a sustained shift (``shift_since``):
#: limits over two levels describe neither, so the target is not read from them.
NOT_JUDGED_TEXT = ("whether the target is met cannot be judged until the chart is re-baselined from {since} (the "
                   "process limits span the shift)")
#: What :func:`reading` says of the latest point's variation.
VARIATION_TEXT = {
    "common_cause": "Common cause variation: no sign of change in the latest period",
    "special_cause_improvement": "Special cause improvement since {since}",
    "special_cause_concern": "Special cause concern since {since}",
    "special_cause_neutral_high": "Special cause variation (unusually high) since {since}",
    "special_cause_neutral_low": "Special cause variation (unusually low) since {since}",
}


@dataclass(frozen=True, eq=False)
class SpcResult:
    """An XmR chart: one row per point, and what it says at the latest point.

    ``points`` columns: ``period``, ``value``, ``segment`` (0, 1, … from each rebase),
    ``baseline`` (the point enters the limits), ``mean``, ``lpl``/``upl`` (process limits),
    ``near_lpl``/``near_upl`` (2-sigma lines), ``moving_range`` (|change from the previous point|,
    NaN at a segment start), ``mr_used`` (that moving range enters the AMR), ``avg_moving_range``,
    ``side`` (+1 above the mean, -1 below, 0 on it), ``close_to_limit``, one boolean column per
    rule in :data:`stats.spc_rules.RULES` (``beyond_limit``, ``trend``, ``two_of_three``,
    ``run``), ``special_cause``, ``special_cause_rule`` (the first rule that flags the point),
    ``point_type`` (``common_cause``, ``special_cause_improvement``, ``special_cause_concern``,
    ``special_cause_neutral_high``/``_low``) and ``trial`` (limits on < 12 baseline points).
    """

    points: pd.DataFrame
    improvement: str
    target: float | None
    #: ``point_type`` of the latest point.
    variation: str
    #: Making Data Count variation icon of the latest point, as NHSRplotthedots names its files:
    #: ``common_cause``, ``improvement_high``/``_low``, ``concern_high``/``_low``, ``neutral_high``/``_low``.
    variation_icon: str
    #: ``consistent_pass``, ``consistent_fail``, ``inconsistent``, or None (no target, or neutral).
    assurance: str | None
    #: First period of the unbroken stretch of the latest point's special-cause type, within
    #: the latest segment; None when the latest point is common cause.
    special_cause_since: Hashable | None
    #: The latest segment's limits are trial limits (fewer than 12 baseline points).
    trial: bool


def _check_options(improvement: str, target: float | None, fix_after: int | None) -> None:
    """Raise ValueError for an unknown direction, a non-finite target or a bad ``fix_after``."""
    if improvement not in IMPROVEMENT_SIGN:
        raise ValueError(f"improvement must be one of {', '.join(map(repr, IMPROVEMENT_SIGN))}, not {improvement!r}")
    numeric = isinstance(target, int | float | np.number) and not isinstance(target, bool)
    if target is not None and not (numeric and np.isfinite(target)):
        raise ValueError(f"target must be a finite number or None, not {target!r}")
    whole = isinstance(fix_after, int | np.integer) and not isinstance(fix_after, bool)
    if fix_after is not None and not (whole and fix_after >= 2):
        raise ValueError(f"fix_after must be a whole number of points, 2 or more, or None (got {fix_after!r})")


def _check_values(values: object, periods: object) -> tuple[np.ndarray, pd.Index]:
    """The values as floats and the periods as an index, or ValueError saying what to fix."""
    try:
        y = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"values must be numbers: {err}") from None
    if y.ndim != 1:
        raise ValueError(f"values must be one series of numbers, not an array of shape {y.shape}")
    if periods is None:
        periods = values.index if isinstance(values, pd.Series) else range(1, y.size + 1)
    index = pd.Index(periods)
    if len(index) != y.size:
        raise ValueError(f"values and periods differ in length ({y.size} values, {len(index)} periods)")
    if y.size < 2:
        raise ValueError(f"an XmR chart needs at least 2 values (got {y.size})")
    missing = ~np.isfinite(y)
    if missing.any():
        raise ValueError(
            f"values are missing or infinite at {', '.join(map(str, index[missing]))}: drop or fill "
            "those periods first (NHSRplotthedots gives unreliable flags around missing values, its issue #156)"
        )
    if index.has_duplicates:
        raise ValueError(f"periods repeat: {', '.join(map(str, index[index.duplicated()].unique()))}")
    ordered = pd.api.types.is_numeric_dtype(index) or isinstance(index, pd.DatetimeIndex | pd.PeriodIndex)
    if ordered and not index.is_monotonic_increasing:
        raise ValueError("periods must be in time order, earliest first")
    return y, index


def _segments(index: pd.Index, rebase_at: Iterable[Hashable]) -> np.ndarray:
    """Segment number of each point: a new segment starts at each ``rebase_at`` period."""
    starts = np.zeros(len(index), dtype=int)
    for period in rebase_at:
        if period not in index:
            raise ValueError(f"rebase_at period {period!r} is not one of the periods")
        starts[index.get_loc(period)] = 1
    starts[0] = 0
    segment = np.cumsum(starts)
    sizes = np.bincount(segment)
    if (sizes < 2).any():
        first = np.flatnonzero(np.r_[True, np.diff(segment) != 0])[sizes < 2][0]
        raise ValueError(f"each segment needs at least 2 points; the one starting at {index[first]} has 1")
    return segment


def segment_limits(y: np.ndarray, fix_after: int | None, screen_outliers: bool) -> dict[str, object]:
    """Mean, average moving range and moving ranges of one segment (values in the data's unit).

    The baseline is the first ``fix_after`` points (or all). Moving ranges are taken between
    baseline points only; with ``screen_outliers`` those ≥ :data:`MR_SCREEN_FACTOR` × AMR are
    dropped and the AMR recomputed (once), as NHSRplotthedots' ``ptd_spc_standard``. A flat
    baseline (AMR 0) is not screened, so its limits equal the mean (NHSRplotthedots gives NaN).
    """
    n_base = y.size if fix_after is None else min(y.size, fix_after)
    moving_range = np.concatenate([[np.nan], np.abs(np.diff(y))])
    base_mr = moving_range[1:n_base]
    amr = base_mr.mean()
    kept = np.ones(base_mr.size, dtype=bool)
    if screen_outliers and amr > 0:
        kept = base_mr < MR_SCREEN_FACTOR * amr
        amr = base_mr[kept].mean()
    mr_used = np.zeros(y.size, dtype=bool)
    mr_used[1:n_base] = kept
    return {"mean": y[:n_base].mean(), "amr": amr, "moving_range": moving_range, "mr_used": mr_used, "n_base": n_base}


def _segment_frame(y: np.ndarray, fix_after: int | None, screen_outliers: bool) -> pd.DataFrame:
    """Limits, rule flags and signal direction for the points of one segment."""
    lim = segment_limits(y, fix_after, screen_outliers)
    mean, amr = float(lim["mean"]), float(lim["amr"])
    lpl, upl = mean - LIMIT_FACTOR * amr, mean + LIMIT_FACTOR * amr
    near_lpl, near_upl = mean - NEAR_LIMIT_FACTOR * amr, mean + NEAR_LIMIT_FACTOR * amr
    side = spc_rules.side_of_mean(y, np.full(y.size, mean))
    beyond = (y > upl) | (y < lpl)
    close = ~beyond & ((y < near_lpl) | (y > near_upl))
    flags = spc_rules.special_cause(y, side, beyond, close)
    return pd.DataFrame(
        {
            "value": y,
            "baseline": np.arange(y.size) < lim["n_base"],
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "near_lpl": near_lpl,
            "near_upl": near_upl,
            "moving_range": lim["moving_range"],
            "mr_used": lim["mr_used"],
            "avg_moving_range": amr,
            "side": side,
            "close_to_limit": close,
            **{rule: flags[rule] for rule in spc_rules.RULES},
            "special_cause": flags["direction"] != 0,
            "special_cause_rule": flags["rule"],
            "direction": flags["direction"],
            "trial": lim["n_base"] < MIN_POINTS_FOR_LIMITS,
        }
    )


def point_types(direction: np.ndarray, improvement: str) -> np.ndarray:
    """MDC point type from each signal's direction (+1 high, -1 low, 0 none) and the improvement direction."""
    sign = IMPROVEMENT_SIGN[improvement]
    if sign == 0:
        kinds = {1: "special_cause_neutral_high", -1: "special_cause_neutral_low"}
    else:
        kinds = {sign: "special_cause_improvement", -sign: "special_cause_concern"}
    return np.array([kinds.get(int(d), "common_cause") for d in direction], dtype=object)


def assurance(target: float | None, lpl: float, upl: float, improvement: str) -> str | None:
    """NHSRplotthedots' assurance of a target against process limits (same unit as the values).

    A target beyond the limit on the improving side can never be reached by this process
    (``consistent_fail``); beyond the other limit it is always met (``consistent_pass``);
    between the limits (or on one) it is ``inconsistent``. None without a target or for a
    neutral measure.
    """
    sign = IMPROVEMENT_SIGN[improvement]
    if target is None or sign == 0:
        return None
    position = 1 if target > upl else -1 if target < lpl else 0
    if position == 0:
        return "inconsistent"
    return "consistent_fail" if position == sign else "consistent_pass"


def _since(points: pd.DataFrame) -> Hashable | None:
    """First period of the unbroken stretch, in the latest segment, of the latest point's type."""
    last = points.iloc[-1]
    if last["point_type"] == "common_cause":
        return None
    same = (points["point_type"] == last["point_type"]) & (points["segment"] == last["segment"])
    breaks = np.flatnonzero(~same.to_numpy())
    return points["period"].iloc[breaks[-1] + 1 if breaks.size else 0]


def xmr(
    values: Sequence[float] | np.ndarray | pd.Series,
    periods: Sequence[Hashable] | pd.Index | None = None,
    *,
    improvement: str,
    target: float | None = None,
    rebase_at: Iterable[Hashable] = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> SpcResult:
    """XmR chart of ``values`` (one per period, earliest first) with MDC special-cause rules.

    ``improvement`` is "increase", "decrease" or "neutral" (required: it is a property of the
    measure). ``periods`` default to a Series' index, else 1..n. ``rebase_at`` periods each
    start a new segment with its own limits; ``fix_after`` bases each segment's limits on its
    first n points. ``target`` is in the values' unit. Raises ValueError on bad input.
    """
    _check_options(improvement, target, fix_after)
    y, index = _check_values(values, periods)
    segment = _segments(index, rebase_at)
    frames = [_segment_frame(y[segment == s], fix_after, bool(screen_outliers)) for s in np.unique(segment)]
    points = pd.concat(frames, ignore_index=True)
    points.insert(0, "period", index.to_numpy())
    points.insert(2, "segment", segment)
    points["point_type"] = point_types(points["direction"].to_numpy(), improvement)
    last = points.iloc[-1]
    kind = str(last["point_type"]).removeprefix("special_cause_").removesuffix("_high").removesuffix("_low")
    icon = kind if kind == "common_cause" else f"{kind}_{'high' if last['direction'] > 0 else 'low'}"
    return SpcResult(
        points=points.drop(columns="direction"),
        improvement=improvement,
        target=None if target is None else float(target),
        variation=str(last["point_type"]),
        variation_icon=icon,
        assurance=assurance(target, float(last["lpl"]), float(last["upl"]), improvement),
        special_cause_since=_since(points),
        trial=bool(last["trial"]),
    )


def format_period(period: Hashable) -> str:
    """A period as written: as given, except a midnight timestamp shows as its date (2025-09-01)."""
    if isinstance(period, dt.datetime) and period.time() == dt.time(0):
        return period.date().isoformat()
    return str(period)


def reading(result: SpcResult, *, shift_since: Hashable | None = None) -> str:
    """One plain-English sentence on the latest point's variation, the target and trial limits.

    E.g. "Special cause improvement since 2025-09; the target is not yet assured (it lies
    within the process limits)." With ``shift_since`` (the limits span a sustained shift that
    began then) the target is said to be not judged until the chart is re-baselined from it.
    """
    since = None if result.special_cause_since is None else format_period(result.special_cause_since)
    parts = [VARIATION_TEXT[result.variation].format(since=since)]
    if result.assurance is not None and shift_since is not None:
        parts.append(NOT_JUDGED_TEXT.format(since=format_period(shift_since)))
    elif result.assurance is not None:
        last = result.points.iloc[-1]
        where = "above the upper process limit" if result.target > last["upl"] else "below the lower process limit"
        parts.append(ASSURANCE_TEXT[result.assurance].format(where=where))
    if result.trial:
        n = int(result.points.loc[result.points["segment"] == result.points["segment"].iloc[-1], "baseline"].sum())
        parts.append(f"the limits are trial limits, resting on {n} points (fewer than {MIN_POINTS_FOR_LIMITS})")
    return "; ".join(parts) + "."
