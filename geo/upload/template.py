"""A CSV template for an area: every ward (or LSOA 2021) of it, with empty value columns."""

from __future__ import annotations

from typing import Iterable, Literal

import pandas as pd

from geo.bestfit import OVERLAY
from geo.upload.errors import UploadError
from geo.upload.geography import BEST_FIT_WARD
from geo.upload.safety import neutralise_formulas

Level = Literal["ward", "lsoa"]


def template_for_area(wards: pd.DataFrame, area_codes: str | Iterable[str], *, level: Level = "ward",
                      membership: pd.DataFrame | None = None, value_columns: Iterable[str] = ("value",)) -> bytes:
    """UTF-8 CSV (with byte-order mark, so Excel reads it right) listing the area's wards or LSOAs.

    ``wards``: the ward register (``wards.csv``); ``area_codes``: one or more local
    authority (E06–E09), ICB (E54) or ward (E05) codes; ``level``: ``"ward"`` gives
    ``ward_code, ward_name, lad_name`` rows, ``"lsoa"`` gives ``lsoa21_code, ward_name,
    lad_name`` rows, one per LSOA 2021 whose one best-fit ward is among those wards (needs
    ``membership``, ``lsoa21_ward25_membership.csv`` or the reference's LSOA 2021 lookup). The
    one ward is the membership's ``best_fit_ward_code`` (ONS's LSOA -> ward best fit) where it
    has one, else the ward holding the largest share of the LSOA. The upload itself is still
    split among all the LSOA's wards by share. Each of ``value_columns`` is added empty.
    """
    out = template_rows(wards, area_codes, level=level, membership=membership).assign(**{c: "" for c in value_columns})
    return template_csv(out)


def template_csv(frame: pd.DataFrame) -> bytes:
    """A template frame as the CSV bytes downloads give (formulas neutralised, BOM, CRLF)."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def template_rows(wards: pd.DataFrame, area_codes: str | Iterable[str], *, level: Level = "ward",
                  membership: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of :func:`template_for_area` (code, ward name, local authority), without value columns."""
    codes = [area_codes] if isinstance(area_codes, str) else list(area_codes)
    chosen = wards[wards["lad_code"].isin(codes) | wards["icb_code"].isin(codes) | wards["ward_code"].isin(codes)]
    known = set(wards["lad_code"]) | set(wards["icb_code"]) | set(wards["ward_code"])
    unknown = [c for c in codes if c not in known]
    if unknown or chosen.empty:
        raise UploadError(f"No 2025 wards found for {', '.join(unknown or codes) or 'no area'}",
                          "Choose a local authority, ICB or ward from the lists")
    rows = chosen[["ward_code", "ward_name", "lad_name"]]
    if level == "lsoa":
        if membership is None:
            raise UploadError("An LSOA template needs the LSOA 2021 to ward membership",
                              "Pass the membership table (lsoa21_ward25_membership.csv)")
        rows = (one_ward_per_lsoa(membership).merge(rows, on="ward_code", validate="many_to_one")
                .sort_values("lsoa21_code")[["lsoa21_code", "ward_name", "lad_name"]])
    elif level != "ward":
        raise UploadError(f"Unknown template level '{level}'", "Choose 'ward' or 'lsoa'")
    return rows.reset_index(drop=True)


def one_ward_per_lsoa(membership: pd.DataFrame) -> pd.DataFrame:
    """``lsoa21_code, ward_code``: each LSOA's one best-fit ward (see :func:`template_for_area`)."""
    best = membership[membership["method"] != OVERLAY]
    if BEST_FIT_WARD in best.columns:
        return (best.drop_duplicates("lsoa21_code")[["lsoa21_code", BEST_FIT_WARD]]
                .rename(columns={BEST_FIT_WARD: "ward_code"}).reset_index(drop=True))
    top = best.sort_values(["lsoa21_code", "share", "ward_code"], ascending=[True, False, True], kind="stable")
    return top.drop_duplicates("lsoa21_code")[["lsoa21_code", "ward_code"]].reset_index(drop=True)
