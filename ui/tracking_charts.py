"""The tracking charts in the app: Vega-Lite (Altair) from :mod:`layers.trackchart`'s frames, styles and words.

Streamlit bundles Vega (nothing is fetched) and draws small charts as SVG with ARIA labels; each
chart is given its text alternative (``alt``) and a title, its axes titles carry the unit, and
every series is told apart by dash or shape as well as colour. Each chart has a legend whose
symbols are its marks (lines with their dashes; points with their colour *and* shape), as the
pack's matplotlib version (:mod:`report.trackchart`) has. Titles, subtitles and legends are laid
out for the chart's width, so that nothing is cut short on a 390-pixel phone.
"""

from __future__ import annotations

import json
import textwrap

import altair as alt
import pandas as pd

from layers.trackchart import POINT_TYPES, STYLES, VEGA_SHAPES, ChartText, chart_data
from layers.tracking import COHORT, PLACE, REST, Tracking

#: Chart heights in pixels: Streamlit fits the whole chart (title, legend, axes) into them.
HEIGHT = 560
SPC_HEIGHT = 600
PLACES = "Each place (hover for its name)"
#: Below this plot width (pixels, Vega's ``width`` signal) titles wrap shorter and legends take one column.
NARROW = 520
#: Characters a line of the title holds on a wide chart and on a narrow one (Vega cuts a longer line short
#: with "…"; it does not wrap). The subtitle is the page's caption under the chart, which the browser wraps.
WRAP = (60, 30)
#: Characters a line of an icon's words holds on a narrow chart.
ICON_WRAP = 36
LEGEND_LABEL_LIMIT = 300
TRIAL = "Trial limits (fewer than 12 points)"
#: The XmR chart's lines: colour and dash of each (as the pack's matplotlib chart draws them).
SPC_LINES = {"Mean": ("#333333", [1, 0]), "Process limits": ("#555555", [6, 3]), TRIAL: ("#555555", [2, 2]),
             "Target": (STYLES["target"].colour, list(STYLES["target"].dash))}


def _wrapped(text: str, wide: int, narrow: int) -> alt.ExprRef:
    """``text`` as lines for the chart's width: wide or narrow wrapping, chosen by Vega as it lays the chart out."""
    lines = {n: json.dumps(textwrap.wrap(text, n)) for n in (wide, narrow)}
    return alt.ExprRef(f"width < {NARROW} ? {lines[narrow]} : {lines[wide]}")


def _title(title: str, **more) -> alt.Title:
    """A chart title wrapped into lines that fit the chart's width."""
    return alt.Title(_wrapped(title, *WRAP), anchor="start", **more)


def _legend(**more) -> alt.Legend:
    """A legend under the plot: one column when narrow, two when wide; labels never cut."""
    return alt.Legend(orient="bottom", columns=alt.ExprRef(f"width < {NARROW} ? 1 : 2"),
                      labelLimit=LEGEND_LABEL_LIMIT, symbolOpacity=1, **more)


def _dash(key: str) -> list[int]:
    dash = STYLES[key].dash
    return list(dash) if dash else [1, 0]


def _names(tracking: Tracking) -> dict[str, str]:
    """The legend's name of each line of the rates chart, by its style key (:data:`layers.trackchart.STYLES`)."""
    base = tracking.baseline_periods
    return {COHORT: "The cohort", REST: "Rest of the area", PLACE: PLACES,
            "baseline": f"Baseline ({base[0]} to {base[-1]})", "trajectory": "Trajectory to the target",
            "target": f"Target by {tracking.goal.deadline:%B %Y}"}


def _lines(tracking: Tracking, rates: pd.DataFrame, places: bool, names: dict[str, str]) -> pd.DataFrame:
    """Every line of the rates chart as one long frame: ``series``, ``detail``, ``label``, ``date``, ``rate``,
    limits (a place's ``label`` is its name)."""
    frame = rates[rates["kind"] != PLACE].assign(series=lambda f: f["group"].map(names), detail=lambda f: f["group"])
    parts = [frame]
    if places:
        parts.append(rates[rates["kind"] == PLACE].assign(series=names[PLACE], detail=lambda f: f["label"]))
    base = tracking.baseline_periods
    extra = pd.DataFrame({
        "series": [names["baseline"]] * 2 + [names["trajectory"]] * 2 + [names["target"]] * 2,
        "date": [base[0].start_time, base[-1].end_time, *tracking.trajectory["date"], *tracking.trajectory["date"]],
        "rate": [tracking.baseline] * 2 + list(tracking.trajectory["value"]) + [tracking.target] * 2})
    parts.append(extra.assign(detail=extra["series"], label=extra["series"], period=""))
    return pd.concat(parts, ignore_index=True)


def rates_chart(tracking: Tracking, text: ChartText, *, places: bool = True) -> alt.LayerChart:
    """The cohort and the rest (95% CI bands), each place (named in its tooltip), baseline, target and
    trajectory, with a legend of every line drawn as it is drawn (colour and dash)."""
    rates, _ = chart_data(tracking)
    names = _names(tracking)
    lines = _lines(tracking, rates, places, names)
    shown = [k for k, name in names.items() if name in set(lines["series"])]
    domain = [names[k] for k in shown]
    scale = alt.Scale(domain=domain, range=[STYLES[k].colour for k in shown])
    legend = _legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)
    colour = alt.Color("series:N", title=None, scale=scale, legend=legend)
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=domain, range=[_dash(k) for k in shown]),
                          legend=legend)
    x = alt.X("date:T", title=text.x_title, axis=alt.Axis(format="%b %Y"))
    y = alt.Y("rate:Q", title=text.y_title, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("label:N", title="Line"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("rate:Q", title="Rate", format=".2f"),
               alt.Tooltip("lower:Q", title="95% CI lower", format=".2f"),
               alt.Tooltip("upper:Q", title="95% CI upper", format=".2f")]
    bands = (alt.Chart(lines[lines["group"].isin([COHORT, REST])]).mark_area(opacity=0.18)
             .encode(x=x, y="lower:Q", y2="upper:Q", color=colour))
    thin = lines["series"] == names[PLACE]
    faint = (alt.Chart(lines[thin]).mark_line(strokeWidth=0.8, point=alt.OverlayMarkDef(size=14, opacity=0.5))
             .encode(x=x, y=y, color=colour, strokeDash=dash, detail="detail:N", tooltip=tooltip))
    drawn = (alt.Chart(lines[~thin]).mark_line(point=alt.OverlayMarkDef(size=22, filled=True), strokeWidth=2.2)
             .encode(x=x, y=y, color=colour, strokeDash=dash, detail="detail:N", tooltip=tooltip))
    return (alt.layer(bands, faint, drawn)
            .properties(height=HEIGHT, title=_title(text.title))
            .configure_axis(labelFontSize=11, titleFontSize=12))


def _icons(text: ChartText) -> alt.LayerChart:
    """The variation and assurance icons above the plot: a letter in a circle, its words beside it (on two
    lines when the chart is narrow)."""
    words = [f"Variation: {text.variation.text}", f"Assurance: {text.assurance.text}"]
    icons = pd.DataFrame({"y": [-62, -24], "letter": [text.variation.letter, text.assurance.letter],
                          "colour": [text.variation.colour, text.assurance.colour], "wide": words,
                          "narrow": ["\n".join(textwrap.wrap(w, ICON_WRAP)) for w in words]})
    base = alt.Chart(icons).encode(x=alt.value(12), y=alt.Y("y:Q", scale=None))
    circle = base.mark_circle(size=420, opacity=1, stroke="#333333").encode(color=alt.Color("colour:N", scale=None))
    letter = base.mark_text(color="white", fontWeight="bold", fontSize=13).encode(text="letter:N")
    said = (base.transform_calculate(words=f"width < {NARROW} ? datum.narrow : datum.wide")
            .mark_text(align="left", dx=16, fontSize=12, lineBreak="\n").encode(text="words:N"))
    return alt.layer(circle, letter, said)


def _spc_lines(tracking: Tracking, points: pd.DataFrame) -> pd.DataFrame:
    """The XmR chart's lines as one long frame (``line``, ``detail``, ``date``, ``y``): each segment's mean and
    process limits (trial limits named apart) and the target."""
    limits = points["trial"].map({True: TRIAL, False: "Process limits"})
    parts = [points.assign(line="Mean", detail="mean" + points["segment"].astype(str), y=points["mean"])]
    for name in ("lpl", "upl"):
        parts.append(points.assign(line=limits, detail=name + points["segment"].astype(str), y=points[name]))
    if tracking.spc is not None and tracking.spc.target is not None and len(points):
        ends = points["date"].iloc[[0, -1]]
        parts.append(pd.DataFrame({"date": ends, "y": tracking.target, "line": "Target", "detail": "target"}))
    return pd.concat(parts, ignore_index=True)[["line", "detail", "date", "y"]]


def spc_chart(tracking: Tracking, text: ChartText) -> alt.LayerChart:
    """The cohort's XmR chart: rates, each segment's mean and limits (trial limits dashed closer), special-cause
    points by colour and shape, the target, and the variation and assurance icons above the plot. Its legends
    draw the points with their colour and shape and the lines with their colour and dash."""
    _, points = chart_data(tracking)
    x = alt.X("date:T", title=text.x_title, axis=alt.Axis(format="%b %Y"))
    present = set(points["point_type"])
    kinds = [k for k in POINT_TYPES if k in present] or ["common_cause"]
    labels = [POINT_TYPES[k][2] for k in kinds]
    y = alt.Y("value:Q", title=text.y_title, scale=alt.Scale(zero=False))
    path = alt.Chart(points).mark_line(color="#bbbbbb").encode(x=x, y=y)
    point_legend = _legend(title="Point", symbolStrokeColor="#333333", symbolStrokeWidth=0.5, symbolSize=90)
    marks = alt.Chart(points).mark_point(filled=True, size=70, stroke="#333333", strokeWidth=0.5).encode(
        x=x, y=y,
        color=alt.Color("type_label:N", title="Point", legend=point_legend,
                        scale=alt.Scale(domain=labels, range=[POINT_TYPES[k][0] for k in kinds])),
        shape=alt.Shape("type_label:N", title="Point", legend=point_legend,
                        scale=alt.Scale(domain=labels, range=[VEGA_SHAPES[POINT_TYPES[k][1]] for k in kinds])),
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("value:Q", title="Rate", format=".2f"),
                 alt.Tooltip("type_label:N", title="Point"), alt.Tooltip("mean:Q", format=".2f"),
                 alt.Tooltip("lpl:Q", title="Lower limit", format=".2f"),
                 alt.Tooltip("upl:Q", title="Upper limit", format=".2f")])
    frame = _spc_lines(tracking, points)
    drawn = [k for k in SPC_LINES if k in set(frame["line"])]
    line_legend = _legend(title="Line", symbolType="stroke", symbolStrokeWidth=2, symbolSize=400)
    lines = alt.Chart(frame).mark_line(strokeWidth=1.3).encode(
        x=x, y="y:Q", detail="detail:N",
        color=alt.Color("line:N", title="Line", legend=line_legend,
                        scale=alt.Scale(domain=drawn, range=[SPC_LINES[k][0] for k in drawn])),
        strokeDash=alt.StrokeDash("line:N", title="Line", legend=line_legend,
                                  scale=alt.Scale(domain=drawn, range=[SPC_LINES[k][1] for k in drawn])))
    return (alt.layer(path, lines, marks, _icons(text))
            .resolve_scale(color="independent", shape="independent", strokeDash="independent")
            .properties(height=SPC_HEIGHT, title=_title(text.spc_title, offset=12))
            .configure_axis(labelFontSize=11, titleFontSize=12)
            .configure_legend(layout=alt.ExprRef(f"{{bottom: {{anchor: 'start', direction: width < {NARROW} ? "
                                                 "'vertical' : 'horizontal'}}")))


#: How the SPC points read, in words under the chart (the legend draws them with their colours and shapes).
SHAPE_WORDS = ("Points: ◆ special cause improvement, ✚ special cause concern, ■ unusual (neutral), "
               "● common cause.")
