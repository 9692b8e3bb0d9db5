"""Whether a goal's change could be detected by its deadline, at 80% power and 5% significance.

The smallest change the cohort's numbers could show (:mod:`stats.power`: Poisson counts with an
over-dispersion factor, two proportions, or two normal estimates from standard errors), and
whether the goal's change exceeds it -- or, without counts, what data would be needed.
Pure: no streamlit, no files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from layers.goal_estimates import Estimate, Measure
from layers.goal_impact import about
from layers.goals import Goal
from stats.goal import minimum_detectable_difference, years_between
from stats.power import (DEFAULT_ALPHA, DEFAULT_POWER, is_detectable, is_detectable_proportion,
                         minimum_detectable_change, minimum_detectable_change_proportion)

@dataclass(frozen=True)
class Detectability:
    """Whether the goal's change could be detected by the deadline.

    ``min_change``: smallest detectable relative change (signed, -0.05 = a 5% fall; NaN when
    unknown or impossible); ``min_change_absolute``: the same in the measure's units;
    ``detectable``: True / False, or None without counts; ``basis``: "published counts",
    "estimated counts", "standard errors" or ""; ``text``: the verdict in words;
    ``needs``: what data would answer it when ``detectable`` is None.
    """

    min_change: float
    min_change_absolute: float
    detectable: bool | None
    basis: str
    text: str
    needs: str = ""



@dataclass(frozen=True)
class _Test:
    """One detectability calculation: the smallest detectable change (relative, signed, and in the
    measure's units), the verdict, what it rests on, how its size reads, and the settings in words."""

    min_change: float
    absolute: float
    detectable: bool
    basis: str
    size: str
    setting: str


def _setting(phi: float, followup: float, factor: str = "over-dispersion factor") -> str:
    return (f"80% power, 5% two-sided significance, {factor} {phi:g}; one baseline year against the final "
            f"{'year' if followup == 1 else f'{followup:.1f} years'} before the deadline")


def _test_counts(m: Measure, change: float, baseline: Estimate, target: float, phi: float,
                 followup: float) -> _Test | str:
    b, model = baseline.events, m.model
    if not b > 0:
        return "The cohort has no events to compare."
    direction = "decrease" if change < 0 else "increase"
    mdc = minimum_detectable_change(b, 1.0, followup, phi, DEFAULT_ALPHA, DEFAULT_POWER, direction)
    return _Test(mdc, baseline.value * mdc, bool(is_detectable(change, b, 1.0, followup, phi)),
                 "estimated counts" if model.estimated else "published counts",
                 f"{abs(mdc):.1%} (about {about(b * mdc)} {model.people}{' a year' if model.per_year else ''})",
                 _setting(phi, followup))


def _test_proportion(m: Measure, change: float, baseline: Estimate, target: float, phi: float,
                     followup: float) -> _Test | str:
    model = m.model
    p0, n = baseline.value / model.scale, baseline.denominator
    if not (0 < p0 < 1 and n > 0):
        return "The cohort's share is 0 or 100%: there is no change to test."
    direction = "decrease" if change < 0 else "increase"
    mdc_abs = minimum_detectable_change_proportion(p0, n, n, phi, DEFAULT_ALPHA, DEFAULT_POWER, direction)
    goal_abs = p0 * change
    verdict = bool(0 <= p0 + goal_abs <= 1 and is_detectable_proportion(goal_abs, p0, n, n, phi))
    mdc = mdc_abs / p0
    return _Test(mdc, mdc_abs * model.scale, verdict, "published counts",
                 f"{abs(mdc):.1%} of the value ({abs(mdc_abs * model.scale):.2g} points, about {about(mdc_abs * n)} "
                 f"{model.people})", _setting(phi, followup, "design effect"))


def _test_standard_errors(m: Measure, change: float, baseline: Estimate, target: float, phi: float,
                          followup: float) -> _Test | str:
    if math.isnan(baseline.se):
        return _NOT_KNOWN
    mdd = minimum_detectable_difference(baseline.se, baseline.se, phi)
    signed = mdd if change > 0 else -mdd
    return _Test(signed / baseline.value, signed, bool(abs(target - baseline.value) >= mdd), "standard errors",
                 f"{mdd:.2f} {m.record.unit} ({mdd / baseline.value:.1%})",
                 f"80% power, 5% two-sided significance, variance inflated by {phi:g}; a new estimate as precise as "
                 "the baseline (the same five-year pooling)")


_NOT_KNOWN = ("Not known: no counts or standard errors are published for this measure, so its detectable change "
              "cannot be worked out.")


def _test_none(m: Measure, change: float, baseline: Estimate, target: float, phi: float,
               followup: float) -> _Test | str:
    return _NOT_KNOWN


#: The detectability test by kind of measure: Poisson counts, two proportions, two normal estimates,
#: or none (a reason instead of a test).
_TESTS: dict[str, Callable[[Measure, float, Estimate, float, float, float], _Test | str]] = {
    "ratio": _test_counts, "count": _test_counts, "proportion": _test_proportion,
    "life expectancy": _test_standard_errors, "value": _test_none, "score": _test_none,
}


def goal_detectability(m: Measure, goal: Goal, change: float, baseline: Estimate, target: float,
                       overdispersion: float) -> Detectability:
    """Whether the goal's ``change`` could be detected by its deadline (no test for a score, which
    has no relative target)."""
    model = m.model
    if not model.relative_target:
        return Detectability(math.nan, math.nan, None, "", "No relative target for a score, so no test.", model.needs)
    if math.isnan(baseline.value):
        return Detectability(math.nan, math.nan, None, "", "The cohort has no value for this measure.", model.needs)
    followup = min(1.0, years_between(goal.start, goal.deadline))
    test = _TESTS[model.kind](m, change, baseline, target, overdispersion, followup)
    if isinstance(test, str):
        return Detectability(math.nan, math.nan, None, "", test, model.needs)
    verdict = test.detectable and not math.isnan(test.min_change)
    answer = ("exceeds it, so it could be detected" if verdict else
              "cannot be detected at any size with these numbers" if math.isnan(test.min_change) else
              "is smaller, so it could not be told from chance")
    text = (f"The smallest {'fall' if change < 0 else 'rise'} the cohort's numbers could show by "
            f"{goal.deadline:%B %Y} is {test.size}; the goal's {abs(change):.0%} {answer} ({test.setting}; "
            f"{test.basis}).")
    return Detectability(float(test.min_change), float(test.absolute), verdict, test.basis, text,
                         model.needs if model.estimated else "")

