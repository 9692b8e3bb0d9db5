"""``python -m report pack``: the place pack of a view as an accessible PDF, or one per place of an ICB.

    python -m report pack --area E54000048 --out lsc.pdf
    python -m report pack --area E54000048 --place E06000009 --wards E05015188,E05015190 --goal nea20 --out bp.pdf
    python -m report pack --area E54000048 --all-places --out packs/        # one PDF per local authority

The view options are the app's sidebar (``--area``, ``--place``, ``--layer``, ``--scheme``,
``--targeting``, ``--flags``); ``--wards`` adds a profile page per ward (codes of the area);
``--goal`` (and ``--measure``) adds the goal page of :mod:`layers.goalview`; ``--date`` pins
the date printed (the same inputs and date give the same bytes). The pack is
:func:`report.pack.place_pack` over the published layers, the app's "Place pack (PDF)" button
makes the same document. ``--all-places`` writes one pack per local authority of the ICB into
the folder ``--out``, over ``--jobs`` processes (default 2), with a progress bar on stderr. A
bad code prints one line naming the valid choices and exits with status 2.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from geo.areas import area_mask
from layers.goals import GOALS
from layers.goalview import goal_view
from report import inputs
from report.cli_options import (EXIT_USAGE, UsageError, ViewChoice, add_view_arguments, check_layer, places, refuse,
                                split_codes, view_choice)
from report.document import render_pdf
from report.pack import file_stem, place_pack
from report.version import version

NAME = "pack"
HELP = "the place pack of a view as a PDF (cover, map, target list, comparison, goal, ward profiles, sources)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_view_arguments(parser)
    parser.add_argument("--wards", metavar="CODE,…", help="ward codes of the area to add a profile page for each")
    parser.add_argument("--goal", metavar="ID", help=f"add the goal page of one goal ({', '.join(GOALS)})")
    parser.add_argument("--measure", metavar="LAYER", help="the layer to model the goal with (default: the goal's "
                                                            "first open measure)")
    parser.add_argument("--all-places", action="store_true",
                        help="one pack per local authority of the ICB, written into the folder --out")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                        help="processes for --all-places (default 2)")
    parser.add_argument("--out", required=True, metavar="FILE.pdf|DIR", type=Path,
                        help="the PDF to write (a folder with --all-places)")


@dataclass(frozen=True)
class PackJob:
    """One pack to make from the published data: the view, the ward profiles, the goal and the file."""

    key: str
    layer: str
    scheme: str | None
    targeting: str
    flags: tuple[str, ...]
    wards: tuple[str, ...]
    goal: str | None
    measure: str | None
    choice_date: str
    out: Path


def make_pack(job: PackJob) -> bytes:
    """The PDF of ``job`` (the published layers, read once per process through :mod:`report.inputs`)."""
    import datetime as dt

    table, catalogue = inputs.ward_table(), inputs.catalogue()
    area = inputs.area_of(job.key)
    goal = None
    if job.goal is not None:
        goal = goal_view(catalogue, table, area, GOALS[job.goal], job.measure, components=inputs.components())
    document = place_pack(catalogue, table, area, job.layer, job.scheme, job.targeting, job.flags, job.wards,
                          shapes=inputs.ward_shapes(area.level), official=inputs.official_summaries(), goal=goal,
                          generated=dt.date.fromisoformat(job.choice_date), version=version())
    return render_pdf(document)


def write_pack(job: PackJob) -> Path:
    """Make ``job``'s pack and write it to ``job.out`` (the worker of ``--all-places``)."""
    job.out.write_bytes(make_pack(job))
    return job.out


def progress(done: int, total: int, label: str, stream: TextIO | None = None, width: int = 28) -> None:
    """A one-line progress bar on ``stream`` (default stderr): ``[##########..........] 5/16 Blackpool``; a
    newline when done."""
    stream = stream or sys.stderr
    filled = round(width * done / total) if total else width
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:48]:<48}")
    if done >= total:
        stream.write("\n")
    stream.flush()


def _wards(args: argparse.Namespace, choice: ViewChoice) -> tuple[str, ...]:
    table = inputs.ward_table()
    codes = table.index[area_mask(table, choice.area)]
    wards = split_codes(args.wards)
    for ward in wards:
        if ward not in codes:
            examples = ", ".join(f"{c} {table.at[c, 'ward_name']}" for c in codes[:4])
            raise refuse("--wards", ward, f"a ward of {choice.area.name}",
                         f"the area's {len(codes):,} ward codes (E05…), e.g. {examples}")
    return tuple(dict.fromkeys(wards))


def _jobs(args: argparse.Namespace) -> list[PackJob]:
    """The packs ``args`` ask for, checked; raises :class:`UsageError` for the first bad option."""
    table, catalogue = inputs.ward_table(), inputs.catalogue()
    if args.goal is not None and args.goal not in GOALS:
        raise refuse("--goal", args.goal, "a goal", list(GOALS))
    if args.measure is not None:
        if args.goal is None:
            raise UsageError("--measure: models a goal; give --goal too")
        check_layer(args.measure, catalogue, "--measure")
    if args.jobs < 1:
        raise refuse("--jobs", str(args.jobs), "a number of processes", "1, 2, …")
    choice = view_choice(args, table, catalogue, inputs.area_of)
    common = dict(layer=choice.layer, scheme=choice.scheme, targeting=choice.targeting, flags=choice.flags,
                  goal=args.goal, measure=args.measure, choice_date=choice.generated.isoformat())
    if not args.all_places:
        if args.out.suffix.lower() != ".pdf":
            raise refuse("--out", str(args.out), "a .pdf file name", "FILE.pdf (or a folder with --all-places)")
        return [PackJob(key=choice.area.key, wards=_wards(args, choice), out=args.out, **common)]
    if choice.area.icb is None or choice.area.lad is not None:
        raise UsageError("--all-places: makes one pack per local authority of an ICB; give an ICB code as --area "
                         "and no --place")
    if args.wards:
        raise UsageError("--wards: ward profiles are for one pack; leave --wards out with --all-places")
    if args.out.suffix.lower() == ".pdf":
        raise refuse("--out", str(args.out), "a folder", "a folder name for the packs, e.g. packs/")
    keys = [f"{choice.area.icb}/{lad}" for lad, _ in places(choice.area.key, table)]
    return [PackJob(key=key, wards=(), out=args.out / f"{file_stem(inputs.area_of(key), choice.layer, choice.targeting)}.pdf",
                    **common) for key in keys]


def warm(with_goal: bool) -> None:
    """Read the data a worker needs once, before its first pack (the pool's initializer)."""
    inputs.ward_table(), inputs.catalogue(), inputs.ward_shapes("icb"), inputs.official_summaries()
    if with_goal:
        inputs.components()


def run_jobs(jobs: list[PackJob], processes: int, stream: TextIO | None = None) -> list[Path]:
    """Write every pack of ``jobs`` over ``processes`` processes, with a progress bar on ``stream``;
    returns the files in ``jobs``' order.

    Workers are spawned (fresh interpreters that read the data once each), not forked: a fork
    copies locks held by threads that do not follow it -- such as the PDF engine's thread pool
    after a pack was made in this process -- and could hang.
    """
    names = {job.out: inputs.area_of(job.key).name.split(" (")[0] for job in jobs}
    progress(0, len(jobs), "", stream)
    if processes <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs, start=1):
            write_pack(job)
            progress(i, len(jobs), names[job.out], stream)
        return [job.out for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs)), mp_context=context, initializer=warm,
                             initargs=(any(job.goal for job in jobs),)) as pool:
        futures = [pool.submit(write_pack, job) for job in jobs]
        for i, future in enumerate(as_completed(futures), start=1):
            progress(i, len(jobs), names[future.result()], stream)
    return [job.out for job in jobs]


def run(args: argparse.Namespace) -> int:
    """Write the pack (or the packs); 2 with a one-line message for a bad argument."""
    try:
        jobs = _jobs(args)
    except UsageError as exc:
        print(f"python -m report pack: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    start = time.perf_counter()
    if args.all_places:
        args.out.mkdir(parents=True, exist_ok=True)
        run_jobs(jobs, args.jobs)
        print(f"{len(jobs)} packs written to {args.out} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        return 0
    job = jobs[0]
    job.out.parent.mkdir(parents=True, exist_ok=True)
    write_pack(job)
    print(f"{job.out}: {inputs.area_of(job.key).name} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0
