"""Benchmark the full England build and the size of the processed data; prints the figures.

Run: ``python bench/bench_build.py``. Budgets (issue 2): build <= 120 s on a 2-core machine,
all committed processed data (data/) <= 25 MB.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import build  # noqa: E402
from geo.paths import DATA, raw_dir  # noqa: E402

BUILD_BUDGET_S = 120.0
DATA_BUDGET_MB = 25.0


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build.run(raw_dir(), Path(tmp), log=lambda line: print("  " + line))
        seconds = time.perf_counter() - start
    print(f"full England build: {seconds:.1f} s (budget {BUILD_BUDGET_S:.0f} s)")
    for path in sorted(DATA.rglob("*")):
        if path.is_file():
            print(f"  {path.relative_to(DATA)}: {path.stat().st_size / 1e6:.2f} MB")
    print(f"committed processed data: {folder_mb(DATA):.1f} MB (budget {DATA_BUDGET_MB:.0f} MB)")


if __name__ == "__main__":
    main()
