"""Tracking a goal over time (issue 13): rates by period, the gap's difference in differences, the SPC reading.

The SYNTHETIC L&SC file (tests/data/track, a known 20% fall in the nea20 cohort from 2025-09)
must read as special-cause improvement from 2025-09 with a DiD near -20% of the cohort's
baseline rate whose CI covers it; a measure where higher is better reads the same fall as a
concern. Hand-built series pin a period rate's CI worked by hand, the window rates, the
suppression of small group totals and the cohort's freezing.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.areas import make_area
from geo.upload import GEOGRAPHIES, read_reference, read_upload
from geo.upload.periods import MONTH
from geo.upload.series import WardSeries, aggregate_series, inspect_series
from layers.goals import GOALS, custom_goal
from layers.goalview import goal_view
from layers.tracking import COHORT, NOT_JUDGED, REST, track_goal
from stats.did import difference_in_differences, window_rate
from tests.conftest import LSC
from tests.test_track_upload import SYNTHETIC, TODAY

FALL = pd.Period("2025-09", "M")


@pytest.fixture(scope="module")
def series() -> WardSeries:
    reference = read_reference()
    preview = inspect_series(read_upload(SYNTHETIC.name, SYNTHETIC.read_bytes()), reference, today=TODAY)
    return aggregate_series(preview, reference, "non_elective_admissions")


@pytest.fixture(scope="module")
def tracked(series, ward_table, catalogue):
    area = make_area(ward_table, LSC)
    return track_goal(series, ward_table, catalogue, area, GOALS["nea20"], source_name=SYNTHETIC.name)


def test_the_fall_reads_as_special_cause_improvement_from_2025_09(tracked) -> None:
    spc = tracked.spc
    assert spc.special_cause_since == FALL and spc.variation == "special_cause_improvement"
    assert spc.variation_icon == "improvement_low" and not spc.trial
    assert tracked.reading.startswith("Special cause improvement since 2025-09;")
    points = spc.points.set_index("period")
    assert (points.loc[FALL:, "point_type"] == "special_cause_improvement").all()
    assert points.loc[FALL - 1, "point_type"] == "special_cause_concern"  # the old level sits above the mean


def test_limits_spanning_the_fall_do_not_judge_the_target(tracked) -> None:
    # One set of limits over both levels puts the target below the lower limit ("consistently missed"),
    # while the cohort is at or below the target since the fall: the assurance is not read from them.
    assert tracked.spc.assurance == "consistent_fail" and tracked.shift_at == FALL
    assert tracked.assurance == NOT_JUDGED == "not_judged_limits_span_shift"
    assert tracked.reading == ("Special cause improvement since 2025-09; whether the target is met cannot be judged "
                               "until the chart is re-baselined from 2025-09 (the process limits span the shift).")
    assert "consistently" not in tracked.reading
    assert tracked.advice == ("Next step: re-baseline the chart from 2025-09, so that new limits start at the shift, "
                              "to judge the target against the new level.")


def test_rebaselining_at_the_fall_judges_the_target_against_the_new_level(series, ward_table, catalogue) -> None:
    area = make_area(ward_table, LSC)
    again = track_goal(series, ward_table, catalogue, area, GOALS["nea20"], rebase_at=[FALL])
    last = again.spc.points.iloc[-1]
    assert again.rebase_at == (FALL,) and last["segment"] == 1
    assert last["lpl"] < again.target < last["upl"] and again.spc.assurance == "inconsistent"
    assert "the target is not yet assured" in again.reading
    assert again.assurance == "inconsistent" and again.shift_at is None and again.advice == ""


def test_difference_in_differences_is_near_minus_20_percent_with_a_ci_covering_it(tracked) -> None:
    did = tracked.did
    assert [str(p) for p in tracked.baseline_periods[[0, -1]]] == ["2024-01", "2024-12"]
    assert [str(p) for p in tracked.latest_periods[[0, -1]]] == ["2025-10", "2026-09"]
    assert did.relative == pytest.approx(-0.20, abs=0.015)
    assert did.relative_lower < -0.20 < did.relative_upper and did.relative_upper < -0.1
    assert did.estimate == pytest.approx(-0.2 * tracked.baseline, rel=0.08)
    # The rest of the area did not change: its rate is flat within sampling noise.
    rest = did.control_after.rate - did.control_before.rate
    assert abs(rest) < 2 * math.sqrt(did.control_after.variance + did.control_before.variance)


def test_baseline_target_and_trajectory(tracked) -> None:
    cohort = tracked.series(COHORT)
    base = cohort.loc[tracked.baseline_periods]
    assert tracked.baseline == pytest.approx(base["count"].sum() / base["residents"].sum() * 1000)
    assert tracked.target == pytest.approx(tracked.baseline * 0.8)
    assert tracked.trajectory["date"].dt.date.tolist() == [date(2025, 1, 1), date(2027, 3, 31)]
    assert tracked.trajectory["value"].tolist() == pytest.approx([tracked.baseline, tracked.target])
    assert tracked.unit == "per 1,000 residents a month" and "ahead of it" in tracked.progress


def test_groups_are_the_frozen_cohort_the_rest_and_each_place(tracked, series, ward_table, catalogue) -> None:
    view = goal_view(catalogue, ward_table, make_area(ward_table, LSC), GOALS["nea20"], repetitions=10)
    cohort, rest, *places = tracked.groups
    assert sorted(cohort.wards) == sorted(view.cohort.codes) and len(cohort.wards) == 56
    assert len(rest.wards) == 224 and len(places) == 17
    # Gosforth (Cumberland, North East and North Cumbria ICB) holds some residents of one of the file's LSOAs:
    # the file reaches it, but no group of the L&SC tracking counts it.
    assert "E05014190" in series.counts.index
    counted = set().union(*(set(g.wards) for g in tracked.groups))
    assert "E05014190" not in counted and len(set(cohort.wards) | set(rest.wards)) == 280
    assert {"Blackpool", "Preston", "Westmorland and Furness"} <= {p.label for p in places}
    periods = tracked.table.groupby("group")["period"].nunique()
    assert (periods == 36).all()


def test_a_measure_where_higher_is_better_reads_the_same_fall_as_a_concern(series, ward_table, catalogue) -> None:
    goal = custom_goal("imd_score_2025", "improve", 0.2, "imd20", date(2027, 3, 31), start=date(2025, 1, 1))
    better = track_goal(series, ward_table, catalogue, make_area(ward_table, LSC), goal, higher_is_worse=False)
    assert better.change == 0.2 and better.target == pytest.approx(better.baseline * 1.2)
    assert better.spc.variation == "special_cause_concern" and better.spc.special_cause_since == FALL
    assert better.reading.startswith("Special cause concern since 2025-09")
    assert "behind it" in better.progress


# --- hand-built series ----------------------------------------------------------------------------

def hand_series(counts: dict[str, list[float]], months: list[str], hidden: dict[str, list[bool]] | None = None,
                threshold: int = 5) -> WardSeries:
    columns = pd.PeriodIndex(months, freq="M")
    frame = pd.DataFrame(counts, index=columns).T.astype(float)
    frame.columns = columns
    mask = pd.DataFrame(hidden or {w: [False] * len(months) for w in counts}, index=columns).T
    mask.columns = columns
    return WardSeries(frame.mask(mask), mask.astype(bool), None, MONTH, "admissions", None, GEOGRAPHIES["ward25"],
                      threshold, ())


def test_a_period_rate_and_its_ci_worked_by_hand(ward_table, catalogue) -> None:
    area = make_area(ward_table, LSC, "E06000009")  # Blackpool: its cohort wards of the ICB-wide cohort
    tracked_codes = ward_table.index[(ward_table["lad_code"] == "E06000009")]
    counts = {w: [30.0, 30.0] for w in tracked_codes}
    tracked = track_goal(hand_series(counts, ["2025-01", "2025-02"]), ward_table, catalogue, area, GOALS["nea20"])
    row = tracked.series(COHORT).iloc[0]
    n, residents = row["count"], row["residents"]
    assert residents == ward_table.loc[tracked.groups[0].wards, "population"].sum() and n == 30 * row["wards"]
    # Byar's method at 95%: O (1 - 1/(9 O) - z/(3 sqrt O))^3 and (O+1) (1 - 1/(9 (O+1)) + z/(3 sqrt(O+1)))^3, per 1,000.
    z = 1.959963984540054
    lower = n * (1 - 1 / (9 * n) - z / (3 * math.sqrt(n))) ** 3 / residents * 1000
    upper = (n + 1) * (1 - 1 / (9 * (n + 1)) + z / (3 * math.sqrt(n + 1))) ** 3 / residents * 1000
    assert (row["rate"], row["lower"], row["upper"]) == pytest.approx((n / residents * 1000, lower, upper))
    assert [g.kind for g in tracked.groups] == ["cohort", "rest"]  # a place shows no places


def test_a_period_rate_of_few_events_uses_the_exact_interval(ward_table, catalogue) -> None:
    area = make_area(ward_table, LSC, "E06000009")
    codes = ward_table.index[(ward_table["lad_code"] == "E06000009")]
    tracked = track_goal(hand_series({w: [0.0, 0.0] for w in codes} | {codes[0]: [6.0, 0.0]}, ["2025-01", "2025-02"]),
                         ward_table, catalogue, area, GOALS["nea20"])
    rows = tracked.table.set_index(["group", "period"])
    first = rows.loc[(COHORT if codes[0] in tracked.groups[0].wards else REST, pd.Period("2025-01", "M"))]
    residents = first["residents"]
    # Exact Poisson limits for 6 events: chi2(0.025; 12) / 2 = 2.2019, chi2(0.975; 14) / 2 = 13.0591.
    assert (first["lower"], first["upper"]) == pytest.approx((2.2019 / residents * 1000, 13.0591 / residents * 1000),
                                                             rel=1e-4)


def test_a_small_group_total_is_suppressed_with_its_partner(ward_table, catalogue) -> None:
    area = make_area(ward_table, LSC, "E06000009")
    codes = ward_table.index[(ward_table["lad_code"] == "E06000009")]
    counts = {w: [0.0, 20.0] for w in codes} | {codes[0]: [3.0, 20.0]}
    tracked = track_goal(hand_series(counts, ["2025-01", "2025-02"]), ward_table, catalogue, area, GOALS["nea20"])
    first = tracked.table[tracked.table["period"] == pd.Period("2025-01", "M")]
    assert first["suppressed"].all() and first["count"].isna().all() and first["rate"].isna().all()
    assert not tracked.table.loc[tracked.table["period"] == pd.Period("2025-02", "M"), "suppressed"].any()
    assert not tracked.table["count"].isin([1, 2, 3, 4]).any()


def test_suppressed_wards_leave_the_total_with_their_residents(ward_table, catalogue) -> None:
    area = make_area(ward_table, LSC, "E06000009")
    codes = ward_table.index[(ward_table["lad_code"] == "E06000009")]
    counts = {w: [50.0, 50.0] for w in codes}
    hidden = {w: [False, False] for w in codes} | {codes[0]: [True, False]}
    tracked = track_goal(hand_series(counts, ["2025-01", "2025-02"], hidden), ward_table, catalogue, area,
                         GOALS["nea20"])
    group = COHORT if codes[0] in tracked.groups[0].wards else REST
    rows = tracked.series(group)
    first, second = rows.iloc[0], rows.iloc[1]
    assert second["count"] - first["count"] == 50 and first["wards_left_out"] == 1
    assert second["residents"] - first["residents"] == ward_table.at[codes[0], "population"]


def test_window_rate_and_difference_in_differences_by_hand() -> None:
    a = window_rate([90, 110], [10_000, 10_000])
    assert (a.rate, a.phi, a.variance) == pytest.approx((10.0, 2.0, 1.0))
    steady = window_rate([100, 100, 100], [10_000] * 3)
    assert steady.phi == 1.0 and steady.variance == pytest.approx(300 / 30_000**2 * 1e6)
    did = difference_in_differences(a, window_rate([80, 80], [10_000, 10_000]), steady, steady)
    assert did.estimate == pytest.approx(-2.0) and did.relative == pytest.approx(-0.2)
    se = math.sqrt(1.0 + 160 / 20_000**2 * 1e6 + 2 * steady.variance)
    assert (did.lower, did.upper) == pytest.approx((-2 - 1.959964 * se, -2 + 1.959964 * se))
    with pytest.raises(ValueError, match="exposures finite and > 0"):
        window_rate([1, 2], [0, 10])


def test_uneven_windows_shorten_to_half_the_file(ward_table, catalogue) -> None:
    area = make_area(ward_table, LSC, "E06000009")
    codes = ward_table.index[(ward_table["lad_code"] == "E06000009")]
    months = [str(p) for p in pd.period_range("2025-03", periods=10, freq="M")]
    tracked = track_goal(hand_series({w: list(np.full(10, 40.0)) for w in codes}, months), ward_table, catalogue,
                         area, GOALS["nea20"])
    assert len(tracked.baseline_periods) == 5 and str(tracked.baseline_periods[0]) == "2025-03"
    assert str(tracked.latest_periods[0]) == "2025-08" and tracked.spc.trial
    assert "trial limits, resting on 10 points" in tracked.reading
