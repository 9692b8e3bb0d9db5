"""A layer's values over groups of wards, with 95% intervals by the kind of measure.

:func:`measure_values` reads a layer over the ward register with what its
:class:`~layers.goal_measures.MeasureModel` needs; :func:`group_table` gives the value, interval and
counts of any grouping of wards (cohort and rest, England, deprivation groups), with the
interval method each kind of measure gets (declared in :mod:`layers.goal_measures`): Wilson for
proportions, Byar's for counts and standardised ratios, the MSOA standard errors for life
expectancy, none for indices. Pure: no streamlit, no files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.areas import PEOPLE_BASED, counted, group_values
from geo.precision import Z95, Components
from layers.goal_measures import MeasureModel, measure_model
from layers.indicator import Indicator
from layers.source import LayerSource
from stats.intervals import poisson_interval, proportion_interval, standardised_ratio_interval


@dataclass(frozen=True)
class Estimate:
    """A value for a group of wards with its 95% interval (NaN where none), the method
    ("Wilson", "Byars", "Exact", "Normal" or ""), the counts behind it (``events`` over
    ``denominator``, NaN where none) and how many wards it was made from."""

    value: float
    lower: float
    upper: float
    method: str
    events: float
    denominator: float
    n_wards: int
    se: float = math.nan

    @property
    def has_interval(self) -> bool:
        return not (math.isnan(self.lower) or math.isnan(self.upper))



@dataclass(frozen=True, eq=False)
class Measure:
    """A layer's values over the register, with what its model needs to make intervals."""

    source: LayerSource
    model: MeasureModel
    register: pd.DataFrame
    values: pd.Series
    weights: pd.Series
    denominators: pd.Series
    eligible: pd.Series
    components: Components | None

    @property
    def record(self) -> Indicator:
        return self.source.record


def measure_values(source: LayerSource, register: pd.DataFrame, components: Components | None) -> Measure:
    record = source.record
    values = source.values(register.index)
    minimum = float(np.nanmin(values.to_numpy())) if values.notna().any() else 0.0
    model = measure_model(record, minimum)
    weights = source.weights(register)
    direct = record.method == "direct"
    eligible = counted(register) | direct | (record.aggregation not in PEOPLE_BASED)
    usable = values.notna() & eligible
    if record.aggregation == "weighted mean":
        usable &= weights.notna() & (weights > 0)
        denominators = weights
    else:
        denominators = register["population"].astype(float)
    return Measure(source, model, register, values, weights, denominators.astype(float), usable.astype(bool),
                    components)


def group_table(m: Measure, groups: pd.Series) -> pd.DataFrame:
    """Value, interval and counts of each group of wards (``groups``: label by ward_code, NaN = out)."""
    record = m.record
    g = groups.reindex(m.register.index)
    used = m.eligible & g.notna()
    value = group_values(m.values, m.weights, g.where(used), counted(m.register), record.aggregation,
                         direct=record.method == "direct")
    frame = pd.DataFrame({
        "value": value,
        "denominator": m.denominators[used].groupby(g[used]).sum(),
        "n_wards": used.groupby(g[used]).sum(),
    })
    frame.index.name = "group"
    return _INTERVALS[m.model.kind](m, frame, g.where(used))


def _no_interval(m: Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    return frame.assign(lower=np.nan, upper=np.nan, method="", events=np.nan, se=np.nan)


def _proportion(m: Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    scale = m.model.scale
    events = (frame["value"] / scale * frame["denominator"]).clip(lower=0)
    events = np.minimum(events, frame["denominator"])
    ci = proportion_interval(events.to_numpy(), frame["denominator"].to_numpy(), multiplier=scale)
    return frame.assign(lower=ci.lower, upper=ci.upper, method=ci.method, events=events.to_numpy(), se=np.nan)


def _ratio(m: Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    expected = frame["denominator"] * m.model.rate.per_person
    events = frame["value"] / 100.0 * expected
    ci = standardised_ratio_interval(events.to_numpy(), expected.to_numpy(), multiplier=100.0)
    return frame.assign(lower=ci.lower, upper=ci.upper, method=ci.method, events=events.to_numpy(), se=np.nan)


def _count(m: Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    ci = poisson_interval(frame["value"].clip(lower=0).to_numpy())
    return frame.assign(lower=ci.lower, upper=ci.upper, method=ci.method, events=frame["value"].to_numpy(),
                        se=np.nan)


def _life_expectancy(m: Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    if m.components is None:
        return _no_interval(m, frame, groups)
    se = m.components.groups_se(m.weights.where(m.eligible), groups).reindex(frame.index)
    return frame.assign(lower=frame["value"] - Z95 * se, upper=frame["value"] + Z95 * se,
                        method=np.where(se.notna(), "Normal", ""), events=np.nan, se=se)


#: How each kind of measure gets its intervals (see :mod:`layers.goal_measures`).
_INTERVALS: dict[str, Callable[[Measure, pd.DataFrame, pd.Series], pd.DataFrame]] = {
    "proportion": _proportion, "ratio": _ratio, "count": _count, "life expectancy": _life_expectancy,
    "value": _no_interval, "score": _no_interval,
}


def estimate(row: pd.Series | None) -> Estimate:
    if row is None:
        return Estimate(math.nan, math.nan, math.nan, "", math.nan, math.nan, 0)
    return Estimate(float(row["value"]), float(row["lower"]), float(row["upper"]), str(row["method"]),
                    float(row["events"]), float(row["denominator"]), int(row["n_wards"]), float(row["se"]))


def difference_unit(record: Indicator, model: MeasureModel) -> str:
    """The unit of a difference between two values: percentage points for a percentage, points for a
    standardised ratio (144 - 107 = 37 points), else the record's unit without its note in brackets
    ("years")."""
    if model.kind == "proportion" and model.scale == 100:
        return "percentage points"
    if model.kind == "ratio":
        return "points"
    return record.unit.split(" (")[0]


def amount(number: str, unit: str) -> str:
    """``number`` (as shown) and ``unit``, the unit singular for exactly 1: "1 point", "2 points",
    "1.5 years", "1 year"."""
    one = number.replace(",", "").lstrip("+−-") in ("1", "1.0", "1.00")
    singular = {"points": "point", "percentage points": "percentage point", "years": "year"}
    return f"{number} {singular.get(unit, unit) if one else unit}"
