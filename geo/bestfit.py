"""LSOA 2021 -> 2025 ward membership: ONS best fit, with an areal overlay for empty wards.

ONS best fit puts each LSOA wholly in the ward that contains its population-weighted
centroid (PWC). A few PWCs fall just outside the generalised (BGC) coastline; they go to the
nearest ward. Wards that receive no PWC at all (small wards, mostly) would otherwise have no
value; they get one from a population-weighted areal overlay of the LSOA polygons instead.

The result is one *membership* table that every ward aggregation uses, so both methods go
through the same code: a row per (ward, LSOA) with ``share``, the fraction of the LSOA's
population that counts towards the ward (1 for best fit; the LSOA's area share for an
overlay), and ``method``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

#: British National Grid: the CRS every distance and area here is measured in (metres).
BNG = "EPSG:27700"

BEST_FIT = "best fit"
NEAREST = "best fit (nearest ward)"
OVERLAY = "areal overlay"

#: A PWC farther than this from every ward is a data error, not a coastline artefact.
MAX_NEAREST_M = 500.0


def assign_lsoas_to_wards(centroids: gpd.GeoDataFrame, wards: gpd.GeoDataFrame) -> pd.DataFrame:
    """Best-fit each LSOA (by its population-weighted centroid) to the ward containing it.

    ``centroids``: points with ``lsoa21_code``; ``wards``: polygons with ``WD25CD``, both in
    British National Grid. Returns ``lsoa21_code, WD25CD, method, distance_m`` sorted by LSOA:
    ``method`` is :data:`BEST_FIT`, or :data:`NEAREST` for a centroid outside every ward
    (then ``distance_m`` is how far outside, in metres; 0 otherwise).
    Raises ``ValueError`` for a centroid more than :data:`MAX_NEAREST_M` from any ward.
    """
    _require_bng(centroids, wards)
    inside = gpd.sjoin(centroids[["lsoa21_code", "geometry"]], wards[["WD25CD", "geometry"]],
                       how="left", predicate="within")
    # A point on a shared border can fall "within" none and "intersects" two; keep one, by code.
    inside = inside.sort_values(["lsoa21_code", "WD25CD"]).drop_duplicates("lsoa21_code")
    found = inside.dropna(subset=["WD25CD"])[["lsoa21_code", "WD25CD"]].assign(method=BEST_FIT, distance_m=0.0)
    orphans = centroids[~centroids["lsoa21_code"].isin(found["lsoa21_code"])]
    if len(orphans):
        near = gpd.sjoin_nearest(orphans[["lsoa21_code", "geometry"]], wards[["WD25CD", "geometry"]],
                                 how="left", distance_col="distance_m")
        near = near.sort_values(["lsoa21_code", "WD25CD"]).drop_duplicates("lsoa21_code")
        too_far = near[near["distance_m"] > MAX_NEAREST_M]
        if len(too_far):
            raise ValueError(
                f"{len(too_far)} LSOA centroid(s) lie more than {MAX_NEAREST_M:.0f} m from every ward, "
                f"e.g. {too_far['lsoa21_code'].iloc[0]}: the centroids and ward boundaries do not cover "
                "the same area (check both are England, 2021 LSOAs and British National Grid)")
        found = pd.concat([found, near[["lsoa21_code", "WD25CD", "distance_m"]].assign(method=NEAREST)])
    return found[["lsoa21_code", "WD25CD", "method", "distance_m"]].sort_values("lsoa21_code").reset_index(drop=True)


def overlay_empty_wards(empty_wards: gpd.GeoDataFrame, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Areal-overlay membership for wards that no LSOA centroid falls in.

    ``empty_wards``: polygons with ``WD25CD``; ``lsoas``: polygons with ``lsoa21_code``; both
    in British National Grid. Returns ``WD25CD, lsoa21_code, share`` where ``share`` is the
    fraction of the LSOA's area inside the ward (the population of an LSOA is assumed spread
    evenly over its area). Every ward in ``empty_wards`` gets at least one row.
    """
    _require_bng(empty_wards, lsoas)
    lsoa_area = lsoas.set_index("lsoa21_code").geometry.area
    pieces = gpd.overlay(empty_wards[["WD25CD", "geometry"]], lsoas[["lsoa21_code", "geometry"]],
                         how="intersection", keep_geom_type=True)
    pieces["share"] = pieces.geometry.area.to_numpy() / lsoa_area.reindex(pieces["lsoa21_code"]).to_numpy()
    pieces = pieces[pieces["share"] > 0]
    missing = sorted(set(empty_wards["WD25CD"]) - set(pieces["WD25CD"]))
    if missing:
        raise ValueError(f"{len(missing)} ward(s) overlap no LSOA polygon, e.g. {missing[0]}: "
                         "the LSOA polygons do not cover the wards (check the boundary files)")
    out = pd.DataFrame(pieces[["WD25CD", "lsoa21_code", "share"]])
    return out.groupby(["WD25CD", "lsoa21_code"], as_index=False)["share"].sum()


def ward_membership(best_fit: pd.DataFrame, overlay: pd.DataFrame) -> pd.DataFrame:
    """One table of which LSOAs count towards which ward, and how much.

    Returns ``WD25CD, lsoa21_code, method, share`` sorted by ward then LSOA: best-fit rows
    (``share`` 1) for every LSOA, plus :data:`OVERLAY` rows for the wards in ``overlay``.
    """
    rows = pd.concat([
        best_fit[["WD25CD", "lsoa21_code", "method"]].assign(share=1.0),
        overlay[["WD25CD", "lsoa21_code", "share"]].assign(method=OVERLAY),
    ])
    clash = set(overlay["WD25CD"]) & set(best_fit["WD25CD"])
    if clash:
        raise ValueError(f"ward(s) {sorted(clash)[:3]} have both best-fit and overlay LSOAs")
    return rows.sort_values(["WD25CD", "lsoa21_code"]).reset_index(drop=True)


def weighted_mean(values: pd.DataFrame, weights: pd.Series, by: pd.Series) -> pd.DataFrame:
    """Weighted mean of every column of ``values`` within groups ``by``, skipping missing values.

    A value that is NaN drops out of both numerator and denominator for that column, so a
    ward whose every LSOA lacks a value gets NaN rather than 0.
    """
    present = values.notna()
    w = present.mul(weights, axis=0)
    num = values.fillna(0).mul(w).groupby(by.to_numpy()).sum()
    den = w.groupby(by.to_numpy()).sum()
    return num.div(den.where(den > 0, np.nan))


def _require_bng(*frames: gpd.GeoDataFrame) -> None:
    for frame in frames:
        if frame.crs is None or not frame.crs.equals(BNG):
            raise ValueError(f"expected British National Grid ({BNG}), got {frame.crs}; reproject with .to_crs('{BNG}')")
