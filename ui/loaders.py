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
from layers import data
from layers.mappayload import AreaGeometry
from layers.profile import Published
from layers.source import PublishedLayer


@st.cache_resource(show_spinner=False)  # filled at server start (app.py), before any page
def ward_table() -> pd.DataFrame:
    """:func:`layers.data.read_ward_table`, read-only: shared by every session."""
    return data.read_ward_table()


@st.cache_resource(show_spinner=False)
def published() -> dict[str, PublishedLayer]:
    """Every published layer by id, over the shared ward table."""
    return data.published_layers(ward_table())


def area_of(key: str) -> areas.Area:
    """The :class:`geo.areas.Area` for an area key (``england``, ``E54…`` or ``E54…/E0…``)."""
    return data.area_of(ward_table(), key)


@st.cache_resource(show_spinner=False)
def _shapes(level: str) -> gpd.GeoDataFrame:
    return store.read_ward_shapes(level)


@st.cache_resource(show_spinner=False)
def area_wards(key: str) -> pd.Index:
    """Ward codes of the area, sorted."""
    table = ward_table()
    return table.index[areas.area_mask(table, area_of(key))]


@st.cache_resource(show_spinner=False)
def area_shapes(key: str) -> gpd.GeoDataFrame:
    """The area's ward polygons at its level of detail, indexed by ward_code (for click lookups)."""
    area = area_of(key)
    return data.area_shapes(ward_table(), _shapes(area.level), area)


@st.cache_resource(show_spinner=False)  # 0.1 s for an ICB, 1 s for England: the page shows it is running
def area_geometry(key: str) -> AreaGeometry:
    """The area's wards, local authority borders and names, encoded for the browser (once per area)."""
    return data.encode_area(ward_table(), area_shapes(key), area_of(key))


@st.cache_resource(show_spinner=False)
def goal_components() -> dict[str, Components]:
    """Standard-error components of the life expectancy layers (for the Goals tab)."""
    return data.read_components()


@st.cache_resource(show_spinner=False)
def published_summaries() -> Published:
    """MHCLG's published IoD2025 summaries for LADs and ICBs (the profile's official comparators)."""
    return data.read_published_summaries()


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
