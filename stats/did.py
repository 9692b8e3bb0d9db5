"""Rates over a window of periods and a difference in differences of two groups' rates, with 95% CIs.

A goal such as "non-elective admissions -20% in the most disadvantaged 20% of wards" is judged
against the rest of the area: if admissions fall everywhere, the cohort's own fall overstates
what the goal's work did. The **difference in differences** (DiD) is

    (cohort after - cohort before) - (rest after - rest before)

of rates per ``multiplier`` (per 1,000 residents a month, say), each a window's events over its
exposure (residents x periods, or the sum of a denominator). Its variance is the sum of the four
rates' variances (independent groups and windows). Each rate's variance is quasi-Poisson:
``phi x events / exposure^2 x multiplier^2``, with ``phi`` = Pearson's chi-squared of the window's
period counts against a constant rate, over its degrees of freedom (n - 1), and at least 1
(McCullagh & Nelder 1989, section 4.5). A phi above 1 -- repeat admissions, seasons, a change
within the window -- widens the interval instead of trusting Poisson variation alone. The
interval is normal: estimate +/- z x se. Pure functions on NumPy arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stats.intervals import z_value


@dataclass(frozen=True)
class WindowRate:
    """Events over exposure across a window of periods: ``rate`` per ``multiplier``, its variance
    (quasi-Poisson), the dispersion factor ``phi`` and the number of periods."""

    events: float
    exposure: float
    periods: int
    rate: float
    variance: float
    phi: float

    @property
    def se(self) -> float:
        return math.sqrt(self.variance)


def window_rate(events: Sequence[float], exposure: Sequence[float], *, multiplier: float = 1000.0) -> WindowRate:
    """The rate of a window: sum of ``events`` over sum of ``exposure`` x ``multiplier``, one value each per period.

    Worked by hand: events (90, 110), exposure (10,000, 10,000), per 1,000: rate 200 / 20,000 x 1,000
    = 10; expected 100 a period, chi-squared (100 + 100) / 100 = 2 on 1 degree of freedom, phi 2;
    variance 2 x 200 / 20,000^2 x 1,000^2 = 1.0.

    >>> r = window_rate([90, 110], [10_000, 10_000]); (r.rate, r.phi, round(r.variance, 9))
    (10.0, 2.0, 1.0)
    """
    e = np.asarray(events, dtype=float)
    x = np.asarray(exposure, dtype=float)
    if e.shape != x.shape or e.ndim != 1 or e.size == 0:
        raise ValueError(f"events and exposure must be two series of the same length (got {e.shape}, {x.shape})")
    if np.any(~np.isfinite(e)) or np.any(~np.isfinite(x)) or np.any(e < 0) or np.any(x <= 0):
        raise ValueError("events must be finite and >= 0 and exposures finite and > 0 in every period")
    total, base = float(e.sum()), float(x.sum())
    phi = 1.0
    if e.size > 1 and total > 0:
        expected = x * total / base
        phi = max(1.0, float(np.sum((e - expected) ** 2 / expected)) / (e.size - 1))
    scale = multiplier / base
    return WindowRate(total, base, int(e.size), total * scale, phi * total * scale**2, phi)


@dataclass(frozen=True)
class DifferenceInDifferences:
    """``estimate`` = (treated after - before) - (control after - before), in the rates' units, with
    its standard error and ``confidence`` limits; ``relative``: the estimate over the treated group's
    rate before (-0.2 = a fall of 20% of its starting rate), with its limits the same way."""

    estimate: float
    se: float
    lower: float
    upper: float
    confidence: float
    treated_before: WindowRate
    treated_after: WindowRate
    control_before: WindowRate
    control_after: WindowRate

    @property
    def relative(self) -> float:
        return self.estimate / self.treated_before.rate

    @property
    def relative_lower(self) -> float:
        return self.lower / self.treated_before.rate

    @property
    def relative_upper(self) -> float:
        return self.upper / self.treated_before.rate


def difference_in_differences(treated_before: WindowRate, treated_after: WindowRate, control_before: WindowRate,
                              control_after: WindowRate, *, confidence: float = 0.95) -> DifferenceInDifferences:
    """The difference in differences of two groups' window rates with a normal ``confidence`` interval.

    >>> a, b = window_rate([100, 100], [1e4, 1e4]), window_rate([80, 80], [1e4, 1e4])
    >>> round(difference_in_differences(a, b, a, a).estimate, 6)
    -2.0
    """
    parts = (treated_before, treated_after, control_before, control_after)
    estimate = (treated_after.rate - treated_before.rate) - (control_after.rate - control_before.rate)
    se = math.sqrt(sum(p.variance for p in parts))
    half = z_value(confidence) * se
    return DifferenceInDifferences(estimate, se, estimate - half, estimate + half, float(confidence), *parts)
