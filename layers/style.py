"""From ward values to map colours and a legend, for any indicator record.

Classification goes through mapclassify with the scheme the user picked (or the record's
own); :func:`palette` turns the record's ColorBrewer palette and ``higher_is_worse`` into an
ordered list of colours, so that the darkest colour always marks the worst wards. Colours are
computed once, as a column; the map only looks them up. Wards with no value get
:data:`NO_DATA_COLOUR` and their own legend entry. Flags (``kind="flag"``) go through the same
pipeline with two categories instead of class breaks.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mapclassify
import numpy as np
import pandas as pd
from branca.utilities import color_brewer

if TYPE_CHECKING:
    from layers.indicator import Indicator

#: Fill for wards without a value: a mid grey that none of the sequential palettes uses.
NO_DATA_COLOUR = "#bdbdbd"
NO_DATA_LABEL = "No data"

#: Fill for wards whose small count was suppressed (uploaded counts from 1 to the threshold
#: less one): a grey hatch, an SVG pattern the map defines (``layers.mapview``), so it reads
#: apart from the flat grey of no data.
SUPPRESSED_FILL = "url(#wl-suppressed)"

#: Classes for the within-area schemes; national deciles always have 10.
DEFAULT_CLASSES = 5

#: Fisher-Jenks is O(k n^2) in pure Python (about 40 s for all 6,826 wards without numba), so
#: above this many values it runs on this many evenly spaced quantiles of them instead.
FISHER_JENKS_MAX_VALUES = 500


@dataclass(frozen=True)
class Scheme:
    """A classification scheme: its label (in full), ``short`` (in a sentence), ``choice`` (in the
    Classes picker, whose box shows one line of about 45 characters) and how it finds class upper bounds.

    ``breaks(area_values, national_values, k)`` returns sorted upper bounds; a value ``v`` is in
    class ``i`` when ``bounds[i-1] < v <= bounds[i]`` (mapclassify's convention).
    ``national``: the breaks come from all England's wards, not the area's.
    """

    id: str
    label: str
    short: str
    choice: str
    classes: int
    national: bool
    breaks: Callable[[np.ndarray, np.ndarray, int], np.ndarray]


def _quiet(classifier: Callable[..., object], values: np.ndarray, k: int) -> np.ndarray:
    """mapclassify bins with its warnings (too few unique values, no numba) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(classifier(values, k=k).bins)


def _fisher_jenks(values: np.ndarray, k: int) -> np.ndarray:
    sample = values
    if len(values) > FISHER_JENKS_MAX_VALUES:
        sample = np.quantile(values, np.linspace(0.0, 1.0, FISHER_JENKS_MAX_VALUES))
    bins = _quiet(mapclassify.FisherJenks, sample, k)
    bins[-1] = values.max()
    return bins


SCHEME_LIST: tuple[Scheme, ...] = (
    Scheme("Quantiles", "Quantiles within the area (5 classes, equal numbers of wards)", "quantiles within the area",
           "Quantiles (equal numbers of wards)", DEFAULT_CLASSES, False, lambda a, n, k: _quiet(mapclassify.Quantiles, a, k)),
    Scheme("NationalDeciles", "National deciles (10 classes, breaks from all England's wards)",
           "national deciles", "National deciles (England's breaks)", 10, True, lambda a, n, k: _quiet(mapclassify.Quantiles, n, k)),
    Scheme("EqualInterval", "Equal interval within the area (5 classes of equal width)", "equal interval",
           "Equal interval (equal widths)", DEFAULT_CLASSES, False, lambda a, n, k: _quiet(mapclassify.EqualInterval, a, k)),
    Scheme("FisherJenks", "Fisher–Jenks natural breaks within the area (5 classes)", "Fisher–Jenks natural breaks",
           "Fisher–Jenks natural breaks", DEFAULT_CLASSES, False, lambda a, n, k: _fisher_jenks(a, k)),
)
SCHEMES_BY_ID: dict[str, Scheme] = {s.id: s for s in SCHEME_LIST}

#: ColorBrewer sequential palettes (colour-blind safe) the records may name.
PALETTES = ("YlOrRd", "OrRd", "PuRd", "RdPu", "YlGnBu", "PuBu", "BuPu", "Greens", "Blues", "Purples")


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str
    count: int


@dataclass(frozen=True)
class Legend:
    """What the map legend shows: title, unit, one entry per class from low to high, and no data.

    ``suppressed``: for an uploaded count, the wards whose small value is hidden (shown apart from
    no data, just before it); None for every other layer. ``note``: the record's warning, which
    travels with the numbers (empty for most layers).
    """

    title: str
    unit: str
    scheme: str
    entries: tuple[LegendEntry, ...]
    no_data: LegendEntry
    suppressed: LegendEntry | None = None
    note: str = ""


@dataclass(frozen=True)
class Styled:
    """A classified layer: class and fill colour per ward (index ward_code), and its legend."""

    classes: pd.Series
    colour: pd.Series
    legend: Legend


def legend_title(record: Indicator) -> str:
    """The short heading of a layer's legend: ``"IMD average score · IoD2025"``."""
    return f"{record.family} · {record.variant}"


def palette(name: str, n: int, higher_is_worse: bool) -> list[str]:
    """``n`` ColorBrewer colours of the sequential palette ``name``, ordered from low to high values.

    Sequential palettes run light to dark; when higher is *better* the order is reversed, so
    the darkest colour always marks the worst values. For ``n`` < 3 (ColorBrewer's minimum)
    the lightest and darkest of the 3-class palette are used (one class: its middle colour);
    above 9 branca interpolates between ColorBrewer's 9 colours.
    """
    if n < 1:
        raise ValueError(f"a palette needs at least one colour, got n={n}")
    base = color_brewer(name, max(n, 3))
    colours = {1: [base[1]], 2: [base[0], base[-1]]}.get(n, base)  # n < 3: base has 3 colours
    return colours if higher_is_worse else colours[::-1]


def class_of(values: pd.Series, bounds: np.ndarray) -> pd.Series:
    """Class index (0-based) of each value for the upper ``bounds``; -1 for no data.

    Values above the last bound (possible with national breaks) go in the last class.
    """
    idx = np.searchsorted(bounds, values.to_numpy(dtype=float), side="left")
    idx = np.minimum(idx, len(bounds) - 1)
    return pd.Series(np.where(values.isna(), -1, idx), index=values.index, dtype=int)


def _finer(fmt: str) -> str:
    """The format spec with one more decimal place (".0%" -> ".1%", ",.1f" -> ",.2f")."""
    match = re.search(r"\.(\d+)", fmt)
    if match:
        return fmt[:match.start()] + f".{int(match.group(1)) + 1}" + fmt[match.end():]
    return fmt + ".1f" if not fmt else fmt


def _break_labels(bounds: np.ndarray, low: float, fmt: str) -> list[str]:
    """``"low – b1"``, ``"b1 – b2"`` ... in ``fmt``, with more decimals (at most three more) until
    distinct bounds read differently.

    A class whose lower and upper bounds are equal (ties, e.g. many wards at 0%) reads as the
    single value, and the class after it as "> value – next".
    """
    edges = [float(low), *map(float, bounds)]
    distinct = sorted(set(edges))
    for _ in range(4):
        text = {v: format(v, fmt) for v in distinct}
        if len(set(text.values())) == len(distinct):
            break
        fmt = _finer(fmt)
    labels, single_before = [], False
    for lo, hi in zip(edges, edges[1:]):
        labels.append(text[lo] if lo == hi else f"{'> ' if single_before else ''}{text[lo]} – {text[hi]}")
        single_before = lo == hi
    return labels


def _counts(classes: pd.Series, n: int) -> list[int]:
    counts = classes[classes >= 0].value_counts()
    return [int(counts.get(i, 0)) for i in range(n)]


def _no_data(classes: pd.Series) -> LegendEntry:
    return LegendEntry(NO_DATA_COLOUR, NO_DATA_LABEL, int((classes < 0).sum()))


def _colour_column(classes: pd.Series, colours: list[str]) -> pd.Series:
    lookup = np.array([*colours, NO_DATA_COLOUR], dtype=object)  # -1 picks the last: no data
    return pd.Series(lookup[classes.to_numpy()], index=classes.index)


def observed_bounds(bounds: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Each class bound moved down to the largest value of ``basis`` at or below it (duplicates dropped).

    No value of ``basis`` lies between a bound and its replacement, so every class keeps the
    same values; the legend then names only values that occur (quantile breaks interpolate
    between values, which for suppressed counts could print a hidden 1-4).
    """
    ordered = np.sort(basis)
    at = np.searchsorted(ordered, bounds, side="right") - 1  # at most the last index
    return np.unique(ordered[np.maximum(at, 0)])  # a bound below every value moves up to the smallest


def style_numeric(record: Indicator, values: pd.Series, national: pd.Series, scheme_id: str,
                  observed_breaks: bool) -> Styled:
    """Classify a numeric layer with ``scheme_id``; breaks from the area's or all England's wards.

    ``observed_breaks``: class bounds are values that occur (see :func:`observed_bounds`).
    """
    scheme = SCHEMES_BY_ID[scheme_id]
    area = values.dropna().to_numpy(dtype=float)
    nat = national.dropna().to_numpy(dtype=float)
    basis = nat if scheme.national else area
    if len(basis) == 0:
        bounds, low = np.array([0.0]), 0.0
    elif np.unique(basis).size == 1:
        bounds, low = np.array([basis[0]]), float(basis[0])
    else:
        bounds = np.unique(scheme.breaks(area, nat, scheme.classes))
        if observed_breaks:
            bounds = observed_bounds(bounds, basis)
        low = float(basis.min())
    classes = class_of(values, bounds)
    colours = palette(record.palette, len(bounds), record.higher_is_worse)
    labels = _break_labels(bounds, low, record.value_format)
    counts = _counts(classes, len(bounds))
    legend = Legend(
        title=legend_title(record), unit=record.unit, scheme=scheme.short,
        entries=tuple(LegendEntry(c, lab, n) for c, lab, n in zip(colours, labels, counts)),
        no_data=_no_data(classes), note=record.warning)
    return Styled(classes, _colour_column(classes, colours), legend)


#: Flag categories, in legend order: value 0 (not flagged) then 1 (flagged).
FLAG_LABELS = ("No", "Yes")


def style_flag(record: Indicator, values: pd.Series, national: pd.Series, scheme_id: str,
               observed_breaks: bool) -> Styled:
    """Two categories, not flagged / flagged (value > 0), coloured from the record's palette: the
    flagged wards darkest whichever way the record ranks (a flag marks the wards to look at), so
    "Yes" never reads as the lighter, lesser category (``observed_breaks`` has no effect)."""
    flagged = values > 0
    classes = pd.Series(np.where(values.isna(), -1, flagged.astype(int)), index=values.index, dtype=int)
    colours = palette(record.palette, 2, higher_is_worse=True)
    counts = _counts(classes, 2)
    legend = Legend(
        title=legend_title(record), unit=record.unit, scheme="flag",
        entries=tuple(LegendEntry(c, lab, n) for c, lab, n in zip(colours, FLAG_LABELS, counts)),
        no_data=_no_data(classes), note=record.warning)
    return Styled(classes, _colour_column(classes, colours), legend)


#: How each kind of record is styled (``Indicator.kind``).
STYLERS: dict[str, Callable[[Indicator, pd.Series, pd.Series, str, bool], Styled]] = {
    "numeric": style_numeric,
    "flag": style_flag,
}


def style_layer(record: Indicator, values: pd.Series, national: pd.Series,
                scheme_id: str | None = None, *, observed_breaks: bool = False) -> Styled:
    """Colours and legend for ``record`` over an area's ward ``values`` (Series indexed by ward_code).

    ``national``: the record's values for all England's wards (for national deciles).
    ``scheme_id``: a key of :data:`SCHEMES_BY_ID`, or None for the record's own scheme.
    ``observed_breaks``: class bounds are values that occur (for uploaded counts).
    """
    chosen = scheme_id or record.scheme
    if chosen not in SCHEMES_BY_ID:
        raise ValueError(f"classification {chosen!r} is not one of {tuple(SCHEMES_BY_ID)}")
    return STYLERS[record.kind](record, values, national, chosen, observed_breaks)
