"""stats.intervals reproduces PHEindicatormethods' published rates, proportions and ratios.

Published reference: the rendered vignette "Introduction to PHEindicatormethods" of
PHEindicatormethods 2.0.2.9001 (GPL-3), ``inst/doc/Introduction_to_PHEindicatormethods.html``
in the R-hub mirror ``r-hub2/some-psychogenic-africanporcupine-PHEindicatormethods`` at commit
9ba410965ea092796b11ebb9b8a71db6f09be697. It prints the input counts and denominators with
the outputs of ``phe_proportion`` (Wilson) and ``phe_rate`` (Byar's, all counts >= 10) at 95%
and 99.8%, and of ``calculate_ISRatio``. Tolerances are half a unit of the printed last digit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stats.intervals import (EXACT_BELOW, byar_limits, exact_poisson_limits, poisson_interval,
                             proportion_interval, rate_interval, standardised_ratio_interval, z_value)

# --- published vignette values ---------------------------------------------------------------

#: (obs, pop) as printed by the vignette (R's ``sample`` drew them; the printout fixes them).
VIGNETTE_COUNTS = np.array([27, 22, 80, 53, 37, 84, 89, 85])
VIGNETTE_DENOMINATORS = np.array([106, 113, 150, 193, 159, 122, 101, 196])

# phe_proportion(df, obs, pop): value, lowercl, uppercl (printed to 7 decimal places)
PROPORTION_95 = np.array([
    [0.2547170, 0.1813642, 0.3452262],
    [0.1946903, 0.1322333, 0.2772229],
    [0.5333333, 0.4536625, 0.6113395],
    [0.2746114, 0.2165053, 0.3415146],
    [0.2327044, 0.1738037, 0.3042162],
    [0.6885246, 0.6016542, 0.7638851],
    [0.8811881, 0.8037295, 0.9307128],
    [0.4336735, 0.3662266, 0.5036703],
])
# phe_proportion(df, obs, pop, confidence = 99.8, multiplier = 100) (5 decimal places)
PERCENTAGE_998 = np.array([
    [25.47170, 14.81031, 40.18735],
    [19.46903, 10.54176, 33.15448],
    [53.33333, 40.92696, 65.34069],
    [27.46114, 18.77465, 38.27289],
    [23.27044, 14.61350, 34.95622],
    [68.85246, 54.93185, 80.03596],
    [88.11881, 74.76217, 94.88987],
    [43.36735, 32.98917, 54.36182],
])
# phe_rate(df, obs, pop): rate per 100,000 (2 decimal places), method "Byars" throughout
RATE_PER_100000_95 = np.array([
    [25471.70, 16782.04, 37061.41],
    [19469.03, 12196.90, 29477.68],
    [53333.33, 42288.58, 66378.77],
    [27461.14, 20568.85, 35920.56],
    [23270.44, 16382.37, 32076.16],
    [68852.46, 54917.70, 85245.02],
    [88118.81, 70764.64, 108438.96],
    [43367.35, 34639.24, 53625.01],
])
# phe_rate(df, obs, pop, confidence = 99.8, multiplier = 100): 7 significant figures
RATE_PER_100_998 = np.array([
    [25.47170, 12.926737, 44.59202],
    [19.46903, 9.074329, 36.05431],
    [53.33333, 36.773690, 74.46881],
    [27.46114, 17.249087, 41.24758],
    [23.27044, 13.193195, 37.70884],
    [68.85246, 47.933814, 95.39407],
    [88.11881, 62.029689, 120.99575],
    [43.36735, 30.260955, 59.97329],
])


def _columns(interval) -> np.ndarray:
    return np.column_stack([interval.estimate, interval.lower, interval.upper])


def test_wilson_matches_phe_proportion_95() -> None:
    result = proportion_interval(VIGNETTE_COUNTS, VIGNETTE_DENOMINATORS)
    np.testing.assert_allclose(_columns(result), PROPORTION_95, rtol=0, atol=5e-8)
    assert result.method.tolist() == ["Wilson"] * 8 and result.confidence == 0.95


def test_wilson_matches_phe_proportion_998_as_percentages() -> None:
    result = proportion_interval(VIGNETTE_COUNTS, VIGNETTE_DENOMINATORS, multiplier=100, confidence=0.998)
    np.testing.assert_allclose(_columns(result), PERCENTAGE_998, rtol=0, atol=5e-6)


def test_byar_rate_matches_phe_rate_95_per_100000() -> None:
    result = rate_interval(VIGNETTE_COUNTS, VIGNETTE_DENOMINATORS, multiplier=100_000)
    np.testing.assert_allclose(_columns(result), RATE_PER_100000_95, rtol=0, atol=0.005)
    assert result.method.tolist() == ["Byars"] * 8


def test_byar_rate_matches_phe_rate_998_per_100() -> None:
    result = rate_interval(VIGNETTE_COUNTS, VIGNETTE_DENOMINATORS, multiplier=100, confidence=0.998)
    # printed to 7 significant figures: relative error below 5e-7 of the printed value (+ slack)
    np.testing.assert_allclose(_columns(result), RATE_PER_100_998, rtol=1e-6, atol=0)


def test_standardised_ratio_matches_calculate_isratio() -> None:
    # calculate_ISRatio(obs, pop, df_ref$obs, df_ref$pop) in the same vignette; refvalue 1.
    # The tibble prints observed exactly, expected rounded to whole events ("1903.") and the
    # ratio and limits to 3 significant figures, so only 3 s.f. can be checked. Any expected
    # count within +/-0.5 of the printed one gives the same 3 s.f. (1861/1902.5 = 0.97819,
    # 1861/1903.5 = 0.97767), so the rows are a real, if coarse, check of Byar on the observed.
    rows = [  # observed, expected (printed), value, lowercl, uppercl
        (1861, 1903, 0.978, 0.934, 1.02),
        (2127, 1805, 1.18, 1.13, 1.23),
        (1600, 1942, 0.824, 0.784, 0.865),
        (1675, 1842, 0.909, 0.866, 0.954),
    ]
    for observed, expected, *published in rows:
        result = standardised_ratio_interval(observed, expected, multiplier=1)
        ours = [float(f"{v:.3g}") for v in (result.estimate, result.lower, result.upper)]
        assert ours == published, (observed, expected)
        assert result.method == "Byars"


def test_standardised_ratio_is_per_100_by_default() -> None:
    # Fingertips publishes SMRs with 100 = England. 120 observed, 100 expected -> 120.
    # Byar for O = 120: z = 1.959964, 1/(9*120) = 0.000926, z/(3*sqrt(120)) = 0.059640,
    # (1 - 0.000926 - 0.059640)^3 = 0.939434^3 = 0.829085 -> lower 99.4902;
    # upper: O + 1 = 121, 1/(9*121) = 0.000918, z/(3*sqrt(121)) = 0.059393,
    # (1 - 0.000918 + 0.059393)^3 = 1.058475^3 = 1.185919 -> 121 * 1.185919 = 143.496.
    result = standardised_ratio_interval(120, 100)
    assert result.estimate == pytest.approx(120.0)
    assert result.lower == pytest.approx(99.4902, abs=5e-4)
    assert result.upper == pytest.approx(143.496, abs=5e-3)


# --- hand-worked Byar and exact limits -------------------------------------------------------

def test_byar_by_hand_for_65_events() -> None:
    # z = 1.959964; lower: 1/(9*65) = 0.0017094, z/(3*sqrt(65)) = 1.959964/24.186773 = 0.0810341,
    # 65 * (1 - 0.0017094 - 0.0810341)^3 = 65 * 0.9172565^3 = 65 * 0.7717436 = 50.16333;
    # upper: 66 * (1 - 1/594 + 1.959964/(3*sqrt(66)))^3 = 66 * (1 - 0.0016835 + 0.0804186)^3
    #        = 66 * 1.0787351^3 = 66 * 1.2552874 = 82.84897.
    lower, upper = byar_limits(65)
    assert lower == pytest.approx(50.1632, abs=2e-3)
    assert upper == pytest.approx(82.8491, abs=2e-3)


def test_exact_limits_by_hand_for_0_and_1_events() -> None:
    # With 2 degrees of freedom the chi-squared distribution is exponential with mean 2, so
    # chi2_p(2) / 2 = -ln(1 - p): the upper 95% limit for 0 events is chi2_0.975(2)/2 =
    # -ln(0.025) = 3.688879 and the lower limit for 1 event is chi2_0.025(2)/2 = -ln(0.975)
    # = 0.025318. The lower limit for 0 events is 0.
    lower, upper = exact_poisson_limits(np.array([0, 1]))
    assert lower.tolist() == [0.0, pytest.approx(-math.log(0.975), rel=1e-9)]
    assert upper[0] == pytest.approx(-math.log(0.025), rel=1e-9)
    # Garwood's table (Armitage & Berry): 5 events -> 1.6235 to 11.6683.
    five = exact_poisson_limits(5)
    assert five == (pytest.approx(1.6235, abs=1e-4), pytest.approx(11.6683, abs=1e-4))


def test_exact_below_ten_events_and_byar_from_ten() -> None:
    result = poisson_interval(np.array([0, 9, 10, 11]))
    assert EXACT_BELOW == 10
    assert result.method.tolist() == ["Exact", "Exact", "Byars", "Byars"]
    exact_9 = exact_poisson_limits(9)
    byar_10 = byar_limits(10)
    assert (result.lower[1], result.upper[1]) == (pytest.approx(exact_9[0]), pytest.approx(exact_9[1]))
    assert (result.lower[2], result.upper[2]) == (pytest.approx(byar_10[0]), pytest.approx(byar_10[1]))
    # Byar at 10 events is within 1% of the exact limits (4.7954, 18.3904).
    assert result.lower[2] == pytest.approx(4.7954, rel=0.01) and result.upper[2] == pytest.approx(18.3904, rel=0.01)


def test_zero_events_give_zero_lower_and_exact_upper() -> None:
    rate = rate_interval(0, 2000, multiplier=1000)
    assert (rate.estimate, rate.lower) == (0.0, 0.0)
    assert rate.upper == pytest.approx(-math.log(0.025) / 2000 * 1000)  # 1.8444 per 1,000
    assert rate.method == "Exact"
    # Byar's own lower limit: 0 for zero events (PHEindicatormethods gives NaN), NaN where the
    # cube goes negative (1 event at 99.8%: 1 - 1/9 - 3.090232/3 = -0.1413).
    assert byar_limits(0)[0] == 0.0
    assert math.isnan(byar_limits(1, confidence=0.998)[0])


def test_rate_per_1000_small_area() -> None:
    # 12 admissions among 3,400 residents: 3.529 per 1,000; Byar (12 >= 10):
    # lower 12 * (1 - 1/108 - 1.959964/(3*sqrt(12)))^3 = 12 * (1 - 0.009259 - 0.188600)^3
    #       = 12 * 0.802141^3 = 12 * 0.516121 = 6.19345 -> 1.8216 per 1,000.
    result = rate_interval(12, 3400, multiplier=1000)
    assert result.estimate == pytest.approx(12 / 3.4)
    assert result.lower == pytest.approx(1.8216, abs=1e-4)
    assert result.method == "Byars"


# --- missing and invalid input ---------------------------------------------------------------

def test_zero_or_missing_denominators_give_nan() -> None:
    rate = rate_interval([5, 5, np.nan], [0, np.nan, 100], multiplier=1000)
    assert np.isnan(rate.estimate).all() and np.isnan(rate.lower).all() and np.isnan(rate.upper).all()
    assert rate.method.tolist() == ["", "", ""]
    share = proportion_interval([0, 3], [0, 10])
    assert math.isnan(share.estimate[0]) and math.isnan(share.lower[0]) and share.method.tolist() == ["", "Wilson"]
    assert share.estimate[1] == pytest.approx(0.3)


def test_proportion_limits_at_the_edges() -> None:
    # x = 0 -> lower exactly 0; x = n -> upper exactly 1; upper for 0/20 is z^2/(n + z^2).
    result = proportion_interval([0, 20], [20, 20])
    z2 = z_value(0.95) ** 2
    assert result.lower[0] == 0.0 and result.upper[1] == 1.0
    assert result.upper[0] == pytest.approx(z2 / (20 + z2))


@pytest.mark.parametrize("call, message", [
    (lambda: rate_interval(-1, 100, multiplier=1000), "count must be >= 0"),
    (lambda: rate_interval(5, -100, multiplier=1000), "population must be >= 0"),
    (lambda: proportion_interval(11, 10), "numerator must not exceed denominator"),
    (lambda: poisson_interval(5, confidence=95), "confidence must be a fraction"),
    (lambda: proportion_interval(1, 10, confidence=1.0), "confidence must be a fraction"),
    (lambda: rate_interval("many", 100, multiplier=1000), "count must be numbers"),
])
def test_invalid_input_raises(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_scalar_in_scalar_out() -> None:
    result = rate_interval(27, 106, multiplier=100_000)
    assert isinstance(result.estimate, float) and isinstance(result.lower, float) and isinstance(result.method, str)


# --- properties -------------------------------------------------------------------------------

@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000),
       st.sampled_from([0.9, 0.95, 0.99, 0.998]))
def test_wilson_interval_contains_the_proportion(x: int, extra: int, confidence: float) -> None:
    n = max(x + extra, 1)
    result = proportion_interval(x, n, confidence=confidence)
    assert 0.0 <= result.lower <= result.estimate <= result.upper <= 1.0


@given(st.integers(min_value=0, max_value=100_000), st.sampled_from([0.9, 0.95, 0.998]))
def test_poisson_interval_contains_the_count_and_widens_with_confidence(count: int, confidence: float) -> None:
    result = poisson_interval(count, confidence=confidence)
    wider = poisson_interval(count, confidence=0.999)
    assert 0.0 <= result.lower <= count < result.upper
    assert wider.lower <= result.lower and wider.upper >= result.upper
