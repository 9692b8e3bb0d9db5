"""The tracking charts in the app: Vega-Lite (Altair) from :mod:`layers.trackchart`'s frames, styles and words.

Streamlit bundles Vega (nothing is fetched) and draws small charts as SVG with ARIA labels; each
chart is given its text alternative (``alt``) and a title, its axes titles carry the unit, and
every series is told apart by dash or shape as well as colour. The pack draws the same charts
with matplotlib (:mod:`report.trackchart`).
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from layers.trackchart import POINT_TYPES, STYLES, VEGA_SHAPES, ChartText, chart_data
from layers.tracking import COHORT, PLACE, REST, Tracking

#: Chart heights in pixels: Streamlit fits the whole chart (title, legend, axes) into them.
HEIGHT = 470
SPC_HEIGHT = 470
PLACES = "Each place (local authority)"


def _title(title: str, subtitle: str, **more) -> alt.Title:
    """A chart title wrapped into short lines (Vega cuts a long line short with "…" on a phone)."""
    return alt.Title(textwrap.wrap(title, 48), subtitle=textwrap.wrap(subtitle, 64), anchor="start", **more)


def _dash(key: str) -> list[int]:
    dash = STYLES[key].dash
    return list(dash) if dash else [1, 0]


def _lines(tracking: Tracking, rates: pd.DataFrame, places: bool) -> pd.DataFrame:
    """Every line of the rates chart as one long frame: ``series``, ``detail``, ``date``, ``rate``, limits."""
    named = {COHORT: "The cohort", REST: "Rest of the area"}
    frame = rates[rates["kind"] != PLACE].assign(series=lambda f: f["group"].map(named), detail=lambda f: f["group"])
    parts = [frame]
    if places:
        parts.append(rates[rates["kind"] == PLACE].assign(series=PLACES, detail=lambda f: f["label"]))
    base = tracking.baseline_periods
    extra = pd.DataFrame({
        "series": ["Baseline"] * 2 + ["Trajectory to the target"] * 2 + ["Target"] * 2,
        "date": [base[0].start_time, base[-1].end_time, *tracking.trajectory["date"], *tracking.trajectory["date"]],
        "rate": [tracking.baseline] * 2 + list(tracking.trajectory["value"]) + [tracking.target] * 2})
    parts.append(extra.assign(detail=extra["series"], label=extra["series"], period=""))
    return pd.concat(parts, ignore_index=True)


_SERIES = {"The cohort": COHORT, "Rest of the area": REST, PLACES: PLACE, "Baseline": "baseline",
           "Trajectory to the target": "trajectory", "Target": "target"}


def rates_chart(tracking: Tracking, text: ChartText, *, places: bool = True) -> alt.LayerChart:
    """The cohort and the rest (95% CI bands), each place, baseline, target and trajectory."""
    rates, _ = chart_data(tracking)
    lines = _lines(tracking, rates, places)
    shown = [s for s in _SERIES if s in set(lines["series"])]
    scale = alt.Scale(domain=shown, range=[STYLES[_SERIES[s]].colour for s in shown])
    colour = alt.Color("series:N", title=None, scale=scale,
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=260, symbolType="stroke"))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=shown, range=[_dash(_SERIES[s]) for s in shown]),
                          legend=None)
    x = alt.X("date:T", title=text.x_title, axis=alt.Axis(format="%b %Y"))
    y = alt.Y("rate:Q", title=text.y_title, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("series:N", title="Line"), alt.Tooltip("label:N", title="Group"),
               alt.Tooltip("period:N", title="Period"), alt.Tooltip("rate:Q", title="Rate", format=".2f"),
               alt.Tooltip("lower:Q", title="95% CI lower", format=".2f"),
               alt.Tooltip("upper:Q", title="95% CI upper", format=".2f")]
    bands = (alt.Chart(rates[rates["kind"] != PLACE].assign(series=lambda f: f["group"].map(
        {COHORT: "The cohort", REST: "Rest of the area"}))).mark_area(opacity=0.18)
             .encode(x=x, y="lower:Q", y2="upper:Q", color=alt.Color("series:N", scale=scale, legend=None)))
    thin = lines["series"] == PLACES
    faint = (alt.Chart(lines[thin]).mark_line(strokeWidth=0.8)
             .encode(x=x, y=y, color=colour, strokeDash=dash, detail="detail:N", tooltip=tooltip))
    drawn = (alt.Chart(lines[~thin]).mark_line(point=alt.OverlayMarkDef(size=22, filled=True), strokeWidth=2.2)
             .encode(x=x, y=y, color=colour, strokeDash=dash, detail="detail:N", tooltip=tooltip))
    return (alt.layer(bands, faint, drawn)
            .properties(height=HEIGHT, title=_title(text.title, text.subtitle))
            .configure_axis(labelFontSize=11, titleFontSize=12))


def _icons(text: ChartText) -> alt.LayerChart:
    icons = pd.DataFrame({"y": [-44, -18], "letter": [text.variation.letter, text.assurance.letter],
                          "colour": [text.variation.colour, text.assurance.colour],
                          "words": [f"Variation: {text.variation.text}", f"Assurance: {text.assurance.text}"]})
    base = alt.Chart(icons).encode(x=alt.value(12), y=alt.Y("y:Q", scale=None))
    circle = base.mark_circle(size=420, opacity=1, stroke="#333333").encode(color=alt.Color("colour:N", scale=None))
    letter = base.mark_text(color="white", fontWeight="bold", fontSize=13).encode(text="letter:N")
    words = base.mark_text(align="left", dx=16, fontSize=12).encode(text="words:N")
    return alt.layer(circle, letter, words)


def spc_chart(tracking: Tracking, text: ChartText) -> alt.LayerChart:
    """The cohort's XmR chart: rates, each segment's mean and limits (trial limits dashed closer), special-cause
    points by colour and shape, the target, and the variation and assurance icons above the plot."""
    _, points = chart_data(tracking)
    points = points.assign(limits=points["trial"].map({True: "Trial limits (fewer than 12 points)",
                                                       False: "Process limits"}))
    x = alt.X("date:T", title=text.x_title, axis=alt.Axis(format="%b %Y"))
    present = set(points["point_type"])
    kinds = [k for k in POINT_TYPES if k in present] or ["common_cause"]
    labels = [POINT_TYPES[k][2] for k in kinds]
    legend = alt.Legend(orient="bottom", columns=1, labelLimit=260)
    y = alt.Y("value:Q", title=text.y_title, scale=alt.Scale(zero=False))
    path = alt.Chart(points).mark_line(color="#bbbbbb").encode(x=x, y=y)
    marks = alt.Chart(points).mark_point(filled=True, size=70, stroke="#333333", strokeWidth=0.5).encode(
        x=x, y=y, color=alt.Color("type_label:N", title="Point", scale=alt.Scale(domain=labels, range=[POINT_TYPES[k][0]
                                                                                      for k in kinds]), legend=legend),
        shape=alt.Shape("type_label:N", title="Point", scale=alt.Scale(domain=labels, range=[VEGA_SHAPES[POINT_TYPES[k][1]]
                                                                              for k in kinds]), legend=None),
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("value:Q", title="Rate", format=".2f"),
                 alt.Tooltip("type_label:N", title="Point"), alt.Tooltip("mean:Q", format=".2f"),
                 alt.Tooltip("lpl:Q", title="Lower limit", format=".2f"),
                 alt.Tooltip("upl:Q", title="Upper limit", format=".2f")])
    mean = alt.Chart(points).mark_line(color="#333333").encode(x=x, y="mean:Q", detail="segment:N")
    limits = [alt.Chart(points).mark_line(color="#555555").encode(
        x=x, y=f"{name}:Q", detail="segment:N", strokeDash=alt.StrokeDash("limits:N", title=None, scale=alt.Scale(
            domain=sorted(set(points["limits"])), range=[[6, 3] if k == "Process limits" else [2, 2]
                                                         for k in sorted(set(points["limits"]))]),
            legend=alt.Legend(orient="bottom", labelLimit=260))) for name in ("lpl", "upl")]
    layers = [path, mean, *limits, marks, _icons(text)]
    if tracking.spc is not None and tracking.spc.target is not None:
        layers.append(alt.Chart(pd.DataFrame({"target": [tracking.target]})).mark_rule(
            color=STYLES["target"].colour, strokeDash=list(STYLES["target"].dash)).encode(y="target:Q"))
    return (alt.layer(*layers)
            .properties(height=SPC_HEIGHT, title=_title(text.spc_title, text.spc_subtitle, offset=62))
            .configure_axis(labelFontSize=11, titleFontSize=12))


#: How the SPC points read, in words beside the chart (the legend shows their colours; the shapes are these).
SHAPE_WORDS = "Points: ◆ special cause improvement, ✚ special cause concern, ■ unusual (neutral), ● common cause."
