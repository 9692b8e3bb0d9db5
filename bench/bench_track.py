"""Benchmark tracking a goal from a time series; prints the figures.

Run: ``python bench/bench_track.py``. Budget (issue 13): a 36-month upload for every LSOA of an ICB
(about 38,000 rows) is checked, aggregated and charted in <= 5 s on a warm process.

The file is the SYNTHETIC L&SC series (tests/data/track: 1,063 LSOAs x 36 months = 38,268 rows).
A warm process has the open lookups, ward table and layers loaded (as the app's caches hold
them) and has tracked once; each step is then timed over several runs (median), as the app runs
it when a user uploads the file and opens the Goals tab:

1. **read**: the bytes to a table (:func:`geo.upload.read_upload`);
2. **check**: the period column, geography and pairs (:func:`geo.upload.series.inspect_series`);
3. **aggregate**: to wards, each month as a single-period upload (:func:`geo.upload.series.aggregate_series`);
4. **track**: cohort, rest and places by month, DiD, SPC (:func:`layers.tracking.track_goal`);
5. **chart**: the app's two Vega-Lite specs (:mod:`ui.tracking_charts`) and the pack's PNG
   (:func:`report.trackchart.render_tracking`), timed apart.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.upload import read_reference, read_upload  # noqa: E402
from geo.upload.series import aggregate_series, inspect_series  # noqa: E402
from layers.goals import GOALS  # noqa: E402
from layers.trackchart import chart_text  # noqa: E402
from layers.tracking import track_goal  # noqa: E402
from report import inputs  # noqa: E402
from report.trackchart import render_tracking  # noqa: E402
from ui.tracking_charts import rates_chart, spc_chart  # noqa: E402

FILE = ROOT / "tests" / "data" / "track" / "SYNTHETIC_lsc_nel_admissions_monthly_lsoa21.csv"
AREA = "E54000048"
RUNS = 5
BUDGET_S = 5.0


def once(data: bytes, reference, register, catalogue, area) -> dict[str, float]:
    """One upload from bytes to charts, each step's seconds."""
    times, start = {}, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal start
        now = time.perf_counter()
        times[name], start = now - start, now

    table = read_upload(FILE.name, data)
    lap("read")
    preview = inspect_series(table, reference)
    lap("check")
    wards = aggregate_series(preview, reference, "non_elective_admissions")
    lap("aggregate")
    tracking = track_goal(wards, register, catalogue, area, GOALS["nea20"], source_name=FILE.name)
    lap("track")
    text = chart_text(tracking, FILE.name)
    rates_chart(tracking, text).to_dict()
    spc_chart(tracking, text).to_dict()
    lap("chart (app, Vega-Lite specs)")
    render_tracking(tracking, text)
    lap("chart (pack, PNG)")
    return times


def main() -> None:
    data = FILE.read_bytes()
    reference, register, catalogue = read_reference(), inputs.ward_table(), inputs.catalogue()
    area = inputs.area_of(AREA)
    rows = data.count(b"\n") - 2
    once(data, reference, register, catalogue, area)  # warm: imports, first-call caches
    runs = [once(data, reference, register, catalogue, area) for _ in range(RUNS)]
    print(f"{FILE.name}: {rows:,} rows, {len(data) / 2**20:.2f} MB; median of {RUNS} warm runs")
    for step in runs[0]:
        print(f"  {step:<32} {statistics.median(r[step] for r in runs):6.2f} s")
    app = [sum(v for k, v in r.items() if k != "chart (pack, PNG)") for r in runs]
    total = statistics.median(app)
    print(f"  {'checked, aggregated and charted':<32} {total:6.2f} s (budget {BUDGET_S:g} s: "
          f"{'within' if total <= BUDGET_S else 'OVER'}); max {max(app):.2f} s")


if __name__ == "__main__":
    main()
