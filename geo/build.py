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

from geo import bestfit, deprivation, rawdata
from geo.errors import BuildInputError
from geo.outputs import publish, write_csv
from geo.paths import DATA, raw_dir
from geo.wards import lsoa_pieces, ward_register

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
    def population(self) -> pd.DataFrame:
        """Census 2021 usual residents of English LSOA21s, with the 0-15 and 65+ bands."""
        pop = self.table("population21")
        return pop[pop["lsoa21_code"].str.startswith("E01")].reset_index(drop=True)

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
    def best_fit(self) -> pd.DataFrame:
        return bestfit.assign_lsoas_to_wards(self.centroids, self.wards_bng)

    @cached_property
    def membership(self) -> pd.DataFrame:
        """Which LSOA21s count towards which ward (best fit, or overlay for empty wards)."""
        empty = self.wards_bng[~self.wards_bng["WD25CD"].isin(self.best_fit["WD25CD"])]
        lsoas = self.vector("lsoa21_polygons")
        lsoas = lsoas[lsoas["lsoa21_code"].str.startswith("E01")].to_crs(bestfit.BNG)
        lsoas["geometry"] = lsoas.geometry.make_valid()
        return bestfit.ward_membership(self.best_fit, bestfit.overlay_empty_wards(empty, lsoas))

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
    def pieces2019(self) -> pd.DataFrame:
        """IoD2019 LSOA11 values carried onto (ward, LSOA21) pieces, mid-2015 weights."""
        imd = (self.table("imd2019_ranks")
               .merge(self.table("imd2019_score"), on="lsoa11_code", validate="one_to_one")
               .merge(self.table("imd2019_supplementary"), on="lsoa11_code", validate="one_to_one")
               .merge(self.table("imd2019_denominators"), on="lsoa11_code", validate="one_to_one"))
        return deprivation.recast_2019(imd, self.lsoa11_pairs, self.membership)

    @cached_property
    def lsoa11_pairs(self) -> pd.DataFrame:
        """Official LSOA11 -> LSOA21 pairs (England) with each pair's share of the LSOA11."""
        lookup = self.table("lsoa11_lsoa21")
        return deprivation.lsoa11_pieces(lookup[lookup["lsoa11_code"].str.startswith("E01")], self.population)


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
    m = b.membership
    write_csv(m[["lsoa21_code", "WD25CD", "method", "share"]].rename(columns={"WD25CD": "ward_code"}),
              b.out / "indicators" / "lsoa21_ward25_membership.csv")
    overlay = m.loc[m["method"] == bestfit.OVERLAY, "WD25CD"].nunique()
    nearest = int((m["method"] == bestfit.NEAREST).sum())
    return f"{m['lsoa21_code'].nunique():,} LSOAs; {nearest} by nearest ward; {overlay} wards by areal overlay"


def step_lsoa11_lookup(b: Build) -> str:
    best = b.membership[b.membership["method"] != bestfit.OVERLAY]
    lookup = (b.lsoa11_pairs.merge(best[["lsoa21_code", "WD25CD"]], on="lsoa21_code")
              .groupby(["lsoa11_code", "WD25CD"], as_index=False)["share11"].sum()
              .rename(columns={"WD25CD": "ward_code", "share11": "share"}))
    write_csv(lookup, b.out / "indicators" / "lsoa11_ward25_lookup.csv")
    split = int(lookup["lsoa11_code"].duplicated(keep=False).sum())
    return f"{lookup['lsoa11_code'].nunique():,} LSOA11s; {split} rows for LSOA11s split between wards"


def step_register(b: Build) -> str:
    reg = b.register
    write_csv(reg, b.out / "indicators" / "wards.csv")
    return (f"{len(reg):,} wards in {reg['lad_code'].nunique()} LADs and {reg['icb_code'].nunique()} ICBs; "
            f"{reg.loc[reg['method_flag'] == 'best fit', 'population'].sum():,} residents in best-fit wards")


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
    lsoa25 = b.lsoas2025.assign(weight=b.lsoas2025["population"])
    # IoD2019 for today's areas: each LSOA11 piece goes with its LSOA21's LAD and ICB.
    areas21 = b.lsoas2025[["lsoa21_code", "lad24_code", "lad24_name", "icb_code", "icb_name"]]
    best = b.pieces2019[b.pieces2019["method"] != bestfit.OVERLAY]
    lsoa19 = best.merge(areas21, on="lsoa21_code", how="left")
    for edition, lsoas in ((2025, lsoa25), (2019, lsoa19)):
        for level, code, name in (("lad", "lad24_code", "lad24_name"), ("icb", "icb_code", "icb_name")):
            table = deprivation.area_summaries(lsoas, code, name, edition)
            write_csv(table, b.out / "indicators" / f"summaries_{level}_{edition}.csv")
    return f"{lsoa25['lad24_code'].nunique()} LADs, {lsoa25['icb_code'].nunique()} ICBs, 2 editions"


STEPS: tuple[tuple[str, Callable[[Build], str]], ...] = (
    ("Read and check raw inputs", step_check_inputs),
    ("Best-fit LSOA 2021 to 2025 wards", step_membership),
    ("Ward register: LAD, ICB, population", step_register),
    ("LSOA 2011 to 2025 ward lookup", step_lsoa11_lookup),
    ("Ward deprivation, IoD2025", step_deprivation_2025),
    ("Ward deprivation, IoD2019 recast", step_deprivation_2019),
    ("LAD and ICB summaries", step_area_summaries),
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
