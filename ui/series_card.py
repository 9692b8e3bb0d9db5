"""The check card of a time-series upload: a file with a period column, to track a goal with (issue 13).

:mod:`ui.upload` reads every file; one with a period column (:func:`geo.upload.series.inspect_series`)
comes here instead of becoming a layer. The card says what was read -- rows, the periods and
their kind, geography, areas matched, what was noted -- and asks for the count column, an
optional denominator, what the counts are, the measure's direction, the suppression threshold
and the goal the counts measure; it shows what the choices give on wards (values, how many small
counts are hidden, and the wards reached in and outside the ICB), and "Track with it" puts the
series in this session bound to that goal (:func:`ui.session.use_series`) for the Goals tab. The
same privacy rules as every upload: held in this session's state only, and every text from the
file shown as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.upload import SMALL_COUNT_THRESHOLD, UploadError, plain_markdown
from geo.upload.series import SeriesPreview, WardSeries, aggregate_series, series_reach
from layers.goals import CUSTOM, DEFAULT_GOAL, GOALS, goal_title
from ui import loaders, session
from ui.session import Keys, TrackedSeries

#: Highest suppression threshold offered, as for single-period uploads.
MAX_THRESHOLD = 100
NOTES_SHOWN = 12


@dataclass(frozen=True, eq=False)
class SeriesPending:
    """The time series being checked: its file number (keys the card's widgets), name and check."""

    seq: int
    name: str
    preview: SeriesPreview


def pending(seq: int, name: str, preview: SeriesPreview) -> None:
    """Show the card for a file just read as a time series."""
    session.forget(session.keys_starting(Keys.TRACK_CARD))
    session.put({Keys.TRACK_PENDING: SeriesPending(seq, name, preview), Keys.TRACK_RESULT: None})


def discard() -> None:
    session.put({Keys.TRACK_PENDING: None, Keys.TRACK_RESULT: None})


def _bullets(lines: list[str]) -> str:
    out = [f"- {plain_markdown(n)}" for n in lines[:NOTES_SHOWN]]
    return "\n".join(out + ([f"- … and {len(lines) - NOTES_SHOWN:,} more"] if len(lines) > NOTES_SHOWN else []))


def _aggregate(item: SeriesPending, column: str, denominator: str | None, threshold: int) -> WardSeries | str:
    """The series on wards for these choices (kept in the session), or why it cannot be."""
    signature = (item.seq, column, denominator, threshold)
    kept = session.get(Keys.TRACK_RESULT)
    if kept is not None and kept[0] == signature:
        return kept[1]
    try:
        result: WardSeries | str = aggregate_series(item.preview, loaders.upload_reference(), column,
                                                    denominator=denominator, threshold=threshold)
    except UploadError as error:
        result = str(error)
    session.put({Keys.TRACK_RESULT: (signature, result)})
    return result


def _use(name: str, keys: dict[str, str]) -> None:
    kept = session.get(Keys.TRACK_RESULT)
    if kept is None or not isinstance(kept[1], WardSeries):
        return
    measure = " ".join(str(session.get(keys["measure"]) or kept[1].column).split())
    session.use_series(TrackedSeries(name, kept[1], measure, bool(session.get(keys["worse"])),
                                     goal_id=session.get(keys["goal"]) or DEFAULT_GOAL))


def _summary(preview: SeriesPreview) -> None:
    p = preview.preview
    m = st.columns(3)
    m[0].metric("Rows read", f"{p.rows_read:,}")
    m[1].metric("Areas matched", f"{p.values.index.nunique():,}")
    m[2].metric(preview.kind.plural.capitalize(), f"{len(preview.span):,}",
                help=f"{preview.span[0]} to {preview.span[-1]}")
    st.markdown(f"**Periods:** {len(preview.span)} {preview.kind.plural}, {preview.span[0]} to {preview.span[-1]} "
                f"(column **{plain_markdown(preview.period_column)}**). **Geography:** "
                f"{plain_markdown(p.geography.label)}, codes in column **{plain_markdown(p.code_column)}**.")
    lines = [*preview.notes, *p.notes]
    if lines:
        st.caption(_bullets(lines))


def _choices(item: SeriesPending, k: str) -> tuple[str, str | None, int, dict[str, str]]:
    names = item.preview.count_columns
    column = st.selectbox("Count to track", names, key=f"{k}column", format_func=lambda c: c[:60],
                          help="A count per area and period (e.g. admissions); rates are made from it.")
    options = [None, *[c for c in names if c != column]]
    guessed = item.preview.preview.denominator
    denominator = st.selectbox("Denominator", options, key=f"{k}denominator",
                               index=options.index(guessed) if guessed in options else 0,
                               format_func=lambda c: c[:60] if c else "None: Census 2021 residents",
                               help="A count of the population at risk per area and period (e.g. registered "
                                    "patients); without one, rates are per 1,000 Census 2021 residents.")
    keys = {"measure": f"{k}measure", "worse": f"{k}worse", "goal": f"{k}goal"}
    st.text_input("What the counts are", value=column.replace("_", " ").capitalize()[:80], max_chars=80,
                  key=keys["measure"], help="Heads the charts, e.g. Non-elective admissions.")
    st.toggle("Higher is worse", value=True, key=keys["worse"],
              help="Admissions: yes. Sets the goal's direction and what the SPC chart calls improvement.")
    threshold = st.number_input("Suppress counts below", min_value=SMALL_COUNT_THRESHOLD, max_value=MAX_THRESHOLD,
                                value=SMALL_COUNT_THRESHOLD, step=1, key=f"{k}threshold",
                                help="Ward counts from 1 to this number less one are hidden in every period, and "
                                     "left out of the group totals; a group total that small is hidden too.")
    goals = [*GOALS, CUSTOM]
    shown = session.get(Keys.GOAL)
    st.selectbox("Goal it measures", goals, key=keys["goal"],
                 index=goals.index(shown if shown in goals else DEFAULT_GOAL),
                 format_func=lambda g: goal_title(g) if g in GOALS else "A goal of your own (as set in the Goals tab)",
                 help="The series tracks this goal only; on another goal the Goals tab asks before using it.")
    return column, denominator, int(threshold), keys


def card() -> None:
    """The card for the time series being checked (nothing when there is none)."""
    item: SeriesPending | None = session.get(Keys.TRACK_PENDING)
    if item is None:
        return
    k = f"{Keys.TRACK_CARD}{item.seq}_"
    with st.container(border=True, key="track_card"):
        st.markdown("#### Your data: a time series — check it, then track a goal with it")
        st.caption(f"{plain_markdown(item.name)} · read as {plain_markdown(item.preview.preview.source)}. A file "
                   "with a period column is read as a time series (one row per area and period). Nothing is used "
                   "until you press the button.")
        left, right = st.columns([3, 2], gap="large")
        with left:
            _summary(item.preview)
        with right:
            column, denominator, threshold, keys = _choices(item, k)
            wards = _aggregate(item, column, denominator, threshold)
            if isinstance(wards, str):
                st.error(plain_markdown(wards), icon=":material/error:")
            else:
                shown = int(wards.counts.notna().to_numpy().sum())
                reach = series_reach(wards, loaders.ward_table()).describe()
                st.markdown(f"On 2025 wards: **{shown:,}** ward-period values, **{wards.n_suppressed:,}** suppressed "
                            f"(counts from 1 to {wards.threshold - 1}); {plain_markdown(reach)}.")
            a, b = st.columns(2)
            a.button("Track with it", type="primary", icon=":material/monitoring:", key=f"{k}use",
                     width="stretch", disabled=isinstance(wards, str), on_click=_use, args=(item.name, keys),
                     help="Then open the Goals tab: the cohort against the rest, the trajectory and the SPC chart.")
            b.button("Discard file", key=f"{k}discard", width="stretch", on_click=discard)


def in_use_note() -> None:
    """One line while a series is in use: which file, where to look, and a button to stop."""
    series = session.tracked_series()
    if series is None or session.get(Keys.TRACK_PENDING) is not None:
        return
    c1, c2 = st.columns([5, 1], vertical_alignment="center")
    c1.info(f"Tracking **{plain_markdown(goal_title(series.goal_id))}** with **{plain_markdown(series.name)}** "
            f"({plain_markdown(series.measure)}): see the Goals tab.", icon=":material/monitoring:")
    c2.button("Stop tracking", key="track_stop", on_click=session.forget_series,
              help="The series leaves this session.")


def periods_of(series: TrackedSeries | None) -> list[pd.Period]:
    """The periods of the series in use (none without one)."""
    return [] if series is None else list(series.wards.periods)
