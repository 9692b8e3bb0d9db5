"""The open data the commands work from, read once per process (no streamlit).

The same tables the app builds in :mod:`ui.loaders` -- the ward register joined with every
published layer's values, the published layers as :class:`~layers.source.PublishedLayer` --
plus the standard-error components of the life expectancy layers (:mod:`geo.precision`), an
area's encoded geometry, the ward polygons and MHCLG's published LAD and ICB summaries, each
cached for the life of the process.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd

from geo import areas, store
from geo.precision import Components
from layers import INDICATORS
from layers.goals import life_expectancy_components, msoa_columns
from layers.mapview import AreaGeometry, prepare_area
from layers.source import PublishedLayer, table_columns


@lru_cache(maxsize=1)
def ward_table() -> pd.DataFrame:
    """The ward register with one column per published layer (as :func:`ui.loaders.ward_table`)."""
    register = store.read_wards()
    values = store.read_ward_columns(table_columns(list(INDICATORS.values()), register.columns))
    return register.join(values, how="left")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, PublishedLayer]:
    """Every published layer by id, over :func:`ward_table`."""
    table = ward_table()
    return {i: PublishedLayer(r, table) for i, r in INDICATORS.items()}


@lru_cache(maxsize=1)
def components() -> dict[str, Components]:
    """:func:`life_expectancy_components` from the committed MSOA files (read once)."""
    return life_expectancy_components(store.read_msoa_ward_lookup(), store.read_msoa_life_expectancy(msoa_columns()))


@lru_cache(maxsize=8)
def area_geometry(key: str) -> AreaGeometry:
    """The encoded wards and LAD borders of the area ``key`` (``england``, ``E54…`` or ``E54…/E0…``)."""
    area = area_of(key)
    table = ward_table()
    codes = table.index[areas.area_mask(table, area)]
    shapes = store.read_ward_shapes(area.level)
    shapes = shapes.loc[shapes.index.intersection(codes)]
    return prepare_area(shapes, table.loc[shapes.index, "lad_name"], area.level)


def area_of(key: str) -> areas.Area:
    """The :class:`geo.areas.Area` for an area key."""
    icb, _, lad = key.partition("/")
    return areas.make_area(ward_table(), None if icb == areas.ENGLAND else icb, lad or None)


@lru_cache(maxsize=2)
def ward_shapes(level: str) -> gpd.GeoDataFrame:
    """The simplified 2025 ward polygons at ``level`` ("icb" or "england"), read once."""
    return store.read_ward_shapes(level)


@lru_cache(maxsize=1)
def official_summaries() -> pd.DataFrame:
    """MHCLG's published LAD and ICB summaries (:func:`geo.store.read_official_summaries`), read once."""
    return store.read_official_summaries()
