"""Slope index of inequality (SII) and relative index of inequality (RII), as OHID/PHE compute them.

The method is PHEindicatormethods' ``phe_sii`` (version 2.0.x), after Low & Low (2004),
*Measuring the gap: quantifying and comparing local health inequalities*, J Public Health
26:388-395:

1. **Groups in deprivation order.** The ``k`` groups (deprivation quintiles or deciles) are
   passed **most deprived first** (``phe_sii``: quantile 1 = most deprived).
2. **Relative rank.** Each group's population share ``a_i``; its relative rank ``x_i`` is the
   midpoint of its slice of the cumulative population distribution:
   ``x_i = a_1 + ... + a_{i-1} + a_i / 2`` (:func:`relative_rank`). ``x = 0`` is the most
   deprived end of the population, ``x = 1`` the least deprived end.
3. **Regression.** ``phe_sii`` fits ``y_i sqrt(a_i) = b0 sqrt(a_i) + b1 x_i sqrt(a_i)`` by
   ordinary least squares with no intercept, which is weighted least squares of ``y`` on
   ``x`` with weights ``a_i`` (i.e. proportional to population).
4. **SII** = fitted value at ``x = 1`` minus fitted value at ``x = 0`` = the slope ``b1``, in
   the indicator's units. **Sign convention: SII = least deprived end minus most deprived
   end.** It is positive when the value rises with affluence (life expectancy: +11.7 years)
   and negative when it falls (mortality rates). :func:`disadvantage_gap` turns it into "how
   much worse off the most deprived end is", given the indicator's polarity.
5. **RII** = fitted value at ``x = 1`` divided by fitted value at ``x = 0``, i.e. least
   deprived end / most deprived end (``phe_sii``: ``RII = (Y0 + SII) / Y0``). Some authors
   define RII as SII divided by the population mean; this module follows ``phe_sii``.
6. **Transform** (``phe_sii`` ``transform = TRUE``, recommended by PHE for rates and
   proportions, which are seldom linear in rank): the regression is fitted to ``log(rate)`` or
   ``logit(proportion)``; SII and RII are then computed from the back-transformed fitted
   values at ``x = 1`` and ``x = 0``.
7. **Confidence interval by simulation.** Each group's value is drawn ``repetitions`` times
   from a normal distribution with the group's standard error, the regression refitted on
   every draw, and the ``(1 - c)/2`` and ``(1 + c)/2`` order statistics taken (positions
   ``round(R (1 - c)/2)`` and ``round(R (1 + c)/2)`` of the ``R`` sorted draws, as
   ``phe_sii``). For rates and proportions the draws are made on the log / logit scale, with
   the standard error derived from the group's 95% limits on that scale:
   ``se = (g(upper) - g(lower)) / (2 * 1.959964)``; without ``transform`` they are
   back-transformed before the regression. With ``transform`` the interval of the slope on
   the transformed scale is mapped back around the fitted midpoint ``m = b0 + b1/2``:
   ``SII limit = g^-1(m + b/2) - g^-1(m - b/2)`` for each limit ``b``, as ``phe_sii`` does.

Differences from ``phe_sii``, all deliberate: ``confidence`` is a fraction (0.95); draws come
from a seedable ``numpy`` Generator (the numbers differ from R's for the same seed, within
Monte Carlo error); the default is 10,000 repetitions (``phe_sii``: 100,000); a standard error
may be supplied directly only for ``value_type="normal"`` (``phe_sii`` would read a supplied
SE of a rate as being on the log scale); bad input raises ``ValueError`` instead of dropping
the area with a warning; and there is no ``multiplier`` (scale the result, or use
:func:`disadvantage_gap` for the polarity flip that ``phe_sii`` does with ``multiplier = -1``).
``tests/test_stats_inequality.py`` reproduces the ``phe_sii`` vignette's published results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Optional, Union

import numpy as np
import numpy.typing as npt
from scipy.special import expit, logit

from stats.intervals import z_value

ValueType = Literal["normal", "rate", "proportion"]
FloatArray = npt.NDArray[np.float64]

#: ``phe_sii`` refuses fewer than 5 or more than 100 quantiles: the SII is meant for
#: deprivation quintiles or deciles, and is unstable with few or very small groups.
MIN_GROUPS = 5
MAX_GROUPS = 100

#: Simulation repetitions by default (``phe_sii``: 100,000) and at least (``phe_sii``: 1,000).
#: At 10,000 the Monte Carlo error of a 95% limit is about 2% of the SII's standard error.
DEFAULT_REPETITIONS = 10_000
MIN_REPETITIONS = 1_000

#: Confidence level of the group limits that standard errors are derived from (``phe_sii``
#: hard-codes 95% limits).
GROUP_LIMITS_CONFIDENCE = 0.95

def _identity(values: FloatArray) -> FloatArray:
    return values


#: Scale on which each value type is simulated (and, with ``transform``, fitted), as the functions
#: to it and back: identity, log, logit.
_SCALES: dict[str, tuple[Callable[[FloatArray], FloatArray], Callable[[FloatArray], FloatArray]]] = {
    "normal": (_identity, _identity), "rate": (np.log, np.exp), "proportion": (logit, expit),
}


def _forward(values: FloatArray, value_type: str) -> FloatArray:
    return _SCALES[value_type][0](values)


def _inverse(values: FloatArray, value_type: str) -> FloatArray:
    return _SCALES[value_type][1](values)


@dataclass(frozen=True, eq=False)
class FittedLine:
    """The SII regression line, for charts: ``fit-scale value = intercept + slope * x``.

    ``x`` holds each group's relative rank (0 = most deprived end, 1 = least deprived end).
    ``intercept`` and ``slope`` are on the fit scale (log or logit when ``transform``);
    :meth:`at` returns fitted values in the indicator's own units.
    """

    intercept: float
    slope: float
    x: FloatArray
    value_type: ValueType
    transform: bool

    def at(self, x: Union[float, npt.ArrayLike]) -> Union[float, FloatArray]:
        """Fitted value(s) at relative rank(s) ``x``, in the indicator's units."""
        fit = self.intercept + self.slope * np.asarray(x, dtype=float)
        fitted = _inverse(fit, self.value_type) if self.transform else fit
        return float(fitted) if np.ndim(fitted) == 0 else fitted


@dataclass(frozen=True, eq=False)
class SiiRii:
    """The SII and RII with their confidence limits (``phe_sii`` conventions; NaN where none).

    ``sii`` (indicator units) = fitted value at the least deprived end minus the most deprived
    end; ``rii`` = their ratio (least / most deprived).
    """

    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float


@dataclass(frozen=True)
class SlopeIndex(SiiRii):
    """SII and RII with simulated confidence limits (:class:`SiiRii`), and how they were made.

    ``intercept`` = fitted value at the most deprived end (``x = 0``), in indicator units.
    """

    intercept: float
    confidence: float
    repetitions: int
    value_type: ValueType
    transform: bool


@dataclass(frozen=True)
class InequalityGap:
    """The SII and RII re-signed so that positive means the most deprived end is worse off.

    ``absolute`` (indicator units) > 0: the most deprived end is worse by that much, in the
    indicator's bad direction; < 0: the least deprived end is worse. ``relative`` > 1: the
    most deprived end is worse by that factor (worse value / better value).
    """

    absolute: float
    absolute_lower: float
    absolute_upper: float
    relative: float
    relative_lower: float
    relative_upper: float
    higher_is_worse: bool

    @property
    def worse_off(self) -> Literal["most deprived", "least deprived", "neither"]:
        """Which end of the deprivation scale the fitted line puts worse off."""
        if self.absolute > 0:
            return "most deprived"
        if self.absolute < 0:
            return "least deprived"
        return "neither"

    @property
    def significant(self) -> bool:
        """True when the confidence interval of the absolute gap excludes zero."""
        return bool(self.absolute_lower > 0 or self.absolute_upper < 0)


def relative_rank(population: npt.ArrayLike) -> FloatArray:
    """Midpoint of each group's slice of the cumulative population share (0..1).

    Groups in order, most deprived first; ``x_i = a_1 + ... + a_{i-1} + a_i / 2`` with ``a_i``
    the group's share of the total population (``phe_sii`` ``FindXValues``). A group holding
    12% of the population first gets 0.06; a next one with 10% gets 0.17.
    """
    pop = np.asarray(population, dtype=float)
    share = pop / pop.sum()
    return np.cumsum(share) - share / 2.0


def _weighted_fit_matrix(population: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rows of ``H`` with ``(b0, b1) = H @ y`` for the population-weighted fit, and the x values."""
    share = population / population.sum()
    x = np.cumsum(share) - share / 2.0
    design = np.column_stack([np.ones_like(x), x])
    weighted = design * share[:, None]
    hat = np.linalg.solve(design.T @ weighted, weighted.T)
    return hat, x


def _checked(values: npt.ArrayLike, population: npt.ArrayLike, value_type: str,
             transform: bool) -> tuple[FloatArray, FloatArray]:
    if value_type not in _SCALES:
        raise ValueError(f"value_type must be one of {sorted(_SCALES)}; got {value_type!r}")
    if transform and value_type == "normal":
        raise ValueError("transform=True needs value_type='rate' (log) or 'proportion' (logit)")
    y = np.asarray(values, dtype=float)
    pop = np.asarray(population, dtype=float)
    if y.ndim != 1 or pop.shape != y.shape:
        raise ValueError(f"values and population must be 1-D and the same length; got shapes {y.shape} "
                         f"and {pop.shape}")
    if not MIN_GROUPS <= len(y) <= MAX_GROUPS:
        raise ValueError(f"the SII needs {MIN_GROUPS} to {MAX_GROUPS} groups (deprivation quintiles or "
                         f"deciles), most deprived first; got {len(y)}")
    bad = np.flatnonzero(~np.isfinite(pop) | (pop <= 0))
    if bad.size:
        raise ValueError(f"every group needs a population > 0; group(s) {bad.tolist()} (0 = most deprived) "
                         f"have {pop[bad].tolist()}")
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise ValueError(f"group(s) {bad.tolist()} (0 = most deprived) have no value; the SII needs every group")
    if value_type == "rate" and np.any(y <= 0):
        raise ValueError("rates must be > 0 for the log scale; a group with no events has no log rate")
    if value_type == "proportion" and np.any((y <= 0) | (y >= 1)):
        raise ValueError("proportions must lie strictly between 0 and 1 for the logit scale (give "
                         "fractions, not percentages)")
    return y, pop


def fitted_line(values: npt.ArrayLike, population: npt.ArrayLike, *, value_type: ValueType = "normal",
                transform: bool = False) -> FittedLine:
    """The population-weighted regression line behind the SII, and each group's relative rank.

    Groups most deprived first; ``values`` in the indicator's units (proportions as fractions),
    ``population`` the group denominators. See the module docstring for the method.
    """
    y, pop = _checked(values, population, value_type, transform)
    hat, x = _weighted_fit_matrix(pop)
    b0, b1 = hat @ (_forward(y, value_type) if transform else y)
    return FittedLine(float(b0), float(b1), x, value_type, transform)


def _standard_errors(y: FloatArray, se: Optional[npt.ArrayLike], lower: Optional[npt.ArrayLike],
                     upper: Optional[npt.ArrayLike], value_type: str, limits_confidence: float) -> FloatArray:
    """Standard errors on the simulation scale (identity, log or logit)."""
    if se is not None:
        if lower is not None or upper is not None:
            raise ValueError("give either se or lower and upper limits, not both")
        if value_type != "normal":
            raise ValueError("for rates and proportions give each group's lower and upper 95% limits "
                             "(the standard error is derived on the log / logit scale), not se")
        errors = np.asarray(se, dtype=float)
        if errors.shape != y.shape or not np.all(np.isfinite(errors)) or np.any(errors < 0):
            raise ValueError("se must hold one finite standard error >= 0 per group")
        return errors
    if lower is None or upper is None:
        raise ValueError("give each group's standard error (se=) or its lower and upper limits (lower=, upper=)")
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    if lo.shape != y.shape or hi.shape != y.shape or not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise ValueError("lower and upper must hold one finite limit per group")
    if np.any(lo > hi):
        raise ValueError("a lower limit is above its upper limit")
    if value_type == "rate" and np.any(lo <= 0):
        raise ValueError("rate limits must be > 0 for the log scale")
    if value_type == "proportion" and np.any((lo <= 0) | (hi >= 1)):
        raise ValueError("proportion limits must lie strictly between 0 and 1 for the logit scale")
    return (_forward(hi, value_type) - _forward(lo, value_type)) / (2.0 * z_value(limits_confidence))


def _order_statistics(draws: FloatArray, confidence: float) -> tuple[float, float]:
    """``phe_sii``'s limits: sorted draws at positions round(R(1-c)/2) and round(R(1+c)/2), 1-based."""
    n = draws.shape[0]
    tail = (1.0 - confidence) / 2.0
    positions = np.clip(np.round(np.array([n * tail, n * (1.0 - tail)])).astype(int), 1, n) - 1
    picked = np.partition(draws, positions)[positions]
    return float(picked[0]), float(picked[1])


def slope_index(values: npt.ArrayLike, population: npt.ArrayLike, *, se: Optional[npt.ArrayLike] = None,
                lower: Optional[npt.ArrayLike] = None, upper: Optional[npt.ArrayLike] = None,
                value_type: ValueType = "normal", transform: bool = False, confidence: float = 0.95,
                repetitions: int = DEFAULT_REPETITIONS,
                rng: Union[np.random.Generator, int, None] = None,
                limits_confidence: float = GROUP_LIMITS_CONFIDENCE) -> SlopeIndex:
    """SII and RII of an indicator across deprivation groups, with simulated confidence limits.

    ``values``: one per group, **most deprived first**, in the indicator's units (rates > 0;
    proportions as fractions in (0, 1)); ``population``: the groups' denominators (persons).
    Uncertainty: ``se`` (``value_type="normal"`` only) or each group's ``lower``/``upper``
    limits at ``limits_confidence`` (95%). ``value_type`` and ``transform`` as ``phe_sii``'s
    ``value_type`` (0/1/2) and ``transform``. ``rng``: a ``numpy`` Generator or a seed, for
    reproducible limits. Method, units and sign convention: see the module docstring.
    """
    y, pop = _checked(values, population, value_type, transform)
    z_value(confidence)  # validates the level
    if isinstance(repetitions, bool) or not isinstance(repetitions, (int, np.integer)) \
            or repetitions < MIN_REPETITIONS:
        raise ValueError(f"repetitions must be a whole number >= {MIN_REPETITIONS}; got {repetitions!r}")
    errors = _standard_errors(y, se, lower, upper, value_type, limits_confidence)
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    hat, _ = _weighted_fit_matrix(pop)

    centre = _forward(y, value_type)
    draws = centre + errors * generator.standard_normal((int(repetitions), len(y)))
    if not transform:
        draws = _inverse(draws, value_type)
    coefficients = draws @ hat.T  # (repetitions, 2): intercept and slope of every draw

    if not transform:
        b0, b1 = hat @ y
        sii_lower, sii_upper = _order_statistics(coefficients[:, 1], confidence)
        with np.errstate(divide="ignore", invalid="ignore"):
            rii_draws = (coefficients[:, 0] + coefficients[:, 1]) / coefficients[:, 0]
        rii_lower, rii_upper = _order_statistics(rii_draws, confidence)
        return SlopeIndex(float(b1), sii_lower, sii_upper, float((b0 + b1) / b0), rii_lower, rii_upper,
                          float(b0), float(confidence), int(repetitions), value_type, transform)

    b0, b1 = hat @ centre
    middle = b0 + b1 / 2.0

    def ends(slope: float) -> tuple[float, float]:
        """Back-transformed fitted values at x = 0 and x = 1 for a slope through the midpoint."""
        return float(_inverse(np.asarray(middle - slope / 2.0), value_type)), \
            float(_inverse(np.asarray(middle + slope / 2.0), value_type))

    slope_lower, slope_upper = _order_statistics(coefficients[:, 1], confidence)
    (y0, y1), (lo0, lo1), (hi0, hi1) = ends(b1), ends(slope_lower), ends(slope_upper)
    return SlopeIndex(y1 - y0, lo1 - lo0, hi1 - hi0, y1 / y0, lo1 / lo0, hi1 / hi0, y0, float(confidence),
                      int(repetitions), value_type, transform)


def disadvantage_gap(result: SlopeIndex, *, higher_is_worse: bool) -> InequalityGap:
    """Re-sign an SII/RII so that a positive gap means the most deprived end is worse off.

    ``higher_is_worse=False`` (life expectancy): the gap is the SII and the RII as they are.
    ``higher_is_worse=True`` (mortality, prevalence of a disease): the gap is ``-SII`` and
    ``1 / RII`` (most deprived / least deprived), with the limits swapped -- what ``phe_sii``
    returns with a negative ``multiplier``. Units: the indicator's; the relative gap is a ratio.
    """
    if not isinstance(higher_is_worse, (bool, np.bool_)):
        raise ValueError(f"higher_is_worse must be True or False; got {higher_is_worse!r}")
    if not higher_is_worse:
        return InequalityGap(result.sii, result.sii_lower, result.sii_upper, result.rii, result.rii_lower,
                             result.rii_upper, False)
    return InequalityGap(-result.sii, -result.sii_upper, -result.sii_lower, 1.0 / result.rii,
                         1.0 / result.rii_upper, 1.0 / result.rii_lower, True)
