"""A static choropleth of any map view, as a PNG (slide or A4 print size) or an SVG.

The caller says *what* to draw in a :class:`MapSpec` -- ward polygons, the fill colour of
each ward and its :class:`layers.style.Legend`, target wards, flag outlines, the LAD of each
ward, title and footer texts -- and :func:`render_map` draws it with matplotlib, offline:

* in British National Grid (EPSG:27700), so the scale bar (matplotlib-scalebar) is true;
* ward fills exactly in the legend's colours (fills are not antialiased), thin white ward
  edges, target wards outlined in black, flag outlines dashed in their own colours, LAD
  borders dark grey (LAD polygons dissolved from the wards) and LAD names placed so that no
  two overlap (each at the nearest free spot to its LAD, see :mod:`report.mapdraw`);
* the legend in its own right-hand column, title and subtitle on top, a note (the caveat),
  the attribution and the footer at the bottom, no axis ticks;
* with the DejaVu Sans files shipped inside matplotlib (never a system font), so the same
  inputs give byte-identical PNG and SVG files on any machine with the pinned packages. An
  SVG keeps its text as text (searchable, selectable) naming DejaVu Sans; a viewer without
  that font shows a similar sans-serif.

Styles follow the web map (:mod:`layers.mappayload`): the same outline colours, LAD line colour
and stroke widths by boundary level, converted from screen pixels to points.

This module lays the page out (title and subtitle, note, attribution and footer, the two
columns) and renders it; :mod:`report.mapdraw` draws the map panel, :mod:`report.maplegend` the
legend column, with the sizes, fonts and colours of :mod:`report.mapstyle`.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from geo.crs import BNG
from layers.mappayload import LINE_WEIGHTS, Outline
from layers.style import SUPPRESSED_FILL, Legend
from report.mapdraw import draw_map
from report.maplegend import draw_legend
from report.mapstyle import CANVASES, HATCH_LINE, MUTED, TEXT, Canvas, dashes, font, wrap

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

#: A box in PNG pixels: (left, top, right, bottom), row 0 at the top.
Box = tuple[float, float, float, float]

FORMATS = ("png", "svg")


@dataclass(frozen=True, eq=False)
class MapSpec:
    """Everything a static map shows. Series and frames are indexed by ward_code (WD25CD).

    ``wards``: ward polygons of the area (any CRS with one set; the app's are EPSG:4326).
    ``colour``: fill per ward, ``#rrggbb`` from ``legend`` or :data:`layers.style.SUPPRESSED_FILL`
    (drawn as a grey hatch); a ward with no colour is drawn in ``legend.no_data.colour``.
    ``legend``: the layer's :class:`layers.style.Legend` (classes low to high, counts, no data).
    ``targets``: True for target wards (outlined in black); ``target_label`` names them in the
    legend (empty: no legend line). ``outlines``: flag overlays, as the web map's
    :class:`layers.mappayload.Outline` (label, wards, colour, SVG dash such as ``"6 4"``).
    ``lads``: ``lad_code`` and ``lad_name`` of every ward (the register rows do): LAD borders and
    names are dissolved from the wards. ``ward_labels``: names of wards to write on the map, by
    ward_code, most important first (placed after the LAD names where there is room). ``note``: a
    caveat printed above the attribution, in the
    text colour (e.g. the layer's). ``level``: the boundary level (a key of
    :data:`layers.mappayload.LINE_WEIGHTS`), which sets stroke widths. ``lad_labels``: draw LAD
    names (None: when the area has at most :data:`report.mapdraw.MAX_LAD_LABELS` LADs).
    """

    wards: gpd.GeoDataFrame
    colour: pd.Series
    legend: Legend
    lads: pd.DataFrame
    title: str
    subtitle: str = ""
    targets: pd.Series | None = None
    target_label: str = ""
    outlines: tuple[Outline, ...] = ()
    attribution: str = ""
    footer: str = ""
    note: str = ""
    level: str = "icb"
    lad_labels: bool | None = None
    ward_labels: pd.Series | None = None
    noun: str = "wards"

    def __post_init__(self) -> None:
        if self.wards.empty:
            raise ValueError("the map has no ward polygons to draw")
        if self.wards.crs is None:
            raise ValueError("the ward polygons have no CRS: read them with geo.store.read_ward_shapes")
        if self.level not in LINE_WEIGHTS:
            raise ValueError(f"boundary level {self.level!r} is not one of {sorted(LINE_WEIGHTS)}")
        missing = [c for c in ("lad_code", "lad_name") if c not in self.lads.columns]
        if missing:
            raise ValueError(f"lads needs column(s) {missing} (the ward register rows have them)")
        no_lad = self.wards.index.difference(self.lads["lad_code"].dropna().index)
        if len(no_lad):
            raise ValueError(f"{len(no_lad)} ward(s) have no LAD code, e.g. {list(no_lad[:3])}")
        fills = self.colour.reindex(self.wards.index).dropna().astype(str)
        bad = sorted({c for c in fills if c != SUPPRESSED_FILL and not _HEX.match(c)})
        if bad:
            raise ValueError(f"fill colours must be '#rrggbb' or {SUPPRESSED_FILL!r}, got {bad[:5]}")
        for outline in self.outlines:
            dashes(outline.dash)  # raises on a malformed dash


@dataclass(frozen=True)
class RenderedMap:
    """A rendered map and where things landed on it (for checks and for placing callouts).

    ``data``: the file bytes. ``affine``: (a, b, c, d, e, f) taking British National Grid
    metres (x, y) to PNG pixels: ``col = a*x + b*y + c``, ``row = d*x + e*y + f`` (row 0 at
    the top). ``label_boxes``: LAD name -> its box in PNG pixels (left, top, right, bottom);
    ``ward_label_boxes``: the same for the ward names written;
    ``map_box`` and ``legend_box``: the map's and the legend column's boxes, likewise. For an
    SVG the pixel figures are those of the PNG of the same size.
    """

    data: bytes
    fmt: str
    canvas: Canvas
    affine: tuple[float, float, float, float, float, float]
    map_box: Box
    legend_box: Box
    label_boxes: dict[str, Box] = field(default_factory=dict)
    ward_label_boxes: dict[str, Box] = field(default_factory=dict)

    def to_pixels(self, points: gpd.GeoSeries) -> np.ndarray:
        """(col, row) PNG pixel coordinates of ``points`` (any CRS), shape (n, 2)."""
        xy = shapely.get_coordinates(points.to_crs(BNG).values)
        a, b, c, d, e, f = self.affine
        return np.column_stack([a * xy[:, 0] + b * xy[:, 1] + c, d * xy[:, 0] + e * xy[:, 1] + f])

    @property
    def metres_per_pixel(self) -> float:
        return 1.0 / abs(self.affine[0])


def render_map(spec: MapSpec, *, fmt: str = "png", size: str = "slide") -> bytes:
    """The map of ``spec`` as PNG or SVG bytes.

    ``size``: ``"slide"`` (PNG exactly 1920x1080 px) or ``"a4"`` (A4 landscape at 300 dpi,
    3508x2480 px); an SVG has the same proportions, in points. Same inputs, same bytes.
    """
    return render(spec, fmt=fmt, size=size).data


def render(spec: MapSpec, *, fmt: str = "png", size: str = "slide") -> RenderedMap:
    """Like :func:`render_map`, also returning the pixel transform and the LAD label boxes."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    if size not in CANVASES:
        raise ValueError(f"size {size!r} is not one of {tuple(CANVASES)}")
    canvas = CANVASES[size]
    with _RENDERING, matplotlib.rc_context(_RC):
        fig, ax, legend_ax, (lad_names, ward_names) = _draw(spec, canvas)
        buf = io.BytesIO()
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=canvas.dpi, metadata={"Software": None})
        else:
            fig.savefig(buf, format="svg", dpi=canvas.dpi, metadata={"Date": None, "Creator": None})
    height = canvas.height_px
    m = ax.transData.get_affine().get_matrix()  # data -> display pixels, y up
    affine = (m[0, 0], m[0, 1], m[0, 2], -m[1, 0], -m[1, 1], height - m[1, 2])
    renderer = fig.canvas.get_renderer()

    def box(artist: Axes | Text) -> Box:
        bb = artist.get_window_extent(renderer)
        return (float(bb.x0), float(height - bb.y1), float(bb.x1), float(height - bb.y0))

    return RenderedMap(buf.getvalue(), fmt, canvas, tuple(float(v) for v in affine), box(ax), box(legend_ax),
                       {text.get_text(): box(text) for text in lad_names},
                       {text.get_text(): box(text) for text in ward_names})


#: One render at a time per process: matplotlib's settings (:data:`_RC`) are global, and the app
#: makes files on click in threads of their own.
_RENDERING = threading.Lock()

#: Settings that make output reproducible: text kept as text in SVG, a fixed id salt, no
#: timestamps; hatch colours as the web map's.
_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "wardlens",
    "font.family": "DejaVu Sans",
    "hatch.color": HATCH_LINE,
    "hatch.linewidth": 0.8,
    "path.simplify": False,
}


# --- the figure -----------------------------------------------------------------------------------

def _draw(spec: MapSpec, canvas: Canvas) -> tuple[Figure, Axes, Axes, tuple[list[Text], list[Text]]]:
    width_in, height_in = canvas.size_in
    fig = Figure(figsize=(width_in, height_in), dpi=canvas.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    em = canvas.em / 72  # the base text size in inches
    margin = 1.6 * em

    # Top: title and subtitle across the full width.
    title_prop, sub_prop = font(canvas.em * 1.9, "bold"), font(canvas.em * 1.15)
    full_pt = (width_in - 2 * margin) * 72
    title_lines = wrap(spec.title, full_pt, title_prop)
    sub_lines = wrap(spec.subtitle, full_pt, sub_prop) if spec.subtitle else []
    y = height_in - margin
    fig.text(margin / width_in, y / height_in, "\n".join(title_lines), fontproperties=title_prop,
             color=TEXT, va="top", ha="left", linespacing=1.15)
    y -= len(title_lines) * 1.9 * 1.15 * em + 0.35 * em
    if sub_lines:
        fig.text(margin / width_in, y / height_in, "\n".join(sub_lines), fontproperties=sub_prop,
                 color=MUTED, va="top", ha="left", linespacing=1.2)
        y -= len(sub_lines) * 1.15 * 1.2 * em
    top = y - 0.9 * em

    # Bottom: attribution then footer, across the full width.
    small = font(canvas.em * 0.78)
    foot_lines = wrap(spec.footer, full_pt, small) if spec.footer else []
    attr_lines = wrap(spec.attribution, full_pt, small) if spec.attribution else []
    line_h = canvas.em * 0.78 * 1.3 / 72
    y = margin
    if foot_lines:
        fig.text(margin / width_in, y / height_in, "\n".join(foot_lines), fontproperties=small, color=MUTED,
                 va="bottom", ha="left", linespacing=1.3)
        y += len(foot_lines) * line_h + 0.3 * em
    if attr_lines:
        fig.text(margin / width_in, y / height_in, "\n".join(attr_lines), fontproperties=small, color=MUTED,
                 va="bottom", ha="left", linespacing=1.3)
        y += len(attr_lines) * line_h
    note_prop = font(canvas.em * 0.85)
    note_lines = wrap(spec.note, full_pt, note_prop) if spec.note else []
    if note_lines:
        y += 0.3 * em
        fig.text(margin / width_in, y / height_in, "\n".join(note_lines), fontproperties=note_prop, color=TEXT,
                 va="bottom", ha="left", linespacing=1.3)
        y += len(note_lines) * canvas.em * 0.85 * 1.3 / 72
    bottom = y + 0.9 * em

    # Right: the legend column; left: the map.
    legend_w = canvas.legend_width * width_in
    legend_x = width_in - margin - legend_w
    map_w = legend_x - 1.5 * em - margin
    map_ax = fig.add_axes((margin / width_in, bottom / height_in, map_w / width_in, (top - bottom) / height_in))
    legend_ax = fig.add_axes((legend_x / width_in, bottom / height_in, legend_w / width_in,
                              (top - bottom) / height_in))
    labels = draw_map(map_ax, spec, canvas, map_w, top - bottom)
    draw_legend(legend_ax, spec, canvas, legend_w, top - bottom)
    return fig, map_ax, legend_ax, labels

