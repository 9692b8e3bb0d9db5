"""Direction: every result that depends on which way is worse, for a higher-is-better layer (male life
expectancy) beside a higher-is-worse one (the IMD average score), through the one pipeline the app, the
exports and the packs use (:func:`layers.view.layer_view`, :func:`layers.profile.profile_row`).

Lancashire and South Cumbria, real data: Bloomfield (Blackpool) is the most deprived ward and has the
lowest male life expectancy (71.3 years); Rural East Fylde has the highest (86.5) and an IMD score of 16.3,
near the middle of the ICB's 280 wards.
A pipeline that took "higher" to mean "worse" for life expectancy would target and colour Rural East
Fylde as the worst ward; each test below would fail.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.areas import make_area
from layers.profile import profile_row
from layers.view import layer_view
from tests.conftest import LSC

BLOOMFIELD, CLAREMONT, TALBOT, BLACKBURN_CENTRAL = "E05015188", "E05015190", "E05015202", "E05011511"
RURAL_EAST_FYLDE = "E05014550"
LE, IMD = "le_male_2016_20", "imd_score_2025"


@pytest.fixture(scope="module")
def views(catalogue, ward_table):
    area = make_area(ward_table, LSC, None)
    return {layer: layer_view(catalogue, ward_table, area, layer, None, "layer10") for layer in (LE, IMD)}


def test_the_layers_point_opposite_ways(catalogue) -> None:
    assert not catalogue[LE].record.higher_is_worse and catalogue[IMD].record.higher_is_worse


def test_worst_10_percent_on_life_expectancy_is_the_lowest_values(views, ward_table) -> None:
    view = views[LE]
    values = ward_table.loc[view.codes, LE].dropna()
    n = math.ceil(round(len(values) / 10, 9))  # 277 wards with a value: 28, plus ties with the 28th
    assert (len(values), n) == (277, 28)
    expected = values[values <= values.nsmallest(n).iloc[-1]].index
    assert set(view.ranks.index) == set(expected)
    first = view.ranks.sort_values().index[:4].tolist()
    assert first == [BLOOMFIELD, CLAREMONT, TALBOT, BLACKBURN_CENTRAL]  # 71.3, 72.8, 72.9, 73.4 years
    assert RURAL_EAST_FYLDE not in view.ranks.index and values[RURAL_EAST_FYLDE] == values.max()


def test_worst_10_percent_on_the_imd_is_the_highest_scores(views, ward_table) -> None:
    view = views[IMD]
    values = ward_table.loc[view.codes, IMD].dropna()
    assert view.ranks.sort_values().index[0] == BLOOMFIELD == values.idxmax()
    assert values[view.ranks.index].min() >= values.nlargest(28).iloc[-1]
    assert RURAL_EAST_FYLDE not in view.ranks.index


@pytest.mark.parametrize("layer", [LE, IMD])
def test_rank_one_is_the_worst_ward_in_the_profile(catalogue, ward_table, layer: str) -> None:
    worst = profile_row(catalogue[layer], ward_table, BLOOMFIELD)
    best_le = profile_row(catalogue[layer], ward_table, RURAL_EAST_FYLDE)
    n = int(ward_table.loc[ward_table["icb_code"] == LSC, layer].notna().sum())
    assert worst["Rank in ICB (1 = worst)"] == f"1 of {n} · worst fifth"
    if layer == LE:  # the longest-lived ward is last, in the best fifth
        assert best_le["Rank in ICB (1 = worst)"] == f"{n} of {n} · best fifth"
    else:  # 126 of the 280 wards have a lower IMD score than Rural East Fylde's 16.3
        assert best_le["Rank in ICB (1 = worst)"] == f"154 of {n} · middle fifth"


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a ``#rrggbb`` colour: 0 black, 1 white."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("layer", [LE, IMD])
def test_the_darkest_colour_is_on_the_worst_wards(views, layer: str) -> None:
    view = views[layer]
    entries = [e for e in view.styled.legend.entries if e.count]
    lows = [float(e.label.split(" – ")[0].replace(",", "")) for e in entries]
    assert lows == sorted(lows)  # classes listed low to high whichever way is worse ...
    shades = [_luminance(e.colour) for e in entries]
    # ... and shaded so that the worst end is darkest: the lowest class for life expectancy, the highest for IMD.
    assert shades == sorted(shades, reverse=layer == IMD)
    colours = view.styled.colour
    darkest, lightest = entries[0 if layer == LE else -1].colour, entries[-1 if layer == LE else 0].colour
    assert colours[BLOOMFIELD] == darkest
    if layer == LE:  # the longest-lived ward is in the lightest class
        assert colours[RURAL_EAST_FYLDE] == lightest
    else:  # a middling score: not in the two darkest classes
        assert colours[RURAL_EAST_FYLDE] not in {e.colour for e in entries[-2:]}


def test_a_flipped_record_flips_every_answer(catalogue, ward_table) -> None:
    """The same values read as higher-is-worse: targets, rank 1 and the darkest ward all move to the top."""
    from dataclasses import replace

    from layers.source import PublishedLayer

    flipped = PublishedLayer(replace(catalogue[LE].record, higher_is_worse=True), ward_table)
    area = make_area(ward_table, LSC, None)
    view = layer_view({**catalogue, LE: flipped}, ward_table, area, LE, None, "layer10")
    assert view.ranks.sort_values().index[0] == RURAL_EAST_FYLDE
    assert BLOOMFIELD not in view.ranks.index
    assert profile_row(flipped, ward_table, RURAL_EAST_FYLDE)["Rank in ICB (1 = worst)"].startswith("1 of 277")
    assert isinstance(view.styled.colour, pd.Series)
