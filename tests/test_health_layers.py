"""Health, long-term conditions, children and place layers: real values on the built data.

Most tests read the processed files in ``data/`` (fast, no raw data needed). Tests that
compare with the raw LSOA or DWP files skip with a reason when the raw folder is absent.
Hand-built frames check the edge cases of the ward aggregation (overlay wards, NaN MSOAs,
names that do not match).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import childpoverty, msoa, rawdata
from geo.bestfit import BEST_FIT, OVERLAY
from geo.wardvalues import OVERLAY_COUNT_NOTE, ward_counts, ward_general_health, ward_percentages
from tests.conftest import BOUNDARY_DIR as BOUNDARIES, INDICATOR_DIR as INDICATORS, RAW, needs_raw, require_raw
from tests.tables import csv_fixture
from geo.rurality import RURAL_THRESHOLD
from geo.wards import apportion_counts


N_WARDS = 6_826
BLACKPOOL = "E06000009"
INLAND = {"E07000117": "Burnley", "E07000122": "Pendle", "E07000125": "Rossendale"}
#: ONS recoded Barnsley and Sheffield after the IoD2025 LAD (2024) codes were fixed.
LAD24_TO_LAD25 = {"E08000016": "E08000038", "E08000019": "E08000039"}


#: Columns read as text (codes and notes that may be empty).
_TEXT = {"ward_code": "string", "child_poverty_note": "string", "disabled_note": "string"}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(INDICATORS / name, dtype=_TEXT)


membership = csv_fixture(INDICATORS / "lsoa21_ward25_membership.csv", dtype=_TEXT)
conditions = csv_fixture(INDICATORS / "ward_conditions.csv", index="ward_code", dtype=_TEXT)
health = csv_fixture(INDICATORS / "ward_health.csv", index="ward_code", dtype=_TEXT)
children = csv_fixture(INDICATORS / "ward_children.csv", index="ward_code", dtype=_TEXT)
place = csv_fixture(INDICATORS / "ward_place.csv", index="ward_code", dtype=_TEXT)
msoa_le = csv_fixture(INDICATORS / "msoa11_life_expectancy.csv", index="msoa11_code")


@pytest.fixture(scope="module")
def lsoa21_msoa11() -> pd.DataFrame:
    """LSOA 2021 -> MSOA 2011 shares rebuilt from the raw lookups (the build's route)."""
    require_raw()
    le = rawdata.read_table("life_expectancy_msoa11", RAW)
    names = le[le["msoa11_code"].str.startswith("E02")].drop_duplicates("msoa11_code")
    lookup = msoa.lsoa11_msoa11_lookup(rawdata.read_table("lsoa11_names", RAW), names)
    pairs = rawdata.read_table("lsoa11_lsoa21", RAW)
    return msoa.lsoa21_msoa11_shares(pairs[pairs["lsoa11_code"].str.startswith("E01")], lookup)


# --- every theme file: one row per 2025 ward ---------------------------------------------------

@pytest.mark.parametrize("name", ["ward_health.csv", "ward_conditions.csv", "ward_children.csv", "ward_place.csv"])
def test_theme_files_have_every_ward_once(name: str) -> None:
    table = _read(name)
    register = _read("wards.csv")
    assert len(table) == N_WARDS and table["ward_code"].is_unique
    assert table["ward_code"].tolist() == sorted(register["ward_code"])
    assert table.set_index("ward_code")["population"].equals(register.set_index("ward_code")["population"])


# --- long-term conditions: counts add up ---------------------------------------------------------

@needs_raw()
def test_disabled_counts_add_up_to_lad_totals_exactly(conditions: pd.DataFrame, membership: pd.DataFrame) -> None:
    lsoas = (rawdata.read_table("disability21", RAW)
             .merge(rawdata.read_table("iod2025_supplementary", RAW)[["lsoa21_code", "lad24_code"]],
                    on="lsoa21_code", validate="one_to_one"))
    lsoas["lad_code"] = lsoas["lad24_code"].replace(LAD24_TO_LAD25)
    best = conditions[conditions["method_flag"] == "best fit"]
    assert best["disabled_census2021"].notna().all()
    # England: the 33,755 English LSOAs of the raw TS038 file, all in best-fit wards once.
    assert best["disabled_census2021"].sum() == lsoas["disabled"].sum() == 9_774_486

    # Each LSOA's count is split among the wards its Output Areas best-fit to, in whole people. One
    # LSOA straddles a 2025 LAD border: 0.13825 of E01028119's residents (Broxtowe, 238 disabled)
    # live in OAs of Bilborough ward (Nottingham), so 33 of its 238 go to Nottingham and 205 stay.
    placed = (membership[membership["method"] != OVERLAY]
              .merge(conditions["lad_code"], left_on="ward_code", right_index=True)
              .merge(lsoas[["lsoa21_code", "lad_code", "disabled"]], on="lsoa21_code", suffixes=("_ward", "_lsoa")))
    moved = placed[placed["lad_code_ward"] != placed["lad_code_lsoa"]]
    assert moved[["lsoa21_code", "ward_code", "lad_code_lsoa", "lad_code_ward"]].values.tolist() == [
        ["E01028119", "E05012274", "E07000172", "E06000018"]]
    assert moved["disabled"].item() == 238 and round(238 * moved["share"].item()) == 33
    expected = lsoas.groupby("lad_code")["disabled"].sum()
    expected[["E07000172", "E06000018"]] += [-33, 33]
    wards = best.groupby("lad_code")["disabled_census2021"].sum()
    pd.testing.assert_series_equal(wards.sort_index(), expected.sort_index(), check_names=False, check_dtype=False)
    assert len(wards) == 296
    # Whole people in every ward, though 6,400 LSOAs are split between wards.
    assert (best["disabled_census2021"] % 1 == 0).all() and (best["residents_census2021_ts038"] % 1 == 0).all()


def test_disabled_percentage_is_count_over_residents_and_overlay_wards_have_no_count(conditions: pd.DataFrame) -> None:
    best = conditions[conditions["method_flag"] == "best fit"]
    pct = 100 * best["disabled_census2021"] / best["residents_census2021_ts038"]
    assert np.allclose(best["pct_disabled_census2021"], pct, rtol=1e-7)
    assert best["disabled_note"].isna().all()
    overlay = conditions[conditions["method_flag"] == "areal overlay"]
    assert len(overlay) == 16
    assert overlay["disabled_census2021"].isna().all()
    assert (overlay["disabled_note"] == OVERLAY_COUNT_NOTE).all()
    assert overlay["pct_disabled_census2021"].between(1, 60).all()


# --- life expectancy: MSOA layer and ward estimates -----------------------------------------------

def test_msoa_life_expectancy_table_and_polygons(msoa_le: pd.DataFrame) -> None:
    assert len(msoa_le) == 6_791 and msoa_le.index.is_unique
    # The first row of the ONS file: City of London 001, males 2016-20.
    assert msoa_le.loc["E02000001", "le_male_2016_20"] == pytest.approx(93.6547892519624, abs=1e-5)
    for sex in ("male", "female", "persons"):
        le, lo, hi = (msoa_le[f"le_{sex}_2016_20{s}"] for s in ("", "_lower95", "_upper95"))
        ok = le.notna()
        assert (lo[ok] <= le[ok]).all() and (le[ok] <= hi[ok]).all()
    assert msoa_le["le_male_2016_20"].notna().sum() == 6_514
    assert msoa_le["icb_code"].notna().all()
    shapes = gpd.read_parquet(BOUNDARIES / "msoa11.parquet")
    assert shapes.crs.to_epsg() == 4326
    assert sorted(shapes["msoa11_code"]) == sorted(msoa_le.index)
    assert shapely.is_valid(shapes.geometry.values).all() and not shapes.geometry.is_empty.any()
    # Dissolved from LSOAs that tile England: MSOAs do not overlap (area of union = sum of areas).
    bng = shapes.to_crs(27700)
    assert bng.union_all().area == pytest.approx(bng.area.sum(), rel=1e-4)
    assert 129_000e6 < bng.area.sum() < 132_000e6  # England is about 130,300 km2


@needs_raw()
def test_le_ward_estimates_lie_between_their_msoas(health: pd.DataFrame, msoa_le: pd.DataFrame,
                                                   membership: pd.DataFrame, lsoa21_msoa11: pd.DataFrame) -> None:
    ward_msoas = membership.merge(lsoa21_msoa11, on="lsoa21_code")[["ward_code", "msoa11_code"]].drop_duplicates()
    for sex in ("male", "female"):
        values = ward_msoas.join(msoa_le[f"le_{sex}_2016_20"].rename("msoa"), on="msoa11_code")
        span = values.groupby("ward_code")["msoa"].agg(["min", "max", "count"])
        est = health[f"le_{sex}_2016_20_est"]
        both = est.dropna().index
        assert len(both) > 0.95 * N_WARDS
        assert (est[both] >= span.loc[both, "min"] - 1e-6).all()
        assert (est[both] <= span.loc[both, "max"] + 1e-6).all()
        # A ward drawing on one MSOA only gets exactly that MSOA's value.
        single = span.index[(ward_msoas.groupby("ward_code").size() == 1).reindex(span.index)]
        single = single.intersection(both)
        assert len(single) > 1_000
        assert np.allclose(est[single], span.loc[single, "min"], atol=1e-5)
        # No value only where no MSOA (or less than half the residents' MSOAs) has one.
        blank = est.index[est.isna()]
        assert (span.loc[blank, "count"] < span.loc[blank].index.map(
            ward_msoas.groupby("ward_code").size())).all()


# --- children: DWP by ward code, nothing dropped ---------------------------------------------------

def test_dwp_mismatches_are_reported_not_dropped(children: pd.DataFrame) -> None:
    assert len(children) == N_WARDS
    note = children["child_poverty_note"].fillna("")
    pct = children["pct_children_low_income_ahc_fye2025"]
    assert (pct.isna() == note.ne("")).all()
    counts = note[note.ne("")].value_counts()
    assert counts.to_dict() == {childpoverty.NOTE_NEW_2025: 335, childpoverty.NOTE_NOT_LISTED: 16,
                                childpoverty.NOTE_COUNT_ONLY: 8, childpoverty.NOTE_SUPPRESSED: 6}
    assert children.loc["E05009289", "child_poverty_note"] == childpoverty.NOTE_NOT_LISTED  # Aldgate, City of London
    # Every Lancashire and South Cumbria ward code is one DWP uses.
    lsc = children[children["icb_code"] == "E54000048"]
    assert len(lsc) == 280 and lsc["pct_children_low_income_ahc_fye2025"].notna().all()
    gone = _read("dwp_wards_not_in_wd25.csv")
    assert len(gone) == 326 and not gone["ward_code"].isin(children.index).any()
    by_la = gone.groupby("la_name").size()
    assert by_la[["Northumberland", "County Durham", "Shropshire", "Buckinghamshire"]].tolist() == [66, 63, 63, 49]
    assert gone.set_index("ward_code").loc["E05008136", "ward_name"] == "Abbey"  # Shropshire, 2024 ward
    assert (gone["reason"] == childpoverty.REASON_REPLACED).all()


@needs_raw()
def test_every_english_dwp_ward_is_matched_or_listed(children: pd.DataFrame) -> None:
    dwp = rawdata.read_table("dwp_child_poverty", RAW)
    english = set(dwp.loc[dwp["ward_code"].str.startswith("E05"), "ward_code"])
    matched = set(children.index) & english
    listed = set(_read("dwp_wards_not_in_wd25.csv")["ward_code"])
    assert matched | listed == english and not matched & listed
    assert len(english) == 6_801 and len(matched) == 6_475
    values = dwp.set_index("ward_code").loc[sorted(matched), "pct_children_low_income_ahc_fye2025"]
    pd.testing.assert_series_equal(children.loc[sorted(matched), "pct_children_low_income_ahc_fye2025"],
                                   values, check_names=False, check_index_type=False)


def test_idaci_share_matches_the_deprivation_file(children: pd.DataFrame) -> None:
    deprivation = _read("ward_deprivation_2025.csv").set_index("ward_code")["idaci_decile1_share"]
    assert np.allclose(children["idaci_decile1_share_2025"], deprivation.reindex(children.index), atol=1e-7)
    assert children.loc[children["lad_code"] == BLACKPOOL, "idaci_decile1_share_2025"].max() == 1.0


# --- place: rural and coastal ----------------------------------------------------------------------

def test_every_blackpool_ward_is_urban(place: pd.DataFrame) -> None:
    blackpool = place[place["lad_code"] == BLACKPOOL]
    assert len(blackpool) == 21
    assert not blackpool["rural"].any()
    assert (blackpool["rural_share_ruc2021"] == 0).all()


def test_rural_flag_follows_the_stated_threshold(place: pd.DataFrame) -> None:
    assert place["rural"].dtype == bool
    assert (place["rural"] == (place["rural_share_ruc2021"] >= RURAL_THRESHOLD)).all()
    assert place["ruc2021_dominant_code"].isin(["UN1", "UF1", "RLN1", "RLF1", "RSN1", "RSF1"]).all()
    # A wholly rural ward has a rural dominant class, a wholly urban one an urban class.
    share, dominant = place["rural_share_ruc2021"], place["ruc2021_dominant_code"]
    assert dominant[share == 1].str.startswith("R").all() and dominant[share == 0].str.startswith("U").all()
    assert 1_500 < place["rural"].sum() < 2_000


#: Blackpool's wards on the promenade, checked by eye on a map of the 2025 wards (the Irish Sea
#: shore runs the whole length of the borough; Ingthorpe, Layton, Marton and the rest are inland).
BLACKPOOL_SEAFRONT = {"Anchorsholme", "Norbreck", "Bispham", "Warbreck", "Claremont", "Talbot",
                      "Bloomfield", "Waterloo", "Squires Gate"}


def test_blackpool_seafront_wards_are_coastal_and_the_rest_are_not(place: pd.DataFrame) -> None:
    blackpool = place[place["lad_code"] == BLACKPOOL]
    assert set(blackpool.loc[blackpool["coastal"], "ward_name"]) == BLACKPOOL_SEAFRONT
    claremont = place.loc["E05015190"]
    assert claremont["ward_name"] == "Claremont" and claremont["coastal"]
    assert claremont["coast_edge_m"] > 1_000
    assert claremont["coastal_reason"].startswith("on the sea or an estuary")


def test_inland_districts_have_no_coastal_ward(place: pd.DataFrame) -> None:
    for lad, name in INLAND.items():
        wards = place[place["lad_code"] == lad]
        assert len(wards) >= 10, name
        assert not wards["coastal"].any(), f"{name} has a coastal ward"
        assert wards["coastal_reason"].str.startswith("inland").all(), name


def test_coastal_flag_is_boolean_with_a_reason_for_every_ward(place: pd.DataFrame) -> None:
    assert place["coastal"].dtype == bool
    assert place["coastal_reason"].notna().all()
    assert (place["coastal"] == place["coastal_reason"].str.startswith("on the sea or an estuary")).all()
    assert 700 < place["coastal"].sum() < 1_000


# --- general health (Census 2021 TS037, by Output Area) -------------------------------------------

#: Census 2021, England: 82.2% of usual residents in good or very good health, 5.2% in bad or very
#: bad health (ONS, "Health, England and Wales: Census 2021", 19 January 2023).
ENGLAND_GOOD_HEALTH, ENGLAND_BAD_HEALTH = 82.2, 5.2


def test_general_health_adds_up_to_the_published_england_figures(health: pd.DataFrame) -> None:
    best = health[health["method_flag"] == "best fit"]
    assert best["population"].sum() == 56_490_284  # every English OA's residents, once
    for column, published in (("pct_good_or_very_good_health_census2021", ENGLAND_GOOD_HEALTH),
                              ("pct_bad_or_very_bad_health_census2021", ENGLAND_BAD_HEALTH)):
        assert health[column].notna().all()
        england = (best[column] * best["population"]).sum() / best["population"].sum()
        assert round(england, 1) == published, (column, england)
    assert england == pytest.approx(5.1534, abs=1e-4)
    assert (health["pct_good_or_very_good_health_census2021"] + health["pct_bad_or_very_bad_health_census2021"]
            <= 100 + 1e-6).all()


def test_general_health_follows_deprivation(health: pd.DataFrame) -> None:
    bad = health["pct_bad_or_very_bad_health_census2021"]
    imd = _read("ward_deprivation_2025.csv").set_index("ward_code")["imd_score"].reindex(bad.index)
    assert bad.corr(imd, method="spearman") > 0.7
    # Blackpool's worst: Claremont (11.7%) and Bloomfield (11.6%), the most deprived ward in England.
    blackpool = health[health["lad_code"] == BLACKPOOL].sort_values("pct_bad_or_very_bad_health_census2021")
    assert blackpool["ward_name"].iloc[-2:].tolist() == ["Bloomfield", "Claremont"]
    assert blackpool.loc["E05015188", "pct_bad_or_very_bad_health_census2021"] == pytest.approx(11.634, abs=1e-3)
    assert blackpool.loc["E05015188", "pct_good_or_very_good_health_census2021"] == pytest.approx(70.488, abs=1e-3)


@needs_raw()
def test_general_health_of_a_ward_is_its_output_areas(health: pd.DataFrame) -> None:
    """Recompute Bloomfield (Blackpool) from the raw OA files and the raw ward polygon."""
    ward = rawdata.read_vector("wards25", RAW).set_index("WD25CD").loc[["E05015188"]].to_crs(27700)
    points = rawdata.read_vector("oa21_centroids", RAW).to_crs(27700)
    inside = points[points.within(ward.geometry.iloc[0])]["oa21_code"]
    oas = (rawdata.read_table("oa21_residents", RAW).merge(rawdata.read_table("oa21_general_health", RAW), on="oa21_code")
           .set_index("oa21_code").loc[inside])
    assert len(oas) == 25
    row = health.loc["E05015188"]
    assert row["population"] == oas["residents"].sum()
    for pct, column in (("pct_good", "pct_good_or_very_good_health_census2021"),
                        ("pct_bad", "pct_bad_or_very_bad_health_census2021")):
        assert row[column] == pytest.approx((oas[pct] * oas["residents"]).sum() / oas["residents"].sum(), abs=1e-5)


# --- edge cases of the aggregation, hand-built -----------------------------------------------------

def test_counts_are_split_in_whole_people_that_add_up() -> None:
    pieces = pd.DataFrame({
        "WD25CD": ["A", "B", "C", "D", "B"], "lsoa21_code": ["L1", "L1", "L1", "L2", "L3"],
        "method": [BEST_FIT, BEST_FIT, BEST_FIT, BEST_FIT, OVERLAY], "share": [0.5, 0.3, 0.2, 1.0, 0.25],
        "disabled": [7.0, 7.0, 7.0, 9.0, 8.0],
    })
    split = apportion_counts(pieces, ["disabled"])
    # 7 x (0.5, 0.3, 0.2) = 3.5, 2.1, 1.4: floors 3 + 2 + 1 = 6, the one left over goes to the largest
    # remainder (A's 0.5); an overlay row is an estimate, count x share, not rounded.
    assert split["disabled"].tolist() == [4.0, 2.0, 1.0, 9.0, 2.0]
    ties = apportion_counts(pieces.assign(share=[1 / 3, 1 / 3, 1 / 3, 1.0, 0.25]), ["disabled"])
    assert ties["disabled"].tolist()[:3] == [3.0, 2.0, 2.0]  # a tie goes to the lower ward code
    with pytest.raises(ValueError, match="not whole numbers"):
        apportion_counts(pieces.assign(disabled=2.5), ["disabled"])


def test_general_health_sums_output_areas_and_overlays_lsoas() -> None:
    oas = pd.DataFrame({"oa21_code": ["O1", "O2", "O3"], "lsoa21_code": ["L1", "L1", "L2"],
                        "residents": [100, 300, 200], "pct_good": [90.0, 70.0, 80.0], "pct_bad": [2.0, 10.0, 5.0]})
    oa_wards = pd.DataFrame({"oa21_code": ["O1", "O2", "O3"], "WD25CD": ["A", "A", "C"]})
    membership = pd.DataFrame({"WD25CD": ["A", "C", "B", "B"], "lsoa21_code": ["L1", "L2", "L1", "L2"],
                               "method": [BEST_FIT, BEST_FIT, OVERLAY, OVERLAY], "share": [1.0, 1.0, 0.5, 0.1]})
    out = ward_general_health(oas, oa_wards, membership)
    assert out.loc["A", "pct_good_or_very_good_health_census2021"] == pytest.approx((90 + 210) / 400 * 100)
    assert out.loc["C", "pct_bad_or_very_bad_health_census2021"] == pytest.approx(5.0)
    # B holds no OA: half of L1 (200 people, 150 good) and a tenth of L2 (20 people, 16 good).
    assert out.loc["B", "pct_good_or_very_good_health_census2021"] == pytest.approx((150 + 16) / 220 * 100)
    with pytest.raises(ValueError, match="no general health percentage"):
        ward_general_health(oas.assign(pct_bad=[1.0, np.nan, 2.0]), oa_wards, membership)


def test_counts_skip_overlay_wards_and_percentages_weight_by_share() -> None:
    pieces = pd.DataFrame({
        "WD25CD": ["A", "A", "B", "B"], "lsoa21_code": ["L1", "L2", "L1", "L3"],
        "method": [BEST_FIT, BEST_FIT, OVERLAY, OVERLAY], "share": [1.0, 1.0, 0.25, 0.5],
        "disabled": [10.0, 30.0, 10.0, 40.0], "residents": [100.0, 100.0, 100.0, 100.0],
    })
    counts = ward_counts(pieces, ["disabled"])
    assert counts.loc["A", "disabled"] == 40 and np.isnan(counts.loc["B", "disabled"])
    pct = ward_percentages(pieces, "disabled", "residents")
    assert pct["A"] == pytest.approx(20.0)
    assert pct["B"] == pytest.approx(100 * (2.5 + 20) / (25 + 50))


def test_msoa_estimates_need_half_the_residents_covered() -> None:
    pieces = pd.DataFrame({"WD25CD": ["A", "A", "B", "B", "C"], "msoa11_code": ["M1", "M2", "M1", "M3", "M3"],
                           "weight": [300.0, 100.0, 100.0, 300.0, 50.0]})
    values = pd.DataFrame({"msoa11_code": ["M1", "M2", "M3"], "le": [80.0, 84.0, np.nan]})
    out = msoa.ward_estimates(pieces, values)
    assert out.loc["A", "le"] == pytest.approx(81.0)
    assert np.isnan(out.loc["B", "le"])  # only a quarter of its residents have a value
    assert np.isnan(out.loc["C", "le"])


def test_lsoa_names_that_miss_an_msoa_are_refused() -> None:
    msoas = pd.DataFrame({"msoa11_code": ["E02006879", "E02006880"], "msoa11_name": ["Shepway 014", "Shepway 015"]})
    # The LSOA 2011 -> 2021 lookup's names for E01024508: "Shepway 014E" (ONS elsewhere: "Shepway 015A").
    wrong = pd.DataFrame({"lsoa11_code": ["E01024500", "E01024508"], "lsoa11_name": ["Shepway 014A", "Shepway 014E"]})
    with pytest.raises(ValueError, match="1 MSOA.*get no LSOA, e.g. E02006880"):
        msoa.lsoa11_msoa11_lookup(wrong, msoas)
    right = wrong.assign(lsoa11_name=["Shepway 014A", "Shepway 015A"])
    assert msoa.lsoa11_msoa11_lookup(right, msoas)["msoa11_code"].tolist() == ["E02006879", "E02006880"]
    with pytest.raises(ValueError, match="not '<MSOA name><letter>'"):
        msoa.lsoa11_msoa11_lookup(wrong.assign(lsoa11_name=["Shepway 014", "Shepway 015A"]), msoas)


def test_redesigned_lsoa_splits_equally_between_its_msoas() -> None:
    pairs = pd.DataFrame({"lsoa11_code": ["a", "b", "c", "c"], "lsoa21_code": ["X", "X", "Y", "Z"]})
    lookup = pd.DataFrame({"lsoa11_code": ["a", "b", "c"], "msoa11_code": ["M1", "M2", "M2"]})
    shares = msoa.lsoa21_msoa11_shares(pairs, lookup)
    assert shares.to_dict("list") == {"lsoa21_code": ["X", "X", "Y", "Z"], "msoa11_code": ["M1", "M2", "M2", "M2"],
                                      "msoa_share": [0.5, 0.5, 1.0, 1.0]}
