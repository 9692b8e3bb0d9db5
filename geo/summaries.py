"""MHCLG's Indices of Deprivation summary measures for any grouping of LSOAs.

The English Indices of Deprivation are published for LSOAs; MHCLG summarises them for
larger areas (File 10 for lower-tier local authority districts, further files for other
areas) with the measures below. :func:`summarise_deprivation` computes them for *any*
grouping a caller passes (wards, LADs, ICBs ...), as defined in McLennan et al. (2019)
*The English Indices of Deprivation 2019: Technical report*, MHCLG, Appendix N (its extent
wording is quoted in humaniverse/IMD ``R/extent.R``). Where the report leaves a detail
open (which percentile an LSOA is in; how the LSOA straddling the 10% line counts), the
rule here is the one that reproduces the published File 10 figures.

``tests/test_summaries.py`` proves the method by reproducing the published IoD2019 File 10
IMD summaries for all 317 LADs from the LSOA files.

Conventions, chosen so that the output compares directly with File 10:

* The input ``rank`` is the LSOA's national rank with **1 = most deprived** (as in Files
  1-3). MHCLG's rank-based summaries (``average_rank``, ``local_concentration``) are
  published on the **reversed** scale, on which the most deprived LSOA in England scores
  ``n_national`` and the least deprived 1, so a *higher* average rank means *more*
  deprived (File 10: Blackpool 26,765.29, rank of average rank 1). This module returns them
  on that published scale: ``reversed rank = n_national + 1 - rank``.
* ``proportion_most_deprived_10`` and ``extent`` are fractions 0-1, as File 10 publishes
  them (File 10 rounds them to 4 decimal places; this module does not round).
* Every ``rank_of_...`` column ranks the groups passed (not England) with 1 = most deprived.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Share of the group's population whose LSOAs define local concentration (Appendix N).
LOCAL_CONCENTRATION_SHARE = 0.1

#: Extent: LSOAs in national percentiles 1..10 count in full; percentiles 11..30 get the
#: sliding weight ``0.95 - (p - 11) * (0.95 - 0.05) / 19`` (0.95 at the 11th percentile,
#: 0.05 at the 30th); beyond the 30th percentile they count 0 (IoD2019 Technical report,
#: Appendix N).
_EXTENT_FULL_PERCENTILE = 10
_EXTENT_LAST_PERCENTILE = 30
_EXTENT_FIRST_WEIGHT, _EXTENT_LAST_WEIGHT = 0.95, 0.05

#: The columns :func:`summarise_deprivation` returns, in order, with what each holds.
OUTPUT_COLUMNS: dict[str, str] = {
    "average_score": "Population-weighted mean LSOA score (units of ``score``).",
    "rank_of_average_score": "Rank among the groups passed, 1 = highest average score (most deprived).",
    "average_rank": "Population-weighted mean LSOA rank on MHCLG's published reversed scale (``n_national`` = "
                    "most deprived LSOA, 1 = least), so higher = more deprived.",
    "rank_of_average_rank": "Rank among the groups passed, 1 = highest ``average_rank`` (most deprived).",
    "proportion_most_deprived_10": "Fraction 0-1 of the group's LSOAs (a count, not population) in England's most "
                                   "deprived 10%, i.e. national decile 1: ``rank <= n_national / 10``.",
    "extent": "Fraction 0-1 of the group's population living in the most deprived 30% of LSOAs nationally, "
              "weighted: LSOAs in national percentiles 1-10 count in full; percentile ``p`` in 11-30 counts with "
              "weight ``0.95 - (p - 11) * 0.9 / 19`` (0.95 ... 0.05); ``p = ceil(100 * rank / n_national)``.",
    "local_concentration": "Population-weighted mean reversed rank of the group's most deprived LSOAs that "
                           "together hold exactly 10% of its population; the LSOA straddling the 10% line counts "
                           "with only the population needed to reach it.",
    "population": "Sum of the population weights (persons).",
    "n_lsoas": "Number of LSOAs in the group.",
}


def _checked_inputs(lsoas: pd.DataFrame, by: str, score: str, rank: str, population: str,
                    n_national: int | None) -> int:
    """Validate the input frame; return the national LSOA count to use."""
    missing = [c for c in (by, score, rank, population) if c not in lsoas.columns]
    if missing:
        raise ValueError(
            f"summarise_deprivation: column(s) {', '.join(map(repr, missing))} not in the LSOA "
            f"frame (columns: {', '.join(map(str, lsoas.columns))}); pass the right names with "
            "by=, score=, rank=, population=")
    for col in (by, score, rank, population):
        n_missing = int(lsoas[col].isna().sum())
        if n_missing:
            raise ValueError(
                f"summarise_deprivation: {n_missing} LSOA(s) have no value in {col!r}; every LSOA "
                "needs a group, a score, a rank and a population - drop or fill them before summarising")
    for col in (score, rank, population):
        if not pd.api.types.is_numeric_dtype(lsoas[col]):
            raise ValueError(f"summarise_deprivation: column {col!r} must be numeric, "
                             f"got {lsoas[col].dtype}")
    if (lsoas[population] < 0).any():
        raise ValueError(f"summarise_deprivation: negative values in {population!r}; "
                         "population weights must be >= 0")
    if n_national is not None and (isinstance(n_national, bool) or not isinstance(n_national, (int, np.integer))
                                   or n_national < 1):
        raise ValueError(
            f"summarise_deprivation: n_national must be a positive whole number, got {n_national!r}")
    n = len(lsoas) if n_national is None else int(n_national)
    ranks = lsoas[rank]
    if len(ranks) and (ranks.min() < 1 or ranks.max() > n):
        raise ValueError(
            f"summarise_deprivation: ranks in {rank!r} run from {ranks.min()} to {ranks.max()} but must "
            f"lie in 1..{n} (n_national={'len(lsoas)' if n_national is None else n_national}); when you "
            "pass a subset of England's LSOAs give n_national= the number of LSOAs in England for the "
            "edition (IoD2019: 32,844; IoD2025: 33,755)")
    return int(n)


def _extent_weight(rank: np.ndarray, n_national: int) -> np.ndarray:
    """Appendix N extent weight of each LSOA, from its national rank (1 = most deprived).

    National percentile ``p = ceil(100 * rank / n_national)`` (1 = most deprived 1%, the same
    equal-count rule as the published deciles, ``decile = ceil(10 * rank / n_national)``).
    """
    percentile = np.ceil(100.0 * rank / n_national)
    n_steps = _EXTENT_LAST_PERCENTILE - _EXTENT_FULL_PERCENTILE - 1  # 19 steps from p = 11 to p = 30
    step = (_EXTENT_FIRST_WEIGHT - _EXTENT_LAST_WEIGHT) / n_steps
    sliding = _EXTENT_FIRST_WEIGHT - (percentile - (_EXTENT_FULL_PERCENTILE + 1)) * step
    return np.where(percentile <= _EXTENT_FULL_PERCENTILE, 1.0,
                    np.where(percentile <= _EXTENT_LAST_PERCENTILE, sliding, 0.0))


def _local_concentration(key: pd.Series, rank: np.ndarray, reversed_rank: np.ndarray,
                         population: np.ndarray) -> pd.Series:
    """Population-weighted mean reversed rank of each group's most deprived LSOAs holding 10%
    of its population; the LSOA straddling the 10% line counts with the part of its
    population that is needed to reach it. NaN for groups with no population."""
    frame = pd.DataFrame({"key": key.to_numpy(), "rank": rank, "rev": reversed_rank, "pop": population})
    # LSOAs tied on rank share a reversed rank, so their order within a group does not matter.
    frame = frame.sort_values(["key", "rank"])
    grouped = frame.groupby("key")["pop"]
    before = grouped.cumsum().to_numpy() - frame["pop"].to_numpy()
    threshold = LOCAL_CONCENTRATION_SHARE * grouped.transform("sum").to_numpy()
    used = np.clip(threshold - before, 0.0, frame["pop"].to_numpy())
    sums = pd.DataFrame({"key": frame["key"].to_numpy(), "used": used,
                         "used_rev": used * frame["rev"].to_numpy()}).groupby("key").sum()
    return sums["used_rev"] / sums["used"].where(sums["used"] > 0)


def _group_sums(key: pd.Series, score: np.ndarray, rank: np.ndarray, reversed_rank: np.ndarray,
                population: np.ndarray, n_national: int) -> pd.DataFrame:
    """Per group (sorted by key): population, population x score, x reversed rank and x extent
    weight, the LSOAs in national decile 1, and the LSOAs."""
    parts = pd.DataFrame({
        "key": key.to_numpy(),
        "population": population,
        "pop_score": population * score,
        "pop_rev": population * reversed_rank,
        "pop_extent": population * _extent_weight(rank, n_national),
        "most_deprived_10": rank * 10 <= n_national,
        "n_lsoas": np.ones(len(key), dtype=np.int64),
    })
    return parts.groupby("key").sum()  # sorted by key


def summarise_deprivation(lsoas: pd.DataFrame, by: str, *, score: str = "score", rank: str = "rank",
                          population: str = "population", n_national: int | None = None) -> pd.DataFrame:
    """MHCLG's IoD summary measures (IoD2019 Technical report, Appendix N) for groups of LSOAs.

    Parameters
    ----------
    lsoas
        One row per LSOA: the group key ``by``, the LSOA's national ``score`` (e.g. IMD score),
        its national ``rank`` (1 = most deprived, ranked over *all* English LSOAs of the
        edition) and a ``population`` weight (persons; MHCLG uses the File 6 denominators,
        mid-2015 total population excluding prisoners, for IoD2019). No value may be missing.
    by
        Column holding the group key (ward, LAD, ICB code ...).
    n_national
        Number of LSOAs in England for the edition (IoD2019: 32,844; IoD2025: 33,755). It
        defaults to ``len(lsoas)``, which is only right when every English LSOA is passed:
        **callers passing a subset must give it**, otherwise the national 10%/30% cut-offs
        and the reversed ranks are wrong. A ``ValueError`` is raised if a rank exceeds it.

    Returns
    -------
    One row per group, indexed by the group key (sorted), with the columns of
    :data:`OUTPUT_COLUMNS` (each described there), in that order.

    Groups whose population is 0 get NaN for the population-weighted measures (and
    ``<NA>`` ranks); ``proportion_most_deprived_10``, ``population`` and ``n_lsoas`` are
    still given. Ties between groups share the lowest rank (``method="min"``).

    Raises
    ------
    ValueError
        A column is missing or non-numeric, a value is missing, a population is negative
        or a rank lies outside ``1..n_national``.
    """
    n = _checked_inputs(lsoas, by, score, rank, population, n_national)
    key = lsoas[by]
    rank_values = lsoas[rank].to_numpy(dtype=float)
    pop = lsoas[population].to_numpy(dtype=float)
    reversed_rank = n + 1 - rank_values
    sums = _group_sums(key, lsoas[score].to_numpy(dtype=float), rank_values, reversed_rank, pop, n)
    weight = sums["population"].where(sums["population"] > 0)

    out = pd.DataFrame(index=sums.index.rename(by))
    out["average_score"] = sums["pop_score"] / weight
    out["rank_of_average_score"] = out["average_score"].rank(ascending=False, method="min").astype("Int64")
    out["average_rank"] = sums["pop_rev"] / weight
    out["rank_of_average_rank"] = out["average_rank"].rank(ascending=False, method="min").astype("Int64")
    out["proportion_most_deprived_10"] = sums["most_deprived_10"] / sums["n_lsoas"]
    out["extent"] = sums["pop_extent"] / weight
    out["local_concentration"] = _local_concentration(key, rank_values, reversed_rank, pop)
    out["population"] = sums["population"]
    out["n_lsoas"] = sums["n_lsoas"]
    return out[list(OUTPUT_COLUMNS)]
