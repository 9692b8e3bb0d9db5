"""Tests for geo.simplify: a hand-built 2 x 2 coverage, then real wards of three LADs.

The real-data tests read the ONS 2025 BGC wards from the shared raw folder
(geo.paths.raw_dir) and are skipped when it is absent.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.rawdata import read_vector
from tests.conftest import RAW, needs_raw
from geo.areas import lad_outlines, outline_lines
from geo.simplify import SIMPLIFICATION, Level, simplify_coverage

BNG = "EPSG:27700"
X0, Y0 = 330_000.0, 430_000.0   # near Blackpool, in metres


def _zigzag(y: float, width: float, n: int = 201, amplitude: float = 20.0) -> list[tuple[float, float]]:
    """A wiggly west-east border at height ``y``: n vertices (one at mid-width), 20 m bumps."""
    xs = np.linspace(X0, X0 + width, n)
    return [(x, y + (amplitude if k % 2 else 0.0)) for k, x in enumerate(xs)]


def _grid_2x2(cell: float = 2_000.0) -> gpd.GeoDataFrame:
    """Four square wards of side ``cell`` metres sharing wiggly borders, plus a 60 m x 60 m
    ward inside the south-west one, built in EPSG:27700 and handed over in EPSG:4326 like the
    ONS wards. Districts: L1 is the west column (and the tiny ward), L2 the east."""
    line = _zigzag(Y0 + cell, 2 * cell)
    west = [p for p in line if p[0] <= X0 + cell]
    east = [p for p in line if p[0] >= X0 + cell]
    south_w = shapely.Polygon([(X0, Y0), (X0 + cell, Y0), *reversed(west)])
    south_e = shapely.Polygon([(X0 + cell, Y0), (X0 + 2 * cell, Y0), *reversed(east)])
    north_w = shapely.Polygon([*west, (X0 + cell, Y0 + 2 * cell), (X0, Y0 + 2 * cell)])
    north_e = shapely.Polygon([*east, (X0 + 2 * cell, Y0 + 2 * cell), (X0 + cell, Y0 + 2 * cell)])
    tiny = shapely.box(X0 + cell / 2, Y0 + cell / 2, X0 + cell / 2 + 60, Y0 + cell / 2 + 60)
    geoms = [shapely.difference(south_w, tiny), south_e, north_w, north_e, tiny]
    frame = gpd.GeoDataFrame({"WD25CD": ["sw", "se", "nw", "ne", "tiny"],
                              "LAD25CD": ["L1", "L2", "L1", "L2", "L1"]}, geometry=geoms, crs=BNG)
    assert shapely.coverage_is_valid(frame.geometry.values)
    assert shapely.area(shapely.union_all(geoms)) == pytest.approx(4 * cell ** 2)   # no gaps
    return frame.to_crs("EPSG:4326")


def _area_m2(frame: gpd.GeoDataFrame) -> float:
    return float(shapely.area(shapely.union_all(frame.to_crs(BNG).geometry.values)))


@pytest.mark.parametrize("level", list(SIMPLIFICATION))
def test_grid_stays_a_coverage(level: str) -> None:
    lv = SIMPLIFICATION[level]
    wards = _grid_2x2(cell=8 * lv.tolerance_m)   # big enough that the square keeps its corners
    out = simplify_coverage(wards, lv.tolerance_m, precision_deg=lv.precision_deg)
    assert out.crs.equals("EPSG:4326")
    assert list(out["WD25CD"]) == list(wards["WD25CD"]) and out.index.equals(wards.index)
    geoms = out.geometry.values
    assert not shapely.is_empty(geoms).any() and shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)
    # Shared borders stay shared: the two western wards still meet along a line (not a point),
    # and nothing overlaps (the wards' areas add up to the union's).
    sw, nw = geoms[0], geoms[2]
    assert shapely.length(shapely.intersection(sw.boundary, nw.boundary)) > 0.01
    projected = out.to_crs(BNG)
    assert projected.area.sum() == pytest.approx(_area_m2(out), rel=1e-9)
    # The wiggles are gone (400 -> a handful of vertices) and the square's area is kept: the
    # outer edge is straight, so the union changes by under 0.1 % (rounding to the grid).
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates(wards.geometry.values).sum() / 10
    assert _area_m2(out) == pytest.approx(_area_m2(wards), rel=1e-3)
    # Coordinates sit on the level's grid.
    coords = shapely.get_coordinates(geoms) / lv.precision_deg
    assert np.abs(coords - np.round(coords)).max() < 1e-6


def test_tiny_ward_survives_a_coarse_tolerance() -> None:
    out = simplify_coverage(_grid_2x2(), 1_500.0, precision_deg=1e-5)
    tiny = out.set_index("WD25CD").geometry["tiny"]
    assert not tiny.is_empty and tiny.is_valid
    assert gpd.GeoSeries([tiny], crs="EPSG:4326").to_crs(BNG).area.iloc[0] > 1_000   # of 3,600 m2


def test_overlapping_input_is_cleaned() -> None:
    a = shapely.box(X0, Y0, X0 + 1_000, Y0 + 1_000)
    b = shapely.box(X0 + 999.8, Y0, X0 + 2_000, Y0 + 1_000)    # 20 cm overlap
    wards = gpd.GeoDataFrame({"WD25CD": ["a", "b"]}, geometry=[a, b], crs=BNG)
    out = simplify_coverage(wards, 100.0, precision_deg=1e-5)
    assert shapely.coverage_is_valid(out.geometry.values)
    assert len(out) == 2 and not shapely.is_empty(out.geometry.values).any()


@pytest.mark.parametrize("bad, message", [
    (gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]), "no CRS"),
    (gpd.GeoDataFrame(geometry=[shapely.Point(X0, Y0)], crs=BNG), "not polygons"),
])
def test_bad_input_is_refused(bad: gpd.GeoDataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simplify_coverage(bad, 100.0)


def test_levels_are_checked_and_documented() -> None:
    assert set(SIMPLIFICATION) == {"icb", "england"}
    assert SIMPLIFICATION["icb"].tolerance_m < SIMPLIFICATION["england"].tolerance_m
    assert all(lv.use for lv in SIMPLIFICATION.values())
    with pytest.raises(ValueError, match="tolerance_m"):
        Level("x", tolerance_m=0, precision_deg=1e-4, use="")


def test_lad_outlines_and_their_border_lines_on_the_grid() -> None:
    out = simplify_coverage(_grid_2x2(), SIMPLIFICATION["icb"].tolerance_m,
                            precision_deg=SIMPLIFICATION["icb"].precision_deg)
    lads = lad_outlines(out, out["LAD25CD"])
    assert list(lads.index) == ["L1", "L2"]
    assert all(shapely.contains(lads.geometry.values, lads["label"].values))  # each name inside its LAD
    lines = outline_lines(lads)
    # The area's outline and the one border between L1 and L2, each stretch drawn once.
    every_edge = shapely.union_all(lads.boundary.values)
    assert shapely.length(lines) == pytest.approx(shapely.length(every_edge), rel=1e-9)
    assert shapely.length(lines) < shapely.length(lads.boundary.values).sum()


# --- real data ---------------------------------------------------------------------------

LADS = ["E06000009", "E07000119", "E06000016"]   # Blackpool, Fylde (coast, estuary), Leicester


@pytest.fixture(scope="module")
def england() -> gpd.GeoDataFrame:
    return read_vector("wards25", RAW)


@pytest.fixture(scope="module")
def wards(england) -> gpd.GeoDataFrame:
    return england[england["LAD25CD"].isin(LADS)]


#: The payload budgets the levels were chosen for: Lancashire & South Cumbria's LADs in one
#: map, and all England, with ~150 bytes of properties (code, name, value, colour) per ward.
LSC_LADS = ["E06000008", "E06000009", *(f"E07000{n}" for n in range(117, 129)), "E06000064"]
BUDGET = {"icb": ("LSC", 200_000), "england": ("all", 3_000_000)}
PROPERTIES_BYTES = 150


@needs_raw("wards25")
@pytest.mark.parametrize("level", list(SIMPLIFICATION))
def test_all_england_meets_the_level_budget(england, level: str) -> None:
    lv = SIMPLIFICATION[level]
    out = simplify_coverage(england, lv.tolerance_m, precision_deg=lv.precision_deg)
    assert len(out) == 6826 and not shapely.is_empty(out.geometry.values).any()
    assert shapely.coverage_is_valid(out.geometry.values)   # also checked inside, at build time
    area, budget = BUDGET[level]
    shown = out[out["LAD25CD"].isin(LSC_LADS)] if area == "LSC" else out
    geometry_only = len(gpd.GeoDataFrame(geometry=shown.geometry.values, crs=shown.crs).to_json())
    assert geometry_only + PROPERTIES_BYTES * len(shown) <= budget


@needs_raw("wards25")
@pytest.mark.parametrize("level", list(SIMPLIFICATION))
def test_real_wards_stay_a_coverage(wards, level: str) -> None:
    lv = SIMPLIFICATION[level]
    out = simplify_coverage(wards, lv.tolerance_m, precision_deg=lv.precision_deg)
    geoms = out.geometry.values
    assert len(out) == len(wards) == 21 + 17 + 21
    assert out.index.equals(wards.index) and (out["WD25CD"] == wards["WD25CD"]).all()
    assert not shapely.is_empty(geoms).any() and shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)
    before = shapely.get_num_coordinates(wards.geometry.values).sum()
    assert shapely.get_num_coordinates(geoms).sum() < before / 4
    # No overlaps: the wards' areas add up to their union.
    assert out.to_crs(BNG).area.sum() == pytest.approx(_area_m2(out), rel=1e-9)


@needs_raw("wards25")
def test_real_wards_keep_their_area_at_icb_level(wards) -> None:
    lv = SIMPLIFICATION["icb"]
    out = simplify_coverage(wards, lv.tolerance_m, precision_deg=lv.precision_deg)
    # Measured: -0.3 % (Blackpool + Fylde) and -0.9 % (Leicester); no gap opens inside.
    for lads in (["E06000009", "E07000119"], ["E06000016"]):
        before, after = (_area_m2(f[f["LAD25CD"].isin(lads)]) for f in (wards, out))
        assert after == pytest.approx(before, rel=0.02)
    union = shapely.union_all(out.to_crs(BNG).geometry.values)
    assert sum(shapely.get_num_interior_rings(shapely.get_parts(union))) == 0


@needs_raw("wards25")
def test_real_lad_outlines_match_the_wards(wards) -> None:
    lv = SIMPLIFICATION["icb"]
    out = simplify_coverage(wards, lv.tolerance_m, precision_deg=lv.precision_deg)
    lads = lad_outlines(out, out["LAD25CD"])
    assert list(lads.index) == sorted(LADS)
    assert shapely.coverage_is_valid(lads.geometry.values)
    for code, outline in zip(lads.index, lads.geometry):
        union = shapely.union_all(out.loc[out["LAD25CD"] == code].geometry.values)
        assert shapely.area(shapely.symmetric_difference(outline, union)) == pytest.approx(0, abs=1e-12)
    # Every stretch of outline is drawn exactly once.
    drawn = outline_lines(lads)
    assert shapely.length(shapely.symmetric_difference(drawn, shapely.union_all(lads.boundary.values))) < 1e-9
    assert shapely.length(drawn) < shapely.length(lads.boundary.values).sum()
