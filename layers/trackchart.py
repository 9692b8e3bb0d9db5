"""What the tracking charts draw, declared once for both renderers (the app's Vega-Lite, the pack's matplotlib).

Two charts come from one :class:`~layers.tracking.Tracking`:

* **Rates by period**: the cohort and the rest of the area with their 95% CIs as bands, each
  place as a thin line, the baseline year, the target and the straight-line trajectory to it;
* **SPC (XmR) of the cohort**: the rates, the mean and process limits of each segment (trial
  limits dashed and labelled), special-cause points by Making Data Count colour *and* shape
  (so colour is never the only cue), and the variation and assurance icons -- a letter in a
  circle with its words beside it.

:func:`chart_data` gives the frames (dates as the start of each period, so that every renderer
puts a period at the same place) and :func:`chart_text` the titles, axis labels with units and the
text alternatives. Colours follow NHSRplotthedots' Making Data Count palette.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from layers.tracking import COHORT, NOT_JUDGED, PLACE, REST, Tracking


@dataclass(frozen=True)
class Style:
    """How one kind of line is drawn: colour, width, dash pattern (None: solid), marker and whether
    its 95% CI is drawn as a band."""

    colour: str
    width: float
    dash: tuple[int, int] | None = None
    marker: str | None = None
    band: bool = False


STYLES: dict[str, Style] = {
    COHORT: Style("#08519c", 2.6, marker="o", band=True),
    REST: Style("#d95f02", 2.0, (6, 2), "s", band=True),
    PLACE: Style("#a6a6a6", 0.9),
    "trajectory": Style("#111111", 1.6, (5, 3)),
    "target": Style("#238b45", 1.4, (2, 2)),
    "baseline": Style("#08519c", 1.2, (1, 2)),
}


@dataclass(frozen=True)
class Icon:
    """A Making Data Count icon: a letter in a circle of a colour, and what it means in words."""

    letter: str
    colour: str
    text: str


GREY, BLUE, ORANGE, PURPLE = "#7B7D7D", "#289de0", "#fab428", "#361475"
VARIATION_ICONS: dict[str, Icon] = {
    "common_cause": Icon("~", GREY, "Common cause variation"),
    "improvement_high": Icon("H", BLUE, "Special cause improvement (higher)"),
    "improvement_low": Icon("L", BLUE, "Special cause improvement (lower)"),
    "concern_high": Icon("H", ORANGE, "Special cause concern (higher)"),
    "concern_low": Icon("L", ORANGE, "Special cause concern (lower)"),
    "neutral_high": Icon("H", PURPLE, "Special cause variation (higher)"),
    "neutral_low": Icon("L", PURPLE, "Special cause variation (lower)"),
}
#: Making Data Count's assurance icons (pass, fail, hit and miss); when the limits span a shift the target is not
#: judged, shown as the neutral grey icon without a verdict (NHSRplotthedots' ``empty`` assurance icon), as for
#: a chart with no target.
ASSURANCE_ICONS: dict[str | None, Icon] = {
    "consistent_pass": Icon("P", BLUE, "Target consistently met"),
    "consistent_fail": Icon("F", ORANGE, "Target consistently missed"),
    "inconsistent": Icon("?", GREY, "Target not yet assured (hit and miss)"),
    NOT_JUDGED: Icon("–", GREY, "Not judged until the chart is re-baselined"),
    None: Icon("–", GREY, "No target to assure"),
}
#: Each SPC point type: its colour, marker (matplotlib's names; Vega-Lite's shapes in :data:`VEGA_SHAPES`) and label.
POINT_TYPES: dict[str, tuple[str, str, str]] = {
    "common_cause": (GREY, "o", "Common cause"),
    "special_cause_improvement": (BLUE, "D", "Special cause: improvement"),
    "special_cause_concern": (ORANGE, "P", "Special cause: concern"),
    "special_cause_neutral_high": (PURPLE, "s", "Special cause: unusually high"),
    "special_cause_neutral_low": (PURPLE, "s", "Special cause: unusually low"),
}
VEGA_SHAPES = {"o": "circle", "D": "diamond", "P": "cross", "s": "square"}


@dataclass(frozen=True)
class ChartText:
    """Titles, axis labels (with units) and text alternatives of the two charts."""

    title: str
    subtitle: str
    y_title: str
    x_title: str
    spc_title: str
    spc_subtitle: str
    alt: str
    spc_alt: str
    variation: Icon
    assurance: Icon


def chart_data(tracking: Tracking) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rates (``date``, ``group``, ``label``, ``kind``, ``rate``, ``lower``, ``upper``) and the SPC
    points (``date``, ``value``, ``mean``, ``lpl``, ``upl``, ``point_type``, ``type_label``, ``trial``,
    ``segment``), dated at the start of each period."""
    rates = tracking.table[["period", "group", "label", "kind", "rate", "lower", "upper"]].copy()
    rates["date"] = pd.PeriodIndex(rates["period"]).start_time
    rates["period"] = rates["period"].astype(str)
    if tracking.spc is None:
        return rates, pd.DataFrame(columns=["date", "value", "mean", "lpl", "upl", "point_type", "type_label",
                                            "trial", "segment", "period"])
    points = tracking.spc.points[["period", "value", "mean", "lpl", "upl", "point_type", "trial", "segment"]].copy()
    points["date"] = pd.PeriodIndex(points["period"]).start_time
    points["period"] = points["period"].astype(str)
    points["type_label"] = points["point_type"].map(lambda t: POINT_TYPES[t][2])
    return rates, points


def _fmt(value: float) -> str:
    return "no value" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def chart_text(tracking: Tracking, source_name: str) -> ChartText:
    """The charts' words: what, where, which unit, from what, and a sentence each for screen readers."""
    first, last = tracking.periods[0], tracking.periods[-1]
    unit = tracking.unit
    spc = tracking.spc
    variation = VARIATION_ICONS[spc.variation_icon] if spc is not None else VARIATION_ICONS["common_cause"]
    assurance = ASSURANCE_ICONS[tracking.assurance]
    did = tracking.did
    gap = (f" The gap's change since the baseline (difference in differences): {did.estimate:+.2f} {unit} "
           f"(95% CI {did.lower:+.2f} to {did.upper:+.2f}), {did.relative:+.0%} of the cohort's baseline."
           if did is not None else "")
    alt = (f"Line chart of {tracking.measure} {unit}, {first} to {last}, in {tracking.area.name}: the cohort's rate "
           f"went from a baseline of {_fmt(tracking.baseline)} to {_fmt(tracking.series(COHORT)['rate'].iloc[-1])} "
           f"in {last}, against the rest of the area's {_fmt(tracking.series(REST)['rate'].iloc[-1])}; the target "
           f"is {_fmt(tracking.target)} by {tracking.goal.deadline:%B %Y}.{gap}")
    spc_alt = (f"XmR chart of the cohort's rate, {first} to {last}. {tracking.reading} "
               f"Icons: {variation.text}; {assurance.text}.")
    return ChartText(
        title=f"{tracking.measure}: the cohort against the rest of the area",
        subtitle=(f"{tracking.area.name}, {first} to {last}; rates {unit} with 95% CIs. Your own data "
                  f"({source_name}), computed by WardLens: not official statistics."),
        y_title=f"Rate {unit}", x_title=f"{tracking.period_name.capitalize()} (plotted at its start)",
        spc_title="Is it changing? SPC (XmR) chart of the cohort's rate",
        spc_subtitle=tracking.reading, alt=alt, spc_alt=spc_alt, variation=variation, assurance=assurance)
