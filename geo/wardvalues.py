"""How ward values are made from small-area data (LSOA, Output Area, MSOA), for every theme.

The ways a ward value is made, each its own function so the record can say which:

* **summed** counts (:func:`ward_counts`): Census 2021 people counted in the ward. An LSOA
  whose Output Areas fall in several wards has its count split among them by the residents of
  its OAs in each, in whole people (:func:`geo.wards.apportion_counts`), so ward counts are
  whole numbers and add up to LAD totals exactly. A ward that no OA best-fits to (its value
  comes from an areal overlay of neighbouring LSOAs, see :mod:`geo.bestfit`) gets no count:
  those residents are already counted in the ward their OAs best-fit to, so a count would be
  counted twice. Its percentage is still estimated (:func:`ward_percentages`).
* **Output Area** sums (:func:`ward_general_health`): Census 2021 general health is published
  by OA, so best-fit wards are summed from their own OAs exactly.
* **population-weighted** means of LSOA rates, ratios and scores (:func:`ward_means`).
* **estimates** from MSOA 2011 values (life expectancy, QOF prevalence): see :mod:`geo.msoa`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.bestfit import OVERLAY
from geo.manifest import WARD_LAST, WARD_LEAD
from geo.wards import apportion_counts, lsoa_pieces

#: Why a ward has a percentage but no count (see the module docstring).
OVERLAY_COUNT_NOTE = ("no count: no Output Area best-fits to this ward, so its residents are counted in "
                      "neighbouring wards; the percentage is an areal-overlay estimate")



def weighted_means(values: pd.DataFrame, weights: pd.Series, by: pd.Series) -> pd.DataFrame:
    """Weighted mean of every column of ``values`` within groups ``by``, skipping missing values.

    A value that is NaN drops out of both numerator and denominator for that column, so a
    ward whose every LSOA lacks a value gets NaN rather than 0.
    """
    present = values.notna()
    w = present.mul(weights, axis=0)
    num = values.fillna(0).mul(w).groupby(by.to_numpy()).sum()
    den = w.groupby(by.to_numpy()).sum()
    return num.div(den.where(den > 0, np.nan))


def ward_counts(pieces: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Sum LSOA counts over each ward's best-fit pieces, split in whole people; NaN for overlay wards.

    ``pieces``: every (ward, LSOA) piece, with ``WD25CD``, ``lsoa21_code``, ``method``,
    ``share`` and the LSOA's whole-number count ``columns`` (people, from
    :func:`geo.wards.lsoa_pieces`). Returns one row per ward (index ``WD25CD``). Each LSOA's
    count is split among its wards by :func:`geo.wards.apportion_counts`, so the counts of the
    wards of a LAD add up to the LAD's LSOA total.
    """
    split = apportion_counts(pieces, columns)
    overlay = split["method"].eq(OVERLAY).groupby(split["WD25CD"]).any()
    sums = split.groupby("WD25CD")[columns].sum(min_count=1)
    return sums.where(~overlay.reindex(sums.index), np.nan)


def ward_percentages(pieces: pd.DataFrame, numerator: str, denominator: str) -> pd.Series:
    """100 x (sum of ``numerator``) / (sum of ``denominator``) per ward, over its LSOA pieces.

    Both counts are split among the pieces as in :func:`ward_counts` (the area share for an
    overlay ward), so for a best-fit ward this is its count over its residents and for an
    overlay ward an estimate.
    """
    split = apportion_counts(pieces, [numerator, denominator])
    num = split[numerator].groupby(split["WD25CD"]).sum(min_count=1)
    den = split[denominator].groupby(split["WD25CD"]).sum(min_count=1)
    return 100.0 * num / den.where(den > 0, np.nan)


#: Census 2021 TS037 general health: the OA percentage column -> the ward column.
GENERAL_HEALTH = {"pct_good": "pct_good_or_very_good_health_census2021",
                  "pct_bad": "pct_bad_or_very_bad_health_census2021"}


def ward_general_health(oas: pd.DataFrame, oa_wards: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Crude percentages of residents in good or very good, and bad or very bad, health per ward.

    ``oas``: one row per English OA with ``oa21_code``, ``lsoa21_code``, ``residents`` (Census
    2021 TS001 usual residents) and the TS037 percentages ``pct_good`` / ``pct_bad`` (of usual
    residents, 1 dp); ``oa_wards``: ``oa21_code, WD25CD`` (see
    :func:`geo.bestfit.assign_centroids_to_wards`); ``membership``: the ward membership, whose
    areal-overlay rows give the wards no OA best-fits to. Each OA's percentage times its
    residents is a count of people (not whole: the percentages are rounded); a best-fit ward's
    value is the sum of its OAs' counts over the sum of their residents, x 100. An overlay
    ward's is the same ratio over its overlay LSOAs (each the sum of its OAs) weighted by area
    share. Returns one row per ward (index ``WD25CD``) with the :data:`GENERAL_HEALTH` columns,
    in % (0-100), not age-standardised. Raises ``ValueError`` for an OA without a value.
    """
    missing = oas.loc[oas[list(GENERAL_HEALTH)].isna().any(axis=1), "oa21_code"]
    if len(missing):
        raise ValueError(f"{len(missing)} OA(s) have no general health percentage, e.g. {missing.iloc[0]}")
    counts = oas[["oa21_code", "lsoa21_code", "residents"]].assign(
        **{c: oas[c] * oas["residents"] / 100.0 for c in GENERAL_HEALTH})
    placed = counts.merge(oa_wards[["oa21_code", "WD25CD"]], on="oa21_code", how="left", validate="one_to_one")
    sums = placed.groupby("WD25CD")[["residents", *GENERAL_HEALTH]].sum()
    overlay = membership[membership["method"] == OVERLAY]
    lsoas = counts.groupby("lsoa21_code", as_index=False)[["residents", *GENERAL_HEALTH]].sum()
    pieces = lsoa_pieces(overlay, lsoas, "residents")
    for column in ("residents", *GENERAL_HEALTH):
        pieces[column] = pieces[column] * pieces["share"]
    sums = pd.concat([sums, pieces.groupby("WD25CD")[["residents", *GENERAL_HEALTH]].sum()])
    out = sums[list(GENERAL_HEALTH)].div(sums["residents"].where(sums["residents"] > 0), axis=0) * 100.0
    return out.rename(columns=GENERAL_HEALTH).rename_axis("WD25CD").sort_index()


def ward_means(pieces: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Weighted mean of LSOA ``columns`` per ward, weighted by the pieces' ``weight``.

    ``pieces``: from :func:`geo.wards.lsoa_pieces` (``weight`` = the chosen population x
    share). Missing LSOA values drop out (see :func:`weighted_means`).
    """
    return weighted_means(pieces[columns], pieces["weight"], pieces["WD25CD"]).rename_axis("WD25CD")


def ward_table(register: pd.DataFrame, parts: list[pd.DataFrame | pd.Series]) -> pd.DataFrame:
    """The ward register's lead columns, then ``parts`` (indexed by ward code), then ``method_flag``.

    ``register``: from :func:`geo.wards.ward_register`; ``parts``: frames or named series whose
    index is the 2025 ward code. One row per ward of the register, sorted by ward code; a ward
    missing from a part gets NaN.
    """
    out = register[list(WARD_LEAD)].set_index("ward_code")
    for part in parts:
        out = out.join(part.to_frame() if isinstance(part, pd.Series) else part, how="left")
    out[list(WARD_LAST)] = register.set_index("ward_code")[list(WARD_LAST)]
    return out.rename_axis("ward_code").reset_index().sort_values("ward_code").reset_index(drop=True)
