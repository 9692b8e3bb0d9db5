"""The inputs of one build: raw files read once and the tables derived from them, shared by the steps.

Each raw file is declared in :mod:`geo.rawdata` and read (and checked) on first use; each
derived table (Output Areas in wards, the LSOA -> ward membership, the ward register, the
IoD per LSOA, the MSOA routes) is a cached property, computed once for every step that needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import bestfit, deprivation, msoa, rawdata
from geo.errors import BuildInputError
from geo.wards import lsoa_pieces, ward_register

#: British National Grid extent (metres): a centroid outside it is in another CRS.
_BNG_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)


def require_complete(frame: pd.DataFrame, columns: list[str], key: str) -> None:
    """Every LSOA of ``frame`` has a value in each of ``columns``; else the raw file ``key`` is to blame."""
    for col in columns:
        missing = frame.loc[frame[col].isna(), frame.columns[0]]
        if len(missing):
            raise BuildInputError(rawdata.RAW_TABLES[key].path, f"{len(missing)} LSOA(s) have no {col}, "
                                  f"e.g. {missing.iloc[0]}", "use files of the same LSOA vintage (SOURCES.md)")



@dataclass
class Inputs:
    """The inputs of one build, each read once and shared by the steps that need it.

    ``raw``: the raw open data folder; ``out``: the staging data folder the steps write into.
    """

    raw: Path
    out: Path
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _vectors: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    #: The raw files asked for since :meth:`start_step` (to name them if the step fails).
    touched: list[str] = field(default_factory=list)

    def table(self, key: str) -> pd.DataFrame:
        """A raw table from :mod:`geo.rawdata`, read and checked on first use."""
        self.touched.append(rawdata.RAW_TABLES[key].path)
        if key not in self._tables:
            self._tables[key] = rawdata.read_table(key, self.raw)
        return self._tables[key]

    def vector(self, key: str) -> gpd.GeoDataFrame:
        """A raw vector file from :mod:`geo.rawdata`, read and checked on first use."""
        self.touched.append(rawdata.RAW_VECTORS[key].path)
        if key not in self._vectors:
            self._vectors[key] = rawdata.read_vector(key, self.raw)
        return self._vectors[key]

    def start_step(self) -> None:
        """Forget which raw files were asked for: a new step begins."""
        self.touched.clear()

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
        require_complete(lsoas, ["population", "lad24_code", "icb_code"], "imd2025")
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
