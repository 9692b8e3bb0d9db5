"""Classification, palettes, colour column and legend (layers/style.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from branca.utilities import color_brewer

from layers import INDICATORS
from layers.style import (FISHER_JENKS_MAX_VALUES, NO_DATA_COLOUR, NO_DATA_LABEL, SCHEMES_BY_ID, class_of,
                          palette, style_layer)

from tests.conftest import BLOOMFIELD, LSC

IMD = INDICATORS["imd_score_2025"]


def test_palette_direction_puts_the_darkest_colour_on_the_worst_values() -> None:
    worse_high = palette("YlOrRd", 5, higher_is_worse=True)
    assert worse_high == color_brewer("YlOrRd", 5) == ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
    assert palette("YlOrRd", 5, higher_is_worse=False) == worse_high[::-1]
    assert palette("Greens", 2, True) == ["#e5f5e0", "#31a354"]  # lightest and darkest of 3
    assert len(palette("Blues", 10, True)) == 10


def test_class_of_uses_upper_bounds_and_minus_one_for_no_data() -> None:
    values = pd.Series([1.0, 2.0, 2.5, 9.0, np.nan, 12.0])
    assert class_of(values, np.array([2.0, 5.0, 10.0])).tolist() == [0, 0, 1, 2, -1, 2]


def test_quantiles_within_lsc_put_56_wards_in_each_of_5_classes(ward_table: pd.DataFrame) -> None:
    lsc = ward_table.loc[ward_table["icb_code"] == LSC, IMD.id]
    styled = style_layer(IMD, lsc, ward_table[IMD.id])
    assert [e.count for e in styled.legend.entries] == [56] * 5
    assert [e.colour for e in styled.legend.entries] == palette(IMD.palette, 5, True)
    assert styled.legend.entries[0].label.startswith("3.6 – ")  # Howick & Priory, L&SC's least deprived
    assert styled.legend.entries[-1].label.endswith(" – 86.2")
    assert styled.colour[BLOOMFIELD] == styled.legend.entries[-1].colour  # most deprived: darkest
    assert styled.legend.no_data == type(styled.legend.no_data)(NO_DATA_COLOUR, NO_DATA_LABEL, 0)


def test_national_deciles_use_england_breaks_so_lsc_leans_to_the_top(ward_table: pd.DataFrame) -> None:
    lsc = ward_table.loc[ward_table["icb_code"] == LSC, IMD.id]
    styled = style_layer(IMD, lsc, ward_table[IMD.id], "NationalDeciles")
    counts = [e.count for e in styled.legend.entries]
    assert len(counts) == 10 and sum(counts) == 280
    assert counts[-1] == 59  # 59 of L&SC's 280 wards are in England's most deprived decile
    assert styled.legend.entries[0].label.startswith("1.5 – ")  # England's lowest ward score


@pytest.mark.parametrize("scheme", list(SCHEMES_BY_ID))
def test_every_scheme_classifies_lsc_with_increasing_breaks(scheme: str, ward_table: pd.DataFrame) -> None:
    lsc = ward_table.loc[ward_table["icb_code"] == LSC, IMD.id]
    styled = style_layer(IMD, lsc, ward_table[IMD.id], scheme)
    assert sum(e.count for e in styled.legend.entries) == 280
    assert len(styled.legend.entries) == SCHEMES_BY_ID[scheme].classes
    assert set(styled.colour) <= {e.colour for e in styled.legend.entries}
    assert (styled.classes.sort_index() >= 0).all()


def test_fisher_jenks_for_all_england_runs_on_a_sample_and_keeps_the_maximum(ward_table: pd.DataFrame) -> None:
    values = ward_table[IMD.id]
    assert values.notna().sum() > FISHER_JENKS_MAX_VALUES
    styled = style_layer(IMD, values, values, "FisherJenks")
    assert sum(e.count for e in styled.legend.entries) == len(values)
    assert styled.legend.entries[-1].label.endswith(f"{values.max():.1f}")


def test_no_data_gets_its_own_colour_and_count() -> None:
    values = pd.Series([1.0, 2.0, np.nan, 4.0, 5.0, np.nan], index=list("abcdef"))
    styled = style_layer(IMD, values, values, "EqualInterval")
    assert styled.colour["c"] == styled.colour["f"] == NO_DATA_COLOUR
    assert styled.legend.no_data.count == 2
    assert NO_DATA_COLOUR not in {e.colour for e in styled.legend.entries}


def test_ties_read_as_one_value_and_constant_values_make_one_class() -> None:
    share = INDICATORS["core20_share_2025"]
    values = pd.Series([0.0] * 6 + [0.2, 0.5, 0.9, 1.0], index=[f"w{i}" for i in range(10)])
    styled = style_layer(share, values, values, "Quantiles")
    labels = [e.label for e in styled.legend.entries]
    assert labels[0] == "0%" and labels[1].startswith("> 0% – ")
    flat = style_layer(share, pd.Series([0.0, 0.0, 0.0]), pd.Series([0.0, 0.0]), "Quantiles")
    assert len(flat.legend.entries) == 1 and flat.legend.entries[0].count == 3


def test_higher_is_better_reverses_the_colours() -> None:
    better = replace(IMD, id="better", higher_is_worse=False)
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=list("abcde"))
    worse = style_layer(IMD, values, values)
    best = style_layer(better, values, values)
    assert worse.colour["e"] == best.colour["a"] == palette(IMD.palette, 5, True)[-1]


@pytest.mark.parametrize("flag", ["coastal_flag", "rural_flag_2021"])
@pytest.mark.parametrize("higher_is_worse", [False, True])
def test_flags_become_two_categories_with_yes_darkest(flag: str, higher_is_worse: bool) -> None:
    record = replace(INDICATORS[flag], higher_is_worse=higher_is_worse)
    values = pd.Series([1.0, 0.0, np.nan, 1.0], index=list("abcd"))
    styled = style_layer(record, values, values)
    assert [(e.label, e.count) for e in styled.legend.entries] == [("No", 1), ("Yes", 2)]
    light, dark = color_brewer(record.palette, 3)[0], color_brewer(record.palette, 3)[-1]
    assert styled.colour["a"] == styled.colour["d"] == dark and styled.colour["b"] == light
    assert styled.colour["c"] == NO_DATA_COLOUR


def test_an_unknown_scheme_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="Quantiles"):
        style_layer(IMD, pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0]), "Jenks!")
