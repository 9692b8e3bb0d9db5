"""One goal, one area: everything the Goals tab, the command line and a board pack show, from one pure function.

:func:`goal_view` takes the catalogue of layers (published and uploaded, as :mod:`layers.view`),
the ward register, an area, a :class:`~layers.goals.Goal` and the measure to model it with,
and returns a :class:`GoalView`:

1. **The cohort, frozen and explained** (:class:`Reading`): the goal's cohort (the most
   disadvantaged X% of the ICB's wards by IMD 2025; for a place, the ICB cohort's wards in the
   place), beside the other readings of "most disadvantaged" -- wards in England's most deprived
   decile or quintile, Core20 wards, and for a place the within-place ranking, labelled as
   such -- each with its wards, residents and share of the area, and how they overlap.
2. **Baseline, target, trajectory**: the cohort's value, the rest of the area's and England's
   (:class:`Estimate`, with 95% intervals where counts or standard errors allow; which
   measures get which method is declared in :mod:`layers.goals`), the target, a straight line
   to it by the deadline, and what the change means in people (:class:`Impact`).
3. **Is it detectable?** (:class:`Detectability`): the smallest change the cohort's numbers
   could show at 80% power and 5% two-sided significance (:mod:`stats.power`, Poisson counts
   with an over-dispersion factor), and whether the goal's change exceeds it -- or, without
   counts, what data would be needed.
4. **Inequality** (:class:`Gradient`): the slope and relative indices of inequality across
   deciles (or quintiles) of the area's wards by IMD 2025, by the OHID/PHE method
   (:func:`stats.inequality.slope_index`), the fitted line for the chart, and the gap between
   the cohort and the rest.
5. **Maps**: the bivariate deprivation x outcome map (:mod:`layers.bivariate`) and the map of
   how the cohort readings overlap, as map payloads (given the area's geometry).

Pure: no streamlit, no files. The app caches it on ids for published layers and computes it
uncached for uploads (:mod:`ui.views`); the command line (:mod:`report.cli_goals`), the
benchmark and the tests call it directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo.areas import PEOPLE_BASED, Area, area_mask, counted, group_values
from geo.precision import Z95, Components
from geo.targeting import Coverage, coverage
from layers.bivariate import Bivariate, bivariate, bivariate_payload
from layers.goals import DEFAULT_GROUPS, DEFAULT_OVERDISPERSION, Goal, MeasureModel, measure_model
from layers.indicator import Indicator
from layers.mapview import AreaGeometry, MapPayload, layer_payload
from layers.source import LayerSource, value_text
from layers.style import NO_DATA_COLOUR, NO_DATA_LABEL, Legend, LegendEntry
from layers.targets import TARGETINGS, Targeting
from layers.view import Catalogue, select_targets
from stats.goal import minimum_detectable_difference, straight_line, target_value, years_between
from stats.inequality import (DEFAULT_REPETITIONS, MAX_GROUPS, MIN_GROUPS, disadvantage_gap, fitted_line,
                              slope_index)
from stats.intervals import poisson_interval, proportion_interval, rate_interval, standardised_ratio_interval
from stats.power import (DEFAULT_ALPHA, DEFAULT_POWER, is_detectable, is_detectable_proportion,
                         minimum_detectable_change, minimum_detectable_change_proportion)

#: The layer the cohorts and deprivation groups are read from, and the edition they are frozen on.
IMD = "imd_score_2025"
#: Seed of the SII's Monte Carlo simulation: the same view gives the same limits.
SEED = 2025

_SHARE_KEYS = {0.1: "10%", 0.2: "20%"}
_ENGLAND = {0.1: "england10", 0.2: "england20"}
_ICB = {0.1: "imd10", 0.2: "imd20"}


def _place_reading(share: float) -> Targeting:
    words = _SHARE_KEYS[share]
    return Targeting(
        id=f"place{round(share * 100)}",
        label=f"Within-place reading: most disadvantaged {words} of the place's wards (IMD 2025)",
        short=f"Within-place: most disadvantaged {words} of the place's wards",
        description=f"The {words} of the place's wards with the highest IMD 2025 average score, ranked among "
                    "themselves (not within the ICB): a separate reading, not the ICB goal's cohort.",
        indicator=IMD, rule="worst share", parameter=share, scope="area")


#: The within-place readings by share (for a place, beside the ICB-wide cohort).
PLACE_READINGS: dict[float, Targeting] = {s: _place_reading(s) for s in _SHARE_KEYS}


# --- records ---------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Reading:
    """One reading of "the most disadvantaged wards": its definition, the area's wards it picks
    (bool by ward_code) and the residents they hold; ``goal``: the goal's own cohort."""

    targeting: Targeting
    wards: pd.Series
    coverage: Coverage
    goal: bool

    @property
    def id(self) -> str:
        return self.targeting.id

    @property
    def label(self) -> str:
        return self.targeting.short

    @property
    def codes(self) -> list[str]:
        return list(self.wards.index[self.wards])


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


@dataclass(frozen=True)
class Impact:
    """What the goal's change means in people: ``change`` (signed, e.g. -7,140 admissions), a
    year's worth when ``per_year``; ``approximate`` when the counts are estimated; ``text``."""

    change: float
    per_year: bool
    approximate: bool
    text: str


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


@dataclass(frozen=True, eq=False)
class Gradient:
    """The SII and RII across deprivation groups (``phe_sii`` conventions: SII = fitted value at the
    least deprived end minus the most deprived end; RII = their ratio), with 95% limits (NaN
    where none), ``gap`` = the most deprived end's disadvantage (positive: worse off), the groups
    (most deprived first: ``group, label, wards, population, value, lower, upper, x``), the
    fitted ``line`` (``x, value``) and the unit the SII is in."""

    k: int
    groups: pd.DataFrame
    line: pd.DataFrame
    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float
    gap: float
    unit: str
    text: str
    note: str


@dataclass(frozen=True, eq=False)
class GoalView:
    """Everything shown of one goal over one area (see :func:`goal_view`). Read-only."""

    goal: Goal
    area: Area
    codes: pd.Index
    source: LayerSource
    model: MeasureModel
    change: float
    readings: tuple[Reading, ...]
    overlap: pd.DataFrame
    reading_table: pd.DataFrame
    overlap_summary: pd.DataFrame
    imd_edition: str
    baseline: Estimate
    rest: Estimate
    england: Estimate
    target: float
    trajectory: pd.DataFrame
    impact: Impact
    detectability: Detectability
    gradient: Gradient | None
    cohort_gap: str
    scale_note: str
    overdispersion: float
    within_place: bool
    notes: tuple[str, ...]
    sources: tuple[Indicator, ...]
    bivariate: Bivariate
    bivariate_map: MapPayload | None
    overlap_map: MapPayload | None

    @property
    def record(self) -> Indicator:
        return self.source.record

    @property
    def cohort(self) -> Reading:
        """The reading the figures are for: the goal's cohort, or for a place the within-place
        reading when asked (``within_place``)."""
        return self.readings[-1] if self.within_place else self.readings[0]

    @property
    def period(self) -> str:
        return self.record.period

    def fmt(self, value: float) -> str:
        """A value of the measure as the app prints it (``no data`` for NaN)."""
        return self.record.format_value(value)


# --- the measure over groups of wards ------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class _Measure:
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


def _measure(source: LayerSource, register: pd.DataFrame, components: Components | None) -> _Measure:
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
    return _Measure(source, model, register, values, weights, denominators.astype(float), usable.astype(bool),
                    components)


def _table(m: _Measure, groups: pd.Series) -> pd.DataFrame:
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


def _no_interval(m: _Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    return frame.assign(lower=np.nan, upper=np.nan, method="", events=np.nan, se=np.nan)


def _proportion(m: _Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    scale = m.model.scale
    events = (frame["value"] / scale * frame["denominator"]).clip(lower=0)
    events = np.minimum(events, frame["denominator"])
    ci = proportion_interval(events.to_numpy(), frame["denominator"].to_numpy(), multiplier=scale)
    return frame.assign(lower=ci.lower, upper=ci.upper, method=ci.method, events=events.to_numpy(), se=np.nan)


def _ratio(m: _Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    expected = frame["denominator"] * m.model.rate.per_person
    events = frame["value"] / 100.0 * expected
    ci = standardised_ratio_interval(events.to_numpy(), expected.to_numpy(), multiplier=100.0)
    return frame.assign(lower=ci.lower, upper=ci.upper, method=ci.method, events=events.to_numpy(), se=np.nan)


def _count(m: _Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    ci = poisson_interval(frame["value"].clip(lower=0).to_numpy())
    return frame.assign(lower=ci.lower, upper=ci.upper, method=ci.method, events=frame["value"].to_numpy(),
                        se=np.nan)


def _life_expectancy(m: _Measure, frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    if m.components is None:
        return _no_interval(m, frame, groups)
    se = m.components.groups_se(m.weights.where(m.eligible), groups).reindex(frame.index)
    return frame.assign(lower=frame["value"] - Z95 * se, upper=frame["value"] + Z95 * se,
                        method=np.where(se.notna(), "Normal", ""), events=np.nan, se=se)


#: How each kind of measure gets its intervals (see :mod:`layers.goals`).
_INTERVALS: dict[str, Callable[[_Measure, pd.DataFrame, pd.Series], pd.DataFrame]] = {
    "proportion": _proportion, "ratio": _ratio, "count": _count, "life expectancy": _life_expectancy,
    "value": _no_interval, "score": _no_interval,
}


def _estimate(row: pd.Series | None) -> Estimate:
    if row is None:
        return Estimate(math.nan, math.nan, math.nan, "", math.nan, math.nan, 0)
    return Estimate(float(row["value"]), float(row["lower"]), float(row["upper"]), str(row["method"]),
                    float(row["events"]), float(row["denominator"]), int(row["n_wards"]), float(row["se"]))


# --- cohorts ---------------------------------------------------------------------------------------

def _share(goal: Goal) -> float:
    return min(_SHARE_KEYS, key=lambda s: abs(s - goal.share))


def reading_definitions(goal: Goal, area: Area) -> list[Targeting]:
    """The goal's cohort first, then the other readings: the within-ICB share, England's most
    deprived decile or quintile (the goal's share), Core20, and for a place the within-place ranking."""
    share = _share(goal)
    ids = dict.fromkeys([goal.cohort, _ICB[share], _ENGLAND[share], "core20"])
    definitions = [TARGETINGS[i] for i in ids]
    if area.lad is not None:
        definitions.append(PLACE_READINGS[share])
    return definitions


def _readings(catalogue: Catalogue, register: pd.DataFrame, goal: Goal, area: Area, codes: pd.Index,
              shown: str) -> tuple[Reading, ...]:
    rows = register.loc[codes]
    best_fit = counted(rows)
    out = []
    for i, definition in enumerate(reading_definitions(goal, area)):
        chosen = select_targets(catalogue, register, definition, shown, codes)
        out.append(Reading(definition, chosen, coverage(chosen, rows["population"], best_fit), goal=i == 0))
    return tuple(out)


OVERLAP_COLOURS = {"all": "#253494", "some": "#41b6c4", "one": "#c7e9b4", "none": "#f7f7f7"}


def _overlap(readings: tuple[Reading, ...], register: pd.DataFrame, imd: pd.Series,
             codes: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Ward-by-reading membership table (wards in any reading), one row per reading, one row per
    overlap (in all, in some, in one), and each area ward's overlap category ("all", "some", "one", "none")."""
    member = pd.DataFrame({r.id: r.wards.reindex(codes, fill_value=False) for r in readings})
    n = member.sum(axis=1)
    k = len(readings)
    category = pd.Series(np.select([n == k, n > 1, n == 1], ["all", "some", "one"], "none"), index=codes)
    rows = register.loc[codes]
    table = pd.DataFrame({
        "Ward": rows["ward_name"].astype(str), "Local authority": rows["lad_name"].astype(str),
        "Residents": rows["population"].astype(int), "IMD 2025 score": imd.reindex(codes).round(1),
        **{r.label: member[r.id] for r in readings},
        "Readings": n.astype(int), "Ward code": codes,
    }, index=codes)
    table = table[n > 0].sort_values(["Readings", "IMD 2025 score"], ascending=[False, False])
    best_fit = counted(rows)
    population = rows["population"].where(best_fit, 0)
    area_pop = float(population.sum())
    summary = []
    for r in readings:
        alone = r.wards.reindex(codes, fill_value=False) & (n == 1)
        summary.append({"Reading": r.label, "Wards": r.coverage.wards, "Residents": r.coverage.population,
                        "Share of area": r.coverage.share, "Only in this reading": int(alone.sum()),
                        "Goal's cohort": r.goal})
    some = "In 2 of 3 readings" if k == 3 else f"In some (2 to {k - 1}) readings"
    groups = {"all": f"In all {k} readings", "some": some, "one": "In one reading only"}
    overlaps = []
    for key, label in groups.items():
        if key == "some" and k < 3:
            continue
        mask = category == key
        overlaps.append({"Wards picked by": label, "Wards": int(mask.sum()), "Residents": int(population[mask].sum()),
                         "Share of area": float(population[mask].sum()) / area_pop if area_pop else math.nan})
    return table.reset_index(drop=True), pd.DataFrame(summary), pd.DataFrame(overlaps), category


# --- deprivation gradient ---------------------------------------------------------------------------

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


def _gradient(m: _Measure, codes: pd.Index, imd: pd.Series, k: int, repetitions: int) -> Gradient | None:
    record, model = m.record, m.model
    name = _GROUP_NAMES.get(k, "group")
    try:
        groups = deprivation_groups(imd.reindex(codes), k)
    except ValueError:
        return None
    table = _table(m, groups)
    table = table.reindex(range(1, k + 1))
    scale = model.scale if model.kind == "proportion" else 1.0
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
    missing = groups_frame["value"].isna() | ~(groups_frame["population"] > 0)
    method = (f"Wards of the area in {k} {name}s of IMD 2025 average score (equal numbers of wards, most deprived "
              f"first); population-weighted regression of the {name}s' values on the midpoint of their cumulative "
              "population share (OHID/PHE phe_sii)")
    if missing.any() or not MIN_GROUPS <= k <= MAX_GROUPS:
        return Gradient(k, groups_frame.assign(x=np.nan), pd.DataFrame(columns=["x", "value"]), *([math.nan] * 7),
                        unit, f"No SII: {int(missing.sum())} of the {k} {name}s have no value for this measure.",
                        method + ".")
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
    text = (f"Across the {name}s, the fitted line puts the {worse} end {abs(gap):,.3g} {unit} worse off than the other "
            f"end (SII {sii:,.3g}")
    text += f", 95% CI {sii_lo:,.3g} to {sii_hi:,.3g})" if not math.isnan(sii_lo) else ")"
    if not math.isnan(rii):
        text += f"; RII {rii:.3g}" + (f" ({rii_lo:.3g} to {rii_hi:.3g})" if not math.isnan(rii_lo) else "")
    text += "."
    return Gradient(k, groups_frame, fitted, sii, sii_lo, sii_hi, rii, rii_lo, rii_hi, gap, unit, text,
                    f"{method}; {interval}. SII = fitted value at the least deprived end minus the most deprived end "
                    "(PHE convention); RII = their ratio.")


def difference_unit(record: Indicator, model: MeasureModel) -> str:
    """The unit of a difference between two values: percentage points for a percentage, else the
    record's unit without its note in brackets ("age/sex-standardised ratio")."""
    if model.kind == "proportion" and model.scale == 100:
        return "percentage points"
    return record.unit.split(" (")[0]


# --- impact and detectability --------------------------------------------------------------------------

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


def _people_now(m: _Measure, baseline: Estimate) -> float:
    """The people (or events) the cohort's value stands for: its counts, or a share of its denominator
    when the model names who they are; NaN when the measure is not about a number of people."""
    model = m.model
    if model.kind in ("ratio", "count"):
        return baseline.events
    if model.people and baseline.denominator > 0:
        return baseline.value / model.scale * baseline.denominator
    return math.nan


def _impact_in_people(m: _Measure, change: float, baseline: Estimate, target: float) -> Impact:
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


def _impact_in_years(m: _Measure, change: float, baseline: Estimate, target: float) -> Impact:
    return Impact(math.nan, False, False,
                  f"{m.record.title.split(' (')[0]} {'up' if change > 0 else 'down'} by "
                  f"{abs(target - baseline.value):.1f} {m.record.unit} for the {baseline.denominator:,.0f} residents "
                  "of the cohort's wards with a value: a change in years of life, not a number of people.")


#: What the change means, by kind of measure: people (counts, shares of people) or years.
_IMPACTS: dict[str, Callable[[_Measure, float, Estimate, float], Impact]] = {
    "proportion": _impact_in_people, "ratio": _impact_in_people, "count": _impact_in_people,
    "value": _impact_in_people, "score": _impact_in_people, "life expectancy": _impact_in_years,
}


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


def _test_counts(m: _Measure, change: float, baseline: Estimate, target: float, phi: float,
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


def _test_proportion(m: _Measure, change: float, baseline: Estimate, target: float, phi: float,
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


def _test_standard_errors(m: _Measure, change: float, baseline: Estimate, target: float, phi: float,
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


def _test_none(m: _Measure, change: float, baseline: Estimate, target: float, phi: float,
               followup: float) -> _Test | str:
    return _NOT_KNOWN


#: The detectability test by kind of measure: Poisson counts, two proportions, two normal estimates,
#: or none (a reason instead of a test).
_TESTS: dict[str, Callable[[_Measure, float, Estimate, float, float, float], _Test | str]] = {
    "ratio": _test_counts, "count": _test_counts, "proportion": _test_proportion,
    "life expectancy": _test_standard_errors, "value": _test_none, "score": _test_none,
}


def _detectability(m: _Measure, goal: Goal, change: float, baseline: Estimate, target: float,
                   overdispersion: float) -> Detectability:
    model = m.model
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


# --- the view ---------------------------------------------------------------------------------------

def _overlap_payload(geometry: AreaGeometry, rows: pd.DataFrame, imd_record: Indicator, readings: tuple[Reading, ...],
                     category: pd.Series, cohort: Reading) -> MapPayload:
    k = len(readings)
    labels = {"all": f"In all {k} readings", "some": "In 2 of 3 readings" if k == 3 else "In some readings", "one": "In one reading only",
              "none": "In none"}
    member = pd.DataFrame({r.id: r.wards.reindex(category.index, fill_value=False) for r in readings})
    counts = category.value_counts()
    entries = tuple(LegendEntry(OVERLAP_COLOURS[c], labels[c], int(counts.get(c, 0)))
                    for c in ("none", "one", "some", "all") if c != "some" or k >= 3)
    legend = Legend(title="Cohort readings", unit="readings", scheme="how many readings pick the ward",
                    entries=entries, no_data=LegendEntry(NO_DATA_COLOUR, NO_DATA_LABEL, 0))
    n = member.sum(axis=1)
    text = pd.Series([f"{int(i)} of {k}" for i in n], index=category.index)
    ticks = member.to_numpy()
    names = [f"✓ {r.label}" for r in readings]
    notes = pd.Series(["\n".join(name for name, hit in zip(names, row) if hit) for row in ticks],
                      index=category.index)
    record = replace(imd_record, unit="readings")
    return layer_payload(geometry, rows, record, text, category.map(OVERLAP_COLOURS), legend, cohort.wards,
                         cohort.label, notes=notes)


def goal_view(catalogue: Catalogue, register: pd.DataFrame, area: Area, goal: Goal, measure: str | None = None, *,
              groups: int = DEFAULT_GROUPS, overdispersion: float = DEFAULT_OVERDISPERSION,
              components: Mapping[str, Components] | None = None, geometry: AreaGeometry | None = None,
              repetitions: int = DEFAULT_REPETITIONS, within_place: bool = False) -> GoalView:
    """Everything shown of ``goal`` over ``area``, modelled with the layer ``measure``.

    ``catalogue``: every layer by id (published and uploaded); ``register``: the ward register
    indexed by ward_code (``ward_name``, ``lad_name``, ``icb_code``, ``lad_code``, ``population``,
    ``method_flag``); ``measure``: a catalogue id (default: the goal's first measure);
    ``groups``: deprivation groups for the SII (10 deciles or 5 quintiles); ``overdispersion``:
    the variance factor for the detectability test; ``components``: standard-error components
    by layer id (life expectancy, :mod:`geo.precision`); ``geometry``: the area's encoded
    shapes, for the two map payloads; ``within_place``: for a place, model the within-place
    reading (the place's own most disadvantaged wards) instead of the ICB-wide cohort -- a
    separate, labelled option. Raises ``ValueError`` for an unknown measure, or ``within_place``
    for an area that is not a place.
    """
    measure = measure or goal.measures[0]
    if measure not in catalogue:
        raise ValueError(f"measure {measure!r} is not a layer; choose one of {sorted(catalogue)}")
    if not overdispersion > 0:
        raise ValueError(f"the over-dispersion factor must be > 0; got {overdispersion}")
    source = catalogue[measure]
    record = source.record
    m = _measure(source, register, (components or {}).get(measure))
    model = m.model
    change = goal.change(record)
    codes = register.index[area_mask(register, area)]
    imd_source = catalogue[IMD]
    imd = imd_source.values(codes)

    if within_place and area.lad is None:
        raise ValueError("the within-place reading needs a place (a local authority within an ICB)")
    readings = _readings(catalogue, register, goal, area, codes, measure)
    cohort = readings[-1] if within_place else readings[0]
    overlap, reading_table, overlap_summary, category = _overlap(readings, register, imd, codes)

    in_area = pd.Series(False, index=register.index)
    in_area[codes] = True
    in_cohort = cohort.wards.reindex(register.index, fill_value=False)
    split = pd.Series(np.nan, index=register.index, dtype=object)
    split[in_area & in_cohort] = "cohort"
    split[in_area & ~in_cohort] = "rest"
    parts = _table(m, split)
    england = _table(m, pd.Series("england", index=register.index))
    baseline = _estimate(parts.loc["cohort"] if "cohort" in parts.index else None)
    rest = _estimate(parts.loc["rest"] if "rest" in parts.index else None)
    national = _estimate(england.loc["england"] if "england" in england.index else None)

    target = target_value(baseline.value, change) if model.relative_target else math.nan
    line = straight_line(goal.start, goal.deadline, baseline.value, target) if model.relative_target else []
    trajectory = pd.DataFrame({"date": [d for d, _ in line], "value": [v for _, v in line]})
    impact = (_IMPACTS[model.kind](m, change, baseline, target) if model.relative_target else
              Impact(math.nan, False, False, "A score centred on 0 has no relative target, so no change in people."))
    detect = (_detectability(m, goal, change, baseline, target, overdispersion) if model.relative_target else
              Detectability(math.nan, math.nan, None, "", "No relative target for a score, so no test.", model.needs))
    gradient = _gradient(m, codes, imd, groups, repetitions)

    gap = baseline.value - rest.value
    worse = (gap > 0) == record.higher_is_worse
    cohort_gap = (f"The cohort's {record.format_value(baseline.value)} against {record.format_value(rest.value)} in the "
                  f"rest of the area: {abs(gap):,.3g} {difference_unit(record, model)} {'worse' if worse else 'better'}"
                  + (f" (ratio {baseline.value / rest.value:.2f})" if rest.value and model.kind != "score" else "")
                  + "." if not (math.isnan(gap)) else "No value for the cohort or the rest of the area.")

    if gradient is not None and not (math.isnan(gradient.gap) or math.isnan(target)) and gradient.gap:
        step = abs(target - baseline.value)
        unit = difference_unit(record, model)
        comparison = (f"larger than the whole gap across the area's deprivation gradient ({abs(gradient.gap):,.3g} "
                      f"{unit}, the SII, between the most and the least deprived ends of the fitted line)"
                      if step > abs(gradient.gap) else
                      f"{step / abs(gradient.gap):.0%} of the gap across the area's deprivation gradient "
                      f"({abs(gradient.gap):,.3g} {unit}, the SII)")
        scale_note = f"Scale of the goal: its change of {step:,.3g} {unit} is {comparison}."
    else:
        scale_note = ""
    imd_record = imd_source.record
    edition = (f"IMD 2025 ({imd_record.source.dataset}, {imd_record.period}); the cohort is frozen on it: keep this "
               "list of wards to measure the goal, even when a new IMD is published")
    notes = _notes(goal, area, record, model, change, readings, imd_record, groups, overdispersion, source)
    if scale_note:
        notes = (*notes[:2], scale_note, *notes[2:])
    if within_place:
        notes = (f"Modelled on the within-place reading ({cohort.label}), not on the ICB goal's cohort.", *notes)

    rows = register.loc[codes]
    classes = bivariate(imd, source.values(codes), record)
    bivariate_map = overlap_map = None
    if geometry is not None:
        bivariate_map = bivariate_payload(geometry, rows, record, value_text(source, codes), imd, classes,
                                          cohort.wards, cohort.label)
        overlap_map = _overlap_payload(geometry, rows, imd_record, readings, category, cohort)
    sources = tuple(dict.fromkeys([record, imd_record, catalogue["core20_share_2025"].record]))
    return GoalView(goal=goal, area=area, codes=codes, source=source, model=model, change=change, readings=readings,
                    overlap=overlap, reading_table=reading_table, overlap_summary=overlap_summary, imd_edition=edition, baseline=baseline,
                    rest=rest, england=national, target=target, trajectory=trajectory, impact=impact,
                    detectability=detect, gradient=gradient, cohort_gap=cohort_gap, scale_note=scale_note,
                    overdispersion=overdispersion,
                    within_place=within_place,
                    notes=notes, sources=sources, bivariate=classes, bivariate_map=bivariate_map,
                    overlap_map=overlap_map)


def _notes(goal: Goal, area: Area, record: Indicator, model: MeasureModel, change: float,
           readings: tuple[Reading, ...], imd_record: Indicator, groups: int, overdispersion: float,
           source: LayerSource) -> tuple[str, ...]:
    notes = []
    if goal.gap_note:
        notes.append(f"The measure the goal names: {goal.named_measure}. {goal.gap_note}")
    notes.append(f"{record.title} ({record.variant}), {record.period}: {record.caveat}")
    if not goal.improves(record):
        notes.append(f"This goal moves {record.title} in its worse direction ({'up' if change > 0 else 'down'}, "
                     f"where {'higher' if record.higher_is_worse else 'lower'} is worse).")
    if not model.relative_target:
        notes.append("A score centred on 0 (England's average) has no relative target: 10% of a negative score has no "
                     "meaning. Use it to rank wards, or choose a rate, share or count.")
    notes.append(f"Confidence intervals: {model.interval}")
    if model.rate is not None:
        notes.append(f"Approximate counts: {model.people} = ratio / 100 × Census 2021 residents × England's crude rate, "
                     f"from {model.rate.text}. This assumes the cohort's age and sex mix is England's (deprived wards "
                     "are often younger, which would make the true number lower) and the rate of "
                     f"{model.rate.period} (admissions have risen since, which would make it higher). Confirm with "
                     "local counts before quoting a number.")
    notes.append(f"Trajectory: a straight line from the baseline ({record.period}), taken as the value at the start "
                 f"({goal.start:%B %Y}), to the target by {goal.deadline:%B %Y}; it is a path to check progress "
                 "against, not a forecast.")
    notes.append("Detectability assumes independent baseline and follow-up periods, no underlying trend (a change "
                 "that would have happened anyway is counted as the goal's), the same population, and a normal "
                 "approximation; the over-dispersion factor (default 2) allows for more variation than Poisson "
                 f"(set to {overdispersion:g}).")
    cohort = readings[0]
    notes.append(f"Cohort: {cohort.targeting.describe(record)} Frozen on IMD 2025 ({imd_record.source.dataset}).")
    n_wards = len(cohort.wards)
    if n_wards and cohort.coverage.area_population:
        notes.append(f"A share of wards is not a share of people: the cohort is {cohort.coverage.wards} of the area's "
                     f"{n_wards} wards ({cohort.coverage.wards / n_wards:.0%}) and {cohort.coverage.share:.0%} of its "
                     "residents (Census 2021), because wards differ in size.")
    if area.lad is not None:
        notes.append("For a place, the goal's cohort stays the ICB-wide cohort (its wards in this place); the "
                     "within-place ranking is a separate reading, not the goal's cohort.")
    if source.comparator_scope:
        notes.append(f"England's value is of the wards {source.comparator_scope}.")
    return tuple(notes)
