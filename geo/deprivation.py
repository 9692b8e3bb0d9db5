"""Deprivation for 2025 wards from the LSOA Indices of Deprivation (IoD2025, IoD2019 recast).

Ward values are MHCLG's summary measures (:func:`geo.summaries.summarise_deprivation`)
computed over the ward's LSOA *pieces* (see :mod:`geo.wards`), plus population-weighted
domain averages and the share of residents in the national most deprived LSOAs.

IoD2019 is on LSOA 2011. It is recast onto 2025 wards through the official LSOA 2011 to
LSOA 2021 lookup: each (LSOA11, LSOA21) pair carries the LSOA11's values and a share of its
mid-2015 population (the IoD2019 denominator) in proportion to the LSOA21's Census 2021
population among the LSOA21s it maps to. Unchanged and merged LSOAs keep their whole
population, split ones divide it, and the few redesigned ones are apportioned the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.wardvalues import weighted_means
from geo.summaries import summarise_deprivation

#: LSOAs in England for each edition: the national ranks run 1..N.
N_LSOAS = {2025: 33_755, 2019: 32_844}

#: Domain column stems, as in :mod:`geo.rawdata`, and this project's output names.
DOMAINS = {
    "Income": "income", "Employment": "employment", "Education": "education", "Health": "health",
    "Crime": "crime", "Housing_and_Services": "barriers", "Environment": "living_environment",
}

#: IoD2019 File 6 denominators (mid-2015, excluding prisoners) carried onto LSOA21 pieces.
DENOMINATORS_2019 = ("population", "pop_0_15", "pop_60_plus")

LABEL_2019 = "IoD2019 recast to 2025 wards — not directly comparable with IoD2025"

_SUMMARY_NAMES = {
    "average_score": "imd_score", "average_rank": "imd_average_rank",
    "rank_of_average_score": "imd_rank_in_england",
    "extent": "imd_extent", "local_concentration": "imd_local_concentration",
}

AREA_SUMMARY_COLUMNS = [
    "area_code", "area_name", "basis", "population", "n_lsoas", "imd_average_score", "imd_rank_of_average_score",
    "imd_average_rank", "imd_rank_of_average_rank", "imd_proportion_most_deprived_10",
    "imd_extent", "imd_local_concentration",
]


def _decile_of_rank(rank: pd.Series, n: pd.Series | int) -> pd.Series:
    """Decile (1 = most deprived tenth) of a rank among ``n``, as MHCLG bands LSOA ranks."""
    return np.ceil(rank * 10 / n).astype("Int64")


def _shares(pieces: pd.DataFrame, flags: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Share of each ward's weight (named weight column) where a boolean condition holds."""
    out = {}
    for name, (condition, weight) in flags.items():
        w = pieces[weight] * pieces["share"]
        hit = w.where(pieces[condition], 0.0)
        total = w.groupby(pieces["WD25CD"]).sum()
        out[name] = hit.groupby(pieces["WD25CD"]).sum() / total.where(total > 0, np.nan)
    return pd.DataFrame(out)


def ward_deprivation(pieces: pd.DataFrame, register: pd.DataFrame, edition: int,
                     child_weight: str, older_weight: str, with_scores: bool) -> pd.DataFrame:
    """Ward-level deprivation for one IoD edition from weighted LSOA pieces.

    ``pieces``: one row per (ward, LSOA) with ``WD25CD``, ``share``, ``weight`` (population x
    share), ``IMD_score``, ``IMD_rank``, ``IMD_decile``, ``<Domain>_rank`` (and
    ``<Domain>_score`` if ``with_scores``), ``IDACI_decile``, ``IDAOPI_decile`` and the raw
    population columns named by ``child_weight`` / ``older_weight`` (the IDACI and IDAOPI
    shares are of children and of older people respectively).
    ``register``: from :func:`geo.wards.ward_register`, whose geography columns lead the result.
    """
    n = N_LSOAS[edition]
    summary = summarise_deprivation(pieces, "WD25CD", score="IMD_score", rank="IMD_rank",
                                    population="weight", n_national=n)
    out = summary[list(_SUMMARY_NAMES)].rename(columns=_SUMMARY_NAMES)
    pieces = pieces.assign(core20=pieces["IMD_decile"] <= 2, decile1=pieces["IMD_decile"] == 1,
                           idaci1=pieces["IDACI_decile"] == 1, idaopi1=pieces["IDAOPI_decile"] == 1)
    out = out.join(_shares(pieces, {
        "core20_share": ("core20", "population"), "decile1_share": ("decile1", "population"),
        "idaci_decile1_share": ("idaci1", child_weight), "idaopi_decile1_share": ("idaopi1", older_weight),
    }))
    domain_cols = [f"{d}_rank" for d in DOMAINS] + ([f"{d}_score" for d in DOMAINS] if with_scores else [])
    values = pieces[domain_cols].copy()
    ranks = [c for c in domain_cols if c.endswith("_rank")]
    values[ranks] = n + 1 - values[ranks]  # MHCLG's average rank runs the other way: N = most deprived
    domains = weighted_means(values, pieces["weight"], pieces["WD25CD"])
    domains.columns = [f"{DOMAINS[c.rsplit('_', 1)[0]]}_{'average_rank' if c.endswith('_rank') else 'score'}"
                       for c in domain_cols]
    out = out.join(domains)
    result = register.merge(out, left_on="ward_code", right_index=True, how="left")
    result["imd_decile_england"] = _decile_of_rank(result["imd_rank_in_england"], len(result))
    rank_icb = result.groupby("icb_code")["imd_score"].rank(ascending=False, method="min")
    result["imd_decile_icb"] = _decile_of_rank(rank_icb, result.groupby("icb_code")["imd_score"].transform("count"))
    lead = ["ward_code", "ward_name", "lad_code", "lad_name", "icb_code", "icb_name", "population",
            "imd_score", "imd_average_rank", "imd_rank_in_england", "imd_decile_england", "imd_decile_icb",
            "core20_share", "decile1_share", "imd_extent", "imd_local_concentration"]
    rest = sorted(c for c in result.columns if c not in lead and c != "method_flag")
    return result[lead + rest + ["method_flag"]]


def area_summaries(lsoas: pd.DataFrame, by: str, name: str, edition: int) -> pd.DataFrame:
    """MHCLG IMD summary measures for the areas ``by`` (named by ``name``) of one edition.

    ``lsoas``: one row per LSOA (for IoD2019, per LSOA11 -> LSOA21 pair) with ``by``, ``name``,
    ``IMD_score``, ``IMD_rank`` and ``weight`` (its population). Whole LSOAs: ``n_lsoas`` and
    ``imd_proportion_most_deprived_10`` count rows. ``basis`` says the figures are computed.
    """
    summary = summarise_deprivation(lsoas, by, score="IMD_score", rank="IMD_rank",
                                    population="weight", n_national=N_LSOAS[edition])
    names = lsoas.drop_duplicates(by).set_index(by)[name]
    out = summary.rename(columns=lambda c: c if c in ("population", "n_lsoas") else f"imd_{c}")
    out = out.assign(area_name=names.reindex(out.index), basis=BASIS_COMPUTED[edition])
    return out.rename_axis("area_code").reset_index()[AREA_SUMMARY_COLUMNS]


def lsoa11_pieces(lookup: pd.DataFrame, population21: pd.DataFrame) -> pd.DataFrame:
    """Each (LSOA11, LSOA21) pair with ``share11``, the part of the LSOA11 it carries.

    ``lookup``: the official ``lsoa11_code, lsoa21_code`` lookup (England and Wales);
    ``population21``: ``lsoa21_code, population`` (Census 2021). A pair's share is the
    LSOA21's population over the population of all LSOA21s that LSOA11 maps to; shares of each
    LSOA11 add to 1.
    """
    pairs = lookup[["lsoa11_code", "lsoa21_code"]].merge(population21[["lsoa21_code", "population"]],
                                                         on="lsoa21_code", how="left")
    total = pairs.groupby("lsoa11_code")["population"].transform("sum")
    pairs["share11"] = pairs["population"] / total
    return pairs[["lsoa11_code", "lsoa21_code", "share11"]]


def carry_2019(imd2019: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """IoD2019 LSOA11 values carried onto LSOA21s: one row per (LSOA11, LSOA21) pair.

    ``imd2019``: one row per LSOA11 with the IoD2019 values and the mid-2015 denominators
    ``population``, ``pop_0_15``, ``pop_60_plus``; ``pairs`` from :func:`lsoa11_pieces`. The
    denominators are scaled by the pair's ``share11``, so a split LSOA11's people are divided
    among its LSOA21s and every pair can be summed into today's areas.
    """
    carried = pairs.merge(imd2019, on="lsoa11_code", how="inner", validate="many_to_one")
    for col in DENOMINATORS_2019:
        carried[col] = carried[col] * carried["share11"]
    return carried


def recast_2019(carried: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """IoD2019 LSOA11 values spread onto 2025 ward pieces.

    ``carried``: from :func:`carry_2019`; ``membership`` from
    :func:`geo.bestfit.ward_membership`. Returns one row per (ward, LSOA21, LSOA11) with
    ``weight`` = the scaled mid-2015 population x the ward's share of the LSOA21, ready for
    :func:`ward_deprivation`.
    """
    uncovered = set(membership["lsoa21_code"]) - set(carried["lsoa21_code"])
    if uncovered:
        raise ValueError(f"{len(uncovered)} LSOA21(s) get no IoD2019 LSOA11 through the lookup, "
                         f"e.g. {min(uncovered)}: the lookup and the IoD2019 files do not match")
    pieces = membership.merge(carried, on="lsoa21_code", how="inner")
    pieces["weight"] = pieces["population"] * pieces["share"]
    return pieces


def current_lad_codes(codes: pd.Series, history: pd.DataFrame) -> pd.Series:
    """Each LAD code as the code of the LAD it is part of today (e.g. 2024's Barnsley E08000016 -> E08000038).

    ``history``: ``lad_code, lad_code_active`` (every LAD code since 2011 and its current
    code). Raises ``ValueError`` for a code the history does not know.
    """
    active = history.set_index("lad_code")["lad_code_active"]
    out = codes.map(active)
    unknown = codes[out.isna()]
    if len(unknown):
        raise ValueError(f"{unknown.nunique()} LAD code(s) are not in the LAD code history, e.g. {unknown.iloc[0]}")
    return out


#: What each summaries file holds, in its ``basis`` column, so published and computed figures
#: are never confused.
BASIS_OFFICIAL = "MHCLG published"
BASIS_COMPUTED = {2025: "computed by WardLens with Census 2021 weights",
                  2019: "computed by WardLens: IoD2019 recast to today's areas with mid-2015 weights"}


def official_summaries(published: pd.DataFrame, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """MHCLG's published IoD2025 summaries for LADs or ICBs, with today's codes and a ``basis`` column.

    ``published``: one row per area with ``area_code``, ``area_name`` and the value columns as
    :mod:`geo.rawdata` renames them (``imd_average_score``, ``income_scale`` ...); ``history``:
    the LAD code history (see :func:`current_lad_codes`) for a LAD file, ``None`` for ICBs.
    Values are unchanged. Columns: ``area_code, area_name, basis``, then IMD's measures, then
    each domain's (in :data:`DOMAINS` order; the income and employment scales with their
    domain); sorted by ``area_code``.
    """
    out = published.copy()
    if history is not None:
        out["area_code"] = current_lad_codes(out["area_code"], history)
    out.insert(2, "basis", BASIS_OFFICIAL)
    stems = ["imd", *DOMAINS.values()]
    values = sorted(out.columns[3:], key=lambda c: next(i for i, d in enumerate(stems) if c.startswith(f"{d}_")))
    return out[[*out.columns[:3], *values]].sort_values("area_code").reset_index(drop=True)
