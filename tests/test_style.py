"""Classification, palettes, colour column and legend (layers/style.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from branca.utilities import color_brewer

from layers import INDICATORS
from layers.style import (FISHER_JENKS_MAX_VALUES, NO_DATA_COLOUR, NO_DATA_LABEL, SCHEMES_BY_ID, LegendEntry,
                          _break_labels, _finer, class_of, observed_bounds, palette, style_layer)

from tests.conftest import BLOOMFIELD, LSC

IMD = INDICATORS["imd_score_2025"]


def test_palette_direction_puts_the_darkest_colour_on_the_worst_values() -> None:
    worse_high = palette("YlOrRd", 5, higher_is_worse=True)
    assert worse_high == color_brewer("YlOrRd", 5) == ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
    assert palette("YlOrRd", 5, higher_is_worse=False) == worse_high[::-1]
    assert palette("Greens", 2, True) == ["#e5f5e0", "#31a354"]  # lightest and darkest of 3
    assert palette("Greens", 1, True) == ["#a1d99b"]  # the middle of 3
    assert len(palette("Blues", 10, True)) == 10
    with pytest.raises(ValueError, match="^a palette needs at least one colour, got n=0$"):
        palette("Blues", 0, True)


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
    # mapclassify's exact Fisher-Jenks breaks over all 6,826 ward scores (measured once: 9.5 minutes
    # in pure Python). The 500-quantile sample lands within 1.9 of each; 50 quantiles would miss by 8.1.
    exact = [12.378681, 20.254673, 30.134858, 43.682808, 86.219612]
    sampled = [float(e.label.split(" – ")[1]) for e in styled.legend.entries]
    assert np.abs(np.array(sampled) - exact).max() < 2.0


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


def test_legend_says_what_the_layer_is_and_carries_its_warning(ward_table: pd.DataFrame) -> None:
    le = INDICATORS["le_male_2016_20"]
    lsc = ward_table.loc[ward_table["icb_code"] == LSC, le.id]
    legend = style_layer(le, lsc, ward_table[le.id]).legend
    assert (legend.title, legend.unit, legend.scheme) == ("Life expectancy at birth · Male", "years",
                                                          "quantiles within the area")
    assert legend.note.startswith("Ranking only: these levels run about 2 years above")


def test_flag_legend_marks_yes_darkest_either_way_and_counts_no_data() -> None:
    rural = INDICATORS["rural_flag_2021"]  # higher_is_worse=False, yet the darkest green marks "Yes"
    values = pd.Series([1.0, 0.0, np.nan, 1.0], index=list("abcd"))
    for record, no, yes in ((rural, "#e5f5e0", "#31a354"), (replace(rural, higher_is_worse=True), "#e5f5e0", "#31a354")):
        styled = style_layer(record, values, values)
        assert styled.legend.entries == (LegendEntry(no, "No", 1), LegendEntry(yes, "Yes", 2))
        assert styled.legend.no_data == LegendEntry(NO_DATA_COLOUR, NO_DATA_LABEL, 1)
        assert (styled.legend.title, styled.legend.unit, styled.legend.scheme, styled.legend.note) == (
            "Rurality · Rural / urban flag", "rural (yes / no)", "flag", "")
        assert styled.classes.tolist() == [1, 0, -1, 1]
        assert styled.colour.tolist() == [yes, no, NO_DATA_COLOUR, yes]
    warned = replace(rural, warning="A threshold on a share: 49% rural counts as urban.")
    assert style_layer(warned, values, values).legend.note == "A threshold on a share: 49% rural counts as urban."


def test_an_empty_class_counts_zero_wards() -> None:
    # Equal interval over 1..100: five classes 19.8 wide; 1, 2 and 3 in the first, 100 in the last.
    styled = style_layer(IMD, pd.Series([1.0, 2.0, 3.0, 100.0]), pd.Series([1.0]), "EqualInterval")
    assert [(e.label, e.count) for e in styled.legend.entries] == [
        ("1.0 – 20.8", 3), ("20.8 – 40.6", 0), ("40.6 – 60.4", 0), ("60.4 – 80.2", 0), ("80.2 – 100.0", 1)]


def test_one_value_is_one_class_and_an_area_with_no_value_has_one_empty_class() -> None:
    one = style_layer(IMD, pd.Series([42.7], index=["a"]), pd.Series([1.0, 2.0]))
    assert one.legend.entries == (LegendEntry(palette(IMD.palette, 1, True)[0], "42.7", 1),)
    assert one.classes.tolist() == [0]
    # Nothing to classify: one empty class at 0 and every ward under no data.
    none = style_layer(IMD, pd.Series([np.nan, np.nan], index=["a", "b"]), pd.Series([1.0, 2.0]))
    assert [(e.label, e.count) for e in none.legend.entries] == [("0.0", 0)]
    assert none.legend.no_data.count == 2 and none.colour.tolist() == [NO_DATA_COLOUR, NO_DATA_COLOUR]


def test_observed_breaks_name_only_values_that_occur() -> None:
    # Two distinct values: quantile breaks interpolate 1.2, 1.4 ... 2.0 (five classes, three empty);
    # observed breaks (an upload's counts) keep the classes that hold values: exactly 1 and above 1.
    values = pd.Series([1.0, 2.0], index=["a", "b"])
    interpolated = style_layer(IMD, values, values, "Quantiles")
    assert [(e.label, e.count) for e in interpolated.legend.entries] == [
        ("1.0 – 1.2", 1), ("1.2 – 1.4", 0), ("1.4 – 1.6", 0), ("1.6 – 1.8", 0), ("1.8 – 2.0", 1)]
    observed = style_layer(IMD, values, values, "Quantiles", observed_breaks=True)
    assert [(e.label, e.count) for e in observed.legend.entries] == [("1.0", 1), ("> 1.0 – 2.0", 1)]
    assert observed.classes.tolist() == [0, 1]


def test_observed_bounds_move_each_bound_down_to_a_value_that_occurs() -> None:
    basis = np.array([12.0, 0.0, 5.0, 20.0, 5.0, 7.0])
    # 5.0 occurs (stays); 9.8 -> 7; 20 (the maximum) stays; -1, below every value, moves up to 0.
    assert observed_bounds(np.array([-1.0, 5.0, 9.8, 20.0]), basis).tolist() == [0.0, 5.0, 7.0, 20.0]
    assert observed_bounds(np.array([5.5, 6.0, 12.0]), basis).tolist() == [5.0, 12.0]  # duplicates dropped


@pytest.mark.parametrize(("fmt", "finer"), [(".0%", ".1%"), (",.1f", ",.2f"), (".2f", ".3f"), ("", ".1f"), (",", ",")])
def test_finer_adds_one_decimal_place(fmt: str, finer: str) -> None:
    assert _finer(fmt) == finer


def test_break_labels_add_decimals_until_bounds_differ_but_at_most_three() -> None:
    assert _break_labels(np.array([1.24, 1.26]), 1.21, ".1f") == ["1.21 – 1.24", "1.24 – 1.26"]
    # Bounds a millionth apart would need six places: the labels stop at four (.1f plus three).
    assert _break_labels(np.array([10.000001, 10.000002]), 10.0, ".1f") == ["10.0000 – 10.0000"] * 2
