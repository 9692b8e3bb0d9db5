"""Health layers: life expectancy at birth (ONS, MSOA 2011) and emergency admissions (IoD2025).

The Health Deprivation and Disability domain score sits with the deprivation records
(:mod:`layers.deprivation`), in this same theme.
"""

from __future__ import annotations

from layers.indicator import Indicator
from layers.sources import IOD2025, ONS_LE_MSOA

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
              "expectancy weighted by Census 2021 residents (all ages, both sexes).")


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
    unit="age/sex-standardised ratio (about 100 = England)",
    value_format=".0f",
    period="IoD2025 (hospital episode data of about 2021-23)",
    method_note="LSOA acute morbidity ratios (IoD2025 File 8) best-fitted to wards and weighted by "
                "Census 2021 usual residents; areal overlay for the few wards no LSOA best-fits to.",
    palette="OrRd",
    valid_range=(0.0, 600.0),
    source=IOD2025,
    caveat="A standardised ratio: above 100 means more emergency admissions than expected for the "
           "residents' ages, so wards can be ranked but a ratio is not a rate per person. It counts "
           "admissions of residents wherever they were treated, and reflects how services are used "
           "as well as how ill people are.",
)

HEALTH: tuple[Indicator, ...] = (
    _life_expectancy("male", "boy", (65.0, 100.0)),
    _life_expectancy("female", "girl", (70.0, 105.0)),
    _EMERGENCY_ADMISSIONS_2025,
)
