"""Tests for geo.coastal: a hand-built coast with a land border, then the real wards.

The real-data tests read the ONS 2025 BGC wards and the Natural Earth coastline and land from
the shared raw folder (geo.paths.raw_dir) and are skipped when it is absent. They flag all
England's wards, as the build does (about 3 s), and check wards verified by eye on maps of
the rule's output: Blackpool and Morecambe seafronts, the Welsh and Scottish land borders.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.coastal import CAVEAT, REASONS, flag_coastal_wards, outer_edge_lines
from geo.rawdata import read_vector
from tests.conftest import RAW, needs_raw

BNG = "EPSG:27700"
CELL = 5_000.0
X0, Y0 = 400_000.0, 300_000.0   # somewhere in the Midlands, well inside EPSG:27700's area of use


# --- hand-built: a 3 x 3 grid of 5 km wards, sea to the west, south and north, a neighbour
# country to the east, and a coastline that stops 8 km up the grid, so that the north shore,
# 7 km from it, is "up a river".

def _grid() -> gpd.GeoDataFrame:
    cells = [(i, j) for j in range(3) for i in range(3)]
    return gpd.GeoDataFrame(
        {"WD25CD": [f"c{i}{j}" for i, j in cells]},
        geometry=[shapely.box(X0 + i * CELL, Y0 + j * CELL, X0 + (i + 1) * CELL, Y0 + (j + 1) * CELL)
                  for i, j in cells],
        crs=BNG).set_index("WD25CD", drop=False)


def _land_and_coast() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    england = shapely.box(X0, Y0, X0 + 3 * CELL, Y0 + 3 * CELL)
    neighbour = shapely.box(X0 + 3 * CELL, Y0 - 60_000, X0 + 80_000, Y0 + 75_000)
    land = shapely.union_all([england, neighbour])
    coast = shapely.clip_by_rect(land.boundary, X0 - 100_000, Y0 - 100_000, X0 + 100_000, Y0 + 8_000)
    return (gpd.GeoDataFrame(geometry=[land], crs=BNG).to_crs("EPSG:4326"),
            gpd.GeoDataFrame(geometry=[coast], crs=BNG).to_crs("EPSG:4326"))


def test_grid_reasons_follow_the_rule() -> None:
    land, coast = _land_and_coast()
    flags = flag_coastal_wards(_grid().to_crs("EPSG:4326"), coast, land)
    reason = {code: next(k for k, v in REASONS.items() if v.split("{")[0] in text)
              for code, text in flags["coastal_reason"].items()}
    assert reason == {
        "c00": "coast", "c10": "coast", "c20": "coast",   # south shore (c20 also borders east)
        "c01": "coast", "c11": "inland", "c21": "border",
        "c02": "coast", "c12": "river", "c22": "border",  # north shore is 7 km from the coastline
    }
    assert flags["coastal"].to_dict() == {k: v == "coast" for k, v in reason.items()}
    # c10 has its 5 km south side on the shore; c20 its south side, plus 5 km of land border
    # (to within a metre: the grid went to EPSG:4326 and back).
    assert flags.loc["c10", "coast_edge_m"] == pytest.approx(CELL, abs=1.0)
    assert flags.loc["c20", "coast_edge_m"] == pytest.approx(CELL, abs=1.0)
    assert flags.loc["c20", "border_edge_m"] == pytest.approx(CELL, abs=1.0)
    assert flags.loc["c11", "outer_edge_m"] == 0


def test_grid_short_shore_is_not_coastal() -> None:
    land, coast = _land_and_coast()
    flags = flag_coastal_wards(_grid(), coast, land, min_edge_m=6_000)
    assert not flags.loc["c10", "coastal"]                 # 5 km of shore < 6 km
    assert flags.loc["c10", "coastal_reason"].startswith("touches the sea")
    assert flags.loc["c00", "coastal"]                     # corner: 10 km of shore


def test_not_a_coverage_is_refused() -> None:
    land, coast = _land_and_coast()
    overlapping = gpd.GeoDataFrame(
        geometry=[shapely.box(X0, Y0, X0 + 10, Y0 + 10), shapely.box(X0 + 5, Y0, X0 + 15, Y0 + 10)], crs=BNG)
    with pytest.raises(ValueError, match="not a valid coverage"):
        flag_coastal_wards(overlapping, coast, land)


def test_caveat_states_the_thresholds() -> None:
    assert "5 km" in CAVEAT and "100 m" in CAVEAT and "Wales and Scotland" in CAVEAT


# --- real data ---------------------------------------------------------------------------



@pytest.fixture(scope="module")
def england() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    return read_vector("wards25", RAW), read_vector("coastline", RAW), read_vector("land", RAW)


@pytest.fixture(scope="module")
def flags(england) -> gpd.GeoDataFrame:
    wards, coast, land = england
    return wards.drop(columns="geometry").join(flag_coastal_wards(wards, coast, land))


def _in(flags, lad: str):
    return flags[flags["LAD25CD"] == lad].set_index("WD25NM")


@needs_raw("wards25", "coastline", "land")
@pytest.mark.parametrize("lad", ["E07000117", "E07000122", "E07000125", "E06000016"])
def test_inland_districts_have_no_coastal_ward(flags, lad: str) -> None:
    wards = _in(flags, lad)    # Burnley, Pendle, Rossendale, Leicester
    assert len(wards) >= 10
    assert not wards["coastal"].any()
    assert (wards["outer_edge_m"] == 0).all()


@needs_raw("wards25", "coastline", "land")
def test_blackpool_seafront(flags) -> None:
    # The nine wards between the sea and the promenade's back streets, north to south,
    # checked on a map; Brunswick, Layton, Greenlands, Ingthorpe... are one street back.
    seafront = {"Anchorsholme", "Norbreck", "Bispham", "Warbreck", "Claremont", "Talbot",
                "Bloomfield", "Waterloo", "Squires Gate"}
    wards = _in(flags, "E06000009")
    assert set(wards.index[wards["coastal"]]) == seafront
    assert (wards.loc[sorted(seafront), "coast_edge_m"] > 800).all()


@needs_raw("wards25", "coastline", "land")
def test_morecambe_seafront_and_lune(flags) -> None:
    wards = _in(flags, "E07000121")
    front = ["Heysham South", "Heysham Central", "Heysham North", "West End", "Poulton", "Bare"]
    assert wards.loc[front, "coastal"].all()
    assert not wards.loc[["Torrisholme", "Westgate"], "coastal"].any()   # a street back
    assert wards.loc[["Skerton", "Castle", "Marsh"], "coastal"].all()    # Lune estuary, Lancaster


@needs_raw("wards25", "coastline", "land")
@pytest.mark.parametrize("lad, names", [
    ("E06000051", ["Llanymynech", "St Martin's", "Clun", "Chirbury & Worthen"]),   # Shropshire
    ("E06000019", ["Kington", "Golden Valley South", "Llangarron"]),              # Herefordshire
    ("E06000050", ["Farndon", "Saughall & Mollington", "Willaston & Thornton"]),  # Cheshire W.
    ("E06000057", ["Wooler", "Bellingham", "Rothbury"]),                          # Scotland
])
def test_land_border_wards_are_not_coastal(flags, lad: str, names: list[str]) -> None:
    wards = _in(flags, lad).loc[names]
    assert (wards["border_edge_m"] > 1_000).all()     # they really are on the border...
    assert not wards["coastal"].any()                 # ...and it does not count as coast
    assert wards["coastal_reason"].str.startswith("on the land border").all()


@needs_raw("wards25", "coastline", "land")
def test_tidal_river_far_inland_is_not_coast(flags) -> None:
    preston = _in(flags, "E07000123").loc["City Centre"]
    assert preston["outer_edge_m"] > 0 and not preston["coastal"]
    assert preston["coastal_reason"].startswith("on a tidal river")


@needs_raw("wards25", "coastline", "land")
def test_england_count(flags) -> None:
    assert len(flags) == 6826
    assert 800 <= int(flags["coastal"].sum()) <= 870    # 833 with the committed parameters


@needs_raw("wards25", "coastline", "land")
def test_border_lines_lie_inland_on_natural_earth(england) -> None:
    wards, coast, land = england
    lines = outer_edge_lines(wards, coast, land).set_index("kind")
    # The Anglo-Welsh and Anglo-Scottish borders are about 260 and 150 km as the crow flies;
    # at the wards' 20 m detail they are longer, but nowhere near the 9,600 km of shore.
    assert 400_000 < lines.loc["border", "length_m"] < 700_000
    assert lines.loc["coast", "length_m"] > 10 * lines.loc["border", "length_m"]
    ne_land = shapely.union_all(land.to_crs(BNG).geometry.values)
    border = lines.loc["border", "geometry"]
    inside = shapely.length(shapely.intersection(border, ne_land)) / shapely.length(border)
    assert inside > 0.98
