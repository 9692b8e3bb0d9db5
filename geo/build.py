"""The build command: ``python -m geo.build [--raw DIR] [--out DIR]``.

Reads the raw open data (``../shared/data/raw``, or ``--raw`` / ``$WARDLENS_RAW``), runs
each step in turn with its timing, writes everything into a staging folder and only then
swaps ``boundaries/`` and ``indicators/`` into place under ``data/`` (or ``--out``). Bad
input stops the build with one message naming the file, the problem and the fix, and leaves
the output folder as it was.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

import geopandas as gpd
import pandas as pd
import shapely

from geo import bestfit, childpoverty, coastal, deprivation, health, msoa, rawdata, rurality
from geo.errors import BuildInputError
from geo.outputs import publish, write_csv, write_geoparquet
from geo.paths import DATA, raw_dir
from geo.simplify import LEVELS, border_lines, dissolve_boundaries, simplify_coverage
from geo.wards import apportion_counts, census_ward_check, lsoa_pieces, ward_register

FOLDERS = ("boundaries", "indicators")

#: British National Grid extent (metres): a centroid outside it is in another CRS.
_BNG_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)


@dataclass
class Build:
    """The inputs of one build, each read once and shared by the steps that need it."""

    raw: Path
    out: Path
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _vectors: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)

    def table(self, key: str) -> pd.DataFrame:
        """A raw table from :mod:`geo.rawdata`, read and checked on first use."""
        if key not in self._tables:
            self._tables[key] = rawdata.read_table(key, self.raw)
        return self._tables[key]

    def vector(self, key: str) -> gpd.GeoDataFrame:
        """A raw vector file from :mod:`geo.rawdata`, read and checked on first use."""
        if key not in self._vectors:
            self._vectors[key] = rawdata.read_vector(key, self.raw)
        return self._vectors[key]

    @cached_property
    def wards(self) -> gpd.GeoDataFrame:
        """2025 ward polygons (ONS BGC), England only, EPSG:4326, sorted by code."""
        wards = self.vector("wards25")
        return wards[wards["WD25CD"].str.startswith("E05")].sort_values("WD25CD").reset_index(drop=True)

    @cached_property
    def wards_bng(self) -> gpd.GeoDataFrame:
        return self.wards.to_crs(bestfit.BNG)

    @cached_property
    def oa_residents(self) -> pd.DataFrame:
        """Census 2021 usual residents (TS001) of English OA21s, with the LSOA21 each nests in."""
        spec = rawdata.RAW_TABLES["oa21_residents"]
        oas = self.table("oa21_residents")
        oas = oas[oas["oa21_code"].str.startswith("E00")].sort_values("oa21_code").reset_index(drop=True)
        lsoas = self.table("population21")["lsoa21_code"]
        lsoas = set(lsoas[lsoas.str.startswith("E01")])
        stray = sorted(set(oas["lsoa21_code"]) - lsoas)
        bare = sorted(lsoas - set(oas["lsoa21_code"]))
        if stray or bare:
            raise BuildInputError(spec.path, f"{len(stray)} OA LSOA code(s) are not English LSOA 2021s and "
                                  f"{len(bare)} English LSOA(s) have no OA, e.g. {(stray or bare)[0]}",
                                  "use the complete Census 2021 TS001 OA file (SOURCES.md section 10)")
        return oas

    @cached_property
    def oa_centroids(self) -> gpd.GeoDataFrame:
        """ONS population-weighted centroids of English OA21s, British National Grid."""
        spec = rawdata.RAW_VECTORS["oa21_centroids"]
        pts = self.vector("oa21_centroids")
        pts = pts[pts["oa21_code"].str.startswith("E00")]
        missing = sorted(set(self.oa_residents["oa21_code"]) - set(pts["oa21_code"]))
        if missing:
            raise BuildInputError(spec.path, f"{len(missing)} English OA(s) of the TS001 file have no centroid, "
                                  f"e.g. {missing[0]}", "use the complete ONS OA 2021 population-weighted centroids")
        return pts.sort_values("oa21_code").reset_index(drop=True).to_crs(bestfit.BNG)

    @cached_property
    def oa_wards(self) -> pd.DataFrame:
        """Each English OA21 in the 2025 ward holding its population-weighted centroid."""
        try:
            return bestfit.assign_centroids_to_wards(self.oa_centroids, self.wards_bng, "oa21_code")
        except ValueError as exc:
            raise BuildInputError(rawdata.RAW_VECTORS["oa21_centroids"].path, str(exc),
                                  "use OA centroids and ward boundaries for England in EPSG:4326") from exc

    @cached_property
    def population(self) -> pd.DataFrame:
        """Census 2021 usual residents of English LSOA21s, with the 0-15 and 65+ bands.

        ``population`` is the sum of the LSOA's OA counts (TS001), the basis of every ward
        population and share; ONS perturbs each table's cells, so it differs from the LSOA age
        table's total by up to 11 people. The age bands come from the LSOA age table (no OA ages).
        """
        pop = self.table("population21")
        pop = pop[pop["lsoa21_code"].str.startswith("E01")].reset_index(drop=True)
        residents = self.oa_residents.groupby("lsoa21_code")["residents"].sum()
        return pop.assign(population=residents.reindex(pop["lsoa21_code"]).to_numpy())

    @cached_property
    def centroids(self) -> gpd.GeoDataFrame:
        """ONS population-weighted centroids of English LSOA21s, British National Grid."""
        spec = rawdata.RAW_TABLES["centroids21"]
        pts = self.table("centroids21")
        pts = pts[pts["lsoa21_code"].str.startswith("E01")]
        x0, y0, x1, y1 = _BNG_BOUNDS
        outside = ~(pts["x_bng"].between(x0, x1) & pts["y_bng"].between(y0, y1))
        if outside.any():
            raise BuildInputError(spec.path, f"{int(outside.sum())} centroid(s) have x_bng/y_bng outside British "
                                  "National Grid, e.g. " + pts.loc[outside, "lsoa21_code"].iloc[0],
                                  "x_bng/y_bng must be EPSG:27700 metres; restore the original file")
        missing = set(self.population["lsoa21_code"]) - set(pts["lsoa21_code"])
        if missing:
            raise BuildInputError(spec.path, f"{len(missing)} English LSOA21(s) have no centroid, e.g. {min(missing)}",
                                  "use the complete ONS LSOA 2021 population-weighted centroids file")
        return gpd.GeoDataFrame(pts[["lsoa21_code"]], geometry=gpd.points_from_xy(pts["x_bng"], pts["y_bng"]),
                                crs=bestfit.BNG)

    @cached_property
    def membership(self) -> pd.DataFrame:
        """Which LSOA21s count towards which ward, and what share (OA best fit, or overlay for empty wards)."""
        best_fit = bestfit.oa_membership(self.oa_wards, self.oa_residents)
        empty = self.wards_bng[~self.wards_bng["WD25CD"].isin(best_fit["WD25CD"])]
        lsoas = self.vector("lsoa21_polygons")
        lsoas = lsoas[lsoas["lsoa21_code"].str.startswith("E01")].to_crs(bestfit.BNG)
        lsoas["geometry"] = lsoas.geometry.make_valid()
        return bestfit.ward_membership(best_fit, bestfit.overlay_empty_wards(empty, lsoas))

    @cached_property
    def official_best_fit(self) -> pd.Series:
        """ONS's LSOA21 -> WD25 best-fit ward of every English LSOA (the one ward per LSOA)."""
        spec = rawdata.RAW_TABLES["wd25_bestfit"]
        lookup = self.table("wd25_bestfit")
        lookup = lookup[lookup["lsoa21_code"].str.startswith("E01")].set_index("lsoa21_code")["WD25CD"]
        missing = sorted(set(self.population["lsoa21_code"]) - set(lookup.index))
        unknown = sorted(set(lookup) - set(self.wards["WD25CD"]))
        if missing or unknown:
            raise BuildInputError(spec.path, f"{len(missing)} English LSOA(s) missing and {len(unknown)} ward "
                                  f"code(s) not 2025 wards, e.g. {(missing or unknown)[0]}",
                                  "use ONS's LSOA21 to WD25 best-fit lookup (SOURCES.md section 6)")
        return lookup.sort_index()

    @cached_property
    def best_fit_check(self) -> pd.DataFrame:
        """Our two one-ward-per-LSOA rules against ONS's lookup, one row per English LSOA."""
        try:
            by_centroid = bestfit.assign_centroids_to_wards(self.centroids, self.wards_bng, "lsoa21_code")
        except ValueError as exc:
            raise BuildInputError(rawdata.RAW_TABLES["centroids21"].path, str(exc),
                                  "use LSOA centroids in British National Grid for England") from exc
        best = self.membership[self.membership["method"] != bestfit.OVERLAY]
        return bestfit.lsoa_best_fit_comparison(self.official_best_fit,
                                                by_centroid.set_index("lsoa21_code")["WD25CD"],
                                                bestfit.most_residents_ward(best))

    @cached_property
    def register(self) -> pd.DataFrame:
        return ward_register(self.wards, self.membership, self.population[["lsoa21_code", "population"]],
                             self.table("icb24"))

    @cached_property
    def lsoas2025(self) -> pd.DataFrame:
        """IoD2025 per English LSOA21 with its population, LAD and ICB (one row per LSOA)."""
        lsoas = (self.table("imd2025")
                 .merge(self.table("iod2025_supplementary"), on="lsoa21_code", how="left", validate="one_to_one")
                 .merge(self.population, on="lsoa21_code", how="left", validate="one_to_one")
                 .merge(self.table("icb24"), on="lsoa21_code", how="left", validate="one_to_one"))
        _require_complete(lsoas, ["population", "lad24_code", "icb_code"], "imd2025")
        return lsoas

    @cached_property
    def lsoas2019(self) -> pd.DataFrame:
        """IoD2019 LSOA11 values carried onto LSOA21s: one row per (LSOA11, LSOA21) pair, mid-2015 weights."""
        imd = (self.table("imd2019_ranks")
               .merge(self.table("imd2019_score"), on="lsoa11_code", validate="one_to_one")
               .merge(self.table("imd2019_supplementary"), on="lsoa11_code", validate="one_to_one")
               .merge(self.table("imd2019_denominators"), on="lsoa11_code", validate="one_to_one"))
        return deprivation.carry_2019(imd, self.lsoa11_pairs)

    @cached_property
    def pieces2019(self) -> pd.DataFrame:
        """IoD2019 on (ward, LSOA21, LSOA11) pieces, weighted by mid-2015 population x ward share."""
        return deprivation.recast_2019(self.lsoas2019, self.membership)

    @cached_property
    def lsoa11_pairs(self) -> pd.DataFrame:
        """Official LSOA11 -> LSOA21 pairs (England) with each pair's share of the LSOA11."""
        lookup = self.table("lsoa11_lsoa21")
        return deprivation.lsoa11_pieces(lookup[lookup["lsoa11_code"].str.startswith("E01")], self.population)

    @cached_property
    def msoa11_lookup(self) -> pd.DataFrame:
        """LSOA 2011 -> MSOA 2011 (England) by ONS names, checked against MSOA populations."""
        le = self.table("life_expectancy_msoa11")
        names = le[le["msoa11_code"].str.startswith("E02")].drop_duplicates("msoa11_code")
        spec = rawdata.RAW_TABLES["life_expectancy_msoa11"]
        try:
            lookup = msoa.lsoa11_msoa11_lookup(self.table("lsoa11_names"), names)
        except ValueError as exc:
            raise BuildInputError(spec.path, str(exc), "use the ONS LSOA 2011 and MSOA 2011 names "
                                  "(SOURCES-health.md section 1)") from exc
        persons = le[le["sex"].eq("Persons") & le["msoa11_code"].str.startswith("E02")]
        ratio = msoa.population_ratio(lookup, self.table("imd2019_denominators")[["lsoa11_code", "population"]],
                                      persons.assign(population=persons["person_years"] / 5))
        low, high = msoa.POPULATION_RATIO_RANGE
        odd = ratio[~ratio.between(low, high)]
        if len(odd):
            raise BuildInputError(spec.path, f"{len(odd)} MSOA(s) have a population {odd.iloc[0]:.2f} times that "
                                  f"of their LSOAs, e.g. {odd.index[0]}: the LSOA -> MSOA name match is wrong",
                                  "check the LSOA 2011 names in the lookup against the MSOA names")
        return lookup

    @cached_property
    def msoa11_shares(self) -> pd.DataFrame:
        """Which MSOA 2011(s) each English LSOA 2021's residents count towards."""
        return msoa.lsoa21_msoa11_shares(self.lsoa11_pairs, self.msoa11_lookup)

    @cached_property
    def msoa11_pieces(self) -> pd.DataFrame:
        """(ward, LSOA 2021, MSOA 2011) pieces weighted by Census 2021 residents."""
        pieces = lsoa_pieces(self.membership, self.population[["lsoa21_code", "population"]], "population")
        return msoa.msoa_pieces(pieces, self.msoa11_shares)


def _require_complete(frame: pd.DataFrame, columns: list[str], key: str) -> None:
    for col in columns:
        missing = frame.loc[frame[col].isna(), frame.columns[0]]
        if len(missing):
            raise BuildInputError(rawdata.RAW_TABLES[key].path, f"{len(missing)} LSOA(s) have no {col}, "
                                  f"e.g. {missing.iloc[0]}", "use files of the same LSOA vintage (SOURCES.md)")


def step_check_inputs(b: Build) -> str:
    """Read every declared raw file first, so bad input stops the build before any work."""
    for key in rawdata.RAW_TABLES:
        b.table(key)
    for key in rawdata.RAW_VECTORS:
        b.vector(key)
    return f"{len(rawdata.RAW_TABLES)} tables and {len(rawdata.RAW_VECTORS)} vector files from {b.raw}"


def step_membership(b: Build) -> str:
    """OA best fit to 2025 wards: the LSOA -> ward membership, and the one-ward-per-LSOA check."""
    m = b.membership.merge(b.official_best_fit.rename("best_fit_ward_code"), left_on="lsoa21_code",
                           right_index=True, how="left", validate="many_to_one")
    write_csv(m[["lsoa21_code", "WD25CD", "method", "share", "best_fit_ward_code"]].rename(columns={"WD25CD": "ward_code"}),
              b.out / "indicators" / "lsoa21_ward25_membership.csv")
    check = b.best_fit_check
    differ = check[~(check["lsoa_centroid_agrees"] & check["most_residents_agrees"])]
    write_csv(differ, b.out / "indicators" / "lsoa21_ward25_bestfit_check.csv")
    oas = b.oa_wards
    near = oas[oas["method"] == bestfit.NEAREST]
    best = m[m["method"] != bestfit.OVERLAY]
    split = int(best.groupby("lsoa21_code").size().gt(1).sum())
    overlay = m.loc[m["method"] == bestfit.OVERLAY, "WD25CD"].nunique()
    return (f"{len(oas):,} OAs in {oas['WD25CD'].nunique():,} wards ({len(near)} by nearest ward, up to "
            f"{near['distance_m'].max():.0f} m); {overlay} wards with no OA by areal overlay; "
            f"{best['lsoa21_code'].nunique():,} LSOAs, {split:,} of them split between wards; one ward per LSOA "
            f"from the ONS lookup: "
            f"LSOA centroid agrees for {check['lsoa_centroid_agrees'].mean():.2%} "
            f"({(~check['lsoa_centroid_agrees']).sum()} differ), most OA residents for "
            f"{check['most_residents_agrees'].mean():.2%} ({(~check['most_residents_agrees']).sum()} differ)")


def step_lookups(b: Build) -> str:
    """Lookups an upload needs: LSOA 2021 population, LSOA 2011 and MSOA 2011 to wards."""
    best = b.membership[b.membership["method"] != bestfit.OVERLAY]
    lsoa11 = b.lsoa11_pairs.merge(best[["lsoa21_code", "WD25CD", "share"]], on="lsoa21_code")
    lsoa11 = (lsoa11.assign(share=lsoa11["share11"] * lsoa11["share"])
              .groupby(["lsoa11_code", "WD25CD"], as_index=False)["share"].sum()
              .rename(columns={"WD25CD": "ward_code"}))
    msoa11 = (b.msoa11_pieces[b.msoa11_pieces["method"] != bestfit.OVERLAY]
              .groupby(["msoa11_code", "WD25CD"], as_index=False)["weight"].sum()
              .rename(columns={"WD25CD": "ward_code"}))
    msoa11["share"] = msoa11["weight"] / msoa11.groupby("msoa11_code")["weight"].transform("sum")
    write_csv(b.population[["lsoa21_code", "population"]], b.out / "indicators" / "lsoa21_population.csv")
    write_csv(lsoa11, b.out / "indicators" / "lsoa11_ward25_lookup.csv")
    write_csv(msoa11[["msoa11_code", "ward_code", "share"]], b.out / "indicators" / "msoa11_ward25_lookup.csv")
    return (f"{lsoa11['lsoa11_code'].nunique():,} LSOA11s ({int(lsoa11['lsoa11_code'].duplicated(keep=False).sum()):,} "
            f"rows split between wards); {msoa11['msoa11_code'].nunique():,} MSOA11s in {len(msoa11):,} rows")


def step_boundaries(b: Build) -> str:
    wards = b.wards.rename(columns={"WD25CD": "ward_code", "LAD25CD": "lad_code"})[["ward_code", "lad_code", "geometry"]]
    sizes = []
    for level in LEVELS.values():
        simple = simplify_coverage(wards, level.tolerance_m, precision_deg=level.precision_deg)
        borders = border_lines(dissolve_boundaries(simple, "lad_code"), "lad_code").rename(columns={"neighbour": "neighbour_lad_code"})
        write_geoparquet(simple[["ward_code", "geometry"]], b.out / "boundaries" / f"wards_{level.id}.parquet")
        write_geoparquet(borders, b.out / "boundaries" / f"lad_borders_{level.id}.parquet")
        coords = int(shapely.get_num_coordinates(simple.geometry.to_numpy()).sum())
        sizes.append(f"{level.id} {level.tolerance_m:.0f} m: {coords:,} coordinates")
    return "; ".join(sizes)


def step_register(b: Build) -> str:
    reg = b.register
    write_csv(reg, b.out / "indicators" / "wards.csv")
    check = census_ward_check(reg, b.table("census_wards22_lancashire"))
    error = check["error"].abs()
    return (f"{len(reg):,} wards in {reg['lad_code'].nunique()} LADs and {reg['icb_code'].nunique()} ICBs; "
            f"{reg.loc[reg['method_flag'] == 'best fit', 'population'].sum():,} residents in best-fit wards; "
            f"against the Census 2021 ward tables ({len(check)} unchanged Lancashire wards) a median "
            f"{error.median():.2%} off, at most {error.max():.2%} ({check.loc[error.idxmax(), 'ward_name']})")


def step_deprivation_2025(b: Build) -> str:
    pieces = lsoa_pieces(b.membership, b.lsoas2025, "population")
    wards = deprivation.ward_deprivation(pieces, b.register, 2025, child_weight="pop_0_15",
                                         older_weight="pop_65_plus", with_scores=True)
    write_csv(wards, b.out / "indicators" / "ward_deprivation_2025.csv")
    return f"{len(wards):,} wards, {wards['imd_score'].notna().sum():,} with a score"


def step_deprivation_2019(b: Build) -> str:
    wards = deprivation.ward_deprivation(b.pieces2019, b.register, 2019, child_weight="pop_0_15",
                                         older_weight="pop_60_plus", with_scores=False)
    wards["population"] = b.pieces2019.groupby("WD25CD")["weight"].sum().reindex(wards["ward_code"]).round().to_numpy()
    wards["edition"] = deprivation.LABEL_2019
    write_csv(wards, b.out / "indicators" / "ward_deprivation_2019.csv")
    return f"{len(wards):,} wards, {wards['imd_score'].notna().sum():,} with a score"


def step_area_summaries(b: Build) -> str:
    """LAD and ICB summaries: MHCLG's published IoD2025 figures, and our own (computed) ones."""
    history = b.table("lad_codes")
    try:
        lads = deprivation.current_lad_codes(b.lsoas2025["lad24_code"], history)
    except ValueError as exc:
        raise BuildInputError(rawdata.RAW_TABLES["lad_codes"].path, str(exc),
                              "use drkane's complete la_all_codes.csv (SOURCES.md section 6)") from exc
    areas21 = b.lsoas2025[["lsoa21_code", "lad24_name", "icb_code", "icb_name"]].assign(lad_code=lads.to_numpy())
    lsoa25 = b.lsoas2025.assign(weight=b.lsoas2025["population"], lad_code=lads.to_numpy())
    # IoD2019 for today's areas: each (LSOA11, LSOA21) pair goes with its LSOA21's LAD and ICB.
    lsoa19 = b.lsoas2019.merge(areas21, on="lsoa21_code", how="inner").assign(weight=lambda f: f["population"])
    out = b.out / "indicators"
    for edition, lsoas in ((2025, lsoa25), (2019, lsoa19)):
        for level, code, name in (("lad", "lad_code", "lad24_name"), ("icb", "icb_code", "icb_name")):
            table = deprivation.area_summaries(lsoas, code, name, edition)
            _require_areas(table, b.register, f"{level}_code", "lad_codes" if level == "lad" else "icb24")
            write_csv(table, out / f"summaries_{level}_{edition}_computed.csv")
    for level, key, lad_history in (("lad", "imd2025_lad_summaries", history), ("icb", "imd2025_icb_summaries", None)):
        try:
            table = deprivation.official_summaries(b.table(key), lad_history)
        except ValueError as exc:
            raise BuildInputError(rawdata.RAW_TABLES[key].path, str(exc),
                                  "use MHCLG's IoD2025 summaries for 2024 LADs and ICBs (SOURCES.md section 5)") from exc
        _require_areas(table, b.register, f"{level}_code", key)
        write_csv(table, out / f"summaries_{level}_2025_official.csv")
    return (f"{lsoa25['lad_code'].nunique()} LADs and {lsoa25['icb_code'].nunique()} ICBs: MHCLG published "
            "(IoD2025) and computed (IoD2025, IoD2019 recast)")


def _require_areas(table: pd.DataFrame, register: pd.DataFrame, column: str, key: str) -> None:
    """A summaries file must cover exactly the LADs (or ICBs) of the ward register, by the same codes."""
    ours, theirs = set(register[column]), set(table["area_code"])
    if ours != theirs:
        odd = sorted(ours ^ theirs)
        raise BuildInputError(rawdata.RAW_TABLES[key].path, f"{len(odd)} area code(s) are in only one of the "
                              f"summaries and the ward register ({column}), e.g. {odd[0]}",
                              "use files of the same LAD and ICB vintage (SOURCES.md sections 5 and 6)")


#: Web simplification of the MSOA 2011 polygons (dissolved from the already generalised ONS
#: LSOA 2011 BSC polygons): Visvalingam-Whyatt tolerance in metres and the output grid in degrees.
MSOA_TOLERANCE_M = 100.0
MSOA_PRECISION_DEG = 1e-4

#: Ward value columns of the MSOA-based estimates: MSOA column -> ward column.
_LE_COLUMNS = {"le_male_2016_20": "le_male_2016_20_est", "le_female_2016_20": "le_female_2016_20_est"}
_QOF_CONDITIONS = ("asthma", "copd", "chronic_kidney_disease", "coronary_heart_disease", "diabetes",
                   "high_blood_pressure", "obesity")


def _summary(frame: pd.DataFrame, columns: list[str]) -> str:
    return "; ".join(f"{c} {frame[c].notna().sum():,}" for c in columns)


def step_msoa_life_expectancy(b: Build) -> str:
    table = msoa.life_expectancy_table(b.table("life_expectancy_msoa11"))
    areas = msoa.msoa_areas(b.msoa11_shares, b.lsoas2025[["lsoa21_code", "population", "lad24_code", "lad24_name",
                                                           "icb_code", "icb_name"]])
    table = table.merge(areas, on="msoa11_code", how="left", validate="one_to_one")
    lead = ["msoa11_code", "msoa11_name", "lad24_code", "lad24_name", "icb_code", "icb_name"]
    write_csv(table[lead + [c for c in table.columns if c not in lead]],
              b.out / "indicators" / "msoa11_life_expectancy.csv")
    lsoas = b.vector("lsoa11_polygons")
    lsoas = lsoas[lsoas["lsoa11_code"].str.startswith("E01")].to_crs(bestfit.BNG)
    polygons = msoa.msoa_polygons(lsoas, b.msoa11_lookup)
    polygons = simplify_coverage(polygons, MSOA_TOLERANCE_M, precision_deg=MSOA_PRECISION_DEG)
    polygons = polygons.merge(table[["msoa11_code", "msoa11_name"]], on="msoa11_code", validate="one_to_one")
    write_geoparquet(polygons[["msoa11_code", "msoa11_name", "geometry"]], b.out / "boundaries" / "msoa11.parquet")
    return f"{len(table):,} MSOAs; with LE " + _summary(table, list(_LE_COLUMNS))


def step_ward_health(b: Build) -> str:
    le = msoa.life_expectancy_table(b.table("life_expectancy_msoa11"))
    estimates = msoa.ward_estimates(b.msoa11_pieces, le[["msoa11_code", *_LE_COLUMNS]]).rename(columns=_LE_COLUMNS)
    pieces = lsoa_pieces(b.membership, b.population.merge(b.table("iod2025_indicators"), on="lsoa21_code",
                                                          how="left", validate="one_to_one"), "population")
    admissions = health.ward_means(pieces, ["acute_morbidity_ratio"]).rename(
        columns={"acute_morbidity_ratio": "emergency_admissions_ratio_iod2025"})
    oas = b.oa_residents.merge(b.table("oa21_general_health"), on="oa21_code", how="left", validate="one_to_one")
    try:
        general = health.ward_general_health(oas, b.oa_wards, b.membership)
    except ValueError as exc:
        raise BuildInputError(rawdata.RAW_TABLES["oa21_general_health"].path, str(exc),
                              "use the complete Census 2021 TS037 OA file (SOURCES.md section 10)") from exc
    wards = health.ward_table(b.register, [estimates, admissions, general])
    write_csv(wards, b.out / "indicators" / "ward_health.csv")
    good, bad = ((oas[c] * oas["residents"]).sum() / oas["residents"].sum() for c in ("pct_good", "pct_bad"))
    return (_summary(wards, [*_LE_COLUMNS.values(), "emergency_admissions_ratio_iod2025", *health.GENERAL_HEALTH.values()])
            + f"; England {good:.1f}% in good or very good health, {bad:.1f}% bad or very bad")


def step_ward_conditions(b: Build) -> str:
    lsoas = (b.population.merge(b.table("disability21"), on="lsoa21_code", how="left", validate="one_to_one")
             .merge(b.table("iod2025_indicators"), on="lsoa21_code", how="left", validate="one_to_one"))
    _require_complete(lsoas, ["disabled", "disability_residents"], "disability21")
    pieces = lsoa_pieces(b.membership, lsoas, "population")
    counts = health.ward_counts(pieces, ["disabled", "disability_residents"]).rename(
        columns={"disabled": "disabled_census2021", "disability_residents": "residents_census2021_ts038"})
    pct = health.ward_percentages(pieces, "disabled", "disability_residents").rename("pct_disabled_census2021")
    note = counts["disabled_census2021"].isna().map({True: health.OVERLAY_COUNT_NOTE, False: ""}).rename("disabled_note")
    cidr = health.ward_means(pieces, ["cidr"]).rename(columns={"cidr": "cidr_iod2025"})
    qof = b.table("qof_prevalence_msoa11")
    qof = qof.assign(**{c: 100.0 * qof[c] for c in _QOF_CONDITIONS})
    prevalence = msoa.ward_estimates(b.msoa11_pieces, qof[["msoa11_code", *_QOF_CONDITIONS]]).rename(
        columns={c: f"pct_{c}_qof_dl2020_est" for c in _QOF_CONDITIONS})
    wards = health.ward_table(b.register, [counts, pct, note, cidr, prevalence])
    write_csv(wards, b.out / "indicators" / "ward_conditions.csv")
    return _summary(wards, ["disabled_census2021", "pct_disabled_census2021", "cidr_iod2025", "pct_diabetes_qof_dl2020_est"])


def step_ward_children(b: Build) -> str:
    lsoas = (b.population.merge(b.lsoas2025[["lsoa21_code", "IDACI_decile"]], on="lsoa21_code", validate="one_to_one")
             .merge(b.table("iod2025_subdomains"), on="lsoa21_code", how="left", validate="one_to_one"))
    lsoas["idaci_decile1"] = lsoas["IDACI_decile"].eq(1).astype(float)
    pieces = lsoa_pieces(b.membership, lsoas, "pop_0_15")
    children = (apportion_counts(pieces, ["pop_0_15"]).groupby("WD25CD")["pop_0_15"].sum().round()
                .rename("children_0_15_census2021"))
    iod = health.ward_means(pieces, ["idaci_decile1", "cyp_score"]).rename(
        columns={"idaci_decile1": "idaci_decile1_share_2025", "cyp_score": "cyp_score_2025"})
    dwp, history = b.table("dwp_child_poverty"), childpoverty.ward_history(b.table("ward_codes"))
    poverty = childpoverty.child_poverty_by_ward(b.register, dwp, history)
    wards = health.ward_table(b.register, [children, poverty, iod])
    write_csv(wards, b.out / "indicators" / "ward_children.csv")
    gone = childpoverty.dwp_wards_not_in_wd25(b.register, dwp, history)
    write_csv(gone, b.out / "indicators" / "dwp_wards_not_in_wd25.csv")
    missing = wards["child_poverty_note"].ne("")
    return (f"DWP FYE2025 for {(~missing).sum():,} wards, no data (with reason) for {missing.sum()}; "
            f"{len(gone)} DWP ward codes not in WD25")


def step_ward_place(b: Build) -> str:
    lsoas = b.population.merge(b.table("ruc21"), on="lsoa21_code", how="left", validate="one_to_one")
    _require_complete(lsoas, ["ruc21_code"], "ruc21")
    rural = rurality.ward_rurality(lsoa_pieces(b.membership, lsoas, "population"))
    # The coastal rule needs all England's wards, unsimplified (it finds the shore as their outer edge).
    coast = coastal.flag_coastal_wards(b.wards, b.vector("coastline"), b.vector("land"))
    coast = coast.set_axis(b.wards["WD25CD"])[["coastal", "coastal_reason", "coast_edge_m"]]
    wards = health.ward_table(b.register, [rural, coast])
    write_csv(wards, b.out / "indicators" / "ward_place.csv")
    return (f"{int(wards['rural'].sum()):,} rural and {int((~wards['rural']).sum()):,} urban wards; "
            f"{int(wards['coastal'].sum()):,} coastal")


STEPS: tuple[tuple[str, Callable[[Build], str]], ...] = (
    ("Read and check raw inputs", step_check_inputs),
    ("Best-fit Output Areas to 2025 wards; LSOA 2021 shares", step_membership),
    ("Ward register: LAD, ICB, population", step_register),
    ("Simplified ward boundaries and LAD borders", step_boundaries),
    ("Ward deprivation, IoD2025", step_deprivation_2025),
    ("Ward deprivation, IoD2019 recast", step_deprivation_2019),
    ("LAD and ICB summaries", step_area_summaries),
    ("MSOA 2011 life expectancy and polygons", step_msoa_life_expectancy),
    ("Lookups for uploads: LSOA 2011 and MSOA 2011 to wards", step_lookups),
    ("Ward health: life expectancy, emergency admissions, general health", step_ward_health),
    ("Ward long-term conditions", step_ward_conditions),
    ("Ward children", step_ward_children),
    ("Ward place: rurality and coastal flag", step_ward_place),
)


def run(raw: Path, out: Path, log: Callable[[str], None] = print) -> None:
    """Run every step into a staging folder beside ``out``, then publish it into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        for folder in FOLDERS:
            (staging / folder).mkdir()
        b = Build(raw=raw, out=staging)
        start = time.perf_counter()
        for i, (title, step) in enumerate(STEPS, 1):
            t = time.perf_counter()
            log(f"[{i}/{len(STEPS)}] {title} ...")
            detail = step(b)
            log(f"      done in {time.perf_counter() - t:.1f} s: {detail}")
        publish(staging, out, FOLDERS)
        log(f"Build finished in {time.perf_counter() - start:.1f} s; wrote {', '.join(FOLDERS)} under {out}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.build", description=__doc__.splitlines()[0])
    parser.add_argument("--raw", help="raw data folder (default: $WARDLENS_RAW or ../shared/data/raw)")
    parser.add_argument("--out", default=str(DATA), help="output folder (default: the project's data/)")
    args = parser.parse_args(argv)
    raw = raw_dir(args.raw)
    if not raw.is_dir():
        print(f"Build stopped: raw data folder {raw} does not exist. Fix: pass --raw DIR or set "
              "WARDLENS_RAW to the folder holding the raw open data.", file=sys.stderr)
        return 2
    try:
        run(raw, Path(args.out).resolve())
    except BuildInputError as exc:
        print(f"Build stopped: {exc}\nNothing under {args.out} was changed.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
