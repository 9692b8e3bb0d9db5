"""The ward profile (layers/profile.py) on a hand-built register, every figure worked by hand.

Seven wards, all best-fit, in four LADs and two ICBs (population in brackets; "-" no value):

    ward  LAD  ICB  people  IMD score  disabled  rural
    w1    L1   I1   1,000   50.0       100       1
    w2    L1   I1   3,000   30.0       300       0
    w3    L2   I1   2,000   10.0       -         0
    w4    L2   I1   2,000   -          -         -
    w5    L3   I2   1,000   20.0       50        1
    w6    L3   I2   1,000   40.0       150       0
    w7    L4   I2     500   -          -         -
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from layers import INDICATORS
from layers.profile import PROFILE_COLUMNS, Published, fifth, profile_row, ward_profile
from layers.source import PublishedLayer

IMD = INDICATORS["imd_score_2025"]
DISABLED = INDICATORS["disabled_count_2021"]  # a count: area values are sums
RURAL = INDICATORS["rural_flag_2021"]  # a flag: area values are shares of wards
RURAL_SHARE = INDICATORS["rural_share_2021"]  # context: no rank
SCOPE = "in your file"


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    nan = np.nan
    return pd.DataFrame({
        "ward_name": ["One", "Two", "Three", "Four", "Five", "Six", "Seven"],
        "lad_code": ["L1", "L1", "L2", "L2", "L3", "L3", "L4"],
        "icb_code": ["I1", "I1", "I1", "I1", "I2", "I2", "I2"],
        "population": [1000, 3000, 2000, 2000, 1000, 1000, 500],
        "method_flag": "best fit",
        IMD.id: [50.0, 30.0, 10.0, nan, 20.0, 40.0, nan],
        DISABLED.id: [100.0, 300.0, nan, nan, 50.0, 150.0, nan],
        RURAL.id: [1.0, 0.0, 0.0, nan, 1.0, 0.0, nan],
        RURAL_SHARE.id: [0.8, 0.2, 0.0, nan, 1.0, 0.5, nan],
    }, index=pd.Index([f"w{i}" for i in range(1, 8)], name="ward_code"))


@pytest.fixture(scope="module")
def published() -> Published:
    # Blackpool's published IoD2025 IMD average score (43.467) stands in for L1's; I1 is not published.
    lad = pd.DataFrame({"imd_average_score": [43.467, np.nan]}, index=["L1", "L2"])
    icb = pd.DataFrame({"imd_average_score": [21.0]}, index=["I2"])
    return Published(lad=lad, icb=icb)


def test_a_ward_row_with_computed_and_published_comparators(register: pd.DataFrame, published: Published) -> None:
    row = profile_row(PublishedLayer(IMD, register), register, "w2", published)
    assert list(row) == list(PROFILE_COLUMNS)
    assert row == {
        "Theme": "Deprivation", "Indicator": IMD.full_title, "Ward": "30.0",
        # I1 ranks w1 (50), w2 (30), w3 (10): rank 2 of 3 is in the fourth fifth (ceil(5 x 2 / 3) = 4);
        # England ranks 50, 40, 30, 20, 10: rank 3 of 5 is the middle fifth.
        "Rank in ICB (1 = worst)": "2 of 3 · fourth fifth", "In England": "middle fifth",
        "Local authority": "43.5 · MHCLG",  # published for L1
        "ICB": "26.7 (from 3 of 4 wards)",  # (50 x 1,000 + 30 x 3,000 + 10 x 2,000) / 6,000; w4 has no value
        "England": "27.5 (from 5 of 7 wards)",  # (50,000 + 90,000 + 20,000 + 20,000 + 40,000) / 8,000
        "Unit": "IMD score", "Higher is": "worse", "Period": IMD.period, "Note": "", "Definition": IMD.definition,
        "Caveat": IMD.caveat,
    }


def test_comparators_fall_back_to_computed_values(register: pd.DataFrame, published: Published) -> None:
    source = PublishedLayer(IMD, register)
    w3 = profile_row(source, register, "w3", published)  # L2 is published as NaN: computed
    assert (w3["Local authority"], w3["ICB"]) == ("10.0 (from 1 of 2 wards)", "26.7 (from 3 of 4 wards)")
    assert (w3["Rank in ICB (1 = worst)"], w3["In England"]) == ("3 of 3 · best fifth", "best fifth")
    w5 = profile_row(source, register, "w5", published)  # I2 is published
    assert (w5["Local authority"], w5["ICB"]) == ("30.0", "21.0 · MHCLG")
    assert profile_row(source, register, "w5")["ICB"] == "30.0 (from 2 of 3 wards)"  # no summaries passed
    w7 = profile_row(source, register, "w7", published)  # no value in the ward or its LAD
    assert (w7["Ward"], w7["Local authority"], w7["Rank in ICB (1 = worst)"], w7["In England"]) == (
        "no data", "no data", "–", "–")


def test_a_count_from_a_file_says_how_many_wards_its_sums_rest_on(register: pd.DataFrame) -> None:
    source = PublishedLayer(DISABLED, register, comparator_scope=SCOPE)
    w3 = profile_row(source, register, "w3")
    assert (w3["Ward"], w3["Local authority"], w3["ICB"], w3["England"]) == (
        "no data", f"none {SCOPE}", f"400 {SCOPE}", f"600 {SCOPE}")
    assert w3["Caveat"] == (f"{DISABLED.caveat} {DISABLED.method_note} The ICB value is the sum of its 2 wards "
                            f"with a value {SCOPE}, England's the sum of all 4 such wards.")
    w1 = profile_row(PublishedLayer(IMD, register, comparator_scope=SCOPE), register, "w1")
    assert (w1["Local authority"], w1["ICB"], w1["England"]) == (f"35.0 {SCOPE}", f"26.7 {SCOPE}", f"27.5 {SCOPE}")
    assert w1["Caveat"].endswith("The ICB value is the average of its 3 wards with a value in your file, England's "
                                 "the average of all 5 such wards.")


def test_flags_and_context_layers_have_no_rank(register: pd.DataFrame) -> None:
    profile = ward_profile([PublishedLayer(RURAL, register), PublishedLayer(RURAL_SHARE, register)], register, "w5")
    flag, context = profile.to_dict("records")
    # Shares of wards: L3 and I2 have w5 rural and w6 not; England 2 of the 5 wards with a value.
    assert (flag["Ward"], flag["Local authority"], flag["ICB"], flag["England"]) == (
        "Yes", "50% of wards", "50% of wards (from 2 of 3 wards)", "40% of wards (from 5 of 7 wards)")
    assert (context["Ward"], context["Local authority"]) == ("100%", "75%")  # w5 (100%) and w6 (50%), 1,000 each
    for row in (flag, context):
        assert (row["Rank in ICB (1 = worst)"], row["In England"], row["Higher is"]) == ("–", "–", "neither (context)")


def test_a_higher_is_better_layer_ranks_its_lowest_value_first(register: pd.DataFrame) -> None:
    better = replace(IMD, id=IMD.id, higher_is_worse=False)
    row = profile_row(PublishedLayer(better, register), register, "w3")
    # Rank 1 of 3 is a third of the way down, ceil(5 / 3) = the second fifth; 1 of 5 the worst fifth.
    assert (row["Rank in ICB (1 = worst)"], row["In England"]) == ("1 of 3 · second fifth", "worst fifth")
    assert row["Higher is"] == "better"


@pytest.mark.parametrize(("rank", "n", "expected"), [
    (1, 280, "worst fifth"), (56, 280, "worst fifth"), (57, 280, "second fifth"), (168, 280, "middle fifth"),
    (224, 280, "fourth fifth"), (225, 280, "best fifth"), (280, 280, "best fifth"), (1, 1, "best fifth"),
])
def test_fifth_of_a_ranking(rank: int, n: int, expected: str) -> None:
    assert fifth(rank, n) == expected


def test_published_values_by_level_code_and_column(published: Published) -> None:
    assert published.value("lad", "L1", "imd_average_score") == 43.467
    assert published.value("icb", "I2", "imd_average_score") == 21.0
    assert published.value("icb", "L1", "imd_average_score") is None  # an LAD code is not an ICB
    assert published.value("lad", "L2", "imd_average_score") is None  # published blank
    assert published.value("lad", "L9", "imd_average_score") is None  # not published
    assert published.value("lad", "L1", "extent") is None  # no such column
    assert published.value("lad", "L1", "") is None  # the record names no official column
    assert (published.count("lad"), published.count("icb")) == (2, 1)


def test_ward_profile_passes_the_published_summaries_and_keeps_its_columns_when_empty(
        register: pd.DataFrame, published: Published) -> None:
    profile = ward_profile([PublishedLayer(IMD, register), PublishedLayer(DISABLED, register)], register, "w1",
                           published)
    assert profile["Local authority"].tolist() == ["43.5 · MHCLG", "400"]  # DISABLED has no official column
    empty = ward_profile([], register, "w1", published)
    assert empty.empty and list(empty.columns) == list(PROFILE_COLUMNS)
