"""The raw open-data files the build reads, declared once, read and checked in one place.

Each :class:`RawTable` / :class:`RawVector` is declared in ``geo/rawdata.toml`` (the data of
:data:`RAW_TABLES` and :data:`RAW_VECTORS`): its file relative to the raw folder
(``../shared/data/raw`` by default, see :mod:`geo.paths`), the columns the build needs
(renamed to this project's names, which carry their vintage: ``lsoa21_code``, ``WD25CD`` ...),
the column that must be a unique key, and for vector files the CRS it must come in.
Anything unexpected raises :class:`geo.errors.BuildInputError` naming the file, the
problem and the fix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import BuildInputError

_REFETCH = "restore it from the shared raw data (see ../shared/data/raw/SOURCES.md) or point --raw / WARDLENS_RAW at a complete copy"


@dataclass(frozen=True)
class RawTable:
    """A tabular raw file: which columns to keep (source name -> our name) and its key."""

    key: str
    path: str
    columns: Mapping[str, str]
    unique: str | None = None
    read_options: Mapping[str, object] = field(default_factory=dict)
    sheet: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))
        object.__setattr__(self, "read_options", MappingProxyType(dict(self.read_options)))


@dataclass(frozen=True)
class RawVector:
    """A vector raw file: layer, columns to keep (renamed), key and the CRS it must have."""

    key: str
    path: str
    columns: Mapping[str, str]
    crs: str
    unique: str | None = None
    layer: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))


#: The domains of MHCLG's published IoD2025 summaries: the stem of their column names -> ours
#: (the same stems as the ward files, see :data:`geo.deprivation.DOMAINS`).
OFFICIAL_SUMMARY_DOMAINS = {
    "imd": "imd", "income": "income", "employment": "employment",
    "education_skills_and_training": "education", "health_deprivation_and_disability": "health",
    "crime": "crime", "barriers_to_housing_and_services": "barriers", "living_environment": "living_environment",
}
#: The measures published for every domain: the column's ending -> ours.
OFFICIAL_SUMMARY_MEASURES = {
    "average_rank": "average_rank", "rank_of_average_rank": "rank_of_average_rank",
    "average_score": "average_score", "rank_of_average_score": "rank_of_average_score",
    "proportion_of_lso_as_in_most_deprived_10_percent_nationally": "proportion_most_deprived_10",
    "rank_of_proportion_of_lso_as_in_most_deprived_10_percent_nationally": "rank_of_proportion_most_deprived_10",
}


def _official_summary_columns(imd_prefix: str) -> dict[str, str]:
    """Column names of an official IoD2025 summary file -> this project's snake_case names.

    ``<domain>_<measure>`` for every domain and measure, plus IMD extent and local
    concentration (whose published prefix, ``imd_prefix``, differs between the LAD file,
    ``imd25``, and the ICB file, ``imd_2025``) and the income and employment scales.
    """
    columns = {f"{d}_{m}": f"{ours}_{mine}" for d, ours in OFFICIAL_SUMMARY_DOMAINS.items()
               for m, mine in OFFICIAL_SUMMARY_MEASURES.items()}
    for measure in ("extent", "local_concentration"):
        columns[f"{imd_prefix}_{measure}"] = f"imd_{measure}"
        columns[f"{imd_prefix}_rank_of_{measure}"] = f"imd_rank_of_{measure}"
    for domain in ("income", "employment"):
        columns[f"{domain}_scale"] = f"{domain}_scale"
        columns[f"rank_of_{domain}_scale"] = f"{domain}_rank_of_scale"
    return columns


#: Where the raw files are declared (a TOML file beside this module; its header says what each field means).
DECLARATIONS = Path(__file__).with_name("rawdata.toml")


def _declared(path: Path) -> tuple[dict[str, RawTable], dict[str, RawVector]]:
    """The raw tables and vector files declared in ``path``, by key, in the order declared.

    A table's ``official_summary`` (the prefix its file gives IMD extent and local concentration)
    adds the columns of an official IoD2025 summary (:func:`_official_summary_columns`).
    """
    declared = tomllib.loads(path.read_text(encoding="utf-8"))
    tables = {}
    for key, spec in declared["tables"].items():
        prefix = spec.pop("official_summary", None)
        if prefix is not None:
            spec["columns"] = {**spec["columns"], **_official_summary_columns(prefix)}
        tables[key] = RawTable(key, **spec)
    vectors = {key: RawVector(key, **spec) for key, spec in declared["vectors"].items()}
    return tables, vectors


RAW_TABLES: dict[str, RawTable]
RAW_VECTORS: dict[str, RawVector]
RAW_TABLES, RAW_VECTORS = _declared(DECLARATIONS)


def _existing(raw: Path, rel: str) -> Path:
    path = raw / rel
    if not path.is_file():
        raise BuildInputError(rel, f"file not found in {raw}", _REFETCH)
    return path


def _select(frame: pd.DataFrame, spec: RawTable | RawVector, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise BuildInputError(
            spec.path, f"missing column(s) {', '.join(repr(m) for m in missing)}",
            "use the original file with its official headers (SOURCES.md lists them)")
    out = frame[[*spec.columns, *keep]].rename(columns=dict(spec.columns))
    if spec.unique is not None:
        dupes = out[spec.unique][out[spec.unique].duplicated()].unique()
        if len(dupes):
            shown = ", ".join(map(str, dupes[:5]))
            raise BuildInputError(
                spec.path, f"{len(dupes)} duplicated {spec.unique} value(s), e.g. {shown}",
                "remove the duplicated rows so that each code appears once")
    return out


def read_table(key: str, raw: Path) -> pd.DataFrame:
    """Read the raw table ``key`` from ``raw``: only its declared columns, renamed and checked."""
    spec = RAW_TABLES[key]
    path = _existing(raw, spec.path)
    try:
        if spec.sheet is not None:
            frame = pd.read_excel(path, sheet_name=spec.sheet)
        else:
            frame = pd.read_csv(path, low_memory=False, **spec.read_options)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise BuildInputError(spec.path, f"cannot be read ({exc})", _REFETCH) from exc
    return _select(frame, spec)


def read_vector(key: str, raw: Path) -> gpd.GeoDataFrame:
    """Read the raw vector file ``key`` from ``raw``, checking columns, key and CRS."""
    spec = RAW_VECTORS[key]
    path = _existing(raw, spec.path)
    # GDAL reads a gzipped file (one GeoJSON feature per line) through its /vsigzip/ handler.
    source = f"/vsigzip/{path}" if path.suffix == ".gz" else path
    try:
        frame = gpd.read_file(source, layer=spec.layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise BuildInputError(spec.path, f"cannot be read as a vector file ({exc})", _REFETCH) from exc
    if frame.crs is None or not frame.crs.equals(spec.crs):
        raise BuildInputError(
            spec.path, f"expected CRS {spec.crs} but found {frame.crs.to_string() if frame.crs else 'none'}",
            f"reproject the file to {spec.crs} (e.g. ogr2ogr -t_srs {spec.crs}) or restore the original")
    return gpd.GeoDataFrame(_select(frame, spec, keep=("geometry",)), geometry="geometry", crs=frame.crs)
