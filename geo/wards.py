"""LSOA pieces of wards, whole-number count splits, and the ward register (LAD, ICB, population)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.bestfit import BEST_FIT, OVERLAY


def lsoa_pieces(membership: pd.DataFrame, lsoa_values: pd.DataFrame, weight: str) -> pd.DataFrame:
    """Join LSOA values onto the ward membership and weight each (ward, LSOA) piece.

    ``membership``: ``WD25CD, lsoa21_code, method, share`` (see :mod:`geo.bestfit`);
    ``lsoa_values``: one row per LSOA keyed by ``lsoa21_code`` including the column ``weight``
    (a population count). Adds ``weight`` = that count x ``share`` under the column name
    ``"weight"``. LSOAs missing from ``lsoa_values`` raise ``ValueError``.
    """
    pieces = membership.merge(lsoa_values, on="lsoa21_code", how="left", validate="many_to_one")
    missing = pieces[pieces[weight].isna()]["lsoa21_code"].unique()
    if len(missing):
        raise ValueError(f"{len(missing)} LSOA(s) in the ward membership have no {weight!r}, e.g. {missing[0]}")
    pieces["weight"] = pieces[weight] * pieces["share"]
    return pieces


def apportion_counts(pieces: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Split each LSOA's counts among its (ward, LSOA) pieces by ``share``, in whole numbers.

    ``pieces``: from :func:`lsoa_pieces`, holding *every* piece of each LSOA, with the LSOA's
    whole-number counts in ``columns`` (people). On the best-fit rows each LSOA's count is
    split by largest remainder: every piece gets ``floor(count x share)`` and the people left
    over go one each to the pieces with the largest fractional parts (a tie goes to the lower
    ward code), so the parts are whole and add up to the LSOA's count exactly; ward sums
    therefore equal LAD and England totals exactly. Areal-overlay rows (estimates that
    duplicate best-fit residents) get ``count x share`` unrounded. A missing count stays
    missing. Returns a copy of ``pieces`` with ``columns`` replaced. Raises ``ValueError``
    for a count that is not a whole number.
    """
    out = pieces.copy()
    best = out["method"].ne(OVERLAY).to_numpy()
    order = out[best].assign(_row=np.flatnonzero(best))
    for column in columns:
        counts = out[column]
        odd = counts[counts.notna() & (counts % 1 != 0)]
        if len(odd):
            raise ValueError(f"{column!r}: {len(odd)} count(s) are not whole numbers, e.g. {odd.iloc[0]}")
        exact = (counts * out["share"]).round(9)  # 9 dp: floating-point dust must not cost a person
        whole = np.floor(exact)
        share_out = order.assign(whole=whole[best].to_numpy(), frac=(exact - whole)[best].to_numpy())
        left = (counts[best].to_numpy() - share_out.groupby("lsoa21_code")["whole"].transform("sum").to_numpy())
        ranked = share_out.assign(left=left).sort_values(["lsoa21_code", "frac", "WD25CD"],
                                                         ascending=[True, False, True], kind="stable")
        ranked["extra"] = (ranked.groupby("lsoa21_code").cumcount() < ranked["left"].round()).astype(float)
        result = exact.copy()
        result.iloc[ranked["_row"].to_numpy()] = (ranked["whole"] + ranked["extra"]).to_numpy()
        out[column] = result.where(counts.notna())
    return out


def ward_register(wards: pd.DataFrame, membership: pd.DataFrame, population: pd.DataFrame,
                  icbs: pd.DataFrame) -> pd.DataFrame:
    """One row per ward: code, name, LAD, ICB, Census 2021 population and how it was made.

    ``wards``: ``WD25CD, WD25NM, LAD25CD, LAD25NM``; ``membership`` from
    :func:`geo.bestfit.ward_membership`; ``population``: ``lsoa21_code, population``
    (Census 2021 usual residents: the sum of the LSOA's OA counts, so that population x share is
    the residents of the LSOA's OAs in the ward); ``icbs``: ``lsoa21_code, icb_code, icb_name``
    (ONS LSOA21 to ICB April 2024). The ward's ICB is the one holding most of its (best-fit or
    overlay) population; ties go to the lower code. ``population`` is the residents of the OAs
    that best-fit to the ward, or for an overlay ward the area-weighted estimate (those
    residents are also counted in the ward their OAs best-fit to). ``method_flag`` says which.
    """
    pieces = lsoa_pieces(membership, population.merge(icbs, on="lsoa21_code", how="left"), "population")
    by_icb = (pieces.groupby(["WD25CD", "icb_code", "icb_name"], as_index=False)["weight"].sum()
              .sort_values(["WD25CD", "weight", "icb_code"], ascending=[True, False, True])
              .drop_duplicates("WD25CD"))
    totals = pieces.groupby("WD25CD").agg(population=("weight", "sum"), method=("method", "first"))
    out = (wards.rename(columns={"WD25CD": "ward_code", "WD25NM": "ward_name",
                                 "LAD25CD": "lad_code", "LAD25NM": "lad_name"})
           [["ward_code", "ward_name", "lad_code", "lad_name"]]
           .merge(by_icb[["WD25CD", "icb_code", "icb_name"]], left_on="ward_code", right_on="WD25CD", how="left")
           .merge(totals, left_on="ward_code", right_index=True, how="left")
           .drop(columns="WD25CD"))
    out["population"] = out["population"].round().astype("int64")
    out["method_flag"] = out["method"].where(out["method"] == OVERLAY, BEST_FIT)
    return out.drop(columns="method").sort_values("ward_code").reset_index(drop=True)


def census_ward_check(register: pd.DataFrame, census: pd.DataFrame) -> pd.DataFrame:
    """Ward populations against the Census 2021 ward tables, for the wards whose code is unchanged.

    ``register``: from :func:`ward_register`; ``census``: one row per 2022 ward with
    ``ward22_code`` and the five TS037 general health counts ``health_*`` (together all usual
    residents). Returns ``ward_code, ward_name, census, population, error`` (error = population
    / census - 1) for every ward code in both, sorted by code.
    """
    counts = census.set_index("ward22_code").filter(like="health_").sum(axis=1).rename("census")
    out = register[["ward_code", "ward_name", "population"]].merge(counts, left_on="ward_code", right_index=True)
    out["error"] = out["population"] / out["census"] - 1
    return out[["ward_code", "ward_name", "census", "population", "error"]].sort_values("ward_code").reset_index(drop=True)
