"""Benchmark the SII Monte Carlo confidence interval; prints the figures.

Run: ``python bench/bench_stats.py``. Budget (Goals feature): 10,000 simulations of 10 groups
in <= 0.3 s on a 2-core machine. Also times ``phe_sii``'s own default of 100,000.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats.inequality import slope_index  # noqa: E402

BUDGET_S = 0.3
RUNS = 7

# Life expectancy by deprivation decile, E06000001 men (PHEindicatormethods LE_data).
POPULATION = np.array([13837, 14519, 14940, 14599, 12311, 13196, 13335, 13388, 13685, 11779.0])
VALUES = np.array([70.563, 72.613, 75.067, 75.207, 76.235, 75.218, 77.092, 79.842, 80.813, 82.738])
SE = np.array([1.134, 1.020, 1.109, 1.486, 1.312, 1.169, 1.307, 1.091, 0.979, 1.319])


def seconds(repetitions: int, **kwargs: object) -> float:
    """Median wall time of RUNS calls."""
    times = []
    for seed in range(RUNS):
        start = time.perf_counter()
        slope_index(VALUES, POPULATION, repetitions=repetitions, rng=seed, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    normal = seconds(10_000, se=SE)
    print(f"SII + CI, 10 groups, 10,000 simulations (normal): {normal * 1000:.1f} ms "
          f"(budget {BUDGET_S * 1000:.0f} ms)")
    lower, upper = VALUES - 1.96 * SE, VALUES + 1.96 * SE
    rate = seconds(10_000, lower=lower, upper=upper, value_type="rate", transform=True)
    print(f"SII + CI, 10 groups, 10,000 simulations (rate, log transform): {rate * 1000:.1f} ms")
    print(f"SII + CI, 10 groups, 100,000 simulations (phe_sii default): {seconds(100_000, se=SE) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
