"""Mutation testing of the core modules with mutmut 3; prints, per module, what the tests catch.

    python bench/bench_mutation.py                       # every module, from a fresh mutants/ copy
    python bench/bench_mutation.py geo/targeting.py      # one module (or several)
    python bench/bench_mutation.py --reuse               # keep mutants/ and mutmut's test map
    python bench/bench_mutation.py --survivors           # rerun only the last run's survivors (after new tests)

The modules and the tests come from ``[tool.mutmut]`` in ``pyproject.toml``: ``only_mutate``
lists the core modules (targeting rules, styling, the ward profile, the IoD summaries, the
upload's aggregation to wards and its suppression) and ``pytest_add_cli_args_test_selection``
the fast unit tests that exercise them (no browser tests, no AppTest). mutmut copies the project
into ``mutants/`` (git-ignored), runs those tests once to learn which tests reach which function,
then runs each mutant against only the tests that reach its function (``-x``, no random order).
One ``mutmut run "<module>.*"`` per module, timed. For each module this prints the mutants,
killed, survived, timeouts, no tests, the kill rate (killed and timed out over all mutants), and
each survivor: mutmut's id (``mutmut show <id>`` gives the full diff) and a one-line diff.

Target: at least 90% killed per module. ``data/`` is copied into ``mutants/`` (``also_copy``), so
``geo.paths`` finds it there; the raw data is one folder up from the real checkout, not from the
copy, so ``WARDLENS_RAW`` is set to it for the run.

Surviving mutants that are equivalent (no input the app can give tells them apart) are listed in
README.md, "Mutation testing", each with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.paths import raw_dir  # noqa: E402

MUTANTS = ROOT / "mutants"
TARGET = 0.90

#: mutmut 3's exit codes (``mutmut.stats.status_by_exit_code``) in this report's columns.
KILLED, SURVIVED, TIMEOUT, NO_TESTS = {1, 3}, {0}, {24, -24, 36, 152, 255}, {5, 33}


@dataclass
class Figures:
    module: str
    seconds: float
    codes: dict[str, int | None]
    survivors: list[tuple[str, str]] = field(default_factory=list)

    def count(self, codes: set[int]) -> int:
        return sum(code in codes for code in self.codes.values())

    @property
    def rate(self) -> float:
        total = len(self.codes)
        return (self.count(KILLED) + self.count(TIMEOUT)) / total if total else float("nan")


def configured_modules() -> list[str]:
    """The core modules mutmut mutates (``only_mutate`` in pyproject.toml)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return list(config["only_mutate"])


def dotted(module: str) -> str:
    """``geo/upload/aggregation.py`` -> ``geo.upload.aggregation`` (how mutmut names its mutants)."""
    return module.removesuffix(".py").replace("/", ".")


def mutmut(*args: str, log: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "WARDLENS_RAW": str(raw_dir())}
    out = log.open("w") if log else subprocess.PIPE
    try:
        return subprocess.run(["mutmut", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    finally:
        if log:
            out.close()


def one_line_diff(mutant: str) -> str:
    """``old -> new`` for the lines the mutant changes, whitespace collapsed."""
    text = mutmut("show", mutant).stdout
    old = " / ".join(" ".join(l[1:].split()) for l in text.splitlines() if l.startswith("-") and not l.startswith("---"))
    new = " / ".join(" ".join(l[1:].split()) for l in text.splitlines() if l.startswith("+") and not l.startswith("+++"))
    return f"{old}  ->  {new}"


def exit_codes(module: str) -> dict[str, int | None]:
    """mutmut's result per mutant of ``module`` (its ``.meta`` file in mutants/)."""
    meta = MUTANTS / f"{module}.meta"
    return json.loads(meta.read_text("utf-8"))["exit_code_by_key"] if meta.exists() else {}


def run_module(module: str, logs: Path, survivors_only: bool = False) -> Figures:
    start = time.perf_counter()
    log = logs / f"{dotted(module)}.log"
    names = [k for k, v in exit_codes(module).items() if v in SURVIVED] if survivors_only else [f"{dotted(module)}.*"]
    done = mutmut("run", *names, log=log) if names else subprocess.CompletedProcess([], 0)
    seconds = time.perf_counter() - start
    codes = exit_codes(module)
    if done.returncode != 0 or not codes:
        sys.exit(f"mutmut run failed for {module} (exit {done.returncode}); see {log}")
    figures = Figures(module, seconds, codes)
    survivors = sorted((k for k, v in codes.items() if v in SURVIVED),
                       key=lambda k: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", k)])
    figures.survivors = [(k, one_line_diff(k)) for k in survivors]
    return figures


def report(figures: list[Figures]) -> None:
    print(f"\n{'module':30} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeouts':>8} {'no tests':>8} "
          f"{'kill rate':>9} {'time':>7}")
    for f in figures:
        flag = "" if f.rate >= TARGET else f"  < {TARGET:.0%}"
        print(f"{f.module:30} {len(f.codes):7} {f.count(KILLED):6} {f.count(SURVIVED):8} {f.count(TIMEOUT):8} "
              f"{f.count(NO_TESTS):8} {f.rate:9.1%} {f.seconds:6.0f}s{flag}")
    for f in figures:
        if f.survivors:
            print(f"\n{f.module}: {len(f.survivors)} surviving")
            for name, diff in f.survivors:
                print(f"  {name}\n      {diff}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="core modules to mutate (default: all in pyproject.toml)")
    parser.add_argument("--reuse", action="store_true", help="keep mutants/ (and mutmut's test map) from a last run")
    parser.add_argument("--survivors", action="store_true",
                        help="rerun only the mutants that survived the last run (implies --reuse); the time column "
                             "is then the rerun's")
    args = parser.parse_args()
    args.reuse |= args.survivors
    modules = args.modules or configured_modules()
    unknown = sorted(set(modules) - set(configured_modules()))
    if unknown:
        sys.exit(f"not in [tool.mutmut] only_mutate of pyproject.toml: {', '.join(unknown)}")
    if not args.reuse and MUTANTS.exists():
        shutil.rmtree(MUTANTS)
    logs = MUTANTS / "bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    figures = []
    for module in modules:
        print(f"mutating {module} ...", flush=True)
        figures.append(run_module(module, logs, args.survivors))
    report(figures)
    print(f"\nmutmut's output per module: {logs.relative_to(ROOT)}/; full diff: mutmut show <id>")


if __name__ == "__main__":
    main()
