"""Coverage-aware simplification of the ward polygons for the maps.

The wards are a *coverage*: polygons that tile England without overlaps, whose shared borders
have identical vertices on both sides. Simplifying each ward on its own would move the two
copies of a border differently and open gaps and slivers on the map, so every step here works
on the coverage as a whole:

1. project to British National Grid (EPSG:27700), so that tolerances are in metres;
2. check the coverage (and repair small defects, see :data:`CLEAN_SNAP_M`);
3. drop tiny offshore islets that no map at the level could show (:func:`simplify_coverage`);
4. ``shapely.coverage_simplify`` (topology-preserving Visvalingam-Whyatt: every border is
   simplified once, for both wards; a ring is never reduced below a triangle, so even the
   smallest ward, about 4.5 ha, survives);
5. back to WGS84 (EPSG:4326) and *snap-round* the whole coverage to a grid of
   ``precision_deg`` degrees in one go: the borders are noded and rounded together, then
   re-assembled into wards, so the rounded borders are still shared exactly. Rounding each
   ward on its own would not do: where a tidal river narrows to a few metres, its two banks
   (two different wards) cross once rounded.

The source is ONS "Wards (2025) Boundaries UK BGC" (generalised to 20 m and clipped to Mean
High Water), read by :func:`geo.rawdata.read_vector` as ``"wards25"``; see SOURCES.md section 1.
Everything is pure: GeoDataFrame in, GeoDataFrame out.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import BNG, WGS84

#: Snapping distance, in metres (EPSG:27700), used only if the input is *not* a valid coverage
#: (overlaps, or shared borders whose vertices differ): ``shapely.coverage_clean`` then snaps
#: vertices closer than this together and gives each overlap to the neighbour with the
#: longest shared border. The ONS 2025 BGC wards need no repair (checked at build time:
#: ``shapely.coverage_is_valid`` is true for all 6,826 wards). Note that
#: ``coverage_is_valid(gap_width=1)`` does flag 134 of them: tidal river channels, which are
#: outside the Mean High Water land area, narrow to under a metre at their tidal limits. They
#: are true outer edges, not gaps, and are left alone.
CLEAN_SNAP_M = 0.5

#: Snap-rounding: a face smaller than this many grid cells is matched to its ward by area
#: (it must hold at least :data:`_MIN_FACE_SHARE` of it), larger faces by an interior point.
_SMALL_FACE_CELLS = 400
_MIN_FACE_SHARE = 0.5


@dataclass(frozen=True)
class Level:
    """One level of detail for the ward layer: how far to simplify and how finely to round.

    ``tolerance_m``: Visvalingam-Whyatt tolerance in metres (EPSG:27700): bends whose triangle
    is smaller than ``tolerance_m ** 2`` square metres are removed; offshore islets of a
    multi-part ward smaller than that are dropped too. ``precision_deg``: the grid, in degrees
    of EPSG:4326, that output coordinates are rounded to (1e-4 degrees is about 11 m north-south
    and 7 m east-west in England). ``use`` says which map it is for and what it measured.
    """

    id: str
    tolerance_m: float
    precision_deg: float
    use: str

    def __post_init__(self) -> None:
        if not self.tolerance_m > 0:
            raise ValueError(f"level {self.id!r}: tolerance_m must be > 0 metres, got {self.tolerance_m}")
        if not 0 < self.precision_deg < 0.01:
            raise ValueError(f"level {self.id!r}: precision_deg must be in (0, 0.01) degrees, got {self.precision_deg}")


#: The two levels the build writes, chosen by measurement on the ONS 2025 BGC wards
#: (6,826 wards, 751,985 coordinates raw). Sizes are ``GeoDataFrame.to_json()`` bytes of the
#: ward layer (what the map is sent), geometry only, then with 150 bytes of properties per ward;
#: "L&SC" is the 15 LADs E06000008, E06000009, E07000117-E07000128, E06000064 (286 wards),
#: "LLR" E06000016, E06000017, E07000129-E07000135 (176 wards). Budgets: one ICB <= 200 KB,
#: all England <= 3 MB. A grid of 1e-4 degrees (about 7 m x 11 m) is below a pixel at every
#: zoom these maps are drawn at; a 1e-3 grid makes the smallest wards vanish.
SIMPLIFICATION: Mapping[str, Level] = MappingProxyType({lv.id: lv for lv in (
    Level("icb", tolerance_m=500.0, precision_deg=1e-4,
          use="map of one ICB, zoom 9-12 (180-20 m per pixel). L&SC: 4,670 coordinates, "
              "122 KB of geometry, 165 KB with properties; LLR: 2,273 coordinates, 63 KB / "
              "90 KB. All England: 100,602 coordinates, 1.06 MB GeoParquet."),
    Level("england", tolerance_m=1500.0, precision_deg=1e-4,
          use="map of all England, zoom 6-8 (1,500-370 m per pixel). 58,808 coordinates, "
              "1.87 MB of geometry, 2.90 MB with properties; 0.63 MB GeoParquet."),
)})


def simplify_coverage(wards: gpd.GeoDataFrame, tolerance_m: float, *,
                      precision_deg: float = 1e-5) -> gpd.GeoDataFrame:
    """Simplify the ward coverage so that neighbouring wards still share borders exactly.

    ``wards``: ward polygons in any CRS (the ONS 2025 BGC wards come in EPSG:4326) that tile
    the area without overlaps. ``tolerance_m``: Visvalingam-Whyatt tolerance in metres, applied
    in EPSG:27700 (see :class:`Level`); islets that are not a ward's largest part, touch no
    other ward and are smaller than ``tolerance_m ** 2`` m2 are dropped first.
    ``precision_deg``: grid in degrees that the EPSG:4326 output coordinates are snapped to.

    Returns a copy with the same rows, index and columns, in EPSG:4326, where every ward is a
    valid, non-empty (Multi)Polygon and the whole is a valid coverage
    (``shapely.coverage_is_valid``). Raises ``ValueError`` if the input is not polygonal, has
    no CRS, or cannot be made a valid coverage.
    """
    if not tolerance_m > 0:
        raise ValueError(f"tolerance_m must be a positive number of metres, got {tolerance_m}")
    if not 0 < precision_deg < 0.01:
        raise ValueError(f"precision_deg must be in (0, 0.01) degrees, got {precision_deg}")
    _check_polygons(wards, "wards")
    geoms = np.asarray(wards.geometry.to_crs(BNG).values, dtype=object)
    geoms = _valid_coverage(geoms, wards.index)
    geoms = _drop_small_islets(geoms, min_area_m2=tolerance_m ** 2)
    geoms = shapely.coverage_simplify(geoms, tolerance_m)
    in_wgs84 = np.asarray(gpd.GeoSeries(geoms, crs=BNG).to_crs(WGS84).values, dtype=object)
    rounded = _snap_round_coverage(in_wgs84, precision_deg)
    _check_result(rounded, wards.index, f"tolerance_m={tolerance_m}, precision_deg={precision_deg}")
    name = wards.geometry.name
    out = gpd.GeoDataFrame(wards.drop(columns=name),
                           geometry=gpd.GeoSeries(rounded, index=wards.index, crs=WGS84, name=name))
    return out[list(wards.columns)]


def _check_polygons(frame: gpd.GeoDataFrame, what: str) -> None:
    """Raise if ``frame`` has no CRS, or has empty, missing, invalid or non-polygonal geometry."""
    if frame.crs is None:
        raise ValueError(f"{what}: the GeoDataFrame has no CRS; set it (the ONS wards are EPSG:4326)")
    if len(frame) == 0:
        raise ValueError(f"{what}: the GeoDataFrame is empty")
    geoms = frame.geometry.values
    bad = frame.geometry.isna().to_numpy() | shapely.is_empty(geoms) | ~shapely.is_valid(geoms) | \
        ~np.isin(shapely.get_type_id(geoms), [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    if bad.any():
        shown = ", ".join(map(str, frame.index[bad][:5]))
        raise ValueError(f"{what}: {int(bad.sum())} row(s) are missing, empty, invalid or not polygons "
                         f"(index {shown}); fix them (e.g. shapely.make_valid) before simplifying")


def _valid_coverage(geoms: np.ndarray, index: pd.Index) -> np.ndarray:
    """Return ``geoms`` (EPSG:27700) if they form a valid coverage, else a cleaned copy.

    Cleaning is ``shapely.coverage_clean`` with ``snapping_distance`` :data:`CLEAN_SNAP_M`
    metres and no gap filling: overlaps go to the neighbour with the longest shared border,
    near-coincident vertices are snapped together. Raises if that leaves a ward empty or the
    coverage still invalid.
    """
    if shapely.coverage_is_valid(geoms):
        return geoms
    cleaned = shapely.coverage_clean(geoms, snapping_distance=CLEAN_SNAP_M)
    cleaned = shapely.make_valid(cleaned, method="structure", keep_collapsed=False)
    _check_result(cleaned, index, "coverage_clean of the input wards")
    return cleaned


def _drop_small_islets(geoms: np.ndarray, min_area_m2: float) -> np.ndarray:
    """Drop islets below ``min_area_m2`` (m2, EPSG:27700) that no map at this level could show.

    An islet is a part of a multi-part ward that is not the ward's largest part and shares no
    border with another ward (mostly salt marsh and sand banks inside the Mean High Water
    line). The largest part is always kept, so no ward disappears, and no border is touched,
    so the coverage stays valid and no gap opens.
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    if len(parts) == len(geoms):
        return geoms
    area = shapely.area(parts)
    largest = pd.Series(area).groupby(owner).transform("max").to_numpy()
    candidate = np.flatnonzero((area < min_area_m2) & (area < largest))
    if len(candidate) == 0:
        return geoms
    hit, ward = shapely.STRtree(geoms).query(parts[candidate], predicate="intersects")
    borders_other = np.unique(hit[ward != owner[candidate][hit]])
    drop = np.zeros(len(parts), dtype=bool)
    drop[np.setdiff1d(candidate, candidate[borders_other])] = True
    changed = np.unique(owner[drop])
    kept = ~drop & np.isin(owner, changed)
    # owner[kept] runs over exactly the changed wards, in order: number them 0..n-1.
    rebuilt = shapely.multipolygons(parts[kept], indices=np.searchsorted(changed, owner[kept]))
    single = shapely.get_num_geometries(rebuilt) == 1
    rebuilt[single] = shapely.get_geometry(rebuilt[single], 0)
    out = geoms.copy()
    out[changed] = rebuilt
    return out


def _snap_round_coverage(geoms: np.ndarray, grid: float) -> np.ndarray:
    """Round a coverage's coordinates to ``grid`` (CRS units) keeping shared borders exact.

    All borders are noded and snap-rounded together (``shapely.union_all`` with
    ``grid_size``) and polygonised into faces; each face goes back to the ward it came from and
    the faces of a ward are coverage-unioned. A face comes from the ward that holds an interior
    point of it; faces smaller than :data:`_SMALL_FACE_CELLS` grid cells, where rounding may have
    moved that point across a border, go to the ward holding most of their area instead.
    Faces that no ward holds are water sealed off by the rounding (the upper end of a tidal
    creek whose mouth is narrower than the grid) and stay out, as the water they are. (Giving
    them to the neighbour with the longest border, as ``coverage_clean`` does with gaps, was
    tried: at a 1e-4 degree grid GEOS's coverage validator then rejects the Medina estuary
    wards at Newport, Isle of Wight, at every tolerance; leaving them out passes at 1e-5 and
    1e-4 for tolerances from 100 to 1,500 m.) A ward whose faces all vanish comes back empty
    (the caller raises).
    """
    linework = shapely.union_all(shapely.boundary(geoms), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    tree = shapely.STRtree(geoms)
    owner = np.full(len(faces), -1)
    face_i, ward_i = tree.query(shapely.point_on_surface(faces), predicate="within")
    owner[face_i] = ward_i
    small = np.flatnonzero(shapely.area(faces) < _SMALL_FACE_CELLS * grid ** 2)
    if len(small):
        face_i, ward_i = tree.query(faces[small], predicate="intersects")
        share = shapely.area(shapely.intersection(faces[small][face_i], geoms[ward_i]))
        share = share / shapely.area(faces[small][face_i])
        best = (pd.DataFrame({"face": small[face_i], "ward": ward_i, "share": share})
                .sort_values(["face", "share"], ascending=[True, False], kind="stable")
                .drop_duplicates("face"))
        owner[small] = -1
        held = best[best["share"] >= _MIN_FACE_SHARE]
        owner[held["face"].to_numpy()] = held["ward"].to_numpy()
    out = np.full(len(geoms), shapely.Polygon(), dtype=object)
    assigned = np.flatnonzero(owner >= 0)
    order = assigned[np.argsort(owner[assigned], kind="stable")]
    wards, starts = np.unique(owner[order], return_index=True)
    for ward, members in zip(wards, np.split(faces[order], starts[1:])):
        out[ward] = members[0] if len(members) == 1 else shapely.coverage_union_all(members)
    return out


def _check_result(geoms: np.ndarray, index: pd.Index, step: str) -> None:
    """Raise ``ValueError`` unless every geometry is a valid non-empty polygon and the set is a coverage."""
    empty = shapely.is_empty(geoms)
    invalid = ~shapely.is_valid(geoms)
    if empty.any() or invalid.any():
        shown = ", ".join(map(str, index[empty | invalid][:5]))
        raise ValueError(f"{step}: {int(empty.sum())} ward(s) came out empty and {int(invalid.sum())} "
                         f"invalid (index {shown}); use a smaller tolerance or a finer precision")
    if not shapely.coverage_is_valid(geoms):
        bad = ~shapely.is_empty(shapely.coverage_invalid_edges(geoms))
        shown = ", ".join(map(str, index[bad][:5]))
        raise ValueError(f"{step}: the result is not a valid coverage ({int(bad.sum())} ward(s), "
                         f"index {shown}); use a finer precision")
