"""The open data every front end works from, read from the committed files: the ward register
joined with each published layer's values, the published layers, an area, its encoded geometry,
the life expectancy layers' standard-error components and MHCLG's published summaries.

Plain functions with no caching of their own: the app caches them for every session
(:mod:`ui.loaders`, ``st.cache_resource``), the command line for its process (:mod:`report.inputs`).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo import areas, store
from geo.precision import Components
from layers import INDICATORS
from layers.goal_measures import life_expectancy_components, msoa_columns
from layers.mappayload import AreaGeometry, prepare_area
from layers.profile import Published
from layers.source import PublishedLayer, table_columns


def read_ward_table() -> pd.DataFrame:
    """The ward register with one column per indicator id (its ward values) and any weight columns
    the records take from their own files."""
    register = store.read_wards()
    values = store.read_ward_columns(table_columns(list(INDICATORS.values()), register.columns))
    return register.join(values, how="left")


def published_layers(table: pd.DataFrame) -> dict[str, PublishedLayer]:
    """Every published layer by id, over ``table`` (:func:`read_ward_table`)."""
    return {i: PublishedLayer(r, table) for i, r in INDICATORS.items()}


def area_of(table: pd.DataFrame, key: str) -> areas.Area:
    """The :class:`geo.areas.Area` for an area key (``england``, ``E54…`` or ``E54…/E0…``)."""
    icb, _, lad = key.partition("/")
    return areas.make_area(table, None if icb == areas.ENGLAND else icb, lad or None)


def area_shapes(table: pd.DataFrame, shapes: gpd.GeoDataFrame, area: areas.Area) -> gpd.GeoDataFrame:
    """The area's ward polygons from ``shapes`` (at the area's level of detail), indexed by ward_code."""
    return shapes.loc[shapes.index.intersection(table.index[areas.area_mask(table, area)])]


def encode_area(table: pd.DataFrame, shapes: gpd.GeoDataFrame, area: areas.Area) -> AreaGeometry:
    """The area's wards, local authority borders and names, encoded for the browser (``shapes``:
    :func:`area_shapes`)."""
    return prepare_area(shapes, table.loc[shapes.index, "lad_name"], area.level)


def read_components() -> dict[str, Components]:
    """Standard-error components of the life expectancy layers, from the MSOA files."""
    return life_expectancy_components(store.read_msoa_ward_lookup(), store.read_msoa_life_expectancy(msoa_columns()))


def read_published_summaries() -> Published:
    """MHCLG's published IoD2025 summaries for local authorities and ICBs."""
    return Published(lad=store.read_official_summaries("lad"), icb=store.read_official_summaries("icb"))
