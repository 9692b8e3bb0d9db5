"""From the one view of a layer (:class:`layers.view.LayerView`) to the static map of it (:class:`MapSpec`).

The static map draws exactly what the web map draws for the same view: the fill of every ward
and the legend come from ``view.styled`` (:func:`layers.view.style_source`, the one styling
code path), the outlined wards from ``view.targets``, the flag outlines from ``view.flags``.
This module only adds the words a slide needs -- a title (measure and area), a subtitle
(period, classification, the targeting definition with the wards and residents it covers),
the layer's caveat (so a slide of life expectancy says its levels run high), the attribution
the licences ask for and a footer with the WardLens version, the date and the data vintages. The app's buttons, ``python -m report map`` and the place pack all call
:func:`map_spec`. Pure: no streamlit, no files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import geopandas as gpd
import pandas as pd

from layers.indicator import Indicator
from layers.sources import attribution_texts
from layers.style import SCHEMES_BY_ID
from layers.view import LayerView
from report.document import british_date
from report.staticmap import MapSpec

#: What every map and pack says about its geography and population, beside the layers' own vintages.
BASE_VINTAGES = (("Electoral ward boundaries (ONS)", "May 2025"),
                 ("Census 2021 usual residents (ONS)", "21 March 2021"))


def records_of(view: LayerView) -> list[Indicator]:
    """The records a view shows, each once: the layer, the list's columns, then the flags outlined."""
    return list(dict.fromkeys([view.record, *(s.record for s in view.key_sources),
                               *(s.record for s in view.flag_sources)]))


def vintage_rows(records: Iterable[Indicator]) -> list[tuple[str, str]]:
    """The data vintages behind ``records`` as ``(dataset, periods)``: the boundaries' and the
    population's, then each dataset once with its periods (a period contained in another of the
    same dataset left out, e.g. "IoD2025" beside "IoD2025 (indicators mostly 2021–23)")."""
    periods: dict[str, list[str]] = {}
    for r in records:
        seen = periods.setdefault(r.source.dataset, [])
        if r.period not in seen:
            seen.append(r.period)
    rows = list(BASE_VINTAGES)
    for dataset, seen in periods.items():
        kept = [p for p in seen if not any(p != other and p in other for other in seen)]
        rows.append((dataset, _join_periods(kept)))
    return rows


def _join_periods(periods: list[str]) -> str:
    """``["IoD2025 (a)", "IoD2025 (b)"]`` -> ``"IoD2025 (a; b)"``; periods that do not share such a head are
    joined with "; "."""
    heads = {p.split(" (", 1)[0] for p in periods}
    if len(periods) > 1 and len(heads) == 1 and all(p.endswith(")") and " (" in p for p in periods):
        inner = dict.fromkeys(p.split(" (", 1)[1][:-1] for p in periods)
        return f"{heads.pop()} ({'; '.join(inner)})"
    return "; ".join(periods)


def vintages(records: Iterable[Indicator]) -> list[str]:
    """:func:`vintage_rows` as ``"dataset: periods"`` texts."""
    return [f"{dataset}: {periods}" for dataset, periods in vintage_rows(records)]


def classes_text(view: LayerView) -> str:
    """How the map is coloured, in words: ``"quantiles within the area"``, ``"two categories"``."""
    record = view.record
    return "two categories" if record.kind == "flag" else SCHEMES_BY_ID[view.scheme or record.scheme].short


def coverage_text(view: LayerView) -> str:
    """``"28 wards, 221,247 residents (12.9% of the area's residents)"`` -- as the app's heading says it."""
    cov = view.coverage
    return (f"{cov.wards:,} wards, {cov.population:,} residents ({cov.share:.1%} of the area's "
            f"population)")


def map_title(view: LayerView) -> str:
    """``"Index of Multiple Deprivation, average score (IoD2025): Lancashire and South Cumbria ICB"``."""
    return f"{view.record.full_title}: {view.area.name}"


def map_subtitle(view: LayerView) -> str:
    """Period, wards and classification, then what is outlined and whom it covers."""
    record = view.record
    return (f"{record.period} · {len(view.codes):,} electoral wards (2025) coloured by {classes_text(view)} · "
            f"Outlined: {view.targeting.short}: {coverage_text(view)}")


def map_alt(view: LayerView) -> str:
    """Alt text for the map image: what it shows, the classes and what is outlined."""
    legend = view.styled.legend
    classes = "; ".join(f"{e.label} ({e.count} wards)" for e in legend.entries)
    return (f"Map of {view.record.full_title} by electoral ward in {view.area.name}, "
            f"{len(view.codes):,} wards coloured by {classes_text(view)}, darker for worse values: {classes}. "
            f"Outlined in black: {view.targeting.short}, {coverage_text(view)}. Local authority borders and "
            "names are drawn" + ("; so are the outlined wards' names, where there is room." if names_targets(view)
                                 else "."))


#: The longest caveat a map prints whole; a longer one is cut after the sentences that fit.
CAVEAT_CHARS = 360


def short_caveat(record: Indicator, limit: int = CAVEAT_CHARS) -> str:
    """The record's caveat, whole if it fits in ``limit`` characters, else its first sentences that
    fit (at least the first) and a pointer to the rest."""
    caveat = record.caveat.strip()
    if len(caveat) <= limit:
        return caveat
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", caveat)
    kept = [sentences[0]]
    for sentence in sentences[1:]:
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept) + " (Full caveat: WardLens, Methods and sources.)"


def map_note(view: LayerView) -> str:
    """``"Caveat (Life expectancy at birth, males …, 2016-20): Ranking and comparison layer only. …"``."""
    record = view.record
    return f"Caveat ({record.title}, {record.period}): {short_caveat(record)}"


def map_footer(records: Sequence[Indicator], *, generated: dt.date, version: str) -> str:
    """``"WardLens 0.1.0 · 15 January 2026 · Data: …"``: the version, the date and the data vintages."""
    return f"WardLens {version} · {british_date(generated)} · Data: {'; '.join(vintages(records))}"


def map_spec(view: LayerView, shapes: gpd.GeoDataFrame, register: pd.DataFrame, *, generated: dt.date,
             version: str) -> MapSpec:
    """The static map of ``view`` (see the module docstring).

    ``shapes``: ward polygons indexed by ward_code, covering the view's wards (any CRS; the
    app's area shapes or :func:`geo.store.read_ward_shapes` at the area's level);
    ``register``: the ward register (``lad_code``, ``lad_name``); ``generated``: the date in
    the footer; ``version``: the WardLens version (:func:`report.version.version`).
    Raises ``ValueError`` when a ward of the view has no polygon.
    """
    missing = view.codes.difference(shapes.index)
    if len(missing):
        raise ValueError(f"{len(missing)} ward(s) of {view.area.name} have no polygon, e.g. {list(missing[:3])}")
    records = records_of(view)
    flags = [o.label for o in view.flags]
    return MapSpec(
        wards=shapes.loc[view.codes],
        colour=view.styled.colour,
        legend=view.styled.legend,
        lads=register.loc[view.codes, ["lad_code", "lad_name"]],
        title=map_title(view),
        subtitle=map_subtitle(view),
        targets=view.targets,
        target_label=f"{view.targeting.short} ({view.coverage.wards:,})",
        outlines=view.flags,
        attribution=" ".join(attribution_texts(r.source for r in records)),
        footer=map_footer(records, generated=generated, version=version)
               + (f" · Outlined flags: {', '.join(flags)}" if flags else ""),
        note=map_note(view),
        level=view.area.level,
        ward_labels=target_names(view, register),
    )


#: A place's map names up to this many of its target wards (rank order; more would crowd it); an
#: ICB's map names them only when it has at most :data:`MAX_ICB_WARD_LABELS` (at ICB scale a
#: longer list of names hides the map: its LAD names and the list beside it carry the detail).
MAX_WARD_LABELS = 40
MAX_ICB_WARD_LABELS = 12


def names_targets(view: LayerView) -> bool:
    """Whether the map of ``view`` names its target wards: a place's map, or an ICB's with few
    targets (all England's wards are too small at that scale to name)."""
    return view.area.icb is not None and (view.area.lad is not None or len(view.ranks) <= MAX_ICB_WARD_LABELS)


def target_names(view: LayerView, register: pd.DataFrame) -> pd.Series | None:
    """The target wards' names in rank order (rank 1 first) when :func:`names_targets`, else None."""
    if not names_targets(view):
        return None
    return register.loc[view.ranks.sort_values().index[:MAX_WARD_LABELS], "ward_name"].astype(str)
