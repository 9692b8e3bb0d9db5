"""Confidence intervals for counts, crude rates, indirectly standardised ratios and proportions.

The methods are the ones OHID (formerly PHE) uses for Fingertips indicators and codes in the
R package PHEindicatormethods (``byars_lower``/``byars_upper``, ``phe_rate``,
``calculate_ISRatio``, ``wilson_lower``/``wilson_upper``, ``phe_proportion``), described in the
Fingertips *Public health technical guidance* ("Confidence intervals", "Rates") and APHO
Technical Briefing 3 (Eayres 2008):

* **Counts, crude rates and indirectly standardised ratios** put a Poisson interval on the
  observed count and divide it by the denominator (population, or expected count). For counts
  of 10 or more that interval is **Byar's approximation** (Breslow & Day 1987); for counts
  below 10 it is the **exact** interval from the chi-squared distribution (Armitage & Berry
  2002), because Byar's method loses accuracy there. The switch point is
  :data:`EXACT_BELOW` = 10, as in ``phe_rate`` and ``calculate_ISRatio``.
* **Proportions** use the **Wilson score** interval without continuity correction (Wilson
  1927; Newcombe & Altman 2000), as ``phe_proportion``.

Conventions:

* ``confidence`` is a two-sided level given as a fraction, e.g. 0.95 (PHEindicatormethods also
  accepts 95; this module refuses it, so that a typo cannot silently change the level).
* Inputs may be scalars or array-likes (broadcast together); results are floats for scalar
  input and ``numpy`` arrays otherwise.
* Invalid data raise ``ValueError`` (a negative count, a numerator above its denominator).
  Missing data propagate: a NaN input gives NaN outputs. A zero (or NaN) denominator gives NaN
  for the estimate and both limits, since no rate or proportion exists there.
* Zero events: the lower limit is 0 under every method; the upper limit is the exact one,
  ``-ln(alpha/2)`` (3.689 at 95%). PHEindicatormethods' ``byars_lower(0)`` is NaN
  (``0 * -Inf``); :func:`byar_limits` returns 0 instead, and the combined methods never use
  Byar's formula below 10 events anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import numpy as np
import numpy.typing as npt
from scipy import stats

#: Counts below this use the exact chi-squared Poisson interval, counts at or above it Byar's
#: approximation (PHEindicatormethods ``phe_rate``/``calculate_ISRatio``; Fingertips technical
#: guidance "Rates": Byar's method is within 0.2% of the exact limits from 10 events up).
EXACT_BELOW = 10

#: Method labels, as PHEindicatormethods writes them in its ``method`` column.
METHOD_BYAR = "Byars"
METHOD_EXACT = "Exact"
METHOD_WILSON = "Wilson"

FloatArray = npt.NDArray[np.float64]
ArrayLike = Union[float, int, npt.ArrayLike]
Numbers = Union[float, FloatArray]


@dataclass(frozen=True, eq=False)
class Interval:
    """A statistic and its two-sided confidence limits, in the units of the statistic.

    ``estimate``, ``lower`` and ``upper`` are floats for scalar input, arrays otherwise;
    ``method`` names the interval method for each value (``"Byars"``, ``"Exact"`` or
    ``"Wilson"``; empty where the input was missing).
    """

    estimate: Numbers
    lower: Numbers
    upper: Numbers
    confidence: float
    method: Union[str, npt.NDArray[np.str_]]


def z_value(confidence: float) -> float:
    """Standard normal quantile for a two-sided ``confidence`` level (0.95 -> 1.959964)."""
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.floating)) \
            or not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be a fraction between 0 and 1, e.g. 0.95; got {confidence!r}")
    return float(stats.norm.ppf(0.5 + float(confidence) / 2.0))


def _as_float(values: ArrayLike, name: str) -> FloatArray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers; got {values!r}") from exc


def _non_negative(values: ArrayLike, name: str) -> FloatArray:
    array = _as_float(values, name)
    if np.any(array < 0):  # NaN compares False, so missing values pass through
        raise ValueError(f"{name} must be >= 0; got {array[array < 0][:5].tolist()}")
    return array


def _shaped(array: FloatArray, scalar: bool) -> Numbers:
    return float(array) if scalar else array


def byar_limits(observed: ArrayLike, confidence: float = 0.95) -> tuple[Numbers, Numbers]:
    """Byar's approximate Poisson confidence limits (lower, upper) for an observed count.

    ``lower = O (1 - 1/(9 O) - z/(3 sqrt(O)))^3`` and
    ``upper = (O + 1) (1 - 1/(9 (O + 1)) + z/(3 sqrt(O + 1)))^3``, in events (Breslow & Day
    1987; PHEindicatormethods ``byars_lower``/``byars_upper``). The lower limit is 0 for
    ``O = 0`` and NaN where the formula goes negative (very small counts at high confidence,
    e.g. ``O = 1`` at 99.8%), as PHEindicatormethods sets it. Prefer
    :func:`poisson_interval`, which switches to the exact method below 10 events.
    """
    scalar = np.ndim(observed) == 0
    o = _non_negative(observed, "observed")
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))) ** 3
    lower = np.where(o == 0, 0.0, np.where(lower < 0, np.nan, lower))
    upper = (o + 1.0) * (1.0 - 1.0 / (9.0 * (o + 1.0)) + z / (3.0 * np.sqrt(o + 1.0))) ** 3
    return _shaped(lower, scalar), _shaped(upper, scalar)


def exact_poisson_limits(observed: ArrayLike, confidence: float = 0.95) -> tuple[Numbers, Numbers]:
    """Exact Poisson confidence limits (lower, upper) for an observed count, in events.

    ``lower = chi2_{alpha/2}(2 O) / 2`` and ``upper = chi2_{1 - alpha/2}(2 O + 2) / 2``, where
    ``chi2_p(df)`` is the chi-squared quantile (Armitage & Berry 2002; Fingertips technical
    guidance "Rates"); the lower limit is 0 for ``O = 0``.
    """
    scalar = np.ndim(observed) == 0
    o = _non_negative(observed, "observed")
    z_value(confidence)  # validates the level
    alpha = 1.0 - float(confidence)
    with np.errstate(invalid="ignore"):
        lower = np.where(o == 0, 0.0, stats.chi2.ppf(alpha / 2.0, 2.0 * o) / 2.0)
    upper = stats.chi2.ppf(1.0 - alpha / 2.0, 2.0 * o + 2.0) / 2.0
    lower = np.where(np.isnan(o), np.nan, lower)
    return _shaped(np.asarray(lower, dtype=float), scalar), _shaped(np.asarray(upper, dtype=float), scalar)


def _poisson_parts(observed: ArrayLike, confidence: float) -> tuple[FloatArray, FloatArray, FloatArray,
                                                                    npt.NDArray[np.str_]]:
    o = _non_negative(observed, "observed")
    byar_lower, byar_upper = (np.asarray(limit, dtype=float) for limit in byar_limits(o, confidence))
    exact_lower, exact_upper = (np.asarray(limit, dtype=float) for limit in exact_poisson_limits(o, confidence))
    small = o < EXACT_BELOW
    lower = np.where(small, exact_lower, byar_lower)
    upper = np.where(small, exact_upper, byar_upper)
    method = np.where(np.isnan(o), "", np.where(small, METHOD_EXACT, METHOD_BYAR))
    return o, lower, upper, method


def _method_out(method: npt.NDArray[np.str_], scalar: bool) -> Union[str, npt.NDArray[np.str_]]:
    return str(method) if scalar else method


def poisson_interval(observed: ArrayLike, confidence: float = 0.95) -> Interval:
    """Confidence interval for a Poisson count, in events: exact below 10 events, Byar's from 10.

    The estimate is the count itself. Source: Fingertips technical guidance "Rates";
    PHEindicatormethods ``phe_rate`` (which uses the same switch at :data:`EXACT_BELOW`).
    """
    scalar = np.ndim(observed) == 0
    o, lower, upper, method = _poisson_parts(observed, confidence)
    return Interval(_shaped(o, scalar), _shaped(lower, scalar), _shaped(upper, scalar), float(confidence),
                    _method_out(method, scalar))


def rate_interval(count: ArrayLike, population: ArrayLike, *, multiplier: float,
                  confidence: float = 0.95) -> Interval:
    """Crude rate ``count / population * multiplier`` with its Poisson confidence interval.

    Units: events per ``multiplier`` persons (or person-years), e.g. ``multiplier=1000`` for a
    rate per 1,000. The limits are the count's limits from :func:`poisson_interval` (exact
    below 10 events, Byar's from 10) divided by the population, as PHEindicatormethods
    ``phe_rate`` and the Fingertips technical guidance "Rates". A population of 0 gives NaN.
    """
    scalar = np.ndim(count) == 0 and np.ndim(population) == 0
    o, n = np.broadcast_arrays(_non_negative(count, "count"), _non_negative(population, "population"))
    o, lower, upper, method = _poisson_parts(o, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n > 0, float(multiplier) / n, np.nan)
    method = np.where(np.isnan(scale), "", method)
    return Interval(_shaped(o * scale, scalar), _shaped(lower * scale, scalar), _shaped(upper * scale, scalar),
                    float(confidence), _method_out(method, scalar))


def standardised_ratio_interval(observed: ArrayLike, expected: ArrayLike, *, multiplier: float = 100.0,
                                confidence: float = 0.95) -> Interval:
    """Indirectly standardised ratio ``observed / expected * multiplier`` (an SMR or SAR) with its CI.

    Units: 100 = the reference population's rates (``multiplier=100``, as Fingertips publishes
    SMRs; PHEindicatormethods ``calculate_ISRatio`` defaults to 1). The limits are the observed
    count's Poisson limits (exact below 10 events, Byar's from 10) divided by the expected
    count, which is treated as fixed (Fingertips technical guidance "Indirectly standardised
    ratios"; ``calculate_ISRatio``). An expected count of 0 gives NaN.
    """
    return rate_interval(observed, expected, multiplier=multiplier, confidence=confidence)


def proportion_interval(numerator: ArrayLike, denominator: ArrayLike, *, multiplier: float = 1.0,
                        confidence: float = 0.95) -> Interval:
    """Proportion ``numerator / denominator * multiplier`` with its Wilson score interval.

    Units: a fraction (``multiplier=1``) or a percentage (``multiplier=100``). Wilson score
    interval without continuity correction:
    ``(2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2 (n + z^2))`` (Wilson 1927; Newcombe &
    Altman 2000; PHEindicatormethods ``wilson_lower``/``wilson_upper``, ``phe_proportion``).
    A denominator of 0 gives NaN; a numerator above its denominator raises ``ValueError``.
    """
    scalar = np.ndim(numerator) == 0 and np.ndim(denominator) == 0
    x, n = np.broadcast_arrays(_non_negative(numerator, "numerator"), _non_negative(denominator, "denominator"))
    over = x > n
    if np.any(over):
        raise ValueError("numerator must not exceed denominator for a proportion; got (numerator, "
                         f"denominator) {list(zip(x[over][:5].tolist(), n[over][:5].tolist()))}")
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        valid = n > 0
        spread = z * np.sqrt(z * z + 4.0 * x * (1.0 - x / n))
        lower = np.where(valid, (2.0 * x + z * z - spread) / (2.0 * (n + z * z)), np.nan)
        upper = np.where(valid, (2.0 * x + z * z + spread) / (2.0 * (n + z * z)), np.nan)
        value = np.where(valid, x / n, np.nan)
    m = float(multiplier)
    # The formula's exact values at the edges are 0 (x = 0) and 1 (x = n); floating point can
    # miss them by one unit in the last place, which would put p = 1 outside its interval.
    lower = np.where((x == 0) & valid, 0.0, lower)
    upper = np.where((x == n) & valid, 1.0, upper)
    method = np.where(np.isnan(value), "", METHOD_WILSON)
    return Interval(_shaped(value * m, scalar), _shaped(lower * m, scalar), _shaped(upper * m, scalar),
                    float(confidence), _method_out(method, scalar))
