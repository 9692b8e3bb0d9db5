"""How precise a group of wards' value is, when ward values are averages of small-area estimates.

The ward life expectancy layers are estimates: each ward's value is the average of the
life expectancies of the MSOAs (2011) its residents live in, weighted by residents
(:mod:`geo.msoa`). ONS publishes each MSOA's 95% confidence interval, so a group of wards
(a cohort, a deprivation decile) -- itself a residents-weighted average of ward values, and so
a weighted average of MSOA values -- has a standard error:

    ``value_g = sum_m W_gm LE_m``   with   ``sum_m W_gm = 1``,
    ``se_g = sqrt(sum_m W_gm^2 se_m^2)``,

treating the MSOAs' estimates as independent (they are made from different deaths), where
``se_m = (upper_m - lower_m) / (2 x 1.959964)`` and ``W_gm`` is the share of the group's
weight that comes through MSOA ``m``: each ward's weight is split over its MSOAs in
proportion to the residents it has from each (MSOAs without a value left out, as in the ward
estimate). Residents of MSOA ``m`` in ward ``w`` are ``share_mw x residents_m``, with
``share_mw`` from the MSOA -> ward lookup and ``residents_m`` = the file's person-years / 5
(the mid-period population; :mod:`geo.msoa` checks it against the IoD2019 denominators).

Pure functions on frames: no streamlit, no files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: 97.5th percentile of the standard normal: half a 95% interval is this many standard errors.
Z95 = 1.959963984540054


@dataclass(frozen=True, eq=False)
class Components:
    """Ward values as residents-weighted averages of parts (MSOAs) with standard errors.

    ``links``: one row per (ward, part) with ``ward_code``, ``part`` and ``residents`` (the
    part's residents living in the ward), parts without a value already dropped; ``se``:
    standard error of each part's value, by part code (in the value's units, e.g. years).
    """

    links: pd.DataFrame
    se: pd.Series

    def __post_init__(self) -> None:
        wards = pd.Index(self.links["ward_code"].unique())
        parts = pd.Index(self.se.index)
        ward_pos = wards.get_indexer(self.links["ward_code"])
        part_pos = parts.get_indexer(self.links["part"])
        if (part_pos < 0).any():
            raise ValueError("every linked part needs a standard error")
        residents = self.links["residents"].to_numpy(dtype=float)
        share = residents / np.bincount(ward_pos, weights=residents, minlength=len(wards))[ward_pos]
        # Precomputed once: each link's share of its ward (residents of the part / the ward's residents with a value).
        object.__setattr__(self, "_wards", wards)
        object.__setattr__(self, "_ward_pos", ward_pos)
        object.__setattr__(self, "_part_pos", part_pos)
        object.__setattr__(self, "_share", share)
        object.__setattr__(self, "_variance", self.se.to_numpy(dtype=float) ** 2)

    def groups_se(self, weights: pd.Series, groups: pd.Series) -> pd.Series:
        """Standard error of each group's weighted mean of ward values (module docstring).

        ``weights``: the weight of each ward in its group's value (e.g. Census 2021 residents),
        by ward_code; ``groups``: the group of each ward (NaN = in no group). Wards with no
        part are left out; a group with none gets NaN.
        """
        labels = pd.Index(groups.dropna().unique())
        group_of_ward = labels.get_indexer(groups.reindex(self._wards))  # -1: ward in no group
        weight_of_ward = weights.reindex(self._wards).to_numpy(dtype=float)
        g = group_of_ward[self._ward_pos]
        w = weight_of_ward[self._ward_pos] * self._share
        keep = (g >= 0) & np.isfinite(w) & (w > 0)
        n_parts = len(self._variance)
        key = g[keep] * n_parts + self._part_pos[keep]
        per_part = np.bincount(key, weights=w[keep], minlength=len(labels) * n_parts).reshape(len(labels), n_parts)
        total = per_part.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            variance = (per_part ** 2 @ self._variance) / total ** 2
        return pd.Series(np.sqrt(variance), index=labels, dtype=float)

    def group_se(self, weights: pd.Series, include: pd.Series) -> float:
        """Standard error of the weighted mean of the wards ``include`` selects (bool by ward_code)."""
        chosen = include[include.fillna(False).astype(bool)]
        if chosen.empty:
            return float("nan")
        return float(self.groups_se(weights, pd.Series(1, index=chosen.index)).iloc[0])


def msoa_components(lookup: pd.DataFrame, msoas: pd.DataFrame, value: str, lower: str, upper: str,
                    person_years: str = "person_years_persons_2016_20", years: float = 5.0) -> Components:
    """:class:`Components` of a ward layer estimated from MSOA (2011) values with 95% limits.

    ``lookup``: ``msoa11_code, ward_code, share`` (share of the MSOA's residents in the ward);
    ``msoas``: indexed by msoa11_code with the ``value``, ``lower``, ``upper`` and
    ``person_years`` columns (person-years over ``years`` years give the residents). MSOAs
    without a value or limits are left out (module docstring).
    """
    needed = [value, lower, upper, person_years]
    missing = [c for c in needed if c not in msoas.columns]
    if missing:
        raise ValueError(f"the MSOA table has no column(s) {missing}")
    usable = msoas[needed].dropna()
    se = (usable[upper] - usable[lower]) / (2.0 * Z95)
    residents = usable[person_years] / years
    links = lookup[lookup["msoa11_code"].isin(usable.index)]
    links = pd.DataFrame({"ward_code": links["ward_code"].astype(str).to_numpy(),
                          "part": links["msoa11_code"].astype(str).to_numpy(),
                          "residents": links["share"].to_numpy(dtype=float)
                          * residents.reindex(links["msoa11_code"]).to_numpy(dtype=float)})
    se.index = se.index.astype(str)
    return Components(links[links["residents"] > 0].reset_index(drop=True), se.astype(float))
