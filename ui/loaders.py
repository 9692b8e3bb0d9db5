"""Cached loaders: every file is read once per server process, every area encoded once.

Cache by cost (STYLE.md section 9): ``st.cache_resource`` for read-only frames and geometry
(shared by all sessions, never mutated), ``st.cache_data`` for small per-view results. All
are keyed on ids (area key, indicator id, scheme id), never on frames.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import areas, store
from geo.targeting import Coverage, coverage, rank_targets, select
from geo.upload import Reference, read_reference, template_for_area
from layers import INDICATORS
from layers.mapview import AreaGeometry, LayerPayload, flag_outlines, lad_lines_for, prepare_area
from layers.mapview import ward_payload as build_payload
from layers.profile import area_values, ranks_within, table_columns, values_by_group, ward_profile
from layers.style import Styled, style_layer
from layers.targets import TARGETINGS


@st.cache_resource(show_spinner="Loading ward data…")
def ward_table() -> pd.DataFrame:
    """The ward register with one column per indicator id (its ward values) and any weight columns
    the records take from their own files. Read-only: shared by every session."""
    register = store.read_wards()
    values = store.read_ward_columns(table_columns(INDICATORS.values(), register.columns))
    return register.join(values, how="left")


def area_of(key: str) -> areas.Area:
    """The :class:`geo.areas.Area` for an area key (``england``, ``E54…`` or ``E54…/E0…``)."""
    icb, _, lad = key.partition("/")
    return areas.make_area(ward_table(), None if icb == areas.ENGLAND else icb, lad or None)


@st.cache_resource(show_spinner=False)
def _shapes(level: str) -> gpd.GeoDataFrame:
    return store.read_ward_shapes(level)


@st.cache_resource(show_spinner=False)
def _lad_lines(level: str) -> gpd.GeoDataFrame:
    return store.read_lad_lines(level)


@st.cache_resource(show_spinner=False)
def area_wards(key: str) -> pd.Index:
    """Ward codes of the area, sorted."""
    table = ward_table()
    return table.index[areas.area_mask(table, area_of(key))]


@st.cache_resource(show_spinner="Preparing the map…")
def area_shapes(key: str) -> gpd.GeoDataFrame:
    """The area's ward polygons at its level of detail, indexed by ward_code (for click lookups)."""
    area = area_of(key)
    shapes = _shapes(area.level)
    return shapes.loc[shapes.index.intersection(area_wards(key))]


@st.cache_resource(show_spinner="Preparing the map…")
def area_geometry(key: str) -> AreaGeometry:
    """The area's wards and LAD boundaries, encoded for the browser (once per area)."""
    area = area_of(key)
    lads = ward_table().loc[area_wards(key), "lad_code"].unique()
    return prepare_area(area_shapes(key), lad_lines_for(_lad_lines(area.level), list(lads)), area.level)


def layer_values(key: str, layer: str) -> pd.Series:
    return ward_table().loc[area_wards(key), layer]


@st.cache_data(show_spinner=False, max_entries=256)
def styled(key: str, layer: str, scheme: str | None) -> Styled:
    """Classes, colours and legend of ``layer`` over the area."""
    return style_layer(INDICATORS[layer], layer_values(key, layer), ward_table()[layer], scheme)


@st.cache_data(show_spinner=False, max_entries=256)
def targets(key: str, targeting: str, layer: str) -> pd.Series:
    """Target wards of the area (bool by ward_code) under a definition; ``layer`` is the map's layer."""
    t = TARGETINGS[targeting]
    record = t.source(INDICATORS[layer])
    return select(layer_values(key, record.id), t.rule, t.parameter, record.higher_is_worse)


@st.cache_data(show_spinner=False, max_entries=256)
def target_ranks(key: str, targeting: str, layer: str) -> pd.Series:
    """Rank 1..n of the target wards, worst first by the definition's indicator, then its tie-breaks."""
    t = TARGETINGS[targeting]
    keys = [t.source(INDICATORS[layer]), *(INDICATORS[i] for i in t.tie_break)]
    chosen = targets(key, targeting, layer)
    return rank_targets(chosen, [(layer_values(key, r.id), r.higher_is_worse) for r in keys])


@st.cache_data(show_spinner=False, max_entries=256)
def target_coverage(key: str, targeting: str, layer: str) -> Coverage:
    table = ward_table().loc[area_wards(key)]
    return coverage(targets(key, targeting, layer), table["population"], areas.counted(table))


@st.cache_resource(show_spinner=False)
def icb_values() -> pd.DataFrame:
    """Every indicator's value for every ICB (rows ICB codes, columns indicator ids)."""
    return values_by_group(ward_table(), INDICATORS.values(), "icb_code")


@st.cache_resource(show_spinner=False)
def england_values() -> pd.Series:
    """Every indicator's value for all England, by indicator id."""
    table = ward_table()
    return area_values(table, INDICATORS.values(), pd.Series(True, index=table.index))


@st.cache_resource(show_spinner=False)
def icb_ranks() -> pd.DataFrame:
    """Each ward's rank within its ICB for every indicator (1 = worst)."""
    return ranks_within(ward_table(), INDICATORS.values(), "icb_code")


@st.cache_data(show_spinner=False, max_entries=64)
def ward_payload(key: str, layer: str, scheme: str | None, targeting: str, flags: tuple[str, ...],
                 selected: str | None) -> LayerPayload:
    """The ward layer's browser payload for one view (colours, targets, outlines, selected ward)."""
    record = INDICATORS[layer]
    style = styled(key, layer, scheme)
    outlines = flag_outlines([(INDICATORS[f], layer_values(key, f)) for f in flags])
    return build_payload(area_geometry(key), ward_table().loc[area_wards(key)], record, layer_values(key, layer),
                         style.colour, style.legend, targets(key, targeting, layer), TARGETINGS[targeting].short,
                         outlines, selected)


@st.cache_data(show_spinner=False, max_entries=64)
def profile(ward: str) -> pd.DataFrame:
    """Every indicator for ``ward`` beside its ICB and England (see :func:`layers.profile.ward_profile`)."""
    return ward_profile(ward_table(), INDICATORS.values(), ward, icb_values(), england_values(), icb_ranks())


def target_status(key: str, layer: str, ward: str,
                  ranks_of: Callable[[str, str, str], pd.Series] | None = None) -> dict[str, str]:
    """For each targeting definition: "yes (rank r of n)" or "no", for ``ward`` in the area.

    ``ranks_of(key, targeting, layer)`` gives the target ranks (default :func:`target_ranks`).
    """
    status = {}
    for t in TARGETINGS:
        ranks = (ranks_of or target_ranks)(key, t, layer)
        status[t] = f"yes (rank {ranks[ward]} of {len(ranks)})" if ward in ranks.index else "no"
    return status


# --- open lookups for uploads (issue 5) --------------------------------------------------------
# Only open data and ids reach these caches. A user's uploaded data is never cached here: it
# lives in its session's st.session_state (ui/upload.py, ui/userlayers.py).

@st.cache_resource(show_spinner=False)
def upload_reference() -> Reference:
    """The open lookups uploads are checked against: ward register, LSOA 2021/2011 (and MSOA) to ward."""
    return read_reference()


@st.cache_data(show_spinner=False, max_entries=32)
def template(key: str, level: str) -> bytes:
    """The CSV template for area ``key``: every ward (``level`` "ward") or best-fit LSOA 2021 ("lsoa")
    with an empty ``value`` column (see :func:`geo.upload.template_for_area`)."""
    area = area_of(key)
    reference = upload_reference()
    codes = [area.lad or area.icb] if area.icb else sorted(reference.wards["icb_code"].dropna().unique())
    membership = reference.lookups["lsoa21"].rename(columns={"area_code": "lsoa21_code"}).assign(method="best fit")
    return template_for_area(reference.wards, codes, level=level, membership=membership)
