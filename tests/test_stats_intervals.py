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
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.paths import ROOT
from stats.intervals import (EXACT_BELOW, byar_limits, exact_poisson_limits, poisson_interval,
                             proportion_interval, rate_interval, standardised_ratio_interval, z_value)

# --- published vignette values ---------------------------------------------------------------

#: The vignette's printout, one row per input: (obs, pop) as printed (R's ``sample`` drew them;
#: the printout fixes them), then value, lower and upper limit of each call, as printed:
#: ``phe_proportion(df, obs, pop)`` to 7 decimal places (``proportion_95``);
#: ``phe_proportion(df, obs, pop, confidence = 99.8, multiplier = 100)`` to 5 (``percentage_998``);
#: ``phe_rate(df, obs, pop)``, per 100,000, to 2, method "Byars" throughout (``rate_per_100000_95``);
#: ``phe_rate(df, obs, pop, confidence = 99.8, multiplier = 100)`` to 7 significant figures
#: (``rate_per_100_998``). See tests/data/phe/README.md.
VIGNETTE = pd.read_csv(ROOT / "tests" / "data" / "phe" / "intro_intervals_published.csv")
VIGNETTE_COUNTS = VIGNETTE["obs"].to_numpy()
VIGNETTE_DENOMINATORS = VIGNETTE["pop"].to_numpy()


def _published(call: str) -> np.ndarray:
    """The vignette's value, lower and upper limit of one call, one row per input."""
    return VIGNETTE[[call, f"{call}_lower", f"{call}_upper"]].to_numpy()


PROPORTION_95 = _published("proportion_95")
PERCENTAGE_998 = _published("percentage_998")
RATE_PER_100000_95 = _published("rate_per_100000_95")
RATE_PER_100_998 = _published("rate_per_100_998")


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
