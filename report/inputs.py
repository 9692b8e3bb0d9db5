"""The open data the commands work from (:mod:`layers.data`), read once per process (no streamlit)."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd

from geo import areas, store
from geo.precision import Components
from layers import data
from layers.mappayload import AreaGeometry
from layers.profile import Published
from layers.source import PublishedLayer


@lru_cache(maxsize=1)
def ward_table() -> pd.DataFrame:
    return data.read_ward_table()


@lru_cache(maxsize=1)
def catalogue() -> dict[str, PublishedLayer]:
    return data.published_layers(ward_table())


@lru_cache(maxsize=1)
def components() -> dict[str, Components]:
    return data.read_components()


@lru_cache(maxsize=2)
def ward_shapes(level: str) -> gpd.GeoDataFrame:
    """The simplified 2025 ward polygons at ``level`` ("icb" or "england")."""
    return store.read_ward_shapes(level)


def area_of(key: str) -> areas.Area:
    return data.area_of(ward_table(), key)


@lru_cache(maxsize=8)
def area_geometry(key: str) -> AreaGeometry:
    area = area_of(key)
    return data.encode_area(ward_table(), data.area_shapes(ward_table(), ward_shapes(area.level), area), area)


@lru_cache(maxsize=1)
def official_summaries() -> Published:
    return data.read_published_summaries()
