"""A user's own ward values as a layer: an :class:`~layers.indicator.Indicator` record built at runtime.

The upload core (:mod:`geo.upload`) takes a file to 2025 wards and suppresses small counts;
this module turns one column of that :class:`~geo.upload.WardUpload` into a
:class:`UserLayer` -- a frozen record like every published layer's (title, unit and
direction from the user; source "Your upload — not published"; a caveat giving the method
and the suppression) plus the ward values -- so the map, legend, targeting, profile and
exports take it like any layer. Pure: no streamlit, no files. The app keeps user layers in
its session state only (never in a cache shared between sessions, on disk, in logs or in
the URL, which names only the layer's id).

Suppressed values are missing in :attr:`UserLayer.ward_values` (the hidden numbers never reach
this module) and flagged in :attr:`UserLayer.suppressed`, so that every view can say
"fewer than 5" (map tooltip, profile) or "<5" (tables and exports) rather than "no data",
and hatch them apart from no data on the map and in the legend (:mod:`layers.view`). Where
the hidden values are not all counts from 1 to 4 -- a count hidden so that another cannot be
worked out by subtraction, or a rate whose numerator is small -- they read "suppressed".

A count is a poor basis for "worst 10%": the biggest wards have the most people (issue 3).
:func:`per_residents` therefore makes, beside every uploaded count, the layer "… per 1,000
residents" (ward Census 2021 population as denominator, suppressed wherever the count is),
which the app shows by default; :func:`count_targeting_warning` is the warning to show when a
targeting definition ranks wards by a raw count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geo.upload import UploadError, WardUpload, listed
from layers.indicator import Indicator
from layers.source import Suppression
from layers.sources import Source
from layers.targets import Targeting

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
#: What qualifies every area value made from an upload: only the wards with a value in the file.
IN_FILE = "in your file"
#: The variant of the rate made from an uploaded count, and its unit.
PER_RESIDENTS = "Per 1,000 residents"
PER_RESIDENTS_UNIT = "per 1,000 residents"
#: Where uploaded data live, in the words every uploaded layer's caveat uses (see README "Your data").
HELD = ("held in the server's memory for this browser session only -- never written to disk, logged or cached "
        "for other sessions -- and deleted as soon as the tab is closed or loses its connection")

SOURCE = Source(
    publisher="you (your own file)",
    dataset="Your upload — not published",
    licence="your own data: not published, checked or shared by WardLens",
    attribution="Your upload — not published: your own figures, held for this browser session only.",
)


@dataclass(frozen=True)
class DerivedSuppression(Suppression):
    """Hidden values that are not all counts from 1 to ``threshold`` - 1: counts hidden so that
    another cannot be worked out by subtraction (secondary suppression), or rates whose
    numerator is small. They read "suppressed", never "fewer than 5"."""

    @property
    def label(self) -> str:
        return "suppressed"

    @property
    def text(self) -> str:
        return "suppressed"

    @property
    def legend_label(self) -> str:
        return f"Suppressed (counts of 1–{self.threshold - 1}, or what would reveal them)"


@dataclass(frozen=True, eq=False)
class UserLayer:
    """One uploaded column on 2025 wards, with the record that describes it: a
    :class:`~layers.source.LayerSource` like every published layer.

    ``ward_values``: float by ward_code over the wards the file reaches (suppressed and missing
    values are NaN); ``suppressed``: True where a small count was hidden (same index);
    ``ward_weights``: for a rate, its ward denominator (for area values), or None to weight by
    Census 2021 residents; ``notes``: what the upload core said about the aggregation.
    ``suppressed`` marks rates too: a rate whose numerator would be a count from 1 to 4.
    """

    record: Indicator
    ward_values: pd.Series
    suppressed: pd.Series
    threshold: int
    kind: Literal["count", "rate"]
    ward_weights: pd.Series | None
    notes: tuple[str, ...]
    #: Whether every hidden value is a count from 1 to threshold - 1 (they then read "fewer than 5").
    only_small_counts: bool = True
    #: National deciles of an upload come from every ward in the file.
    national_label: str = f"deciles of all wards {IN_FILE}"
    observed_breaks: bool = True
    comparator_scope: str = IN_FILE

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def n_suppressed(self) -> int:
        return int(self.suppressed.sum())

    @property
    def n_values(self) -> int:
        return int(self.ward_values.notna().sum())

    @property
    def suppression(self) -> Suppression | None:
        """The suppressed wards: always for a count; for a rate only when some are hidden."""
        if self.kind == "rate" and not self.suppressed.any():
            return None
        kind = Suppression if self.only_small_counts else DerivedSuppression
        return kind(self.suppressed, self.threshold)

    def values(self, codes: pd.Index) -> pd.Series:
        return self.ward_values.reindex(codes).astype(float)

    def national(self) -> pd.Series:
        return self.ward_values.astype(float)

    def weights(self, register: pd.DataFrame) -> pd.Series:
        if self.ward_weights is not None:
            return self.ward_weights.reindex(register.index).astype(float)
        return register["population"].astype(float)


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
    _check_id(layer_id)
    if column not in wards.frame.columns:
        raise UploadError(f"The file has no value column '{column}'",
                          "Choose one of: " + listed(map(str, wards.frame.columns)))
    title = _checked_title(title)
    kind = wards.kinds[column]
    values = wards.frame[column].astype(float)
    suppressed = wards.suppressed[column].astype(bool)
    secondary = wards.secondary[column].astype(bool) if wards.secondary is not None else suppressed & False
    geography = wards.geography
    direct = geography.kind == "ward"
    n_more = int(secondary.sum())
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
        method_note=_method_note(wards, kind, values, suppressed, secondary),
        higher_is_worse=higher_is_worse,
        kind="numeric",
        scheme="Quantiles",
        palette=PALETTE,
        aggregation="sum" if kind == "count" else "weighted mean",
        weight="" if kind == "count" else (wards.denominator or "population"),
        valid_range=(-math.inf, math.inf),
        source=SOURCE,
        warning="Your own data: not published or checked by WardLens.",
        caveat=f"Your own data, not published: WardLens has not checked it and does not share it; it is {HELD}.",
    )
    weights = None
    if kind == "rate" and wards.denominator:
        weights = wards.frame[wards.denominator].astype(float)
    only_small = kind == "count" and not n_more
    return UserLayer(record, values, suppressed, wards.threshold, kind, weights, wards.notes, only_small)


def _check_id(layer_id: str) -> None:
    """Refuse an id that does not start with :data:`USER_LAYER_PREFIX`."""
    if not layer_id.startswith(USER_LAYER_PREFIX):
        raise ValueError(f"an uploaded layer's id must start with {USER_LAYER_PREFIX!r}, got {layer_id!r}")


def _checked_title(title: str) -> str:
    """The title on one line; refused when empty or longer than :data:`MAX_TITLE`."""
    title = _one_line(title)
    if not title:
        raise UploadError("The layer has no title", "Type a title for the layer, e.g. 'People with 5+ long-term "
                          "conditions'; it heads the legend, the table column and the profile row")
    if len(title) > MAX_TITLE:
        raise UploadError(f"The title is {len(title)} characters long, over {MAX_TITLE}",
                          "Shorten it: it heads the legend and the table column")
    return title


def _method_note(wards: WardUpload, kind: str, values: pd.Series, suppressed: pd.Series, secondary: pd.Series) -> str:
    """How the ward values were made from the file, and what is suppressed (the record's method note)."""
    geography = wards.geography
    direct = geography.kind == "ward"
    reached = int(values.notna().sum() + suppressed.sum())
    n_hidden, n_more = int(suppressed.sum()), int(secondary.sum())
    if kind == "count":
        how = ("ward counts as given" if direct else
               f"{geography.label} counts shared among 2025 wards by where their residents live (Census 2021 "
               "Output Areas) and summed")
        suppression = (f" Counts from 1 to {wards.threshold - 1} are suppressed (shown as “fewer than "
                       f"{wards.threshold}”, “<{wards.threshold}” in tables): {n_hidden - n_more:,} of the "
                       f"{reached:,} ward values.")
        if n_more:
            suppression += (f" {n_more:,} more are suppressed (shown as “suppressed”) because a hidden count could "
                            "otherwise be worked out from them and a total or part in the same file.")
    else:
        weight = f"the column '{wards.denominator}'" if wards.denominator else "Census 2021 residents"
        how = ("ward rates as given" if direct else
               f"{geography.label} rates averaged to 2025 wards, weighted by {weight}")
        base = f"rate × '{wards.denominator}'" if wards.denominator else "rate × the ward's residents"
        suppression = (f" Rates are not suppressed, except where the count behind them ({base}) is from 1 to "
                       f"{wards.threshold - 1}: {n_hidden:,} of the {reached:,} ward values (shown as “suppressed”). "
                       "A rate with no stated unit or denominator cannot be checked this way: check it before "
                       "sharing.")
    complete = "" if direct else f" A ward has a value only when every {geography.kind} in it is in the file."
    return f"{how[0].upper()}{how[1:]}.{complete}{suppression}"


def per_residents(layer: UserLayer, population: pd.Series, layer_id: str) -> UserLayer:
    """The rate per 1,000 residents made from an uploaded count ``layer`` (issue 3).

    ``population``: Census 2021 usual residents by ward_code (the ward register's
    ``population``). The rate is count / residents × 1,000, suppressed wherever the count
    is (its numerator, the count, is known to every reader of the rate and the published
    population), missing where the count is or the ward has no residents. Listed as the
    variant :data:`PER_RESIDENTS` of the count's family; area values weight wards by
    residents, so an ICB's rate is its wards' counts over their residents.
    """
    if layer.kind != "count":
        raise ValueError(f"only a count can be made a rate per residents, not {layer.kind!r} ({layer.id})")
    _check_id(layer_id)
    counts = layer.ward_values.astype(float)
    residents = population.reindex(counts.index).astype(float)
    values = (counts / residents.where(residents > 0) * 1_000).rename(None)
    hidden = layer.suppressed.reindex(counts.index, fill_value=False).astype(bool)
    values = values.mask(hidden)
    count = layer.record
    title = count.title if len(count.title) + len(" per 1,000 residents") <= MAX_TITLE else (
        count.title[: MAX_TITLE - len(" per 1,000 residents") - 1] + "…")
    record = Indicator(
        id=layer_id,
        title=f"{title} per 1,000 residents",
        theme=count.theme,
        family=count.family,
        variant=PER_RESIDENTS,
        definition=f"{count.definition[:-1]}, divided by the ward's usual residents (Census 2021) × 1,000.",
        file=count.file,
        column=count.column,
        unit=PER_RESIDENTS_UNIT,
        value_format=value_format("rate", values),
        period=count.period,
        source_geography=count.source_geography,
        method=count.method,
        method_note=(f"The count “{count.title}” per 1,000 of the ward's usual residents (Census 2021), so that wards "
                     "of different sizes compare: use it, not the count, to find the worst wards. Residents are the "
                     "denominator whatever population the count is of (registered patients, say), so the rate is "
                     f"approximate where the two differ. Where the count is suppressed the rate is too "
                     f"({int(hidden.sum()):,} wards, shown as “suppressed”), since the count could be worked back "
                     "from the rate and the published population."),
        higher_is_worse=count.higher_is_worse,
        kind="numeric",
        scheme="Quantiles",
        palette=PALETTE,
        aggregation="weighted mean",
        weight="population",
        valid_range=(-math.inf, math.inf),
        source=SOURCE,
        warning=count.warning,
        caveat=count.caveat,
    )
    return UserLayer(record, values, hidden, layer.threshold, "rate", None, layer.notes, only_small_counts=False)


def count_targeting_warning(record: Indicator, targeting: Targeting, rate_title: str | None = None) -> str | None:
    """The warning to show when ``targeting`` ranks wards by the layer shown and that layer (``record``)
    is a raw count (its values add up: ``aggregation`` "sum"), else None.

    ``rate_title``: the title of a rate made from the count (e.g. its "per 1,000 residents"
    layer), named as the one to use. Plain text: escape it for Markdown where it is shown.
    """
    if targeting.indicator is not None or record.aggregation != "sum":
        return None
    instead = (f"Show “{rate_title}” to target by rate instead." if rate_title else
               "Target by a rate (per 1,000 residents or a percentage) instead.")
    return (f"“{targeting.short}” is ranking wards by a raw count, “{record.title}”: the wards with the most "
            "people come first, whether or not more of their people are affected. " + instead)
