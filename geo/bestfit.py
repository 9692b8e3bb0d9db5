"""2025 ward membership of LSOA 2021s: Output Area best fit, with an areal overlay for empty wards.

ONS builds its best-fit lookups by placing each small area wholly in the ward that contains its
population-weighted centroid (PWC). Whole LSOAs (about 1,700 residents) are too coarse for
wards: a ward's population from whole-LSOA best fit is a median 4.6% off the Census 2021 ward
tables in Lancashire. Census 2021 Output Areas (about 300 residents, nesting in LSOAs) are fine
enough, so every English OA goes to the ward holding its PWC
(:func:`assign_centroids_to_wards`), and an LSOA's values are shared among the wards its OAs
fall in, in proportion to those OAs' usual residents (:func:`oa_membership`). A few OA PWCs
fall just outside the generalised (BGC) coastline; they go to the nearest ward. Wards that
receive no OA at all get values from a population-weighted areal overlay of the LSOA polygons
instead (:func:`overlay_empty_wards`; no OA polygons are available, and a ward with no OA
centroid has no OA of its own to overlay).

The result is one *membership* table that every ward aggregation uses, so both methods go
through the same code: a row per (ward, LSOA) with ``share``, the fraction of the LSOA's
Census 2021 residents that counts towards the ward (the residents of its OAs in the ward over
all its residents, so each LSOA's best-fit shares add to 1; for an overlay the LSOA's area share),
and ``method``.

Some uses need one ward per LSOA (an LSOA upload template). Neither the LSOA's own PWC nor
"the ward holding most of its OA residents" reproduces ONS's published LSOA 2021 -> WD25
best-fit lookup for 99.9% of LSOAs (ONS places PWCs in full-resolution boundaries; every
disagreement lies within 20 m of a generalised ward edge), so that one ward is taken from the
ONS lookup itself; :func:`lsoa_best_fit_comparison` measures both of our own rules against it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import BNG

#: How an area's residents were placed in a ward (the ``method`` and ``method_flag`` labels, declared
#: once): by the ward holding its population-weighted centroid; by the nearest ward, for a centroid
#: just off the generalised coastline; by areal overlay, for a very small ward that holds no
#: centroid (its residents are also counted in the best-fit wards around it).
BEST_FIT = "best fit"
NEAREST = "best fit (nearest ward)"
OVERLAY = "areal overlay"

#: A PWC farther than this from every ward is a data error, not a coastline artefact.
MAX_NEAREST_M = 500.0


def assign_centroids_to_wards(centroids: gpd.GeoDataFrame, wards: gpd.GeoDataFrame, key: str) -> pd.DataFrame:
    """Best-fit each small area (by its population-weighted centroid) to the ward containing it.

    ``centroids``: points with the area code ``key`` (``oa21_code``, ``lsoa21_code`` ...);
    ``wards``: polygons with ``WD25CD``, both in British National Grid. Returns ``key, WD25CD,
    method, distance_m`` sorted by ``key``: ``method`` is :data:`BEST_FIT`, or :data:`NEAREST`
    for a centroid outside every ward (then ``distance_m`` is how far outside, in metres; 0
    otherwise). Raises ``ValueError`` for a centroid more than :data:`MAX_NEAREST_M` from any ward.
    """
    _require_bng(centroids, wards)
    inside = gpd.sjoin(centroids[[key, "geometry"]], wards[["WD25CD", "geometry"]],
                       how="left", predicate="within")
    # A point on a shared border can fall "within" none and "intersects" two; keep one, by code.
    inside = inside.sort_values([key, "WD25CD"]).drop_duplicates(key)
    found = inside.dropna(subset=["WD25CD"])[[key, "WD25CD"]].assign(method=BEST_FIT, distance_m=0.0)
    orphans = centroids[~centroids[key].isin(found[key])]
    if len(orphans):
        near = gpd.sjoin_nearest(orphans[[key, "geometry"]], wards[["WD25CD", "geometry"]],
                                 how="left", distance_col="distance_m")
        near = near.sort_values([key, "WD25CD"]).drop_duplicates(key)
        too_far = near[near["distance_m"] > MAX_NEAREST_M]
        if len(too_far):
            raise ValueError(
                f"{len(too_far)} centroid(s) lie more than {MAX_NEAREST_M:.0f} m from every ward, "
                f"e.g. {too_far[key].iloc[0]}: the centroids and ward boundaries do not cover "
                "the same area (check both are England, 2021 areas and British National Grid)")
        found = pd.concat([found, near[[key, "WD25CD", "distance_m"]].assign(method=NEAREST)])
    return found[[key, "WD25CD", "method", "distance_m"]].sort_values(key).reset_index(drop=True)


def oa_membership(oa_wards: pd.DataFrame, oa_residents: pd.DataFrame) -> pd.DataFrame:
    """The best-fit rows of the membership: each LSOA shared among the wards its OAs best-fit to.

    ``oa_wards``: ``oa21_code, WD25CD, method`` from :func:`assign_centroids_to_wards`;
    ``oa_residents``: ``oa21_code, lsoa21_code, residents`` (Census 2021 TS001 usual
    residents, one row per OA). Returns ``WD25CD, lsoa21_code, method, share`` sorted by ward
    then LSOA: ``share`` = residents of the LSOA's OAs in the ward / the LSOA's residents (the
    shares of an LSOA add to 1), ``method`` :data:`NEAREST` when any of those OAs went to its
    nearest ward, else :data:`BEST_FIT`. Raises ``ValueError`` for an OA without a ward or an
    LSOA without residents.
    """
    oas = oa_residents.merge(oa_wards[["oa21_code", "WD25CD", "method"]], on="oa21_code", how="left",
                             validate="one_to_one")
    lost = oas.loc[oas["WD25CD"].isna(), "oa21_code"]
    if len(lost):
        raise ValueError(f"{len(lost)} OA(s) have no ward, e.g. {lost.iloc[0]}: every OA needs a centroid")
    oas["nearest"] = oas["method"].eq(NEAREST)
    pieces = oas.groupby(["WD25CD", "lsoa21_code"], as_index=False).agg(
        residents=("residents", "sum"), nearest=("nearest", "any"))
    total = pieces.groupby("lsoa21_code")["residents"].transform("sum")
    if (total <= 0).any():
        raise ValueError(f"LSOA {pieces.loc[total <= 0, 'lsoa21_code'].iloc[0]} has no residents in its OAs")
    pieces["share"] = pieces["residents"] / total
    pieces["method"] = pieces["nearest"].map({True: NEAREST, False: BEST_FIT})
    return pieces[["WD25CD", "lsoa21_code", "method", "share"]].sort_values(["WD25CD", "lsoa21_code"]) \
        .reset_index(drop=True)


def overlay_empty_wards(empty_wards: gpd.GeoDataFrame, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Areal-overlay membership for wards that no OA centroid falls in.

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

    ``best_fit``: ``WD25CD, lsoa21_code, method, share`` from :func:`oa_membership`;
    ``overlay``: ``WD25CD, lsoa21_code, share`` from :func:`overlay_empty_wards`. Returns
    ``WD25CD, lsoa21_code, method, share`` sorted by ward then LSOA: the best-fit rows, plus
    :data:`OVERLAY` rows for the wards in ``overlay``.
    """
    rows = pd.concat([
        best_fit[["WD25CD", "lsoa21_code", "method", "share"]],
        overlay[["WD25CD", "lsoa21_code", "share"]].assign(method=OVERLAY),
    ])
    clash = set(overlay["WD25CD"]) & set(best_fit["WD25CD"])
    if clash:
        raise ValueError(f"ward(s) {sorted(clash)[:3]} have both best-fit and overlay LSOAs")
    return rows.sort_values(["WD25CD", "lsoa21_code"]).reset_index(drop=True)


def most_residents_ward(best_fit: pd.DataFrame) -> pd.Series:
    """The ward holding most of each LSOA's residents (largest ``share``; a tie goes to the lower code).

    ``best_fit``: the best-fit rows of the membership. Returns ``WD25CD`` by ``lsoa21_code``.
    """
    top = best_fit.sort_values(["lsoa21_code", "share", "WD25CD"], ascending=[True, False, True], kind="stable")
    return top.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["WD25CD"]


def lsoa_best_fit_comparison(official: pd.Series, by_centroid: pd.Series, by_residents: pd.Series) -> pd.DataFrame:
    """Each LSOA's one best-fit ward by three rules, side by side.

    ``official``: ONS's LSOA21 -> WD25 best-fit lookup; ``by_centroid``: the ward holding the
    LSOA's own population-weighted centroid; ``by_residents``: the ward holding most of its OA
    residents (:func:`most_residents_ward`); each a ward code by ``lsoa21_code``. Returns
    ``lsoa21_code, ward_code_ons, ward_code_lsoa_centroid, ward_code_most_residents`` and two
    booleans ``lsoa_centroid_agrees``, ``most_residents_agrees``, one row per LSOA of
    ``official``, sorted by LSOA.
    """
    out = pd.DataFrame({"ward_code_ons": official})
    out["ward_code_lsoa_centroid"] = by_centroid.reindex(out.index)
    out["ward_code_most_residents"] = by_residents.reindex(out.index)
    out["lsoa_centroid_agrees"] = out["ward_code_lsoa_centroid"].eq(out["ward_code_ons"])
    out["most_residents_agrees"] = out["ward_code_most_residents"].eq(out["ward_code_ons"])
    return out.rename_axis("lsoa21_code").sort_index().reset_index()


def _require_bng(*frames: gpd.GeoDataFrame) -> None:
    for frame in frames:
        if frame.crs is None or not frame.crs.equals(BNG):
            raise ValueError(f"expected British National Grid ({BNG}), got {frame.crs}; reproject with .to_crs('{BNG}')")
