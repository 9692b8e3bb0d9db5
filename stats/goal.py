"""The arithmetic of a goal: its target, a straight-line trajectory, and a detectable difference.

Pure functions on numbers and dates. The statistics with a published method live beside this
module (:mod:`stats.intervals`, :mod:`stats.inequality`, :mod:`stats.power`); this one holds
the small sums a goal needs on top of them:

* :func:`target_value` -- the value a relative change reaches: ``baseline x (1 + change)``,
  with ``change`` signed (-0.2 = a 20% fall, +0.1 = a 10% rise).
* :func:`straight_line` -- the value expected at each anniversary of the start, on a straight
  line from the baseline (at the start) to the target (at the deadline).
* :func:`minimum_detectable_difference` -- for a measure with a standard error rather than a
  count (life expectancy), the smallest difference between a baseline and a follow-up estimate
  a two-sided z-test detects with the given power:
  ``(z_{1-alpha/2} + z_power) sqrt(phi (se0^2 + se1^2))`` (the normal-approximation analogue
  of :func:`stats.power.minimum_detectable_change`; ``phi`` inflates both variances as the
  over-dispersion factor does for counts).
"""

from __future__ import annotations

import math
from datetime import date

from scipy import stats

from stats.power import DEFAULT_ALPHA, DEFAULT_POWER


def target_value(baseline: float, change: float) -> float:
    """The value after a relative ``change`` (signed fraction, > -1): ``baseline * (1 + change)``.

    >>> round(target_value(150.0, -0.2), 6)
    120.0
    >>> round(target_value(78.5, 0.1), 6)
    86.35
    """
    if not change > -1.0:
        raise ValueError(f"change must be a fraction > -1 (-0.2 = a 20% fall); got {change!r}")
    return float(baseline) * (1.0 + float(change))


def anniversaries(start: date, deadline: date) -> list[date]:
    """``start``, each anniversary of it before ``deadline``, and ``deadline`` (29 February -> 28th)."""
    if deadline <= start:
        raise ValueError(f"the deadline ({deadline}) must be after the start ({start})")
    points, year = [start], start.year + 1
    while True:
        day = min(start.day, 28) if start.month == 2 else start.day
        point = date(year, start.month, day)
        if point >= deadline:
            break
        points.append(point)
        year += 1
    return [*points, deadline]


def straight_line(start: date, deadline: date, baseline: float, target: float) -> list[tuple[date, float]]:
    """The expected value at each of :func:`anniversaries`, linear in days from ``baseline`` at
    ``start`` to ``target`` at ``deadline``.

    >>> [(d.isoformat(), round(v, 2)) for d, v in straight_line(date(2025, 1, 1), date(2027, 1, 1), 100, 80)]
    [('2025-01-01', 100.0), ('2026-01-01', 90.0), ('2027-01-01', 80.0)]
    """
    total = (deadline - start).days
    return [(d, float(baseline) + (float(target) - float(baseline)) * (d - start).days / total)
            for d in anniversaries(start, deadline)]


def years_between(start: date, deadline: date) -> float:
    """Years from ``start`` to ``deadline`` (days / 365.25)."""
    return (deadline - start).days / 365.25


def minimum_detectable_difference(se_baseline: float, se_followup: float, overdispersion: float = 1.0,
                                  alpha: float = DEFAULT_ALPHA, power: float = DEFAULT_POWER) -> float:
    """Smallest absolute difference between two independent estimates a two-sided z-test at
    ``alpha`` detects with ``power``, in the estimates' units (module docstring).

    Worked by hand: se 0.5 and 0.5 years, phi 1, alpha 0.05, power 0.8:
    K = 1.959964 + 0.841621 = 2.801585; sqrt(0.25 + 0.25) = 0.707107; 2.801585 x 0.707107 = 1.98102 years.

    >>> round(minimum_detectable_difference(0.5, 0.5), 5)
    1.98102
    """
    for name, value in (("se_baseline", se_baseline), ("se_followup", se_followup)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    if not (isinstance(overdispersion, (int, float)) and math.isfinite(overdispersion) and overdispersion > 0):
        raise ValueError(f"overdispersion must be a finite number > 0; got {overdispersion!r}")
    for name, value in (("alpha", alpha), ("power", power)):
        if not 0.0 < float(value) < 1.0:
            raise ValueError(f"{name} must be a fraction strictly between 0 and 1; got {value!r}")
    k = float(stats.norm.ppf(1.0 - float(alpha) / 2.0) + stats.norm.ppf(float(power)))
    return k * math.sqrt(float(overdispersion) * (se_baseline ** 2 + se_followup ** 2))
