"""Cached loaders of open data: every file is read once per server process, every area encoded once.

Cache by cost (STYLE.md section 9): ``st.cache_resource`` for read-only frames, geometry and
published layers (shared by all sessions, never mutated), keyed on ids (area key, level),
never on frames. Only open data and ids reach these caches: a user's upload lives in its
session's state (:mod:`ui.session`) and is never passed here.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import areas, store
from geo.bestfit import BEST_FIT
from geo.upload import Reference, read_reference, template_for_area
from geo.precision import Components
from layers import INDICATORS
from layers.goals import life_expectancy_components, msoa_columns
from layers.mapview import AreaGeometry, prepare_area
from layers.source import PublishedLayer, table_columns


@st.cache_resource(show_spinner="Loading ward data…")
def ward_table() -> pd.DataFrame:
    """The ward register with one column per indicator id (its ward values) and any weight columns
    the records take from their own files. Read-only: shared by every session."""
    register = store.read_wards()
    values = store.read_ward_columns(table_columns(list(INDICATORS.values()), register.columns))
    return register.join(values, how="left")


@st.cache_resource(show_spinner=False)
def published() -> dict[str, PublishedLayer]:
    """Every published layer by id, over the shared ward table."""
    table = ward_table()
    return {i: PublishedLayer(r, table) for i, r in INDICATORS.items()}


def area_of(key: str) -> areas.Area:
    """The :class:`geo.areas.Area` for an area key (``england``, ``E54…`` or ``E54…/E0…``)."""
    icb, _, lad = key.partition("/")
    return areas.make_area(ward_table(), None if icb == areas.ENGLAND else icb, lad or None)


@st.cache_resource(show_spinner=False)
def _shapes(level: str) -> gpd.GeoDataFrame:
    return store.read_ward_shapes(level)


@st.cache_resource(show_spinner=False)
def area_wards(key: str) -> pd.Index:
    """Ward codes of the area, sorted."""
    table = ward_table()
    return table.index[areas.area_mask(table, area_of(key))]


@st.cache_resource(show_spinner="Preparing the map…")
def area_shapes(key: str) -> gpd.GeoDataFrame:
    """The area's ward polygons at its level of detail, indexed by ward_code (for click lookups)."""
    shapes = _shapes(area_of(key).level)
    return shapes.loc[shapes.index.intersection(area_wards(key))]


@st.cache_resource(show_spinner="Preparing the map…")
def area_geometry(key: str) -> AreaGeometry:
    """The area's wards, local authority borders and names, encoded for the browser (once per area)."""
    shapes = area_shapes(key)
    return prepare_area(shapes, ward_table().loc[shapes.index, "lad_name"], area_of(key).level)


@st.cache_resource(show_spinner=False)
def goal_components() -> dict[str, Components]:
    """Standard-error components of the life expectancy layers, from the MSOA files (for the Goals tab)."""
    return life_expectancy_components(store.read_msoa_ward_lookup(), store.read_msoa_life_expectancy(msoa_columns()))


@st.cache_resource(show_spinner=False)
def official_summaries() -> pd.DataFrame:
    """MHCLG's published IoD2025 LAD and ICB summaries (:func:`geo.store.read_official_summaries`), read-only."""
    return store.read_official_summaries()


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
    membership = reference.lookups["lsoa21"].rename(columns={"area_code": "lsoa21_code"}).assign(method=BEST_FIT)
    return template_for_area(reference.wards, codes, level=level, membership=membership)
