"""Which wards are coastal: they touch the sea or a tidal estuary.

The rule, worked out on the ONS 2025 BGC wards and Natural Earth 1:10m (SOURCES.md
sections 1 and 9), all in British National Grid (EPSG:27700, metres):

1. The wards are clipped to Mean High Water (MHW), so the *outer edge* of all England's wards
   together is the MHW shore (sea, estuaries and tidal rivers) plus the land borders with
   Wales and Scotland. In a valid coverage every border between two wards is stored twice,
   once in each ward, with identical vertices; a boundary segment stored only once is outer
   edge. This is exact and needs no overlay.
2. Each outer-edge segment is classified by its midpoint:
   *border* if within :data:`BORDER_M` (1 km) of Wales or Scotland, found as the Natural Earth
   land next to England that is left once England's wards are taken away and estuaries and
   flats narrower than 4 km are opened out (:func:`_wales_and_scotland`); else *coast* if
   within :data:`COAST_BUFFER_M` (5 km) of the Natural Earth coastline; else *river*: a tidal
   river farther inland (the Thames in London, the Ribble at Preston, the Ouse to York).
3. A ward is coastal when at least :data:`MIN_EDGE_M` (100 m) of its boundary is *coast*, so
   that a ward touching the water for a few metres at a creek mouth does not count.

Why these numbers. Natural Earth is generalised to several hundred metres and is 1-3 km off
in places (it leaves out Walney Island's west shore and stops short in most estuaries), so the
coast buffer must be kilometres wide; at 3 km the Wyre above Fleetwood (Stanah, Hambleton),
the Lune at Lancaster (Skerton, Castle, Marsh) and the Thames at Grays are lost; at 5 km they
count (833 wards in all) and the land border is kept out by the Wales/Scotland test, without
which Willaston & Thornton and Saughall & Mollington, on the land border west of Chester,
would be flagged.

A buffer around the Natural Earth line *alone* is not used to flag wards: the line cuts
through towns, so at 250 m it flags 24 wards that do not reach the shore (Vauxhall, Dingle and
Toxteth behind Liverpool's Waterfront wards; Ashton and Heyhouses in St Annes), and 147 at
1 km, while the MHW edge already finds every ward on the shore.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import BNG

#: Metres (EPSG:27700): outer edge whose midpoint lies within this distance of the Natural
#: Earth 10m coastline (and not on the land border) is sea or estuary shore; farther away it
#: is a tidal river inland.
COAST_BUFFER_M = 5_000.0

#: Metres (EPSG:27700): outer edge whose midpoint lies within this distance of Wales or
#: Scotland (see :func:`_wales_and_scotland`) is the land border, not shore.
BORDER_M = 1_000.0

#: How Wales and Scotland are found: Natural Earth land minus the England ward area (the
#: latter simplified to :data:`_MASK_SIMPLIFY_M`), "opened" (shrunk then grown back) by
#: :data:`_OPENING_M` to drop estuaries and intertidal flats that Natural Earth draws as land,
#: keeping the pieces of at least :data:`_MIN_NEIGHBOUR_M2` that touch England.
_MASK_SIMPLIFY_M = 100.0
_OPENING_M = 2_000.0
_MIN_NEIGHBOUR_M2 = 1_000e6

#: Metres: the least length of sea or estuary edge that makes a ward coastal (five times the
#: 20 m generalisation of the BGC boundaries). Three English wards touch the shore for less.
MIN_EDGE_M = 100.0

#: ``coastal_reason`` values, one per outcome, in order of precedence.
REASONS: Mapping[str, str] = MappingProxyType({
    "coast": "on the sea or an estuary: on the outer edge of the England land area (Mean High "
             "Water) within {buffer} m of the Natural Earth coastline",
    "short": "touches the sea or an estuary for less than {min_edge} m only",
    "border": "on the land border with Wales or Scotland, not on the sea",
    "river": "on a tidal river more than {buffer} m from the Natural Earth coastline",
    "inland": "inland: no part of the boundary is on the outer edge of the England land area",
})

#: Plain-English caveat for the app's coastal layer.
CAVEAT = (
    "A ward counts as coastal if at least 100 m of its boundary is on the shore of the sea or "
    "of a tidal estuary: the edge of England's ward map (ONS boundaries, which stop at Mean "
    "High Water) within 5 km of the Natural Earth 1:10m coastline, leaving out the land borders "
    "with Wales and Scotland. Wards on tidal rivers further inland, such as the Thames in "
    "London, the Ribble at Preston or the Dee at Chester, are not counted, while wards a few "
    "kilometres up an estuary, such as the Lune at Lancaster or the Wyre at Stanah, are. Wards "
    "a street back from the sea are not coastal, however close. The 5 km and 100 m thresholds "
    "are our choice, not an official definition of a coastal community."
)


def flag_coastal_wards(wards: gpd.GeoDataFrame, coastline: gpd.GeoDataFrame,
                       land: gpd.GeoDataFrame, *, buffer_m: float = COAST_BUFFER_M,
                       min_edge_m: float = MIN_EDGE_M,
                       border_m: float = BORDER_M) -> pd.DataFrame:
    """Flag the wards that touch the sea or a tidal estuary.

    ``wards``: *all* England's ward polygons (ONS 2025 BGC, clipped to Mean High Water, any
    CRS), forming a valid coverage; the outer edge is taken from them, so passing a subset
    would make its inland borders look like shore. ``coastline`` and ``land``: the Natural
    Earth 10m coastline lines and land polygons (``read_vector("coastline" | "land", raw)``).
    ``buffer_m``, ``min_edge_m`` and ``border_m`` are metres in EPSG:27700, see
    :data:`COAST_BUFFER_M`, :data:`MIN_EDGE_M` and :data:`BORDER_M`.

    Returns a DataFrame on the wards' index with ``coastal`` (bool), ``coastal_reason`` (one
    of :data:`REASONS`, filled in), and the metres of each kind of outer edge on the ward's
    boundary: ``coast_edge_m`` (sea or estuary shore), ``border_edge_m`` (land border with
    Wales or Scotland) and ``outer_edge_m`` (all, including tidal rivers farther inland).
    """
    if not (buffer_m > 0 and border_m >= 0 and min_edge_m >= 0):
        raise ValueError(f"buffer_m must be > 0 and border_m, min_edge_m >= 0 metres, "
                         f"got {buffer_m}, {border_m}, {min_edge_m}")
    owner, seg, kind = _classified_outer_edge(wards, coastline, land, buffer_m, border_m)
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    n = len(wards)
    metres = {k: np.bincount(owner, weights=length * (kind == k), minlength=n)
              for k in ("coast", "border", "river")}
    outer_m = np.bincount(owner, weights=length, minlength=n)
    coastal = metres["coast"] >= min_edge_m
    key = np.select([coastal, metres["coast"] > 0, metres["border"] > 0, metres["river"] > 0],
                    ["coast", "short", "border", "river"], "inland")
    text = {k: v.format(buffer=f"{buffer_m:,.0f}", min_edge=f"{min_edge_m:,.0f}")
            for k, v in REASONS.items()}
    return pd.DataFrame({
        "coastal": coastal,
        "coastal_reason": pd.Series(key, index=wards.index).map(text),
        "coast_edge_m": metres["coast"].round(1),
        "border_edge_m": metres["border"].round(1),
        "outer_edge_m": outer_m.round(1),
    }, index=wards.index)


def outer_edge_lines(wards: gpd.GeoDataFrame, coastline: gpd.GeoDataFrame,
                     land: gpd.GeoDataFrame, *, buffer_m: float = COAST_BUFFER_M,
                     border_m: float = BORDER_M) -> gpd.GeoDataFrame:
    """The outer edge of the ward coverage as lines, by kind, in EPSG:27700 (metres).

    Same inputs as :func:`flag_coastal_wards`. Returns three rows, ``kind`` ``"coast"`` (sea
    and estuary shore), ``"border"`` (land border with Wales and Scotland) and ``"river"``
    (tidal rivers farther than ``buffer_m`` from the Natural Earth coastline), each with a
    MultiLineString and ``length_m``. For checking and drawing the rule; not needed to apply it.
    """
    _, seg, kind = _classified_outer_edge(wards, coastline, land, buffer_m, border_m)
    rows = []
    for name in ("coast", "border", "river"):
        lines = shapely.linestrings(seg[kind == name].reshape(-1, 2, 2))
        merged = shapely.line_merge(shapely.multilinestrings(lines)) if len(lines) else shapely.MultiLineString()
        rows.append({"kind": name, "length_m": float(shapely.length(lines).sum()), "geometry": merged})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=BNG)


def _classified_outer_edge(wards: gpd.GeoDataFrame, coastline: gpd.GeoDataFrame,
                           land: gpd.GeoDataFrame, buffer_m: float,
                           border_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outer-edge segments (owner, ``x0 y0 x1 y1`` in EPSG:27700) and their kind.

    ``kind`` is ``"border"`` if the segment's midpoint is within ``border_m`` of Wales or
    Scotland, else ``"coast"`` if within ``buffer_m`` of the coastline, else ``"river"``.
    """
    geoms = _projected_coverage(wards)
    owner, seg = _outer_segments(geoms)
    mid_x = (seg[:, 0] + seg[:, 2]) / 2
    mid_y = (seg[:, 1] + seg[:, 3]) / 2
    england = shapely.coverage_union_all(geoms)
    near_coast = _within(_to_bng(coastline, "coastline"), england, buffer_m, mid_x, mid_y)
    neighbours = _wales_and_scotland(england, _to_bng(land, "land"))
    near_border = _within(neighbours, england, border_m, mid_x, mid_y)
    kind = np.where(near_border, "border", np.where(near_coast, "coast", "river"))
    return owner, seg, kind


def _to_bng(frame: gpd.GeoDataFrame, what: str) -> np.ndarray:
    if frame.crs is None:
        raise ValueError(f"{what}: the GeoDataFrame has no CRS; set it (Natural Earth is EPSG:4326)")
    return np.asarray(frame.geometry.to_crs(BNG).values, dtype=object)


def _within(geoms: np.ndarray, england: shapely.Geometry, distance: float,
            x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether each point ``(x, y)`` lies within ``distance`` metres of ``geoms`` (clipped near England).

    The zone's round ends are drawn with 4 segments per quarter circle (``quad_segs=4``), which
    keeps within 2 % of ``distance``: plenty for a threshold measured in kilometres.
    """
    if distance <= 0 or len(geoms) == 0:
        return np.zeros(len(x), dtype=bool)
    xmin, ymin, xmax, ymax = england.bounds
    margin = 2 * distance
    near = shapely.clip_by_rect(geoms, xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    zone = shapely.buffer(shapely.union_all(near), distance, quad_segs=4)
    shapely.prepare(zone)
    return shapely.contains_xy(zone, x, y)


def _wales_and_scotland(england: shapely.Geometry, land: np.ndarray) -> np.ndarray:
    """Wales and Scotland, as the land next to England (EPSG:27700 polygons).

    Natural Earth land within 50 km of England, minus England's ward area; "opened" by
    :data:`_OPENING_M` (shrunk, then grown back), which removes the estuaries, tidal rivers and
    intertidal flats that Natural Earth counts as land but the wards leave out (they are
    narrower than twice that); keeping the pieces of at least :data:`_MIN_NEIGHBOUR_M2` that
    touch England. Their edge follows the England land border to within about 100 m.
    """
    xmin, ymin, xmax, ymax = england.bounds
    margin = 50_000.0
    near = shapely.union_all(shapely.clip_by_rect(land, xmin - margin, ymin - margin,
                                                  xmax + margin, ymax + margin))
    outline = shapely.simplify(england, _MASK_SIMPLIFY_M)
    rest = shapely.difference(near, outline)
    opened = shapely.buffer(shapely.buffer(rest, -_OPENING_M, quad_segs=4), _OPENING_M, quad_segs=4)
    pieces = shapely.get_parts(opened)
    pieces = pieces[shapely.area(pieces) >= _MIN_NEIGHBOUR_M2]
    shapely.prepare(outline)
    return pieces[shapely.dwithin(outline, pieces, _MASK_SIMPLIFY_M)]


def _projected_coverage(wards: gpd.GeoDataFrame) -> np.ndarray:
    """Ward geometries in EPSG:27700, checked to be a valid coverage of non-empty polygons."""
    if wards.crs is None:
        raise ValueError("wards: the GeoDataFrame has no CRS; set it (the ONS wards are EPSG:4326)")
    geoms = np.asarray(wards.geometry.to_crs(BNG).values, dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms) | ~np.isin(
        shapely.get_type_id(geoms), [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    if bad.any():
        raise ValueError(f"wards: {int(bad.sum())} row(s) are missing, empty or not polygons "
                         f"(index {', '.join(map(str, wards.index[bad][:5]))})")
    if not shapely.coverage_is_valid(geoms):
        raise ValueError("wards: the polygons are not a valid coverage (overlaps, or shared borders "
                         "with different vertices), so the outer edge cannot be found exactly; "
                         "pass the unsimplified ONS wards, or repair them with shapely.coverage_clean")
    return geoms


def _outer_segments(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segments of ward boundaries stored once only: the outer edge of the coverage.

    Returns ``(owner, seg)``: the row position of the ward each segment belongs to, and an
    ``(n, 4)`` array ``x0, y0, x1, y1`` in the CRS of ``geoms``. Zero-length segments are
    dropped.
    """
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[1:] == ring_of[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    owner = part_owner[ring_part[ring_of[:-1][same]]]
    keep = (start != end).any(axis=1)
    start, end, owner = start[keep], end[keep], owner[keep]
    # Direction-free key: the lexicographically smaller end point first.
    swap = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
    lo = np.where(swap[:, None], end, start)
    hi = np.where(swap[:, None], start, end)
    key = pd.DataFrame(np.hstack([lo, hi]))
    once = ~key.duplicated(keep=False).to_numpy()
    return owner[once], np.hstack([start, end])[once]
