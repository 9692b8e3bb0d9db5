"""Deprivation layers: IMD 2025 and IoD2019 recast onto 2025 wards (MHCLG, LSOA-based)."""

from __future__ import annotations

from dataclasses import replace

from layers.indicator import BY_OA_RESIDENTS, OVERLAY_WARDS, Indicator
from layers.sources import IOD2019, IOD2025

_RECAST = ("IoD2019 recast to 2025 wards — not directly comparable with IoD2025: different LSOA "
           "boundaries (2011), indicators, data years and population base (mid-2015). Use it for the "
           "broad picture, not to measure change.")
_RECAST_NOTE = ("LSOA 2011 values carried to LSOA 2021 through the ONS lookup (a split LSOA shared by Census 2021 "
                "population), then to wards by the Census 2021 residents of each LSOA's Output Areas in the ward")


def _recast_2019(current: Indicator, **differences: object) -> Indicator:
    """The IoD2019 edition of an IoD2025 record, recast onto 2025 wards: the same measure (title,
    family, column, unit, format, colours), from ``ward_deprivation_2019.csv``, with the recast's
    caveat and warning, no MHCLG figure beside it, and ``differences`` (period, method, …)."""
    return replace(current, id=current.id.replace("_2025", "_2019"), variant="IoD2019 recast",
                   file="ward_deprivation_2019.csv", source_geography="LSOA 2011", source=IOD2019, official="",
                   caveat=_RECAST, warning="IoD2019 recast to 2025 wards: not comparable with IoD2025.",
                   **differences)

_SCORE_2025 = Indicator(
    id="imd_score_2025",
    title="Index of Multiple Deprivation, average score",
    theme="Deprivation",
    family="IMD average score",
    variant="IoD2025",
    definition="Population-weighted average of the IMD 2025 scores of the ward's LSOAs; higher means "
               "more deprived.",
    file="ward_deprivation_2025.csv",
    column="imd_score",
    unit="IMD score",
    period="IoD2025 (indicators mostly 2021–23)",
    method_note=f"MHCLG's average-score summary measure: LSOA scores {BY_OA_RESIDENTS}; {OVERLAY_WARDS}.",
    valid_range=(0.0, 100.0),
    source=IOD2025,
    official="imd_average_score",
    caveat="A ward average can hide pockets of deprivation; the extent and Core20 share layers show how "
           "much of the ward lives in deprived LSOAs. IoD2025 population denominators were not "
           "available, so Census 2021 residents weight the LSOAs.",
)

_SCORE_2019 = _recast_2019(
    _SCORE_2025,
    definition="Population-weighted average of the IMD 2019 scores of the LSOAs (2011) that make up "
               "the ward; higher means more deprived.",
    period="IoD2019 (indicators mostly 2015–17)",
    method_note=f"{_RECAST_NOTE}; weighted by the IoD2019 mid-2015 population denominators. The IMD 2019 "
                "score is rebuilt from the File 9 transformed domain scores with the official weights.",
)

_CORE20_DEFINITION = ("Share of the ward's residents living in LSOAs in the most deprived 20% in England (IMD "
                      "deciles 1–2), NHS England's Core20 population.")

_CORE20_2025 = Indicator(
    id="core20_share_2025",
    title="Residents in the national most deprived 20% of LSOAs (Core20)",
    theme="Deprivation",
    family="Core20 share",
    variant="IoD2025",
    definition=_CORE20_DEFINITION,
    file="ward_deprivation_2025.csv",
    column="core20_share",
    unit="% of residents",
    value_format=".0%",
    period="IoD2025",
    method_note="Census 2021 residents of the ward's Output Areas that lie in LSOAs in IMD deciles 1–2, over all "
                "its residents.",
    scheme="EqualInterval",
    palette="PuRd",
    valid_range=(0.0, 1.0),
    source=IOD2025,
    caveat="Most wards are either wholly in or wholly out of Core20, so many values are 0% or 100%.",
)

_CORE20_2019 = _recast_2019(
    _CORE20_2025,
    period="IoD2019",
    method_note="Mid-2015 residents of the ward's LSOAs (2011, via the ONS lookup) in IMD 2019 "
                "deciles 1–2, over all its residents.",
)

_EXTENT_2025 = Indicator(
    id="imd_extent_2025",
    title="Extent of deprivation",
    theme="Deprivation",
    family="IMD extent",
    variant="IoD2025",
    definition="MHCLG's extent measure: the share of residents in the most deprived 30% of LSOAs in "
               "England, counting the most deprived 10% in full and the next 20% on a sliding scale.",
    file="ward_deprivation_2025.csv",
    column="imd_extent",
    unit="share of residents (weighted)",
    value_format=".0%",
    period="IoD2025",
    method_note=f"MHCLG's summary-measure method applied to the ward's LSOAs, {BY_OA_RESIDENTS}.",
    scheme="EqualInterval",
    palette="OrRd",
    valid_range=(0.0, 1.0),
    source=IOD2025,
    official="imd_extent",
    caveat="A ward has only a few LSOAs (often 3–8), so extent moves in large steps.",
)

_INCOME_2025 = Indicator(
    id="income_score_2025",
    title="Income deprivation",
    theme="Deprivation",
    family="Income deprivation",
    variant="IoD2025",
    definition="Population-weighted average of the IoD2025 Income domain score: the share of residents "
               "in income-deprived households.",
    file="ward_deprivation_2025.csv",
    column="income_score",
    unit="% of residents",
    value_format=".0%",
    period="IoD2025 (benefit data 2022)",
    method_note=f"LSOA Income domain rates {BY_OA_RESIDENTS}.",
    valid_range=(0.0, 1.0),
    source=IOD2025,
    official="income_average_score",
    caveat="Counts people in receipt of means-tested benefits or tax credits, so it misses eligible "
           "people who do not claim.",
)

_EMPLOYMENT_2025 = Indicator(
    id="employment_score_2025",
    title="Employment deprivation",
    theme="Deprivation",
    family="Employment deprivation",
    variant="IoD2025",
    definition="Population-weighted average of the IoD2025 Employment domain score: the share of "
               "working-age residents involuntarily out of work (unemployment, sickness, disability "
               "or caring).",
    file="ward_deprivation_2025.csv",
    column="employment_score",
    unit="% of working-age residents",
    value_format=".0%",
    period="IoD2025 (benefit data 2022)",
    method_note=f"LSOA Employment domain rates {BY_OA_RESIDENTS}.",
    valid_range=(0.0, 1.0),
    source=IOD2025,
    official="employment_average_score",
    caveat="Weighted by all residents, not by the working-age denominator MHCLG uses (not published "
           "with this data), so ward values differ slightly from a working-age weighting.",
)

_HEALTH_DOMAIN_2025 = Indicator(
    id="health_score_2025",
    title="Health deprivation and disability",
    theme="Health",
    family="Health deprivation and disability",
    variant="IoD2025",
    definition="Population-weighted average of the IoD2025 Health Deprivation and Disability domain score "
               "(premature death, illness and disability, emergency admissions, mental health).",
    file="ward_deprivation_2025.csv",
    column="health_score",
    unit="domain score (0 = England average)",
    value_format=".2f",
    period="IoD2025 (indicators mostly 2019–23)",
    method_note=f"LSOA domain scores {BY_OA_RESIDENTS}.",
    palette="RdPu",
    valid_range=(-4.0, 5.0),
    source=IOD2025,
    official="health_average_score",
    caveat="A standardised score, not a rate: compare wards with each other, not with a target value.",
)

DEPRIVATION: tuple[Indicator, ...] = (
    _SCORE_2025, _SCORE_2019, _CORE20_2025, _CORE20_2019, _EXTENT_2025, _INCOME_2025,
    _EMPLOYMENT_2025, _HEALTH_DOMAIN_2025,
)
