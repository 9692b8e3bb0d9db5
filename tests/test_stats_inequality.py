"""stats.inequality reproduces the published results of PHEindicatormethods' ``phe_sii``.

Reference: the rendered vignette "Worked examples for phe_sii function" of PHEindicatormethods
2.0.2.9001 (GPL-3; ``inst/doc/WorkedExamples_phe_sii.html`` in the R-hub mirror
``r-hub2/some-psychogenic-africanporcupine-PHEindicatormethods`` at commit
9ba410965ea092796b11ebb9b8a71db6f09be697), run on the package's own test data (copied to
``tests/data/phe/``, see its README):

1. life expectancy by deprivation decile (``LE_data``; ``value_type = 0``, ``se`` given,
   1,000 repetitions) -- SII for 10 areas;
2. dummy DSRs by deprivation quintile (``DSR_data``; ``value_type = 1``, ``transform = TRUE``,
   95% limits given, 100,000 repetitions) -- SII and RII for 6 periods;
3. NCMP obesity prevalence by decile (``prevalence_data``; ``value_type = 2``,
   ``transform = TRUE``, ``multiplier = -100``, 100,000 repetitions) -- SII for 10 groups.

Point SIIs and RIIs are deterministic and must match to the vignette's printed rounding
(7 significant figures). The confidence limits are Monte Carlo order statistics, so they are
compared with a tolerance that reflects Monte Carlo error: a limit at tail probability ``p``
from ``R`` draws has standard error ``sqrt(p (1 - p) / R) / phi(z_p) * sd``, ``sd`` being the
standard deviation of the simulated statistic (estimated from the published limits as
width / (2 * 1.96)). Both the published run and ours carry that error, so the tolerance is
4 * sqrt(2) of it (a 4-sigma bound on the difference of two independent runs), with the same
number of repetitions as the vignette. Measured differences are well inside it (noted below).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from geo.paths import ROOT
from stats.inequality import (DEFAULT_REPETITIONS, InequalityGap, disadvantage_gap, fitted_line, relative_rank,
                              slope_index)
from tests.tables import csv_fixture

PHE_DATA = ROOT / "tests" / "data" / "phe"
Z95 = stats.norm.ppf(0.975)


def _limit_se(lower: float, upper: float, repetitions: int, confidence: float = 0.95) -> float:
    """Monte Carlo standard error of a simulated limit at tail (1 - confidence)/2."""
    tail = (1 - confidence) / 2
    sd = (upper - lower) / (2 * stats.norm.ppf(1 - tail))
    return math.sqrt(tail * (1 - tail) / repetitions) / stats.norm.pdf(stats.norm.ppf(tail)) * sd


def _mc_tolerance(lower: float, upper: float, repetitions: int) -> float:
    """4-sigma bound on the difference between two independent runs' limits."""
    return 4 * math.sqrt(2) * _limit_se(lower, upper, repetitions)


life_expectancy = csv_fixture(PHE_DATA / "le_deciles.csv")
dsr = csv_fixture(PHE_DATA / "dsr_quintiles.csv")
ncmp = csv_fixture(PHE_DATA / "ncmp_deciles.csv", dtype={"SchoolYear": str})


# --- 1. life expectancy, normal values with SE -------------------------------------------------

def test_life_expectancy_sii_matches_phe_sii(life_expectancy: pd.DataFrame) -> None:
    published = pd.read_csv(PHE_DATA / "le_sii_published.csv").set_index("GeoCode")
    assert len(published) == 10
    for code, area in life_expectancy.groupby("GeoCode"):
        area = area.sort_values("Decile")  # decile 1 = most deprived, first
        result = slope_index(area["LifeExp"], area["Pop"], se=area["SE"], repetitions=1000, rng=2024)
        row = published.loc[code]
        assert result.sii == pytest.approx(row["sii"], abs=5e-6), code  # printed to 5 decimals
        # Monte Carlo limits, 1,000 repetitions each side: tolerance 0.35-0.61 years by area
        # (measured with rng=2024: largest difference 0.19 years, E06000009 lower limit).
        tol = _mc_tolerance(row["sii_lower95_0cl"], row["sii_upper95_0cl"], 1000)
        assert result.sii_lower == pytest.approx(row["sii_lower95_0cl"], abs=tol), code
        assert result.sii_upper == pytest.approx(row["sii_upper95_0cl"], abs=tol), code
    # Sign convention: SII = least deprived end minus most deprived end, so life expectancy,
    # which rises with affluence, has a positive SII (E06000001 men: 11.7 years).
    assert published["sii"].gt(0).all()


def test_life_expectancy_simulation_converges_on_the_exact_normal_interval(life_expectancy: pd.DataFrame) -> None:
    # With normal draws and a linear fit the simulated SII is exactly normal with sd
    # sqrt(sum h_i^2 se_i^2), h = the slope row of the weighted least-squares solution. So the
    # limits must converge to SII -/+ 1.96 sd: here 11.68886 -/+ 1.96 * 1.25374 = 9.2316 and
    # 14.1461 (the vignette's 1,000-rep run printed 9.2154 and 14.0746).
    area = life_expectancy[life_expectancy["GeoCode"] == "E06000001"].sort_values("Decile")
    pop = area["Pop"].to_numpy(float)
    share = pop / pop.sum()
    x = relative_rank(pop)
    design = np.column_stack([np.ones(10), x])
    slope_row = np.linalg.solve(design.T @ (design * share[:, None]), (design * share[:, None]).T)[1]
    sd = math.sqrt(np.sum(slope_row ** 2 * area["SE"].to_numpy() ** 2))
    assert sd == pytest.approx(1.25374, abs=1e-5)
    result = slope_index(area["LifeExp"], pop, se=area["SE"], repetitions=200_000, rng=7)
    # only our Monte Carlo error now (the reference is exact): 4 standard errors = 0.030 years
    tol = 4 * _limit_se(result.sii - Z95 * sd, result.sii + Z95 * sd, 200_000)
    assert tol == pytest.approx(0.030, abs=0.001)
    assert result.sii_lower == pytest.approx(result.sii - Z95 * sd, abs=tol)
    assert result.sii_upper == pytest.approx(result.sii + Z95 * sd, abs=tol)
    assert result.repetitions == 200_000 and result.value_type == "normal" and not result.transform


# --- 2. rates, log transform, RII --------------------------------------------------------------

def test_rate_sii_and_rii_with_log_transform_match_phe_sii(dsr: pd.DataFrame) -> None:
    published = pd.read_csv(PHE_DATA / "dsr_sii_published.csv").set_index("Period")
    for period, quintiles in dsr.groupby("Period"):
        quintiles = quintiles.sort_values("Quintile")
        result = slope_index(quintiles["value"], quintiles["total_pop"], lower=quintiles["lowercl"],
                             upper=quintiles["uppercl"], value_type="rate", transform=True,
                             repetitions=100_000, rng=int(period))
        row = published.loc[period]
        assert result.sii == pytest.approx(row["sii"], abs=5e-6), period
        assert result.rii == pytest.approx(row["rii"], abs=5e-8), period
        # tolerance ~0.09 per 100,000 for the SII and ~0.00065 for the RII (measured with these
        # seeds: largest differences 0.049 and 0.00036, both 2015 upper limits).
        sii_tol = _mc_tolerance(row["sii_lower95_0"], row["sii_upper95_0"], 100_000)
        rii_tol = _mc_tolerance(row["rii_lower95_0"], row["rii_upper95_0"], 100_000)
        assert result.sii_lower == pytest.approx(row["sii_lower95_0"], abs=sii_tol), period
        assert result.sii_upper == pytest.approx(row["sii_upper95_0"], abs=sii_tol), period
        assert result.rii_lower == pytest.approx(row["rii_lower95_0"], abs=rii_tol), period
        assert result.rii_upper == pytest.approx(row["rii_upper95_0"], abs=rii_tol), period
    # Mortality-like rates fall with affluence: negative SII, RII < 1 (least / most deprived).
    assert published["sii"].lt(0).all() and published["rii"].lt(1).all()


def test_rate_rii_is_fitted_least_over_most_deprived(dsr: pd.DataFrame) -> None:
    quintiles = dsr[dsr["Period"] == 2010].sort_values("Quintile")
    line = fitted_line(quintiles["value"], quintiles["total_pop"], value_type="rate", transform=True)
    result = slope_index(quintiles["value"], quintiles["total_pop"], lower=quintiles["lowercl"],
                         upper=quintiles["uppercl"], value_type="rate", transform=True, rng=1)
    most, least = line.at(0.0), line.at(1.0)
    assert result.intercept == pytest.approx(most)
    assert result.sii == pytest.approx(least - most) and result.rii == pytest.approx(least / most)
    assert result.rii == pytest.approx(math.exp(line.slope))  # log scale: RII = exp(slope)


# --- 3. proportions, logit transform, higher is worse ----------------------------------------

def test_proportion_sii_with_logit_transform_matches_phe_sii(ncmp: pd.DataFrame) -> None:
    # The vignette passes multiplier = -100: percentage points, sign flipped so that a higher
    # prevalence among the most deprived reads positive. disadvantage_gap(higher_is_worse=True)
    # is that flip; x 100 turns proportions into points.
    published = pd.read_csv(PHE_DATA / "ncmp_sii_published.csv", dtype={"SchoolYear": str})
    published = published.set_index(["Period", "SchoolYear"])
    for (period, year), deciles in ncmp.groupby(["Period", "SchoolYear"]):
        deciles = deciles.sort_values("Decile")
        result = slope_index(deciles["Rate"] / 100, deciles["Measured"], lower=deciles["LCL"] / 100,
                             upper=deciles["UCL"] / 100, value_type="proportion", transform=True,
                             repetitions=100_000, rng=int(period))
        gap = disadvantage_gap(result, higher_is_worse=True)
        row = published.loc[(period, year)]
        assert 100 * gap.absolute == pytest.approx(row["sii"], abs=5e-6), (period, year)
        # tolerance 0.007-0.013 points by group (measured with these seeds: largest difference
        # 0.0067 points, 1011 year 6 upper limit)
        tol = _mc_tolerance(row["sii_lower95_0"], row["sii_upper95_0"], 100_000)
        assert 100 * gap.absolute_lower == pytest.approx(row["sii_lower95_0"], abs=tol), (period, year)
        assert 100 * gap.absolute_upper == pytest.approx(row["sii_upper95_0"], abs=tol), (period, year)
        assert gap.worse_off == "most deprived" and gap.significant


# --- disadvantage gap: both polarities ---------------------------------------------------------

def test_gap_higher_is_better_keeps_the_sii(life_expectancy: pd.DataFrame) -> None:
    # Life expectancy (higher is better) in E06000001: least deprived live 11.7 years longer,
    # so the most deprived are worse off by 11.7 years; RII 82.24 / 70.55 = 1.1657.
    area = life_expectancy[life_expectancy["GeoCode"] == "E06000001"].sort_values("Decile")
    result = slope_index(area["LifeExp"], area["Pop"], se=area["SE"], rng=3)
    gap = disadvantage_gap(result, higher_is_worse=False)
    assert gap.absolute == pytest.approx(11.68886, abs=5e-6)
    assert (gap.absolute_lower, gap.absolute_upper) == (result.sii_lower, result.sii_upper)
    assert gap.relative == pytest.approx((70.55296 + 11.68886) / 70.55296, abs=1e-6)
    assert gap.worse_off == "most deprived" and gap.significant and not gap.higher_is_worse


def test_gap_higher_is_worse_flips_sign_and_inverts_rii(dsr: pd.DataFrame) -> None:
    # DSR 2010 (higher is worse): SII -14.03684 per 100,000 -> the most deprived are worse off
    # by 14.03684; RII 0.9010655 -> most / least deprived = 1 / 0.9010655 = 1.109797.
    quintiles = dsr[dsr["Period"] == 2010].sort_values("Quintile")
    result = slope_index(quintiles["value"], quintiles["total_pop"], lower=quintiles["lowercl"],
                         upper=quintiles["uppercl"], value_type="rate", transform=True, rng=4)
    gap = disadvantage_gap(result, higher_is_worse=True)
    assert gap.absolute == pytest.approx(14.03684, abs=5e-6)
    assert (gap.absolute_lower, gap.absolute_upper) == (-result.sii_upper, -result.sii_lower)
    assert gap.relative == pytest.approx(1.109797, abs=1e-6)
    assert (gap.relative_lower, gap.relative_upper) == (1 / result.rii_upper, 1 / result.rii_lower)
    assert gap.worse_off == "most deprived" and gap.significant


def test_gap_when_the_least_deprived_are_worse_off() -> None:
    # A higher-is-better measure that falls with affluence (hand-built, 5 equal quintiles):
    # the gap is negative and the least deprived end is the worse-off one. Same numbers read as
    # higher-is-worse put the most deprived end worse off.
    values = [70.0, 68.0, 64.0, 65.0, 60.0]
    result = slope_index(values, [1, 1, 1, 1, 1], se=[0.1] * 5, rng=5)
    assert result.sii == pytest.approx(-11.5)
    assert disadvantage_gap(result, higher_is_worse=False).worse_off == "least deprived"
    assert disadvantage_gap(result, higher_is_worse=True).worse_off == "most deprived"
    flat = InequalityGap(0.0, -1.0, 1.0, 1.0, 0.9, 1.1, False)
    assert flat.worse_off == "neither" and not flat.significant


# --- hand-worked examples -----------------------------------------------------------------------

def test_hand_worked_equal_quintiles() -> None:
    # Five equal quintiles: x = 0.1, 0.3, 0.5, 0.7, 0.9 (each group's midpoint), weights equal,
    # so the fit is ordinary least squares. y = 60, 62, 66, 65, 70; mean 64.6.
    # Sxx = 0.4^2 + 0.2^2 + 0 + 0.2^2 + 0.4^2 = 0.4;
    # Sxy = (-0.4)(-4.6) + (-0.2)(-2.6) + 0 + (0.2)(0.4) + (0.4)(5.4) = 4.6;
    # slope = SII = 4.6 / 0.4 = 11.5; intercept = 64.6 - 0.5 * 11.5 = 58.85;
    # RII = (58.85 + 11.5) / 58.85 = 1.195412.
    values = [60.0, 62.0, 66.0, 65.0, 70.0]
    line = fitted_line(values, [200, 200, 200, 200, 200])
    np.testing.assert_allclose(line.x, [0.1, 0.3, 0.5, 0.7, 0.9])
    assert (line.intercept, line.slope) == (pytest.approx(58.85), pytest.approx(11.5))
    assert line.at(1.0) == pytest.approx(70.35)
    result = slope_index(values, [200] * 5, se=[1.0] * 5, rng=6)
    assert result.sii == pytest.approx(11.5) and result.rii == pytest.approx(70.35 / 58.85)
    assert result.intercept == pytest.approx(58.85)


def test_relative_rank_follows_the_phe_example() -> None:
    # phe_sii documentation: a first quantile with 12% of the population has relative rank
    # 0.12 / 2 = 0.06, a next one with 10% has 0.12 + 0.10 / 2 = 0.17.
    np.testing.assert_allclose(relative_rank([12, 10, 30, 28, 20]), [0.06, 0.17, 0.37, 0.66, 0.90])


def test_weights_are_population_shares() -> None:
    # Shares 10/20/20/30/20 % -> x = 0.05, 0.2, 0.4, 0.65, 0.9; the population-weighted mean
    # rank is always 0.5. Values on the line 50 + 20x, except the third group, 2 above it.
    # Weighted least squares: slope = 20 + sum w (x - 0.5) e / Sxx with e = 2 at x = 0.4:
    # numerator 0.2 * (0.4 - 0.5) * 2 = -0.04;
    # Sxx = 0.1*0.45^2 + 0.2*0.3^2 + 0.2*0.1^2 + 0.3*0.15^2 + 0.2*0.4^2
    #     = 0.02025 + 0.018 + 0.002 + 0.00675 + 0.032 = 0.079;
    # slope = 20 - 0.04 / 0.079 = 19.493671 (unweighted least squares would give 19.8287).
    pop = np.array([10, 20, 20, 30, 20.0])
    x = relative_rank(pop)
    np.testing.assert_allclose(x, [0.05, 0.2, 0.4, 0.65, 0.9])
    y = 50 + 20 * x + np.array([0, 0, 2.0, 0, 0])
    assert fitted_line(y, pop).slope == pytest.approx(19.493671, abs=1e-6)
    assert fitted_line(y, pop * 1000).slope == pytest.approx(19.493671, abs=1e-6)


# --- edge cases and input errors -------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"values": [70.0], "population": [100]}, "5 to 100 groups"),
    ({"values": [70.0] * 4, "population": [100] * 4}, "5 to 100 groups"),
    ({"values": [70, 71, np.nan, 73, 74], "population": [100] * 5}, r"group\(s\) \[2\] .* have no value"),
    ({"values": [70, 71, 72, 73, 74], "population": [100, 0, 100, 100, 100]}, "population > 0"),
    ({"values": [70, 71, 72, 73, 74], "population": [100, np.nan, 100, 100, 100]}, "population > 0"),
    ({"values": [70, 71, 72, 73], "population": [100] * 5}, "same length"),
])
def test_invalid_groups_raise(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        slope_index(se=[1.0] * len(kwargs["values"]), **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"value_type": "rate", "se": [0.1] * 5}, "lower and upper 95% limits"),
    ({"value_type": "normal", "transform": True, "se": [0.1] * 5}, "transform=True needs"),
    ({"value_type": "normal"}, "give each group's standard error"),
    ({"se": [0.1] * 5, "lower": [1] * 5, "upper": [2] * 5}, "either se or lower and upper"),
    ({"se": [0.1] * 5, "repetitions": 100}, "repetitions must be a whole number >= 1000"),
    ({"se": [0.1] * 5, "confidence": 95}, "confidence must be a fraction"),
    ({"value_type": "median", "se": [0.1] * 5}, "value_type must be one of"),
])
def test_invalid_options_raise(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        slope_index([0.2, 0.3, 0.4, 0.5, 0.6], [100] * 5, **kwargs)


def test_rates_and_proportions_need_transformable_values() -> None:
    with pytest.raises(ValueError, match="rates must be > 0"):
        slope_index([0, 1, 2, 3, 4], [100] * 5, lower=[0.1] * 5, upper=[5] * 5, value_type="rate")
    with pytest.raises(ValueError, match="give fractions, not percentages"):
        slope_index([20, 30, 40, 50, 60], [100] * 5, lower=[10] * 5, upper=[70] * 5, value_type="proportion")
    with pytest.raises(ValueError, match="proportion limits must lie strictly"):
        slope_index([0.2] * 5, [100] * 5, lower=[0.0] * 5, upper=[0.5] * 5, value_type="proportion")


def test_seeded_runs_are_reproducible_and_default_repetitions(life_expectancy: pd.DataFrame) -> None:
    area = life_expectancy[life_expectancy["GeoCode"] == "E06000002"].sort_values("Decile")
    first = slope_index(area["LifeExp"], area["Pop"], se=area["SE"], rng=11)
    again = slope_index(area["LifeExp"], area["Pop"], se=area["SE"], rng=np.random.default_rng(11))
    other = slope_index(area["LifeExp"], area["Pop"], se=area["SE"], rng=12)
    assert first == again and first.repetitions == DEFAULT_REPETITIONS == 10_000
    assert first.sii_lower != other.sii_lower and first.sii == other.sii


def test_zero_standard_errors_give_a_zero_width_interval() -> None:
    result = slope_index([60.0, 62.0, 66.0, 65.0, 70.0], [1] * 5, se=[0.0] * 5, rng=1)
    assert [result.sii_lower, result.sii, result.sii_upper] == pytest.approx([11.5] * 3, abs=1e-9)


# --- properties -------------------------------------------------------------------------------------

_groups = st.integers(min_value=5, max_value=12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_sii_properties(data: st.DataObject) -> None:
    k = data.draw(_groups)
    pop = np.array(data.draw(st.lists(st.integers(1, 100_000), min_size=k, max_size=k)), dtype=float)
    values = np.array(data.draw(st.lists(st.floats(1.0, 100.0), min_size=k, max_size=k)))
    scale = data.draw(st.floats(0.1, 10.0))
    line = fitted_line(values, pop)
    # Population scale does not matter, only shares.
    assert fitted_line(values, pop * 7).slope == pytest.approx(line.slope, rel=1e-9, abs=1e-9)
    # SII is in the indicator's units: shift-invariant, scale-equivariant.
    assert fitted_line(values + 5.0, pop).slope == pytest.approx(line.slope, rel=1e-9, abs=1e-7)
    assert fitted_line(values * scale, pop).slope == pytest.approx(line.slope * scale, rel=1e-9, abs=1e-7)
    # Listing the groups least deprived first reverses the rank (x -> 1 - x): SII flips sign.
    assert fitted_line(values[::-1], pop[::-1]).slope == pytest.approx(-line.slope, rel=1e-9, abs=1e-7)
    # Values exactly on a line are fitted exactly: SII is the line's slope.
    x = relative_rank(pop)
    assert fitted_line(40.0 + 12.5 * x, pop).slope == pytest.approx(12.5)
