"""Place layers: rurality (ONS RUC2021) and the coastal flag (computed from ward geometry).

Neither is a measure of need: they say what kind of place a ward is, so that coastal and rural
communities (named in the ICB's plans) can be picked out next to the health layers.
"""

from __future__ import annotations

from geo.coastal import CAVEAT as COASTAL_CAVEAT, COAST_BUFFER_M, MIN_EDGE_M
from geo.rurality import RURAL_THRESHOLD
from layers.indicator import Indicator
from layers.sources import COASTAL, ONS_RUC2021

_RUC_NOTE = ("Each LSOA (2021) is rural or urban in RUC2021 (rural: larger or smaller rural settlement, "
             "nearer to or further from a major town or city); the ward's share is its Census 2021 "
             "residents (those of its Output Areas) who live in rural LSOAs, over all its residents. The dominant "
             "RUC2021 class (the class most residents live in) is in ward_place.csv too.")

_RURAL_SHARE = Indicator(
    id="rural_share_2021",
    title="Residents living in rural areas",
    theme="Place",
    family="Rurality",
    variant="Share of residents (RUC2021)",
    definition="Share of the ward's residents who live in LSOAs classed as rural in the ONS Rural Urban "
               "Classification 2021.",
    file="ward_place.csv",
    column="rural_share_ruc2021",
    unit="% of residents",
    value_format=".0%",
    period="RUC2021 (Census 2021 settlements; published 2025)",
    method_note=_RUC_NOTE,
    higher_is_worse=False,
    context=True,
    scheme="EqualInterval",
    palette="Greens",
    valid_range=(0.0, 1.0),
    source=ONS_RUC2021,
    caveat="Context, not need: higher means more rural, neither better nor worse. LSOAs are classed "
           "whole, so a ward with a village on a town's edge can show 0% or 100%.",
)

_RURAL_FLAG = Indicator(
    id="rural_flag_2021",
    title="Rural ward",
    theme="Place",
    family="Rurality",
    variant="Rural / urban flag",
    definition=f"A ward is rural if at least {RURAL_THRESHOLD:.0%} of its residents live in LSOAs classed "
               "as rural in the ONS Rural Urban Classification 2021, and urban otherwise.",
    file="ward_place.csv",
    column="rural",
    unit="rural (yes / no)",
    value_format=".0f",
    period="RUC2021 (Census 2021 settlements; published 2025)",
    method_note=f"Threshold {RURAL_THRESHOLD:.0%} of Census 2021 residents applied to the rural share. "
                + _RUC_NOTE,
    higher_is_worse=False,
    kind="flag",
    scheme="EqualInterval",
    palette="Greens",
    aggregation="share of wards",
    weight="",
    valid_range=(0.0, 1.0),
    source=ONS_RUC2021,
    caveat="A threshold on a share: a ward with 49% of residents in rural LSOAs counts as urban. Use "
           "the rural share layer to see the gradient.",
)

_COASTAL_FLAG = Indicator(
    id="coastal_flag",
    title="Coastal ward",
    theme="Place",
    family="Coastal",
    variant="On the sea or an estuary",
    definition=f"A ward is coastal if at least {MIN_EDGE_M:,.0f} m of its boundary is on the shore of the "
               "sea or of a tidal estuary.",
    file="ward_place.csv",
    column="coastal",
    unit="coastal (yes / no)",
    value_format=".0f",
    period="Ward boundaries 2025; Natural Earth 1:10m (v4)",
    source_geography="Ward 2025 (boundary geometry)",
    method="geometry",
    method_note=f"In British National Grid: the outer edge of all England's ward polygons (which stop at "
                f"Mean High Water) is the shore plus the land borders; edge within {COAST_BUFFER_M:,.0f} m "
                "of the Natural Earth coastline and not on the border with Wales or Scotland is sea or "
                "estuary shore (geo.coastal). ward_place.csv gives each ward's reason (coastal_reason) and "
                "metres of shore (coast_edge_m).",
    higher_is_worse=False,
    kind="flag",
    scheme="EqualInterval",
    palette="Blues",
    aggregation="share of wards",
    weight="",
    valid_range=(0.0, 1.0),
    source=COASTAL,
    caveat=COASTAL_CAVEAT,
)

PLACE: tuple[Indicator, ...] = (_RURAL_SHARE, _RURAL_FLAG, _COASTAL_FLAG)
