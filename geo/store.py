"""Read-only access to the processed files the app draws from (``data/indicators``, ``data/boundaries``).

The app never touches raw data: it reads what ``python -m geo.build`` wrote. Each reader
checks the columns it needs and raises :class:`DataMissingError` with the fix (usually
"run the build") rather than letting a ``KeyError`` surface in the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import paths

#: The ward register written by the build: one row per 2025 ward in England.
WARDS_FILE = "wards.csv"
WARD_COLUMNS = ("ward_code", "ward_name", "lad_code", "lad_name", "icb_code", "icb_name",
                "population", "method_flag")

#: Boundary levels of detail written by the build (see ``geo/simplify.py``): ``icb`` for the map
#: of one ICB or local authority, ``england`` for the map of all England.
LEVELS = ("icb", "england")

_BUILD_FIX = "run `python -m geo.build` from the project folder to (re)build data/"


class DataMissingError(FileNotFoundError):
    """A processed file or column the app needs is absent; the message says how to fix it."""


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DataMissingError(f"{path} is missing: {_BUILD_FIX}")
    return path


def _check_columns(frame: pd.DataFrame, needed: tuple[str, ...] | list[str], path: Path) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataMissingError(f"{path} has no column(s) {', '.join(missing)} "
                               f"(it has {', '.join(map(str, frame.columns))}): {_BUILD_FIX}")


def read_wards(folder: Path = paths.INDICATORS) -> pd.DataFrame:
    """The ward register (``wards.csv``), indexed by ``ward_code`` (WD25CD), sorted by code.

    Columns: ward and LAD (2025) names and codes, ICB (2024) code and name, Census 2021
    usual residents (``population``) and ``method_flag`` ("best fit" or "areal overlay").
    """
    path = _require(folder / WARDS_FILE)
    frame = pd.read_csv(path, dtype={c: "string" for c in WARD_COLUMNS if c != "population"})
    _check_columns(frame, WARD_COLUMNS, path)
    if frame["ward_code"].duplicated().any():
        raise DataMissingError(f"{path}: ward_code is not unique: {_BUILD_FIX}")
    return frame.set_index("ward_code").sort_index()


def read_ward_columns(columns: Mapping[str, tuple[str, str]],
                      folder: Path = paths.INDICATORS) -> pd.DataFrame:
    """Ward values gathered from the indicator files, one output column per key of ``columns``.

    ``columns`` maps an output name to ``(file, column)``: the CSV under ``folder`` keyed by
    ``ward_code`` and the value column in it (as an indicator record's ``file`` / ``column``).
    Each file is read once. Returns a float frame indexed by ``ward_code``; wards absent
    from a file get NaN (no data). Raises :class:`DataMissingError` naming the file or
    column that is not there.
    """
    by_file: dict[str, list[tuple[str, str]]] = {}
    for name, (file, column) in columns.items():
        by_file.setdefault(file, []).append((name, column))
    parts = []
    for file, wanted in by_file.items():
        path = _require(folder / file)
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


def read_ward_shapes(level: str, folder: Path = paths.BOUNDARIES) -> gpd.GeoDataFrame:
    """Simplified 2025 ward polygons (EPSG:4326) at ``level`` ("icb" or "england"), indexed by ward_code."""
    frame = _read_geoparquet(f"wards_{level}.parquet", "ward_code", level, folder)
    return frame.set_index("ward_code").sort_index()


def read_lad_lines(level: str, folder: Path = paths.BOUNDARIES) -> gpd.GeoDataFrame:
    """Local authority (LAD 2025) border lines at ``level``, EPSG:4326 (``lad_borders_<level>.parquet``).

    Each stretch of border is one row: ``lad_code`` on one side, ``neighbour_lad_code`` on the
    other (empty for the coast and the borders with Wales and Scotland), made from the same
    simplified wards, so they line up exactly with the ward polygons.
    """
    return _read_geoparquet(f"lad_borders_{level}.parquet", "lad_code", level, folder)


def _read_geoparquet(name: str, key: str, level: str, folder: Path) -> gpd.GeoDataFrame:
    if level not in LEVELS:
        raise ValueError(f"boundary level {level!r} is not one of {LEVELS}")
    path = _require(folder / name)
    frame = gpd.read_parquet(path)
    _check_columns(frame, [key], path)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise DataMissingError(f"{path} is in {frame.crs}, not EPSG:4326: {_BUILD_FIX}")
    frame[key] = frame[key].astype("string")
    return frame


#: Life expectancy by MSOA 2011 (ONS REQ3292, 2016-20) and the MSOA 2011 -> 2025 ward shares.
MSOA_LE_FILE = "msoa11_life_expectancy.csv"
MSOA_LE_COLUMNS = ("msoa11_code", "msoa11_name", "lad24_code", "lad24_name", "icb_code", "icb_name")
MSOA_WARD_FILE = "msoa11_ward25_lookup.csv"
MSOA_SHAPES_FILE = "msoa11.parquet"


def read_msoa_life_expectancy(columns: tuple[str, ...] | list[str] = (),
                              folder: Path = paths.INDICATORS) -> pd.DataFrame:
    """Life expectancy by MSOA 2011 (``msoa11_life_expectancy.csv``), indexed by ``msoa11_code``.

    Always the MSOA's name and the LAD (2024) and ICB its residents mostly live in; ``columns``
    are the value columns the caller needs (e.g. ``le_male_2016_20``, ``…_lower95``), read as
    floats (empty = no figure). Raises :class:`DataMissingError` naming a missing file or column.
    """
    path = _require(folder / MSOA_LE_FILE)
    frame = pd.read_csv(path, dtype={c: "string" for c in MSOA_LE_COLUMNS})
    _check_columns(frame, [*MSOA_LE_COLUMNS, *columns], path)
    if frame["msoa11_code"].duplicated().any():
        raise DataMissingError(f"{path}: msoa11_code is not unique: {_BUILD_FIX}")
    out = frame[[*MSOA_LE_COLUMNS, *columns]].set_index("msoa11_code").sort_index()
    for column in columns:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    return out


def read_msoa_ward_lookup(folder: Path = paths.INDICATORS) -> pd.DataFrame:
    """MSOA 2011 -> 2025 ward (``msoa11_ward25_lookup.csv``): ``msoa11_code, ward_code, share``
    (share of the MSOA's Census 2021 residents in the ward; an MSOA's shares add to 1)."""
    path = _require(folder / MSOA_WARD_FILE)
    frame = pd.read_csv(path, dtype={"msoa11_code": "string", "ward_code": "string"})
    _check_columns(frame, ["msoa11_code", "ward_code", "share"], path)
    return frame


def read_msoa_shapes(folder: Path = paths.BOUNDARIES) -> gpd.GeoDataFrame:
    """MSOA 2011 polygons (``msoa11.parquet``, EPSG:4326, simplified for the screen), indexed by msoa11_code."""
    path = _require(folder / MSOA_SHAPES_FILE)
    frame = gpd.read_parquet(path)
    _check_columns(frame, ["msoa11_code", "msoa11_name"], path)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise DataMissingError(f"{path} is in {frame.crs}, not EPSG:4326: {_BUILD_FIX}")
    frame["msoa11_code"] = frame["msoa11_code"].astype("string")
    return frame.set_index("msoa11_code").sort_index()
