"""WardLens map explorer page: health inequality ward by ward in England (served by app.py).

Thin wiring (STYLE.md section 8): page config -> URL state -> controls -> cached loads ->
map and list -> profile -> methods. The work happens in ``layers/`` (what to draw), ``geo/``
(data) and ``ui/`` (widgets, cached loaders, panels).
"""

from __future__ import annotations

import streamlit as st

from geo.areas import make_area, ward_at
from geo.store import DataMissingError
from layers import INDICATORS
from layers.indicator import SCHEMES
from layers.mapview import base_map, ward_group
from layers.targets import TARGETINGS, key_indicators
from ui import controls, loaders, msoa_panel, panels, upload, userlayers
from ui.assets import ICON, ensure_leaflet, leaflet_base_url
from ui.state import parse_query, to_query

st.set_page_config(page_title="WardLens: health inequality by ward", page_icon=str(ICON), layout="wide",
                   initial_sidebar_state=360)
ensure_leaflet()
panels.page_style()


def dismiss_notices() -> None:
    st.session_state["notices"] = []


def list_key() -> str:
    """The target list widget's key; a new key is a fresh list with no row picked."""
    return f"target_table_{st.session_state.get('list_generation', 0)}"


def select_clicked_ward(area_key: str) -> None:
    """Map click -> the ward under it becomes the selected ward (and the list forgets its row)."""
    clicked = (st.session_state.get("map") or {}).get("last_object_clicked")
    if clicked:
        ward = ward_at(loaders.area_shapes(area_key), clicked["lat"], clicked["lng"])
        if ward:
            generation = st.session_state.get("list_generation", 0) + 1
            st.session_state.update(ward=ward, announce=ward, list_generation=generation)


def select_listed_ward(codes: list[str]) -> None:
    """Row picked in the target list -> that ward becomes the selected ward."""
    rows = st.session_state[list_key()].selection.rows
    if rows:
        st.session_state.update(ward=codes[rows[0]], announce=codes[rows[0]])


if not st.get_option("server.enableStaticServing") and not st.get_option("global.appTest"):
    st.error("The map cannot load Leaflet: static file serving is off. Keep `[server] enableStaticServing = "
             "true` in .streamlit/config.toml beside explorer.py (and do not override it on the command line).")

try:
    table = loaders.ward_table()
except DataMissingError as exc:
    st.error(f"WardLens cannot start: {exc}")
    st.stop()

if "seeded" not in st.session_state:
    view, notices = parse_query(st.query_params.to_dict(), table, INDICATORS, SCHEMES, TARGETINGS)
    controls.seed(view)
    st.session_state.update(seeded=True, notices=notices)

with st.sidebar:
    st.markdown("## WardLens")
    st.caption("Health inequality ward by ward in England: find the most disadvantaged wards of an ICB, "
               "see why, and take the list away.")
    icb, lad = controls.area_controls(table, dismiss_notices)
    st.divider()
    layer, scheme = controls.layer_controls(dismiss_notices)
    record = userlayers.record(layer)  # a published layer, or one uploaded in this session
    st.divider()
    targeting = TARGETINGS[controls.targeting_control(record, dismiss_notices)]
    st.divider()
    lads_on, flags, tiles = controls.overlay_controls(dismiss_notices)
    st.divider()
    upload.sidebar(table, icb, lad)

area = make_area(table, icb, lad)
codes = loaders.area_wards(area.key)
for note in st.session_state.get("notices", []):
    st.warning(note, icon=":material/link_off:")
upload.review_panel(area.key, area.name, layer)  # a refused file's message, or the file being checked

# Uploaded layers' results are computed in the session; published ones come from the shared caches.
cov = userlayers.target_coverage(area.key, targeting.id, layer)
ranks = userlayers.target_ranks(area.key, targeting.id, layer)
key_records = key_indicators(record)

# Tabs track which one is open, so the MSOA map is built and sent only while its tab is shown.
explore, by_msoa, methods = st.tabs(["Map explorer", "Life expectancy by MSOA", "Methods and sources"],
                                    key="tab", on_change="rerun")
with explore:
    panels.heading(area, record, scheme, targeting, cov, len(codes))
    left, right = st.columns([4, 3], gap="medium")
    with left:
        payload = userlayers.ward_payload(area.key, layer, scheme, targeting.id, tuple(flags),
                                          st.session_state.get("ward"))
        base = base_map(loaders.area_geometry(area.key), lad_boundaries=lads_on, tiles=tiles,
                        asset_base=leaflet_base_url(st.get_option("server.baseUrlPath")))
        panels.map_panel(base, ward_group(payload), on_click=lambda: select_clicked_ward(area.key))
        panels.attribution([record, *key_records, *(INDICATORS[f] for f in flags)])
    with right:
        listing = userlayers.target_table(table, ranks, key_records)
        panels.target_panel(listing, cov, area, targeting, record, key_records, key=list_key(),
                            on_select=lambda: select_listed_ward(list(listing.frame["Ward code"])))
    st.divider()
    st.markdown("### Ward profile")
    ward = controls.ward_picker(table, codes)
    announced = st.session_state.pop("announce", None)  # set when picked on the map or in the list
    if ward and announced == ward:
        st.toast(f"{table.at[ward, 'ward_name']}: profile below the map", icon=":material/arrow_downward:")
    if ward:
        panels.profile_panel(table, ward, userlayers.profile(ward), userlayers.target_status(area.key, layer, ward))
    else:
        st.caption("Click a ward on the map, pick a row in the list or type a ward name to see every "
                   "indicator for it beside its ICB and England.")
with by_msoa:
    if by_msoa.open:
        msoa_panel.msoa_panel(area, leaflet_base_url(st.get_option("server.baseUrlPath")))
with methods:
    panels.methods_panel()

st.query_params.from_dict(to_query(controls.current_view()))
