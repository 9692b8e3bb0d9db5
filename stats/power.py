"""Detectability of a goal: the smallest change a before/after comparison could detect.

**Counts and rates.** A goal compares a follow-up period with a baseline period for one area
(a ward, a group of wards). With ``b`` events a year in the baseline, ``T0`` baseline years and
``T1`` follow-up years, the expected counts are ``E0 = b T0`` and, if the rate changes by the
fraction ``D``, ``E1 = b (1 + D) T1``. The comparison is a test of the log rate ratio
``log(1 + D)``, whose variance is approximately ``phi (1/E0 + 1/E1)`` (the delta method for
two independent Poisson counts, inflated by an over-dispersion factor ``phi``: variance =
``phi`` x mean). At two-sided significance ``alpha`` and power ``1 - beta`` the smallest
detectable change solves

    ``|log(1 + D)| = (z_{1-alpha/2} + z_{1-beta}) * sqrt(phi (1/E0 + 1/E1))``

for the ``D`` nearest zero in the direction asked (:func:`minimum_detectable_change`). It is
solved exactly: for an increase the left side grows and the right side shrinks with ``D``,
so there is one root; for a decrease the right side grows as ``E1`` shrinks, so a decrease
can be undetectable at any size when counts are small (the function then returns NaN).

``phi`` defaults to 2: counts of emergency admissions and deaths in small areas vary more
than Poisson (repeat admissions, clustering, seasonal and year-to-year swings). ``phi = 1`` is
pure Poisson; the comparison with ``phi = 2`` is equivalent to halving both counts.

Assumptions, which the app should state next to any verdict:

* the two periods are independent and the baseline is not itself being estimated from a
  model (no regression to the mean correction);
* no underlying trend: a change that would have happened anyway is counted as the goal's;
* rates at a fixed population (the population and its age structure do not change between
  periods; for a changing population compare standardised rates instead);
* the normal approximation to the log rate ratio, one-sided power (the chance of a
  significant result in the wrong direction is ignored, as is usual).

**Proportions.** :func:`minimum_detectable_change_proportion` does the same for a proportion
(e.g. screening uptake) with the two-proportion z-test without continuity correction (Fleiss,
Levin & Paik 2003, section 4.2), both variances multiplied by a design effect ``deff`` for
clustering (Kish 1965). It returns an absolute change in the proportion (0.05 = 5 points).

References: Breslow & Day (1987) *Statistical methods in cancer research II*, ch. 7 (power for
rate comparisons); Fleiss, Levin & Paik (2003) *Statistical methods for rates and
proportions*, 3rd edn.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Literal

from scipy import optimize, stats

Direction = Literal["decrease", "increase"]

#: Over-dispersion factor assumed for small-area counts unless the caller knows better.
DEFAULT_OVERDISPERSION = 2.0
#: Conventional two-sided significance level and power.
DEFAULT_ALPHA = 0.05
DEFAULT_POWER = 0.8
#: A rise beyond exp(700) - 1 overflows a float: reported as infinite.
_MAX_LOG_RATIO = 700.0
#: Grid used to find the first root for proportions (fine enough that two roots within one
#: step would need a change of under 0.05 percentage points).
_PROPORTION_GRID = 2_000


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _check_fraction(value: float, name: str) -> float:
    if not _is_number(value) or not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name} must be a fraction strictly between 0 and 1; got {value!r}")
    return float(value)


def _check_positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    if not _is_number(value) or math.isnan(float(value)) or math.isinf(float(value)) \
            or (float(value) < 0 if allow_zero else float(value) <= 0):
        raise ValueError(f"{name} must be a finite number {'>= 0' if allow_zero else '> 0'}; got {value!r}")
    return float(value)


def _check_direction(direction: str) -> str:
    if direction not in ("decrease", "increase"):
        raise ValueError(f"direction must be 'decrease' or 'increase'; got {direction!r}")
    return direction


def _critical_sum(alpha: float, power: float) -> float:
    """``z_{1-alpha/2} + z_{power}``: 2.801585 at alpha 0.05 and power 0.8."""
    alpha = _check_fraction(alpha, "alpha")
    power = _check_fraction(power, "power")
    return float(stats.norm.ppf(1.0 - alpha / 2.0) + stats.norm.ppf(power))


def _rate_inputs(baseline_per_year: float, baseline_years: float, followup_years: float,
                 overdispersion: float) -> tuple[float, float, float]:
    """``(1/E0, 1/(b T1), phi)``; E0 = 0 gives infinities (nothing is detectable)."""
    b = _check_positive(baseline_per_year, "baseline_per_year", allow_zero=True)
    t0 = _check_positive(baseline_years, "baseline_years")
    t1 = _check_positive(followup_years, "followup_years")
    phi = _check_positive(overdispersion, "overdispersion")
    if b == 0:
        return math.inf, math.inf, phi
    return 1.0 / (b * t0), 1.0 / (b * t1), phi


def log_rate_ratio_se(change: float, baseline_per_year: float, baseline_years: float, followup_years: float,
                      overdispersion: float = DEFAULT_OVERDISPERSION) -> float:
    """Standard error of ``log(1 + change)`` for the baseline vs follow-up comparison.

    ``sqrt(phi (1/E0 + 1/E1))`` with ``E0 = b T0`` and ``E1 = b (1 + change) T1`` events
    (module docstring). ``change`` is a fraction > -1 (e.g. -0.1 for a 10% fall).
    """
    if not _is_number(change) or not -1.0 < float(change) < math.inf:
        raise ValueError(f"change must be a fraction > -1 (-0.1 = a 10% fall); got {change!r}")
    inv_e0, inv_b_t1, phi = _rate_inputs(baseline_per_year, baseline_years, followup_years, overdispersion)
    return math.sqrt(phi * (inv_e0 + inv_b_t1 / (1.0 + float(change))))


def power_for_change(change: float, baseline_per_year: float, baseline_years: float, followup_years: float,
                     overdispersion: float = DEFAULT_OVERDISPERSION, alpha: float = DEFAULT_ALPHA) -> float:
    """Power (0-1) of the two-sided test on the log rate ratio to detect a true ``change``.

    ``Phi(|log(1 + change)| / se - z_{1-alpha/2})`` with ``se`` from :func:`log_rate_ratio_se`
    (one-sided power, the usual approximation; module docstring).
    """
    se = log_rate_ratio_se(change, baseline_per_year, baseline_years, followup_years, overdispersion)
    z_alpha = float(stats.norm.ppf(1.0 - _check_fraction(alpha, "alpha") / 2.0))
    if math.isinf(se):
        return 0.0
    return _normal_cdf(abs(math.log1p(float(change))) / se - z_alpha)


def minimum_detectable_change(baseline_per_year: float, baseline_years: float, followup_years: float,
                              overdispersion: float = DEFAULT_OVERDISPERSION, alpha: float = DEFAULT_ALPHA,
                              power: float = DEFAULT_POWER, direction: Direction = "decrease") -> float:
    """Smallest relative change in a count rate detectable at the given power, as a fraction.

    Returns ``D`` (e.g. -0.083 = an 8.3% fall; +0.12 = a 12% rise) solving
    ``|log(1 + D)| = (z_{1-alpha/2} + z_{power}) sqrt(phi (1/E0 + 1/E1))``, the root nearest
    zero in ``direction`` (module docstring for method and assumptions). ``baseline_per_year``
    in events a year; periods in years. NaN when no change in that direction is detectable
    (no baseline events, or a fall too small a count can show at any size); ``inf`` when the
    rise needed is beyond floating point (a vanishingly small baseline).
    """
    _check_direction(direction)
    k = _critical_sum(alpha, power)
    inv_e0, inv_b_t1, phi = _rate_inputs(baseline_per_year, baseline_years, followup_years, overdispersion)
    if math.isinf(inv_e0):
        return math.nan

    def gap(log_ratio: float) -> float:
        """|log r| minus its critical value: >= 0 where r = exp(log_ratio) is detectable."""
        return abs(log_ratio) - k * math.sqrt(phi * (inv_e0 + inv_b_t1 * math.exp(-log_ratio)))

    if direction == "increase":
        # gap rises with log r from gap(0) < 0, and is >= 0 by log r = k sqrt(phi (A + B)),
        # since exp(-log r) <= 1 there.
        high = k * math.sqrt(phi * (inv_e0 + inv_b_t1))
        log_ratio = optimize.brentq(gap, 0.0, high, xtol=1e-13, rtol=1e-12)
        return math.expm1(log_ratio) if log_ratio < _MAX_LOG_RATIO else math.inf
    # For a fall, gap(log r) on r in (0, 1) rises to a maximum then falls: its derivative in r
    # vanishes where 4 A r^2 + 4 B r - k^2 phi B^2 = 0 (A = 1/E0, B = 1/(b T1)).
    peak = inv_b_t1 * (math.sqrt(1.0 + inv_e0 * k * k * phi) - 1.0) / (2.0 * inv_e0)
    if peak >= 1.0 or gap(math.log(peak)) < 0:
        return math.nan
    return math.expm1(optimize.brentq(gap, math.log(peak), 0.0, xtol=1e-13, rtol=1e-12))


def is_detectable(goal_change: float, baseline_per_year: float, baseline_years: float, followup_years: float,
                  overdispersion: float = DEFAULT_OVERDISPERSION, alpha: float = DEFAULT_ALPHA,
                  power: float = DEFAULT_POWER) -> bool:
    """True when a true change of ``goal_change`` (a fraction, e.g. -0.1) would be detected with
    at least ``power`` by the baseline vs follow-up comparison; False for no change (0)."""
    target = _check_fraction(power, "power")
    if float(goal_change) == 0.0:
        return False
    return power_for_change(goal_change, baseline_per_year, baseline_years, followup_years,
                            overdispersion, alpha) >= target


# --- proportions ---------------------------------------------------------------------------

def _proportion_power(p0: float, p1: float, n0: float, n1: float, deff: float, z_alpha: float) -> float:
    pooled = (n0 * p0 + n1 * p1) / (n0 + n1)
    null_sd = math.sqrt(deff * pooled * (1.0 - pooled) * (1.0 / n0 + 1.0 / n1))
    alt_sd = math.sqrt(deff * (p0 * (1.0 - p0) / n0 + p1 * (1.0 - p1) / n1))
    if alt_sd == 0.0:
        return 1.0 if abs(p1 - p0) > z_alpha * null_sd else 0.0
    return _normal_cdf((abs(p1 - p0) - z_alpha * null_sd) / alt_sd)


def _proportion_inputs(baseline_proportion: float, baseline_n: float, followup_n: float,
                       design_effect: float) -> tuple[float, float, float, float]:
    p0 = _check_fraction(baseline_proportion, "baseline_proportion")
    n0 = _check_positive(baseline_n, "baseline_n")
    n1 = _check_positive(followup_n, "followup_n")
    deff = _check_positive(design_effect, "design_effect")
    return p0, n0, n1, deff


def proportion_power(goal_change: float, baseline_proportion: float, baseline_n: float, followup_n: float,
                     design_effect: float = 1.0, alpha: float = DEFAULT_ALPHA) -> float:
    """Power (0-1) of the two-sided two-proportion z-test to detect an absolute ``goal_change``.

    ``Phi((|p1 - p0| - z_{1-alpha/2} sd0) / sd1)`` with ``sd0^2 = deff pbar (1 - pbar)
    (1/n0 + 1/n1)`` (pooled, under no change) and ``sd1^2 = deff (p0 q0/n0 + p1 q1/n1)``
    (Fleiss, Levin & Paik 2003, eq. 4.14 without continuity correction). ``goal_change`` is in
    proportion units (0.05 = 5 points); ``p1 = p0 + goal_change`` must stay within (0, 1).
    """
    p0, n0, n1, deff = _proportion_inputs(baseline_proportion, baseline_n, followup_n, design_effect)
    p1 = p0 + float(goal_change)
    if not 0.0 <= p1 <= 1.0:
        raise ValueError(f"baseline_proportion + goal_change must lie in 0..1; got {p1!r}")
    return _proportion_power(p0, p1, n0, n1, deff, float(stats.norm.ppf(1.0 - _check_fraction(alpha, "alpha") / 2)))


def minimum_detectable_change_proportion(baseline_proportion: float, baseline_n: float, followup_n: float,
                                         design_effect: float = 1.0, alpha: float = DEFAULT_ALPHA,
                                         power: float = DEFAULT_POWER,
                                         direction: Direction = "decrease") -> float:
    """Smallest absolute change in a proportion detectable at the given power (0.05 = 5 points).

    Two-proportion z-test (see :func:`proportion_power`); ``baseline_n`` and ``followup_n`` are
    the denominators (persons) of the two periods, ``design_effect`` inflates both variances
    for clustering. Returns the change nearest zero in ``direction`` whose power reaches
    ``power`` (negative for a decrease), or NaN when none within 0..1 does.
    """
    _check_direction(direction)
    p0, n0, n1, deff = _proportion_inputs(baseline_proportion, baseline_n, followup_n, design_effect)
    target = _check_fraction(power, "power")
    z_alpha = float(stats.norm.ppf(1.0 - _check_fraction(alpha, "alpha") / 2.0))
    end = 1.0 if direction == "increase" else 0.0

    def shortfall(p1: float) -> float:
        return _proportion_power(p0, p1, n0, n1, deff, z_alpha) - target

    previous = p0
    for step in range(1, _PROPORTION_GRID + 1):
        current = p0 + (end - p0) * step / _PROPORTION_GRID
        if shortfall(current) >= 0:
            root = optimize.brentq(shortfall, previous, current, xtol=1e-12) if shortfall(previous) < 0 else current
            return root - p0
        previous = current
    return math.nan


def is_detectable_proportion(goal_change: float, baseline_proportion: float, baseline_n: float,
                             followup_n: float, design_effect: float = 1.0, alpha: float = DEFAULT_ALPHA,
                             power: float = DEFAULT_POWER) -> bool:
    """True when an absolute change of ``goal_change`` in a proportion would be detected with at
    least ``power`` (two-proportion z-test, :func:`proportion_power`); False for no change."""
    target = _check_fraction(power, "power")
    if float(goal_change) == 0.0:
        return False
    return proportion_power(goal_change, baseline_proportion, baseline_n, followup_n, design_effect,
                            alpha) >= target
