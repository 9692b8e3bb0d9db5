"""``python -m report goals``: model the ICB goals for an area and print them (text or JSON).

    python -m report goals --area E54000048                 # the three goals, as text
    python -m report goals --area E54000048 --goal nea20 --json
    python -m report goals --area E06000009 --goal hle10 --measure le_female_2016_20 --groups 5

``--area`` takes an ICB code (E54…), a local authority code (the place within its ICB; the
goal's cohort stays the ICB-wide one) or ``england``. With ``--json`` each goal is printed
as one JSON object on its own line (JSON Lines), with at least the keys of :data:`KEYS`;
numbers are in the measure's units (``unit``) except ``min_detectable_change`` (the smallest
detectable relative change, a signed fraction: -0.022 = a 2.2% fall; in units:
``min_detectable_change_absolute``) and ``rii`` (a ratio); SII and RII follow ``phe_sii``
(least deprived end minus / over the most deprived end). A missing number is ``null``, and
``detectable`` is true, false or null (no counts to test with). A bad area, goal or measure
prints one line naming the valid choices and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from layers.goals import DEFAULT_OVERDISPERSION, GOALS, GROUP_CHOICES
from layers.goal_plausibility import Plausibility
from layers.goalview import GoalView, goal_view
from report import inputs
from report.cli_options import EXIT_USAGE, UsageError, area_key

NAME = "goals"
HELP = "model the ICB goals for an area: cohort, baseline, target, detectability, SII (text or --json)"

#: Keys every JSON object has (the issue's contract); more follow them.
KEYS = ("goal", "area_code", "cohort_definition", "cohort_wards", "cohort_population", "measure", "period",
        "baseline", "baseline_lower", "baseline_upper", "target", "rest_of_area", "england", "sii", "sii_lower",
        "sii_upper", "rii", "min_detectable_change", "detectable", "notes")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--area", required=True, metavar="CODE",
                        help="an ICB code (E54…), a local authority code within an ICB, or 'england'")
    parser.add_argument("--goal", metavar="ID", help=f"one goal ({', '.join(GOALS)}); default: all three")
    parser.add_argument("--measure", metavar="LAYER", help="the layer to model the goal with (default: the goal's "
                                                            "first open measure)")
    parser.add_argument("--groups", type=int, default=10, metavar="K",
                        help="deprivation groups for the SII: 10 (deciles of the area's wards, default) or 5")
    parser.add_argument("--overdispersion", type=float, default=DEFAULT_OVERDISPERSION, metavar="PHI",
                        help="variance factor for the detectability test (default 2; 1 = Poisson)")
    parser.add_argument("--within-place", action="store_true",
                        help="for a local authority: model its own most disadvantaged wards (ranked within the "
                             "place) instead of the ICB-wide cohort -- a separate reading, not the goal's cohort")
    parser.add_argument("--json", action="store_true", help="print one JSON object per goal (JSON Lines)")


def _number(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def summary(view: GoalView, area_code: str) -> dict[str, Any]:
    """The JSON object of one goal (keys :data:`KEYS` first); NaN becomes None."""
    row = {**_contract(view, area_code), **_detail(view)}
    return {k: _clean(v) for k, v in row.items()}


def _contract(view: GoalView, area_code: str) -> dict[str, Any]:
    """The keys of :data:`KEYS`, in that order."""
    cohort, base, grad, det = view.cohort, view.baseline, view.gradient, view.detectability
    return {
        "goal": view.goal.id,
        "area_code": area_code,
        "cohort_definition": cohort.targeting.describe(view.record),
        "cohort_wards": cohort.codes,
        "cohort_population": cohort.coverage.population,
        "measure": view.record.id,
        "period": view.period,
        "baseline": base.value,
        "baseline_lower": base.lower,
        "baseline_upper": base.upper,
        "target": view.target,
        "rest_of_area": view.rest.value,
        "england": view.england.value,
        "sii": grad.sii if grad else math.nan,
        "sii_lower": grad.sii_lower if grad else math.nan,
        "sii_upper": grad.sii_upper if grad else math.nan,
        "rii": grad.rii if grad else math.nan,
        "min_detectable_change": det.min_change,
        "detectable": det.detectable,
        "notes": list(view.notes),
    }


def _detail(view: GoalView) -> dict[str, Any]:
    """More detail, after the contract's keys."""
    cohort, base, grad, det = view.cohort, view.baseline, view.gradient, view.detectability
    return {
        "goal_title": view.goal.title,
        "named_measure": view.goal.named_measure,
        "area_name": view.area.name,
        "measure_title": view.record.full_title,
        "unit": view.record.unit,
        "change": view.change,
        "deadline": view.goal.deadline.isoformat(),
        "cohort_id": cohort.id,
        "cohort_is_goal_cohort": cohort.goal,
        "cohort_ward_count": cohort.coverage.wards,
        "cohort_share_of_area": cohort.coverage.share,
        "imd_edition": view.imd_edition,
        "interval_method": base.method,
        "min_detectable_change_absolute": det.min_change_absolute,
        "detectability_basis": det.basis,
        "detectability": det.text,
        "plausibility": _plausibility(view.plausibility),
        "data_needed": det.needs,
        "people_change": view.impact.change,
        "people_per_year": view.impact.per_year,
        "people_approximate": view.impact.approximate,
        "people": view.impact.text,
        "rii_lower": grad.rii_lower if grad else math.nan,
        "rii_upper": grad.rii_upper if grad else math.nan,
        "sii_unit": grad.unit if grad else "",
        "gradient": grad.text if grad else "",
        "sii_reading": grad.reading if grad else "",
        "goal_scale": view.scale_note,
        "deprivation_groups": grad.k if grad else None,
        "overdispersion": view.overdispersion,
        "trajectory": [{"date": d.isoformat(), "value": v} for d, v in zip(view.trajectory["date"],
                                                                            view.trajectory["value"])],
        "readings": [{"id": r.id, "label": r.targeting.label, "wards": r.coverage.wards,
                      "population": r.coverage.population, "share_of_area": r.coverage.share, "goal_cohort": r.goal}
                     for r in view.readings],
    }


def _plausibility(p: Plausibility) -> dict[str, Any]:
    """The plausibility reading and the published trends it was set beside."""
    return {"word": p.word, "headline": p.headline, "text": p.text,
            "passes": list(p.passes), "change_per_year": p.per_year,
            "times_fastest_reference": p.pace,
            "measured_not_named": p.measured,
            "references": [{"what": t.what, "start_period": t.start_period, "start": t.start,
                            "end_period": t.end_period, "end": t.end, "per_year": t.per_year,
                            "source": t.source, "url": t.url} for t in p.references]}


def _clean(value: Any) -> Any:
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return _number(value)


def text(view: GoalView) -> str:
    """A goal in a few plain lines (the output without ``--json``)."""
    cohort, base = view.cohort, view.baseline
    interval = f" (95% CI {view.fmt(base.lower)} to {view.fmt(base.upper)}, {base.method})" if base.has_interval else ""
    lines = [
        f"{view.goal.title} — {view.area.name}",
        f"  Measure: {view.record.full_title}, {view.period}; unit: {view.record.unit}",
        f"  Cohort: {cohort.label} — {cohort.coverage.wards} wards, {cohort.coverage.population:,} residents "
        f"({cohort.coverage.share:.1%} of the area)",
        f"  Baseline: {view.fmt(base.value)}{interval}; rest of area {view.fmt(view.rest.value)}; England "
        f"{view.fmt(view.england.value)}",
        f"  Target by {view.goal.deadline:%B %Y}: {view.fmt(view.target)} ({view.change:+.0%})",
        f"  In people: {view.impact.text}",
        f"  Plausible? {view.plausibility.text}",
        f"  Detectable? {view.detectability.text}",
        f"  Gradient: {view.gradient.text if view.gradient else 'not available'}"
        + (f" {view.gradient.reading}" if view.gradient and view.gradient.reading else ""),
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the goals for ``args.area``; 2 with a one-line message for a bad argument."""
    try:
        goals = [args.goal] if args.goal else list(GOALS)
        unknown = [g for g in goals if g not in GOALS]
        if unknown:
            raise UsageError(f"unknown goal {unknown[0]!r}: choose one of {', '.join(GOALS)}")
        if args.groups not in GROUP_CHOICES:
            raise UsageError(f"--groups must be one of {', '.join(map(str, GROUP_CHOICES))} (deciles or quintiles)")
        if not args.overdispersion > 0:
            raise UsageError("--overdispersion must be a number > 0 (1 = Poisson, default 2)")
        table = inputs.ward_table()
        key = area_key(args.area, table)
        catalogue = inputs.catalogue()
        if args.within_place and "/" not in key:
            raise UsageError("--within-place needs a local authority code as --area (a place within an ICB)")
        if args.measure is not None and args.measure not in catalogue:
            raise UsageError(f"unknown measure {args.measure!r}: choose a layer id, e.g. "
                             + ", ".join(dict.fromkeys(m for g in goals for m in GOALS[g].measures)))
    except UsageError as exc:
        print(f"python -m report goals: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    area = inputs.area_of(key)
    components = inputs.components()
    for goal_id in goals:
        view = goal_view(catalogue, table, area, GOALS[goal_id], args.measure, groups=args.groups,
                         overdispersion=args.overdispersion, components=components, within_place=args.within_place)
        if args.json:
            print(json.dumps(summary(view, args.area.strip()), ensure_ascii=False, allow_nan=False))
        else:
            print(text(view) + "\n")
    return 0
