"""DWP children in relative low income (after housing costs) matched to 2025 wards by ward code.

DWP and HMRC publish the figures by electoral ward ("Children in low income families: local
area statistics", Table 4), on the May 2024 wards. Most English 2025 ward codes are the same
as 2024; where a LAD had a boundary review in 2025 the new wards have new codes that DWP does
not have yet. Nothing is dropped silently: every 2025 ward gets a ``child_poverty_note`` saying
why it has no value, and every English DWP ward whose code is not a 2025 ward is listed with
the reason (:func:`dwp_wards_not_in_wd25`).
"""

from __future__ import annotations

import pandas as pd

#: DWP value columns, as renamed in :mod:`geo.rawdata`.
VALUE_COLUMNS = [
    "children_low_income_ahc_fye2024", "children_low_income_ahc_fye2025",
    "pct_children_low_income_ahc_fye2024", "pct_children_low_income_ahc_fye2025",
]

NOTE_NEW_2025 = "no data: new ward from a 2025 boundary review; DWP FYE2025 figures are for May 2024 wards"
NOTE_NOT_LISTED = "no data: ward not listed in the DWP ward table"
NOTE_SUPPRESSED = "no data: DWP publishes no figures for this ward ([x], not available)"
NOTE_COUNT_ONLY = "no percentage: DWP publishes only the count for this ward ([x] for the percentage)"
REASON_REPLACED = "2024 ward replaced in a 2025 boundary review"
REASON_OLDER = "ward code not in use in 2025"


def ward_history(ward_codes: pd.DataFrame) -> pd.DataFrame:
    """One row per ward code (index ``ward_code``) with ``first_year`` and ``lad_code_active``.

    ``ward_codes``: every UK ward code since 2015 (a code is listed once per LAD it has been
    in); its first year and current LAD are the same on every row.
    """
    return ward_codes.drop_duplicates("ward_code").set_index("ward_code")[["first_year", "lad_code_active"]]


def child_poverty_by_ward(wards: pd.DataFrame, dwp: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """DWP FYE2024 and FYE2025 values for each 2025 ward, with a note wherever there is none.

    ``wards``: the English 2025 wards (``ward_code``, ``lad_code``); ``dwp``: the DWP ward
    table (``ward_code`` and :data:`VALUE_COLUMNS`: counts of children aged 0-15 and
    percentages 0-100); ``history``: from :func:`ward_history`. Returns one row per 2025 ward
    (index ``WD25CD``) with the value columns and ``child_poverty_note``: empty when the FYE2025
    percentage is there, else :data:`NOTE_NEW_2025`, :data:`NOTE_NOT_LISTED`,
    :data:`NOTE_SUPPRESSED` or :data:`NOTE_COUNT_ONLY`.
    """
    values = dwp.set_index("ward_code")[VALUE_COLUMNS]
    out = values.reindex(pd.Index(wards["ward_code"], name="WD25CD"))
    listed = out.index.isin(values.index)
    new = history["first_year"].reindex(out.index).eq(2025).to_numpy()
    note = pd.Series("", index=out.index)
    note[~listed] = NOTE_NOT_LISTED
    note[~listed & new] = NOTE_NEW_2025
    no_pct = listed & out["pct_children_low_income_ahc_fye2025"].isna().to_numpy()
    note[no_pct] = NOTE_SUPPRESSED
    note[no_pct & out["children_low_income_ahc_fye2025"].notna().to_numpy()] = NOTE_COUNT_ONLY
    return out.assign(child_poverty_note=note)


def dwp_wards_not_in_wd25(wards: pd.DataFrame, dwp: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """English DWP wards whose code is not a 2025 ward, with their values and why.

    Same inputs as :func:`child_poverty_by_ward`. Returns ``la_code, la_name, ward_code,
    ward_name``, the value columns, ``first_year`` (when the code first appeared),
    ``lad_code_active`` (its LAD today) and ``reason``: :data:`REASON_REPLACED` if that LAD has
    2025 wards new in 2025 and missing from DWP, else :data:`REASON_OLDER`. Sorted by ward code.
    """
    english = dwp[dwp["ward_code"].str.startswith("E05")]
    gone = english[~english["ward_code"].isin(set(wards["ward_code"]))]
    gone = gone.join(history, on="ward_code", how="left")
    missing = wards[~wards["ward_code"].isin(set(dwp["ward_code"]))]
    reviewed = set(missing.loc[history["first_year"].reindex(missing["ward_code"]).eq(2025).to_numpy(), "lad_code"])
    gone = gone.assign(reason=gone["lad_code_active"].isin(reviewed).map({True: REASON_REPLACED, False: REASON_OLDER}))
    cols = ["la_code", "la_name", "ward_code", "ward_name", *VALUE_COLUMNS, "first_year", "lad_code_active", "reason"]
    return gone[cols].sort_values("ward_code").reset_index(drop=True)
