"""What a goal's change means in people (or, for life expectancy, in years).

Pure: no streamlit, no files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from layers.goal_estimates import Estimate, Measure

@dataclass(frozen=True)
class Impact:
    """What the goal's change means in people: ``change`` (signed, e.g. -7,140 admissions), a
    year's worth when ``per_year``; ``approximate`` when the counts are estimated; ``text``."""

    change: float
    per_year: bool
    approximate: bool
    text: str



def about(n: float) -> str:
    """A count for a sentence, rounded as an estimate deserves: 3 significant figures from 1,000, to
    the nearest 10 from 100, whole below.

    >>> about(7139.4), about(463.0), about(12.4), about(123456.0)
    ('7,140', '460', '12', '123,000')
    """
    n = abs(float(n))
    if n >= 1000:
        digits = int(math.floor(math.log10(n))) - 2
        return f"{round(n, -digits):,.0f}"
    if n >= 100:
        return f"{round(n, -1):,.0f}"
    return f"{round(n):,.0f}"


def _people_now(m: Measure, baseline: Estimate) -> float:
    """The people (or events) the cohort's value stands for: its counts, or a share of its denominator
    when the model names who they are; NaN when the measure is not about a number of people."""
    model = m.model
    if model.kind in ("ratio", "count"):
        return baseline.events
    if model.people and baseline.denominator > 0:
        return baseline.value / model.scale * baseline.denominator
    return math.nan


def _impact_in_people(m: Measure, change: float, baseline: Estimate, target: float) -> Impact:
    model, record = m.model, m.record
    now = _people_now(m, baseline)
    if math.isnan(now):
        return Impact(math.nan, False, False,
                      f"{record.title} is not a count of people, nor a share of a known number of people, so the "
                      "change cannot be put in people.")
    delta = now * change
    text = (f"About {about(delta)} {'fewer' if delta < 0 else 'more'} {model.people}"
            f"{' a year' if model.per_year else ''} (of about {about(now)} now")
    if model.estimated:
        text += (f"; approximate: {model.people} estimated as ratio / 100 × residents × England's rate of "
                 f"{model.rate.per_person * 1000:.0f} per 1,000 a year, {model.rate.period}")
    return Impact(float(delta), model.per_year, model.estimated, text + ").")


def _impact_in_years(m: Measure, change: float, baseline: Estimate, target: float) -> Impact:
    return Impact(math.nan, False, False,
                  f"{m.record.title.split(' (')[0]} {'up' if change > 0 else 'down'} by "
                  f"{abs(target - baseline.value):.1f} {m.record.unit} for the {baseline.denominator:,.0f} residents "
                  "of the cohort's wards with a value: a change in years of life, not a number of people.")


#: What the change means, by kind of measure: people (counts, shares of people) or years.
_IMPACTS: dict[str, Callable[[Measure, float, Estimate, float], Impact]] = {
    "proportion": _impact_in_people, "ratio": _impact_in_people, "count": _impact_in_people,
    "value": _impact_in_people, "score": _impact_in_people, "life expectancy": _impact_in_years,
}


def goal_impact(m: Measure, change: float, baseline: Estimate, target: float) -> Impact:
    """What the goal's ``change`` from ``baseline`` to ``target`` means, by kind of measure (a score
    centred on 0 has no relative target, so no change in people)."""
    if not m.model.relative_target:
        return Impact(math.nan, False, False, "A score centred on 0 has no relative target, so no change in people.")
    return _IMPACTS[m.model.kind](m, change, baseline, target)
