"""WardLens map explorer page: health inequality ward by ward in England (served by app.py).

Thin wiring (STYLE.md section 8): page config -> link state -> controls -> the layer's view ->
map and list -> profile -> methods. The work happens in ``layers/`` (what to draw, one pure
view for any layer), ``geo/`` (data) and ``ui/`` (widgets, cached loaders, session state, panels).
"""

from __future__ import annotations

import streamlit as st

from geo.areas import Area, make_area, ward_at
from geo.store import DataMissingError
from geo.upload import plain_markdown
from layers import INDICATORS
from layers.mapview import map_frame
from layers.style import SCHEMES_BY_ID
from layers.targets import TARGETINGS
from layers.indicator import Indicator
from layers.view import LayerView, export_tables
from ui import controls, goals_panel, loaders, msoa_panel, panels, session, upload, views, wardmap
from ui.assets import ICON, ensure_leaflet, static_base_url
from ui.board_panel import board_panel
from ui.link import parse_query, to_query
from ui.session import Keys

st.set_page_config(page_title="WardLens: health inequality by ward", page_icon=str(ICON), layout="wide",
                   initial_sidebar_state=360)
ensure_leaflet()
panels.page_style()


def select_clicked_ward(area_key: str) -> None:
    """Map click -> the ward under it becomes the selected ward (and the list forgets its row)."""
    clicked = wardmap.clicked_point(Keys.MAP)
    if clicked:
        ward = ward_at(loaders.area_shapes(area_key), *clicked)
        if ward:
            session.select_ward(ward, on="map")


def select_listed_ward(codes: list[str]) -> None:
    """Row picked in the target list -> that ward becomes the selected ward."""
    rows = session.get(session.list_key()).selection.rows
    if rows:
        session.select_ward(codes[rows[0]], on="list")


if not st.get_option("server.enableStaticServing") and not st.get_option("global.appTest"):
    st.error("The map cannot load Leaflet: static file serving is off. Keep `[server] enableStaticServing = "
             "true` in .streamlit/config.toml beside explorer.py (and do not override it on the command line).")


#: The id of the ward profile's heading (the page is taken there when a ward is picked in the list).
PROFILE_ANCHOR = "ward-profile"


@st.fragment
def explore_tab(area: Area, shown: LayerView, record: Indicator, flags: list[str], lads_on: bool, tiles: bool,
                drawn: bool, map_only: bool) -> None:
    """The map explorer tab: the map and the ward profile beside the target list (``map_only``: the
    map alone, on the first page). A fragment: a row picked in the list reruns only this tab, not the
    sidebar."""
    panels.heading(shown)
    left, right = st.container(key="map_and_list").columns(panels.MAP_LIST_SPLIT, gap="medium")
    with left:
        map_and_profile(area, shown, record, flags, lads_on, tiles, drawn, session.list_key(), map_only)
    if map_only:
        return
    with right:
        panels.target_panel(shown, key=session.list_key(),
                            on_select=lambda: select_listed_ward(list(shown.table.frame["Ward code"])),
                            exports=lambda: export_tables(shown, list(views.catalogue().values()), table))
        board_panel(shown)  # map PNG/SVG and the place pack PDF, made on click; the list's print view


@st.fragment
def map_and_profile(area: Area, shown: LayerView, record: Indicator, flags: list[str], lads_on: bool, tiles: bool,
                    drawn: bool, list_key: str, map_only: bool = False) -> None:
    """The link to this view, the map (only if ``drawn``: a map in a hidden tab gets no size and stays
    blank) and the selected ward's profile under it. A fragment of its own: a click on the map or a
    ward found reruns only this column, so the page sends only what they change (the profile, the
    outline, the link), not the list beside it (drawn with ``list_key``) -- unless a click made the
    list forget its picked row: then the whole page reruns, for the list to come back with none.
    ``map_only``: the map with its link and attribution, no profile (the first page)."""
    if session.list_key() != list_key:
        st.rerun()
    link_slot = st.container(key=Keys.SHARE)  # filled at the end of the run, once the ward is known
    if drawn:
        geometry = loaders.area_geometry(area.key)
        selected, seq = session.map_selection()
        index = geometry.codes.index(selected) if selected in geometry.codes else -1
        frame = map_frame(geometry, lad_boundaries=lads_on, tiles=tiles, static_base=static)
        wardmap.ward_map(frame, shown.payload, key=Keys.MAP, height=panels.MAP_HEIGHT,
                         on_click=lambda: select_clicked_ward(area.key))
        wardmap.outline_ward(Keys.MAP, index, seq)
    panels.attribution([record, *(s.record for s in shown.key_sources), *(INDICATORS[f] for f in flags)])
    if not map_only:
        ward_profile(shown)
    query = to_query(controls.current_view())  # the link follows every change, the selected ward included
    st.query_params.from_dict(query)
    with link_slot:
        panels.share_link(query)


def ward_profile(shown: LayerView) -> None:
    """The ward search and the selected ward's profile (or, with none, what a profile shows)."""
    st.header("Ward profile", anchor=PROFILE_ANCHOR)
    ward = controls.ward_picker(table, shown.codes)
    picked_on = session.take_picked_on()
    if ward and picked_on == "map":
        # Under the map, which is above the list when they stack (narrow screens): no arrow pointing down.
        st.toast(f"{table.at[ward, 'ward_name']}: its profile is under the map", icon=":material/map:")
    if ward:
        panels.profile_panel(table, ward, views.profile(ward), shown.status(ward))
        if picked_on == "list":  # far below the profile: the page is taken up to it
            wardmap.reveal(PROFILE_ANCHOR, session.map_selection()[1])
    else:
        st.caption("Click a ward on the map, pick a row in the list or type a ward name to see every "
                   "indicator for it beside its ICB and England.")
        if len(shown.codes):  # the notes are the same for every ward of the area
            panels.indicator_notes(views.notes(shown.codes[0]))


try:
    table = loaders.ward_table()
except DataMissingError as exc:
    st.error(f"WardLens cannot start: {exc}")
    st.stop()

# A session's first run in a browser draws the map first: the page's title, the map and what keeps their
# place (the sidebar's title, the tabs, the link's notices), nothing else. Streamlit's page loads the script
# of each kind of element it meets and shows them in batches, so the sidebar's controls and the list would
# delay the map; the browser asks for them (wardmap.report_drawn) once it has painted the map.
map_first = not session.seeded() and wardmap.in_browser()
if not session.seeded():
    view, notices = parse_query(st.query_params.to_dict(), table, INDICATORS, SCHEMES_BY_ID, TARGETINGS,
                                [i for i, r in INDICATORS.items() if r.kind == "flag"])
    session.seed(view, INDICATORS[view.layer], notices)

with st.sidebar:
    st.markdown("## WardLens")
    st.caption("Health inequality ward by ward in England: find the most disadvantaged wards of an ICB, "
               "see why, and take the list away.")
if map_first:  # the view the link asked for, which the controls will show
    chosen = controls.current_view()
    icb, lad, layer, scheme, targeting = chosen.icb, chosen.lad, chosen.layer, chosen.scheme, chosen.targeting
    record = views.record(layer)
    lads_on, flags, tiles = controls.chosen_overlays()
else:
    with st.sidebar:
        icb, lad = controls.area_controls(table, session.dismiss_notices)
        st.divider()
        layer, scheme = controls.layer_controls(session.dismiss_notices)
        record = views.record(layer)  # a published layer, or one uploaded in this session
        st.divider()
        targeting = controls.targeting_control(record, session.dismiss_notices)
        st.divider()
        lads_on, flags, tiles = controls.overlay_controls(session.dismiss_notices)
        st.divider()
        upload.sidebar(table, icb, lad)

area = make_area(table, icb, lad)
for note in session.notices():  # they quote the link's own text: shown as plain text, never as markdown
    st.warning(plain_markdown(note), icon=":material/link_off:")
upload.review_panel(area.key, area.name, layer)  # a refused file's message, or the file being checked
shown = views.view(area.key, layer, scheme, targeting, tuple(flags))
static = static_base_url(st.get_option("server.baseUrlPath"))

# Tabs track which one is open, so the MSOA map is built and sent only while its tab is shown.
explore, goals, by_msoa, methods = st.tabs(["Map explorer", "Goals", "Life expectancy by MSOA",
                                            "Methods and sources"], key=Keys.TAB, on_change="rerun")
with explore:
    explore_tab(area, shown, record, flags, lads_on, tiles, explore.open, map_first)
with goals:
    if goals.open:
        goals_panel.goals_panel(area, static)
with by_msoa:
    if by_msoa.open:
        msoa_panel.msoa_panel(area, static)
with methods:
    if methods.open:
        panels.methods_panel(table)
if map_first:
    wardmap.report_drawn(Keys.MAP)
