"""The Goals tab's "Is it on track?" section: the goal tracked over time from the user's own time series.

Thin: the series in use (:func:`ui.session.tracked_series`, put there by :mod:`ui.series_card`)
and the goal shown go through the one pure :func:`layers.tracking.track_goal` -- computed in the
session, never cached (the data are the user's) -- and this module only draws it: the SPC
reading with its Making Data Count icons as badges (words and colour), key figures, the rates
chart and the XmR chart (:mod:`ui.tracking_charts`, each with its text alternative), the
re-baselining choice (and, when the limits span a shift, a button to re-baseline from it), the
numbers (a suppressed count reads "<5") with a CSV download, and the notes. Without a series it
says how to make one and offers the template. A series tracks the goal it was chosen for: on
another goal the section names that goal and offers to track this one with it instead. Text from
the file is shown as plain text (:func:`geo.upload.plain_markdown`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo.areas import Area
from geo.bestfit import BEST_FIT
from geo.upload import plain_markdown
from geo.upload.periods import MONTH, recent_periods
from geo.upload.series import series_template
from layers.goals import Goal, goal_title
from layers.trackchart import chart_text
from layers.tracking import Tracking, track_goal
from report.track import tracking_csv, tracking_pages
from ui import loaders, session
from ui.session import Keys, TrackChoice, TrackedSeries
from ui.tracking_charts import HEIGHT, SHAPE_WORDS, SPC_HEIGHT, rates_chart, spc_chart

BADGE_COLOURS = {"#289de0": "blue", "#fab428": "orange", "#361475": "violet", "#7B7D7D": "gray"}
READING_BOXES = {"special_cause_improvement": st.success, "special_cause_concern": st.warning}


@st.cache_data(show_spinner=False, max_entries=32)
def template(key: str, month: str) -> bytes:
    """A time-series template for area ``key``: every LSOA 2021 for each of the 12 months before ``month``."""
    area = loaders.area_of(key)
    reference = loaders.upload_reference()
    codes = [area.lad or area.icb] if area.icb else sorted(reference.wards["icb_code"].dropna().unique())
    membership = reference.lookups["lsoa21"].rename(columns={"area_code": "lsoa21_code"}).assign(method=BEST_FIT)
    months = recent_periods(MONTH, 12, today=pd.Period(month, "M").start_time.date())
    return series_template(reference.wards, codes, months, membership=membership)


def _invite(area: Area) -> None:
    st.info("Track this goal with your own counts: upload a time series under **Your data** in the sidebar — one "
            "row per LSOA (or ward) and period (month 2025-04, quarter 2025-Q2, financial year 2025/26 or a date), "
            "with a count such as non-elective admissions and, if you have one, a denominator. It is held for this "
            "session only, and counts of 1–4 are suppressed everywhere.", icon=":material/monitoring:")
    month = dt.date.today().strftime("%Y-%m")
    st.download_button("Time-series template (LSOAs × 12 months)", data=lambda: template(area.key, month),
                       file_name=f"wardlens_timeseries_template_{area.key.replace('/', '_')}.csv", mime="text/csv",
                       key=Keys.DOWNLOAD_TRACK_TEMPLATE, on_click="ignore", icon=":material/download:")


def tracking_of(series: TrackedSeries, area: Area, goal: Goal, rebase_at: tuple) -> Tracking:
    """``goal`` tracked over ``area`` from the session's series (computed in the session, never cached)."""
    return track_goal(series.wards, loaders.ward_table(), loaders.published(), area, goal, measure=series.measure,
                      higher_is_worse=series.higher_is_worse, rebase_at=rebase_at, source_name=series.name)


def _reading(tracking: Tracking, text) -> None:
    kind = tracking.spc.variation if tracking.spc is not None else ""
    READING_BOXES.get(kind, st.info)(plain_markdown(tracking.reading), icon=":material/insights:")
    b1, b2 = st.columns(2)
    for column, label, icon in ((b1, "Variation", text.variation), (b2, "Assurance", text.assurance)):
        with column:
            st.badge(f"{label}: {icon.text} ({icon.letter})", color=BADGE_COLOURS.get(icon.colour, "gray"))
    if tracking.shift_at is not None:
        st.caption(plain_markdown(tracking.advice))
        st.button(f"Re-baseline from {tracking.shift_at}", key="track_rebase_shift", type="primary",
                  icon=":material/restart_alt:", on_click=session.rebase_series, args=((tracking.shift_at,),),
                  help="New process limits from the period the shift began (Making Data Count), so that the "
                       "target is judged against the new level.")


def _figures(tracking: Tracking) -> None:
    c = st.columns(4)
    base = tracking.baseline_periods
    cohort = tracking.series("cohort")["rate"].dropna()
    c[0].metric("Cohort baseline", f"{tracking.baseline:.2f}", border=True,
                help=f"{tracking.unit}, {base[0]} to {base[-1]}")
    c[0].caption(f"{tracking.unit}, {base[0]} to {base[-1]}")
    if len(cohort):
        c[1].metric(f"Cohort in {cohort.index[-1]}", f"{cohort.iloc[-1]:.2f}", border=True,
                    delta=f"{cohort.iloc[-1] / tracking.baseline - 1:+.1%}",
                    delta_color="inverse" if tracking.higher_is_worse else "normal")
    c[2].metric(f"Target rate by {tracking.goal.deadline:%B %Y}", f"{tracking.target:.2f}", border=True,
                delta=f"{tracking.change:+.0%}", delta_color="off")
    did = tracking.did
    if did is not None:
        c[3].metric("Gap change", f"{did.relative:+.1%}", border=True,
                    help="Difference in differences: the cohort's change minus the rest of the area's, as a share "
                         "of the cohort's baseline")
        c[3].caption(f"Since the baseline, against the rest: {did.estimate:+.2f} {tracking.unit} (95% CI "
                     f"{did.lower:+.2f} to {did.upper:+.2f})")
    else:
        c[3].metric("Gap change", "—", border=True)


def _rebase_chosen() -> None:
    chosen = session.get(Keys.TRACK_REBASE)
    session.rebase_series(() if chosen is None else (chosen,))


def _rebase(periods: list[pd.Period], rebase_at: tuple) -> None:
    """The re-baselining choice of the series and its goal (the latest restart; the series holds it)."""
    shown = rebase_at[-1] if rebase_at else None
    if session.get(Keys.TRACK_REBASE, None) != shown:
        session.put({Keys.TRACK_REBASE: shown})
    st.selectbox("Re-baseline the SPC limits from", [None, *periods[1:-1]], key=Keys.TRACK_REBASE,
                 on_change=_rebase_chosen,
                 format_func=lambda p: "No re-baselining (one set of limits)" if p is None else str(p),
                 help="After a sustained change, limits computed over both levels mix two processes: "
                      "start new limits at the period the change began (Making Data Count).")


def _other_goal(series: TrackedSeries, goal: Goal) -> None:
    """The series tracks another goal: say which, and offer to track this one with it (never silently)."""
    st.info(f"Your time series **{plain_markdown(series.name)}** ({plain_markdown(series.measure)}) tracks the goal "
            f"**{plain_markdown(goal_title(series.goal_id))}**, not this one, so it is not used here.",
            icon=":material/monitoring:")
    st.button("Track this goal with it instead", key="track_this_goal", icon=":material/swap_horiz:",
              on_click=session.track_goal_with_series, args=(goal.id,),
              help=f"Only if {series.measure[:60]} measures this goal: the series then tracks this goal, with its "
                   "own re-baselining.")


def _numbers(tracking: Tracking, name: str) -> None:
    with st.expander("The numbers: every group by period"):
        table = tracking.table
        shown = table.assign(period=table["period"].astype(str),
                             count=[f"<{tracking.threshold}" if h else ("" if pd.isna(c) else f"{c:,.0f}")
                                    for c, h in zip(table["count"], table["suppressed"])])
        st.dataframe(shown[["period", "label", "count", "residents", "rate", "lower", "upper", "wards",
                            "wards_left_out"]], hide_index=True, key="track_table",
                     column_config={"rate": st.column_config.NumberColumn("Rate", format="%.2f"),
                                    "lower": st.column_config.NumberColumn("95% CI lower", format="%.2f"),
                                    "upper": st.column_config.NumberColumn("95% CI upper", format="%.2f"),
                                    "residents": st.column_config.NumberColumn("Denominator", format="localized"),
                                    "label": "Group", "period": "Period", "count": "Count"})
        st.download_button("Tracking table (CSV)", data=lambda: tracking_csv(tracking, name),
                           file_name="wardlens_tracking.csv", mime="text/csv", key=Keys.DOWNLOAD_TRACK,
                           on_click="ignore", icon=":material/download:")


def tracking_section(area: Area, goal: Goal) -> None:
    """The section for ``goal`` over ``area``: an invitation without a series, else the tracking."""
    st.markdown("#### Is it on track? Your data over time")
    series = session.tracked_series()
    if series is None:
        _invite(area)
        return
    if series.goal_id != goal.id:
        _other_goal(series, goal)
        return
    periods = list(series.wards.periods)
    rebase = tuple(p for p in series.rebase_at if p in periods[1:-1])
    tracking = tracking_of(series, area, goal, rebase)
    session.remember_tracking(TrackChoice(area.key, goal, rebase))
    text = chart_text(tracking, series.name)
    st.caption(f"From **{plain_markdown(series.name)}** ({plain_markdown(series.measure)}): your own data, computed "
               "by WardLens — not official statistics.")
    _reading(tracking, text)
    _figures(tracking)
    places = st.toggle("Show each place", value=True, key=Keys.TRACK_PLACES) if area.lad is None else False
    st.altair_chart(rates_chart(tracking, text, places=places), width="stretch", alt=text.alt, key="track_rates",
                    height=HEIGHT)
    st.caption(plain_markdown(text.subtitle))
    st.caption(plain_markdown(tracking.progress))
    _rebase(periods, rebase)
    st.altair_chart(spc_chart(tracking, text), width="stretch", alt=text.spc_alt, key="track_spc", height=SPC_HEIGHT)
    st.caption(f"{plain_markdown(text.spc_subtitle)} {SHAPE_WORDS}")
    _numbers(tracking, series.name)
    with st.expander("Caveats and methods of tracking"):
        st.markdown("\n".join(f"- {plain_markdown(n)}" for n in tracking.notes))


def pack_pages(area: Area) -> Callable[[], list] | None:
    """For the place pack: a callable giving the tracking page of the goal last tracked over ``area``
    (captured now, made on click), or None when nothing is tracked there."""
    choice = session.tracked_goal(area.key)
    series = None if choice is None else session.series_for(choice.goal.id)
    if choice is None or series is None:
        return None
    return lambda: [tracking_pages(tracking_of(series, area, choice.goal, choice.rebase_at), series.name)]
