"""The "Goals" tab: model and test a goal for viability over the area shown.

Thin: the controls return plain values (a :class:`~layers.goals.Goal`, a measure id, the
deprivation groups and the over-dispersion factor); :func:`ui.views.goal` returns the one pure
:class:`~layers.goalview.GoalView` (cached for published measures, per session for uploads);
the rest only draws it -- key figures, the cohort readings and how they overlap, baseline and
target with the trajectory, detectability, the gradient across deprivation, the bivariate and
overlap maps, and the notes and sources. Charts are Vega-Lite through ``st.altair_chart``
(Streamlit's bundled Vega: nothing is fetched). Text that comes from data or from the user is
shown as plain text (escaped in Markdown).
"""

from __future__ import annotations

import math
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from geo.areas import Area
from geo.upload import plain_markdown
from layers.goal_cohorts import overlap_text, reading_text
from layers.goal_impact import about
from layers.goals import (COHORTS, CUSTOM, DEFAULT_GOAL, DEFAULT_GROUPS, DEFAULT_OVERDISPERSION, DIRECTIONS, GOALS,
                          GROUP_CHOICES, Goal, custom_goal, offered_measures)
from layers.goalview import GoalView
from layers.mapview import map_frame
from layers.targets import TARGETINGS
from ui import loaders, session, tracking_panel, views
from ui.panels import attribution
from ui.session import Keys, keep_valid
from ui.wardmap import ward_map

MAP_HEIGHT = 560
MAP_MODES = {"bivariate": "Deprivation × outcome (3 × 3)", "overlap": "How the cohort readings overlap"}
#: How each interval method reads on the page.
METHODS = {"Byars": "Byar's", "Exact": "exact Poisson", "Wilson": "Wilson", "Normal": "from MSOA standard errors"}
DIRECTION_LABELS = {"improve": "Improve (the measure's better direction)", "decrease": "Decrease", "increase": "Increase"}
#: The custom goal's default deadline: five years from the board paper, at a financial year end.
DEFAULT_DEADLINE = date(2030, 3, 31)


def _label(layer: str) -> str:
    record = views.record(layer)
    return record.full_title


def goal_controls() -> tuple[Goal, str]:
    """The goal (a preset or the user's own) and the layer that models it."""
    options = [*GOALS, CUSTOM]
    keep_valid(Keys.GOAL, options, DEFAULT_GOAL)
    chosen = st.selectbox("Goal", options, key=Keys.GOAL,
                          format_func=lambda g: GOALS[g].title if g in GOALS else "A goal of your own…",
                          help="The three goals of the Lancashire and South Cumbria ICB board paper (January 2025), "
                               "or your own: any layer, direction, size, cohort and deadline.")
    records = [s.record for s in views.catalogue().values() if s.record.kind != "flag"]
    if chosen != CUSTOM:
        goal = GOALS[chosen]
        measures = offered_measures(goal, records)
        keep_valid(Keys.GOAL_MEASURE, measures)
        measure = st.selectbox("Measure to model it with", measures, key=Keys.GOAL_MEASURE, format_func=_label,
                               help="The goal's measure where it is published for wards, else the closest open "
                                    "measures, then any layer you uploaded under Your data.")
        if goal.gap_note:
            st.info(f"**The measure the goal names is not published by ward.** {plain_markdown(goal.gap_note)}",
                    icon=":material/info:")
        return goal, measure
    ids = [r.id for r in records]
    keep_valid(Keys.CUSTOM_MEASURE, ids)
    c1, c2 = st.columns(2)
    measure = c1.selectbox("Measure", ids, key=Keys.CUSTOM_MEASURE,
                           format_func=lambda i: f"{views.record(i).theme} — {_label(i)}",
                           help="Any layer, including one you uploaded under Your data.")
    keep_valid(Keys.CUSTOM_COHORT, list(COHORTS))
    cohort = c2.selectbox("Cohort", list(COHORTS), key=Keys.CUSTOM_COHORT, format_func=lambda c: TARGETINGS[c].label)
    c3, c4, c5 = st.columns([1.2, 1, 1])
    keep_valid(Keys.CUSTOM_DIRECTION, list(DIRECTIONS))
    direction = c3.radio("Direction", list(DIRECTIONS), key=Keys.CUSTOM_DIRECTION, format_func=DIRECTION_LABELS.get,
                         horizontal=False)
    size = c4.slider("Relative change (%)", min_value=1, max_value=50, value=10, step=1, key=Keys.CUSTOM_SIZE)
    deadline = c5.date_input("Deadline", value=DEFAULT_DEADLINE, min_value=date(2025, 4, 1),
                             max_value=date(2040, 3, 31), key=Keys.CUSTOM_DEADLINE, format="DD/MM/YYYY")
    return custom_goal(measure, direction, size / 100, cohort, deadline), measure


def reading_control(area: Area) -> bool:
    """For a place: model the ICB-wide cohort (the goal's) or the within-place reading (True)."""
    if area.lad is None:
        return False
    options = ["icb", "place"]
    keep_valid(Keys.GOAL_READING, options)
    return st.radio("Cohort to model", options, key=Keys.GOAL_READING, horizontal=True,
                    format_func=lambda o: ("The goal's cohort: the ICB's most disadvantaged wards in this place"
                                           if o == "icb" else "Within-place reading: the place's own most "
                                                              "disadvantaged wards (not the goal's cohort)"),
                    help="An ICB goal's cohort is ranked across the whole ICB; the within-place reading ranks the "
                         "place's wards among themselves and is a separate option.") == "place"


def settings_controls() -> tuple[int, float]:
    """Deprivation groups for the SII and the over-dispersion factor of the detectability test."""
    c1, c2 = st.columns(2)
    groups = c1.radio("Deprivation groups for the SII", list(GROUP_CHOICES), key=Keys.GOAL_GROUPS, horizontal=True,
                      index=GROUP_CHOICES.index(DEFAULT_GROUPS),
                      format_func=lambda k: "Deciles" if k == 10 else "Quintiles",
                      help="The area's wards ranked by IMD 2025 average score and cut into 10 or 5 groups of equal "
                           "numbers of wards. Quintiles suit a small place.")
    phi = c2.number_input("Over-dispersion factor", min_value=1.0, max_value=10.0, value=DEFAULT_OVERDISPERSION,
                          step=0.5, key=Keys.GOAL_OVERDISPERSION,
                          help="How much more counts vary than pure chance (Poisson) would make them: 1 = Poisson; 2 "
                               "(default) allows for repeat admissions, clustering and year-to-year swings. For a "
                               "share it is the design effect.")
    return int(groups), float(phi)


# --- drawing -----------------------------------------------------------------------------------------

def key_figures(view: GoalView) -> None:
    """Who, where they start, the target, the people, the verdict and the gradient, in one row each."""
    cohort, base, det = view.cohort.coverage, view.baseline, view.detectability
    ci = (f"95% CI {view.fmt(base.lower)} to {view.fmt(base.upper)} ({METHODS.get(base.method, base.method)})"
          if base.has_interval
          else "no confidence interval for this measure")
    c = st.columns(4)
    c[0].metric("Cohort" if not view.within_place else "Within-place reading", f"{cohort.wards:,} wards", border=True,
                help=f"{cohort.population:,} residents, {cohort.share:.1%} of the area (Census 2021)")
    c[0].caption(f"{cohort.population:,} residents · {cohort.share:.1%} of the area")
    c[1].metric("Baseline", view.fmt(base.value), border=True, help=view.period)
    c[1].caption(f"{plain_markdown(view.record.unit)} · {ci}")
    target = "no relative target" if math.isnan(view.target) else view.fmt(view.target)
    c[2].metric(f"Target by {view.goal.deadline:%B %Y}", target, delta=f"{view.change:+.0%}",
                delta_color="inverse" if view.record.higher_is_worse else "normal", border=True)
    c[2].caption(f"Rest of the area {view.fmt(view.rest.value)} · England {view.fmt(view.england.value)}")
    verdict = {True: "Yes", False: "No", None: "Not known"}[det.detectable]
    c[3].metric("Detectable?", verdict, border=True,
                help="Could the goal's change be told from chance by the deadline, at 80% power and 5% two-sided "
                     "significance? See “Is it detectable?”")
    c[3].caption(f"By {view.goal.deadline:%B %Y}: the smallest detectable change is {abs(det.min_change):.1%}"
                 if not math.isnan(det.min_change) else "Not known without counts")
    d = st.columns(3)
    plausible = view.plausibility
    d[2].metric("Plausible?", plausible.word, border=True,
                help="Where the target lies against the rest of the area and England, and the change a year it "
                     "needs against a published past rate. See “Is it plausible?”")
    d[2].caption(plain_markdown(f"{plausible.headline} · needs {plausible.pace_note}"
                                if not math.isnan(plausible.per_year) else plausible.pace_note))
    people = view.impact
    label, people_value = "In people" + (" a year" if people.per_year else ""), "—"
    if not math.isnan(people.change):
        people_value = f"{'−' if people.change < 0 else '+'}{about(people.change)}"
    elif not math.isnan(view.target):  # a change in the measure's own units (life expectancy: years)
        label, people_value = f"Change in {view.record.unit}", f"{view.target - base.value:+.1f}"
    d[0].metric(label, people_value, border=True,
                help="Approximate: counts estimated from a published England rate" if people.approximate else None)
    d[0].caption(plain_markdown(people.text))
    grad = view.gradient
    if grad is not None and not math.isnan(grad.sii):
        sii = f"{grad.sii:,.3g}"
        ci_text = (f"95% CI {grad.sii_lower:,.3g} to {grad.sii_upper:,.3g}" if not math.isnan(grad.sii_lower)
                   else "no interval")
        d[1].metric(f"SII, {grad.k} groups", sii, border=True,
                    help=f"Slope index of inequality over {grad.k} deprivation groups: least deprived end minus "
                         "most deprived end of the fitted line (OHID/PHE method)")
        d[1].caption(f"{plain_markdown(grad.unit)} · {ci_text}"
                     + (f" · RII {grad.rii:.3g}" if not math.isnan(grad.rii) else "")
                     + f"  \n{plain_markdown(grad.reading)}")
    else:
        d[1].metric("SII", "—", border=True, help="Slope index of inequality: none for this area and measure")
        d[1].caption(plain_markdown(grad.text if grad else "Too few wards for deprivation groups."))


def cohort_section(view: GoalView) -> None:
    st.markdown("### Who is in the cohort")
    st.markdown(plain_markdown(view.cohort.targeting.describe(view.record)))
    st.caption(plain_markdown(view.imd_edition[0].upper() + view.imd_edition[1:] + "."))
    # A static table: its cells wrap, so every column stays on a phone's width (a data grid scrolls sideways).
    st.table(reading_text(view.reading_table), hide_index=True)
    st.caption("Only in this reading: wards picked by this reading and by no other.")
    st.table(overlap_text(view.overlap_summary), hide_index=True)
    if view.area.lad is not None:
        st.caption("A place keeps the ICB-wide cohort (its wards in this place) as the goal's cohort; the "
                   "within-place reading ranks the place's wards among themselves and is shown apart.")
    with st.expander(f"The wards in any reading ({len(view.overlap):,})"):
        config = {r.label: st.column_config.CheckboxColumn(r.label, help=r.targeting.label) for r in view.readings}
        config["Residents"] = st.column_config.NumberColumn(format="localized")
        config["Ward code"] = st.column_config.TextColumn(width="small")
        st.dataframe(view.overlap, hide_index=True, column_config=config, key="goal_overlap",
                     height=min(420, 38 + 35 * max(len(view.overlap), 1)))


def baseline_section(view: GoalView) -> None:
    st.markdown("### Where they start, and the target")
    rows = [("The cohort", view.baseline), ("Rest of the area", view.rest), ("England", view.england)]
    table = pd.DataFrame({
        "Group": [r[0] for r in rows],
        "Value": [e.value for _, e in rows],
        "95% CI lower": [e.lower for _, e in rows],
        "95% CI upper": [e.upper for _, e in rows],
        "Interval": [METHODS.get(e.method, e.method) or "none" for _, e in rows],
        "Wards": [e.n_wards for _, e in rows],
    })
    fmt = "%.2f" if view.record.value_format.endswith("2f") else "%.1f"
    st.dataframe(table, hide_index=True, key="goal_baseline",
                 column_config={c: st.column_config.NumberColumn(format=fmt) for c in
                                ("Value", "95% CI lower", "95% CI upper")})
    st.caption(f"{plain_markdown(view.record.title)} ({plain_markdown(view.record.variant)}), "
               f"{plain_markdown(view.period)}; {plain_markdown(view.record.unit)}. "
               f"{plain_markdown(view.cohort_gap)}")
    if view.trajectory.empty:
        st.caption("No trajectory: the measure has no relative target.")
        return
    traj = view.trajectory.assign(date=pd.to_datetime(view.trajectory["date"]))
    chart = (alt.Chart(traj).mark_line(point=True)
             .encode(x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y")),
                     y=alt.Y("value:Q", title=view.record.unit.split(" (")[0][:40], scale=alt.Scale(zero=False)),
                     tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), alt.Tooltip("value:Q", format=".2f")])
             .properties(height=220, title="Straight-line trajectory to the target"))
    st.altair_chart(chart, width="stretch", alt=f"Line from {view.fmt(view.baseline.value)} to "
                                                 f"{view.fmt(view.target)} by {view.goal.deadline:%B %Y}")
    with st.expander("Trajectory by year"):
        st.dataframe(traj.assign(date=traj["date"].dt.strftime("%d %b %Y")), hide_index=True, key="goal_trajectory",
                     column_config={"value": st.column_config.NumberColumn("Expected value", format=fmt),
                                    "date": st.column_config.TextColumn("Date")})


def plausibility_section(view: GoalView) -> None:
    st.markdown("### Is it plausible?")
    plausible = view.plausibility
    (st.warning if plausible.flagged else st.info)(plain_markdown(plausible.text), icon=":material/balance:")


def detectability_section(view: GoalView, tracked: session.TrackedSeries | None = None) -> None:
    """The detectability verdict; what data would settle it, or -- when ``tracked`` (a series tracking this
    goal) -- that the goal is now tracked from the uploaded data."""
    st.markdown("### Is it detectable?")
    det = view.detectability
    body = plain_markdown(det.text)
    if tracked is not None:
        more = (f"This goal is now tracked from your uploaded data, **{plain_markdown(tracked.name)}** "
                f"({plain_markdown(tracked.measure)}): see “Is it on track?” above."
                + (f" The test here still uses the published layer's {plain_markdown(det.basis)}."
                   if det.basis else ""))
    elif det.needs:
        more = ("**Data needed:** " if det.detectable is None else "To confirm it: ") + plain_markdown(det.needs)
    else:
        more = ""
    if det.detectable is None:
        st.warning(f"{body} {more}".strip(), icon=":material/help:")
    else:
        (st.success if det.detectable else st.error)(body, icon=":material/analytics:")
        if more:
            st.caption(more)


def gradient_section(view: GoalView) -> None:
    st.markdown("### How steep is the gradient across deprivation?")
    grad = view.gradient
    if grad is None:
        st.caption("Too few wards to cut into deprivation groups: choose quintiles, or a larger area.")
        return
    st.markdown(plain_markdown(grad.text))
    if grad.reading:
        st.markdown(f"**{plain_markdown(grad.reading)}**")
    if view.scale_note:
        st.markdown(f"**{plain_markdown(view.scale_note)}**")
    groups = grad.groups.dropna(subset=["x"])
    if not groups.empty:
        base = alt.Chart(groups).encode(x=alt.X("x:Q", title="Relative rank: 0 = most deprived, 1 = least deprived",
                                                scale=alt.Scale(domain=[0, 1])))
        points = base.mark_point(filled=True, size=60).encode(
            y=alt.Y("value:Q", title=grad.unit[:40], scale=alt.Scale(zero=False)),
            tooltip=["label:N", alt.Tooltip("value:Q", format=".3g"), alt.Tooltip("lower:Q", format=".3g"),
                     alt.Tooltip("upper:Q", format=".3g"), alt.Tooltip("population:Q", format=",.0f"), "wards:Q"])
        layers = [points]
        if groups["lower"].notna().any():
            layers.append(base.mark_rule().encode(y="lower:Q", y2="upper:Q"))
        line = alt.Chart(grad.line).mark_line(strokeDash=[6, 3], color="#d95f02").encode(x="x:Q", y="value:Q")
        chart = alt.layer(*layers, line).properties(height=260, title="Values by deprivation group, with the fitted "
                                                                      "line")
        st.altair_chart(chart, width="stretch", alt=f"Values of {len(groups)} deprivation groups with the SII line")
    st.caption(plain_markdown(grad.note))


def map_section(view: GoalView, static_base: str) -> None:
    st.markdown("### On the map")
    keep_valid(Keys.GOAL_MAP, list(MAP_MODES))
    mode = st.radio("Map", list(MAP_MODES), key=Keys.GOAL_MAP, format_func=MAP_MODES.get, horizontal=True,
                    label_visibility="collapsed")
    payload = view.bivariate_map if mode == "bivariate" else view.overlap_map
    if payload is None:
        return
    frame = map_frame(loaders.area_geometry(view.area.key), static_base=static_base)
    ward_map(frame, payload, key="goals_map", height=MAP_HEIGHT)
    if mode == "bivariate":
        st.caption("Each ward is in a third of the area's wards by IMD 2025 average score and a third by the measure "
                   "(worst third = worst values, whatever the measure's direction). The darkest wards are the most "
                   "deprived with the worst outcome. Outlined: the goal's cohort.")
    else:
        st.caption("Darker wards are picked by more of the readings; outlined: the goal's cohort.")


def notes_section(view: GoalView) -> None:
    with st.expander("Caveats, methods and sources", expanded=False):
        st.markdown("\n".join(f"- {plain_markdown(n)}" for n in view.notes))
        if view.gradient is not None:
            st.markdown(f"- {plain_markdown(view.gradient.note)}")
        st.markdown(f"- Source of the goal: {plain_markdown(view.goal.origin)}.")
    attribution(list(view.sources))


def goals_panel(area: Area, static_base: str) -> None:
    """The Goals tab for ``area``."""
    st.markdown(f"## Goals: {plain_markdown(area.name)}")
    st.caption("Model a goal for the area's most disadvantaged wards and test it for viability: who is in the "
               "cohort, where they start, what the goal means in people, whether the change could be detected by "
               "the deadline, and how steep the gradient across deprivation is.")
    goal, measure = goal_controls()
    within_place = reading_control(area)
    with st.expander("Settings: deprivation groups and over-dispersion"):
        groups, phi = settings_controls()
    view = views.goal(area.key, goal, measure, groups, phi, within_place)
    session.remember_goal(session.GoalChoice(area.key, goal, measure, groups, phi, within_place))
    st.markdown(f"**{plain_markdown(goal.title)}** — modelled with **{plain_markdown(_label(measure))}**, "
                f"{plain_markdown(view.period)}.")
    key_figures(view)
    cohort_section(view)
    baseline_section(view)
    tracking_panel.tracking_section(area, goal)  # the goal over time, from the user's own time series
    plausibility_section(view)
    detectability_section(view, session.series_for(goal.id))
    gradient_section(view)
    map_section(view, static_base)
    notes_section(view)
