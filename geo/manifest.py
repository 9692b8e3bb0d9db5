"""Every processed file under ``data/``, its key and its columns, declared once.

The build writes each file through :func:`geo.outputs.write_output`, which refuses a frame
whose columns differ from the declaration here; the app's readers (:mod:`geo.store`,
:mod:`geo.upload.geography`) read files by these names; every indicator record names a file
and column declared here (checked by the tests without rebuilding). ``data/README.md``
documents each file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Folder = Literal["indicators", "boundaries"]


@dataclass(frozen=True)
class Output:
    """One processed file: where it goes, what identifies a row, and its columns in order."""

    name: str
    folder: Folder
    key: tuple[str, ...]
    columns: tuple[str, ...]
    about: str

    def __post_init__(self) -> None:
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"{self.name}: key column(s) {missing} are not among its columns")
        if len(set(self.columns)) != len(self.columns):
            raise ValueError(f"{self.name}: a column is declared twice")

    def path(self, root: Path) -> Path:
        """Where the file sits under a data folder ``root`` (the project's ``data/`` or a staging copy)."""
        return root / self.folder / self.name


#: The register columns every ward theme table starts with, and the one it ends with.
WARD_LEAD = ("ward_code", "ward_name", "lad_code", "icb_code", "population")
WARD_LAST = ("method_flag",)
_WARD_NAMES = ("ward_code", "ward_name", "lad_code", "lad_name", "icb_code", "icb_name", "population")

#: The IoD domains under this project's names, in MHCLG's order.
DOMAIN_NAMES = ("income", "employment", "education", "health", "crime", "barriers", "living_environment")

_WARD_IMD = ("imd_score", "imd_average_rank", "imd_rank_in_england", "imd_decile_england", "imd_decile_icb",
             "core20_share", "decile1_share", "imd_extent", "imd_local_concentration")


def _ward_deprivation(with_scores: bool) -> tuple[str, ...]:
    per_domain = {d: (f"{d}_average_rank", *((f"{d}_score",) if with_scores else ())) for d in DOMAIN_NAMES}
    extra = {"idaci": ("idaci_decile1_share",), "idaopi": ("idaopi_decile1_share",)}
    rest = sorted(c for cols in (*per_domain.values(), *extra.values()) for c in cols)
    return (*_WARD_NAMES, *_WARD_IMD, *rest, "method_flag")


_COMPUTED_SUMMARY = ("area_code", "area_name", "basis", "population", "n_lsoas", "imd_average_score",
                     "imd_rank_of_average_score", "imd_average_rank", "imd_rank_of_average_rank",
                     "imd_proportion_most_deprived_10", "imd_extent", "imd_local_concentration")

_MEASURES = ("average_rank", "rank_of_average_rank", "average_score", "rank_of_average_score",
             "proportion_most_deprived_10", "rank_of_proportion_most_deprived_10")


def _official_summary() -> tuple[str, ...]:
    imd = (*(f"imd_{m}" for m in _MEASURES), "imd_extent", "imd_rank_of_extent", "imd_local_concentration",
           "imd_rank_of_local_concentration")
    domains = []
    for d in DOMAIN_NAMES:
        domains += [f"{d}_{m}" for m in _MEASURES]
        if d in ("income", "employment"):
            domains += [f"{d}_scale", f"{d}_rank_of_scale"]
    return ("area_code", "area_name", "basis", *imd, *domains)


_LE_SEXES = ("male", "female", "persons")
_LE_MEASURES = ("le_{s}_2016_20", "le_{s}_2016_20_lower95", "le_{s}_2016_20_upper95", "deaths_{s}_2016_20",
                "person_years_{s}_2016_20")
_QOF = ("asthma", "copd", "chronic_kidney_disease", "coronary_heart_disease", "diabetes", "high_blood_pressure",
        "obesity")

OUTPUTS: dict[str, Output] = {o.name: o for o in (
    Output("wards.csv", "indicators", ("ward_code",), (*_WARD_NAMES, "method_flag"),
           "The ward register: every 2025 ward in England with its LAD (2025 codes), ICB (April 2024 codes), "
           "Census 2021 residents and method."),
    Output("lsoa21_ward25_membership.csv", "indicators", ("lsoa21_code", "ward_code"),
           ("lsoa21_code", "ward_code", "method", "share", "best_fit_ward_code"),
           "Which share of each LSOA 2021's residents lives in which 2025 ward (from Output Areas)."),
    Output("lsoa21_ward25_bestfit_check.csv", "indicators", ("lsoa21_code",),
           ("lsoa21_code", "ward_code_ons", "ward_code_lsoa_centroid", "ward_code_most_residents",
            "lsoa_centroid_agrees", "most_residents_agrees"),
           "LSOAs whose one-ward best fit by our methods differs from the ONS lookup."),
    Output("lsoa21_population.csv", "indicators", ("lsoa21_code",), ("lsoa21_code", "population"),
           "Census 2021 usual residents of each English LSOA 2021 (weights for uploaded rates)."),
    Output("lsoa11_ward25_lookup.csv", "indicators", ("lsoa11_code", "ward_code"), ("lsoa11_code", "ward_code", "share"),
           "LSOA 2011 -> 2025 ward shares (for uploads by LSOA 2011)."),
    Output("msoa11_ward25_lookup.csv", "indicators", ("msoa11_code", "ward_code"), ("msoa11_code", "ward_code", "share"),
           "MSOA 2011 -> 2025 ward shares (for uploads by MSOA 2011)."),
    Output("ward_deprivation_2025.csv", "indicators", ("ward_code",), _ward_deprivation(with_scores=True),
           "IoD2025 by 2025 ward: MHCLG summary measures, domain averages, Core20 and decile shares."),
    Output("ward_deprivation_2019.csv", "indicators", ("ward_code",), (*_ward_deprivation(False), "edition"),
           "IoD2019 recast onto 2025 wards (not comparable with IoD2025)."),
    *(Output(f"summaries_{level}_{edition}_computed.csv", "indicators", ("area_code",), _COMPUTED_SUMMARY,
             f"IMD summary measures for {level.upper()}s computed by WardLens with Census 2021 weights ({edition}).")
      for level in ("lad", "icb") for edition in (2025, 2019)),
    *(Output(f"summaries_{level}_2025_official.csv", "indicators", ("area_code",), _official_summary(),
             f"MHCLG's published IoD2025 summary measures for {level.upper()}s.")
      for level in ("lad", "icb")),
    Output("msoa11_life_expectancy.csv", "indicators", ("msoa11_code",),
           ("msoa11_code", "msoa11_name", "lad24_code", "lad24_name", "icb_code", "icb_name",
            *(m.format(s=s) for s in _LE_SEXES for m in _LE_MEASURES)),
           "ONS REQ3292 life expectancy at birth by MSOA 2011, 2016-20, with 95% CIs."),
    Output("ward_health.csv", "indicators", ("ward_code",),
           (*WARD_LEAD, "le_male_2016_20_est", "le_female_2016_20_est", "emergency_admissions_ratio_iod2025",
            "pct_good_or_very_good_health_census2021", "pct_bad_or_very_bad_health_census2021", *WARD_LAST),
           "Ward health: life expectancy estimates, emergency admissions ratio, Census 2021 general health."),
    Output("ward_conditions.csv", "indicators", ("ward_code",),
           (*WARD_LEAD, "disabled_census2021", "residents_census2021_ts038", "pct_disabled_census2021",
            "disabled_note", "cidr_iod2025", *(f"pct_{c}_qof_dl2020_est" for c in _QOF), *WARD_LAST),
           "Ward long-term conditions: Census 2021 disability, CIDR, modelled QOF prevalence."),
    Output("ward_children.csv", "indicators", ("ward_code",),
           (*WARD_LEAD, "children_0_15_census2021", "children_low_income_ahc_fye2024",
            "children_low_income_ahc_fye2025", "pct_children_low_income_ahc_fye2024",
            "pct_children_low_income_ahc_fye2025", "child_poverty_note", "idaci_decile1_share_2025",
            "cyp_score_2025", *WARD_LAST),
           "Ward children: DWP children in low income, IDACI share, children and young people sub-domain."),
    Output("dwp_wards_not_in_wd25.csv", "indicators", ("ward_code",),
           ("la_code", "la_name", "ward_code", "ward_name", "children_low_income_ahc_fye2024",
            "children_low_income_ahc_fye2025", "pct_children_low_income_ahc_fye2024",
            "pct_children_low_income_ahc_fye2025", "first_year", "lad_code_active", "reason"),
           "DWP wards whose code is not a 2025 ward, with the reason."),
    Output("ward_place.csv", "indicators", ("ward_code",),
           (*WARD_LEAD, "rural_share_ruc2021", "ruc2021_dominant_code", "ruc2021_dominant_name", "rural",
            "coastal", "coastal_reason", "coast_edge_m", *WARD_LAST),
           "Ward place: rurality (RUC2021) and the coastal flag."),
    Output("wards_icb.parquet", "boundaries", ("ward_code",), ("ward_code", "geometry"),
           "2025 ward polygons simplified for an ICB or local authority map (EPSG:4326)."),
    Output("wards_england.parquet", "boundaries", ("ward_code",), ("ward_code", "geometry"),
           "2025 ward polygons simplified for the all-England map (EPSG:4326)."),
    Output("msoa11.parquet", "boundaries", ("msoa11_code",), ("msoa11_code", "msoa11_name", "geometry"),
           "MSOA 2011 polygons for the life expectancy view (EPSG:4326)."),
)}


def output(name: str) -> Output:
    """The declaration of the processed file ``name``; a clear error for a file nothing declares."""
    if name not in OUTPUTS:
        raise KeyError(f"{name!r} is not a processed file WardLens declares (geo/manifest.py): "
                       f"one of {', '.join(sorted(OUTPUTS))}")
    return OUTPUTS[name]
