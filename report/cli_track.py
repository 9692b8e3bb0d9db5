"""``python -m report track``: track a goal over time from a local time-series file (text or JSON).

    python -m report track --area E54000048 --goal nea20 --upload admissions.csv
    python -m report track --area E54000048 --goal nea20 --upload admissions.csv --json
    python -m report track --area E54000048 --goal nea20 --upload admissions.csv --rebase 2025-09 --chart t.png

The file is a long table -- area code (ward 2025, LSOA 2021 or 2011, MSOA 2011), period (month
2025-04, quarter 2025-Q2, financial year 2025/26 or date) and a count, optionally a denominator
-- read and checked exactly as the app reads an upload (:mod:`geo.upload.series`; it is read
from disk here because it is your own file on your own machine, and nothing is written but the
chart you ask for). ``--json`` prints one JSON object (:func:`report.track.tracking_summary`):
the SPC reading and the month its special cause starts, the baseline, target, the gap's
difference in differences with its 95% CI, and every group's rate by period. A bad option or an
unusable file prints one line saying what is wrong and how to fix it, and exits with status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd

from geo.upload import UploadError, read_reference, read_upload
from geo.upload.series import aggregate_series, inspect_series
from layers.goals import GOALS
from layers.trackchart import chart_text
from layers.tracking import Tracking, track_goal
from report import inputs
from report.cli_options import EXIT_USAGE, UsageError, area_key, parse_date, refuse, split_codes
from report.track import tracking_summary
from report.trackchart import render_tracking

NAME = "track"
HELP = "track a goal over time from a local time-series file: cohort against the rest, SPC reading (text or --json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--area", required=True, metavar="CODE", help="an ICB code (E54…) or a local authority code")
    parser.add_argument("--goal", required=True, metavar="ID", help=f"the goal ({', '.join(GOALS)})")
    parser.add_argument("--upload", required=True, metavar="FILE", type=Path, help="the time series (CSV or .xlsx)")
    parser.add_argument("--column", metavar="NAME", help="the count column (default: the first that looks like a count)")
    parser.add_argument("--denominator", metavar="NAME", help="a denominator column (default: Census 2021 residents)")
    parser.add_argument("--measure", metavar="WORDS", help="what the counts are, for titles (default: the column name)")
    parser.add_argument("--higher-is-better", action="store_true", help="higher values of the measure are better")
    parser.add_argument("--rebase", metavar="PERIOD,…", help="periods at which the SPC limits start again, e.g. 2025-09")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="the date periods are checked against (default: today)")
    parser.add_argument("--chart", metavar="FILE.png|FILE.svg", type=Path, help="also write the chart image")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _check(args: argparse.Namespace) -> tuple[str, list[pd.Period]]:
    if args.goal not in GOALS:
        raise refuse("--goal", args.goal, "a goal", list(GOALS))
    if not args.upload.is_file():
        raise UsageError(f"--upload: no file {str(args.upload)!r}; give the path of your CSV or .xlsx time series")
    if args.chart is not None and args.chart.suffix.lower() not in (".png", ".svg"):
        raise refuse("--chart", str(args.chart), "a .png or .svg file name", "FILE.png, FILE.svg")
    key = area_key(args.area, inputs.ward_table())
    try:
        rebase = [pd.Period(p) for p in split_codes(args.rebase)]
    except ValueError:
        raise refuse("--rebase", args.rebase, "a list of periods", "periods as the file writes them, e.g. 2025-09")
    return key, rebase


def tracking_of(args: argparse.Namespace, key: str, rebase: list[pd.Period]) -> Tracking:
    """Read, check and aggregate ``args.upload`` and track ``args.goal`` over area ``key``; raises UploadError."""
    reference = read_reference()
    table = read_upload(args.upload.name, args.upload.read_bytes())
    series = inspect_series(table, reference, today=parse_date(args.today))
    if series is None:
        raise UploadError(f"'{args.upload.name}' has no period column",
                          "Add a column of periods (2025-04, 2025-Q2, 2025/26 or dates), one row per area and period")
    column = args.column or series.count_columns[0]
    wards = aggregate_series(series, reference, column, denominator=args.denominator)
    register, catalogue = inputs.ward_table(), inputs.catalogue()
    bad = [str(p) for p in rebase if p not in set(wards.periods)]
    if bad:
        raise UploadError(f"--rebase {', '.join(bad)} is not a period of the file ({wards.periods[0]} to "
                          f"{wards.periods[-1]})", "Give a period the file has, written as it writes them")
    return track_goal(wards, register, catalogue, inputs.area_of(key), GOALS[args.goal], measure=args.measure or column,
                      higher_is_worse=not args.higher_is_better, rebase_at=rebase, source_name=args.upload.name)


def text(tracking: Tracking) -> str:
    """The tracking in a few plain lines (the output without ``--json``)."""
    did = tracking.did
    lines = [f"{tracking.goal.title} — {tracking.area.name}",
             f"  {tracking.measure}, {tracking.unit}; baseline {tracking.baseline:.2f} ({tracking.baseline_periods[0]} "
             f"to {tracking.baseline_periods[-1]}), target {tracking.target:.2f} by {tracking.goal.deadline:%B %Y}",
             f"  SPC: {tracking.reading}", f"  {tracking.progress}"]
    if did is not None:
        lines.append(f"  Gap change (difference in differences): {did.estimate:+.2f} (95% CI {did.lower:+.2f} to "
                     f"{did.upper:+.2f}), {did.relative:+.1%} of the cohort's baseline")
    if tracking.advice:
        lines.append(f"  {tracking.advice}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the tracking; 2 with a one-line message for a bad option or file."""
    try:
        key, rebase = _check(args)
        tracking = tracking_of(args, key, rebase)
    except (UsageError, UploadError) as exc:
        print(f"python -m report track: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_USAGE
    if args.chart is not None:
        image = render_tracking(tracking, chart_text(tracking, args.upload.name), fmt=args.chart.suffix[1:].lower())
        args.chart.write_bytes(image)
    if args.json:
        print(json.dumps(tracking_summary(tracking, args.area.strip(), args.upload.name), ensure_ascii=False,
                         allow_nan=False))
    else:
        print(text(tracking))
    return 0
