"""Board outputs of the view shown: the map as an image (PNG, slide or A4 print size) and as SVG, the
place pack as a PDF, and a print view of the whole target list.

The files are made only when a button is clicked (``st.download_button`` with a callable: the
file is made then, in a thread of its own, never on a rerun), from the data captured when the
page is drawn -- the session's catalogue, so an uploaded layer works too, with its suppressed
counts reading "<5". They come from the same pure functions as ``python -m report map`` and
``python -m report pack`` (:mod:`report.mapspec`, :mod:`report.pack`), so the app and the command
line make the same files for the same view.

The on-screen target list is a canvas grid that prints only the rows in view, so the page also
holds the whole list as an HTML table that only the browser's print shows
(``static/wardlens/print.css``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.precision import Components
from layers.goalview import goal_view
from layers.profile import Published
from layers.view import Catalogue, LayerView
from report.document import render_pdf
from report.mapspec import coverage_text, map_spec
from report.pack import file_stem, place_pack
from report.pack_list import target_list_frame, target_list_notes
from report.staticmap import render_map
from report.version import version
from ui import loaders, session, tracking_panel, views
from ui.controls import ward_labels
from ui.session import GoalChoice, Keys

#: The map sizes offered, as :data:`report.staticmap.CANVASES` names them.
MAP_SIZES = {"slide": "Slide (1920 × 1080)", "a4": "A4 print (300 dpi)"}
#: The most ward profiles a pack takes from the page (each is two or three pages).
MAX_PROFILES = 12
#: Above this many wards (all England) the profile picker offers the target wards only.
MAX_PICKER_WARDS = 2000


@dataclass(frozen=True, eq=False)
class BoardData:
    """What the files are made from, captured when the page is drawn: every layer by id (uploads
    included), the ward table, the area's ward polygons, MHCLG's published summaries and, for a
    goal page, the life expectancy standard-error components."""

    catalogue: Catalogue
    register: pd.DataFrame
    shapes: gpd.GeoDataFrame
    official: Published
    components: Mapping[str, Components] | None = None


def map_bytes(view: LayerView, data: BoardData, *, fmt: str, size: str, generated: dt.date) -> bytes:
    """The static map of ``view`` (``fmt`` "png" or "svg", ``size`` "slide" or "a4")."""
    spec = map_spec(view, data.shapes, data.register, generated=generated, version=version())
    return render_map(spec, fmt=fmt, size=size)


def pack_bytes(view: LayerView, data: BoardData, wards: Sequence[str], goal: GoalChoice | None, *,
               generated: dt.date, extra: Callable[[], list] | None = None) -> bytes:
    """The place pack of ``view`` as PDF bytes, with a profile page per ward of ``wards``, the
    page of ``goal`` (modelled again from its choices: the same numbers as the Goals tab) and the
    pages ``extra`` makes (the tracking page, :func:`ui.tracking_panel.pack_pages`)."""
    modelled = None
    if goal is not None:
        modelled = goal_view(data.catalogue, data.register, view.area, goal.goal, goal.measure, groups=goal.groups,
                             overdispersion=goal.overdispersion, components=data.components,
                             within_place=goal.within_place)
    flags = tuple(s.record.id for s in view.flag_sources)
    document = place_pack(data.catalogue, data.register, view.area, view.record.id, view.scheme, view.targeting.id,
                          flags, wards, shapes=data.shapes, official=data.official, goal=modelled,
                          generated=generated, version=version(), extra=extra() if extra else ())
    return render_pdf(document)


def print_list_html(view: LayerView) -> str:
    """The whole target list as an HTML table (every text escaped), for the browser's print."""
    frame = target_list_frame(view)
    numeric = {"Rank", "Residents", *frame.columns[5:]}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td class='{'num' if c in numeric else ''}'>{html.escape(str(v))}</td>"
                                    for c, v in row.items()) + "</tr>" for row in frame.to_dict("records"))
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in target_list_notes(view))
    title = html.escape(f"Target wards: {view.targeting.short} — {view.area.name}")
    return (f"<div class='wl-print-list'><h4>{title}</h4><p>{html.escape(coverage_text(view))}. "
            f"{html.escape(view.definition)}</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f"<ul>{notes}</ul></div>")


def _captured(view: LayerView, goal: GoalChoice | None) -> BoardData:
    return BoardData(catalogue=views.catalogue(), register=loaders.ward_table(), shapes=loaders.area_shapes(view.area.key),
                     official=loaders.published_summaries(),
                     components=loaders.goal_components() if goal is not None else None)


def board_panel(view: LayerView) -> None:
    """The three downloads beside the list's (map PNG, map SVG, place pack PDF), and the print view."""
    with st.container(key=Keys.BOARD):
        _downloads(view)
    with st.container(key=Keys.PRINT_LIST):  # shown only in print: ui/panels.py page_style loads print.css
        st.html(print_list_html(view))


def _downloads(view: LayerView) -> None:
    st.markdown("### For a board paper")
    table = loaders.ward_table()
    offered = view.codes if len(view.codes) <= MAX_PICKER_WARDS else view.ranks.index
    codes = list(offered)
    labels = ward_labels(table, offered)
    session.keep_valid_many(Keys.PACK_WARDS, codes)
    wards = st.multiselect("Ward profiles in the pack", sorted(codes, key=labels.__getitem__), key=Keys.PACK_WARDS,
                           format_func=labels.__getitem__, max_selections=MAX_PROFILES,
                           placeholder="Optional: add wards for a profile page each",
                           help="Each ward picked gets its profile in the pack: every indicator beside its ICB and "
                                "England, its rank and the caveats.")
    goal = session.modelled_goal(view.area.key)
    if goal is not None and not st.checkbox(f"Add the goal page: {goal.goal.title}", value=True, key=Keys.PACK_GOAL,
                                            help="The goal as last modelled in the Goals tab: cohort, baseline, "
                                                 "target, detectability and SII."):
        goal = None
    track = tracking_panel.pack_pages(view.area)
    if track is not None and not st.checkbox("Add the tracking page (your time series)", value=True,
                                             key=Keys.PACK_TRACK, help="The goal as last tracked in the Goals tab: "
                                             "the cohort against the rest, the SPC chart and its reading."):
        track = None
    size = st.radio("Map size", list(MAP_SIZES), format_func=MAP_SIZES.get, horizontal=True, key=Keys.MAP_SIZE)
    data = _captured(view, goal)
    chosen = tuple(wards)
    stem = file_stem(view.area, view.record.id, view.targeting.id)
    today = dt.date.today
    c1, c2, c3 = st.columns(3)
    c1.download_button("Map image (PNG)", data=lambda: map_bytes(view, data, fmt="png", size=size, generated=today()),
                       file_name=f"{stem}_map{'' if size == 'slide' else '_a4'}.png", mime="image/png",
                       key=Keys.DOWNLOAD_MAP_PNG, on_click="ignore", icon=":material/image:", width="stretch")
    c2.download_button("Map (SVG)", data=lambda: map_bytes(view, data, fmt="svg", size=size, generated=today()),
                       file_name=f"{stem}_map.svg", mime="image/svg+xml", key=Keys.DOWNLOAD_MAP_SVG,
                       on_click="ignore", icon=":material/draw:", width="stretch")
    c3.download_button("Place pack (PDF)", data=lambda: pack_bytes(view, data, chosen, goal, generated=today(),
                                                                           extra=track),
                       file_name=f"{stem}_pack.pdf", mime="application/pdf", key=Keys.DOWNLOAD_PACK,
                       on_click="ignore", icon=":material/picture_as_pdf:", width="stretch")
    st.caption("Made when you click: the map with its title, legend, scale bar, attribution and data vintages; "
               "the pack with the cover, map, every target ward, the comparison with the ICB and England, "
               f"{'the goal, ' if goal else ''}{'the ward profiles, ' if chosen else ''}definitions and sources.")
