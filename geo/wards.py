"""The ward register: every 2025 ward with its LAD, ICB, Census 2021 population and method."""

from __future__ import annotations

import pandas as pd

from geo.bestfit import OVERLAY


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


def ward_register(wards: pd.DataFrame, membership: pd.DataFrame, population: pd.DataFrame,
                  icbs: pd.DataFrame) -> pd.DataFrame:
    """One row per ward: code, name, LAD, ICB, Census 2021 population and how it was made.

    ``wards``: ``WD25CD, WD25NM, LAD25CD, LAD25NM``; ``membership`` from
    :func:`geo.bestfit.ward_membership`; ``population``: ``lsoa21_code, population``
    (Census 2021 usual residents); ``icbs``: ``lsoa21_code, icb_code, icb_name`` (ONS LSOA21 to
    ICB April 2024). The ward's ICB is the one holding most of its (best-fit or overlay)
    population; ties go to the lower code. ``population`` is the best-fit total, or for an
    overlay ward the area-weighted estimate (those residents are also counted in the ward
    their LSOA best-fits to). ``method_flag`` says which.
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
    out["method_flag"] = out["method"].where(out["method"] == OVERLAY, "best fit")
    return out.drop(columns="method").sort_values("ward_code").reset_index(drop=True)
