"""Long-term conditions layers: Census 2021 disability, IoD2025 illness and disability ratio, QOF prevalence.

These are public proxies for multimorbidity; no public data counts people with several
conditions. A locally held count (for example people with 5+ long-term conditions from a GP or
ICB extract) joins this theme at run time as an uploaded layer listed under it
(:mod:`layers.uploaded`).
"""

from __future__ import annotations

from layers.indicator import BY_OA_RESIDENTS, N_OVERLAY_WARDS, OVERLAY_WARDS, Indicator
from layers.sources import CENSUS_TS038, HOCL_QOF, IOD2025, IOD_RATIO_UNIT, iod_ratio_england

_DISABLED_NOTE = ("Each LSOA's count of residents disabled under the Equality Act (and of all its residents) is "
                  "split among the wards its Census 2021 Output Areas lie in, by those Output Areas' residents, "
                  "in whole people, and the parts are added up. The "
                  f"{N_OVERLAY_WARDS} very small wards that hold no Output Area have no count, because their "
                  "residents are counted in the wards their Output Areas lie in; their percentage is an "
                  "areal-overlay estimate (disabled_note says so).")
_DISABLED_DEFINITION = ("usual residents whose day-to-day activities are limited a little or a lot by a "
                        "long-term physical or mental health condition or illness (Census 2021).")

_DISABLED_PCT = Indicator(
    id="disabled_pct_2021",
    title="Disabled under the Equality Act (% of residents)",
    theme="Long-term conditions",
    family="Disabled residents (%)",
    variant="Census 2021",
    definition=f"Share of {_DISABLED_DEFINITION}",
    file="ward_conditions.csv",
    column="pct_disabled_census2021",
    unit="% of residents",
    period="Census 2021 (21 March 2021)",
    method="summed",
    method_note=_DISABLED_NOTE,
    palette="PuRd",
    valid_range=(0.0, 100.0),
    source=CENSUS_TS038,
    warning="Not age-standardised: wards with older residents have higher shares.",
    caveat="Self-reported and not age-standardised: wards with older residents have higher shares. "
           "ONS perturbs small census counts slightly, so totals can differ by a few people from "
           "other census tables.",
)

_DISABLED_COUNT = Indicator(
    id="disabled_count_2021",
    title="Disabled under the Equality Act (number of residents)",
    theme="Long-term conditions",
    family="Disabled residents (number)",
    variant="Census 2021",
    definition=f"Number of {_DISABLED_DEFINITION}",
    file="ward_conditions.csv",
    column="disabled_census2021",
    unit="residents",
    value_format=",.0f",
    period="Census 2021 (21 March 2021)",
    method="summed",
    method_note=_DISABLED_NOTE,
    palette="PuRd",
    aggregation="sum",
    weight="",
    valid_range=(0.0, 20_000.0),
    source=CENSUS_TS038,
    caveat="A count grows with the ward's size; use the percentage to compare wards. Wards of a LAD "
           "add up to the LAD's census total exactly (areal-overlay wards have no count). Not "
           "age-standardised.",
)

_CIDR_2025 = Indicator(
    id="cidr_2025",
    title="Illness and disability ratio (CIDR)",
    theme="Long-term conditions",
    family="Comparative illness and disability ratio",
    variant="IoD2025",
    definition="Population-weighted average of the IoD2025 Comparative Illness and Disability Ratio: "
               "people receiving benefits for work-limiting illness or disability, relative to the "
               "number expected from the residents' age and sex.",
    file="ward_conditions.csv",
    column="cidr_iod2025",
    unit=IOD_RATIO_UNIT,
    value_format=".0f",
    period="IoD2025 (benefit data of about 2021-23)",
    method_note=f"LSOA ratios (IoD2025 File 8) {BY_OA_RESIDENTS} (MHCLG's own denominator was not "
                f"published with this data); {OVERLAY_WARDS}.",
    palette="RdPu",
    valid_range=(0.0, 500.0),
    source=IOD2025,
    caveat="A proxy for long-term conditions and multimorbidity drawn from benefit claims: it misses "
           "people who do not claim and follows benefit rules as well as health. "
           + iod_ratio_england("claimants", "113"),
)

_QOF_CAVEAT = ("Modelled estimate, not a count: GP practice registers (QOF) are shared out to the small "
               "areas their patients live in, then the MSOA (2011) values are averaged over the ward's "
               "residents. It reflects how well GPs find and record the condition as well as how common "
               "it is. Single condition only: it does not count people with several conditions. QOF "
               "year not confirmed: the House of Commons Library file was downloaded in May 2020, and its "
               "England averages are closest to QOF 2017/18 (2018/19 is possible).")


def _qof(stem: str, name: str, definition: str) -> Indicator:
    """The modelled GP-recorded prevalence of one QOF condition (``stem`` names its column)."""
    return Indicator(
        id=f"qof_{stem}",
        title=f"{name}, GP-recorded prevalence (modelled)",
        theme="Long-term conditions",
        family="GP-recorded prevalence (modelled, QOF)",
        variant=name,
        definition=definition,
        file="ward_conditions.csv",
        column=f"pct_{stem}_qof_dl2020_est",
        unit="% of registered patients",
        period="QOF 2017/18 or 2018/19 (House of Commons Library file of May 2020)",
        source_geography="MSOA 2011",
        method="estimate",
        method_note="MSOA (2011) estimates carried to wards through the ward's LSOAs (2021 -> 2011 -> MSOA, as "
                    f"for life expectancy) and averaged, {BY_OA_RESIDENTS}.",
        valid_range=(0.0, 50.0),
        source=HOCL_QOF,
        caveat=_QOF_CAVEAT,
        warning="Modelled from GP registers (QOF 2017/18 or 2018/19), not a count of people.",
    )


QOF: tuple[Indicator, ...] = (
    _qof("asthma", "Asthma", "Estimated share of registered patients on their GP's asthma register (people with "
         "asthma who have had asthma treatment in the last year)."),
    _qof("copd", "COPD", "Estimated share of registered patients on their GP's chronic obstructive pulmonary "
         "disease register."),
    _qof("chronic_kidney_disease", "Chronic kidney disease", "Estimated share of registered patients aged 18+ on "
         "their GP's chronic kidney disease (stage 3-5) register."),
    _qof("coronary_heart_disease", "Coronary heart disease", "Estimated share of registered patients on their GP's "
         "coronary heart disease register."),
    _qof("diabetes", "Diabetes", "Estimated share of registered patients aged 17+ on their GP's diabetes register."),
    _qof("high_blood_pressure", "High blood pressure", "Estimated share of registered patients on their GP's "
         "hypertension register."),
    _qof("obesity", "Obesity", "Estimated share of registered patients aged 18+ recorded with a BMI of 30 or more "
         "in the last year."),
)

CONDITIONS: tuple[Indicator, ...] = (_DISABLED_PCT, _DISABLED_COUNT, _CIDR_2025, *QOF)
