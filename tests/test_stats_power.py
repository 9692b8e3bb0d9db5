"""stats.power: minimum detectable change for count rates and proportions, worked by hand.

No published table uses exactly this set-up (log rate ratio test with an over-dispersion
factor and a follow-up count that depends on the change), so the examples are worked by hand
below: each states the equation, the root, and checks both sides of the equation at the root
with independent arithmetic (``math`` only). Throughout, at alpha = 0.05 and power = 0.8,
K = z_0.975 + z_0.8 = 1.959964 + 0.841621 = 2.801585.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stats.power import (is_detectable, is_detectable_proportion, log_rate_ratio_se, minimum_detectable_change,
                         minimum_detectable_change_proportion, power_for_change, proportion_power)

K = 1.959964 + 0.841621


# --- hand-worked rate examples -------------------------------------------------------------------

def test_hand_worked_increase_100_a_year_3_years_vs_1_year() -> None:
    # b = 100 events a year, 3 baseline years (E0 = 300), 1 follow-up year, phi = 2, increase.
    # Solve log(r) = K sqrt(2 (1/300 + 1/(100 r))). Iterating by hand: r = 1.45 -> 0.3716 vs
    # 0.4007 (too small); r = 1.49 -> 0.3988 vs 0.3971 (too big); root r = 1.48778:
    # E1 = 148.778; 1/300 + 1/148.778 = 0.0033333 + 0.0067214 = 0.0100547; x 2 = 0.0201095;
    # sqrt = 0.141808; x K = 0.397293; log(1.48778) = 0.397293. So D = +0.48778 (+48.8%).
    change = minimum_detectable_change(100, 3, 1, direction="increase")
    assert change == pytest.approx(0.48778, abs=1e-5)
    r = 1 + change
    assert math.log(r) == pytest.approx(K * math.sqrt(2 * (1 / 300 + 1 / (100 * r))), abs=1e-5)


def test_hand_worked_decrease_100_a_year_3_years_vs_1_year() -> None:
    # Same set-up, decrease: -log(r) = K sqrt(2 (1/300 + 1/(100 r))). Root r = 0.562272:
    # E1 = 56.2272; 1/300 + 1/56.2272 = 0.0033333 + 0.0177850 = 0.0211183; x 2 = 0.0422366;
    # sqrt = 0.205516; x K = 0.575770; -log(0.562272) = 0.575769. So D = -0.43773 (-43.8%):
    # a fall needs more log distance than a rise (0.5758 vs 0.3973) because the follow-up
    # count, and so its precision, shrinks with the fall.
    change = minimum_detectable_change(100, 3, 1)
    assert change == pytest.approx(-0.43773, abs=1e-5)
    r = 1 + change
    assert -math.log(r) == pytest.approx(K * math.sqrt(2 * (1 / 300 + 1 / (100 * r))), abs=1e-5)


def test_hand_worked_pure_poisson_5_years_vs_2_years() -> None:
    # b = 40 a year, baseline 5 years (E0 = 200), follow-up 2 years, phi = 1 (Poisson).
    # Decrease root r = 0.645831: E1 = 51.6665; 1/200 + 1/51.6665 = 0.005 + 0.0193549 =
    # 0.0243549; sqrt = 0.156061; x K = 0.437217 = -log(0.645831). D = -0.35417.
    # Increase root r = 1.392640: E1 = 111.411; 0.005 + 0.0089758 = 0.0139758; sqrt = 0.118219;
    # x K = 0.331201 = log(1.392640). D = +0.39264.
    down = minimum_detectable_change(40, 5, 2, overdispersion=1.0)
    up = minimum_detectable_change(40, 5, 2, overdispersion=1.0, direction="increase")
    assert (down, up) == (pytest.approx(-0.35417, abs=1e-5), pytest.approx(0.39264, abs=1e-5))
    assert -math.log1p(down) == pytest.approx(K * math.sqrt(1 / 200 + 1 / (80 * (1 + down))), abs=1e-5)
    assert math.log1p(up) == pytest.approx(K * math.sqrt(1 / 200 + 1 / (80 * (1 + up))), abs=1e-5)


def test_a_fall_can_be_undetectable_at_any_size() -> None:
    # b = 10 a year, 1 year each, phi = 2: f(r) = -log r - K sqrt(2 (0.1 + 0.1 / r)) peaks at
    # r* = B (sqrt(1 + A K^2 phi) - 1) / (2A) = 0.1 (sqrt(1 + 0.1 * 7.8489 * 2) - 1) / 0.2 =
    # 0.30153, where f = 1.1988 - K sqrt(2 * 0.43164) = 1.1988 - 2.6030 = -1.404 < 0: no fall,
    # however large, reaches 80% power. A rise still can (r = 4.05).
    assert math.isnan(minimum_detectable_change(10, 1, 1))
    assert minimum_detectable_change(10, 1, 1, direction="increase") == pytest.approx(3.0512, abs=1e-4)
    assert math.isnan(minimum_detectable_change(0, 3, 1, direction="increase"))  # no events at all


# --- scaling checks -------------------------------------------------------------------------------

def test_overdispersion_2_is_the_same_as_half_the_counts() -> None:
    # Var = phi (1/E0 + 1/E1): phi = 2 with b events equals phi = 1 with b/2, exactly.
    for direction in ("decrease", "increase"):
        assert minimum_detectable_change(1000, 3, 1, overdispersion=2.0, direction=direction) == pytest.approx(
            minimum_detectable_change(500, 3, 1, overdispersion=1.0, direction=direction), rel=1e-10)


@pytest.mark.parametrize("direction", ["decrease", "increase"])
def test_doubling_counts_shrinks_the_log_mdc_by_about_root_2(direction: str) -> None:
    # With large counts E1 ~ E0 T1/T0, so |log(1 + D)| ~ K sqrt(phi (1/E0 + 1/E1)) halves its
    # variance when counts double. Measured at b = 1,000: 1.394 (rise) and 1.440 (fall).
    small = math.log1p(minimum_detectable_change(1000, 3, 1, direction=direction))
    large = math.log1p(minimum_detectable_change(2000, 3, 1, direction=direction))
    assert abs(small / large) == pytest.approx(math.sqrt(2), rel=0.025)
    # phi = 2 vs phi = 1 at the same counts: the same factor (previous test).
    pure = math.log1p(minimum_detectable_change(1000, 3, 1, overdispersion=1.0, direction=direction))
    assert abs(small / pure) == pytest.approx(math.sqrt(2), rel=0.025)


def test_directions_differ_correctly() -> None:
    down = minimum_detectable_change(250, 2, 2)
    up = minimum_detectable_change(250, 2, 2, direction="increase")
    assert down < 0 < up
    assert abs(math.log1p(down)) > math.log1p(up)  # a fall needs more log distance ...
    assert abs(down) < up  # ... but fewer per cent, since log is concave


def test_more_years_or_events_make_smaller_changes_detectable() -> None:
    base = minimum_detectable_change(100, 3, 1)
    assert minimum_detectable_change(100, 3, 2) > base  # closer to 0 (a smaller fall)
    assert minimum_detectable_change(100, 5, 1) > base
    assert minimum_detectable_change(100, 3, 1, power=0.9) < base
    assert minimum_detectable_change(100, 3, 1, alpha=0.01) < base


# --- is_detectable and power ----------------------------------------------------------------------

@pytest.mark.parametrize("direction", ["decrease", "increase"])
def test_is_detectable_switches_at_the_mdc(direction: str) -> None:
    mdc = minimum_detectable_change(120, 3, 1, direction=direction)
    assert power_for_change(mdc, 120, 3, 1) == pytest.approx(0.8, abs=1e-9)
    assert is_detectable(mdc * 1.02, 120, 3, 1)
    assert not is_detectable(mdc * 0.98, 120, 3, 1)


def test_is_detectable_examples() -> None:
    # A ward with 60 admissions a year, 3 years vs 1 year, phi = 2: MDC -0.5633 (r = 0.43675:
    # E1 = 26.205; 2 (1/180 + 1/26.205) = 2 (0.005556 + 0.038161) = 0.087433; sqrt = 0.29569;
    # x K = 0.82841 = -log(0.43675)). So a 10% cut is not detectable and a 60% cut is.
    assert minimum_detectable_change(60, 3, 1) == pytest.approx(-0.5633, abs=1e-4)
    assert not is_detectable(-0.10, 60, 3, 1)
    assert is_detectable(-0.60, 60, 3, 1)
    assert not is_detectable(0.0, 60, 3, 1)
    assert not is_detectable(-0.5, 0, 3, 1)  # no events: nothing is detectable
    # numpy scalars (as pandas hands them over) are accepted
    assert minimum_detectable_change(np.int64(60), np.float64(3), np.int64(1)) == pytest.approx(-0.5633, abs=1e-4)


def test_log_rate_ratio_se_by_hand() -> None:
    # b = 100, 3 years vs 1, change -20%: E0 = 300, E1 = 80; sqrt(2 (1/300 + 1/80))
    # = sqrt(2 * 0.0158333) = 0.177951.
    assert log_rate_ratio_se(-0.2, 100, 3, 1) == pytest.approx(0.177951, abs=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: minimum_detectable_change(-1, 3, 1), "baseline_per_year must be a finite number >= 0"),
    (lambda: minimum_detectable_change(100, 0, 1), "baseline_years must be a finite number > 0"),
    (lambda: minimum_detectable_change(100, 3, 1, overdispersion=0), "overdispersion must be"),
    (lambda: minimum_detectable_change(100, 3, 1, direction="down"), "direction must be"),
    (lambda: minimum_detectable_change(100, 3, 1, alpha=5), "alpha must be a fraction"),
    (lambda: minimum_detectable_change(100, 3, 1, power=80), "power must be a fraction"),
    (lambda: is_detectable(-1.0, 100, 3, 1), "change must be a fraction > -1"),
    (lambda: minimum_detectable_change(math.nan, 3, 1), "baseline_per_year must be"),
])
def test_invalid_input_raises(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=60, deadline=None)
@given(st.floats(1.0, 5000.0), st.floats(0.5, 10.0), st.floats(0.5, 10.0), st.floats(1.0, 4.0),
       st.sampled_from(["decrease", "increase"]))
def test_mdc_solves_its_equation_and_is_the_power_threshold(b: float, t0: float, t1: float, phi: float,
                                                             direction: str) -> None:
    mdc = minimum_detectable_change(b, t0, t1, overdispersion=phi, direction=direction)
    if math.isnan(mdc):
        assert direction == "decrease"
        return
    assert (mdc < 0) == (direction == "decrease")
    se = math.sqrt(phi * (1 / (b * t0) + 1 / (b * t1 * (1 + mdc))))
    assert abs(math.log1p(mdc)) == pytest.approx(K * se, rel=1e-5)
    assert power_for_change(mdc, b, t0, t1, overdispersion=phi) == pytest.approx(0.8, abs=1e-6)
    # more events always make a smaller change detectable
    bigger = minimum_detectable_change(2 * b, t0, t1, overdispersion=phi, direction=direction)
    assert abs(bigger) < abs(mdc)


# --- proportions ------------------------------------------------------------------------------------

def test_hand_worked_proportion_decrease() -> None:
    # Uptake 30% in 1,000 people before and 1,000 after, deff = 1. Root p1 = 0.244271
    # (D = -0.055729, 5.6 points): pbar = 0.272136; sd0 = sqrt(0.272136 * 0.727864 * 0.002)
    # = 0.0199037; sd1 = sqrt(0.3 * 0.7 / 1000 + 0.244271 * 0.755729 / 1000) = 0.0198646;
    # (0.055729 - 1.959964 * 0.0199037) / 0.0198646 = 0.8416 = z_0.8.
    change = minimum_detectable_change_proportion(0.3, 1000, 1000)
    assert change == pytest.approx(-0.055729, abs=1e-6)
    p1 = 0.3 + change
    pbar = (0.3 + p1) / 2
    sd0 = math.sqrt(pbar * (1 - pbar) * 0.002)
    sd1 = math.sqrt(0.21 / 1000 + p1 * (1 - p1) / 1000)
    assert (abs(change) - 1.959964 * sd0) / sd1 == pytest.approx(0.841621, abs=1e-5)
    assert minimum_detectable_change_proportion(0.3, 1000, 1000, direction="increase") == pytest.approx(
        0.058853, abs=1e-6)


def test_proportion_design_effect_and_detectability() -> None:
    plain = minimum_detectable_change_proportion(0.3, 1000, 1000)
    clustered = minimum_detectable_change_proportion(0.3, 1000, 1000, design_effect=2.0)
    # deff 2 = half the sample: the MDC grows by about sqrt(2) (1.395 here)
    assert clustered / plain == pytest.approx(1.395, abs=0.001)
    assert clustered == pytest.approx(minimum_detectable_change_proportion(0.3, 500, 500), rel=1e-6)
    assert proportion_power(plain, 0.3, 1000, 1000) == pytest.approx(0.8, abs=1e-6)
    assert is_detectable_proportion(-0.06, 0.3, 1000, 1000)
    assert not is_detectable_proportion(-0.05, 0.3, 1000, 1000)
    assert not is_detectable_proportion(0.0, 0.3, 1000, 1000)
    # 20 people a period: even going from 2% to 0% cannot reach 80% power.
    assert math.isnan(minimum_detectable_change_proportion(0.02, 20, 20))
    with pytest.raises(ValueError, match="baseline_proportion must be a fraction"):
        minimum_detectable_change_proportion(30, 1000, 1000)
    with pytest.raises(ValueError, match="must lie in 0..1"):
        proportion_power(-0.5, 0.3, 1000, 1000)
