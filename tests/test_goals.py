"""Goals: the pure parts worked by hand (stats.goal, geo.precision, layers.goals, layers.goalview, layers.bivariate).

The goal view is run on a hand-built register of 15 wards in two ICBs (below), so every cohort,
value, target and count can be worked out on paper. The measures are real records (emergency
admissions: higher is worse; male life expectancy: higher is better; children in low income:
a proportion) on hand-made values, so both directions are tested.

    ward  ICB LAD  IMD  core20  pop    admissions ratio   life expectancy   children in low income %
    W01   I1  L1   60   1.0     1000   150                74                50
    W02   I1  L1   50   0.6     1000   130                76                40
    W03   I1  L1   40   0.5     1000   120                78                30
    W04   I1  L1   30   0       1000   100                80                20
    W05   I1  L1   20   0       1000    90                82                10
    W06   I1  L2   55   0.4     2000   140                75                45
    W07   I1  L2   45   0       1000   110                77                35
    W08   I1  L2   35   0       1000   100                79                25
    W09   I1  L2   25   0       1000    95                81                15
    W10   I1  L2   15   0       1000    80                83                 5
    W11-15 I2 L3   10,8,6,4,2  0  1000   90,85,80,75,70   84                10
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.areas import Area
from geo.precision import Z95, Components, msoa_components
from layers import INDICATORS
from layers.bivariate import GRID, bivariate, ink, thirds
from layers.goal_cohorts import overlap_text, reading_definitions, reading_text
from layers.goal_gradient import deprivation_groups
from layers.goal_impact import about
from layers.goal_measures import ENGLAND_EMERGENCY_ADMISSIONS, MEASURE_MODELS, measure_model
from layers.goals import GOALS, custom_goal, offered_measures
from layers.goalview import goal_view
from layers.indicator import Indicator
from layers.source import PublishedLayer
from layers.sources import CENSUS_TS038
from stats.goal import anniversaries, minimum_detectable_difference, straight_line, target_value
from stats.inequality import fitted_line, slope_index
from stats.intervals import proportion_interval, standardised_ratio_interval
from stats.power import is_detectable, minimum_detectable_change

ADMISSIONS, LE, CHILD = "emergency_admissions_2025", "le_male_2016_20", "child_low_income_pct_fye2025"
RATE = 6_020_000 / 55_619_430  # England's emergency admissions a person a year (2017/18)


# --- stats.goal ----------------------------------------------------------------------------------------

def test_target_moves_the_way_the_change_says() -> None:
    assert target_value(150.0, -0.2) == pytest.approx(120.0)  # admissions: 20% fall
    assert target_value(78.5, 0.1) == pytest.approx(86.35)  # life expectancy: 10% rise
    with pytest.raises(ValueError, match="> -1"):
        target_value(1.0, -1.0)


def test_straight_line_is_linear_in_days_with_anniversaries_and_the_deadline() -> None:
    # 1 Jan 2025 -> 31 Mar 2027 is 819 days; 1 Jan 2026 is day 365, 1 Jan 2027 day 730.
    points = straight_line(date(2025, 1, 1), date(2027, 3, 31), 150.0, 120.0)
    assert [d for d, _ in points] == [date(2025, 1, 1), date(2026, 1, 1), date(2027, 1, 1), date(2027, 3, 31)]
    assert [v for _, v in points] == pytest.approx([150.0, 150 - 30 * 365 / 819, 150 - 30 * 730 / 819, 120.0])
    assert anniversaries(date(2024, 2, 29), date(2026, 1, 1)) == [date(2024, 2, 29), date(2025, 2, 28),
                                                                   date(2026, 1, 1)]
    with pytest.raises(ValueError, match="after the start"):
        anniversaries(date(2025, 1, 1), date(2025, 1, 1))


def test_minimum_detectable_difference_by_hand() -> None:
    # K = 1.959964 + 0.841621 = 2.801585. se 0.3 and 0.4, phi 2: sqrt(2 (0.09 + 0.16)) = 0.707107 -> 1.98102.
    assert minimum_detectable_difference(0.3, 0.4, 2.0) == pytest.approx(2.801585 * math.sqrt(0.5), abs=1e-5)
    assert minimum_detectable_difference(0.5, 0.5) == pytest.approx(1.98102, abs=1e-5)
    with pytest.raises(ValueError):
        minimum_detectable_difference(-1.0, 0.5)


# --- geo.precision -------------------------------------------------------------------------------------

def test_group_standard_error_of_msoa_averages_by_hand() -> None:
    # Ward A: 300 residents from M1, 100 from M2; ward B: 200 from M2. se(M1) = 1, se(M2) = 2.
    # Group {A (weight 4), B (weight 2)}: weights through MSOAs: M1 = 4 x 3/4 = 3, M2 = 4 x 1/4 + 2 = 3.
    # Shares 0.5 / 0.5: se = sqrt(0.25 x 1 + 0.25 x 4) = sqrt(1.25).
    links = pd.DataFrame({"ward_code": ["A", "A", "B"], "part": ["M1", "M2", "M2"], "residents": [300., 100., 200.]})
    parts = Components(links, pd.Series({"M1": 1.0, "M2": 2.0}))
    weights = pd.Series({"A": 4.0, "B": 2.0})
    assert parts.group_se(weights, pd.Series({"A": True, "B": True})) == pytest.approx(math.sqrt(1.25))
    # Ward A alone: shares 3/4, 1/4 -> sqrt(0.5625 + 0.0625 x 4) = sqrt(0.8125).
    by_group = parts.groups_se(weights, pd.Series({"A": "x", "B": "y"}))
    assert by_group["x"] == pytest.approx(math.sqrt(0.8125)) and by_group["y"] == pytest.approx(2.0)


def test_msoa_components_take_se_from_95_limits_and_residents_from_person_years() -> None:
    msoas = pd.DataFrame({"le": [80.0, 78.0, np.nan], "lo": [80 - Z95, 78 - 2 * Z95, 70.0],
                          "hi": [80 + Z95, 78 + 2 * Z95, 72.0], "py": [5000.0, 10000.0, 5000.0]},
                         index=["M1", "M2", "M3"])
    lookup = pd.DataFrame({"msoa11_code": ["M1", "M2", "M3"], "ward_code": ["A", "A", "A"], "share": [1.0, 0.5, 1.0]})
    parts = msoa_components(lookup, msoas, "le", "lo", "hi", person_years="py")
    assert parts.se.to_dict() == pytest.approx({"M1": 1.0, "M2": 2.0})  # M3 has no value: left out
    assert parts.links["residents"].tolist() == pytest.approx([1000.0, 1000.0])  # 5000/5 x 1; 10000/5 x 0.5
    assert parts.group_se(pd.Series({"A": 1.0}), pd.Series({"A": True})) == pytest.approx(math.sqrt(0.25 + 1.0))


# --- layers.goals ---------------------------------------------------------------------------------------

def test_presets_are_the_board_papers_goals_with_their_cohorts_deadlines_and_signs() -> None:
    assert list(GOALS) == ["hle10", "nea20", "cyp10"]
    assert (GOALS["hle10"].cohort, GOALS["nea20"].cohort, GOALS["cyp10"].cohort) == ("imd10", "imd20", "imd10")
    assert GOALS["nea20"].deadline == date(2027, 3, 31)
    assert GOALS["hle10"].change(INDICATORS[LE]) == 0.10  # improve, higher is better: up
    assert GOALS["nea20"].change(INDICATORS[ADMISSIONS]) == -0.20  # decrease
    assert GOALS["cyp10"].change(INDICATORS[CHILD]) == -0.10  # improve, higher is worse: down
    for goal in GOALS.values():
        assert goal.gap_note and "not published" in goal.gap_note  # never a silent substitute
        assert all(m in INDICATORS for m in goal.measures)
        assert all(goal.improves(INDICATORS[m]) for m in goal.measures)


def test_a_goal_that_asks_for_the_worse_direction_says_so() -> None:
    worse = custom_goal(LE, "decrease", 0.05, "imd10", date(2030, 3, 31))
    assert worse.change(INDICATORS[LE]) == -0.05 and not worse.improves(INDICATORS[LE])
    with pytest.raises(ValueError, match="cohort"):
        custom_goal(LE, "improve", 0.1, "layer10", date(2030, 3, 31))
    with pytest.raises(ValueError, match="direction"):
        custom_goal(LE, "sideways", 0.1, "imd10", date(2030, 3, 31))
    with pytest.raises(ValueError, match="size"):
        custom_goal(LE, "improve", 1.5, "imd10", date(2030, 3, 31))
    with pytest.raises(ValueError, match="deadline"):
        custom_goal(LE, "improve", 0.1, "imd10", date(2024, 3, 31))


def _record(**fields) -> Indicator:
    base = dict(id="x", title="X", theme="Health", family="X", variant="v", definition="d", file="f.csv",
                column="c", unit="% of residents", period="2021", method_note="m", source=CENSUS_TS038, caveat="c",
                valid_range=(0.0, 100.0))
    return Indicator(**{**base, **fields})


def test_undeclared_layers_get_a_model_from_their_record() -> None:
    general_health = _record(id="general_health_bad_pct_2021", family="General health: bad or very bad")
    assert measure_model(general_health).kind == "proportion" and measure_model(general_health).scale == 100
    count = _record(id="n", unit="residents", aggregation="sum", weight="", value_format=",.0f")
    assert measure_model(count).kind == "count"
    score = _record(id="s", unit="score", source=INDICATORS["imd_score_2025"].source, valid_range=(-3.0, 3.0))
    assert measure_model(score).kind == "score" and not measure_model(score).relative_target
    positive = _record(id="p", unit="score", source=INDICATORS["imd_score_2025"].source)
    assert measure_model(positive).kind == "value" and measure_model(positive, minimum=-0.5).kind == "score"
    assert measure_model(INDICATORS[ADMISSIONS]).rate is ENGLAND_EMERGENCY_ADMISSIONS


def test_hle_offers_life_expectancy_and_general_health_then_uploads() -> None:
    records = list(INDICATORS.values())
    assert offered_measures(GOALS["hle10"], records) == [LE, "le_female_2016_20", "good_health_2021", "bad_health_2021"]
    assert offered_measures(GOALS["hle10"], [r for r in records if r.family != "General health (Census 2021)"]) == [
        LE, "le_female_2016_20"]
    upload = _record(id="upload-1", theme="Your data")
    assert offered_measures(GOALS["nea20"], [*INDICATORS.values(), upload]) == [ADMISSIONS, "upload-1"]


def test_england_emergency_admission_rate_is_the_cited_figure() -> None:
    assert ENGLAND_EMERGENCY_ADMISSIONS.per_person == pytest.approx(0.10824, abs=1e-5)
    assert "108 per 1,000" in ENGLAND_EMERGENCY_ADMISSIONS.text and "2017/18" in ENGLAND_EMERGENCY_ADMISSIONS.text


# --- the goal view on the hand-built register ------------------------------------------------------------

WARDS = [f"W{i:02d}" for i in range(1, 16)]
IMD = [60, 50, 40, 30, 20, 55, 45, 35, 25, 15, 10, 8, 6, 4, 2]
CORE20 = [1.0, 0.6, 0.5, 0, 0, 0.4, 0, 0, 0, 0, 0, 0, 0, 0, 0]
POP = [1000, 1000, 1000, 1000, 1000, 2000, *[1000] * 9]
RATIO = [150, 130, 120, 100, 90, 140, 110, 100, 95, 80, 90, 85, 80, 75, 70]
LIFE = [74, 76, 78, 80, 82, 75, 77, 79, 81, 83, 84, 84, 84, 84, 84]
CHILD_PCT = [50, 40, 30, 20, 10, 45, 35, 25, 15, 5, 10, 10, 10, 10, 10]
I1 = Area("I1", None, "ICB One")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frame = pd.DataFrame({
        "ward_name": [f"Ward {w}" for w in WARDS], "lad_code": ["L1"] * 5 + ["L2"] * 5 + ["L3"] * 5,
        "lad_name": ["One"] * 5 + ["Two"] * 5 + ["Three"] * 5, "icb_code": ["I1"] * 10 + ["I2"] * 5,
        "icb_name": ["NHS One Integrated Care Board"] * 10 + ["NHS Two Integrated Care Board"] * 5,
        "population": POP, "method_flag": ["best fit"] * 15,
        "imd_score_2025": IMD, "core20_share_2025": CORE20, ADMISSIONS: RATIO, LE: LIFE, CHILD: CHILD_PCT,
        "ward_children.csv:children_0_15_census2021": [p / 5 for p in POP],
    }, index=pd.Index(WARDS, name="ward_code"))
    return frame.astype({c: float for c in ("imd_score_2025", "core20_share_2025", ADMISSIONS, LE, CHILD)})


@pytest.fixture(scope="module")
def catalogue(table: pd.DataFrame) -> dict[str, PublishedLayer]:
    return {i: PublishedLayer(INDICATORS[i], table) for i in ("imd_score_2025", "core20_share_2025", ADMISSIONS, LE,
                                                               CHILD)}


def test_cohort_readings_and_how_they_overlap(catalogue, table) -> None:
    # imd20 over I1's 10 wards: ceil(2) -> W01 (60), W06 (55). England's most deprived 20% of 15 wards: ceil(3)
    # -> W01, W06, W02 (50). Core20 (>= 50%): W01, W02, W03. In all three: W01; in two: W02, W06; in one: W03.
    view = goal_view(catalogue, table, I1, GOALS["nea20"], groups=5, repetitions=1000)
    picked = {r.id: r.codes for r in view.readings}
    assert picked == {"imd20": ["W01", "W06"], "england20": ["W01", "W02", "W06"], "core20": ["W01", "W02", "W03"]}
    assert view.cohort.id == "imd20" and view.cohort.goal and not any(r.goal for r in view.readings[1:])
    assert (view.cohort.coverage.wards, view.cohort.coverage.population) == (2, 3000)
    assert view.cohort.coverage.share == pytest.approx(3000 / 11000)
    overlap = view.overlap.set_index("Ward code")
    assert overlap["Readings"].to_dict() == {"W01": 3, "W02": 2, "W06": 2, "W03": 1}
    summary = view.overlap_summary.set_index("Wards picked by")
    assert summary["Wards"].to_dict() == {"In all 3 readings": 1, "In 2 of 3 readings": 2, "In one reading only": 1}
    assert summary.loc["In 2 of 3 readings", "Residents"] == 3000  # W02 1000 + W06 2000
    assert view.reading_table.set_index("Reading")["Only in this reading"].tolist() == [0, 0, 1]
    assert "IMD 2025" in view.imd_edition and "frozen" in view.imd_edition
    # As printed, in four columns narrow enough for a phone: 3,000 of I1's 11,000 residents = 27.3%.
    shown = reading_text(view.reading_table)
    assert list(shown.columns) == ["Reading", "Wards", "Residents (share of area)", "Only in this reading"]
    assert shown.iloc[0].tolist() == ["Most disadvantaged 20% of the ICB's wards (the goal's cohort)", 2,
                                      "3,000 (27.3%)", 0]
    assert overlap_text(view.overlap_summary).iloc[1].tolist() == ["In 2 of 3 readings", 2, "3,000 (27.3%)"]


def test_a_place_keeps_the_icb_cohort_and_shows_the_within_place_reading_apart(catalogue, table) -> None:
    # hle10: the ICB's most deprived 10% of 10 wards is W01 alone (LAD L1), so LAD L2 holds none of the cohort;
    # ranked within L2, its most deprived ward is W06.
    place = Area("I1", "L2", "Two (ICB One)")
    view = goal_view(catalogue, table, place, GOALS["hle10"], groups=5, repetitions=1000)
    assert view.cohort.id == "imd10" and view.cohort.codes == []
    within = view.readings[-1]
    assert within.id == "place10" and within.codes == ["W06"] and not within.goal
    assert "not the ICB goal's cohort" in within.targeting.description
    assert [t.id for t in reading_definitions(GOALS["hle10"], I1)] == ["imd10", "england10", "core20"]
    # The within-place reading is a separate option: modelled, it takes W06 (75 years) and says so.
    own = goal_view(catalogue, table, place, GOALS["hle10"], groups=5, repetitions=1000, within_place=True)
    assert own.cohort.codes == ["W06"] and not own.cohort.goal and own.baseline.value == 75.0
    assert own.notes[0].startswith("Modelled on the within-place reading")
    with pytest.raises(ValueError, match="needs a place"):
        goal_view(catalogue, table, I1, GOALS["hle10"], within_place=True)


def test_admissions_baseline_rest_england_target_people_and_detectability_by_hand(catalogue, table) -> None:
    view = goal_view(catalogue, table, I1, GOALS["nea20"], groups=5, repetitions=1000)
    # Cohort W01 (150, 1000 residents) and W06 (140, 2000): (150 000 + 280 000) / 3000 = 143.333.
    assert view.baseline.value == pytest.approx(430 / 3)
    assert view.rest.value == pytest.approx(825 / 8)  # (130+120+100+90+110+100+95+80) / 8
    assert view.england.value == pytest.approx((1255 + 400) * 1000 / 16000)
    assert view.target == pytest.approx(430 / 3 * 0.8) and view.target < view.baseline.value  # down: better
    # Approximate admissions: expected = 3000 x RATE; observed = 1.43333 x expected.
    expected = 3000 * RATE
    observed = 430 / 300 * expected
    assert view.baseline.events == pytest.approx(observed)
    ci = standardised_ratio_interval(observed, expected, multiplier=100)
    assert (view.baseline.lower, view.baseline.upper) == (pytest.approx(ci.lower), pytest.approx(ci.upper))
    assert view.baseline.method == "Byars"
    assert view.impact.change == pytest.approx(-0.2 * observed) and view.impact.per_year and view.impact.approximate
    assert f"About {about(0.2 * observed)} fewer emergency admissions a year" in view.impact.text
    # Detectability: one baseline year against the final year (the deadline is 2.2 years away), phi = 2.
    det = view.detectability
    assert det.min_change == pytest.approx(minimum_detectable_change(observed, 1, 1, 2.0))
    assert det.detectable is is_detectable(-0.2, observed, 1, 1, 2.0) and det.basis == "estimated counts"
    assert "SUS or HES" in det.needs  # what would confirm it
    assert "worse" in view.cohort_gap  # 143 against 103: higher is worse


def test_a_small_change_in_a_small_cohort_is_not_detectable(catalogue, table) -> None:
    # 1% of about 465 admissions a year: the smallest detectable fall is far larger.
    goal = custom_goal(ADMISSIONS, "decrease", 0.01, "imd20", date(2027, 3, 31))
    view = goal_view(catalogue, table, I1, goal, groups=5, repetitions=1000)
    det = view.detectability
    assert det.detectable is False and abs(det.min_change) > 0.1
    assert det.detectable is is_detectable(-0.01, view.baseline.events, 1, 1, 2.0)
    assert "could not be told from chance" in det.text


def test_a_phi_of_one_shrinks_the_detectable_change(catalogue, table) -> None:
    two = goal_view(catalogue, table, I1, GOALS["nea20"], groups=5, repetitions=1000)
    one = goal_view(catalogue, table, I1, GOALS["nea20"], groups=5, repetitions=1000, overdispersion=1.0)
    assert abs(one.detectability.min_change) < abs(two.detectability.min_change)
    assert one.detectability.min_change == pytest.approx(minimum_detectable_change(two.baseline.events, 1, 1, 1.0))


def test_higher_is_better_life_expectancy_goes_up_and_the_gap_reads_worse(catalogue, table) -> None:
    view = goal_view(catalogue, table, I1, GOALS["hle10"], groups=5, repetitions=1000)
    assert view.cohort.codes == ["W01"] and view.baseline.value == 74.0
    assert view.target == pytest.approx(81.4) and view.target > view.baseline.value
    # rest: (76x1000 + 78 + 80 + 82 + 75x2000 + 77 + 79 + 81 + 83) / 10 000 = 786 000 / 10 000
    assert view.rest.value == pytest.approx((76 + 78 + 80 + 82 + 150 + 77 + 79 + 81 + 83) / 10)
    assert "worse" in view.cohort_gap  # lower life expectancy is worse
    assert not view.baseline.has_interval and view.detectability.detectable is None  # no standard errors given
    assert "deaths" in view.detectability.needs
    assert "up by 7.4 years" in view.impact.text


def test_life_expectancy_with_standard_errors_gets_a_normal_interval_and_a_verdict(catalogue, table) -> None:
    links = pd.DataFrame({"ward_code": WARDS, "part": WARDS, "residents": [float(p) for p in POP]})
    parts = {LE: Components(links, pd.Series(0.5, index=WARDS))}
    view = goal_view(catalogue, table, I1, GOALS["hle10"], groups=5, repetitions=1000, components=parts)
    base = view.baseline
    assert base.se == pytest.approx(0.5) and base.method == "Normal"
    assert (base.lower, base.upper) == (pytest.approx(74 - Z95 * 0.5), pytest.approx(74 + Z95 * 0.5))
    mdd = minimum_detectable_difference(0.5, 0.5, 2.0)
    assert view.detectability.min_change_absolute == pytest.approx(mdd)
    assert view.detectability.detectable is True and view.detectability.basis == "standard errors"  # 7.4 > 2.8


def test_proportion_gets_wilson_on_implied_children_and_counts_people(catalogue, table) -> None:
    view = goal_view(catalogue, table, I1, GOALS["cyp10"], groups=5, repetitions=1000)
    # imd10 cohort: W01, 50% of its 200 children (the layer's weight: Census children = pop / 5).
    ci = proportion_interval(100, 200, multiplier=100)
    assert view.baseline.value == 50 and view.baseline.denominator == 200 and view.baseline.method == "Wilson"
    assert (view.baseline.lower, view.baseline.upper) == (pytest.approx(ci.lower), pytest.approx(ci.upper))
    assert view.target == pytest.approx(45.0)
    assert view.impact.change == pytest.approx(-10.0) and "About 10 fewer children" in view.impact.text


def test_sii_matches_slope_index_on_the_quintiles_worked_by_hand(catalogue, table) -> None:
    view = goal_view(catalogue, table, I1, GOALS["nea20"], groups=5, repetitions=1000)
    # Quintiles of I1's wards by IMD: {W01,W06} {W02,W07} {W03,W08} {W04,W09} {W05,W10}.
    values = np.array([430 / 3, 120.0, 110.0, 97.5, 85.0])
    population = np.array([3000.0, 2000, 2000, 2000, 2000])
    grad = view.gradient
    assert grad.groups["value"].to_numpy() == pytest.approx(values)
    assert grad.groups["population"].to_numpy() == pytest.approx(population)
    expected = population * RATE
    ci = standardised_ratio_interval(values / 100 * expected, expected, multiplier=100)
    direct = slope_index(values, population, lower=ci.lower, upper=ci.upper, value_type="rate", transform=True,
                         repetitions=1000, rng=2025)
    assert (grad.sii, grad.sii_lower, grad.sii_upper, grad.rii) == pytest.approx(
        (direct.sii, direct.sii_lower, direct.sii_upper, direct.rii))
    line = fitted_line(values, population, value_type="rate", transform=True)
    assert grad.sii == pytest.approx(float(line.at(1.0) - line.at(0.0)))
    assert grad.sii < 0 and grad.gap > 0  # admissions fall with affluence: the most deprived are worse off
    assert grad.gap == pytest.approx(-grad.sii)
    step = 430 / 3 * 0.2  # the goal's change against the gradient's gap
    assert view.scale_note == (f"Scale of the goal: its change of {step:,.3g} points is "
                               f"{step / grad.gap:.0%} of the gap across the area's deprivation gradient "
                               f"({grad.gap:,.3g} points, the SII).")


def test_sii_of_a_higher_is_better_measure_is_positive_and_the_gap_too(catalogue, table) -> None:
    view = goal_view(catalogue, table, I1, GOALS["hle10"], groups=5, repetitions=1000)
    # Quintile values: (74 + 150) / 3, 76.5, 78.5, 80.5, 82.5 -- no standard errors: the line without limits.
    grad = view.gradient
    assert grad.groups["value"].tolist() == pytest.approx([224 / 3, 76.5, 78.5, 80.5, 82.5])
    line = fitted_line(grad.groups["value"], grad.groups["population"])
    assert grad.sii == pytest.approx(line.slope) and grad.sii > 0 and grad.gap == pytest.approx(grad.sii)
    assert math.isnan(grad.sii_lower) and "no confidence interval" in grad.note


def test_deprivation_groups_are_equal_numbers_of_wards_most_deprived_first() -> None:
    scores = pd.Series([10.0, 40.0, 20.0, 30.0, 50.0, 45.0, np.nan], index=list("abcdefg"))
    groups = deprivation_groups(scores, 3)  # e 50, f 45 | b 40, d 30 | c 20, a 10
    assert groups.to_dict() == {"a": 3.0, "b": 2.0, "c": 3.0, "d": 2.0, "e": 1.0, "f": 1.0, "g": pytest.approx(np.nan,
                                                                                                                nan_ok=True)}
    with pytest.raises(ValueError, match="cannot be cut"):
        deprivation_groups(scores, 7)


def test_a_score_gets_no_relative_target(catalogue, table) -> None:
    catalogue = {**catalogue, "cyp_score_2025": PublishedLayer(INDICATORS["cyp_score_2025"],
                                                               table.assign(cyp_score_2025=np.linspace(1, -1, 15)))}
    view = goal_view(catalogue, table, I1, GOALS["cyp10"], "cyp_score_2025", groups=5, repetitions=1000)
    assert math.isnan(view.target) and view.trajectory.empty and view.detectability.detectable is None
    assert any("no relative target" in n for n in view.notes)


def test_unknown_measure_is_refused(catalogue, table) -> None:
    with pytest.raises(ValueError, match="not a layer"):
        goal_view(catalogue, table, I1, GOALS["nea20"], "nope")


# --- layers.bivariate ------------------------------------------------------------------------------------

def test_bivariate_thirds_follow_each_measures_direction(catalogue, table) -> None:
    codes = pd.Index(WARDS[:9])
    imd = table.loc[codes, "imd_score_2025"]
    # Admissions (higher is worse): W01 (150) is in the worst third and the most deprived third: darkest.
    admissions = bivariate(imd, table.loc[codes, ADMISSIONS], INDICATORS[ADMISSIONS])
    assert admissions.colour["W01"] == GRID[(2, 2)] == "#574249"
    # Life expectancy (higher is better): W01 (74) is the lowest, so also the worst third.
    life = bivariate(imd, table.loc[codes, LE], INDICATORS[LE])
    assert life.outcome["W01"] == 2 and life.outcome["W05"] == 0  # 82: the best
    assert sum(c.count for c in life.key.cells) == 9 and len(life.key.cells) == 9
    assert life.key.cells[2].label.startswith("Most deprived third, worst third")  # top right of the grid
    assert thirds(pd.Series([1.0, 1.0, 1.0, 9.0])).tolist() == [0, 0, 0, 2]  # ties share the better third
    assert ink("#574249") == "#ffffff" and ink("#e8e8e8") == "#000000"


def test_models_of_the_declared_layers_name_real_records() -> None:
    assert set(MEASURE_MODELS) <= set(INDICATORS)
    for layer, model in MEASURE_MODELS.items():
        assert model.interval
        if model.msoa:
            assert all(c.startswith(layer.removesuffix("_2016_20")) for c in model.msoa)
