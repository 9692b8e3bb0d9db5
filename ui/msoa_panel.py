"""The "Life expectancy by MSOA" tab: MSOA 2011 life expectancy with its 95% CIs for the selected area.

Cached loaders first (the file and polygons read once per server process, each area's MSOAs
encoded once, keyed on the area key and the sex), then :func:`msoa_panel`, which draws the
caveat, the sex choice, the map and the table. What to draw comes from :mod:`layers.msoa_view`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import msoa, store
from geo.areas import Area
from layers.mappayload import AreaGeometry, MapPayload, prepare_area
from layers.mapview import map_frame
from layers.msoa import CAVEAT, MSOA_LIFE_EXPECTANCY, MSOA_LIFE_EXPECTANCY_COLUMNS
from layers.msoa_view import (COMPARISON_NOTE, HIGHER, LOWER, NO_FIGURE,
                              msoa_payload, msoa_table, msoas_in_area)
from layers.sources import LSOA11_BOUNDARIES
from ui import loaders
from ui.session import Keys
from ui.panels import MAP_HEIGHT, attribution
from ui.wardmap import ward_map


def _years(label: str, help_text: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%.1f", width=96, help=help_text)


#: Height of the table in pixels (it scrolls beyond about 14 rows).
TABLE_HEIGHT = 528

#: How the table's columns are shown.
TABLE_COLUMNS = {
    "MSOA": st.column_config.TextColumn("MSOA", width=172, help="Middle layer super output area (2011)"),
    "Life expectancy": _years("Life exp.", "Life expectancy at birth, 2016–20, years (this file's level: compare "
                                    "MSOAs with each other only)"),
    "95% CI lower": _years("95% CI lower", "Lower limit of the 95% confidence interval, years"),
    "95% CI upper": _years("95% CI upper", "Upper limit of the 95% confidence interval, years"),
    "CI width": _years("CI width", "Width of the 95% confidence interval (upper minus lower), years"),
    "Deaths 2016–20": st.column_config.NumberColumn("Deaths", format="localized", width=70,
                                                    help="Deaths in 2016–20 behind the estimate"),
    "Against the area median": st.column_config.TextColumn(
        "vs area median", width=160, help="Whether the 95% CI lies wholly below (Lower) or above (Higher) "
                                          "the median of the area's MSOAs; see the note under the table"),
    "Local authority": st.column_config.TextColumn("Local authority", width=170,
                                                   help="Where most of the MSOA's residents live (2024)"),
    "MSOA code": st.column_config.TextColumn("MSOA code", width=90),
}


@st.cache_resource(show_spinner="Loading MSOA life expectancy…")
def msoa_frame() -> pd.DataFrame:
    """The life expectancy file by msoa11_code, with ``lad_code``: the 2025 local authority most of
    the MSOA's residents live in (the file's own LAD codes are 2024's). Read-only."""
    frame = store.read_msoa_life_expectancy(MSOA_LIFE_EXPECTANCY_COLUMNS)
    lads = msoa.msoa_lad25(store.read_msoa_ward_lookup(), loaders.ward_table()["lad_code"])
    return frame.assign(lad_code=lads.reindex(frame.index))


@st.cache_resource(show_spinner=False)
def _msoa_shapes() -> gpd.GeoDataFrame:
    return store.read_msoa_shapes()


@st.cache_resource(show_spinner=False)
def area_msoas(key: str) -> pd.DataFrame:
    """The area's MSOAs (rows of :func:`msoa_frame`): by ICB code, or by LAD 2025 for a place."""
    return msoas_in_area(msoa_frame(), loaders.area_of(key))


@st.cache_resource(show_spinner="Preparing the MSOA map…")
def msoa_geometry(key: str) -> AreaGeometry:
    """The area's MSOA polygons, local authority borders and names, encoded for the browser (once per area)."""
    area, rows = loaders.area_of(key), area_msoas(key)
    lad_names = loaders.ward_table().drop_duplicates("lad_code").set_index("lad_code")["lad_name"]
    return prepare_area(_msoa_shapes().loc[rows.index], rows["lad_code"].map(lad_names), area.level)


@st.cache_data(show_spinner=False, max_entries=64)
def msoa_layer(key: str, sex: str) -> MapPayload:
    return msoa_payload(msoa_geometry(key), area_msoas(key), MSOA_LIFE_EXPECTANCY[sex])


@st.cache_data(show_spinner=False, max_entries=64)
def msoa_listing(key: str, sex: str) -> pd.DataFrame:
    return msoa_table(area_msoas(key), MSOA_LIFE_EXPECTANCY[sex])


def msoa_panel(area: Area, static_base: str) -> None:
    """Caveat, sex choice, the MSOA map (no reruns on pan, zoom or click) and the table, lowest first."""
    st.markdown(f"## Life expectancy by MSOA: {area.name}")
    st.info(CAVEAT, icon=":material/info:")
    sex = st.radio("Sex", list(MSOA_LIFE_EXPECTANCY), horizontal=True, key=Keys.MSOA_SEX)
    measure = MSOA_LIFE_EXPECTANCY[sex]
    table = msoa_listing(area.key, sex)
    if table.empty:
        st.warning(f"{area.name} has no MSOA (2011) whose residents mostly live in it.")
        return
    counts = table["Against the area median"].value_counts()
    with_figure = len(table) - int(counts.get(NO_FIGURE, 0))
    median = table["Life expectancy"].median()
    st.markdown(
        f"**{measure.record.title}**, 2016–20, for the {len(table):,} MSOAs (2011) of the area "
        f"({with_figure:,} with a figure). Their median is **{median:.1f} years** in this file: a reference "
        f"point for comparing the MSOAs, not the area's life expectancy. **{int(counts.get(LOWER, 0)):,}** "
        f"MSOAs are clearly lower than it and **{int(counts.get(HIGHER, 0)):,}** clearly higher (their whole "
        f"95% CI is below or above it).")
    ward_map(map_frame(msoa_geometry(area.key), static_base=static_base), msoa_layer(area.key, sex), key="msoa_map",
             height=MAP_HEIGHT)
    attribution([measure.record], extra=[LSOA11_BOUNDARIES])  # the MSOA polygons
    st.markdown("### MSOAs, lowest life expectancy first")
    st.dataframe(table, hide_index=True, height=min(TABLE_HEIGHT, 38 + 35 * len(table)), key="msoa_table",
                 column_config=TABLE_COLUMNS)
    st.caption(COMPARISON_NOTE + " *No figure:* the ONS file leaves the MSOA blank (grey on the map).")
