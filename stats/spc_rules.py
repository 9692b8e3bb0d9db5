"""Special-cause rules of an XmR chart, as NHS England's "Making Data Count" (MDC) applies them.

Each rule takes the points of one segment (the stretch of points that share one set of limits)
and returns, per point, whether the point is part of a pattern the rule detects. The definitions
follow NHSRplotthedots (nhs-r-community/NHSRplotthedots, MIT), ``R/ptd_calculate_point_type.R``
at commit f7891af4b8f71838f4c6fb17c8eec1a1c9bd6d7f, which is the MDC "plot the dots" logic:

* **beyond a limit**: the value is above the upper or below the lower process limit (strictly).
* **trend**: :data:`TREND_LENGTH` points in a row, each strictly higher (or each strictly
  lower) than the one before; a tie breaks the trend. Every point of the run is flagged.
* **two of three**: within three consecutive points that all lie strictly on the same side
  of the mean, at least two are "close to a limit", i.e. beyond the 2-sigma line (2/3 of the
  way from the mean to the limit) but not beyond the limit itself. Only those close points
  are flagged, not the third point.
* **run (shift)**: :data:`RUN_LENGTH` points in a row strictly on the same side of the mean;
  a point exactly on the mean breaks the run. Every point of the run is flagged.

When several rules flag a point, its direction comes from the first in the order above
(NHSRplotthedots' ``ptd_special_cause_type``): a beyond-limit point is high or low by its side
of the mean, a trend point by the trend's direction (even where the trend crosses the mean),
and a two-of-three or run point by its side of the mean.

All functions are pure: NumPy arrays in, NumPy arrays out, no NaN allowed.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Points in a row on one side of the mean that signal a shift (MDC and NHSRplotthedots: 7).
RUN_LENGTH = 7
#: Points in a row, each strictly above (or below) the previous, that signal a trend (MDC: 7).
TREND_LENGTH = 7
#: Window and count of the "two out of three beyond 2 sigma" rule.
TWO_OF_THREE_WINDOW = 3
TWO_OF_THREE_COUNT = 2

#: Rule names in priority order: the first rule that flags a point sets its direction.
RULES: tuple[str, ...] = ("beyond_limit", "trend", "two_of_three", "run")


def _part_of_window(ends: np.ndarray, length: int) -> np.ndarray:
    """Mark every point of each ``length``-point window whose last point is flagged in ``ends``."""
    part = np.zeros(ends.size, dtype=bool)
    for end in np.flatnonzero(ends):
        part[end - length + 1 : end + 1] = True
    return part


def side_of_mean(values: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """+1 above the mean, -1 below, 0 exactly on it (NHSRplotthedots ``relative_to_mean``)."""
    return np.sign(values - mean).astype(int)


def run_flags(side: np.ndarray, length: int = RUN_LENGTH) -> np.ndarray:
    """Points that belong to ``length`` or more consecutive points strictly on one side of the mean."""
    if side.size < length:
        return np.zeros(side.size, dtype=bool)
    windows = sliding_window_view(side, length)
    same_side = (windows == windows[:, :1]).all(axis=1) & (windows[:, 0] != 0)
    ends = np.concatenate([np.zeros(length - 1, dtype=bool), same_side])
    return _part_of_window(ends, length)


def trend_direction(values: np.ndarray, length: int = TREND_LENGTH) -> np.ndarray:
    """+1 / -1 at the last point of each ``length``-point strictly rising / falling run, else 0."""
    ends = np.zeros(values.size, dtype=int)
    if values.size < length:
        return ends
    steps = sliding_window_view(np.sign(np.diff(values)), length - 1)
    ends[length - 1 :] = np.where((steps == 1).all(axis=1), 1, np.where((steps == -1).all(axis=1), -1, 0))
    return ends


def trend_flags(values: np.ndarray, length: int = TREND_LENGTH) -> np.ndarray:
    """Points that belong to a run of ``length`` or more strictly rising (or falling) points."""
    return _part_of_window(trend_direction(values, length) != 0, length)


def two_of_three_flags(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Close-to-limit points in some 3-point window, all on one side of the mean, holding 2+ such points."""
    flagged = np.zeros(close.size, dtype=bool)
    if close.size < TWO_OF_THREE_WINDOW:
        return flagged
    close_w = sliding_window_view(close.astype(int), TWO_OF_THREE_WINDOW)
    side_w = sliding_window_view(side, TWO_OF_THREE_WINDOW)
    hits = (close_w.sum(axis=1) >= TWO_OF_THREE_COUNT) & (np.abs(side_w.sum(axis=1)) == TWO_OF_THREE_WINDOW)
    for start in np.flatnonzero(hits):
        flagged[start : start + TWO_OF_THREE_WINDOW] = True
    return flagged & close


def trend_point_direction(values: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """Direction (+1 rising, -1 falling) of the trend each flagged point belongs to, 0 elsewhere.

    As NHSRplotthedots: a point whose successor is also in a trend takes the step to its
    successor; otherwise (the last point of a trend) the step from its predecessor.
    """
    steps = np.sign(np.diff(values)).astype(int)
    after = np.concatenate([steps, [0]])
    before = np.concatenate([[0], steps])
    next_in_trend = np.concatenate([in_trend[1:], [False]])
    return np.where(in_trend, np.where(next_in_trend, after, before), 0)


def special_cause(values: np.ndarray, side: np.ndarray, beyond: np.ndarray, close: np.ndarray) -> dict[str, np.ndarray]:
    """All rule flags for one segment, the first rule flagging each point, and its direction.

    Returns arrays keyed by each name in :data:`RULES` (bool), ``"rule"`` (object: the first
    rule in :data:`RULES` order that flags the point, or None) and ``"direction"`` (int: +1 an
    unusually high signal, -1 low, 0 common cause).
    """
    flags = {
        "beyond_limit": beyond.astype(bool),
        "trend": trend_flags(values),
        "two_of_three": two_of_three_flags(close, side),
        "run": run_flags(side),
    }
    rule = np.full(values.size, None, dtype=object)
    direction = np.zeros(values.size, dtype=int)
    trend_dir = trend_point_direction(values, flags["trend"])
    for name in reversed(RULES):  # later assignments win, so the first rule in RULES decides
        hit = flags[name]
        rule[hit] = name
        direction[hit] = trend_dir[hit] if name == "trend" else side[hit]
    return {**flags, "rule": rule, "direction": direction}
