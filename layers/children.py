"""Children layers: DWP child poverty by ward, and IoD2025 child income deprivation and education."""

from __future__ import annotations

from layers.indicator import Indicator
from layers.sources import DWP_CILIF, IOD2025

_DWP_COVERAGE = ("DWP publishes on the May 2024 wards. The 335 wards created by 2025 boundary reviews "
                 "(Shropshire, Northumberland, County Durham, Buckinghamshire, the Northamptonshires, "
                 "Wiltshire and a few others) have new codes DWP does not have, 16 small wards (City of "
                 "London, Isles of Scilly) are not in its table, and DWP withholds the figure ([x]) for 14 "
                 "more; ward_children.csv says why in child_poverty_note, and "
                 "dwp_wards_not_in_wd25.csv lists the 326 DWP wards that no longer exist.")

_DWP_METHOD = ("DWP's published ward figure, joined on the ward code: 2025 wards whose code DWP also "
               "uses get its value unchanged; the rest are shown as no data with the reason.")

_CHILD_POVERTY_PCT = Indicator(
    id="child_low_income_pct_fye2025",
    title="Children in relative low income families, after housing costs (%)",
    theme="Children",
    family="Children in relative low income (%)",
    variant="FYE 2025",
    definition="Share of children aged 0-15 living in families with income below 60% of the UK median "
               "after housing costs, as estimated by DWP for the financial year ending March 2025.",
    file="ward_children.csv",
    column="pct_children_low_income_ahc_fye2025",
    unit="% of children aged 0-15",
    period="FYE 2025 (April 2024 - March 2025)",
    source_geography="Electoral ward (May 2024)",
    method="direct",
    method_note=_DWP_METHOD,
    weight="children_0_15_census2021",
    valid_range=(0.0, 100.0),
    source=DWP_CILIF,
    caveat="After-housing-costs figures are modelled by DWP from before-housing-costs benefit and tax "
           "credit data, so small wards carry more uncertainty. Percentages use DWP's own child "
           "population estimates; area averages here weight wards by Census 2021 children.",
    min_coverage=0.94,
    coverage_note=_DWP_COVERAGE,
    warning="No DWP figure for wards created in 2025 boundary reviews (about 5% of wards).",
)

_CHILD_POVERTY_COUNT = Indicator(
    id="child_low_income_count_fye2025",
    title="Children in relative low income families, after housing costs (number)",
    theme="Children",
    family="Children in relative low income (number)",
    variant="FYE 2025",
    definition="Number of children aged 0-15 living in families with income below 60% of the UK median "
               "after housing costs, as estimated by DWP for the financial year ending March 2025.",
    file="ward_children.csv",
    column="children_low_income_ahc_fye2025",
    unit="children aged 0-15",
    value_format=",.0f",
    period="FYE 2025 (April 2024 - March 2025)",
    source_geography="Electoral ward (May 2024)",
    method="direct",
    method_note=_DWP_METHOD,
    aggregation="sum",
    weight="",
    valid_range=(0.0, 20_000.0),
    source=DWP_CILIF,
    min_coverage=0.94,
    coverage_note=_DWP_COVERAGE,
    warning="No DWP figure for wards created in 2025 boundary reviews (about 5% of wards).",
    caveat="A count grows with the ward's size; use the percentage to compare wards. DWP rounds "
           "counts and the 2025 wards without a DWP code are missing, so a LAD's ward sum can fall "
           "short of DWP's LAD figure.",
)

_IDACI_2025 = Indicator(
    id="idaci_decile1_share_2025",
    title="Children in the most income-deprived 10% of LSOAs (IDACI)",
    theme="Children",
    family="Income deprivation affecting children (IDACI)",
    variant="IoD2025",
    definition="Share of the ward's children aged 0-15 who live in LSOAs in the most deprived 10% in "
               "England on the Income Deprivation Affecting Children Index.",
    file="ward_children.csv",
    column="idaci_decile1_share_2025",
    unit="% of children aged 0-15",
    value_format=".0%",
    period="IoD2025 (benefit data of about 2022)",
    method_note="Census 2021 children aged 0-15 in LSOAs in IDACI decile 1, over all children, each LSOA's "
                "children shared among wards by the residents of its Output Areas in each (same value as "
                "idaci_decile1_share in ward_deprivation_2025.csv).",
    scheme="EqualInterval",
    palette="PuRd",
    weight="children_0_15_census2021",
    valid_range=(0.0, 1.0),
    source=IOD2025,
    caveat="The IDACI score (a rate) was not available, only LSOA ranks and deciles, so this shows how "
           "many children live in the most deprived LSOAs, not the ward's child poverty rate. Most "
           "wards are 0%.",
)

_CYP_2025 = Indicator(
    id="cyp_score_2025",
    title="Children and young people's education deprivation",
    theme="Children",
    family="Children and young people sub-domain",
    variant="IoD2025",
    definition="Average IoD2025 children and young people sub-domain score (attainment at key stages 2 "
               "and 4, absence, staying on in education, entry to higher education) of the ward's "
               "children; higher means more deprived.",
    file="ward_children.csv",
    column="cyp_score_2025",
    unit="sub-domain score (0 = England average)",
    value_format=".2f",
    period="IoD2025 (school years of about 2021-23)",
    method_note="LSOA sub-domain scores weighted by Census 2021 children aged 0-15, each LSOA's children shared "
                "among wards by the residents of its Output Areas in each.",
    palette="BuPu",
    weight="children_0_15_census2021",
    valid_range=(-4.0, 5.0),
    source=IOD2025,
    caveat="A standardised score, not a rate: compare wards with each other. It reflects pupils by "
           "where they live, not where they go to school.",
)

CHILDREN: tuple[Indicator, ...] = (_CHILD_POVERTY_PCT, _CHILD_POVERTY_COUNT, _IDACI_2025, _CYP_2025)
