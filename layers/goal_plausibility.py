"""Whether a goal's target is plausible: where it lies against the rest of the area and England,
and the pace it needs against a published past rate of change.

Detectability asks whether a change could be told from chance; this asks what the change would
mean. Two readings, both in plain words and neither a verdict:

* **Against the comparators.** Would the cohort have to overtake the rest of the area or England
  to reach the target, and by how much it would end ahead (or how far behind it would stay)?
* **Against the past.** The change a year the goal needs (target minus baseline over the years
  from start to deadline) beside each :class:`~layers.goal_measures.ReferenceTrend` of the measure's
  model, or why there is none.

When the goal names a measure that WardLens does not have (healthy life expectancy) and the view
models one of the goal's stand-in layers, the reading says first which measure it is of.
Pure: no streamlit, no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from layers.goal_estimates import Estimate, amount, difference_unit
from layers.goal_measures import MeasureModel, ReferenceTrend
from layers.goals import Goal
from layers.indicator import Indicator
from stats.goal import years_between


@dataclass(frozen=True)
class Plausibility:
    """The plausibility reading of a goal (module docstring).

    ``passes``: the comparators the cohort would have to overtake ("the rest of the area",
    "England"); ``per_year``: the signed change a year the target needs (NaN without a target);
    ``pace``: that change over the fastest reference change in the same direction (NaN without
    one); ``measured``: which measure the reading is of when it is not the one the goal names
    ("" otherwise); ``headline``: a few words for a key figure; ``text``: the reading in full.
    Neither is a verdict: the reading sets the target beside what has been seen.
    """

    passes: tuple[str, ...]
    per_year: float
    unit: str
    pace: float
    references: tuple[ReferenceTrend, ...]
    measured: str
    headline: str
    text: str

    @property
    def pace_text(self) -> str:
        """The change a year the target needs ("+1.52 years a year"; "No target")."""
        return "No target" if math.isnan(self.per_year) else f"{self.per_year:+.2f} {self.unit} a year"

    @property
    def pace_note(self) -> str:
        """The needed change beside the fastest reference ("+1.52 years a year, 5.5× the fastest past rise")."""
        if math.isnan(self.pace):
            return self.pace_text
        return f"{self.pace_text}, {self.pace:.1f}× the fastest past rise"

    @property
    def flagged(self) -> bool:
        """Whether the target passes a comparator or needs a faster change than every reference."""
        return bool(self.passes) or self.pace > 1

    @property
    def word(self) -> str:
        """One short word for a key figure: "Check" when :attr:`flagged`, else "No flag", or "No trend"
        when there was no past rate to compare the pace with."""
        if self.flagged:
            return "Check"
        return "No trend" if math.isnan(self.pace) else "No flag"


def _better(record: Indicator, a: float, b: float) -> bool:
    """Whether ``a`` is better than ``b`` for ``record`` (lower when higher is worse)."""
    return a < b if record.higher_is_worse else a > b


def _against(record: Indicator, unit: str, baseline: float, target: float, name: str, value: float) -> tuple[str, bool]:
    """One comparator in words, and whether the cohort would have to overtake it to reach the target."""
    fmt = record.format_value
    if math.isnan(value):
        return f"{name} has no value", False
    if not _better(record, value, baseline):
        return f"the cohort is already level with or better than {name} ({fmt(value)})", False
    gap = amount(fmt(abs(target - value)), unit)
    if _better(record, target, value):
        return f"the cohort would have to overtake {name} ({fmt(value)}) and end {gap} better", True
    if target == value:
        return f"the cohort would draw level with {name} ({fmt(value)})", False
    return f"it stays {gap} worse than {name} ({fmt(value)})", False


def _pace(unit: str, per_year: float, years: float, model: MeasureModel) -> tuple[float, str]:
    """The needed change a year over the fastest reference change that goes the same way, and the
    sentence setting them side by side."""
    needed = f"It needs {per_year:+.2f} {unit} a year for {years:.1f} years"  # as Plausibility.pace_text
    if not model.trends:
        return math.nan, f"{needed}. {model.no_trend}"
    same = [t for t in model.trends if t.per_year and (t.per_year > 0) == (per_year > 0)]
    pace = abs(per_year) / max(abs(t.per_year) for t in same) if same else math.nan
    text = f"{needed}; for comparison, " + "; ".join(t.text for t in model.trends) + "."
    if not math.isnan(pace):
        text += (f" That is {pace:.1f} times the fastest of these." if pace >= 1.05 else
                 " That is within the fastest of these." if pace <= 0.95 else " That is about the fastest of these.")
    return pace, text


def measured_not_named(goal: Goal, measure: str, record: Indicator) -> str:
    """The sentence saying the figures are of ``record``, not of the measure the goal names, when the
    goal's measure is not published and ``measure`` is one of its stand-ins ("" otherwise)."""
    if not goal.gap_note or measure not in goal.measures:
        return ""
    return (f"WardLens measures {record.title[0].lower()}{record.title[1:]} here, not "
            f"{goal.named_measure[0].lower()}{goal.named_measure[1:]}, which the goal names.")


def goal_plausibility(goal: Goal, measure: str, record: Indicator, model: MeasureModel, baseline: Estimate,
                      rest: Estimate, england: Estimate, target: float) -> Plausibility:
    """The plausibility reading of ``goal`` modelled with the layer ``measure`` (its ``record`` and
    ``model``): the cohort's ``baseline`` and ``target`` against the ``rest`` of the area and
    ``england``, and the change a year it needs against the model's reference trends."""
    measured = measured_not_named(goal, measure, record)
    unit = difference_unit(record, model)
    lead = f"{measured} " if measured else ""
    if math.isnan(target) or math.isnan(baseline.value):
        text = lead + ("No target to test: " + ("the measure has no relative target." if math.isnan(target)
                                                 else "the cohort has no value."))
        return Plausibility((), math.nan, unit, math.nan, model.trends, measured, "No target", text)
    readings = [_against(record, unit, baseline.value, target, name, e.value)
                for name, e in (("the rest of the area", rest), ("England", england))]
    passes = tuple(name for name, (_, hit) in zip(("the rest of the area", "England"), readings) if hit)
    years = years_between(goal.start, goal.deadline)
    per_year = (target - baseline.value) / years
    pace, pace_text = _pace(unit, per_year, years, model)
    text = (f"{lead}The target is {record.format_value(target)} by {goal.deadline:%B %Y}: "
            + "; ".join(words for words, _ in readings) + f". {pace_text}")
    return Plausibility(passes, per_year, unit, pace, model.trends, measured,
                        _headline(record, baseline.value, target, england.value, passes), text)


def _headline(record: Indicator, baseline: float, target: float, england: float, passes: tuple[str, ...]) -> str:
    """A few words for a key figure: which comparators the target passes, else where it leaves the
    cohort against England."""
    if passes:
        return "Overtakes " + " and ".join(p.removeprefix("the ") for p in passes)
    if math.isnan(england):
        return "No England value"
    if not _better(record, england, baseline):
        return "Already better than England"
    return "Stays worse than England" if _better(record, england, target) else "Level with England"
