"""The deprivation gradient of a measure across an area's wards: SII and RII by the OHID/PHE method.

:func:`deprivation_groups` cuts the area's wards into deciles (or quintiles) of IMD 2025 score;
:func:`deprivation_gradient` gives the slope and relative indices of inequality across them
(:func:`stats.inequality.slope_index`), the fitted line for the chart, and the disadvantage of
the most deprived end. Pure: no streamlit, no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.goal_estimates import Measure, amount, difference_unit, group_table
from layers.goals import DEFAULT_GROUPS
from stats.inequality import MAX_GROUPS, MIN_GROUPS, SiiRii, disadvantage_gap, fitted_line, slope_index
from stats.intervals import rate_interval

#: Seed of the SII's Monte Carlo simulation: the same view gives the same limits.
SEED = 2025


@dataclass(frozen=True, eq=False)
class Gradient(SiiRii):
    """The SII and RII across ``k`` deprivation groups with 95% limits (:class:`~stats.inequality.SiiRii`),
    ``gap`` = the most deprived end's disadvantage (positive: worse off), the groups
    (most deprived first: ``group, label, wards, population, value, lower, upper, x``), the
    fitted ``line`` (``x, value``) and the unit the SII is in."""

    k: int
    groups: pd.DataFrame
    line: pd.DataFrame
    gap: float
    unit: str
    text: str
    note: str
    higher_is_worse: bool = False

    @property
    def reading(self) -> str:
        """The SII in one plain sentence a board reads the right way round ("" without an SII)."""
        return sii_sentence(self.sii, self.unit, self.higher_is_worse, self.rii) if not math.isnan(self.sii) else ""


def sii_sentence(sii: float, unit: str, higher_is_worse: bool, rii: float = math.nan) -> str:
    """The SII (least deprived end minus most deprived end of the fitted line, the OHID/PHE sign)
    as a sentence that says which end is higher and whether that is better, and the RII (their
    ratio) as how many times the most deprived end's value the least deprived end's is.

    >>> sii_sentence(-65.5, "age/sex-standardised ratio", True)[:87]
    'On the fitted line, the least deprived end of the area is 65.5 lower (better) than the '
    >>> sii_sentence(8.02, "years", False)[:97]
    'On the fitted line, the least deprived end of the area is 8.02 higher (better) than the most depr'
    """
    if sii == 0:
        return "On the fitted line, the least and the most deprived ends of the area are level: the SII is 0."
    higher = sii > 0
    better = higher != higher_is_worse
    signed = f"{sii:,.3g}".replace("-", "\u2212")
    return (f"On the fitted line, the least deprived end of the area is {abs(sii):,.3g} "
            f"{'higher' if higher else 'lower'} ({'better' if better else 'worse'}) than the most deprived end, "
            f"in {unit}; the SII, least deprived minus most deprived, is {signed}"
            + (f", and the RII, least deprived over most deprived, is {rii:.3g}." if not math.isnan(rii) else "."))



def deprivation_groups(imd: pd.Series, k: int = DEFAULT_GROUPS) -> pd.Series:
    """Group 1..k of each ward by IMD score among the wards given, 1 = most deprived: the wards
    ranked by score (highest first, ties by ward code) and cut into ``k`` groups of equal numbers
    of wards (sizes differ by at most one). Wards without a score get NaN.

    >>> deprivation_groups(pd.Series([10.0, 40.0, 20.0, 30.0, 50.0], index=list("abcde")), 5).tolist()
    [5.0, 2.0, 4.0, 3.0, 1.0]
    """
    present = imd.dropna()
    if len(present) < k:
        raise ValueError(f"{len(present)} wards cannot be cut into {k} deprivation groups")
    order = pd.DataFrame({"score": present.to_numpy(), "code": present.index.astype(str)}, index=present.index)
    order = order.sort_values(["score", "code"], ascending=[False, True], kind="stable")
    group = np.arange(len(order)) * k // len(order) + 1
    return pd.Series(group, index=order.index, dtype=float).reindex(imd.index)


_VALUE_TYPE = {"proportion": "proportion", "ratio": "rate", "count": "rate"}
_GROUP_NAMES = {10: "decile", 5: "quintile"}


def deprivation_gradient(m: Measure, codes: pd.Index, imd: pd.Series, k: int, repetitions: int) -> Gradient | None:
    """The SII and RII of the measure ``m`` across ``k`` deprivation groups of the area's wards
    ``codes`` by IMD score ``imd``; None when the area has fewer wards than groups."""
    name = _GROUP_NAMES.get(k, "group")
    try:
        groups = deprivation_groups(imd.reindex(codes), k)
    except ValueError:
        return None
    table = group_table(m, groups)
    table = table.reindex(range(1, k + 1))
    groups_frame, unit = _group_frame(m, table, k)
    missing = groups_frame["value"].isna() | ~(groups_frame["population"] > 0)
    method = (f"Wards of the area in {k} {name}s of IMD 2025 average score (equal numbers of wards, most deprived "
              f"first); population-weighted regression of the {name}s' values on the midpoint of their cumulative "
              "population share (OHID/PHE phe_sii)")
    if missing.any() or not MIN_GROUPS <= k <= MAX_GROUPS:
        return Gradient(*([math.nan] * 6), k=k, groups=groups_frame.assign(x=np.nan),
                        line=pd.DataFrame(columns=["x", "value"]), gap=math.nan, unit=unit,
                        text=f"No SII: {int(missing.sum())} of the {k} {name}s have no value for this measure.",
                        note=method + ".")
    return _fitted_gradient(m, table, groups_frame, k, name, unit, method, repetitions)


def _group_frame(m: Measure, table: pd.DataFrame, k: int) -> tuple[pd.DataFrame, str]:
    """Each group's label, wards, population, value and interval (most deprived first), and the unit
    of the gradient (for a count, of its crude rate per 1,000 residents)."""
    record, model = m.record, m.model
    unit = difference_unit(record, model)
    values, lower, upper = table["value"], table["lower"], table["upper"]
    population = table["denominator"]
    if model.kind == "count":  # counts grow with population: the gradient is of the crude rate
        rates = rate_interval(table["events"].to_numpy(), population.to_numpy(), multiplier=1000)
        values, lower, upper = (pd.Series(a, index=table.index) for a in (rates.estimate, rates.lower, rates.upper))
        unit = "per 1,000 residents"
    groups_frame = pd.DataFrame({
        "group": table.index, "label": [f"{i} (most deprived)" if i == 1 else f"{i} (least deprived)" if i == k
                                        else str(i) for i in table.index],
        "wards": table["n_wards"].fillna(0).astype(int).to_numpy(), "population": population.to_numpy(),
        "value": values.to_numpy(), "lower": lower.to_numpy(), "upper": upper.to_numpy()})
    return groups_frame, unit


def _fitted_gradient(m: Measure, table: pd.DataFrame, groups_frame: pd.DataFrame, k: int, name: str, unit: str,
                     method: str, repetitions: int) -> Gradient:
    """The line fitted across the groups, with 95% limits by simulation where each group has an
    interval (or standard errors), and the SII, RII and disadvantage gap read from it."""
    record, model = m.record, m.model
    scale = model.scale if model.kind == "proportion" else 1.0
    y, pop = groups_frame["value"].to_numpy(float), groups_frame["population"].to_numpy(float)
    value_type = _VALUE_TYPE.get(model.kind, "normal")
    transform = value_type != "normal"
    fit_y = y / scale
    result, note = None, ""
    try:
        if model.kind == "life expectancy" and table["se"].notna().all():
            result = slope_index(y, pop, se=table["se"].to_numpy(float), repetitions=repetitions, rng=SEED)
        elif transform and groups_frame[["lower", "upper"]].notna().all().all():
            result = slope_index(fit_y, pop, lower=groups_frame["lower"].to_numpy(float) / scale,
                                 upper=groups_frame["upper"].to_numpy(float) / scale, value_type=value_type,
                                 transform=True, repetitions=repetitions, rng=SEED)
    except ValueError as exc:  # e.g. a proportion of 0 has no logit: fall back to the line without limits
        note = f" No confidence interval: {exc}."
        transform = False
    line = fitted_line(fit_y, pop, value_type=value_type if transform else "normal", transform=transform)
    xs = np.linspace(0.0, 1.0, 21)
    fitted = pd.DataFrame({"x": xs, "value": np.asarray(line.at(xs)) * scale})
    groups_frame = groups_frame.assign(x=line.x)
    if result is not None:
        sii, sii_lo, sii_hi = result.sii * scale, result.sii_lower * scale, result.sii_upper * scale
        rii, rii_lo, rii_hi = result.rii, result.rii_lower, result.rii_upper
        gap = disadvantage_gap(result, higher_is_worse=record.higher_is_worse).absolute * scale
        interval = (f"95% CI by {repetitions:,} Monte Carlo simulations from each {name}'s interval"
                    + (" (log scale)" if value_type == "rate" else " (logit scale)" if value_type == "proportion"
                       else ""))
    else:
        y0, y1 = float(line.at(0.0)) * scale, float(line.at(1.0)) * scale
        sii, sii_lo, sii_hi = y1 - y0, math.nan, math.nan
        rii = y1 / y0 if y0 > 0 and y1 > 0 else math.nan
        rii_lo = rii_hi = math.nan
        gap = -sii if record.higher_is_worse else sii
        interval = "no confidence interval (no counts or standard errors for this measure)" + note.rstrip(".")
    worse = "most deprived" if gap > 0 else "least deprived"
    text = (f"Across the {name}s, the fitted line puts the {worse} end {amount(f'{abs(gap):,.3g}', unit)} worse off than the other "
            f"end (SII {sii:,.3g}")
    text += f", 95% CI {sii_lo:,.3g} to {sii_hi:,.3g})" if not math.isnan(sii_lo) else ")"
    if not math.isnan(rii):
        text += f"; RII {rii:.3g}" + (f" ({rii_lo:.3g} to {rii_hi:.3g})" if not math.isnan(rii_lo) else "")
    text += "."
    return Gradient(sii, sii_lo, sii_hi, rii, rii_lo, rii_hi, k=k, groups=groups_frame, line=fitted, gap=gap, unit=unit,
                    text=text, note=f"{method}; {interval}. SII = fitted value at the least deprived end minus the most "
                    "deprived end (PHE convention); RII = their ratio.", higher_is_worse=record.higher_is_worse)
