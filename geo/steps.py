"""The steps of the build, each taking the build's :class:`~geo.inputs.Inputs` and writing its files.

Every step writes through :func:`geo.outputs.write_output`, so a file's name and columns are
those :mod:`geo.manifest` declares; each returns a one-line summary of what it made.
"""

from __future__ import annotations

import pandas as pd
import shapely

from geo import bestfit, childpoverty, coastal, deprivation, msoa, rawdata, rurality, wardvalues
from geo.errors import BuildInputError
from geo.inputs import Inputs, require_complete
from geo.outputs import write_output
from geo.simplify import SIMPLIFICATION, simplify_coverage
from geo.wards import apportion_counts, census_ward_check, lsoa_pieces


def step_check_inputs(b: Inputs) -> str:
    """Read every declared raw file first, so bad input stops the build before any work."""
    for key in rawdata.RAW_TABLES:
        b.table(key)
    for key in rawdata.RAW_VECTORS:
        b.vector(key)
    return f"{len(rawdata.RAW_TABLES)} tables and {len(rawdata.RAW_VECTORS)} vector files from {b.raw}"


def step_membership(b: Inputs) -> str:
    """OA best fit to 2025 wards: the LSOA -> ward membership, and the one-ward-per-LSOA check."""
    m = b.membership.merge(b.official_best_fit.rename("best_fit_ward_code"), left_on="lsoa21_code",
                           right_index=True, how="left", validate="many_to_one")
    write_output(m.rename(columns={"WD25CD": "ward_code"}), "lsoa21_ward25_membership.csv", b.out)
    check = b.best_fit_check
    differ = check[~(check["lsoa_centroid_agrees"] & check["most_residents_agrees"])]
    write_output(differ, "lsoa21_ward25_bestfit_check.csv", b.out)
    oas = b.oa_wards
    near = oas[oas["method"] == bestfit.NEAREST]
    best = m[m["method"] != bestfit.OVERLAY]
    split = int(best.groupby("lsoa21_code").size().gt(1).sum())
    overlay = m.loc[m["method"] == bestfit.OVERLAY, "WD25CD"].nunique()
    return (f"{len(oas):,} OAs in {oas['WD25CD'].nunique():,} wards ({len(near)} by nearest ward, up to "
            f"{near['distance_m'].max():.0f} m); {overlay} wards with no OA by areal overlay; "
            f"{best['lsoa21_code'].nunique():,} LSOAs, {split:,} of them split between wards; one ward per LSOA "
            f"from the ONS lookup: "
            f"LSOA centroid agrees for {check['lsoa_centroid_agrees'].mean():.2%} "
            f"({(~check['lsoa_centroid_agrees']).sum()} differ), most OA residents for "
            f"{check['most_residents_agrees'].mean():.2%} ({(~check['most_residents_agrees']).sum()} differ)")


def step_lookups(b: Inputs) -> str:
    """Lookups an upload needs: LSOA 2021 population, LSOA 2011 and MSOA 2011 to wards."""
    best = b.membership[b.membership["method"] != bestfit.OVERLAY]
    lsoa11 = b.lsoa11_pairs.merge(best[["lsoa21_code", "WD25CD", "share"]], on="lsoa21_code")
    lsoa11 = (lsoa11.assign(share=lsoa11["share11"] * lsoa11["share"])
              .groupby(["lsoa11_code", "WD25CD"], as_index=False)["share"].sum()
              .rename(columns={"WD25CD": "ward_code"}))
    msoa11 = (b.msoa11_pieces[b.msoa11_pieces["method"] != bestfit.OVERLAY]
              .groupby(["msoa11_code", "WD25CD"], as_index=False)["weight"].sum()
              .rename(columns={"WD25CD": "ward_code"}))
    msoa11["share"] = msoa11["weight"] / msoa11.groupby("msoa11_code")["weight"].transform("sum")
    write_output(b.population[["lsoa21_code", "population"]], "lsoa21_population.csv", b.out)
    write_output(lsoa11, "lsoa11_ward25_lookup.csv", b.out)
    write_output(msoa11[["msoa11_code", "ward_code", "share"]], "msoa11_ward25_lookup.csv", b.out)
    return (f"{lsoa11['lsoa11_code'].nunique():,} LSOA11s ({int(lsoa11['lsoa11_code'].duplicated(keep=False).sum()):,} "
            f"rows split between wards); {msoa11['msoa11_code'].nunique():,} MSOA11s in {len(msoa11):,} rows")


def step_boundaries(b: Inputs) -> str:
    """Ward polygons simplified (as a coverage) for each map level."""
    wards = b.wards.rename(columns={"WD25CD": "ward_code"})[["ward_code", "geometry"]]
    sizes = []
    for level in SIMPLIFICATION.values():
        simple = simplify_coverage(wards, level.tolerance_m, precision_deg=level.precision_deg)
        write_output(simple, f"wards_{level.id}.parquet", b.out)
        coords = int(shapely.get_num_coordinates(simple.geometry.to_numpy()).sum())
        sizes.append(f"{level.id} {level.tolerance_m:.0f} m: {coords:,} coordinates")
    return "; ".join(sizes)


def step_register(b: Inputs) -> str:
    reg = b.register
    write_output(reg, "wards.csv", b.out)
    check = census_ward_check(reg, b.table("census_wards22_lancashire"))
    error = check["error"].abs()
    return (f"{len(reg):,} wards in {reg['lad_code'].nunique()} LADs and {reg['icb_code'].nunique()} ICBs; "
            f"{reg.loc[reg['method_flag'] == 'best fit', 'population'].sum():,} residents in best-fit wards; "
            f"against the Census 2021 ward tables ({len(check)} unchanged Lancashire wards) a median "
            f"{error.median():.2%} off, at most {error.max():.2%} ({check.loc[error.idxmax(), 'ward_name']})")


def step_deprivation_2025(b: Inputs) -> str:
    pieces = lsoa_pieces(b.membership, b.lsoas2025, "population")
    wards = deprivation.ward_deprivation(pieces, b.register, 2025, child_weight="pop_0_15",
                                         older_weight="pop_65_plus", with_scores=True)
    write_output(wards, "ward_deprivation_2025.csv", b.out)
    return f"{len(wards):,} wards, {wards['imd_score'].notna().sum():,} with a score"


def step_deprivation_2019(b: Inputs) -> str:
    wards = deprivation.ward_deprivation(b.pieces2019, b.register, 2019, child_weight="pop_0_15",
                                         older_weight="pop_60_plus", with_scores=False)
    wards["population"] = b.pieces2019.groupby("WD25CD")["weight"].sum().reindex(wards["ward_code"]).round().to_numpy()
    wards["edition"] = deprivation.LABEL_2019
    write_output(wards, "ward_deprivation_2019.csv", b.out)
    return f"{len(wards):,} wards, {wards['imd_score'].notna().sum():,} with a score"


def step_area_summaries(b: Inputs) -> str:
    """LAD and ICB summaries: MHCLG's published IoD2025 figures, and our own (computed) ones."""
    history = b.table("lad_codes")
    try:
        lads = deprivation.current_lad_codes(b.lsoas2025["lad24_code"], history)
    except ValueError as exc:
        raise BuildInputError(rawdata.RAW_TABLES["lad_codes"].path, str(exc),
                              "use drkane's complete la_all_codes.csv (SOURCES.md section 6)") from exc
    areas21 = b.lsoas2025[["lsoa21_code", "lad24_name", "icb_code", "icb_name"]].assign(lad_code=lads.to_numpy())
    lsoa25 = b.lsoas2025.assign(weight=b.lsoas2025["population"], lad_code=lads.to_numpy())
    # IoD2019 for today's areas: each (LSOA11, LSOA21) pair goes with its LSOA21's LAD and ICB.
    lsoa19 = b.lsoas2019.merge(areas21, on="lsoa21_code", how="inner").assign(weight=lambda f: f["population"])
    for edition, lsoas in ((2025, lsoa25), (2019, lsoa19)):
        for level, code, name in (("lad", "lad_code", "lad24_name"), ("icb", "icb_code", "icb_name")):
            table = deprivation.area_summaries(lsoas, code, name, edition)
            _require_areas(table, b.register, f"{level}_code", "lad_codes" if level == "lad" else "icb24")
            write_output(table, f"summaries_{level}_{edition}_computed.csv", b.out)
    for level, key, lad_history in (("lad", "imd2025_lad_summaries", history), ("icb", "imd2025_icb_summaries", None)):
        try:
            table = deprivation.official_summaries(b.table(key), lad_history)
        except ValueError as exc:
            raise BuildInputError(rawdata.RAW_TABLES[key].path, str(exc),
                                  "use MHCLG's IoD2025 summaries for 2024 LADs and ICBs (SOURCES.md section 5)") from exc
        _require_areas(table, b.register, f"{level}_code", key)
        write_output(table, f"summaries_{level}_2025_official.csv", b.out)
    return (f"{lsoa25['lad_code'].nunique()} LADs and {lsoa25['icb_code'].nunique()} ICBs: MHCLG published "
            "(IoD2025) and computed (IoD2025, IoD2019 recast)")


def _require_areas(table: pd.DataFrame, register: pd.DataFrame, column: str, key: str) -> None:
    """A summaries file must cover exactly the LADs (or ICBs) of the ward register, by the same codes."""
    ours, theirs = set(register[column]), set(table["area_code"])
    if ours != theirs:
        odd = sorted(ours ^ theirs)
        raise BuildInputError(rawdata.RAW_TABLES[key].path, f"{len(odd)} area code(s) are in only one of the "
                              f"summaries and the ward register ({column}), e.g. {odd[0]}",
                              "use files of the same LAD and ICB vintage (SOURCES.md sections 5 and 6)")


#: Web simplification of the MSOA 2011 polygons (dissolved from the already generalised ONS
#: LSOA 2011 BSC polygons): Visvalingam-Whyatt tolerance in metres and the output grid in degrees.
MSOA_TOLERANCE_M = 100.0
MSOA_PRECISION_DEG = 1e-4

#: Ward value columns of the MSOA-based estimates: MSOA column -> ward column.
_LE_COLUMNS = {"le_male_2016_20": "le_male_2016_20_est", "le_female_2016_20": "le_female_2016_20_est"}
_QOF_CONDITIONS = ("asthma", "copd", "chronic_kidney_disease", "coronary_heart_disease", "diabetes",
                   "high_blood_pressure", "obesity")


def _summary(frame: pd.DataFrame, columns: list[str]) -> str:
    return "; ".join(f"{c} {frame[c].notna().sum():,}" for c in columns)


def step_msoa_life_expectancy(b: Inputs) -> str:
    table = msoa.life_expectancy_table(b.table("life_expectancy_msoa11"))
    areas = msoa.msoa_areas(b.msoa11_shares, b.lsoas2025[["lsoa21_code", "population", "lad24_code", "lad24_name",
                                                           "icb_code", "icb_name"]])
    table = table.merge(areas, on="msoa11_code", how="left", validate="one_to_one")
    write_output(table, "msoa11_life_expectancy.csv", b.out)
    lsoas = b.vector("lsoa11_polygons")
    lsoas = lsoas[lsoas["lsoa11_code"].str.startswith("E01")].to_crs(bestfit.BNG)
    polygons = msoa.msoa_polygons(lsoas, b.msoa11_lookup)
    polygons = simplify_coverage(polygons, MSOA_TOLERANCE_M, precision_deg=MSOA_PRECISION_DEG)
    polygons = polygons.merge(table[["msoa11_code", "msoa11_name"]], on="msoa11_code", validate="one_to_one")
    write_output(polygons[["msoa11_code", "msoa11_name", "geometry"]], "msoa11.parquet", b.out)
    return f"{len(table):,} MSOAs; with LE " + _summary(table, list(_LE_COLUMNS))


def step_ward_health(b: Inputs) -> str:
    le = msoa.life_expectancy_table(b.table("life_expectancy_msoa11"))
    estimates = msoa.ward_estimates(b.msoa11_pieces, le[["msoa11_code", *_LE_COLUMNS]]).rename(columns=_LE_COLUMNS)
    pieces = lsoa_pieces(b.membership, b.population.merge(b.table("iod2025_indicators"), on="lsoa21_code",
                                                          how="left", validate="one_to_one"), "population")
    admissions = wardvalues.ward_means(pieces, ["acute_morbidity_ratio"]).rename(
        columns={"acute_morbidity_ratio": "emergency_admissions_ratio_iod2025"})
    oas = b.oa_residents.merge(b.table("oa21_general_health"), on="oa21_code", how="left", validate="one_to_one")
    try:
        general = wardvalues.ward_general_health(oas, b.oa_wards, b.membership)
    except ValueError as exc:
        raise BuildInputError(rawdata.RAW_TABLES["oa21_general_health"].path, str(exc),
                              "use the complete Census 2021 TS037 OA file (SOURCES.md section 10)") from exc
    wards = wardvalues.ward_table(b.register, [estimates, admissions, general])
    write_output(wards, "ward_health.csv", b.out)
    good, bad = ((oas[c] * oas["residents"]).sum() / oas["residents"].sum() for c in ("pct_good", "pct_bad"))
    return (_summary(wards, [*_LE_COLUMNS.values(), "emergency_admissions_ratio_iod2025", *wardvalues.GENERAL_HEALTH.values()])
            + f"; England {good:.1f}% in good or very good health, {bad:.1f}% bad or very bad")


def step_ward_conditions(b: Inputs) -> str:
    lsoas = (b.population.merge(b.table("disability21"), on="lsoa21_code", how="left", validate="one_to_one")
             .merge(b.table("iod2025_indicators"), on="lsoa21_code", how="left", validate="one_to_one"))
    require_complete(lsoas, ["disabled", "disability_residents"], "disability21")
    pieces = lsoa_pieces(b.membership, lsoas, "population")
    counts = wardvalues.ward_counts(pieces, ["disabled", "disability_residents"]).rename(
        columns={"disabled": "disabled_census2021", "disability_residents": "residents_census2021_ts038"})
    pct = wardvalues.ward_percentages(pieces, "disabled", "disability_residents").rename("pct_disabled_census2021")
    note = counts["disabled_census2021"].isna().map({True: wardvalues.OVERLAY_COUNT_NOTE, False: ""}).rename("disabled_note")
    cidr = wardvalues.ward_means(pieces, ["cidr"]).rename(columns={"cidr": "cidr_iod2025"})
    qof = b.table("qof_prevalence_msoa11")
    qof = qof.assign(**{c: 100.0 * qof[c] for c in _QOF_CONDITIONS})
    prevalence = msoa.ward_estimates(b.msoa11_pieces, qof[["msoa11_code", *_QOF_CONDITIONS]]).rename(
        columns={c: f"pct_{c}_qof_dl2020_est" for c in _QOF_CONDITIONS})
    wards = wardvalues.ward_table(b.register, [counts, pct, note, cidr, prevalence])
    write_output(wards, "ward_conditions.csv", b.out)
    return _summary(wards, ["disabled_census2021", "pct_disabled_census2021", "cidr_iod2025", "pct_diabetes_qof_dl2020_est"])


def step_ward_children(b: Inputs) -> str:
    lsoas = (b.population.merge(b.lsoas2025[["lsoa21_code", "IDACI_decile"]], on="lsoa21_code", validate="one_to_one")
             .merge(b.table("iod2025_subdomains"), on="lsoa21_code", how="left", validate="one_to_one"))
    lsoas["idaci_decile1"] = lsoas["IDACI_decile"].eq(1).astype(float)
    pieces = lsoa_pieces(b.membership, lsoas, "pop_0_15")
    children = (apportion_counts(pieces, ["pop_0_15"]).groupby("WD25CD")["pop_0_15"].sum().round()
                .rename("children_0_15_census2021"))
    iod = wardvalues.ward_means(pieces, ["idaci_decile1", "cyp_score"]).rename(
        columns={"idaci_decile1": "idaci_decile1_share_2025", "cyp_score": "cyp_score_2025"})
    dwp, history = b.table("dwp_child_poverty"), childpoverty.ward_history(b.table("ward_codes"))
    poverty = childpoverty.child_poverty_by_ward(b.register, dwp, history)
    wards = wardvalues.ward_table(b.register, [children, poverty, iod])
    write_output(wards, "ward_children.csv", b.out)
    gone = childpoverty.dwp_wards_not_in_wd25(b.register, dwp, history)
    write_output(gone, "dwp_wards_not_in_wd25.csv", b.out)
    missing = wards["child_poverty_note"].ne("")
    return (f"DWP FYE2025 for {(~missing).sum():,} wards, no data (with reason) for {missing.sum()}; "
            f"{len(gone)} DWP ward codes not in WD25")


def step_ward_place(b: Inputs) -> str:
    lsoas = b.population.merge(b.table("ruc21"), on="lsoa21_code", how="left", validate="one_to_one")
    require_complete(lsoas, ["ruc21_code"], "ruc21")
    rural = rurality.ward_rurality(lsoa_pieces(b.membership, lsoas, "population"))
    # The coastal rule needs all England's wards, unsimplified (it finds the shore as their outer edge).
    coast = coastal.flag_coastal_wards(b.wards, b.vector("coastline"), b.vector("land"))
    coast = coast.set_axis(b.wards["WD25CD"])[["coastal", "coastal_reason", "coast_edge_m"]]
    wards = wardvalues.ward_table(b.register, [rural, coast])
    write_output(wards, "ward_place.csv", b.out)
    return (f"{int(wards['rural'].sum()):,} rural and {int((~wards['rural']).sum()):,} urban wards; "
            f"{int(wards['coastal'].sum()):,} coastal")
