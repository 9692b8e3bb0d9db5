"""The map panel of a static map: ward fills, outlines, LAD borders and names, and the scale bar.

Drawn in British National Grid (EPSG:27700), so the scale bar is true. Ward fills are not
antialiased (every pixel inside a ward is exactly its legend colour); LAD polygons are
dissolved from the wards; LAD names, then the target wards' names, are placed so that no two
overlap (:func:`_place_names`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib_scalebar.scalebar import ScaleBar

from geo.crs import BNG
from layers.mappayload import LAD_LINE, LINE_WEIGHTS, TARGET_OUTLINE
from layers.style import SUPPRESSED_FILL
from report.mapstyle import (FONT_FILES, HATCH_BACKGROUND, LABEL_HALO, MUTED, PX_TO_PT, TEXT, WARD_EDGE, Canvas,
                             dashes, font)

if TYPE_CHECKING:
    from report.staticmap import MapSpec

#: Above this many LADs the map carries no LAD names (all England has 296: unreadable).
MAX_LAD_LABELS = 40


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


def draw_map(ax: Axes, spec: MapSpec, canvas: Canvas, box_w: float,
             box_h: float) -> tuple[list[Text], list[Text]]:
    """The map panel in ``ax`` (``box_w`` x ``box_h`` inches): fills, ward edges, LAD borders, flag and
    target outlines, the scale bar, the LAD names and the names of ``spec.ward_labels``; returns the
    LAD names and the ward names placed."""
    wards = spec.wards.geometry.to_crs(BNG)
    ax.set_axis_off()
    lads = _draw_areas(ax, spec, wards, canvas.line * PX_TO_PT)
    _frame_with_scale_bar(ax, wards, canvas, box_w, box_h)
    show_labels = spec.lad_labels if spec.lad_labels is not None else len(lads) <= MAX_LAD_LABELS
    placed = np.empty((0, 4))
    lad_texts: list[Text] = []
    if show_labels:
        ordered = lads.sort_values(["area", "lad_name"], ascending=[False, True])
        lad_texts, placed = _place_names(ax, ordered["lad_name"], ordered["label_point"], canvas,
                                         font(canvas.em * 0.82, "bold"), placed)
    ward_texts: list[Text] = []
    if spec.ward_labels is not None and len(spec.ward_labels):
        named = wards.reindex(spec.ward_labels.index)
        points = shapely.point_on_surface(np.asarray(named.values, dtype=object))
        ward_texts, _ = _place_names(ax, spec.ward_labels, points, canvas, font(canvas.em * 0.68), placed)
    return lad_texts, ward_texts


def _chosen(paths: list[MplPath], marked: pd.Series, codes: pd.Index) -> list[MplPath]:
    """The paths of the wards ``marked`` True (a ward not in ``marked`` is not chosen)."""
    chosen = marked.reindex(codes, fill_value=False).fillna(False).astype(bool).to_numpy()
    return [p for p, c in zip(paths, chosen) if c]


def _draw_areas(ax: Axes, spec: MapSpec, wards: gpd.GeoSeries, lw: float) -> gpd.GeoDataFrame:
    """Ward fills (suppressed wards hatched), ward edges, LAD borders, then the flag and target
    outlines, with lines ``lw`` points a pixel; returns the LADs (for their names)."""
    weights = LINE_WEIGHTS[spec.level]
    codes = wards.index
    paths = _paths(wards.values)
    fill = spec.colour.reindex(codes).fillna(spec.legend.no_data.colour).astype(str).to_numpy()
    hatched = fill == SUPPRESSED_FILL
    plain = [p for p, h in zip(paths, hatched) if not h]
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
        ax.add_collection(PathCollection(_chosen(paths, outline.wards, codes), facecolors="none",
                                         edgecolors=outline.colour, linewidths=weights.flag * lw,
                                         linestyles=[dashes(outline.dash)], zorder=4 + i / 10), autolim=False)
    if spec.targets is not None:
        ax.add_collection(PathCollection(_chosen(paths, spec.targets, codes), facecolors="none",
                                         edgecolors=TARGET_OUTLINE, linewidths=weights.target * lw,
                                         zorder=5), autolim=False)
    return lads


def _frame_with_scale_bar(ax: Axes, wards: gpd.GeoSeries, canvas: Canvas, box_w: float, box_h: float) -> None:
    """Limits: the area with a margin, a band at the bottom for the scale bar, equal scale in x and y;
    the scale bar in that band, under the area's west edge (true in metres: BNG)."""
    em = canvas.em / 72
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
    ax.add_artist(ScaleBar(1, "m", location="lower left", length_fraction=0.2, width_fraction=0.004,
                           font_properties={"fname": str(FONT_FILES["normal"]), "size": canvas.em * 0.8},
                           color=TEXT, box_alpha=0.0, border_pad=0.3, pad=0.2, sep=3, rotation="horizontal-only",
                           bbox_to_anchor=((minx + pad - (cx - half_w)) * scale / box_w, 0.0),
                           bbox_transform=ax.transAxes))


#: Where a LAD name may go, in label heights from its anchor: a grid of offsets tried nearest
#: first (then by angle, anticlockwise from east), so a name moves as little as it must.
_REACH = 6
_OFFSETS = sorted(((0.5 * i, 1.05 * j) for i in range(-2 * _REACH, 2 * _REACH + 1)
                   for j in range(-_REACH, _REACH + 1)),
                  key=lambda o: (round(math.hypot(*o), 6), round(math.atan2(o[1], o[0]) % math.tau, 6)))


def _place_names(ax: Axes, names: Iterable[str], points: Iterable[shapely.Point], canvas: Canvas,
                 prop: FontProperties, placed: np.ndarray) -> tuple[list[Text], np.ndarray]:
    """Names, in the order given (most important first), each at the nearest free spot to its point.

    A name goes at the first offset of :data:`_OFFSETS` where its box (with a small gap) touches
    no name already placed (``placed``: boxes in display pixels) and lies inside the map; a name
    moved further than one label height gets a thin leader line to its point; a name with no free
    spot within reach is left out. Returns the names kept and every box placed so far.
    Deterministic, and no two names ever overlap.
    """
    halo = [patheffects.withStroke(linewidth=canvas.em * 0.25, foreground=LABEL_HALO)]
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    gap = 0.15 * canvas.em * canvas.dpi / 72  # pixels kept between two names
    to_data = ax.transData.inverted()
    kept: list[Text] = []
    for name, point in zip(names, points):
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
    return kept, placed
