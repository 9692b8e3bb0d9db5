"""Goals on the real data: every figure recomputed independently with plain pandas from data/indicators.

No ward counts or values are written down here (a data rebuild will change them): each test
derives the cohort, the baseline, the interval, the people and the SII from the committed CSV
files with its own arithmetic (the formulas of Byar, Wilson and the PHE SII written out), and
compares them with :func:`layers.goalview.goal_view` run as the app and the command line run it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.areas import make_area
from tests.conftest import INDICATOR_DIR as DATA
from layers import INDICATORS
from layers.goal_measures import life_expectancy_components, measure_model, msoa_columns
from layers.goals import GOALS
from layers.goalview import goal_view
from geo import store
from stats.power import is_detectable
from tests.conftest import LLR, LSC

BLACKPOOL = "E06000009"
Z = 1.959963984540054
RATE = 6_020_000 / 55_619_430


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Register, IMD, Core20 and the goal measures by ward, read straight from the CSVs."""
    wards = pd.read_csv(DATA / "wards.csv", dtype=str).astype({"population": float}).set_index("ward_code")
    dep = pd.read_csv(DATA / "ward_deprivation_2025.csv", usecols=["ward_code", "imd_score", "core20_share"],
                      dtype={"ward_code": str}).set_index("ward_code")
    health = pd.read_csv(DATA / "ward_health.csv", dtype={"ward_code": str}, usecols=[
        "ward_code", "le_male_2016_20_est", "emergency_admissions_ratio_iod2025"]).set_index("ward_code")
    children = pd.read_csv(DATA / "ward_children.csv", dtype={"ward_code": str}, usecols=[
        "ward_code", "children_0_15_census2021", "pct_children_low_income_ahc_fye2025"]).set_index("ward_code")
    out = wards.join([dep, health, children])
    out["best_fit"] = out["method_flag"] != "areal overlay"
    return out


@pytest.fixture(scope="module")
def components():
    return life_expectancy_components(store.read_msoa_ward_lookup(), store.read_msoa_life_expectancy(msoa_columns()))


def _worst(scores: pd.Series, share: float) -> set[str]:
    """The worst ``share`` of wards by score: ceil(share x n) plus ties at the cut."""
    present = scores.dropna().sort_values(ascending=False)
    n = math.ceil(round(share * len(present), 9))
    return set(present.index[present >= present.iloc[n - 1]])


def _byar(observed: float, expected: float) -> tuple[float, float]:
    lower = observed * (1 - 1 / (9 * observed) - Z / (3 * math.sqrt(observed))) ** 3
    o1 = observed + 1
    upper = o1 * (1 - 1 / (9 * o1) + Z / (3 * math.sqrt(o1))) ** 3
    return lower / expected * 100, upper / expected * 100


def _wilson(x: float, n: float) -> tuple[float, float]:
    spread = Z * math.sqrt(Z * Z + 4 * x * (1 - x / n))
    return ((2 * x + Z * Z - spread) / (2 * (n + Z * Z)) * 100, (2 * x + Z * Z + spread) / (2 * (n + Z * Z)) * 100)


def _view(ward_table, catalogue, icb, goal, lad=None, **kwargs):
    return goal_view(catalogue, ward_table, make_area(ward_table, icb, lad), GOALS[goal], **kwargs)


@pytest.mark.parametrize("icb", [LSC, LLR])
def test_nea20_cohort_baseline_interval_people_and_readings(frame, ward_table, catalogue, icb) -> None:
    view = _view(ward_table, catalogue, icb, "nea20")
    area = frame[frame["icb_code"] == icb]
    cohort = _worst(area["imd_score"], 0.2)
    assert set(view.cohort.codes) == cohort
    assert view.cohort.coverage.population == int(area.loc[list(cohort)].query("best_fit")["population"].sum())
    # Readings: England's most deprived 20% of wards (all England ranked), Core20 wards (>= 50%).
    readings = {r.id: set(r.codes) for r in view.readings}
    assert readings["england20"] == _worst(frame["imd_score"], 0.2) & set(area.index)
    assert readings["core20"] == set(area.index[area["core20_share"] >= 0.5])
    in_all = set.intersection(*readings.values())
    assert view.overlap_summary.iloc[0]["Wards"] == len(in_all)
    # Baseline: residents-weighted mean of the ratio over best-fit cohort wards with a value.
    rows = area.loc[list(cohort)].query("best_fit").dropna(subset=["emergency_admissions_ratio_iod2025"])
    pop = rows["population"].sum()
    baseline = (rows["emergency_admissions_ratio_iod2025"] * rows["population"]).sum() / pop
    assert view.baseline.value == pytest.approx(baseline, rel=1e-12)
    assert view.target == pytest.approx(0.8 * baseline, rel=1e-12)
    expected = pop * RATE
    observed = baseline / 100 * expected
    assert (view.baseline.lower, view.baseline.upper) == pytest.approx(_byar(observed, expected), rel=1e-9)
    assert view.impact.change == pytest.approx(-0.2 * observed, rel=1e-9)
    assert view.detectability.detectable is is_detectable(-0.2, observed, 1, 1, 2.0)
    rest = area.drop(index=list(cohort)).query("best_fit").dropna(subset=["emergency_admissions_ratio_iod2025"])
    assert view.rest.value == pytest.approx(
        (rest["emergency_admissions_ratio_iod2025"] * rest["population"]).sum() / rest["population"].sum())


@pytest.mark.parametrize("icb", [LSC, LLR])
def test_nea20_sii_point_estimate_by_plain_weighted_least_squares(frame, ward_table, catalogue, icb) -> None:
    view = _view(ward_table, catalogue, icb, "nea20")
    area = frame[frame["icb_code"] == icb].copy()
    area["code"] = area.index
    ordered = area.sort_values(["imd_score", "code"], ascending=[False, True])
    ordered["decile"] = np.arange(len(ordered)) * 10 // len(ordered) + 1
    used = ordered[ordered["best_fit"] & ordered["emergency_admissions_ratio_iod2025"].notna()]
    grouped = used.groupby("decile").apply(lambda g: pd.Series({
        "pop": g["population"].sum(),
        "y": (g["emergency_admissions_ratio_iod2025"] * g["population"]).sum() / g["population"].sum()}))
    share = grouped["pop"] / grouped["pop"].sum()
    x = (share.cumsum() - share / 2).to_numpy()
    w = share.to_numpy()
    design = np.column_stack([np.ones_like(x), x])
    b0, b1 = np.linalg.solve(design.T @ (design * w[:, None]), design.T @ (w * np.log(grouped["y"].to_numpy())))
    sii = math.exp(b0 + b1) - math.exp(b0)
    assert view.gradient.sii == pytest.approx(sii, rel=1e-9)
    assert view.gradient.rii == pytest.approx(math.exp(b1), rel=1e-9)
    assert view.gradient.sii_lower < sii < view.gradient.sii_upper
    assert view.gradient.sii < 0 and view.gradient.gap > 0  # more deprived, more admissions


@pytest.mark.parametrize("icb", [LSC, LLR])
def test_hle10_life_expectancy_baseline_and_its_standard_error_from_msoas(frame, ward_table, catalogue, components,
                                                                          icb) -> None:
    view = _view(ward_table, catalogue, icb, "hle10", components=components)
    area = frame[frame["icb_code"] == icb]
    cohort = _worst(area["imd_score"], 0.1)
    rows = area.loc[list(cohort)].query("best_fit").dropna(subset=["le_male_2016_20_est"])
    baseline = (rows["le_male_2016_20_est"] * rows["population"]).sum() / rows["population"].sum()
    assert view.baseline.value == pytest.approx(baseline, rel=1e-12)
    assert view.target == pytest.approx(1.1 * baseline) and view.change == 0.1
    # Standard error: each ward's weight split over its MSOAs by residents (share x person-years / 5).
    msoa = pd.read_csv(DATA / "msoa11_life_expectancy.csv", dtype={"msoa11_code": str}).set_index("msoa11_code")
    msoa = msoa.dropna(subset=["le_male_2016_20", "le_male_2016_20_lower95", "le_male_2016_20_upper95"])
    lookup = pd.read_csv(DATA / "msoa11_ward25_lookup.csv", dtype=str).astype({"share": float})
    links = lookup[lookup["ward_code"].isin(rows.index) & lookup["msoa11_code"].isin(msoa.index)].copy()
    links["residents"] = links["share"] * msoa.loc[links["msoa11_code"], "person_years_persons_2016_20"].to_numpy() / 5
    links["w"] = (rows.loc[links["ward_code"], "population"].to_numpy() * links["residents"]
                  / links.groupby("ward_code")["residents"].transform("sum"))
    per_msoa = links.groupby("msoa11_code")["w"].sum()
    per_msoa /= per_msoa.sum()
    se_msoa = (msoa["le_male_2016_20_upper95"] - msoa["le_male_2016_20_lower95"]) / (2 * Z)
    se = math.sqrt(((per_msoa * se_msoa.reindex(per_msoa.index)) ** 2).sum())
    assert view.baseline.se == pytest.approx(se, rel=1e-9)
    assert view.baseline.lower == pytest.approx(baseline - Z * se)
    assert view.detectability.basis == "standard errors"
    assert view.gradient.sii > 0 and view.gradient.gap > 0  # life expectancy rises with affluence
    assert any("about two years above official figures" in n or "1.5-2.5 years" in n for n in view.notes)


@pytest.mark.parametrize("icb", [LSC, LLR])
def test_cyp10_child_poverty_baseline_and_wilson_interval(frame, ward_table, catalogue, icb) -> None:
    view = _view(ward_table, catalogue, icb, "cyp10")
    area = frame[frame["icb_code"] == icb]
    cohort = _worst(area["imd_score"], 0.1)
    # DWP publishes wards directly: every ward with a value counts, weighted by Census 2021 children.
    rows = area.loc[list(cohort)].dropna(subset=["pct_children_low_income_ahc_fye2025"])
    rows = rows[rows["children_0_15_census2021"] > 0]
    n = rows["children_0_15_census2021"].sum()
    pct = (rows["pct_children_low_income_ahc_fye2025"] * rows["children_0_15_census2021"]).sum() / n
    assert view.baseline.value == pytest.approx(pct, rel=1e-12)
    assert (view.baseline.lower, view.baseline.upper) == pytest.approx(_wilson(pct / 100 * n, n), rel=1e-9)
    assert view.impact.change == pytest.approx(-0.1 * pct / 100 * n, rel=1e-9)
    assert view.target == pytest.approx(0.9 * pct)


def test_a_place_shows_the_icb_cohorts_wards_in_it_and_its_own_ranking_apart(frame, ward_table, catalogue) -> None:
    view = _view(ward_table, catalogue, LSC, "hle10", lad=BLACKPOOL)
    icb = frame[frame["icb_code"] == LSC]
    blackpool = icb[icb["lad_code"] == BLACKPOOL]
    assert set(view.cohort.codes) == _worst(icb["imd_score"], 0.1) & set(blackpool.index)
    within = next(r for r in view.readings if r.id == "place10")
    assert set(within.codes) == _worst(blackpool["imd_score"], 0.1) and not within.goal
    assert any("within-place ranking is a separate reading" in n for n in view.notes)


def test_every_published_layer_can_model_a_custom_goal(ward_table, catalogue) -> None:
    """One generic test over the registry: a new layer gets a goal view with no new code."""
    from datetime import date

    from layers.goals import custom_goal

    area = make_area(ward_table, LLR)
    for layer, record in INDICATORS.items():
        if record.kind == "flag":
            continue
        goal = custom_goal(layer, "improve", 0.1, "imd20", date(2030, 3, 31))
        view = goal_view(catalogue, ward_table, area, goal, repetitions=1000)
        model = measure_model(record)
        assert view.model.kind in (model.kind, "score"), layer
        assert view.cohort.coverage.wards > 0 and not math.isnan(view.baseline.value), layer
        assert view.goal.improves(record)
        if view.model.relative_target:
            better = view.target < view.baseline.value if record.higher_is_worse else view.target > view.baseline.value
            assert better, layer
        assert view.gradient is not None and not math.isnan(view.gradient.sii), layer
