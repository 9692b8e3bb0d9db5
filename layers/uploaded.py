"""A user's own ward values as a layer: an :class:`~layers.indicator.Indicator` record built at runtime.

The upload core (:mod:`geo.upload`) takes a file to 2025 wards and suppresses small counts;
this module turns one column of that :class:`~geo.upload.WardUpload` into a
:class:`UserLayer` -- a frozen record like every published layer's (title, unit and
direction from the user; source "Your upload — not published"; a caveat giving the method
and the suppression) plus the ward values -- so the map, legend, targeting, profile and
exports take it like any layer. Pure: no streamlit, no files. The app keeps user layers in
its session state only (never in a cache shared between sessions, on disk, in logs or in
the URL, which names only the layer's id).

Suppressed counts are missing in :attr:`UserLayer.values` (the hidden numbers never reach
this module) and flagged in :attr:`UserLayer.suppressed`, so that every view can say
"fewer than 5" (map tooltip, profile) or "<5" (tables and exports) rather than "no data",
and hatch them apart from no data on the map and in the legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from geo.areas import area_value, counted, rank_worst_first
from geo.upload import UploadError, WardUpload
from layers.export import Suppression
from layers.indicator import Indicator, Source
from layers.style import (NO_DATA_COLOUR, NO_DATA_LABEL, SCHEMES_BY_ID, SUPPRESSED_FILL, LegendEntry, Styled,
                          style_layer)

#: Ids of uploaded layers start with this ("upload-1", "upload-2" ...), so that a link naming one
#: can be told apart from a mistyped published id.
USER_LAYER_PREFIX = "upload-"
#: The theme and edition every uploaded layer is listed under.
THEME = "Your data"
VARIANT = "Your data"
#: Uploaded layers' palette: ColorBrewer Purples, which no published layer uses.
PALETTE = "Purples"
#: Longest title accepted (it heads the legend and the table column).
MAX_TITLE = 80

SOURCE = Source(
    publisher="you (your own file)",
    dataset="Your upload — not published",
    licence="your own data: not published, checked or shared by WardLens",
    attribution="Your upload — not published: your own figures, held in this browser session only.",
)

#: What "wards in your file" means in the profile: area values use only wards with a value.
IN_FILE = "in your file"


@dataclass(frozen=True, eq=False)
class UserLayer:
    """One uploaded column on 2025 wards, with the record that describes it.

    ``values``: float by ward_code over the wards the file reaches (suppressed and missing
    values are NaN); ``suppressed``: True where a small count was hidden (same index);
    ``weights``: for a rate, its ward denominator (for area values), or None to weight by Census
    2021 residents; ``notes``: what the upload core said about the aggregation.
    """

    record: Indicator
    values: pd.Series
    suppressed: pd.Series
    threshold: int
    kind: Literal["count", "rate"]
    weights: pd.Series | None
    notes: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def n_suppressed(self) -> int:
        return int(self.suppressed.sum())

    @property
    def n_values(self) -> int:
        return int(self.values.notna().sum())

    @property
    def suppression(self) -> Suppression | None:
        """The suppressed wards for tables and exports (None for a rate: rates are not suppressed)."""
        return Suppression(self.suppressed, self.threshold) if self.kind == "count" else None

    @property
    def hidden_text(self) -> str:
        """How a suppressed value reads in sentences: "fewer than 5"."""
        return f"fewer than {self.threshold}"

    def texts(self, codes: pd.Index) -> pd.Series:
        """Each ward's value as shown: in the record's format, "fewer than 5" if suppressed, else "no data"."""
        values = self.values.reindex(codes)
        hidden = self.suppressed.reindex(codes, fill_value=False).fillna(False).astype(bool)
        text = pd.Series([self.record.format_value(v) for v in values.to_numpy(dtype=float)], index=codes)
        return text.mask(hidden, self.hidden_text)


def value_format(kind: str, values: pd.Series) -> str:
    """A format for the layer's values: whole counts with thousands commas; otherwise enough
    decimals for the typical size (3 below 1, 2 below 10, 1 below 1,000, none above)."""
    present = values.dropna().abs()
    if kind == "count" and bool(np.all(np.mod(present, 1) == 0)):
        return ",.0f"
    typical = float(present.median()) if len(present) else 1.0
    return ".3f" if typical < 1 else ".2f" if typical < 10 else ".1f" if typical < 1000 else ",.0f"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def unique_title(title: str, taken: set[str]) -> str:
    """``title`` or, if another layer has it, ``title (2)``, ``title (3)`` ..."""
    if title not in taken:
        return title
    n = 2
    while f"{title} ({n})" in taken:
        n += 1
    return f"{title} ({n})"


def user_layer(layer_id: str, wards: WardUpload, column: str, *, title: str, unit: str, higher_is_worse: bool,
               source_name: str, theme: str = THEME) -> UserLayer:
    """The layer for ``column`` of an aggregated upload, titled and described by the user.

    ``theme`` lists it beside the public layers it belongs with (default "Your data"); a
    locally held count of people with 5+ long-term conditions sits under "Long-term conditions".

    ``layer_id`` must start with :data:`USER_LAYER_PREFIX`; ``source_name`` is the file name
    (or "pasted text"), quoted in the definition. Raises :class:`~geo.upload.UploadError` for a
    missing title or a column the upload does not have.
    """
    if not layer_id.startswith(USER_LAYER_PREFIX):
        raise ValueError(f"an uploaded layer's id must start with {USER_LAYER_PREFIX!r}, got {layer_id!r}")
    if column not in wards.frame.columns:
        raise UploadError(f"The file has no value column '{column}'",
                          "Choose one of: " + ", ".join(map(str, wards.frame.columns)))
    title = _one_line(title)
    if not title:
        raise UploadError("The layer has no title", "Type a title for the layer, e.g. 'People with 5+ long-term "
                          "conditions'; it heads the legend, the table column and the profile row")
    if len(title) > MAX_TITLE:
        raise UploadError(f"The title is {len(title)} characters long, over {MAX_TITLE}",
                          "Shorten it: it heads the legend and the table column")
    kind = wards.kinds[column]
    values = wards.frame[column].astype(float)
    suppressed = wards.suppressed[column].astype(bool) if kind == "count" else pd.Series(False, index=values.index)
    geography = wards.geography
    direct = geography.kind == "ward"
    reached = int(values.notna().sum() + suppressed.sum())
    if kind == "count":
        how = ("ward counts as given" if direct else
               f"{geography.label} counts summed to 2025 wards by the best-fit lookup")
        suppression = (f" Counts from 1 to {wards.threshold - 1} are suppressed (shown as “fewer than "
                       f"{wards.threshold}”, “<{wards.threshold}” in tables): {int(suppressed.sum()):,} of the "
                       f"{reached:,} ward values.")
    else:
        weight = f"the column '{wards.denominator}'" if wards.denominator else "Census 2021 residents"
        how = ("ward rates as given" if direct else
               f"{geography.label} rates averaged to 2025 wards, weighted by {weight}")
        suppression = " Rates are not suppressed: check a rate with a small numerator before sharing it."
    complete = "" if direct else f" A ward has a value only when every {geography.kind} in it is in the file."
    record = Indicator(
        id=layer_id,
        title=title,
        theme=theme,
        family=title,
        variant=VARIANT,
        definition=f"Your own figures: column “{_one_line(column)}” of {_one_line(source_name)} "
                   f"({geography.label}, treated as {kind}s) on 2025 wards.",
        file="your upload (held in this browser session only)",
        column=str(column),
        unit=_one_line(unit) or ("count" if kind == "count" else "rate"),
        value_format=value_format(kind, values),
        period="as in your file",
        source_geography=geography.label,
        method="direct" if direct else "summed" if kind == "count" else "population-weighted",
        method_note=f"{how[0].upper()}{how[1:]}.{complete}{suppression}",
        higher_is_worse=higher_is_worse,
        kind="numeric",
        scheme="Quantiles",
        palette=PALETTE,
        aggregation="sum" if kind == "count" else "weighted mean",
        weight="" if kind == "count" else (wards.denominator or "population"),
        valid_range=(-math.inf, math.inf),
        source=SOURCE,
        caveat="Your own data, not published: WardLens has not checked it and does not share it; it is held in "
               "this browser session only and is gone when the tab is closed.",
    )
    weights = None
    if kind == "rate" and wards.denominator:
        weights = wards.frame[wards.denominator].astype(float)
    return UserLayer(record, values, suppressed, wards.threshold, kind, weights, wards.notes)


# --- map ---------------------------------------------------------------------------------------

def style_user_layer(layer: UserLayer, codes: pd.Index, scheme_id: str | None = None) -> Styled:
    """Colours and legend over the area's wards ``codes``: classes from the values shown (bounds
    at values that occur), suppressed wards hatched with their own legend entry before no data.

    National deciles have no national values here: their breaks come from every ward in the file.
    """
    values = layer.values.reindex(codes)
    styled = style_layer(layer.record, values, layer.values, scheme_id, observed_breaks=True)
    hidden = layer.suppressed.reindex(codes, fill_value=False).fillna(False).astype(bool)
    n_hidden = int(hidden.sum())
    legend = styled.legend
    if SCHEMES_BY_ID[scheme_id or layer.record.scheme].national:
        legend = replace(legend, scheme=f"deciles of all wards {IN_FILE}")
    if layer.kind == "count":
        legend = replace(legend,
                         no_data=LegendEntry(NO_DATA_COLOUR, NO_DATA_LABEL, legend.no_data.count - n_hidden),
                         suppressed=LegendEntry(SUPPRESSED_FILL, f"Suppressed (1–{layer.threshold - 1})", n_hidden))
    return Styled(styled.classes.mask(hidden, -2), styled.colour.mask(hidden, SUPPRESSED_FILL), legend)


# --- ward profile ------------------------------------------------------------------------------

def area_summary(layer: UserLayer, register: pd.DataFrame, include: pd.Series) -> tuple[float, int]:
    """The layer's value over the wards ``include`` selects that have a value in the file, and how many.

    ``register``: the ward register (``population``, ``method_flag``) indexed by ward_code.
    Counts are summed, rates averaged weighted by the layer's denominator or Census 2021
    residents; wards valued by areal overlay are left out unless the file was by ward (their
    residents are counted in a best-fit ward). Suppressed wards are left out, so the total
    never lets anyone recover a hidden value by subtraction.
    """
    direct = layer.record.method == "direct"
    values = layer.values.reindex(register.index)
    weights = (layer.weights.reindex(register.index) if layer.weights is not None
               else register["population"].astype(float))
    best_fit = counted(register)
    value = area_value(values, weights, include, best_fit, layer.record.aggregation, direct=direct)
    used = values.notna() & include.reindex(register.index, fill_value=False) & (best_fit | direct)
    if layer.kind == "rate":
        used &= weights.notna() & (weights > 0)
    return value, int(used.sum())


def profile_row(layer: UserLayer, register: pd.DataFrame, ward: str) -> dict[str, str]:
    """The layer's row of the ward profile (the columns of :func:`layers.profile.ward_profile`).

    ICB and England values combine only the wards with a value in the file and say so; the
    rank is among the ICB's wards with a value; a suppressed ward reads "fewer than 5".
    """
    r = layer.record
    icb = register.at[ward, "icb_code"]
    in_icb = register["icb_code"] == icb
    icb_value, n_icb = area_summary(layer, register, in_icb)
    england, n_england = area_summary(layer, register, pd.Series(True, index=register.index))
    values = layer.values.reindex(register.index)
    ranks = rank_worst_first(values, register["icb_code"], r.higher_is_worse)
    rank = ranks.get(ward)
    n_ranked = int((values.notna() & in_icb).sum())

    def area_text(value: float, n: int) -> str:
        return f"{r.format_value(value)} {IN_FILE}" if n else f"none {IN_FILE}"

    how = "sum" if layer.kind == "count" else "average"
    return {
        "Theme": r.theme,
        "Indicator": r.title,
        "Edition": r.variant,
        "Ward": layer.texts(pd.Index([ward])).iloc[0],
        "ICB": area_text(icb_value, n_icb),
        "England": area_text(england, n_england),
        "Unit": r.unit,
        "Rank in ICB (1 = worst)": "–" if rank is None or pd.isna(rank) else f"{int(rank)} of {n_ranked}",
        "Period": r.period,
        "Caveat": f"{r.caveat} {r.method_note} The ICB value is the {how} of its {n_icb:,} wards with a value "
                  f"{IN_FILE}, England's the {how} of all {n_england:,} such wards.",
    }
