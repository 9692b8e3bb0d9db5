"""The ward data foundation: totals, membership, best-fit agreement, recast, determinism, bad input."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo import build, rawdata
from geo.errors import BuildInputError
from geo.paths import DATA, INDICATORS, ROOT, raw_dir

RAW = raw_dir()
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw open data not found at {RAW}")

#: Census 2021 usual residents of England as published (ONS, 28 June 2022).
ENGLAND_2021 = 56_490_048
#: ONS perturbs small census cells; LSOA sums differ from published totals by a few hundred.
PERTURBATION = 1_000


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return pd.read_csv(INDICATORS / "wards.csv")


@pytest.fixture(scope="module")
def imd2025() -> pd.DataFrame:
    return pd.read_csv(INDICATORS / "ward_deprivation_2025.csv")


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
    assert top["imd_score"] == pytest.approx(86.218, abs=0.001)
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


@needs_raw
def test_best_fit_agrees_with_ons_wd24_lookup() -> None:
    ons = rawdata.read_table("wd24_bestfit", RAW)
    ours = pd.read_csv(INDICATORS / "lsoa21_ward25_membership.csv")
    ours = ours[ours["method"] != "areal overlay"]
    both = ours.merge(ons, on="lsoa21_code")
    codes = set(ours["ward_code"]) & set(ons["WD24CD"])
    comparable = both[both["ward_code"].isin(codes) & both["WD24CD"].isin(codes)]
    assert len(comparable) > 32_000
    assert (comparable["ward_code"] == comparable["WD24CD"]).mean() >= 0.995


@needs_raw
def test_iod2019_recast_reproduces_file10_for_unchanged_lads() -> None:
    """Recast through LSOA11 -> LSOA21 -> 2024 LADs, an unchanged LAD keeps its File 10 score.

    LADs whose code survives from 2019 are compared. A few lost or gained small areas in
    boundary changes, and redesigned LSOAs are apportioned by population, so a handful differ
    by up to 0.1; nearly all match to 0.01.
    """
    file10 = rawdata.read_table("imd2019_lad_summaries", RAW)
    ours = pd.read_csv(INDICATORS / "summaries_lad_2019.csv")
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


@needs_raw
def test_rebuild_reproduces_committed_data_byte_for_byte(tmp_path: Path) -> None:
    # The real command in a fresh process: PROJ describes a CRS differently once a process has
    # identified other CRSs (WGS 84 with or without its datum ensemble), so an in-process build
    # after other tests could write other bytes than `python -m geo.build` does.
    done = subprocess.run([sys.executable, "-m", "geo.build", "--raw", str(RAW), "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
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


@needs_raw
@pytest.mark.parametrize(("breaker", "expected"), [
    (_break_missing, r"imd2025_england_lsoa21_scores_ranks_deciles\.csv: file not found"),
    (_break_renamed, r"census2021_usual_residents_lsoa21_age6_wide\.csv: file not found"),
    (_break_column, r"imd2025_england_lsoa21_scores_ranks_deciles\.csv: missing column\(s\) 'IMD_score'"),
    (_break_duplicate, r"imd2025_england_lsoa21_scores_ranks_deciles\.csv: 1 duplicated lsoa21_code"),
    (_break_crs, r"england_wards_2025_bgc\.gpkg: expected CRS EPSG:4326 but found EPSG:27700"),
    (_break_centroids, r"DERIVED_LSOA_PopCentroids_EW_2021_V3_bng_wgs84\.csv: \d+ centroid\(s\) have x_bng/y_bng outside"),
], ids=["missing", "renamed", "column", "duplicate", "crs", "centroid-crs"])
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


@needs_raw
def test_cli_reports_bad_input_without_traceback(tmp_path: Path, capsys) -> None:
    raw = _raw_copy(tmp_path)
    _break_missing(raw)
    assert build.main(["--raw", str(raw), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Build stopped: imd2025/") and "Traceback" not in err
    shutil.rmtree(tmp_path / "out", ignore_errors=True)


@needs_raw
@pytest.mark.parametrize("ward", ["E05015188", "E05010465", "E05014284"])  # Bloomfield, Eyres Monsell, Hunmanby & Sherburn
def test_ward_score_is_the_population_weighted_mean_over_ons_best_fit_lsoas(imd2025: pd.DataFrame, ward: str) -> None:
    """Recompute a ward from the raw files and ONS's own best-fit lookup, independently of our best fit."""
    ons = rawdata.read_table("wd24_bestfit", RAW)
    lsoas = ons.loc[ons["WD24CD"] == ward, "lsoa21_code"]
    scores = rawdata.read_table("imd2025", RAW).set_index("lsoa21_code").loc[lsoas, "IMD_score"]
    people = rawdata.read_table("population21", RAW).set_index("lsoa21_code").loc[lsoas, "population"]
    ours = imd2025.set_index("ward_code").loc[ward]
    assert len(lsoas) >= 3
    assert ours["imd_score"] == pytest.approx((scores * people).sum() / people.sum(), abs=1e-6)
    assert ours["population"] == people.sum()
    assert ours["core20_share"] == pytest.approx(people[scores.index.isin(
        rawdata.read_table("imd2025", RAW).query("IMD_decile <= 2")["lsoa21_code"])].sum() / people.sum())
