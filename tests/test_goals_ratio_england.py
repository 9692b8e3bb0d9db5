"""A standardised ratio's unit and England's figure agree: 100 is "as expected at England's rates", and the England
figure WardLens shows (the resident-weighted mean of England's LSOA ratios) is quoted in the caveat as shown.

By hand from the committed ward data: emergency admissions (IoD2025 acute morbidity) sum(ratio x residents) /
sum(residents) over England's best-fit wards = 105.5 -> "106"; the illness and disability ratio (CIDR) 113.3 ->
"113". Neither is 100, so "about 100 = England" beside "England 106" was wrong.
"""

from __future__ import annotations

import pandas as pd
import pytest

from layers import INDICATORS
from layers.goals import GOALS
from layers.source import area_value_of
from layers.sources import IOD_RATIO_UNIT
from tests.conftest import INDICATOR_DIR

RATIOS = [r.id for r in INDICATORS.values() if r.unit == IOD_RATIO_UNIT]


def test_the_ratio_layers_are_the_two_iod_ratios_and_no_unit_says_100_is_england() -> None:
    assert sorted(RATIOS) == ["cidr_2025", "emergency_admissions_2025"]
    assert not [r.id for r in INDICATORS.values() if "100 = England" in f"{r.unit} {r.warning} {r.caveat}"]
    assert "100 = England" not in GOALS["nea20"].gap_note


@pytest.mark.parametrize("layer, file, column, shown", [
    ("emergency_admissions_2025", "ward_health.csv", "emergency_admissions_ratio_iod2025", "106"),
    ("cidr_2025", "ward_conditions.csv", "cidr_iod2025", "113"),
])
def test_england_figure_is_the_resident_weighted_mean_the_caveat_quotes(layer, file, column, shown, catalogue,
                                                                         ward_table) -> None:
    wards = pd.read_csv(INDICATOR_DIR / "wards.csv", dtype=str).astype({"population": float}).set_index("ward_code")
    values = pd.read_csv(INDICATOR_DIR / file, dtype={"ward_code": str}, usecols=["ward_code", column]).set_index(
        "ward_code")[column]
    best_fit = wards["method_flag"] != "areal overlay"
    used = values.reindex(wards.index).notna() & best_fit
    by_hand = (values.reindex(wards.index)[used] * wards["population"][used]).sum() / wards["population"][used].sum()
    record = INDICATORS[layer]
    assert record.format_value(by_hand) == shown != "100"
    england = area_value_of(catalogue[layer], ward_table, pd.Series(True, index=ward_table.index))
    assert england.value == pytest.approx(by_hand)
    assert f"England's figure here, {shown}, is the average of England's LSOA ratios weighted by residents" in \
        record.caveat
    assert record.unit == "age/sex-standardised ratio (100 = as expected at England's rates)"
