"""The raw open-data files the build reads, declared once, read and checked in one place.

Each :class:`RawTable` / :class:`RawVector` names its file relative to the raw folder
(``../shared/data/raw`` by default, see :mod:`geo.paths`), the columns the build needs
(renamed to this project's names, which carry their vintage: ``lsoa21_code``, ``WD25CD`` ...),
the column that must be a unique key, and for vector files the CRS it must come in.
Anything unexpected raises :class:`geo.errors.BuildInputError` naming the file, the
problem and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.crs import WGS84
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


_IMD2019 = "imd2019/"
_LOOKUPS = "lookups/"
_OA = "census2021_oa/"

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


RAW_TABLES: dict[str, RawTable] = {t.key: t for t in (
    RawTable(
        "imd2025", "imd2025/imd2025_england_lsoa21_scores_ranks_deciles.csv",
        {"lsoa21_code": "lsoa21_code",
         **{f"{d}_{m}": f"{d}_{m}" for d in ("IMD", "Income", "Employment", "Education", "Health",
                                             "Crime", "Housing_and_Services", "Environment")
            for m in ("score", "rank", "decile")}},
        unique="lsoa21_code"),
    RawTable(
        "iod2025_supplementary", "health/iod2025/iod2025_file3_idaci_idaopi_ranks_deciles_lsoa21.csv",
        {"LSOA code (2021)": "lsoa21_code",
         "LSOA name (2021)": "lsoa21_name",
         "Local Authority District code (2024)": "lad24_code",
         "Local Authority District name (2024)": "lad24_name",
         "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)": "IDACI_rank",
         "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)": "IDACI_decile",
         "Income Deprivation Affecting Older People (IDAOPI) Rank (where 1 is most deprived)": "IDAOPI_rank",
         "Income Deprivation Affecting Older People (IDAOPI) Decile (where 1 is most deprived 10% of LSOAs)": "IDAOPI_decile"},
        unique="lsoa21_code"),
    RawTable(
        "iod2025_indicators", "health/iod2025/iod2025_file8_underlying_indicators_lsoa21.csv",
        {"lsoa21_code": "lsoa21_code",
         "income_deprivation_affecting_children_index_idaci_numerator": "idaci_numerator",
         "acute_morbidity_indicator": "acute_morbidity_ratio",
         "comparative_illness_and_disability_ratio_indicator": "cidr",
         "mental_health_indicator": "mental_health_score",
         "years_of_potential_life_lost_indicator": "ypll"},
        unique="lsoa21_code"),
    RawTable(
        "iod2025_subdomains", "health/iod2025/iod2025_subdomains_lsoa21.csv",
        {"lsoa21_code": "lsoa21_code",
         "children_and_young_people_score": "cyp_score",
         "children_and_young_people_rank": "cyp_rank",
         "children_and_young_people_decile": "cyp_decile"},
        unique="lsoa21_code"),
    RawTable(
        "population21", "population/census2021_usual_residents_lsoa21_age6_wide.csv",
        {"lsoa21_code": "lsoa21_code", "lsoa21_name": "lsoa21_name",
         "Aged 15 years and under": "pop_0_15",
         "Aged 65 years and over": "pop_65_plus",
         "total_usual_residents": "population"},
        unique="lsoa21_code"),
    RawTable(
        "centroids21", "centroids/DERIVED_LSOA_PopCentroids_EW_2021_V3_bng_wgs84.csv",
        {"LSOA21CD": "lsoa21_code", "x_bng": "x_bng", "y_bng": "y_bng"},
        unique="lsoa21_code"),
    RawTable(
        "icb24", _LOOKUPS + "lookup_lsoa21_sicbl24_icb24.csv",
        {"lsoa21_code": "lsoa21_code", "icb24_code": "icb_code", "icb24_name": "icb_name"},
        unique="lsoa21_code"),
    RawTable(
        "wd24_bestfit", _LOOKUPS + "lookup_lsoa21_ward24_ltla24_bestfit.csv",
        {"lsoa21_code": "lsoa21_code", "ward24_code": "WD24CD", "ltla24_code": "LAD24CD"},
        unique="lsoa21_code"),
    RawTable(
        "lsoa11_lsoa21", _LOOKUPS + "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Lookup_for_England_and_Wales.csv",
        {"LSOA11CD": "lsoa11_code", "LSOA21CD": "lsoa21_code", "CHGIND": "change"},
        read_options={"encoding": "utf-8-sig"}),
    RawTable(
        "imd2019_ranks", _IMD2019 + "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
        {"LSOA code (2011)": "lsoa11_code",
         "Local Authority District code (2019)": "lad19_code",
         "Local Authority District name (2019)": "lad19_name",
         "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)": "IMD_rank",
         "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)": "IMD_decile",
         "Income Rank (where 1 is most deprived)": "Income_rank",
         "Employment Rank (where 1 is most deprived)": "Employment_rank",
         "Education, Skills and Training Rank (where 1 is most deprived)": "Education_rank",
         "Health Deprivation and Disability Rank (where 1 is most deprived)": "Health_rank",
         "Crime Rank (where 1 is most deprived)": "Crime_rank",
         "Barriers to Housing and Services Rank (where 1 is most deprived)": "Housing_and_Services_rank",
         "Living Environment Rank (where 1 is most deprived)": "Environment_rank"},
        unique="lsoa11_code", read_options={"encoding": "utf-8-sig", "thousands": ","}),
    RawTable(
        "imd2019_transformed", _IMD2019 + "File_9_-_IoD2019_Transformed_Scores.csv",
        {"LSOA code (2011)": "lsoa11_code",
         "Income Score - exponentially transformed": "Income_transformed",
         "Employment Score - exponentially transformed": "Employment_transformed",
         "Education Score - exponentially transformed": "Education_transformed",
         "Health Score - exponentially transformed": "Health_transformed",
         "Crime Score - exponentially transformed": "Crime_transformed",
         "Barriers Score - exponentially transformed": "Housing_and_Services_transformed",
         "Living Environment Score - exponentially transformed": "Environment_transformed"},
        unique="lsoa11_code", read_options={"encoding": "utf-8-sig"}),
    RawTable(
        "imd2019_score", _IMD2019 + "DERIVED_imd2019_score_reconstructed_from_File_9.csv",
        {"lsoa11_code": "lsoa11_code", "imd2019_score_reconstructed": "IMD_score"},
        unique="lsoa11_code"),
    RawTable(
        "imd2019_supplementary", _IMD2019 + "File_3_-_IoD2019_Supplementary_Indices_-_IDACI_and_IDAOPI.csv",
        {"LSOA code (2011)": "lsoa11_code",
         "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)": "IDACI_rank",
         "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)": "IDACI_decile",
         "Income Deprivation Affecting Older People (IDAOPI) Rank (where 1 is most deprived)": "IDAOPI_rank",
         "Income Deprivation Affecting Older People (IDAOPI) Decile (where 1 is most deprived 10% of LSOAs)": "IDAOPI_decile"},
        unique="lsoa11_code", read_options={"encoding": "utf-8-sig"}),
    RawTable(
        "imd2019_denominators", _IMD2019 + "File_6_-_IoD2019_Population_Denominators.csv",
        {"LSOA code (2011)": "lsoa11_code",
         "Total population: mid 2015 (excluding prisoners)": "population",
         "Dependent Children aged 0-15: mid 2015 (excluding prisoners)": "pop_0_15",
         "Older population aged 60 and over: mid 2015 (excluding prisoners)": "pop_60_plus"},
        unique="lsoa11_code", read_options={"encoding": "utf-8-sig"}),
    RawTable(
        "imd2019_lad_summaries", _IMD2019 + "File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__.xlsx",
        {"Local Authority District code (2019)": "area_code",
         "Local Authority District name (2019)": "area_name",
         "IMD - Average rank ": "imd_average_rank",
         "IMD - Rank of average rank ": "imd_rank_of_average_rank",
         "IMD - Average score ": "imd_average_score",
         "IMD - Rank of average score ": "imd_rank_of_average_score",
         "IMD - Proportion of LSOAs in most deprived 10% nationally ": "imd_proportion_most_deprived_10",
         "IMD 2019 - Extent ": "imd_extent",
         "IMD 2019 - Local concentration ": "imd_local_concentration"},
        unique="area_code", sheet="IMD"),
    RawTable(
        "icb22_lsoa11", _LOOKUPS + "lookup_lsoa11_sicbl22_icb22_ltla22.csv",
        {"lsoa11_code": "lsoa11_code", "icb22_code": "icb_code", "icb22_name": "icb_name"},
        unique="lsoa11_code"),
    # Health, children and place layers (issue 3); see SOURCES-health.md.
    RawTable(
        "lsoa11_names", _LOOKUPS + "lookup_lsoa11_sicbl22_icb22_ltla22.csv",
        {"lsoa11_code": "lsoa11_code", "lsoa11_name": "lsoa11_name",
         "ltla22_code": "lad22_code", "ltla22_name": "lad22_name"},
        unique="lsoa11_code"),
    RawTable(
        "life_expectancy_msoa11", "health/life_expectancy/ons_req3292_life_expectancy_msoa2011_england_2016_2020.csv",
        {"Period": "period", "Code": "msoa11_code", "Code Name": "msoa11_name", "Sex": "sex",
         "No of Deaths": "deaths", "Population": "person_years",
         "Life Expectancy at birth (in years)": "le",
         "Lower 95% confidence interval": "le_lower95",
         "Upper 95% confidence interval": "le_upper95"}),
    RawTable(
        "qof_prevalence_msoa11", "health/multimorbidity/hoclib_qof_prevalence_estimates_msoa2011_england_dl2020-05.csv",
        {"msoa11cd": "msoa11_code", "Asthma": "asthma", "COPD": "copd",
         "Chronic Kidney Disease": "chronic_kidney_disease", "Coronary Heart Disease": "coronary_heart_disease",
         "Diabetes": "diabetes", "High Blood Pressure": "high_blood_pressure", "Obesity": "obesity"},
        unique="msoa11_code"),
    RawTable(
        "disability21", "health/census2021/census2021_ts038_disability_lsoa21_ew.csv",
        {"lsoa21_code": "lsoa21_code", "total_usual_residents": "disability_residents",
         "disabled_equality_act": "disabled"},
        unique="lsoa21_code"),
    RawTable(
        "dwp_child_poverty", "health/child/dwp_children_low_income_ahc_relative_ward_uk_fye2024_fye2025.csv",
        {"la_code": "la_code", "la_name": "la_name", "ward_code": "ward_code", "ward_name": "ward_name",
         "children_0_15_rel_low_income_ahc_fye2024": "children_low_income_ahc_fye2024",
         "children_0_15_rel_low_income_ahc_fye2025": "children_low_income_ahc_fye2025",
         "pct_children_0_15_rel_low_income_ahc_fye2024": "pct_children_low_income_ahc_fye2024",
         "pct_children_0_15_rel_low_income_ahc_fye2025": "pct_children_low_income_ahc_fye2025"},
        unique="ward_code"),
    RawTable(
        "ward_codes", _LOOKUPS + "drkane_ward_all_codes.csv",
        {"WDCD": "ward_code", "SOURCEFILE": "first_year", "LADCD_ACTIVE": "lad_code_active"}),
    RawTable(
        "wd25_bestfit", _LOOKUPS + "LSOA21_WD25_LAD25_EW_bestfit_lookup_v2.csv",
        {"LSOA21CD": "lsoa21_code", "WD25CD": "WD25CD"},
        unique="lsoa21_code", read_options={"encoding": "utf-8-sig"}),
    RawTable(
        "lad_codes", _LOOKUPS + "drkane_la_all_codes.csv",
        {"LADCD": "lad_code", "LADCD_ACTIVE": "lad_code_active"},
        unique="lad_code"),
    # Census 2021 by Output Area (SOURCES.md section 10): ward populations and general health.
    RawTable(
        "oa21_residents", _OA + "census2021_ts001_usual_residents_oa21_ew.csv",
        {"OA21CD": "oa21_code", "LSOA21CD": "lsoa21_code", "usual_residents": "residents"},
        unique="oa21_code"),
    RawTable(
        "oa21_general_health", _OA + "census2021_ts037_general_health_3cat_pct_oa21_ew.csv",
        {"OA21CD": "oa21_code", "pct_very_good_or_good": "pct_good", "pct_fair": "pct_fair",
         "pct_bad_or_very_bad": "pct_bad"},
        unique="oa21_code"),
    # Census 2021 general health by 2022 ward in Lancashire: the check on ward populations.
    RawTable(
        "census_wards22_lancashire", "health/census2021/census2021_ts037_ts038_ts039_ward2022_lancashire14.csv",
        {"ward22_code": "ward22_code", "ward22_name": "ward22_name", "lad_code": "lad_code",
         **{f"gh: {c} health": f"health_{c.lower().replace(' ', '_')}"
            for c in ("Very good", "Good", "Fair", "Bad", "Very bad")}},
        unique="ward22_code"),
    # MHCLG's published IoD2025 summaries for LADs and ICBs (2024 codes), renamed to this project's
    # names (see _official_summary_columns).
    RawTable(
        "imd2025_lad_summaries", "imd2025/imd2025_england_ltla24_summaries_official.csv",
        {"ltla24_code": "area_code", "ltla24_name": "area_name", **_official_summary_columns("imd25")},
        unique="area_code"),
    RawTable(
        "imd2025_icb_summaries", "imd2025/imd2025_england_icb24_summaries_official.csv",
        {"icb24_code": "area_code", "icb24_name": "area_name", **_official_summary_columns("imd_2025")},
        unique="area_code"),
    RawTable(
        "ruc21", "rurality/ruc21_lsoa21.csv",
        {"lsoa21_code": "lsoa21_code", "ruc21_code": "ruc21_code", "classification": "ruc21_name",
         "ruc": "ruc21_urban_rural"},
        unique="lsoa21_code"),
)}

RAW_VECTORS: dict[str, RawVector] = {v.key: v for v in (
    RawVector("wards25", "wards/england_wards_2025_bgc.gpkg",
              {"WD25CD": "WD25CD", "WD25NM": "WD25NM", "LAD25CD": "LAD25CD", "LAD25NM": "LAD25NM"},
              crs=WGS84, unique="WD25CD", layer="wards_2025_bgc"),
    RawVector("lsoa21_polygons", "lsoa_boundaries/ew_lsoa21_bsc_geographr.gpkg",
              {"lsoa21_code": "lsoa21_code"}, crs=WGS84, unique="lsoa21_code"),
    RawVector("lsoa11_polygons", "lsoa_boundaries/ew_lsoa11_bsc_simplified_geographr.gpkg",
              {"lsoa11_code": "lsoa11_code"}, crs=WGS84, unique="lsoa11_code"),
    RawVector("oa21_centroids", _OA + "oa21_population_weighted_centroids_ew.geojsonl.gz",
              {"areacd": "oa21_code"}, crs=WGS84, unique="oa21_code"),
    RawVector("coastline", "coastline/ne_10m_coastline_british_isles.geojson", {}, crs=WGS84),
    RawVector("land", "coastline/ne_10m_land_british_isles.geojson", {}, crs=WGS84),
)}


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
