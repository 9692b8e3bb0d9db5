"""The SII in one plain sentence (layers.goal_gradient.sii_sentence), the right way round for a measure whose
higher values are worse (emergency admissions) and one whose higher values are better (life expectancy).

Lancashire and South Cumbria ICB (E54000048), deciles of its wards by IMD 2025, as the app shows them:
emergency admissions SII -65.5 (least deprived end minus most deprived end), RII 0.57 -- the least deprived end
is 65.5 lower, and lower admissions are better; male life expectancy SII +8.02 years, RII 1.1 -- the least
deprived end is 8.02 years higher, and longer lives are better.
"""

from __future__ import annotations

import math

import pytest

from geo.areas import make_area
from layers.goal_gradient import sii_sentence
from layers.goals import GOALS
from layers.goalview import goal_view
from report.cli_goals import summary, text
from tests.conftest import LSC


@pytest.mark.parametrize("sii, higher_is_worse, words", [
    (-65.5, True, "65.5 lower (better)"),  # admissions fall with affluence: good
    (65.5, True, "65.5 higher (worse)"),  # admissions rise with affluence
    (8.02, False, "8.02 higher (better)"),  # life expectancy rises with affluence: good
    (-8.02, False, "8.02 lower (worse)"),  # life expectancy falls with affluence
])
def test_the_sentence_says_which_end_is_higher_and_whether_that_is_better(sii, higher_is_worse, words) -> None:
    sentence = sii_sentence(sii, "years", higher_is_worse)
    assert sentence.startswith(f"On the fitted line, the least deprived end of the area is {words} than the most "
                               "deprived end, in years; the SII, least deprived minus most deprived, is ")
    assert sentence.endswith(f"is {sii:g}.".replace("-", "\u2212"))
    assert "RII" not in sentence
    assert sii_sentence(sii, "years", higher_is_worse, 0.57).endswith(", and the RII, least deprived over most "
                                                                     "deprived, is 0.57.")


@pytest.fixture(scope="module")
def lsc(catalogue, ward_table):
    area = make_area(ward_table, LSC)
    return {g: goal_view(catalogue, ward_table, area, GOALS[g], repetitions=1_000) for g in ("nea20", "hle10")}


def test_lsc_admissions_least_deprived_end_is_65_5_lower_and_better(lsc) -> None:
    grad = lsc["nea20"].gradient
    assert f"{grad.sii:,.3g}" == "-65.5" and f"{grad.rii:.2g}" == "0.57"
    assert grad.reading == ("On the fitted line, the least deprived end of the area is 65.5 lower (better) than the "
                            "most deprived end, in points; the SII, least deprived minus most "
                            "deprived, is \u221265.5, and the RII, least deprived over most deprived, is 0.57.")
    assert grad.reading in text(lsc["nea20"]) and summary(lsc["nea20"], LSC)["sii_reading"] == grad.reading


def test_lsc_male_life_expectancy_least_deprived_end_is_8_years_higher_and_better(lsc) -> None:
    grad = lsc["hle10"].gradient
    assert f"{grad.sii:,.3g}" == "8.02" and not math.isnan(grad.rii)
    assert grad.reading.startswith("On the fitted line, the least deprived end of the area is 8.02 higher (better) "
                                   "than the most deprived end, in years; the SII, least deprived minus most "
                                   "deprived, is 8.02")
