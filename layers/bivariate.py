"""Deprivation x outcome: a 3 x 3 bivariate map, so a board sees which deprived wards also fare worst.

Each ward of the area falls in a third of the area's wards by IMD 2025 average score (least,
middle, most deprived) and a third by the outcome, oriented so that the third "worst" is the
worst whatever the measure's direction (lowest life expectancy, highest admissions). Thirds
are by rank within the area (:func:`thirds`: ties share the better third). The nine classes
take the colours of Joshua Stevens' blue-red bivariate scheme (:data:`GRID`): light grey for
less deprived and better off, red along deprivation, blue along a worse outcome, and the
darkest for the most deprived wards with the worst outcome.

The map's payload is the usual :class:`~layers.mappayload.MapPayload` with a
:class:`BivariateKey` added (``key``), which ``static/wardlens/wardlens.js`` draws as a 3 x 3
grid (a table with a caption, each cell naming its class and its number of wards) in place of
the list legend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.indicator import Indicator
from layers.mappayload import AreaGeometry, MapPayload, escape_for_browser, layer_payload
from layers.style import NO_DATA_COLOUR, NO_DATA_LABEL, Legend, LegendEntry

#: Colours by (deprivation third, outcome third), 0 = least deprived / best, 2 = most / worst
#: (Joshua Stevens, "Bivariate choropleth maps: a how-to guide", 2015, blue-red scheme).
GRID: dict[tuple[int, int], str] = {
    (0, 0): "#e8e8e8", (1, 0): "#e4acac", (2, 0): "#c85a5a",
    (0, 1): "#b0d5df", (1, 1): "#ad9ea5", (2, 1): "#985356",
    (0, 2): "#64acbe", (1, 2): "#627f8c", (2, 2): "#574249",
}
DEPRIVATION_THIRDS = ("least deprived third", "middle third", "most deprived third")
OUTCOME_THIRDS = ("best third", "middle third", "worst third")


def ink(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` ("#rrggbb"): white below a relative
    luminance of 0.18 (WCAG 2 formula), where white text has the higher contrast.

    >>> ink("#574249"), ink("#e8e8e8")
    ('#ffffff', '#000000')
    """
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if luminance < 0.18 else "#000000"


def thirds(values: pd.Series, higher_is_worse: bool = True) -> pd.Series:
    """Third (0, 1, 2; 2 = highest if ``higher_is_worse``, else lowest) of each value among those
    present, by rank; ties share the lower (better) third; -1 for no value.

    >>> thirds(pd.Series([5.0, 1.0, 3.0, None, 9.0, 7.0, 2.0])).tolist()
    [1, 0, 1, -1, 2, 2, 0]
    """
    oriented = values.astype(float) if higher_is_worse else -values.astype(float)
    present = oriented.dropna()
    out = pd.Series(-1, index=values.index, dtype=int)
    if present.empty:
        return out
    rank = present.rank(method="min").to_numpy()
    out.loc[present.index] = ((rank - 1) * 3 // len(present)).astype(int)
    return out


@dataclass(frozen=True)
class KeyCell:
    """One class of the grid: its colour, what it means, how many wards."""

    colour: str
    label: str
    count: int
    deprivation: int
    outcome: int
    ink: str = "#000000"


@dataclass(frozen=True)
class BivariateKey:
    """The 3 x 3 key: axis titles, and the nine cells, rows from the worst outcome third down,
    columns from the least deprived third across."""

    title: str
    x_title: str
    y_title: str
    cells: tuple[KeyCell, ...]


@dataclass(frozen=True)
class BivariatePayload(MapPayload):
    """A :class:`MapPayload` whose legend is a :class:`BivariateKey` grid (``key``)."""

    key: BivariateKey | None = None


@dataclass(frozen=True, eq=False)
class Bivariate:
    """Classes and fills of an area's wards: ``deprivation`` and ``outcome`` thirds (-1 no value),
    ``colour`` per ward, the key and the list legend (for exports and static maps)."""

    deprivation: pd.Series
    outcome: pd.Series
    colour: pd.Series
    key: BivariateKey
    legend: Legend


def bivariate(imd: pd.Series, outcome: pd.Series, record: Indicator) -> Bivariate:
    """The bivariate classes of the wards of ``imd`` (IMD 2025 scores by ward_code) and ``outcome``
    (the measure's values, same index; ``record`` gives its direction and names)."""
    x = thirds(imd, higher_is_worse=True)
    y = thirds(outcome.reindex(imd.index), higher_is_worse=record.higher_is_worse)
    both = (x >= 0) & (y >= 0)
    colour = pd.Series(NO_DATA_COLOUR, index=imd.index, dtype=object)
    colour[both] = [GRID[(int(a), int(b))] for a, b in zip(x[both], y[both])]
    counts = pd.crosstab(x[both], y[both]).reindex(index=range(3), columns=range(3), fill_value=0)
    cells = tuple(KeyCell(GRID[(a, b)], f"{DEPRIVATION_THIRDS[a].capitalize()}, {OUTCOME_THIRDS[b]} on the outcome",
                          int(counts.loc[a, b]), a, b, ink(GRID[(a, b)]))
                  for b in (2, 1, 0) for a in (0, 1, 2))
    key = BivariateKey(title=f"IMD 2025 × {record.family}", x_title="Deprivation (IMD 2025) →",
                       y_title="Worse outcome ↑", cells=cells)
    entries = tuple(LegendEntry(c.colour, c.label, c.count) for c in cells)
    legend = Legend(title=f"{record.family} · {record.variant}", unit=record.unit,
                    scheme="thirds of the area's wards", entries=entries,
                    no_data=LegendEntry(NO_DATA_COLOUR, NO_DATA_LABEL, int((~both).sum())), note=record.warning)
    return Bivariate(x, y, colour, key, legend)


def bivariate_payload(geometry: AreaGeometry, wards: pd.DataFrame, record: Indicator, value_text: pd.Series,
                      imd: pd.Series, classes: Bivariate, targets: pd.Series, target_label: str) -> BivariatePayload:
    """The map payload: fills from the grid, the outcome in the tooltip with the ward's IMD score and
    thirds, the cohort outlined (``targets``), and the grid key (texts HTML-escaped)."""
    notes = pd.Series([
        f"IMD 2025 average score {s:.1f}: {DEPRIVATION_THIRDS[a]}"
        + (f"\n{OUTCOME_THIRDS[b].capitalize()} of the area on this measure" if b >= 0 else "")
        if a >= 0 else "" for s, a, b in zip(imd, classes.deprivation, classes.outcome)], index=imd.index)
    base = layer_payload(geometry, wards, record, value_text, classes.colour, classes.legend, targets, target_label,
                         notes=notes)
    key = classes.key
    safe = BivariateKey(escape_for_browser(key.title), escape_for_browser(key.x_title),
                        escape_for_browser(key.y_title),
                        tuple(KeyCell(c.colour, escape_for_browser(c.label), c.count, c.deprivation, c.outcome, c.ink)
                              for c in key.cells))
    fields = {name: getattr(base, name) for name in MapPayload.__dataclass_fields__}
    return BivariatePayload(**fields, key=safe)


def shares(classes: Bivariate) -> pd.DataFrame:
    """How many wards fall in each class, as a 3 x 3 table (rows: outcome thirds worst first;
    columns: deprivation thirds least deprived first)."""
    grid = np.zeros((3, 3), dtype=int)
    for cell in classes.key.cells:
        grid[2 - cell.outcome, cell.deprivation] = cell.count
    return pd.DataFrame(grid, index=[t.capitalize() for t in reversed(OUTCOME_THIRDS)],
                        columns=[t.capitalize() for t in DEPRIVATION_THIRDS])
