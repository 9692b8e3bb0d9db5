"""Benchmark the Goals feature; prints the figures.

Run: ``python bench/bench_goals.py``. Budgets (the Goals issue): the Goals view of an ICB renders
in <= 1 s of script time on a warm server; the SII with 10,000 simulations in <= 0.3 s.

* **Script time, warm**: the app's page (``explorer.py``) under Streamlit's AppTest with the
  Goals tab open, after a first run has filled the caches -- what a rerun costs the server when
  a user changes something on the tab. Median of several reruns, per goal, for L&SC and LLR.
* **Goal view, cold**: :func:`layers.goalview.goal_view` itself with the map payloads (what the
  cache holds), per goal and ICB.
* **SII**: :func:`stats.inequality.slope_index` on 10 groups with 10,000 simulations, as the
  Goals view calls it (log scale for a rate).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from layers.goals import GOALS  # noqa: E402
from layers.goalview import goal_view  # noqa: E402
from report import inputs  # noqa: E402
from stats.inequality import slope_index  # noqa: E402

AREAS = {"E54000048": "Lancashire and South Cumbria", "E54000015": "Leicester, Leicestershire and Rutland"}
RERUNS = 5
SCRIPT_BUDGET_S = 1.0
SII_BUDGET_S = 0.3


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def script_times() -> None:
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for icb, name in AREAS.items():
        at = AppTest.from_file(str(ROOT / "explorer.py"), default_timeout=300)
        at.query_params["area"] = icb
        at.run()
        at.session_state["tab"] = "Goals"
        for goal in GOALS:
            at.session_state["goal"] = goal
            start = time.perf_counter()
            at.run()  # cold for this goal: fills its cache entry
            cold = time.perf_counter() - start
            assert not at.exception, [e.value for e in at.exception]
            warm = median_time(at.run, RERUNS)
            print(f"Goals tab script time, {name}, {goal}: {warm:.2f} s warm (median of {RERUNS}; budget "
                  f"{SCRIPT_BUDGET_S:.0f} s), {cold:.2f} s on the first run of this goal")


def view_times() -> None:
    catalogue, table, components = inputs.catalogue(), inputs.ward_table(), inputs.components()
    for icb, name in AREAS.items():
        area, geometry = inputs.area_of(icb), inputs.area_geometry(icb)
        for goal in GOALS.values():
            seconds = median_time(lambda: goal_view(catalogue, table, area, goal, components=components,
                                                    geometry=geometry), 3)
            print(f"goal_view with map payloads, {name}, {goal.id}: {seconds * 1000:.0f} ms")


def sii_time() -> None:
    population = np.array([52_000, 48_000, 50_000, 47_000, 51_000, 49_000, 53_000, 50_000, 48_000, 52_000.0])
    values = np.array([150, 138, 126, 120, 112, 104, 99, 97, 93, 90.0])
    lower, upper = values * 0.98, values * 1.02
    seconds = median_time(lambda: slope_index(values, population, lower=lower, upper=upper, value_type="rate",
                                              transform=True, repetitions=10_000, rng=1), 7)
    print(f"SII + 95% CI, 10 groups, 10,000 simulations (rate, log scale): {seconds * 1000:.1f} ms "
          f"(budget {SII_BUDGET_S * 1000:.0f} ms)")


def main() -> None:
    sii_time()
    view_times()
    script_times()


if __name__ == "__main__":
    main()
