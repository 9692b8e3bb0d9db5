"""Health layers: life expectancy at birth (ONS, MSOA 2011), emergency admissions (IoD2025) and
general health (Census 2021, Output Areas).

The Health Deprivation and Disability domain score sits with the deprivation records
(:mod:`layers.deprivation`), in this same theme.
"""

from __future__ import annotations

from layers.indicator import BY_OA_RESIDENTS, N_OVERLAY_WARDS, OVERLAY_WARDS, Indicator
from layers.sources import CENSUS_TS037_OA, IOD2025, IOD_RATIO_UNIT, ONS_LE_MSOA, iod_ratio_england

#: Why the life expectancy layer ranks areas and must never be read against official figures.
_LE_CAVEAT = (
    "Ranking and comparison layer only. The levels in this ONS ad hoc file run about 1.5-2.5 years "
    "above official life expectancy (its deaths add up to 8-10% fewer than registered deaths; "
    "males in England average 81.8 years here against about 79.4 officially), so never compare "
    "a ward, LAD, ICB or England value from it with official figures. An area average made from "
    "these wards is comparable only with another average made the same way from this file (for "
    "example an ICB against England, both from this layer). The ward value is an estimate: a "
    "population average of the life expectancies of the MSOAs (2011) its residents live in, not "
    "a life table for the ward; MSOAs with too few deaths have no value, and a ward is left blank "
    "when fewer than half its residents live in an MSOA with one. Confidence intervals are only "
    "available for the MSOAs themselves (msoa11_life_expectancy.csv)."
)

_LE_METHOD = ("Each ward's LSOAs (2021) are mapped to LSOAs (2011) with the ONS lookup and then to "
              "their MSOA (2011) by the ONS naming (LSOA 'Blackpool 001A' is in MSOA 'Blackpool 001', "
              "checked against MSOA populations); the ward value is the average of those MSOAs' life "
              f"expectancy, {BY_OA_RESIDENTS} (all ages, both sexes).")


def _life_expectancy(sex: str, child: str, valid_range: tuple[float, float]) -> Indicator:
    """The ward estimate of life expectancy at birth for one sex ("male" / "female")."""
    return Indicator(
        id=f"le_{sex}_2016_20",
        title=f"Life expectancy at birth, {sex}s (ranking estimate)",
        theme="Health",
        family="Life expectancy at birth",
        variant=sex.capitalize(),
        definition=f"Estimated average number of years a newborn {child} would live at the death rates of "
                   "2016-20 in the MSOAs where the ward's residents live.",
        file="ward_health.csv",
        column=f"le_{sex}_2016_20_est",
        unit="years",
        period="2016-20 (five years pooled)",
        source_geography="MSOA 2011",
        method="estimate",
        method_note=_LE_METHOD,
        higher_is_worse=False,
        palette="PuBu",
        valid_range=valid_range,
        source=ONS_LE_MSOA,
        caveat=_LE_CAVEAT,
        warning="Ranking only: these levels run about 2 years above official life expectancy.",
    )


_EMERGENCY_ADMISSIONS_2025 = Indicator(
    id="emergency_admissions_2025",
    title="Emergency hospital admissions (standardised ratio)",
    theme="Health",
    family="Emergency admissions",
    variant="IoD2025",
    definition="Population-weighted average of the IoD2025 acute morbidity indicator: emergency "
               "(non-elective) hospital admissions relative to the number expected from the age and "
               "sex of the residents.",
    file="ward_health.csv",
    column="emergency_admissions_ratio_iod2025",
    unit=IOD_RATIO_UNIT,
    value_format=".0f",
    period="IoD2025 (hospital episode data of about 2021-23)",
    method_note=f"LSOA acute morbidity ratios (IoD2025 File 8) {BY_OA_RESIDENTS}; {OVERLAY_WARDS}.",
    palette="OrRd",
    valid_range=(0.0, 600.0),
    source=IOD2025,
    warning="A standardised ratio (100 = as expected at England's rates), not a rate per person.",
    caveat="A standardised ratio: above 100 means more emergency admissions than expected for the "
           "residents' ages, so wards can be ranked but a ratio is not a rate per person. "
           + iod_ratio_england("emergency admissions", "106") + " It counts "
           "admissions of residents wherever they were treated, and reflects how services are used "
           "as well as how ill people are.",
)

_GENERAL_HEALTH_METHOD = (
    "Each Output Area's Census 2021 percentage (1 dp) times its usual residents gives a count of "
    "people; the counts of the OAs whose population-weighted centroid lies in the ward are added up "
    f"and divided by those OAs' residents. The {N_OVERLAY_WARDS} wards that hold no OA centroid get an "
    "areal-overlay estimate from the LSOAs they overlap."
)

_GENERAL_HEALTH_CAVEAT = (
    "Crude percentages, not age-standardised: wards with older residents show more bad (and less good) "
    "health whatever the health of people of a given age, so compare wards of similar age profile or "
    "read it beside the age-standardised emergency admissions and illness ratios. Self-reported: "
    "people rated their own health, it is not a clinical measure. Census 2021 was taken on 21 March "
    "2021, during the COVID-19 pandemic, which may have changed how people rated their health."
)


def _general_health(stem: str, rating: str, column: str, higher_is_worse: bool, palette: str,
                    valid_range: tuple[float, float]) -> Indicator:
    """Census 2021 general health of the ward's residents, one rating band ("bad or very bad" ...)."""
    return Indicator(
        id=f"{stem}_health_2021",
        title=f"{rating.capitalize()} general health (% of residents, crude)",
        theme="Health",
        family="General health (Census 2021)",
        variant=rating.capitalize(),
        definition=f"Share of usual residents who described their general health as {rating} in Census 2021, "
                   "the closest open small-area measure to the 'healthy' in healthy life expectancy (HLE is "
                   "not published below local authority).",
        file="ward_health.csv",
        column=column,
        unit="% of residents",
        period="Census 2021 (21 March 2021)",
        source_geography="Output Area 2021",
        method="summed",
        method_note=_GENERAL_HEALTH_METHOD,
        higher_is_worse=higher_is_worse,
        palette=palette,
        valid_range=valid_range,
        source=CENSUS_TS037_OA,
        caveat=_GENERAL_HEALTH_CAVEAT,
        warning="Crude (not age-standardised) and self-reported, in Census 2021 during COVID-19.",
    )


HEALTH: tuple[Indicator, ...] = (
    _life_expectancy("male", "boy", (65.0, 100.0)),
    _life_expectancy("female", "girl", (70.0, 105.0)),
    _EMERGENCY_ADMISSIONS_2025,
    _general_health("bad", "bad or very bad", "pct_bad_or_very_bad_health_census2021", True, "RdPu", (0.0, 40.0)),
    _general_health("good", "good or very good", "pct_good_or_very_good_health_census2021", False, "YlGnBu",
                    (40.0, 100.0)),
)
