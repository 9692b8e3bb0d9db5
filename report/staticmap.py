"""A static choropleth of any map view, as a PNG (slide or A4 print size) or an SVG.

The caller says *what* to draw in a :class:`MapSpec` -- ward polygons, the fill colour of
each ward and its :class:`layers.style.Legend`, target wards, flag outlines, the LAD of each
ward, title and footer texts -- and :func:`render_map` draws it with matplotlib, offline:

* in British National Grid (EPSG:27700), so the scale bar (matplotlib-scalebar) is true;
* ward fills exactly in the legend's colours (fills are not antialiased), thin white ward
  edges, target wards outlined in black, flag outlines dashed in their own colours, LAD
  borders dark grey (LAD polygons dissolved from the wards) and LAD names placed so that no
  two overlap (each at the nearest free spot to its LAD, see :func:`_lad_labels`);
* the legend in its own right-hand column, title and subtitle on top, a note (the caveat),
  the attribution and the footer at the bottom, no axis ticks;
* with the DejaVu Sans files shipped inside matplotlib (never a system font), so the same
  inputs give byte-identical PNG and SVG files on any machine with the pinned packages. An
  SVG keeps its text as text (searchable, selectable) naming DejaVu Sans; a viewer without
  that font shows a similar sans-serif.

Styles follow the web map (:mod:`layers.mappayload`): the same outline colours, LAD line colour
and stroke widths by boundary level, converted from screen pixels to points.
"""

from __future__ import annotations

import io
import math
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.textpath import TextToPath
from matplotlib_scalebar.scalebar import ScaleBar

from geo.crs import BNG
from layers.mappayload import LAD_LINE, LINE_WEIGHTS, TARGET_OUTLINE, Outline
from layers.style import SUPPRESSED_FILL, Legend, LegendEntry


#: DejaVu Sans as shipped inside matplotlib (mpl-data), regular and bold: never a system font.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = {"normal": FONT_DIR / "DejaVuSans.ttf", "bold": FONT_DIR / "DejaVuSans-Bold.ttf"}

#: Colours of the page furniture (the data colours come from the spec and its legend).
TEXT = "#1a1a1a"
MUTED = "#555555"
WARD_EDGE = "#ffffff"
RULE = "#cccccc"
LABEL_HALO = "#ffffff"
#: The suppressed hatch, as the web map draws it (``layers.mappayload.SWATCHES``).
HATCH_BACKGROUND = "#f7f7f7"
HATCH_LINE = "#737373"

#: Screen pixels (CSS, 96 per inch) to points: the web map's stroke widths become line widths.
PX_TO_PT = 72 / 96

#: Above this many LADs the map carries no LAD names (all England has 296: unreadable).
MAX_LAD_LABELS = 40

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

#: A box in PNG pixels: (left, top, right, bottom), row 0 at the top.
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Canvas:
    """One output size: exact pixel size of the PNG, its resolution and the base text size.

    ``em``: body text size in points (titles and labels are multiples of it); ``line``: factor
    on the web map's stroke widths; ``legend_width``: the legend column's share of the width.
    """

    id: str
    width_px: int
    height_px: int
    dpi: int
    em: float
    line: float
    legend_width: float

    @property
    def size_in(self) -> tuple[float, float]:
        return self.width_px / self.dpi, self.height_px / self.dpi


#: The sizes :func:`render_map` offers: a 16:9 slide (1920x1080 px) and A4 landscape at 300 dpi.
CANVASES: dict[str, Canvas] = {c.id: c for c in (
    Canvas("slide", 1920, 1080, 100, em=13.0, line=1.0, legend_width=0.25),
    Canvas("a4", 3508, 2480, 300, em=8.5, line=0.7, legend_width=0.27),
)}

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
    names are dissolved from the wards. ``note``: a caveat printed above the attribution, in the
    text colour (e.g. the layer's). ``level``: the boundary level (a key of
    :data:`layers.mappayload.LINE_WEIGHTS`), which sets stroke widths. ``lad_labels``: draw LAD
    names (None: when the area has at most :data:`MAX_LAD_LABELS` LADs).
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
            _dashes(outline.dash)  # raises on a malformed dash


@dataclass(frozen=True)
class RenderedMap:
    """A rendered map and where things landed on it (for checks and for placing callouts).

    ``data``: the file bytes. ``affine``: (a, b, c, d, e, f) taking British National Grid
    metres (x, y) to PNG pixels: ``col = a*x + b*y + c``, ``row = d*x + e*y + f`` (row 0 at
    the top). ``label_boxes``: LAD name -> its box in PNG pixels (left, top, right, bottom);
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
        fig, ax, legend_ax, labels = _draw(spec, canvas)
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
                       {text.get_text(): box(text) for text in labels})


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


# --- geometry -----------------------------------------------------------------------------------

def _paths(geoms: np.ndarray) -> list[MplPath]:
    """One matplotlib path per (multi)polygon, holes included (exteriors counter-clockwise, holes
    clockwise, so the non-zero fill rule leaves holes empty). Vectorised over all rings."""
    geoms = shapely.orient_polygons(np.asarray(geoms, dtype=object))
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, coord_of = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
    if len(xy):
        starts = np.flatnonzero(np.r_[True, np.diff(coord_of) != 0])
        ends = np.r_[starts[1:] - 1, len(xy) - 1]
        codes[starts] = MplPath.MOVETO
        codes[ends] = MplPath.CLOSEPOLY
    geom_of = part_of[ring_of[coord_of]]
    bounds = np.searchsorted(geom_of, np.arange(1, len(geoms)))
    return [MplPath(v, c) for v, c in zip(np.split(xy, bounds), np.split(codes, bounds))]


def _dashes(dash: str) -> tuple[int, tuple[float, ...]] | str:
    """An SVG dash array (``"6 4"``, as :data:`layers.mappayload.FLAG_OUTLINES`) as a matplotlib line style."""
    if not dash.strip():
        return "solid"
    try:
        values = tuple(float(v) for v in dash.replace(",", " ").split())
    except ValueError:
        raise ValueError(f"outline dash {dash!r} is not a list of numbers such as '6 4'") from None
    if len(values) % 2 or any(v <= 0 for v in values):
        raise ValueError(f"outline dash {dash!r} needs an even count of positive lengths")
    return (0, tuple(v * PX_TO_PT for v in values))


def _lad_shapes(wards: gpd.GeoSeries, lads: pd.DataFrame) -> gpd.GeoDataFrame:
    """LAD polygons dissolved from the (projected) ward polygons, with the LAD name and a label point."""
    lad_code = lads["lad_code"].reindex(wards.index)
    geoms = wards.groupby(lad_code.to_numpy(), sort=True).agg(lambda s: shapely.union_all(s.values))
    names = lads.drop_duplicates("lad_code").set_index("lad_code")["lad_name"].reindex(geoms.index)
    out = gpd.GeoDataFrame({"lad_name": names.astype(str)}, geometry=list(geoms.values), index=geoms.index,
                           crs=BNG)
    largest = [max(shapely.get_parts(g), key=lambda p: p.area) for g in out.geometry.values]
    out["label_point"] = shapely.point_on_surface(np.asarray(largest, dtype=object))
    out["area"] = out.area
    return out


# --- text -----------------------------------------------------------------------------------------

_TEXT_TO_PATH = TextToPath()


def _font(size: float, weight: str = "normal") -> FontProperties:
    """DejaVu Sans from matplotlib's own files; ``weight`` also names the weight an SVG's text asks for."""
    return FontProperties(fname=FONT_FILES[weight], size=size, weight=weight)


@lru_cache(maxsize=4096)
def _unit_width(text: str, weight: str) -> float:
    """Width of ``text`` at 1 pt in DejaVu Sans of ``weight``, from the font file's metrics."""
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, _font(100.0, weight), ismath=False)
    return width / 100.0


def _width_pt(text: str, prop: FontProperties) -> float:
    """Width of ``text`` in points in the font ``prop`` (no renderer needed)."""
    return _unit_width(text, str(prop.get_weight())) * prop.get_size_in_points()


def _wrap(text: str, width_pt: float, prop: FontProperties) -> list[str]:
    """Greedy word wrap of ``text`` to ``width_pt`` points in the font ``prop`` (plain text, no markup).

    A line's width is the sum of its words' and spaces' widths (each measured once), with 2%
    to spare for the kerning between them.
    """
    size, weight = prop.get_size_in_points(), str(prop.get_weight())
    space = _unit_width(" ", weight)
    room = width_pt / size / 1.02
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line, used = "", 0.0
        for word in paragraph.split(" "):
            width = _unit_width(word, weight)
            if line and used + space + width > room:
                lines.append(line)
                line, used = word, width
            else:
                line, used = (f"{line} {word}", used + space + width) if line else (word, width)
        lines.append(line)
    return lines


# --- the figure -----------------------------------------------------------------------------------

def _draw(spec: MapSpec, canvas: Canvas) -> tuple[Figure, Axes, Axes, list[Text]]:
    width_in, height_in = canvas.size_in
    fig = Figure(figsize=(width_in, height_in), dpi=canvas.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    em = canvas.em / 72  # the base text size in inches
    margin = 1.6 * em

    # Top: title and subtitle across the full width.
    title_prop, sub_prop = _font(canvas.em * 1.9, "bold"), _font(canvas.em * 1.15)
    full_pt = (width_in - 2 * margin) * 72
    title_lines = _wrap(spec.title, full_pt, title_prop)
    sub_lines = _wrap(spec.subtitle, full_pt, sub_prop) if spec.subtitle else []
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
    small = _font(canvas.em * 0.78)
    foot_lines = _wrap(spec.footer, full_pt, small) if spec.footer else []
    attr_lines = _wrap(spec.attribution, full_pt, small) if spec.attribution else []
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
    note_prop = _font(canvas.em * 0.85)
    note_lines = _wrap(spec.note, full_pt, note_prop) if spec.note else []
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
    labels = _draw_map(map_ax, spec, canvas, map_w, top - bottom)
    _draw_legend(legend_ax, spec, canvas, legend_w, top - bottom)
    return fig, map_ax, legend_ax, labels


def _draw_map(ax: Axes, spec: MapSpec, canvas: Canvas, box_w: float, box_h: float) -> list[Text]:
    em = canvas.em / 72
    weights = LINE_WEIGHTS[spec.level]
    lw = canvas.line * PX_TO_PT
    wards = spec.wards.geometry.to_crs(BNG)
    codes = wards.index
    paths = _paths(wards.values)
    fill = spec.colour.reindex(codes).fillna(spec.legend.no_data.colour).astype(str).to_numpy()
    hatched = fill == SUPPRESSED_FILL
    plain = [p for p, h in zip(paths, hatched) if not h]

    ax.set_axis_off()
    # Fills without antialiasing: every pixel inside a ward is exactly its legend colour.
    ax.add_collection(PathCollection(plain, facecolors=list(fill[~hatched]), edgecolors="none", linewidths=0,
                                     antialiaseds=False, zorder=1), autolim=False)
    if hatched.any():
        ax.add_collection(PathCollection([p for p, h in zip(paths, hatched) if h], facecolors=HATCH_BACKGROUND,
                                         edgecolors="none", linewidths=0, hatch="////", zorder=1), autolim=False)
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=WARD_EDGE,
                                     linewidths=weights.ward * lw, zorder=2), autolim=False)
    lads = _lad_shapes(wards, spec.lads)
    ax.add_collection(PathCollection(_paths(lads.geometry.values), facecolors="none", edgecolors=LAD_LINE,
                                     linewidths=weights.lad * lw, zorder=3), autolim=False)
    for i, outline in enumerate(spec.outlines):
        chosen = outline.wards.reindex(codes, fill_value=False).fillna(False).astype(bool).to_numpy()
        ax.add_collection(PathCollection([p for p, c in zip(paths, chosen) if c], facecolors="none",
                                         edgecolors=outline.colour, linewidths=weights.flag * lw,
                                         linestyles=[_dashes(outline.dash)], zorder=4 + i / 10), autolim=False)
    if spec.targets is not None:
        chosen = spec.targets.reindex(codes, fill_value=False).fillna(False).astype(bool).to_numpy()
        ax.add_collection(PathCollection([p for p, c in zip(paths, chosen) if c], facecolors="none",
                                         edgecolors=TARGET_OUTLINE, linewidths=weights.target * lw,
                                         zorder=5), autolim=False)

    # Limits: the area with a margin, a band at the bottom for the scale bar, equal scale in x and y.
    minx, miny, maxx, maxy = wards.total_bounds
    pad = 0.02 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    band = 3.2 * em  # inches kept free under the area for the scale bar
    scale = min(box_w / (maxx - minx), (box_h - band) / (maxy - miny))  # inches per metre
    half_w = box_w / scale / 2
    cx = (minx + maxx) / 2
    spare = (box_h - band) / scale - (maxy - miny)
    y0 = miny - spare / 2 - band / scale
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(y0, y0 + box_h / scale)

    # The scale bar sits in that band, starting under the area's west edge (true in metres: BNG).
    ax.add_artist(ScaleBar(1, "m", location="lower left", length_fraction=0.2, width_fraction=0.004,
                           font_properties={"fname": str(FONT_FILES["normal"]), "size": canvas.em * 0.8},
                           color=TEXT, box_alpha=0.0, border_pad=0.3, pad=0.2, sep=3, rotation="horizontal-only",
                           bbox_to_anchor=((minx + pad - (cx - half_w)) * scale / box_w, 0.0),
                           bbox_transform=ax.transAxes))
    show_labels = spec.lad_labels if spec.lad_labels is not None else len(lads) <= MAX_LAD_LABELS
    return _lad_labels(ax, lads, canvas) if show_labels else []


#: Where a LAD name may go, in label heights from its anchor: a grid of offsets tried nearest
#: first (then by angle, anticlockwise from east), so a name moves as little as it must.
_REACH = 6
_OFFSETS = sorted(((0.5 * i, 1.05 * j) for i in range(-2 * _REACH, 2 * _REACH + 1)
                   for j in range(-_REACH, _REACH + 1)),
                  key=lambda o: (round(math.hypot(*o), 6), round(math.atan2(o[1], o[0]) % math.tau, 6)))


def _lad_labels(ax: Axes, lads: gpd.GeoDataFrame, canvas: Canvas) -> list[Text]:
    """LAD names, each at the nearest free spot to a point inside its LAD (largest LADs first).

    A name goes at the first offset of :data:`_OFFSETS` where its box (with a small gap) touches
    no name already placed and lies inside the map; a name moved further than one label height
    gets a thin leader line to its LAD; a name with no free spot within reach is left out.
    Deterministic, and no two names ever overlap.
    """
    prop = _font(canvas.em * 0.82, "bold")
    halo = [patheffects.withStroke(linewidth=canvas.em * 0.25, foreground=LABEL_HALO)]
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    gap = 0.15 * canvas.em * canvas.dpi / 72  # pixels kept between two names
    to_data = ax.transData.inverted()
    placed = np.empty((0, 4))
    kept: list[Text] = []
    ordered = lads.sort_values(["area", "lad_name"], ascending=[False, True])
    for name, point in zip(ordered["lad_name"], ordered["label_point"]):
        text = ax.text(point.x, point.y, name, fontproperties=prop, color=TEXT, ha="center", va="center",
                       path_effects=halo, zorder=7)
        box = text.get_window_extent(renderer)
        height = box.height
        shifts = np.asarray(_OFFSETS) * height
        boxes = np.column_stack([box.x0 + shifts[:, 0] - gap, box.y0 + shifts[:, 1] - gap,
                                 box.x1 + shifts[:, 0] + gap, box.y1 + shifts[:, 1] + gap])
        fits = ((boxes[:, 0] >= frame.x0) & (boxes[:, 2] <= frame.x1) &
                (boxes[:, 1] >= frame.y0) & (boxes[:, 3] <= frame.y1))
        if len(placed):
            overlap = ((boxes[:, None, 0] < placed[None, :, 2]) & (placed[None, :, 0] < boxes[:, None, 2]) &
                       (boxes[:, None, 1] < placed[None, :, 3]) & (placed[None, :, 1] < boxes[:, None, 3]))
            fits &= ~overlap.any(axis=1)
        free = np.flatnonzero(fits)
        if not len(free):
            text.remove()
            continue
        dx, dy = shifts[free[0]]
        anchor = ax.transData.transform((point.x, point.y))
        text.set_position(to_data.transform(anchor + (dx, dy)))
        if math.hypot(dx, dy) > 1.2 * height:
            ax.add_line(Line2D([point.x, text.get_position()[0]], [point.y, text.get_position()[1]],
                               color=MUTED, linewidth=0.6 * canvas.line, zorder=6))
        placed = np.vstack([placed, boxes[free[0]]])
        kept.append(text)
    return kept


def _draw_legend(ax: Axes, spec: MapSpec, canvas: Canvas, width_in: float, height_in: float) -> None:
    """The legend panel, laid out top-down in inches: title, unit and scheme, one row per class
    (swatch, label, count of wards), suppressed and no data, then the outline samples."""
    legend = spec.legend
    em_pt = canvas.em
    em = em_pt / 72
    ax.set_axis_off()
    ax.set_xlim(0, width_in)
    ax.set_ylim(0, height_in)
    width_pt = width_in * 72
    title_prop, body, muted = _font(em_pt * 1.05, "bold"), _font(em_pt * 0.92), _font(em_pt * 0.8)
    y = height_in

    def block(text: str, prop: FontProperties, colour: str, x: float = 0.0, avail: float = width_pt) -> None:
        nonlocal y
        lines = _wrap(text, avail, prop)
        ax.text(x, y, "\n".join(lines), fontproperties=prop, color=colour, va="top", ha="left", linespacing=1.2)
        y -= len(lines) * prop.get_size_in_points() * 1.2 / 72

    block(legend.title, title_prop, TEXT)
    y -= 0.2 * em
    block(" · ".join(p for p in (legend.unit, legend.scheme) if p), muted, MUTED)
    y -= 0.5 * em
    ax.text(width_in, y, spec.noun, fontproperties=muted, color=MUTED, va="top", ha="right")
    y -= 1.3 * em

    sw_w, sw_h, row = 1.9 * em, 1.05 * em, 1.55 * em
    label_x = sw_w + 0.6 * em
    count_room = _width_pt("00,000", body) + 0.6 * em_pt
    label_pt = width_pt - label_x * 72 - count_room

    def entry(e: LegendEntry) -> None:
        nonlocal y
        lines = _wrap(e.label, label_pt, body)
        rows_h = max(row, len(lines) * body.get_size_in_points() * 1.25 / 72 + 0.5 * em)
        mid = y - rows_h / 2
        hatched = e.colour == SUPPRESSED_FILL
        ax.add_patch(Rectangle((0, mid - sw_h / 2), sw_w, sw_h, facecolor=HATCH_BACKGROUND if hatched else e.colour,
                               edgecolor="none", linewidth=0, antialiased=False, hatch="////" if hatched else None))
        ax.add_patch(Rectangle((0, mid - sw_h / 2), sw_w, sw_h, facecolor="none", edgecolor="#00000040",
                               linewidth=0.6))
        ax.text(label_x, mid, "\n".join(lines), fontproperties=body, color=TEXT, va="center", ha="left",
                linespacing=1.25)
        ax.text(width_in, mid, f"{e.count:,}", fontproperties=body, color=MUTED, va="center", ha="right")
        y -= rows_h

    for e in (*legend.entries, *filter(None, [legend.suppressed]), legend.no_data):
        entry(e)

    weights = LINE_WEIGHTS[spec.level]
    lw = canvas.line * PX_TO_PT
    samples = []
    if spec.target_label and spec.targets is not None:
        samples.append((spec.target_label, TARGET_OUTLINE, weights.target * lw, "solid"))
    samples += [(o.label, o.colour, weights.flag * lw, _dashes(o.dash)) for o in spec.outlines]
    samples.append(("Local authority boundary", LAD_LINE, weights.lad * lw, "solid"))
    y -= 0.4 * em
    ax.add_line(Line2D([0, width_in], [y, y], color=RULE, linewidth=0.6))
    y -= 0.5 * em
    for text, colour, width, style in samples:
        lines = _wrap(text, width_pt - label_x * 72, body)
        rows_h = max(row, len(lines) * body.get_size_in_points() * 1.25 / 72 + 0.5 * em)
        mid = y - rows_h / 2
        ax.add_line(Line2D([0.1 * em, sw_w - 0.1 * em], [mid, mid], color=colour, linewidth=width,
                           linestyle=style, solid_capstyle="butt"))
        ax.text(label_x, mid, "\n".join(lines), fontproperties=body, color=TEXT, va="center", ha="left",
                linespacing=1.25)
        y -= rows_h
