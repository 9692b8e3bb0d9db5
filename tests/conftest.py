"""Shared fixtures for the map explorer tests: the real built ward table and boundaries.

They read what ``python -m geo.build`` wrote under ``data/`` and fail with that instruction
when it is missing (a test that silently skips on missing data could never fail).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo import paths, store
from layers import INDICATORS
from layers.profile import table_columns

#: Lancashire and South Cumbria ICB (the default view) and Leicester, Leicestershire and Rutland.
LSC = "E54000048"
LLR = "E54000015"
#: Bloomfield, Blackpool: the ward with the highest IMD 2025 average score in England.
BLOOMFIELD = "E05015188"

BOUNDARIES = paths.BOUNDARIES


def _require(path: Path) -> None:
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `python -m geo.build` first")


@pytest.fixture(scope="session")
def ward_table() -> pd.DataFrame:
    """The ward register joined with every indicator's ward values (as the app builds it)."""
    _require(paths.INDICATORS / store.WARDS_FILE)
    register = store.read_wards()
    values = store.read_ward_columns(table_columns(INDICATORS.values(), register.columns))
    return register.join(values, how="left")


@pytest.fixture(scope="session")
def icb_shapes() -> gpd.GeoDataFrame:
    _require(BOUNDARIES / "wards_icb.parquet")
    return store.read_ward_shapes("icb", BOUNDARIES)


@pytest.fixture(scope="session")
def england_shapes() -> gpd.GeoDataFrame:
    _require(BOUNDARIES / "wards_england.parquet")
    return store.read_ward_shapes("england", BOUNDARIES)


@pytest.fixture(scope="session")
def lad_lines_icb() -> gpd.GeoDataFrame:
    _require(BOUNDARIES / "lad_borders_icb.parquet")
    return store.read_lad_lines("icb", BOUNDARIES)


@pytest.fixture(scope="session")
def lad_lines_england() -> gpd.GeoDataFrame:
    _require(BOUNDARIES / "lad_borders_england.parquet")
    return store.read_lad_lines("england", BOUNDARIES)
