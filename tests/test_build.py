"""The ward data foundation: Output Area best fit, totals, membership, Census ward populations,
best-fit agreement, recast, determinism, bad input."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import build, rawdata
from geo.errors import BuildInputError
from geo.paths import DATA, ROOT
from tests.conftest import INDICATOR_DIR as INDICATORS, RAW, needs_raw, require_raw
from tests.tables import csv_fixture


#: Census 2021 usual residents of England as published (ONS, 28 June 2022).
ENGLAND_2021 = 56_490_048
#: ONS perturbs small census cells; LSOA sums differ from published totals by a few hundred.
PERTURBATION = 1_000
#: The sum of England's 178,605 Output Area counts (Census 2021 TS001), each OA counted once.
ENGLAND_OA_2021 = 56_490_284
N_OAS = 178_605
#: The wards whose area holds no OA population-weighted centroid: 15 small City of London wards
#: and St Agnes (Isles of Scilly). They get values by areal overlay.
NO_OA_WARDS = {"E05009289", "E05009290", "E05009293", "E05009294", "E05009295", "E05009296", "E05009298",
               "E05009299", "E05009300", "E05009301", "E05009303", "E05009306", "E05009307", "E05009311",
               "E05009312", "E05011091"}


register = csv_fixture(INDICATORS / "wards.csv")
imd2025 = csv_fixture(INDICATORS / "ward_deprivation_2025.csv")
membership = csv_fixture(INDICATORS / "lsoa21_ward25_membership.csv")


@pytest.fixture(scope="module")
def raw_wards() -> gpd.GeoDataFrame:
    """The raw 2025 ward polygons of England in British National Grid, indexed by WD25CD."""
    require_raw()
    wards = rawdata.read_vector("wards25", RAW)
    return wards[wards["WD25CD"].str.startswith("E05")].set_index("WD25CD").to_crs(27700)


@pytest.fixture(scope="module")
def raw_oas() -> gpd.GeoDataFrame:
    """England's Output Areas from the raw files: residents, LSOA and centroid (British National Grid)."""
    require_raw()
    points = rawdata.read_vector("oa21_centroids", RAW).to_crs(27700)
    oas = rawdata.read_table("oa21_residents", RAW)
    oas = points.merge(oas[oas["oa21_code"].str.startswith("E00")], on="oa21_code", validate="one_to_one")
    assert len(oas) == N_OAS
    return oas


def test_every_english_ward_once_with_one_lad_and_one_icb(register: pd.DataFrame) -> None:
    assert len(register) == 6_826
    assert register["ward_code"].is_unique
    assert register["ward_code"].str.match(r"^E05\d{6}$").all()
    assert register[["lad_code", "icb_code", "icb_name"]].notna().all().all()
    assert register.groupby("ward_code")[["lad_code", "icb_code"]].nunique().eq(1).all().all()
    assert register["lad_code"].nunique() == 296
    assert register["icb_code"].nunique() == 42


def test_population_adds_up_to_census_england(register: pd.DataFrame) -> None:
    best_fit = register[register["method_flag"] == "best fit"]
    # Every English OA's residents once: the OA sum, a few hundred off the published total.
    assert best_fit["population"].sum() == ENGLAND_OA_2021
    assert abs(best_fit["population"].sum() - ENGLAND_2021) < PERTURBATION
    overlay = register[register["method_flag"] == "areal overlay"]
    # The areal-overlay wards are few and small; their residents are also in a best-fit ward.
    assert 0 < len(overlay) < 100
    assert overlay["population"].sum() < 0.001 * ENGLAND_2021


def test_icb_footprints_follow_lsoa_lookup_not_whole_lads(register: pd.DataFrame) -> None:
    lsc = register[register["icb_code"] == "E54000048"]
    # Westmorland and Furness is split: Barrow and South Lakeland wards in L&SC, Eden in NENC.
    assert (lsc["lad_code"] == "E06000064").sum() == 24
    assert set(lsc["lad_code"]) >= {"E06000008", "E06000009", *(f"E07000{n}" for n in range(117, 129))}
    llr = register[register["icb_code"] == "E54000015"]
    assert len(llr) == 176
    assert set(llr["lad_code"]) == {"E06000016", "E06000017", *(f"E07000{n}" for n in range(129, 136))}


def test_most_deprived_ward_in_england_and_deciles(imd2025: pd.DataFrame) -> None:
    top = imd2025.sort_values("imd_rank_in_england").iloc[0]
    assert (top["ward_code"], top["ward_name"], top["lad_name"]) == ("E05015188", "Bloomfield", "Blackpool")
    assert top["imd_score"] == pytest.approx(86.2196, abs=0.0001)
    counts = imd2025["imd_decile_england"].value_counts()
    assert set(counts.index) == set(range(1, 11)) and counts.between(682, 683).all()
    # Within an ICB the deciles also run 1..10, 1 being the highest scores.
    lsc = imd2025[imd2025["icb_code"] == "E54000048"]
    assert lsc.loc[lsc["imd_score"].idxmax(), "imd_decile_icb"] == 1
    assert lsc.loc[lsc["imd_score"].idxmin(), "imd_decile_icb"] == 10


def test_shares_are_fractions_and_core20_matches_deciles(imd2025: pd.DataFrame) -> None:
    shares = imd2025[["core20_share", "decile1_share", "idaci_decile1_share", "idaopi_decile1_share", "imd_extent"]]
    assert shares.ge(0).all().all() and shares.le(1).all().all()
    assert (imd2025["decile1_share"] <= imd2025["core20_share"] + 1e-12).all()
    # Extent counts decile 1 in full and part of deciles 2-3, so it lies at or above decile 1.
    assert (imd2025["imd_extent"] >= imd2025["decile1_share"] - 1e-9).all()


def test_membership_shares_split_each_lsoa_by_its_output_areas(membership: pd.DataFrame) -> None:
    best = membership[membership["method"] != "areal overlay"]
    assert best["lsoa21_code"].nunique() == 33_755
    assert np.allclose(best.groupby("lsoa21_code")["share"].sum(), 1.0, atol=1e-7)
    assert best["share"].between(0, 1, inclusive="right").all()
    split = best.groupby("lsoa21_code").size()
    assert (split > 1).sum() == 6_400 and split.max() == 6
    # One best-fit ward per LSOA, the same on every row of the LSOA.
    assert membership.groupby("lsoa21_code")["best_fit_ward_code"].nunique().eq(1).all()


def test_wards_without_an_output_area_are_flagged_areal_overlay(register: pd.DataFrame,
                                                                membership: pd.DataFrame) -> None:
    overlay = register.loc[register["method_flag"] == "areal overlay", "ward_code"]
    assert set(overlay) == NO_OA_WARDS
    assert set(membership.loc[membership["method"] == "areal overlay", "ward_code"]) == NO_OA_WARDS
    assert not membership.loc[membership["method"] != "areal overlay", "ward_code"].isin(NO_OA_WARDS).any()
    # Every other ward holds at least one OA.
    assert membership.loc[membership["method"] != "areal overlay", "ward_code"].nunique() == 6_826 - 16


@needs_raw()
def test_every_output_area_is_assigned_to_the_ward_holding_its_centroid(raw_oas: gpd.GeoDataFrame,
                                                                        raw_wards: gpd.GeoDataFrame,
                                                                        register: pd.DataFrame) -> None:
    """Point-in-polygon from the raw files, independently of the build: ward populations are OA sums."""
    inside = gpd.sjoin(raw_oas, raw_wards[["geometry"]], predicate="within", how="left")
    inside = inside.sort_values(["oa21_code", "WD25CD"]).drop_duplicates("oa21_code")
    outside = inside[inside["WD25CD"].isna()]
    # A dozen centroids lie just off the generalised coastline; the build puts them in the nearest ward.
    near = gpd.sjoin_nearest(raw_oas[raw_oas["oa21_code"].isin(outside["oa21_code"])], raw_wards[["geometry"]],
                             distance_col="distance_m")
    assert len(near) == 12 and near["distance_m"].max() < 125
    ward = inside.set_index("oa21_code")["WD25CD"].fillna(near.set_index("oa21_code")["WD25CD"])
    population = raw_oas.set_index("oa21_code")["residents"].groupby(ward).sum()
    best = register[register["method_flag"] == "best fit"].set_index("ward_code")["population"]
    pd.testing.assert_series_equal(population.sort_index(), best.sort_index(), check_names=False,
                                   check_index_type=False)
    assert population.sum() == ENGLAND_OA_2021 and ward.notna().sum() == N_OAS


@needs_raw()
def test_ward_populations_match_the_census_ward_tables(register: pd.DataFrame) -> None:
    """The 161 Lancashire wards whose codes are unchanged since the Census 2021 ward (2022) tables.

    Whole-LSOA best fit was a median 4.6% off and more than 10% off for 50 of them; OA best fit is a
    median 0.03% off and at most 3.2% (Little Harwood & Whitebirk, Blackburn: 9,612 against 9,315).
    """
    census = rawdata.read_table("census_wards22_lancashire", RAW).set_index("ward22_code")
    census = census.filter(like="health_").sum(axis=1)  # the five TS037 groups: all usual residents
    both = register.set_index("ward_code").join(census.rename("census"), how="inner")
    assert len(both) == 161
    error = (both["population"] / both["census"] - 1).abs()
    assert error.median() <= 0.005 and error.median() == pytest.approx(0.00028, abs=0.00005)
    assert error.max() <= 0.05 and error.max() == pytest.approx(0.0319, abs=0.0001)
    assert error.idxmax() == "E05011518" and both.at["E05011518", "ward_name"] == "Little Harwood & Whitebirk"
    named = both.set_index("ward_name")[["census", "population"]]
    # Census / OA best fit (whole-LSOA best fit gave 2,706, 3,247 and 11,955).
    assert named.loc["Whalley Nethertown"].tolist() == [1_514, 1_512]
    assert named.loc["Pheasant's Wood"].tolist() == [1_850, 1_850]
    assert named.loc["Blackburn Central"].tolist() == [9_280, 9_276]


@needs_raw()
def test_one_ward_per_lsoa_is_ons_best_fit_and_our_own_rules_are_measured(
        membership: pd.DataFrame, raw_wards: gpd.GeoDataFrame) -> None:
    ons = rawdata.read_table("wd25_bestfit", RAW)
    ons = ons[ons["lsoa21_code"].str.startswith("E01")].set_index("lsoa21_code")["WD25CD"]
    ours = membership.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["best_fit_ward_code"]
    assert len(ons) == len(ours) == 33_755
    assert (ours.reindex(ons.index) == ons).mean() >= 0.999  # it is ONS's lookup: 100%
    assert (ours.reindex(ons.index) == ons).all()

    check = pd.read_csv(INDICATORS / "lsoa21_ward25_bestfit_check.csv").set_index("lsoa21_code")
    assert (check["ward_code_ons"] == ons.reindex(check.index)).all()
    # (a) The ward holding the LSOA's own population-weighted centroid, recomputed from the raw files:
    # 71 LSOAs (99.79% agree), every one within 20 m of a generalised ward edge, where the BGC polygons
    # ONS does not use for its lookup cannot decide.
    cents = rawdata.read_table("centroids21", RAW)
    cents = cents[cents["lsoa21_code"].str.startswith("E01")]
    points = gpd.GeoDataFrame(cents[["lsoa21_code"]], geometry=gpd.points_from_xy(cents["x_bng"], cents["y_bng"]),
                              crs=27700)
    by_centroid = gpd.sjoin(points, raw_wards[["geometry"]], predicate="within").drop_duplicates("lsoa21_code")
    by_centroid = by_centroid.set_index("lsoa21_code")["WD25CD"].reindex(ons.index)
    differ = ons.index[by_centroid.notna() & (by_centroid != ons)]
    assert len(differ) == 71 and (len(ons) - 71) / len(ons) == pytest.approx(0.9979, abs=0.0001)
    assert set(differ) == set(check.index[~check["lsoa_centroid_agrees"]])
    edge = shapely.distance(points.set_index("lsoa21_code").geometry.reindex(differ).to_numpy(),
                            raw_wards.geometry.reindex(by_centroid[differ]).boundary.to_numpy())
    assert edge.max() < 20
    # (b) The ward holding most of the LSOA's OA residents: 675 LSOAs (98.00% agree).
    best = membership[membership["method"] != "areal overlay"]
    most = (best.sort_values(["lsoa21_code", "share", "ward_code"], ascending=[True, False, True])
            .drop_duplicates("lsoa21_code").set_index("lsoa21_code")["ward_code"].reindex(ons.index))
    assert (most != ons).sum() == 675
    assert set(ons.index[most != ons]) == set(check.index[~check["most_residents_agrees"]])
    assert len(check) == len(set(differ) | set(ons.index[most != ons]))


@needs_raw()
def test_iod2019_recast_reproduces_file10_for_unchanged_lads() -> None:
    """Recast through LSOA11 -> LSOA21 -> 2024 LADs, an unchanged LAD keeps its File 10 score.

    LADs whose code survives from 2019 are compared. A few lost or gained small areas in
    boundary changes, and redesigned LSOAs are apportioned by population, so a handful differ
    by up to 0.1; nearly all match to 0.01.
    """
    file10 = rawdata.read_table("imd2019_lad_summaries", RAW)
    ours = pd.read_csv(INDICATORS / "summaries_lad_2019_computed.csv")
    both = file10.merge(ours, on="area_code", suffixes=("_file10", ""))
    assert len(both) >= 280
    diff = (both["imd_average_score"] - both["imd_average_score_file10"]).abs()
    assert diff.max() < 0.1
    assert (diff < 0.01).mean() > 0.97
    blackpool = both.set_index("area_code").loc["E06000009"]
    assert blackpool["imd_average_score"] == pytest.approx(45.039, abs=0.002)
    assert blackpool["imd_rank_of_average_score"] == 1


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


@needs_raw()
def test_rebuild_reproduces_committed_data_byte_for_byte(tmp_path: Path) -> None:
    """``python -m geo.build`` in a fresh interpreter gives the committed bytes.

    A fresh process, as a user runs it: PROJ caches CRS objects per process, and once any code
    has identified a CRS read without a datum ensemble (``CRS.to_epsg()`` on
    ``msoa11.parquet``'s, as tests/test_health_layers.py does), EPSG:4326 is exported without
    its ensemble too, which changes the GeoParquet metadata though not a coordinate.
    """
    done = subprocess.run([sys.executable, "-m", "geo.build", "--raw", str(RAW), "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Build finished" in done.stdout
    for folder in build.FOLDERS:
        assert _digest(tmp_path / folder) == _digest(DATA / folder), f"data/{folder} differs from a rebuild"


# --- bad input -------------------------------------------------------------------------------

def _raw_copy(tmp_path: Path) -> Path:
    """A raw folder of symlinks to the real files, so one file can be broken cheaply."""
    copy = tmp_path / "raw"
    for src in RAW.rglob("*"):
        if src.is_file():
            dst = copy / src.relative_to(RAW)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(src, dst)
    return copy


def _replace(raw: Path, rel: str) -> Path:
    path = raw / rel
    path.unlink()
    return path


def _break_missing(raw: Path) -> None:
    _replace(raw, rawdata.RAW_TABLES["imd2025"].path)


def _break_renamed(raw: Path) -> None:
    path = _replace(raw, rawdata.RAW_TABLES["population21"].path)
    os.symlink(RAW / rawdata.RAW_TABLES["population21"].path, path.with_name("population_renamed.csv"))


def _break_column(raw: Path) -> None:
    rel = rawdata.RAW_TABLES["imd2025"].path
    frame = pd.read_csv(RAW / rel).rename(columns={"IMD_score": "imd_score_2025"})
    frame.to_csv(_replace(raw, rel), index=False)


def _break_duplicate(raw: Path) -> None:
    rel = rawdata.RAW_TABLES["imd2025"].path
    frame = pd.read_csv(RAW / rel)
    pd.concat([frame, frame.iloc[[10]]]).to_csv(_replace(raw, rel), index=False)


def _break_crs(raw: Path) -> None:
    rel = rawdata.RAW_VECTORS["wards25"].path
    wards = gpd.read_file(RAW / rel)
    wards.to_crs("EPSG:27700").to_file(_replace(raw, rel), layer="wards_2025_bgc", driver="GPKG")


def _break_centroids(raw: Path) -> None:
    rel = rawdata.RAW_TABLES["centroids21"].path
    frame = pd.read_csv(RAW / rel)
    frame[["x_bng", "y_bng"]] = frame[["lon", "lat"]].to_numpy()
    frame.to_csv(_replace(raw, rel), index=False)


def _break_oa_centroids(raw: Path) -> None:
    rel = rawdata.RAW_VECTORS["oa21_centroids"].path
    with gzip.open(RAW / rel, "rt") as src:
        lines = [line for line in src if '"E00063879"' not in line]
    with gzip.open(_replace(raw, rel), "wt") as dst:
        dst.writelines(lines)


@needs_raw()
@pytest.mark.parametrize(("breaker", "expected"), [
    (_break_missing, r"imd2025_england_lsoa21_scores_ranks_deciles\.csv: file not found"),
    (_break_renamed, r"census2021_usual_residents_lsoa21_age6_wide\.csv: file not found"),
    (_break_column, r"imd2025_england_lsoa21_scores_ranks_deciles\.csv: missing column\(s\) 'IMD_score'"),
    (_break_duplicate, r"imd2025_england_lsoa21_scores_ranks_deciles\.csv: 1 duplicated lsoa21_code"),
    (_break_crs, r"england_wards_2025_bgc\.gpkg: expected CRS EPSG:4326 but found EPSG:27700"),
    (_break_centroids, r"DERIVED_LSOA_PopCentroids_EW_2021_V3_bng_wgs84\.csv: \d+ centroid\(s\) have x_bng/y_bng outside"),
    (_break_oa_centroids, r"oa21_population_weighted_centroids_ew\.geojsonl\.gz: 1 English OA\(s\) of the TS001 file "
                          r"have no centroid, e\.g\. E00063879"),
], ids=["missing", "renamed", "column", "duplicate", "crs", "centroid-crs", "oa-centroid"])
def test_bad_input_stops_with_one_message_and_leaves_data_alone(tmp_path: Path, breaker, expected) -> None:
    raw = _raw_copy(tmp_path)
    breaker(raw)
    out = tmp_path / "out"
    (out / "indicators").mkdir(parents=True)
    (out / "indicators" / "keep.csv").write_text("ward_code\nE05000001\n")
    before = _digest(out)
    with pytest.raises(BuildInputError, match=expected) as caught:
        build.run(raw, out, log=lambda _: None)
    assert "Fix:" in str(caught.value)
    assert _digest(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".build-")]


def test_cli_says_what_to_do_when_raw_folder_is_missing(tmp_path: Path, capsys) -> None:
    assert build.main(["--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "WARDLENS_RAW" in err
    assert not (tmp_path / "out").exists()


@needs_raw()
def test_cli_reports_bad_input_without_traceback(tmp_path: Path, capsys) -> None:
    raw = _raw_copy(tmp_path)
    _break_missing(raw)
    assert build.main(["--raw", str(raw), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Build stopped: imd2025/") and "Traceback" not in err
    shutil.rmtree(tmp_path / "out", ignore_errors=True)


@needs_raw()
@pytest.mark.parametrize("ward", ["E05015188", "E05010465", "E05014284"])  # Bloomfield, Eyres Monsell, Hunmanby & Sherburn
def test_ward_score_is_weighted_by_the_residents_of_its_output_areas(imd2025: pd.DataFrame, raw_wards: gpd.GeoDataFrame,
                                                                     raw_oas: gpd.GeoDataFrame, ward: str) -> None:
    """Recompute a ward from the raw files alone: the OAs whose centroid it holds, their residents
    summed by LSOA as the weights of the LSOAs' IMD 2025 scores."""
    oas = raw_oas[raw_oas.within(raw_wards.geometry[ward])]
    people = oas.groupby("lsoa21_code")["residents"].sum()
    imd = rawdata.read_table("imd2025", RAW).set_index("lsoa21_code")
    scores = imd.loc[people.index, "IMD_score"]
    ours = imd2025.set_index("ward_code").loc[ward]
    assert len(people) >= 3
    assert ours["imd_score"] == pytest.approx((scores * people).sum() / people.sum(), abs=1e-5)
    assert ours["population"] == people.sum()
    core20 = imd.loc[people.index, "IMD_decile"] <= 2
    assert ours["core20_share"] == pytest.approx(people[core20].sum() / people.sum(), abs=1e-7)
