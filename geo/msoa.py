"""MSOA 2011: the geography of the life expectancy and QOF prevalence files, and its route to 2025 wards.

There is no ONS LSOA 2011 -> MSOA 2011 lookup in the raw data, but ONS names every LSOA after
the MSOA it nests in: LSOA "Blackpool 001A" is in MSOA "Blackpool 001". The life expectancy
file (ONS REQ3292) gives each MSOA's code *and* name, so dropping the LSOA name's final letter
and matching the name gives the lookup (:func:`lsoa11_msoa11_lookup`, which checks that every
LSOA finds exactly one MSOA and every MSOA gets at least one LSOA).

Which LSOA names to use matters. The ONS LSOA 2011 -> LSOA 2021 lookup calls four Shepway
LSOAs (E01024508-E01024510 and E01024517) "Shepway 014E-H"; the ONS LSOA 2011 -> ICB 2022
and LSOA 2011 -> ward 2019 lookups call them "Shepway 015A-D" (and their LSOA 2021 names are
"Folkestone and Hythe 015A-D"). With the first set
MSOA Shepway 015 (E02006880) gets no LSOA and Shepway 014 twice its population, so the build
takes the names from the LSOA 2011 -> ICB 2022 lookup and checks every MSOA's population
(:func:`population_ratio`): the life expectancy file's person-years / 5 over the MSOA's IoD2019
mid-2015 LSOA denominators lies between 0.92 and 1.44 for all 6,791 English MSOAs.

To 2025 wards, each ward's LSOA 2021s go to LSOA 2011s through the official lookup, and those
to MSOAs: :func:`lsoa21_msoa11_shares` says which MSOA(s) an LSOA 2021's residents count
towards (one, except for 4 redesigned LSOAs that straddle two), and :func:`ward_estimates`
averages the MSOA values over the ward's residents.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.wardvalues import weighted_means

#: The LSOA 2011 name is its MSOA's name plus one capital letter.
_LSOA_NAME = r"^(?P<msoa>.+ \d{3})[A-Z]$"

#: The life expectancy file's sexes and this project's names for them.
SEXES = {"Males": "male", "Females": "female", "Persons": "persons"}

#: Plausible range of an MSOA's REQ3292 person-years / 5 over its IoD2019 mid-2015 LSOA
#: population. Measured: 0.92 to 1.44 for all 6,791 MSOAs; an LSOA put in the wrong MSOA of
#: a typical size moves the ratio by about 0.2 (Shepway 014 above: 0.52).
POPULATION_RATIO_RANGE = (0.8, 1.6)

#: A ward estimate needs MSOA values for at least this share of its residents; below it the
#: ward is left without a value rather than take one from a sliver of a neighbouring MSOA.
MIN_COVERED_SHARE = 0.5


def lsoa11_msoa11_lookup(lsoa11: pd.DataFrame, msoa11: pd.DataFrame) -> pd.DataFrame:
    """LSOA 2011 -> MSOA 2011 by name: the LSOA name minus its final letter is the MSOA name.

    ``lsoa11``: ``lsoa11_code, lsoa11_name`` (ONS names, one row per LSOA);
    ``msoa11``: ``msoa11_code, msoa11_name`` (one row per MSOA). Returns
    ``lsoa11_code, msoa11_code`` sorted by LSOA. Raises ``ValueError`` if an MSOA name is not
    unique, an LSOA name does not end in a capital letter after a 3-digit number, an LSOA
    matches no MSOA, or an MSOA gets no LSOA.
    """
    dupes = msoa11.loc[msoa11["msoa11_name"].duplicated(), "msoa11_name"]
    if len(dupes):
        raise ValueError(f"{len(dupes)} MSOA name(s) are not unique, e.g. {dupes.iloc[0]!r}: "
                         "names cannot identify MSOAs")
    stem = lsoa11["lsoa11_name"].str.extract(_LSOA_NAME)["msoa"]
    odd = lsoa11.loc[stem.isna(), "lsoa11_name"]
    if len(odd):
        raise ValueError(f"{len(odd)} LSOA name(s) are not '<MSOA name><letter>', e.g. {odd.iloc[0]!r}")
    out = (lsoa11.assign(msoa11_name=stem)
           .merge(msoa11[["msoa11_code", "msoa11_name"]], on="msoa11_name", how="left", validate="many_to_one"))
    lost = out.loc[out["msoa11_code"].isna(), "lsoa11_name"]
    if len(lost):
        raise ValueError(f"{len(lost)} LSOA(s) match no MSOA name, e.g. {lost.iloc[0]!r}")
    empty = sorted(set(msoa11["msoa11_code"]) - set(out["msoa11_code"]))
    if empty:
        raise ValueError(f"{len(empty)} MSOA(s) get no LSOA, e.g. {empty[0]}: the LSOA names do not "
                         "match the MSOA names (different naming editions?)")
    return out[["lsoa11_code", "msoa11_code"]].sort_values("lsoa11_code").reset_index(drop=True)


def population_ratio(lookup: pd.DataFrame, lsoa11_population: pd.DataFrame,
                     msoa11_population: pd.DataFrame) -> pd.Series:
    """Each MSOA's own population over the sum of its LSOAs' populations (a lookup check).

    ``lookup``: ``lsoa11_code, msoa11_code``; ``lsoa11_population``: ``lsoa11_code,
    population``; ``msoa11_population``: ``msoa11_code, population`` (any population measure
    of about the same years). Returns the ratio per ``msoa11_code``; near 1 if the lookup is right.
    """
    summed = (lookup.merge(lsoa11_population, on="lsoa11_code", how="left", validate="one_to_one")
              .groupby("msoa11_code")["population"].sum())
    own = msoa11_population.set_index("msoa11_code")["population"]
    return (own / summed.reindex(own.index)).rename("ratio")


def lsoa21_msoa11_shares(lsoa11_lsoa21: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """Which MSOA 2011 each LSOA 2021's residents count towards, and what share of them.

    ``lsoa11_lsoa21``: the official ``lsoa11_code, lsoa21_code`` pairs (England);
    ``lookup``: ``lsoa11_code, msoa11_code`` from :func:`lsoa11_msoa11_lookup`. An LSOA 2021
    made from several LSOA 2011s (merged or redesigned) splits its residents equally between
    them. Returns ``lsoa21_code, msoa11_code, msoa_share`` with shares adding to 1 per LSOA 2021.
    Raises ``ValueError`` if an LSOA 2011 of the pairs has no MSOA.
    """
    pairs = lsoa11_lsoa21[["lsoa11_code", "lsoa21_code"]].drop_duplicates().merge(
        lookup, on="lsoa11_code", how="left", validate="many_to_one")
    lost = pairs.loc[pairs["msoa11_code"].isna(), "lsoa11_code"]
    if len(lost):
        raise ValueError(f"{lost.nunique()} LSOA 2011(s) of the LSOA 2011 -> 2021 lookup have no MSOA, "
                         f"e.g. {lost.iloc[0]}")
    pairs["msoa_share"] = 1.0 / pairs.groupby("lsoa21_code")["lsoa11_code"].transform("size")
    out = pairs.groupby(["lsoa21_code", "msoa11_code"], as_index=False)["msoa_share"].sum()
    return out.sort_values(["lsoa21_code", "msoa11_code"]).reset_index(drop=True)


def msoa_pieces(pieces: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Split weighted (ward, LSOA 2021) pieces into (ward, LSOA 2021, MSOA 2011) pieces.

    ``pieces``: from :func:`geo.wards.lsoa_pieces` (``WD25CD, lsoa21_code, weight`` ...);
    ``shares``: from :func:`lsoa21_msoa11_shares`. ``weight`` is multiplied by ``msoa_share``,
    so a ward's total weight is unchanged. Raises ``ValueError`` for an LSOA with no MSOA.
    """
    out = pieces.merge(shares, on="lsoa21_code", how="left")
    lost = out.loc[out["msoa11_code"].isna(), "lsoa21_code"]
    if len(lost):
        raise ValueError(f"{lost.nunique()} LSOA 2021(s) in the ward membership have no MSOA 2011, "
                         f"e.g. {lost.iloc[0]}")
    out["weight"] = out["weight"] * out["msoa_share"]
    return out


def ward_estimates(pieces: pd.DataFrame, msoa_values: pd.DataFrame,
                   min_covered: float = MIN_COVERED_SHARE) -> pd.DataFrame:
    """Population-weighted average of the MSOA values of each ward's residents.

    ``pieces``: from :func:`msoa_pieces` (``WD25CD, msoa11_code, weight``, weight = residents);
    ``msoa_values``: one row per ``msoa11_code`` with the value columns. Returns one row per
    ward (index ``WD25CD``) and one column per value column; a ward whose residents have a value
    for less than ``min_covered`` of their weight gets NaN for that column. The ward value
    always lies between the smallest and largest value of the MSOAs it draws on.
    """
    values = msoa_values.set_index("msoa11_code")
    joined = values.reindex(pieces["msoa11_code"]).reset_index(drop=True)
    by = pieces["WD25CD"].reset_index(drop=True)
    weights = pieces["weight"].reset_index(drop=True)
    means = weighted_means(joined, weights, by)
    covered = joined.notna().mul(weights, axis=0).groupby(by.to_numpy()).sum()
    total = weights.groupby(by.to_numpy()).sum()
    share = covered.div(total.where(total > 0, np.nan), axis=0)
    return means.where(share >= min_covered).rename_axis("WD25CD")


def life_expectancy_table(le: pd.DataFrame) -> pd.DataFrame:
    """One row per English MSOA 2011 with life expectancy, 95% CI, deaths and person-years by sex.

    ``le``: the ONS REQ3292 rows (``msoa11_code, msoa11_name, sex, deaths, person_years, le,
    le_lower95, le_upper95``; sex Males / Females / Persons). Welsh MSOAs (W02) are dropped.
    Columns are ``le_<sex>_2016_20``, ``le_<sex>_2016_20_lower95`` / ``_upper95`` (years),
    ``deaths_<sex>_2016_20`` and ``person_years_<sex>_2016_20`` for sex in male, female, persons.
    Raises ``ValueError`` for an unknown sex or a repeated (MSOA, sex).
    """
    england = le[le["msoa11_code"].str.startswith("E02")]
    unknown = sorted(set(england["sex"]) - set(SEXES))
    if unknown:
        raise ValueError(f"unknown sex value(s) {unknown}; expected {list(SEXES)}")
    if england.duplicated(["msoa11_code", "sex"]).any():
        raise ValueError("an MSOA has more than one row for the same sex")
    measures = {"le": "le_{s}_2016_20", "le_lower95": "le_{s}_2016_20_lower95",
                "le_upper95": "le_{s}_2016_20_upper95", "deaths": "deaths_{s}_2016_20",
                "person_years": "person_years_{s}_2016_20"}
    wide = england.pivot(index="msoa11_code", columns="sex", values=list(measures))
    wide.columns = [measures[m].format(s=SEXES[s]) for m, s in wide.columns]
    order = [measures[m].format(s=s) for s in SEXES.values() for m in measures]
    names = england.drop_duplicates("msoa11_code").set_index("msoa11_code")["msoa11_name"]
    out = wide[order].join(names).reset_index()
    return out[["msoa11_code", "msoa11_name", *order]].sort_values("msoa11_code").reset_index(drop=True)


def msoa_polygons(lsoa11_polygons: gpd.GeoDataFrame, lookup: pd.DataFrame) -> gpd.GeoDataFrame:
    """MSOA 2011 polygons dissolved from their LSOA 2011 polygons.

    ``lsoa11_polygons``: ``lsoa11_code, geometry`` in British National Grid (EPSG:27700);
    ``lookup``: ``lsoa11_code, msoa11_code``. Each LSOA is made valid first (polygonal parts
    only). Returns ``msoa11_code, geometry`` (Polygon or MultiPolygon) sorted by code, in the
    input CRS. Raises ``ValueError`` if an LSOA of the lookup has no polygon.
    """
    missing = sorted(set(lookup["lsoa11_code"]) - set(lsoa11_polygons["lsoa11_code"]))
    if missing:
        raise ValueError(f"{len(missing)} LSOA 2011(s) have no polygon, e.g. {missing[0]}")
    lsoas = lsoa11_polygons.merge(lookup, on="lsoa11_code", how="inner")
    lsoas["geometry"] = lsoas.geometry.make_valid(method="structure", keep_collapsed=False)
    out = lsoas[["msoa11_code", "geometry"]].dissolve("msoa11_code", sort=True).reset_index()
    return out[["msoa11_code", "geometry"]]


def msoa_areas(shares: pd.DataFrame, lsoa_areas: pd.DataFrame) -> pd.DataFrame:
    """The LAD and ICB (2024 codes) that most of each MSOA 2011's residents live in.

    ``shares``: from :func:`lsoa21_msoa11_shares`; ``lsoa_areas``: one row per LSOA 2021
    with ``population`` (Census 2021), ``lad24_code``, ``lad24_name``, ``icb_code``,
    ``icb_name``. Returns one row per ``msoa11_code`` with those four columns; ties go to the
    lower code.
    """
    pieces = shares.merge(lsoa_areas, on="lsoa21_code", how="left", validate="many_to_one")
    pieces["weight"] = pieces["population"] * pieces["msoa_share"]
    out = []
    for code, name in (("lad24_code", "lad24_name"), ("icb_code", "icb_name")):
        top = (pieces.groupby(["msoa11_code", code, name], as_index=False)["weight"].sum()
               .sort_values(["msoa11_code", "weight", code], ascending=[True, False, True])
               .drop_duplicates("msoa11_code").set_index("msoa11_code")[[code, name]])
        out.append(top)
    return out[0].join(out[1]).reset_index()


def msoa_lad25(lookup: pd.DataFrame, ward_lads: pd.Series) -> pd.Series:
    """The 2025 local authority holding most of each MSOA 2011's residents.

    ``lookup``: ``msoa11_code, ward_code, share`` (``msoa11_ward25_lookup.csv``);
    ``ward_lads``: LAD 2025 code by ward_code. Returns ``lad_code`` by ``msoa11_code``; ties go
    to the lower code. Needed because the life expectancy file's LAD codes are 2024's: Barnsley
    and Sheffield (E08000016, E08000019) were recoded in 2025 (E08000038, E08000039). Raises
    ``ValueError`` if a ward of the lookup has no LAD.
    """
    lads = ward_lads.reindex(lookup["ward_code"]).to_numpy()
    if pd.isna(lads).any():
        lost = lookup.loc[pd.isna(lads), "ward_code"].iloc[0]
        raise ValueError(f"ward {lost} of the MSOA lookup has no local authority in the ward register")
    shares = (lookup.assign(lad_code=lads).groupby(["msoa11_code", "lad_code"], as_index=False)["share"].sum()
              .sort_values(["msoa11_code", "share", "lad_code"], ascending=[True, False, True]))
    return shares.drop_duplicates("msoa11_code").set_index("msoa11_code")["lad_code"]
