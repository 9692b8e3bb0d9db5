"""XmR charts after Making Data Count (stats/spc.py), checked against NHSRplotthedots' own outputs.

Published examples (sources, commits and licence in tests/data/spc/README.md): three 36-month
A&E series whose every point ptd_spc() labelled (tests/data/spc/*.csv), R's
``set.seed(123); rnorm(20)`` with ptd's printed limits, ptd's rule and assurance unit cases, and
the Python port's NHS England tool example. Each rule is then pinned by a hand-built series
that triggers it exactly where expected and one that just misses it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.paths import ROOT
from stats import spc_rules
from stats.spc import (
    LIMIT_FACTOR,
    MIN_POINTS_FOR_LIMITS,
    MR_SCREEN_FACTOR,
    NEAR_LIMIT_FACTOR,
    assurance,
    reading,
    xmr,
)

DATA = ROOT / "tests" / "data" / "spc"

#: R 4.x: set.seed(123); rnorm(20), as printed to 8 decimals.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip
DAYS = pd.date_range("2020-01-02", periods=20, freq="D")  # ptd's test: as.Date("2020-01-01") + 1:20


def flat(n: int = 12) -> list[float]:
    """A stable baseline alternating 11 and 9 (ending on 9, below the mean, when n is even).

    Mean 10 and every moving range 2, so AMR 2: limits 10 ± 5.32 (4.68 and 15.32), near
    (2-sigma) lines 10 ± 3.5467.
    """
    return [11.0 if i % 2 == 0 else 9.0 for i in range(n)]


def chart(tail: list[float], improvement: str = "increase") -> pd.DataFrame:
    """Points of an XmR chart of ``tail`` after a 12-point flat baseline that fixes the limits."""
    return xmr(flat() + tail, improvement=improvement, fix_after=12).points


def flagged(points: pd.DataFrame, column: str) -> list[int]:
    """1-based positions of the points where ``column`` is true."""
    return [i + 1 for i in np.flatnonzero(points[column].to_numpy(dtype=bool))]


# --- NHSRplotthedots' A&E worked examples, every point ---------------------------------------

PTD_CASES = {
    "ptd_ae_all_attendances.csv": {},
    "ptd_ae_all_attendances_rebase.csv": {"rebase_at": ["2017-04-01"]},
    "ptd_ae_all_performance_fix12.csv": {"fix_after": 12},
}


@pytest.mark.parametrize("name", PTD_CASES)
def test_ptd_ae_examples_match_every_point(name: str) -> None:
    expected = pd.read_csv(DATA / name)
    points = xmr(expected["value"], expected["period"], improvement="increase", **PTD_CASES[name]).points
    assert len(points) == 36
    for ours, theirs in [("mean", "mean"), ("lpl", "lpl"), ("upl", "upl")]:
        np.testing.assert_allclose(points[ours], expected[theirs], rtol=1e-12)
    assert points["side"].tolist() == expected["relative_to_mean"].astype(int).tolist()
    assert points["beyond_limit"].tolist() == expected["outside_limits"].tolist()
    assert points["close_to_limit"].tolist() == expected["close_to_limits"].tolist()
    assert points["special_cause"].tolist() == (expected["special_cause_flag"] == 1).tolist()
    assert points["point_type"].tolist() == expected["point_type"].tolist()


def test_ptd_ae_attendances_values() -> None:
    """Spot values, so a silently rewritten CSV would still be caught."""
    d = pd.read_csv(DATA / "ptd_ae_all_attendances.csv")
    r = xmr(d["value"], d["period"], improvement="increase")
    last = r.points.iloc[-1]
    assert (d["period"].iloc[0], d["value"].iloc[0]) == ("2016-04-01", 1867781.0)
    assert last["mean"] == pytest.approx(2000538.9444444445, rel=1e-12)
    assert (last["lpl"], last["upl"]) == pytest.approx((1731844.3644444444, 2269233.5244444446), rel=1e-12)
    assert flagged(r.points, "close_to_limit") == [11, 23, 28]
    summary = (r.variation, r.variation_icon, r.special_cause_since, r.trial)
    assert summary == ("common_cause", "common_cause", None, False)


def test_ptd_ae_rebase_gives_each_segment_its_limits() -> None:
    d = pd.read_csv(DATA / "ptd_ae_all_attendances_rebase.csv")
    p = xmr(d["value"], d["period"], improvement="increase", rebase_at=["2017-04-01"]).points
    assert p["segment"].tolist() == [0] * 12 + [1] * 24
    assert p["mean"].iloc[[0, 12]].tolist() == pytest.approx([1946858.4166666667, 2027379.2083333333], rel=1e-12)
    assert p["upl"].iloc[[0, 12]].tolist() == pytest.approx([2253769.4584848485, 2281837.3526811595], rel=1e-12)
    assert np.isnan(p["moving_range"].iloc[12])  # no moving range across the rebase


def test_ptd_ae_performance_fixed_limits_and_signals() -> None:
    d = pd.read_csv(DATA / "ptd_ae_all_performance_fix12.csv")
    r = xmr(d["value"], d["period"], improvement="increase", fix_after=12)
    p = r.points
    assert p["baseline"].tolist() == [True] * 12 + [False] * 24
    assert p["mr_used"].sum() == 11
    assert flagged(p, "beyond_limit") == [10, 21, 22, 23, 24, 34, 35]
    assert flagged(p, "run") == [12, 13, 14, 15, 16, 17, 18, 19, 30, 31, 32, 33, 34, 35, 36]
    # Point 9 is close to the lower limit, but point 10 is beyond it: ptd counts only points
    # between the 2-sigma line and the limit towards "two of three", so neither makes a pair.
    assert flagged(p, "close_to_limit") == [9, 33, 36] and flagged(p, "two_of_three") == []
    assert r.variation == "special_cause_concern" and r.variation_icon == "concern_low"
    assert r.special_cause_since == "2018-09-01"  # the latest run below the mean starts there


def test_improvement_direction_swaps_labels_on_the_same_data() -> None:
    d = pd.read_csv(DATA / "ptd_ae_all_performance_fix12.csv")
    up = xmr(d["value"], d["period"], improvement="increase", fix_after=12)
    down = xmr(d["value"], d["period"], improvement="decrease", fix_after=12)
    neutral = xmr(d["value"], d["period"], improvement="neutral", fix_after=12)
    swap = {"special_cause_improvement": "special_cause_concern", "special_cause_concern": "special_cause_improvement"}
    assert down.points["point_type"].tolist() == up.points["point_type"].replace(swap).tolist()
    assert up.points["point_type"].iloc[11] == "special_cause_improvement"  # 8 points above the mean
    assert down.points["point_type"].iloc[11] == "special_cause_concern"
    assert neutral.points["point_type"].iloc[[9, 11]].tolist() == [
        "special_cause_neutral_low",
        "special_cause_neutral_high",
    ]
    icons = (up.variation_icon, down.variation_icon, neutral.variation_icon)
    assert icons == ("concern_low", "improvement_low", "neutral_low")
    assert (down.variation, down.special_cause_since) == ("special_cause_improvement", "2018-09-01")


# --- rnorm(20) with ptd's printed limits --------------------------------------------------------


def test_ptd_rnorm_limits_and_all_common_cause() -> None:
    r = xmr(RNORM_123, DAYS, improvement="increase")
    p = r.points
    limits = (p["mean"].iloc[0], p["lpl"].iloc[0], p["upl"].iloc[0])
    assert limits == pytest.approx((0.1416238, -3.01138, 3.294627), abs=6e-7)
    assert p["side"].iloc[:15].tolist() == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert (p["point_type"] == "common_cause").all()  # ptd summary: n 20, common_cause 20


@pytest.mark.parametrize(
    ("screen", "mean", "lpl", "upl"),
    [(True, 0.6694159, -2.383666, 3.722497), (False, 0.6694159, -4.596625, 5.935457)],
)
def test_ptd_rnorm_outlier_screening(screen: bool, mean: float, lpl: float, upl: float) -> None:
    """ptd's test sets y[15] <- 10: screening drops its two moving ranges and narrows the limits."""
    y = RNORM_123.copy()
    y[14] = 10.0
    p = xmr(y, DAYS, improvement="increase", screen_outliers=screen).points
    assert (p["mean"].iloc[0], p["lpl"].iloc[0], p["upl"].iloc[0]) == pytest.approx((mean, lpl, upl), abs=6e-7)
    assert flagged(p, "beyond_limit") == [15]
    assert p["mr_used"].iloc[14:16].tolist() == [not screen, not screen]
    assert p["side"].iloc[:14].tolist() == [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1]


def test_ptd_rnorm_halves_rebased_match_ptd_facets() -> None:
    """ptd's summary of the two 10-point halves as facets: 0.0746 (-2.60, 2.75) and 0.209 (-3.28, 3.70)."""
    r = xmr(RNORM_123, DAYS, improvement="increase", rebase_at=[DAYS[10]])
    halves = r.points.groupby("segment")[["mean", "lpl", "upl"]].first()
    np.testing.assert_allclose(halves.to_numpy(), [[0.0746, -2.60, 2.75], [0.209, -3.28, 3.70]], atol=0.005)
    assert r.points["trial"].all() and (r.points["point_type"] == "common_cause").all()


def test_ptd_opposite_sides_close_to_limits_are_common_cause() -> None:
    """ptd issue #143: two close-to-limit points on opposite sides of the mean are not a signal."""
    y = [1.0, -1.0] * 8
    y[14], y[15] = 5.5, -5.5
    p = xmr(y, improvement="increase").points
    assert p["close_to_limit"].iloc[14:].tolist() == [True, True]
    assert p["point_type"].iloc[14:].tolist() == ["common_cause", "common_cause"]


def test_python_port_nhs_tool_example() -> None:
    y = [89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86]
    p = xmr(y, improvement="increase").points
    assert p["mean"].iloc[0] == pytest.approx(76.67, abs=0.005)
    assert (round(p["lpl"].iloc[0]), round(p["upl"].iloc[0])) == (57, 96)
    assert flagged(p, "special_cause") == [12] and p["special_cause_rule"].iloc[11] == "beyond_limit"


# --- the rules, one by one ---------------------------------------------------------------------


def test_ptd_rule_unit_cases() -> None:
    """Cases of ptd's test-ptd_calculate_point_type.R, as 'part of a pattern' flags."""
    assert spc_rules.run_flags(np.array([1] * 6)).tolist() == [False] * 6
    assert spc_rules.run_flags(np.array([1] * 6 + [-1])).tolist() == [False] * 7
    assert spc_rules.run_flags(np.array([-1] * 8 + [1])).tolist() == [True] * 8 + [False]
    assert spc_rules.trend_direction(np.array([1, 2, 3, 3, 4, 5, 6.0])).tolist() == [0] * 7
    assert spc_rules.trend_direction(np.arange(1.0, 8)).tolist() == [0] * 6 + [1]
    assert spc_rules.trend_direction(np.array([2, 7, 6, 5, 4, 3, 2, 1, 3.0])).tolist() == [0] * 7 + [-1, 0]
    assert spc_rules.trend_flags(np.array([2, 1, 2, 3, 4, 5, 6, 7, 3.0])).tolist() == [False] + [True] * 7 + [False]
    same_side = np.ones(7, dtype=int)
    for close, expected in [
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ]:
        got = spc_rules.two_of_three_flags(np.array(close, dtype=bool), same_side[: len(close)])
        assert got.astype(int).tolist() == expected


@pytest.mark.parametrize(("n_above", "expected"), [(6, "common_cause"), (7, "special_cause_improvement")])
def test_run_needs_seven_points_on_one_side(n_above: int, expected: str) -> None:
    tail = [10.5 if i % 2 == 0 else 10.7 for i in range(n_above)]  # above the mean 10, no trend
    p = chart(tail)
    assert p["point_type"].iloc[-1] == expected
    assert flagged(p, "run") == ([] if n_above < 7 else list(range(13, 20)))


def test_point_on_the_mean_breaks_a_run() -> None:
    p = chart([10.5, 10.7, 10.5, 10.0, 10.7, 10.5, 10.7])
    assert p["side"].iloc[15] == 0 and flagged(p, "run") == []
    assert flagged(chart([10.0] * 7), "run") == []  # seven points on the mean are no shift


def test_trend_of_seven_crossing_the_mean_takes_the_trend_direction() -> None:
    rising = [9.0, 9.3, 9.6, 9.9, 10.2, 10.5, 10.8]  # 4 below the mean, 3 above
    up, down = chart(rising, "increase"), chart(rising, "decrease")
    assert flagged(up, "trend") == list(range(13, 20)) and flagged(up, "run") == []
    assert set(up["point_type"].iloc[12:]) == {"special_cause_improvement"}
    assert set(down["point_type"].iloc[12:]) == {"special_cause_concern"}


def test_rule_priority_sets_the_direction() -> None:
    """ptd's order: beyond a limit, then trend, then two of three, then run."""
    rising_below = chart([9.0, 9.1, 9.2, 9.3, 9.4, 9.5, 9.6])  # a run below the mean, and a rising trend
    assert flagged(rising_below, "run") == list(range(12, 20))  # the baseline's last point, 9, is below too
    assert flagged(rising_below, "trend") == list(range(13, 20))  # 9 to 9.0 is a tie
    assert rising_below["special_cause_rule"].iloc[11:].tolist() == ["run"] + ["trend"] * 7
    improvement, concern = "special_cause_improvement", "special_cause_concern"
    assert rising_below["point_type"].iloc[11:].tolist() == [concern] + [improvement] * 7
    falling_from_above = chart([16.0, 15.0, 14.0, 13.0, 12.0, 11.5, 11.2])  # 16 is beyond the limit
    assert falling_from_above["special_cause_rule"].iloc[12:14].tolist() == ["beyond_limit", "trend"]
    assert falling_from_above["point_type"].iloc[12:14].tolist() == [improvement, concern]


@pytest.mark.parametrize(
    "tail",
    [[9.0, 9.3, 9.6, 9.9, 10.2, 10.5], [9.0, 9.3, 9.6, 9.6, 9.9, 10.2, 10.5, 10.8]],
    ids=["six rising", "a tie breaks the trend"],
)
def test_trend_misses(tail: list[float]) -> None:
    p = chart(tail)
    assert flagged(p, "trend") == [] and flagged(p, "special_cause") == []


def test_two_of_three_close_to_the_limit_on_one_side() -> None:
    p = chart([14.0, 10.5, 14.0, 10.5])  # 14 lies between the 2-sigma line 13.55 and the limit 15.32
    assert flagged(p, "close_to_limit") == [13, 15]
    assert flagged(p, "two_of_three") == [13, 15] and flagged(p, "special_cause") == [13, 15]
    assert p["point_type"].iloc[12] == "special_cause_improvement"


@pytest.mark.parametrize(
    ("tail", "beyond"),
    [([14.0, 9.5, 14.0], []), ([14.0, 10.5, 10.5, 14.0], []), ([14.0, 16.0, 10.5], [14])],
    ids=["middle point below the mean", "four apart", "a point beyond the limit does not count"],
)
def test_two_of_three_misses(tail: list[float], beyond: list[int]) -> None:
    p = chart(tail)
    assert flagged(p, "two_of_three") == [] and flagged(p, "beyond_limit") == beyond
    assert flagged(p, "special_cause") == beyond


def test_beyond_a_limit_is_strict() -> None:
    p = chart([15.31, 9.0, 15.33, 11.0, 4.67])
    assert flagged(p, "beyond_limit") == [15, 17]
    assert p["point_type"].iloc[[14, 16]].tolist() == ["special_cause_improvement", "special_cause_concern"]
    assert p["close_to_limit"].iloc[12]
    upl = p["upl"].iloc[0]  # the baseline fixes the limits, so a point exactly on one can be placed there
    on_limit = chart([upl])
    assert on_limit["value"].iloc[-1] == on_limit["upl"].iloc[-1]
    assert not on_limit["beyond_limit"].iloc[-1] and on_limit["close_to_limit"].iloc[-1]


def test_limits_and_near_lines() -> None:
    p = chart([10.0])
    columns = ["mean", "lpl", "upl", "near_lpl", "near_upl", "avg_moving_range"]
    assert p[columns].iloc[0].tolist() == pytest.approx([10, 4.68, 15.32, 6.453333, 13.546667, 2], abs=1e-6)
    factors = (LIMIT_FACTOR, NEAR_LIMIT_FACTOR)
    assert factors == pytest.approx((2.66, 1.773333), abs=1e-6)


def test_screening_drops_moving_ranges_at_or_above_3267_amr() -> None:
    y = [10, 12, 10, 12, 10, 12, 10, 40, 10, 12, 10, 12.0]  # two moving ranges of 30, nine of 2
    screened = xmr(y, improvement="increase").points
    raw = xmr(y, improvement="increase", screen_outliers=False).points
    assert raw["avg_moving_range"].iloc[0] == pytest.approx(78 / 11)
    assert MR_SCREEN_FACTOR * 78 / 11 <= 30  # so the 30s go, and the AMR of the rest is 2
    assert screened["avg_moving_range"].iloc[0] == pytest.approx(2.0)
    assert flagged(screened, "mr_used") == [2, 3, 4, 5, 6, 7, 10, 11, 12]
    assert flagged(raw, "mr_used") == list(range(2, 13))
    assert (screened["upl"].iloc[0], raw["upl"].iloc[0]) == pytest.approx((160 / 12 + 5.32, 160 / 12 + 2.66 * 78 / 11))


def test_screening_threshold_is_3267_average_moving_ranges() -> None:
    """One moving range of 8.76 against ten of 2: AMR 2.6145, so 8.76 is 3.35 AMRs and is dropped."""
    y = [10, 12] * 5 + [10, 18.76]
    p = xmr(y, improvement="increase").points
    assert 3.267 < 8.76 / (28.76 / 11) < 3.5
    assert p["avg_moving_range"].iloc[0] == pytest.approx(2.0) and not p["mr_used"].iloc[-1]


def test_special_cause_since_stops_at_the_latest_rebase() -> None:
    tail = [16.0, 16.0] + [1, 1.5, 2, 2.5, 3, 8, 14]  # two points beyond the limit, then a new segment's trend
    r = xmr(flat() + tail, improvement="increase", fix_after=12, rebase_at=[15])
    assert set(r.points["point_type"].iloc[12:]) == {"special_cause_improvement"}
    assert r.special_cause_since == 15


def test_rules_do_not_cross_a_rebase() -> None:
    seg0 = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11.5, 11.5, 11.5]  # mean 10.29: last three above
    seg1 = [12, 12.2, 12, 12.2, 9, 11, 9, 11, 9, 11, 9, 11.0]  # mean 10.70: first four above
    whole = xmr(seg0 + seg1, improvement="increase").points
    rebased = xmr(seg0 + seg1, improvement="increase", rebase_at=[13]).points
    assert flagged(whole, "run") == list(range(10, 17))
    assert flagged(rebased, "run") == [] and rebased["side"].iloc[9:16].tolist() == [1] * 7


# --- trial limits, assurance, the summary and the reading --------------------------------------


@pytest.mark.parametrize(("n", "trial"), [(MIN_POINTS_FOR_LIMITS - 1, True), (MIN_POINTS_FOR_LIMITS, False)])
def test_trial_limits_below_twelve_points(n: int, trial: bool) -> None:
    r = xmr(flat(n), improvement="increase")
    assert MIN_POINTS_FOR_LIMITS == 12
    assert r.trial is trial and r.points["trial"].tolist() == [trial] * n
    assert ("trial limits, resting on 11 points" in reading(r)) is trial


def test_trial_follows_the_baseline_of_each_segment() -> None:
    fixed = xmr(flat(30), improvement="increase", fix_after=10)
    assert fixed.trial and fixed.points["baseline"].sum() == 10
    rebased = xmr(flat(23), improvement="increase", rebase_at=[13])
    assert rebased.points.groupby("segment")["trial"].first().tolist() == [False, True]


@pytest.mark.parametrize(
    ("lpl", "upl", "improvement", "expected"),
    [
        (1, 3, "increase", "consistent_fail"),
        (5, 7, "increase", "consistent_pass"),
        (1, 5, "increase", "inconsistent"),
        (1, 3, "decrease", "consistent_pass"),
        (5, 7, "decrease", "consistent_fail"),
        (1, 5, "decrease", "inconsistent"),
        (1, 3, "neutral", None),
        (1, 4, "increase", "inconsistent"),  # a target on a limit is within them
        (4, 7, "decrease", "inconsistent"),
    ],
)
def test_ptd_assurance_cases(lpl: float, upl: float, improvement: str, expected: str | None) -> None:
    """ptd's test-ptd_calculate_assurance_type.R: target 4 against each pair of limits."""
    assert assurance(4, lpl, upl, improvement) == expected


def test_assurance_uses_the_latest_segment() -> None:
    """ptd issue #172: after a rebase, the target is judged against the new limits."""
    y = flat(12) + [v + 10 for v in flat(12)]  # 10 ± 1, then 20 ± 1: the one screened jump leaves AMR 2
    whole = xmr(y, improvement="increase", target=14)
    assert (whole.points["lpl"].iloc[-1], whole.assurance) == (pytest.approx(15 - 5.32), "inconsistent")
    rebased = xmr(y, improvement="increase", target=14, rebase_at=[13])
    assert (rebased.points["lpl"].iloc[-1], rebased.assurance) == (pytest.approx(20 - 5.32), "consistent_pass")
    assert xmr(y, improvement="increase").assurance is None


@pytest.mark.parametrize(
    ("target", "improvement", "sentence"),
    [
        (None, "increase", "Common cause variation: no sign of change in the latest period."),
        (20, "increase", "Common cause variation: no sign of change in the latest period; "
         "the target is consistently missed (it lies above the upper process limit)."),
        (20, "decrease", "Common cause variation: no sign of change in the latest period; "
         "the target is consistently met (it lies above the upper process limit)."),
        (1, "decrease", "Common cause variation: no sign of change in the latest period; "
         "the target is consistently missed (it lies below the lower process limit)."),
        (12, "increase", "Common cause variation: no sign of change in the latest period; "
         "the target is not yet assured (it lies within the process limits)."),
        (12, "neutral", "Common cause variation: no sign of change in the latest period."),
    ],
)  # fmt: skip
def test_reading_of_common_cause_with_targets(target: float | None, improvement: str, sentence: str) -> None:
    assert reading(xmr(flat(), improvement=improvement, target=target)) == sentence


def test_reading_formats_periods_as_given() -> None:
    months = pd.period_range("2024-10", periods=19, freq="M")
    r = xmr(flat() + [10.5, 10.7] * 3 + [10.5], months, improvement="increase", fix_after=12, target=12)
    assert r.special_cause_since == pd.Period("2025-10", "M")
    assert reading(r) == (
        "Special cause improvement since 2025-10; the target is not yet assured (it lies within the process limits)."
    )
    stamps = xmr(flat() + [10.5, 10.7] * 3 + [10.5], months.to_timestamp(), improvement="neutral", fix_after=12)
    assert reading(stamps) == "Special cause variation (unusually high) since 2025-10-01."


def test_reading_does_not_judge_the_target_from_limits_that_span_a_shift() -> None:
    months = pd.period_range("2024-01", periods=24, freq="M")
    r = xmr(flat(12) + [7.0, 7.2] * 6, months, improvement="decrease", target=5.0)
    assert r.assurance == "consistent_fail"  # below the lower limit of both levels together (5.52)
    assert reading(r, shift_since=pd.Period("2025-01", "M")) == (
        "Special cause improvement since 2025-01; whether the target is met cannot be judged until the chart is "
        "re-baselined from 2025-01 (the process limits span the shift).")
    assert "consistently missed" in reading(r) and "cannot be judged" not in reading(r)


# --- a synthetic goal: a 20% fall in a 36-month series -----------------------------------------

MONTHS = pd.period_range("2023-01", periods=36, freq="M")
FALL = MONTHS.get_loc(pd.Period("2025-01", "M"))
#: Noise SD 2 on a level of 100, so the 20% fall is 10 SDs. Over seeds 0-499, 496 date the
#: improvement to the fall month and 4 one or two months earlier, through a genuine 7-point
#: falling trend that spans the fall (the trend rule outranks the run rule).
NOISE_SD = 2.0


def fall_series(seed: int) -> np.ndarray:
    """100 per month, 80 from 2025-01, plus normal noise of SD :data:`NOISE_SD`."""
    level = np.where(np.arange(36) >= FALL, 80.0, 100.0)
    return level + np.random.default_rng(seed).normal(0, NOISE_SD, 36)


def test_twenty_percent_fall_reads_as_improvement_from_that_month() -> None:
    r = xmr(fall_series(2025), MONTHS, improvement="decrease", target=90)
    assert r.special_cause_since == pd.Period("2025-01", "M")
    assert (r.variation, r.variation_icon) == ("special_cause_improvement", "improvement_low")
    assert r.assurance == "inconsistent"
    assert set(r.points["point_type"].iloc[:FALL]) == {"special_cause_concern"}  # the old level, above the mean
    assert reading(r) == (
        "Special cause improvement since 2025-01; the target is not yet assured (it lies within the process limits)."
    )
    assert xmr(fall_series(2025), MONTHS, improvement="increase").variation == "special_cause_concern"


def test_rebasing_at_the_fall_assures_a_target_the_new_process_meets() -> None:
    r = xmr(fall_series(2025), MONTHS, improvement="decrease", target=90, rebase_at=[pd.Period("2025-01", "M")])
    assert r.points["mean"].iloc[-1] == pytest.approx(80, abs=1.5) and r.points["upl"].iloc[-1] < 90
    assert (r.variation, r.assurance, r.special_cause_since) == ("common_cause", "consistent_pass", None)
    assert reading(r) == (
        "Common cause variation: no sign of change in the latest period; "
        "the target is consistently met (it lies above the upper process limit)."
    )


def test_twenty_percent_fall_is_dated_to_the_fall_or_an_earlier_trend() -> None:
    for seed in range(60):
        r = xmr(fall_series(seed), MONTHS, improvement="decrease")
        since = MONTHS.get_loc(r.special_cause_since)
        earlier_trend = FALL - 5 <= since < FALL and r.points["special_cause_rule"].iloc[since] == "trend"
        assert since == FALL or earlier_trend, seed


# --- input validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1.0]}, "at least 2 values (got 1)"),
        ({"values": [1.0, np.nan, 3.0], "periods": ["a", "b", "c"]}, "missing or infinite at b"),
        ({"values": [1.0, np.inf]}, "missing or infinite at 2"),
        ({"values": [1.0, 2.0], "periods": ["a"]}, "differ in length (2 values, 1 periods)"),
        ({"values": [1.0, 2.0], "improvement": "up"}, "improvement must be one of 'increase', 'decrease', 'neutral'"),
        ({"values": ["x", "y"]}, "values must be numbers"),
        ({"values": 3.0}, "one series of numbers, not an array of shape ()"),
        ({"values": [1.0, 2.0, 3.0], "periods": ["a", "b", "a"]}, "periods repeat: a"),
        ({"values": [1.0, 2.0], "periods": pd.to_datetime(["2025-02-01", "2025-01-01"])}, "time order"),
        ({"values": [1.0, 2.0, 3.0], "rebase_at": [9]}, "rebase_at period 9 is not one of the periods"),
        ({"values": [1.0, 2.0, 3.0], "rebase_at": [3]}, "the one starting at 3 has 1"),
        ({"values": [1.0, 2.0, 3.0], "fix_after": 1}, "fix_after must be a whole number"),
        ({"values": [1.0, 2.0, 3.0], "target": float("nan")}, "target must be a finite number"),
    ],
)
def test_bad_input_says_what_to_fix(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as err:
        xmr(**{"improvement": "increase", **kwargs})
    assert message in str(err.value)


def test_series_index_gives_the_periods() -> None:
    s = pd.Series(flat(12), index=[f"2024-{m:02d}" for m in range(1, 13)])
    assert xmr(s, improvement="decrease").points["period"].tolist() == list(s.index)
    assert xmr(flat(3), improvement="decrease").points["period"].tolist() == [1, 2, 3]
