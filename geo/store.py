"""Read-only access to the processed files the app draws from, by the names :mod:`geo.manifest` declares.

The app never touches raw data: it reads what ``python -m geo.build`` wrote under ``data/``.
Each reader checks the file and the columns it needs and raises :class:`DataMissingError`
with the fix (usually "run the build") rather than letting a ``KeyError`` surface in the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import paths
from geo.manifest import output
from geo.simplify import SIMPLIFICATION

_BUILD_FIX = "run `python -m geo.build` from the project folder to (re)build data/"

#: The ward register: one row per 2025 ward in England.
WARDS = "wards.csv"
#: Life expectancy by MSOA 2011 (ONS REQ3292, 2016-20), the MSOA 2011 -> 2025 ward shares, MSOA polygons.
MSOA_LIFE_EXPECTANCY = "msoa11_life_expectancy.csv"
MSOA_WARD_LOOKUP = "msoa11_ward25_lookup.csv"
MSOA_SHAPES = "msoa11.parquet"
#: MHCLG's published IoD2025 summaries, one file per level (local authority, ICB).
OFFICIAL_SUMMARIES = {"lad": "summaries_lad_2025_official.csv", "icb": "summaries_icb_2025_official.csv"}


class DataMissingError(FileNotFoundError):
    """A processed file or column the app needs is absent; the message says how to fix it."""


def _path(name: str, data: Path) -> Path:
    path = output(name).path(data)
    if not path.is_file():
        raise DataMissingError(f"{path} is missing: {_BUILD_FIX}")
    return path


def _check_columns(frame: pd.DataFrame, needed: tuple[str, ...] | list[str], path: Path) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataMissingError(f"{path} has no column(s) {', '.join(missing)} "
                               f"(it has {', '.join(map(str, frame.columns))}): {_BUILD_FIX}")


def read_wards(data: Path = paths.DATA) -> pd.DataFrame:
    """The ward register (``wards.csv``), indexed by ``ward_code`` (WD25CD), sorted by code.

    Columns: ward and LAD (2025) names and codes, ICB (2024) code and name, Census 2021
    usual residents (``population``) and ``method_flag`` ("best fit" or "areal overlay").
    """
    path, columns = _path(WARDS, data), output(WARDS).columns
    frame = pd.read_csv(path, dtype={c: "string" for c in columns if c != "population"})
    _check_columns(frame, columns, path)
    if frame["ward_code"].duplicated().any():
        raise DataMissingError(f"{path}: ward_code is not unique: {_BUILD_FIX}")
    return frame.set_index("ward_code").sort_index()


def read_ward_columns(columns: Mapping[str, tuple[str, str]], data: Path = paths.DATA) -> pd.DataFrame:
    """Ward values gathered from the processed ward files, one output column per key of ``columns``.

    ``columns`` maps an output name to ``(file, column)``: a declared file keyed by ``ward_code``
    and the value column in it (as an indicator record's ``file`` / ``column``). Each file is read
    once. Returns a float frame indexed by ``ward_code``; wards absent from a file get NaN (no
    data). Raises :class:`DataMissingError` naming the file or column that is not there.
    """
    by_file: dict[str, list[tuple[str, str]]] = {}
    for name, (file, column) in columns.items():
        by_file.setdefault(file, []).append((name, column))
    parts = []
    for file, wanted in by_file.items():
        path = _path(file, data)
        needed = sorted({col for _, col in wanted})
        frame = pd.read_csv(path, usecols=lambda c, n=set(needed) | {"ward_code"}: c in n,
                            dtype={"ward_code": "string"})
        _check_columns(frame, ["ward_code", *needed], path)
        frame = frame.set_index("ward_code")
        parts.append(pd.DataFrame({name: pd.to_numeric(frame[col], errors="coerce").astype(float)
                                   for name, col in wanted}, index=frame.index))
    if not parts:
        return pd.DataFrame(index=pd.Index([], name="ward_code", dtype="string"))
    return pd.concat(parts, axis=1, join="outer").sort_index()


def read_ward_shapes(level: str, data: Path = paths.DATA) -> gpd.GeoDataFrame:
    """Simplified 2025 ward polygons (EPSG:4326) at ``level`` (a key of
    :data:`geo.simplify.SIMPLIFICATION`: "icb" or "england"), indexed by ward_code."""
    if level not in SIMPLIFICATION:
        raise ValueError(f"boundary level {level!r} is not one of {tuple(SIMPLIFICATION)}")
    return _read_geoparquet(f"wards_{level}.parquet", data).set_index("ward_code").sort_index()


def _read_geoparquet(name: str, data: Path) -> gpd.GeoDataFrame:
    path, spec = _path(name, data), output(name)
    frame = gpd.read_parquet(path)
    _check_columns(frame, spec.columns, path)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise DataMissingError(f"{path} is in {frame.crs}, not EPSG:4326: {_BUILD_FIX}")
    for key in spec.key:
        frame[key] = frame[key].astype("string")
    return frame


#: The MSOA life expectancy file's identifying columns, always read (names, and the LAD 2024
#: and ICB 2024 most of the MSOA's residents live in).
MSOA_ID_COLUMNS = ("msoa11_code", "msoa11_name", "lad24_code", "lad24_name", "icb_code", "icb_name")


def read_msoa_life_expectancy(columns: tuple[str, ...] | list[str] = (), data: Path = paths.DATA) -> pd.DataFrame:
    """Life expectancy by MSOA 2011 (``msoa11_life_expectancy.csv``), indexed by ``msoa11_code``.

    Always :data:`MSOA_ID_COLUMNS`; ``columns`` are the value columns the caller needs (e.g.
    ``le_male_2016_20``, ``…_lower95``), read as floats (empty = no figure). Raises
    :class:`DataMissingError` naming a missing file or column.
    """
    path = _path(MSOA_LIFE_EXPECTANCY, data)
    frame = pd.read_csv(path, dtype={c: "string" for c in MSOA_ID_COLUMNS})
    _check_columns(frame, [*MSOA_ID_COLUMNS, *columns], path)
    if frame["msoa11_code"].duplicated().any():
        raise DataMissingError(f"{path}: msoa11_code is not unique: {_BUILD_FIX}")
    out = frame[[*MSOA_ID_COLUMNS, *columns]].set_index("msoa11_code").sort_index()
    for column in columns:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    return out


def read_msoa_ward_lookup(data: Path = paths.DATA) -> pd.DataFrame:
    """MSOA 2011 -> 2025 ward (``msoa11_ward25_lookup.csv``): ``msoa11_code, ward_code, share``
    (share of the MSOA's Census 2021 residents in the ward; an MSOA's shares add to 1)."""
    path = _path(MSOA_WARD_LOOKUP, data)
    frame = pd.read_csv(path, dtype={"msoa11_code": "string", "ward_code": "string"})
    _check_columns(frame, output(MSOA_WARD_LOOKUP).columns, path)
    return frame


def read_msoa_shapes(data: Path = paths.DATA) -> gpd.GeoDataFrame:
    """MSOA 2011 polygons (``msoa11.parquet``, EPSG:4326, simplified for the screen), indexed by msoa11_code."""
    return _read_geoparquet(MSOA_SHAPES, data).set_index("msoa11_code").sort_index()


#: The columns of MHCLG's published summaries that :func:`read_official_summaries` returns.
OFFICIAL_SUMMARY_COLUMNS = ("area_code", "area_name", "basis", "imd_average_score", "imd_rank_of_average_score")


def read_official_summaries(data: Path = paths.DATA) -> pd.DataFrame:
    """MHCLG's published IoD2025 summaries of every local authority (LAD) and ICB, indexed by ``area_code``.

    Columns: ``level`` ("lad" or "icb"), ``area_name``, ``basis`` ("MHCLG published"), the IMD
    average score (``imd_average_score``, population-weighted mean of LSOA scores with MHCLG's
    own mid-2022 denominators) and its rank among the level's areas (1 = most deprived).
    """
    parts = []
    for level, name in OFFICIAL_SUMMARIES.items():
        path = _path(name, data)
        frame = pd.read_csv(path, usecols=lambda c: c in OFFICIAL_SUMMARY_COLUMNS,
                            dtype={"area_code": "string", "area_name": "string", "basis": "string"})
        _check_columns(frame, OFFICIAL_SUMMARY_COLUMNS, path)
        parts.append(frame.assign(level=level))
    out = pd.concat(parts, ignore_index=True).set_index("area_code").sort_index()
    out["imd_average_score"] = out["imd_average_score"].astype(float)
    out["imd_rank_of_average_score"] = out["imd_rank_of_average_score"].astype("Int64")
    return out[["level", "area_name", "basis", "imd_average_score", "imd_rank_of_average_score"]]
