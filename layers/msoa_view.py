"""Life expectancy by MSOA 2011 at its own geography: the map layer, tooltips and table for one area.

ONS REQ3292 gives life expectancy at birth for every MSOA (2011) in England, 2016-20, with a
95% confidence interval and the deaths behind it. The ward layers turn it into ward estimates
(:mod:`layers.health`); this view shows the MSOAs themselves, so the uncertainty stays visible.

One :class:`~layers.msoa.MsoaMeasure` per sex (:data:`layers.msoa.MSOA_LIFE_EXPECTANCY`)
names the columns; everything else follows from its :class:`~layers.indicator.Indicator`
record, through the same classification, palette and map payload as the ward layers
(:mod:`layers.style`, :mod:`layers.mapview`).

The file's levels run about 1.5-2.5 years above official figures (see
:data:`layers.msoa.CAVEAT`), so the view compares MSOAs with each other only: the one reference value it shows is the median
of the area's own MSOAs from this same file, never an official LA or England figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.areas import Area, area_mask
from layers.mappayload import AreaGeometry, MapPayload, layer_payload
from layers.msoa import MsoaMeasure
from layers.style import style_layer

#: Tooltip and table text for an MSOA the file has no life expectancy for.
NO_FIGURE_REASON = ("No figure: the ONS file leaves this MSOA blank without saying why "
                    "(most likely too few deaths for a reliable estimate).")

#: How an MSOA's 95% confidence interval lies against the median of the area's MSOAs.
LOWER = "Lower"
HIGHER = "Higher"
UNCLEAR = "Not clearly different"
NO_FIGURE = "No figure"
COMPARISONS = (LOWER, UNCLEAR, HIGHER, NO_FIGURE)

#: How the comparison is made, in words (shown under the table).
COMPARISON_NOTE = (
    "**Against the area median:** the median is that of the area's own MSOAs in this file. "
    "*Lower* means the MSOA's whole 95% confidence interval lies below it, *Higher* that it lies "
    "above it; otherwise the MSOA is *not clearly different*. This is a rough screen, not a formal "
    "test: with many MSOAs, a few will fall outside by chance, and the median itself is treated "
    "as fixed. MSOAs with few deaths have wide intervals and are rarely flagged either way."
)


def msoas_in_area(msoas: pd.DataFrame, area: Area) -> pd.DataFrame:
    """The rows of ``msoas`` (indexed by msoa11_code, with ``icb_code`` and ``lad_code`` columns:
    the ICB 2024 and LAD 2025 most of the MSOA's residents live in) that lie in ``area``."""
    return msoas.loc[area_mask(msoas, area)]


def compare_with_median(msoas: pd.DataFrame, measure: MsoaMeasure) -> tuple[pd.Series, float]:
    """Each MSOA's 95% CI against the median life expectancy of ``msoas`` (one area's MSOAs).

    Returns (one of :data:`COMPARISONS` per MSOA, the median in years; NaN if no MSOA has a figure).
    """
    le, lower, upper = (msoas[c].astype(float) for c in (measure.record.column, measure.lower, measure.upper))
    median = float(le.median()) if le.notna().any() else float("nan")
    result = np.select([le.isna(), upper < median, lower > median], [NO_FIGURE, LOWER, HIGHER], UNCLEAR)
    return pd.Series(result, index=msoas.index, name="comparison"), median


def _years(value: float) -> str:
    return f"{value:.1f}"


def tooltip_notes(msoas: pd.DataFrame, measure: MsoaMeasure, comparison: pd.Series, median: float) -> pd.Series:
    """The tooltip's lines under the value: the 95% CI and deaths, and how the CI lies against the
    area median (``comparison`` and ``median`` from :func:`compare_with_median`); or why there is no figure."""
    deaths = msoas[measure.deaths].map(lambda d: "deaths not given" if pd.isna(d) else f"{int(d):,} deaths, 2016–20")
    ci = "95% CI " + msoas[measure.lower].map(_years) + " to " + msoas[measure.upper].map(_years) + " years · "
    against = comparison.map({
        LOWER: f"\nLower than the area's MSOA median ({_years(median)}): the whole 95% CI is below it",
        HIGHER: f"\nHigher than the area's MSOA median ({_years(median)}): the whole 95% CI is above it",
        UNCLEAR: f"\nNot clearly different from the area's MSOA median ({_years(median)})",
        NO_FIGURE: ""})
    notes = ci + deaths + against
    return notes.where(comparison != NO_FIGURE, NO_FIGURE_REASON + "\n" + deaths).rename("notes")


def msoa_table(msoas: pd.DataFrame, measure: MsoaMeasure) -> pd.DataFrame:
    """One row per MSOA of the area, lowest life expectancy first (no figure last, then by code).

    Columns: MSOA, Life expectancy, 95% CI lower, 95% CI upper, CI width (all in years),
    Deaths 2016–20, Against the area median (see :func:`compare_with_median`), Local authority
    (2024, where most of its residents live), MSOA code.
    """
    comparison, _ = compare_with_median(msoas, measure)
    lower, upper = msoas[measure.lower].astype(float), msoas[measure.upper].astype(float)
    table = pd.DataFrame({
        "MSOA": msoas["msoa11_name"].astype(str),
        "Life expectancy": msoas[measure.record.column].astype(float),
        "95% CI lower": lower,
        "95% CI upper": upper,
        "CI width": upper - lower,
        "Deaths 2016–20": msoas[measure.deaths].astype("Int64"),
        "Against the area median": comparison,
        "Local authority": msoas["lad24_name"].astype(str),
        "MSOA code": msoas.index.astype(str),
    })
    return (table.sort_values(["Life expectancy", "MSOA code"], na_position="last", kind="mergesort")
            .reset_index(drop=True))


def msoa_payload(geometry: AreaGeometry, msoas: pd.DataFrame, measure: MsoaMeasure) -> MapPayload:
    """The MSOA choropleth's browser payload: life expectancy in quantiles of the area's MSOAs (the
    darkest colour for the lowest, as for every layer where higher is better), no figure in the
    no-data grey, and a tooltip with the name, local authority, value, 95% CI, deaths and how the
    CI lies against the area's MSOA median. Nothing is outlined: the comparison is a rough
    screen (see :data:`COMPARISON_NOTE`), in the tooltip and the table, not a map layer.

    ``geometry``: the area's MSOA polygons (:func:`layers.mappayload.prepare_area`, codes = msoa11_code);
    ``msoas``: the area's rows of the life expectancy file.
    """
    record = measure.record
    values = msoas[record.column].astype(float)
    styled = style_layer(record, values, values)  # the record's within-area quantiles: no national breaks needed
    comparison, median = compare_with_median(msoas, measure)
    labels = pd.DataFrame({"ward_name": msoas["msoa11_name"], "lad_name": msoas["lad24_name"],
                           "method_flag": "direct"}, index=msoas.index)
    return layer_payload(geometry, labels, record, values.map(record.format_value), styled.colour, styled.legend,
                         targets=pd.Series(False, index=msoas.index), target_label="",
                         notes=tooltip_notes(msoas, measure, comparison, median), noun="MSOAs")
