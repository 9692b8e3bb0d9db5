"""One goal, one area: everything the Goals tab, the command line and a board pack show, from one pure function.

:func:`goal_view` takes the catalogue of layers (published and uploaded, as :mod:`layers.view`),
the ward register, an area, a :class:`~layers.goals.Goal` and the measure to model it with,
and returns a :class:`GoalView`:

1. **The cohort, frozen and explained** (:class:`~layers.goal_cohorts.Reading`): the goal's cohort
   (the most disadvantaged X% of the ICB's wards by IMD 2025; for a place, the ICB cohort's wards
   in the place), beside the other readings of "most disadvantaged" -- wards in England's most
   deprived decile or quintile, Core20 wards, and for a place the within-place ranking, labelled
   as such -- each with its wards, residents and share of the area, and how they overlap
   (:mod:`layers.goal_cohorts`).
2. **Baseline, target, trajectory**: the cohort's value, the rest of the area's and England's
   (:class:`~layers.goal_estimates.Estimate`, with 95% intervals where counts or standard errors
   allow; which measures get which method is declared in :mod:`layers.goal_measures`), the target, a
   straight line to it by the deadline, and what the change means in people
   (:mod:`layers.goal_impact`).
3. **Is it detectable?** (:mod:`layers.goal_detectability`): the smallest change the cohort's
   numbers could show at 80% power and 5% two-sided significance (:mod:`stats.power`, Poisson
   counts with an over-dispersion factor), and whether the goal's change exceeds it -- or,
   without counts, what data would be needed.
   **Is it plausible?** (:mod:`layers.goal_plausibility`): where the target lies against the rest
   of the area and England, and the change a year it needs against a published past rate.
4. **Inequality** (:mod:`layers.goal_gradient`): the slope and relative indices of inequality
   across deciles (or quintiles) of the area's wards by IMD 2025, by the OHID/PHE method
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
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.areas import Area, area_mask
from geo.precision import Components
from layers.bivariate import Bivariate, bivariate, bivariate_payload
from layers.goal_cohorts import IMD, Reading, cohort_readings, overlap_payload, overlap_tables
from layers.goal_detectability import Detectability, goal_detectability
from layers.goal_estimates import Estimate, Measure, amount, difference_unit, estimate, group_table, measure_values
from layers.goal_gradient import Gradient, deprivation_gradient
from layers.goal_impact import Impact, goal_impact
from layers.goal_plausibility import Plausibility, goal_plausibility
from layers.goal_measures import MeasureModel
from layers.goals import DEFAULT_GROUPS, DEFAULT_OVERDISPERSION, Goal
from layers.indicator import Indicator
from layers.mappayload import AreaGeometry, MapPayload
from layers.source import LayerSource, value_text
from layers.view import Catalogue
from stats.goal import straight_line, target_value
from stats.inequality import DEFAULT_REPETITIONS

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
    plausibility: Plausibility
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


# --- the view ---------------------------------------------------------------------------------------

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
    measure = _checked_measure(catalogue, goal, measure, overdispersion, area, within_place)
    source = catalogue[measure]
    record = source.record
    m = measure_values(source, register, (components or {}).get(measure))
    model = m.model
    change = goal.change(record)
    codes = register.index[area_mask(register, area)]
    imd_source = catalogue[IMD]
    imd = imd_source.values(codes)

    readings = cohort_readings(catalogue, register, goal, area, codes, measure)
    cohort = readings[-1] if within_place else readings[0]
    overlap, reading_table, overlap_summary, category = overlap_tables(readings, register, imd, codes)

    baseline, rest, national = _estimates(m, register, codes, cohort)
    target = target_value(baseline.value, change) if model.relative_target else math.nan
    trajectory = _trajectory(goal, model, baseline, target)
    impact = goal_impact(m, change, baseline, target)
    detect = goal_detectability(m, goal, change, baseline, target, overdispersion)
    plausible = goal_plausibility(goal, measure, record, model, baseline, rest, national, target)
    gradient = deprivation_gradient(m, codes, imd, groups, repetitions)
    scale_note = _scale_note(record, model, gradient, baseline, target)
    imd_record = imd_source.record
    notes = _notes(goal, area, record, model, change, readings, imd_record, groups, overdispersion, source,
                   scale_note, cohort if within_place else None)

    rows = register.loc[codes]
    classes = bivariate(imd, source.values(codes), record)
    bivariate_map = overlap_map = None
    if geometry is not None:
        bivariate_map = bivariate_payload(geometry, rows, record, value_text(source, codes), imd, classes,
                                          cohort.wards, cohort.label)
        overlap_map = overlap_payload(geometry, rows, imd_record, readings, category, cohort)
    sources = tuple(dict.fromkeys([record, imd_record, catalogue["core20_share_2025"].record]))
    return GoalView(goal=goal, area=area, codes=codes, source=source, model=model, change=change, readings=readings,
                    overlap=overlap, reading_table=reading_table, overlap_summary=overlap_summary,
                    imd_edition=_imd_edition(imd_record),
                    baseline=baseline, rest=rest, england=national, target=target, trajectory=trajectory, impact=impact,
                    detectability=detect, plausibility=plausible, gradient=gradient,
                    cohort_gap=_cohort_gap(record, model, baseline, rest),
                    scale_note=scale_note, overdispersion=overdispersion, within_place=within_place, notes=notes,
                    sources=sources, bivariate=classes, bivariate_map=bivariate_map, overlap_map=overlap_map)


def _checked_measure(catalogue: Catalogue, goal: Goal, measure: str | None, overdispersion: float, area: Area,
                     within_place: bool) -> str:
    """The id of the layer to model the goal with (default: the goal's first measure); raises
    ``ValueError`` for an unknown layer, an over-dispersion factor that is not positive, or the
    within-place reading asked of an area that is not a place."""
    measure = measure or goal.measures[0]
    if measure not in catalogue:
        raise ValueError(f"measure {measure!r} is not a layer; choose one of {sorted(catalogue)}")
    if not overdispersion > 0:
        raise ValueError(f"the over-dispersion factor must be > 0; got {overdispersion}")
    if within_place and area.lad is None:
        raise ValueError("the within-place reading needs a place (a local authority within an ICB)")
    return measure


def _imd_edition(imd: Indicator) -> str:
    """The IMD edition the cohort is ranked on, and that the cohort stays frozen on it."""
    return (f"IMD 2025 ({imd.source.dataset}, {imd.period}); the cohort is frozen on it: keep this "
            "list of wards to measure the goal, even when a new IMD is published")


def _estimates(m: Measure, register: pd.DataFrame, codes: pd.Index, cohort: Reading) -> tuple[Estimate, Estimate,
                                                                                                 Estimate]:
    """The measure over the cohort, the rest of the area (``codes``) and England."""
    in_area = pd.Series(False, index=register.index)
    in_area[codes] = True
    in_cohort = cohort.wards.reindex(register.index, fill_value=False)
    split = pd.Series(np.nan, index=register.index, dtype=object)
    split[in_area & in_cohort] = "cohort"
    split[in_area & ~in_cohort] = "rest"
    parts = group_table(m, split)
    england = group_table(m, pd.Series("england", index=register.index))
    baseline = estimate(parts.loc["cohort"] if "cohort" in parts.index else None)
    rest = estimate(parts.loc["rest"] if "rest" in parts.index else None)
    national = estimate(england.loc["england"] if "england" in england.index else None)
    return baseline, rest, national


def _trajectory(goal: Goal, model: MeasureModel, baseline: Estimate, target: float) -> pd.DataFrame:
    """A straight line (``date``, ``value``) from the baseline at the start to the target by the
    deadline; empty for a measure with no relative target."""
    line = straight_line(goal.start, goal.deadline, baseline.value, target) if model.relative_target else []
    return pd.DataFrame({"date": [d for d, _ in line], "value": [v for _, v in line]})


def _cohort_gap(record: Indicator, model: MeasureModel, baseline: Estimate, rest: Estimate) -> str:
    """The cohort against the rest of the area, in words."""
    gap = baseline.value - rest.value
    worse = (gap > 0) == record.higher_is_worse
    return (f"The cohort's {record.format_value(baseline.value)} against {record.format_value(rest.value)} in the "
            f"rest of the area: {amount(f'{abs(gap):,.3g}', difference_unit(record, model))} {'worse' if worse else 'better'}"
            + (f" (ratio {baseline.value / rest.value:.2f})" if rest.value and model.kind != "score" else "")
            + "." if not (math.isnan(gap)) else "No value for the cohort or the rest of the area.")


def _scale_note(record: Indicator, model: MeasureModel, gradient: Gradient | None, baseline: Estimate,
                target: float) -> str:
    """The goal's change beside the whole gap across the area's deprivation gradient ("" without one)."""
    if gradient is not None and not (math.isnan(gradient.gap) or math.isnan(target)) and gradient.gap:
        step = abs(target - baseline.value)
        unit = difference_unit(record, model)
        comparison = (f"larger than the whole gap across the area's deprivation gradient ({abs(gradient.gap):,.3g} "
                      f"{unit}, the SII, between the most and the least deprived ends of the fitted line)"
                      if step > abs(gradient.gap) else
                      f"{step / abs(gradient.gap):.0%} of the gap across the area's deprivation gradient "
                      f"({abs(gradient.gap):,.3g} {unit}, the SII)")
        return f"Scale of the goal: its change of {amount(f'{step:,.3g}', unit)} is {comparison}."
    return ""


def _notes(goal: Goal, area: Area, record: Indicator, model: MeasureModel, change: float,
           readings: tuple[Reading, ...], imd_record: Indicator, groups: int, overdispersion: float,
           source: LayerSource, scale_note: str, within_place: Reading | None) -> tuple[str, ...]:
    """The notes under the goal: ``scale_note`` third when there is one; first, when the view models
    the ``within_place`` reading, a line saying so."""
    notes = []
    if goal.gap_note:
        notes.append(f"The measure the goal names: {goal.named_measure}. {goal.gap_note}")
    notes.append(f"{record.full_title}, {record.period}: {record.caveat}")
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
    if scale_note:
        notes.insert(2, scale_note)
    if within_place is not None:
        notes.insert(0, f"Modelled on the within-place reading ({within_place.label}), not on the ICB goal's cohort.")
    return tuple(notes)
