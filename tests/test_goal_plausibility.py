"""Is a goal plausible? The target against the rest of the area and England, and the pace it needs against
ONS's published past rises (layers.goal_plausibility), worked by hand in both directions.

The hand numbers are the Lancashire and South Cumbria ICB (E54000048) figures the app shows, rounded:

* hle10 on male life expectancy: cohort 76.0, rest of the area 81.0, England 81.8 (the same ranking estimate);
  +10% gives 83.6 by January 2030, +7.6 years over 1 January 2025 to 1 January 2030 = 1,826 days = 4.9993
  years: +1.5202 years a year. ONS: England's males 73.7 (1991-93) to 79.5 (2012-14), 5.8 years over 21
  years = 0.27619 a year, so 1.5202 / 0.27619 = 5.50 times; the UK's 78.1 (2008-10) to 79.4 (2017-19), 1.3
  over 9 = 0.14444 a year.
* nea20 on emergency admissions (higher is worse): cohort 144.0, rest 107.4, England 105.5; -20% gives 115.2
  by 31 March 2027, 819 days = 2.2423 years: -28.8 / 2.2423 = -12.844 points a year; no published trend.
"""

from __future__ import annotations

import math

import pytest

from geo.areas import make_area
from layers import INDICATORS
from layers.goal_estimates import Estimate
from layers.goal_plausibility import goal_plausibility, measured_not_named
from layers.goal_measures import LIFE_EXPECTANCY_TRENDS, MEASURE_MODELS
from layers.goals import GOALS, custom_goal
from layers.goalview import goal_view
from report.cli_goals import summary, text
from tests.conftest import LSC

LE, ADMISSIONS = "le_male_2016_20", "emergency_admissions_2025"


def _e(value: float) -> Estimate:
    return Estimate(value, math.nan, math.nan, "", math.nan, math.nan, 1)


def _reading(goal, measure: str, baseline: float, rest: float, england: float, target: float):
    return goal_plausibility(goal, measure, INDICATORS[measure], MEASURE_MODELS[measure], _e(baseline), _e(rest),
                             _e(england), target)


def test_ons_reference_rises_are_the_cited_figures() -> None:
    england, uk = LIFE_EXPECTANCY_TRENDS["male"]
    assert england.per_year == pytest.approx(5.8 / 21) and uk.per_year == pytest.approx(1.3 / 9)
    assert england.text.startswith("England's male life expectancy at birth rose by about 0.28 a year, from 73.7 in "
                                   "1991-93 to 79.5 in 2012-14 (ONS")
    assert "0.14 a year, from 78.1 in 2008-10 to 79.4 in 2017-19" in uk.text
    female_england, female_uk = LIFE_EXPECTANCY_TRENDS["female"]
    assert female_england.per_year == pytest.approx(4.1 / 21) and female_uk.per_year == pytest.approx(1.0 / 9)
    assert MEASURE_MODELS["le_female_2016_20"].trends == LIFE_EXPECTANCY_TRENDS["female"]


def test_life_expectancy_target_that_passes_the_rest_and_england_at_five_times_the_past_pace() -> None:
    p = _reading(GOALS["hle10"], LE, 76.0, 81.0, 81.8, 83.6)
    assert p.passes == ("the rest of the area", "England") and p.flagged
    assert p.per_year == pytest.approx(7.6 / (1826 / 365.25))  # 1.5202 years a year
    assert p.pace == pytest.approx(7.6 / (1826 / 365.25) / (5.8 / 21))  # 5.50
    assert "the cohort would have to overtake the rest of the area (81.0) and end 2.6 years better" in p.text
    assert "the cohort would have to overtake England (81.8) and end 1.8 years better" in p.text
    assert "It needs +1.52 years a year for 5.0 years; for comparison, England's male life expectancy" in p.text
    assert "That is 5.5 times the fastest of these." in p.text
    assert p.headline == "Overtakes rest of the area and England" and p.word == "Check"
    assert p.pace_note == "+1.52 years a year, 5.5× the fastest past rise"
    # The goal names healthy life expectancy; the figures are of life expectancy, and the reading says so first.
    assert p.text.startswith("WardLens measures life expectancy at birth, males (ranking estimate) here, not healthy "
                             "life expectancy, which the goal names.")


def test_life_expectancy_target_below_england_passes_nothing_and_keeps_within_the_past_pace() -> None:
    goal = custom_goal(LE, "improve", 0.01, "imd10", GOALS["hle10"].deadline)  # +0.76 in 5 years
    p = _reading(goal, LE, 76.0, 81.0, 81.8, 76.76)
    assert p.passes == () and not p.flagged
    assert "it stays 4.2 years worse than the rest of the area (81.0)" in p.text
    assert "it stays 5.0 years worse than England (81.8)" in p.text
    assert p.pace == pytest.approx(0.76 / (1826 / 365.25) / (5.8 / 21))  # 0.55
    assert "That is within the fastest of these." in p.text
    assert p.headline == "Stays worse than England" and p.word == "No flag" and p.measured == ""  # a goal of one's own names no measure


def test_admissions_higher_is_worse_stays_above_england_with_no_published_trend() -> None:
    p = _reading(GOALS["nea20"], ADMISSIONS, 144.0, 107.4, 105.5, 115.2)
    assert p.passes == () and not p.flagged and math.isnan(p.pace)
    assert p.per_year == pytest.approx(-28.8 / (819 / 365.25))  # -12.844 points a year
    assert "it stays 8 points worse than the rest of the area (107)" in p.text
    assert "it stays 10 points worse than England (106)" in p.text  # 115.2 - 105.5 = 9.7
    assert "It needs -12.84 points a year for 2.2 years. No past rate of change is available" in p.text
    assert p.headline == "Stays worse than England" and p.word == "No trend"


def test_admissions_target_below_england_passes_it() -> None:
    p = _reading(GOALS["nea20"], ADMISSIONS, 110.0, 100.0, 106.0, 88.0)  # lower is better: 88 passes both
    assert p.passes == ("the rest of the area", "England") and p.flagged
    assert "the cohort would have to overtake England (106) and end 18 points better" in p.text
    assert "overtake the rest of the area (100) and end 12 points better" in p.text
    already = _reading(GOALS["nea20"], ADMISSIONS, 104.0, 110.0, 106.0, 83.2)  # better than both already
    assert already.passes == () and already.headline == "Already better than England"
    assert "the cohort is already level with or better than England (106)" in already.text


def test_measured_not_named_only_for_the_goals_own_stand_ins() -> None:
    assert measured_not_named(GOALS["hle10"], LE, INDICATORS[LE]).startswith("WardLens measures life expectancy")
    assert measured_not_named(GOALS["hle10"], "user_upload", INDICATORS[LE]) == ""  # an upload may be the real thing


@pytest.fixture(scope="module")
def lsc_hle(catalogue, ward_table):
    return goal_view(catalogue, ward_table, make_area(ward_table, LSC), GOALS["hle10"], repetitions=1_000)


def test_real_lsc_male_life_expectancy_target_passes_england_in_view_cli_and_json(lsc_hle) -> None:
    view = lsc_hle
    p = view.plausibility
    assert view.target > view.england.value > view.rest.value > view.baseline.value  # 83.6 > 81.8 > 81.0 > 76.0
    assert p.passes == ("the rest of the area", "England") and p.flagged
    assert p.per_year == pytest.approx(0.1 * view.baseline.value / (1826 / 365.25))
    assert f"overtake England ({view.fmt(view.england.value)}) and end " \
           f"{view.fmt(view.target - view.england.value)} years better" in p.text
    assert f"  Plausible? {p.text}" in text(view)
    row = summary(view, LSC)["plausibility"]
    assert row["passes"] == ["the rest of the area", "England"] and row["headline"] == p.headline
    assert row["change_per_year"] == pytest.approx(p.per_year) and len(row["references"]) == 2
    assert row["references"][0]["start"] == 73.7 and row["references"][0]["end_period"] == "2012-14"


def test_amounts_say_one_point_and_two_points() -> None:
    from layers.goal_estimates import amount

    assert [amount(n, "points") for n in ("1", "2", "0.5", "1.5")] == ["1 point", "2 points", "0.5 points", "1.5 points"]
    assert amount("1", "years") == "1 year" and amount("1", "percentage points") == "1 percentage point"
    assert amount("1", "per 1,000 residents") == "1 per 1,000 residents"  # no plural to drop
