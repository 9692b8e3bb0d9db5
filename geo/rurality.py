"""Rurality of 2025 wards from the ONS Rural Urban Classification 2021 of LSOAs (RUC2021).

RUC2021 classes each LSOA 2021 as one of six classes, three urban-or-rural pairs: UN1 / UF1
urban nearer to / further from a major town or city, RLN1 / RLF1 rural larger settlement
nearer / further, RSN1 / RSF1 rural smaller settlement nearer / further. A ward gets the share
of its Census 2021 residents living in rural LSOAs, the class most of its residents live in,
and a rural/urban flag at :data:`RURAL_THRESHOLD`.
"""

from __future__ import annotations

import pandas as pd

from geo.wardvalues import weighted_means

#: A ward is rural when at least this share of its residents live in rural LSOAs (RUC2021).
RURAL_THRESHOLD = 0.5


def ward_rurality(pieces: pd.DataFrame) -> pd.DataFrame:
    """Rural share, dominant RUC2021 class and rural flag per ward.

    ``pieces``: from :func:`geo.wards.lsoa_pieces` weighted by Census 2021 residents, with the
    LSOA's ``ruc21_code``, ``ruc21_name`` and ``ruc21_urban_rural`` ("Urban" / "Rural").
    Returns one row per ward (index ``WD25CD``): ``rural_share_ruc2021`` (0-1),
    ``ruc2021_dominant_code`` / ``_name`` (the class with most residents; a tie goes to the
    first code in alphabetical order) and ``rural`` (bool, share >= :data:`RURAL_THRESHOLD`).
    Raises ``ValueError`` for a flag other than Urban / Rural.
    """
    odd = sorted(set(pieces["ruc21_urban_rural"]) - {"Urban", "Rural"})
    if odd:
        raise ValueError(f"RUC2021 urban/rural flag has unexpected value(s) {odd}; expected 'Urban' or 'Rural'")
    is_rural = pieces["ruc21_urban_rural"].eq("Rural").astype(float).to_frame("rural_share_ruc2021")
    out = weighted_means(is_rural, pieces["weight"], pieces["WD25CD"])
    by_class = (pieces.groupby(["WD25CD", "ruc21_code", "ruc21_name"], as_index=False)["weight"].sum()
                .sort_values(["WD25CD", "weight", "ruc21_code"], ascending=[True, False, True])
                .drop_duplicates("WD25CD").set_index("WD25CD"))
    out["ruc2021_dominant_code"] = by_class["ruc21_code"]
    out["ruc2021_dominant_name"] = by_class["ruc21_name"]
    out["rural"] = out["rural_share_ruc2021"] >= RURAL_THRESHOLD
    return out.rename_axis("WD25CD")
