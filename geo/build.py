"""The build command: ``python -m geo.build [--raw DIR] [--out DIR]``.

Reads the raw open data (``../shared/data/raw``, or ``--raw`` / ``$WARDLENS_RAW``), runs
each step in turn with its timing, writes everything into a staging folder and only then
swaps ``boundaries/`` and ``indicators/`` into place under ``data/`` (or ``--out``). Bad
input stops the build with one message naming the file, the problem and the fix, and leaves
the output folder as it was: a check that fails deep inside a step (a ``ValueError`` from a
pure function) is reported the same way, naming the raw files that step read.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from geo import steps
from geo.errors import BuildInputError
from geo.inputs import Inputs
from geo.outputs import publish
from geo.paths import DATA, raw_dir

FOLDERS = ("boundaries", "indicators")

STEPS: tuple[tuple[str, Callable[[Inputs], str]], ...] = (
    ("Read and check raw inputs", steps.step_check_inputs),
    ("Best-fit Output Areas to 2025 wards; LSOA 2021 shares", steps.step_membership),
    ("Ward register: LAD, ICB, population", steps.step_register),
    ("Simplified ward boundaries", steps.step_boundaries),
    ("Ward deprivation, IoD2025", steps.step_deprivation_2025),
    ("Ward deprivation, IoD2019 recast", steps.step_deprivation_2019),
    ("LAD and ICB summaries", steps.step_area_summaries),
    ("MSOA 2011 life expectancy and polygons", steps.step_msoa_life_expectancy),
    ("Lookups for uploads: LSOA 2011 and MSOA 2011 to wards", steps.step_lookups),
    ("Ward health: life expectancy, emergency admissions, general health", steps.step_ward_health),
    ("Ward long-term conditions", steps.step_ward_conditions),
    ("Ward children", steps.step_ward_children),
    ("Ward place: rurality and coastal flag", steps.step_ward_place),
)


def _run_step(title: str, step: Callable[[Inputs], str], b: Inputs) -> str:
    """One step; a ``ValueError`` from inside it becomes a :class:`BuildInputError` naming what it read."""
    b.start_step()
    try:
        return step(b)
    except BuildInputError:
        raise
    except ValueError as exc:
        read = ", ".join(dict.fromkeys(b.touched)) or f"the inputs of the step '{title}'"
        raise BuildInputError(read, " ".join(str(exc).split()),
                              "check these are the complete original files (../shared/data/raw/SOURCES.md) "
                              "of the same vintages; if they are, report the message") from exc


def run(raw: Path, out: Path, log: Callable[[str], None] = print) -> None:
    """Run every step into a staging folder beside ``out``, then publish it into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        for folder in FOLDERS:
            (staging / folder).mkdir()
        b = Inputs(raw=raw, out=staging)
        start = time.perf_counter()
        for i, (title, step) in enumerate(STEPS, 1):
            t = time.perf_counter()
            log(f"[{i}/{len(STEPS)}] {title} ...")
            detail = _run_step(title, step, b)
            log(f"      done in {time.perf_counter() - t:.1f} s: {detail}")
        publish(staging, out, FOLDERS)
        log(f"Build finished in {time.perf_counter() - start:.1f} s; wrote {', '.join(FOLDERS)} under {out}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.build", description=__doc__.splitlines()[0])
    parser.add_argument("--raw", help="raw data folder (default: $WARDLENS_RAW or ../shared/data/raw)")
    parser.add_argument("--out", default=str(DATA), help="output folder (default: the project's data/)")
    args = parser.parse_args(argv)
    raw = raw_dir(args.raw)
    if not raw.is_dir():
        print(f"Build stopped: raw data folder {raw} does not exist. Fix: pass --raw DIR or set "
              "WARDLENS_RAW to the folder holding the raw open data.", file=sys.stderr)
        return 2
    try:
        run(raw, Path(args.out).resolve())
    except BuildInputError as exc:
        print(f"Build stopped: {exc}\nNothing under {args.out} was changed.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
