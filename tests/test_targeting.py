"""Targeting rules, coverage and area values: hand-built edge cases, then the real built data.

Count rule under test (geo/targeting.py): the worst 10% of an area's wards is
``ceil(10% x wards with a value)`` plus any ward tied with the last one -- 28 of Lancashire and
South Cumbria's 280 wards, 18 of LLR's 176 (17.6 rounded up).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import areas
from geo.targeting import at_least, coverage, rank_targets, select, target_count, worst_share
from layers import INDICATORS
from layers.profile import ward_profile
from layers.source import area_value_of
from layers.targets import DEFAULT_TARGETING, TARGETINGS

from tests.conftest import BLOOMFIELD, LLR, LSC


# --- hand-built cases -------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "share", "expected"), [
    (280, 0.1, 28), (176, 0.1, 18), (170, 0.1, 17), (9, 0.1, 1), (1, 0.1, 1), (0, 0.1, 0), (6826, 0.1, 683),
    (280, 1.0, 280), (7, 1.0, 7),  # a share of 1 (100%) is allowed: every ward with a value
])
def test_target_count_is_ceiling_of_share(n: int, share: float, expected: int) -> None:
    assert target_count(n, share) == expected


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_target_count_rejects_a_share_outside_0_1(share: float) -> None:
    with pytest.raises(ValueError, match="share"):
        target_count(10, share)


def test_worst_share_follows_direction_skips_nan_and_keeps_ties() -> None:
    values = pd.Series([5.0, 9.0, np.nan, 9.0, 1.0, 3.0, 7.0, 2.0, 4.0, 6.0, 8.0],
                       index=[f"w{i}" for i in range(11)])
    # 10 wards with a value -> ceil(1.0) = 1 ward, but two wards tie at the top value 9.
    worst_high = worst_share(values, 0.1, higher_is_worse=True)
    assert sorted(worst_high[worst_high].index) == ["w1", "w3"]
    worst_low = worst_share(values, 0.1, higher_is_worse=False)
    assert list(worst_low[worst_low].index) == ["w4"]
    assert not worst_high["w2"] and not worst_low["w2"]  # no value, never a target
    # 25% of 10 -> ceil(2.5) = 3 wards: 9, 9, 8.
    assert sorted(worst_share(values, 0.25, True).pipe(lambda s: s[s].index)) == ["w1", "w10", "w3"]


def test_worst_share_of_wards_with_no_value_is_no_ward() -> None:
    values = pd.Series([np.nan, np.nan, np.nan], index=["w2", "w0", "w1"])
    for higher_is_worse in (True, False):
        chosen = worst_share(values, 0.1, higher_is_worse)
        assert chosen.dtype == bool and list(chosen.index) == ["w2", "w0", "w1"] and not chosen.any()


def test_at_least_and_select_by_rule_name() -> None:
    values = pd.Series([0.49, 0.5, 1.0, np.nan], index=list("abcd"))
    assert at_least(values, 0.5, True).tolist() == [False, True, True, False]
    assert at_least(values, 0.5, False).tolist() == [False, True, True, False]  # direction plays no part
    assert select(values, "at least", 0.5, True).equals(at_least(values, 0.5, True))
    with pytest.raises(ValueError, match="targeting rule"):
        select(values, "top ten", 0.1, True)


def test_at_least_never_selects_a_missing_value_of_a_nullable_column() -> None:
    # A nullable Float64 column compares <NA> to <NA>, not False: still not a target.
    values = pd.Series([0.6, None, 0.5, 0.4], index=list("abcd"), dtype="Float64")
    assert at_least(values, 0.5, True).tolist() == [True, False, True, False]


def test_rank_targets_orders_worst_first_with_tie_breaks_then_code() -> None:
    # d comes before a in the targets, but they tie on both keys: code decides, a first.
    targets = pd.Series([True, True, True, False, True], index=["d", "b", "c", "e", "a"])
    first = pd.Series({"a": 1.0, "b": 1.0, "c": 0.8, "d": 1.0, "e": 5.0})
    second = pd.Series({"a": 30.0, "b": 50.0, "c": 90.0, "d": 30.0, "e": 99.0})
    ranks = rank_targets(targets, [(first, True), (second, True)])
    assert ranks.sort_values().to_dict() == {"b": 1, "a": 2, "d": 3, "c": 4}  # e is not a target


def test_rank_targets_puts_wards_with_no_value_last_and_follows_direction() -> None:
    targets = pd.Series(True, index=["a", "b", "c", "d"])
    life_expectancy = pd.Series({"a": 80.1, "b": np.nan, "c": 74.3, "d": 77.0})  # higher is better
    assert rank_targets(targets, [(life_expectancy, False)]).to_dict() == {"c": 1, "d": 2, "a": 3, "b": 4}
    assert rank_targets(targets, [(life_expectancy, True)]).to_dict() == {"a": 1, "d": 2, "c": 3, "b": 4}


def test_rank_targets_with_no_keys_is_by_ward_code() -> None:
    targets = pd.Series([True, True, False, True], index=["E05000003", "E05000001", "E05000004", "E05000002"])
    assert rank_targets(targets, []).to_dict() == {"E05000001": 1, "E05000002": 2, "E05000003": 3}


def test_coverage_and_area_values_leave_out_overlay_wards() -> None:
    wards = pd.DataFrame({
        "population": [1000, 3000, 200],
        "method_flag": ["best fit", "best fit", "areal overlay"],
        "score": [10.0, 30.0, 90.0],
    }, index=["a", "b", "c"])
    best_fit = areas.counted(wards)
    cov = coverage(pd.Series([False, True, True], index=wards.index), wards["population"], best_fit)
    assert (cov.wards, cov.population, cov.area_population) == (2, 3000, 4000)
    assert cov.share == pytest.approx(0.75)
    include = pd.Series(True, index=wards.index)
    mean = areas.area_value(wards["score"], wards["population"], include, best_fit, "weighted mean")
    assert mean == pytest.approx((10 * 1000 + 30 * 3000) / 4000)
    assert areas.area_value(wards["score"], wards["population"], include, best_fit, "sum") == 40.0
    assert areas.area_value(wards["score"], wards["population"], include, best_fit, "sum", direct=True) == 130.0
    flags = pd.Series([1.0, 0.0, np.nan], index=wards.index)
    assert areas.area_value(flags, wards["population"], include, best_fit, "share of wards") == 0.5


def test_coverage_reads_population_and_best_fit_for_the_target_wards_only() -> None:
    # Population and best-fit flags for a wider set of wards (as for all England), in another order.
    population = pd.Series({"x": 9000, "c": 200, "b": 3000, "a": 1000, "d": np.nan, "e": 700})
    best_fit = pd.Series({"x": True, "c": False, "b": True, "a": True})  # d, e: not named, so not counted
    targets = pd.Series([True, False, True, True, True], index=["a", "b", "c", "d", "e"])
    cov = coverage(targets, population, best_fit)
    # Targets a, c, d, e: a counts 1,000; c is areal overlay; d has no population; e no best-fit flag.
    assert (cov.wards, cov.population, cov.area_population) == (4, 1000, 4000)
    with_d = coverage(targets, population.fillna(500), best_fit.reindex([*best_fit.index, "d"], fill_value=True))
    assert (with_d.population, with_d.area_population) == (1500, 4500)


def test_every_targeting_definition_names_known_indicators() -> None:
    assert DEFAULT_TARGETING == "imd10" and list(TARGETINGS)[0] == DEFAULT_TARGETING
    for t in TARGETINGS.values():
        assert t.indicator is None or t.indicator in INDICATORS
        assert "{layer}" not in t.describe(INDICATORS["income_score_2025"])


# --- real data ------------------------------------------------------------------------------

def _area(table: pd.DataFrame, icb: str) -> pd.DataFrame:
    return table[table["icb_code"] == icb]


def test_lsc_top_ten_percent_by_imd_2025_is_28_wards_led_by_bloomfield(ward_table: pd.DataFrame) -> None:
    lsc = _area(ward_table, LSC)
    assert len(lsc) == 280
    t = TARGETINGS["imd10"]
    chosen = select(lsc[t.indicator], t.rule, t.parameter, True)
    assert chosen.sum() == 28
    assert chosen[BLOOMFIELD]
    ranks = rank_targets(chosen, [(lsc[t.indicator], True)])
    assert ranks[BLOOMFIELD] == 1
    assert list(lsc.loc[ranks.sort_values().index[:3], "ward_name"]) == ["Bloomfield", "Claremont", "Talbot"]
    # Every target ward scores at least as high as every other ward of the ICB.
    assert lsc.loc[chosen, t.indicator].min() >= lsc.loc[~chosen, t.indicator].max()
    cov = coverage(chosen, lsc["population"], areas.counted(lsc))
    # Ward populations are Census 2021 Output Area sums.
    assert (cov.wards, cov.population, cov.area_population) == (28, 221_247, 1_721_110)
    assert f"{cov.share:.1%}" == "12.9%"


def test_lsc_core20_wards_have_at_least_half_their_residents_in_core20(ward_table: pd.DataFrame) -> None:
    lsc = _area(ward_table, LSC)
    t = TARGETINGS["core20"]
    chosen = select(lsc[t.indicator], t.rule, t.parameter, True)
    assert chosen.sum() == 65
    assert chosen[BLOOMFIELD]
    assert (lsc.loc[chosen, t.indicator] >= 0.5).all() and (lsc.loc[~chosen, t.indicator] < 0.5).all()


def test_llr_top_ten_percent_is_18_wards(ward_table: pd.DataFrame) -> None:
    llr = _area(ward_table, LLR)
    # Every LLR ward holds an Output Area centroid (Castle Donington Park and Ibstock West hold no
    # LSOA centroid, but do hold OAs), so none is an areal-overlay ward.
    assert len(llr) == 176 and (llr["method_flag"] == "areal overlay").sum() == 0
    chosen = worst_share(llr["imd_score_2025"], 0.1, True)
    assert chosen.sum() == 18  # ceil(17.6)
    ranks = rank_targets(chosen, [(llr["imd_score_2025"], True)])
    assert llr.at[ranks.sort_values().index[0], "ward_name"] == "Eyres Monsell"
    cov = coverage(chosen, llr["population"], areas.counted(llr))
    assert (cov.population, cov.area_population) == (281_106, 1_122_022)
    assert cov.area_population == int(llr["population"].sum())


def test_overlay_wards_are_not_double_counted(ward_table: pd.DataFrame) -> None:
    # North East London ICB holds the City of London, 15 of whose wards hold no OA centroid: their
    # residents are counted in the City wards their OAs best-fit to, not again.
    nel = _area(ward_table, "E54000029")
    overlay = nel["method_flag"] == "areal overlay"
    assert overlay.sum() == 15 and set(nel.loc[overlay, "lad_code"]) == {"E09000001"}
    cov = coverage(pd.Series(True, index=nel.index), nel["population"], areas.counted(nel))
    assert cov.area_population == int(nel.loc[~overlay, "population"].sum())
    assert cov.area_population < int(nel["population"].sum())


def test_england_population_counts_every_resident_once(ward_table: pd.DataFrame) -> None:
    chosen = worst_share(ward_table["imd_score_2025"], 0.1, True)
    cov = coverage(chosen, ward_table["population"], areas.counted(ward_table))
    assert cov.wards == 683
    assert cov.area_population == 56_490_284  # Census 2021 residents of England's OAs, each once


def test_icb_values_match_one_area_at_a_time_and_profile_is_complete(ward_table: pd.DataFrame, catalogue) -> None:
    records = list(INDICATORS.values())
    best_fit = areas.counted(ward_table)
    by_icb = pd.DataFrame({r.id: areas.group_values(ward_table[r.id], catalogue[r.id].weights(ward_table),
                                                    ward_table["icb_code"], best_fit, r.aggregation,
                                                    direct=r.method == "direct") for r in records})
    assert len(by_icb) == 42
    one = pd.Series({r.id: area_value_of(catalogue[r.id], ward_table, ward_table["icb_code"] == LSC).value
                     for r in records})
    pd.testing.assert_series_equal(by_icb.loc[LSC], one, check_names=False)
    # The L&SC IMD 2025 average score, population-weighted over best-fit wards.
    lsc = _area(ward_table, LSC)
    expected = np.average(lsc["imd_score_2025"], weights=lsc["population"])
    assert one["imd_score_2025"] == pytest.approx(expected)
    profile = ward_profile(list(catalogue.values()), ward_table, BLOOMFIELD)
    assert len(profile) == len(records)
    imd = profile.set_index("Indicator").loc[INDICATORS["imd_score_2025"].full_title]
    assert imd["Ward"] == "86.2" and imd["Rank in ICB (1 = worst)"] == "1 of 280 · worst fifth"
    assert imd["In England"] == "worst fifth"
    assert imd["ICB"] == format(one["imd_score_2025"], ".1f")  # computed: no published summaries passed
