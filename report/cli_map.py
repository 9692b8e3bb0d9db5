"""``python -m report map``: the static map of a view as a PNG (slide or A4 print size) or an SVG.

    python -m report map --area E54000048 --out lsc.png                    # slide, 1920 x 1080
    python -m report map --area E54000048 --size a4 --out lsc_a4.png       # A4 landscape, 300 dpi
    python -m report map --area E06000009 --layer le_male_2016_20 --targeting place10 --out blackpool.svg

The view options are the app's sidebar (``--area``, ``--place``, ``--layer``, ``--scheme``,
``--targeting``, ``--flags``); the format follows ``--out``'s suffix (.png or .svg). The map is
:func:`report.mapspec.map_spec` of :func:`layers.view.layer_view`, drawn by
:func:`report.staticmap.render_map`: the app's "Map image (PNG)" and "Map (SVG)" buttons make the
same file. A bad code prints one line naming the valid choices and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layers.view import layer_view
from report import inputs
from report.cli_options import EXIT_USAGE, UsageError, add_view_arguments, refuse, view_choice
from report.mapspec import map_spec
from report.staticmap import CANVASES, FORMATS, render_map
from report.version import version

NAME = "map"
HELP = "the static map of a view (area or place, layer, classes, targeting, flags) as PNG or SVG"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_view_arguments(parser)
    parser.add_argument("--size", default="slide", choices=list(CANVASES),
                        help="slide: 1920 x 1080 px (default); a4: A4 landscape at 300 dpi (3508 x 2480 px)")
    parser.add_argument("--out", required=True, metavar="FILE.png|svg", type=Path,
                        help="the file to write; its suffix (.png or .svg) sets the format")


def map_format(out: Path) -> str:
    """The format of ``out``'s suffix, or :class:`UsageError`."""
    fmt = out.suffix.lower().removeprefix(".")
    if fmt not in FORMATS:
        raise refuse("--out", str(out), "a .png or .svg file name", [f"FILE.{f}" for f in FORMATS])
    return fmt


def run(args: argparse.Namespace) -> int:
    """Write the map; 2 with a one-line message for a bad argument."""
    try:
        fmt = map_format(args.out)
        table, catalogue = inputs.ward_table(), inputs.catalogue()
        choice = view_choice(args, table, catalogue, inputs.area_of)
    except UsageError as exc:
        print(f"python -m report map: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    view = layer_view(catalogue, table, choice.area, choice.layer, choice.scheme, choice.targeting, choice.flags)
    spec = map_spec(view, inputs.ward_shapes(choice.area.level), table, generated=choice.generated,
                    version=version())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(render_map(spec, fmt=fmt, size=args.size))
    print(f"{args.out} ({fmt.upper()}, {args.size}): {view.area.name}, {view.record.full_title}, "
          f"{view.targeting.short}: {view.coverage.wards} wards", file=sys.stderr)
    return 0
