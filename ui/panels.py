"""Page sections: heading, map, attribution, target list, ward profile, methods and sources."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from urllib.parse import urlencode

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.bestfit import OVERLAY
from geo.upload import plain_markdown
from layers import INDICATORS
from layers.export import notes_csv, to_csv, to_excel
from layers.indicator import NO_DATA_TEXT, THEMES, Indicator
from layers.sources import ONS_OS_ATTRIBUTION, attribution_texts
from layers.style import SCHEME_LIST, SCHEMES_BY_ID
from layers.targets import TARGETINGS
from layers.view import LayerView

MAP_HEIGHT = 640


#: Below this page width the map and the target list stack (each full width), so that every column
#: of the list shows without scrolling sideways.
SIDE_BY_SIDE_MIN_PX = 1600


def page_style() -> None:
    """Room under the app's header for the tabs (phones included), a compact title, and the map and
    list side by side only on wide screens."""
    st.html(f"""<style>
    [data-testid='stMainBlockContainer'] {{ padding-top: 3.6rem; }}
    [data-testid='stMainBlockContainer'] h1 {{ font-size: 1.8rem; padding-top: .2rem; }}
    [data-testid='stMainBlockContainer'] h2 {{ font-size: 1.35rem; }}
    [data-testid='stMainBlockContainer'] h3 {{ font-size: 1.15rem; }}
    [data-testid='stCaptionContainer'] {{ color: #55575f; opacity: 1; }}  /* 7:1 on white: the theme's faded caption fails AA */
    @media (max-width: {SIDE_BY_SIDE_MIN_PX - 1}px) {{
      .st-key-map_and_list > [data-testid='stLayoutWrapper'] > [data-testid='stHorizontalBlock'] {{ flex-wrap: wrap; }}
      .st-key-map_and_list > [data-testid='stLayoutWrapper'] > [data-testid='stHorizontalBlock'] > [data-testid='stColumn'] {{
        flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important; }}
    }}
    </style>""")


def _wards_with_values(view: LayerView) -> str:
    """"280 wards", or "12 of the 176 wards (the rest have no value)" when some have none."""
    n, valued = len(view.codes), int((view.styled.classes != -1).sum())
    return f"{n:,} wards" if valued == n else f"{valued:,} of the {n:,} wards (the rest have no value)"


def heading(view: LayerView) -> None:
    """Title and a one-line subtitle saying what the map shows and what is outlined."""
    record, cov = view.record, view.coverage
    classes = "two categories" if record.kind == "flag" else SCHEMES_BY_ID[view.scheme or record.scheme].short
    st.markdown(f"# {view.area.name}")
    st.markdown(
        f"**{plain_markdown(record.full_title)}** for {_wards_with_values(view)}, "
        f"coloured by {classes}. "
        f"**Outlined:** {view.targeting.short} — {cov.wards:,} wards, {cov.population:,} residents "
        f"({cov.share:.1%} of the area's population).")


def share_link(query: dict[str, str]) -> None:
    """A "Copy link" button: the address of this exact view (area, place, layer, classes, targeting, ward)."""
    base = (st.context.url or "").split("?")[0]
    with st.popover("Copy link", icon=":material/link:"):
        st.caption("This link opens WardLens on this view: area, place, layer, classes, targeting and ward. "
                   "Data you uploaded never go in a link.")
        st.code(f"{base}?{urlencode(query)}", language=None, wrap_lines=True)


def map_panel(base: folium.Map, groups: list[folium.FeatureGroup], on_click: Callable[[], None]) -> None:
    """The map. Only clicks on a ward come back to Python (pan and zoom never rerun the script);
    the layers are swapped in place, so changing layer keeps the user's pan and zoom."""
    st_folium(base, feature_group_to_add=groups, returned_objects=["last_object_clicked"],
              key="map", height=MAP_HEIGHT, use_container_width=True, on_change=on_click)


def attribution(records: Sequence[Indicator]) -> None:
    """The licence attributions for the boundaries and for every layer shown (always visible)."""
    st.caption(" ".join(attribution_texts(r.source for r in records)))


def target_panel(view: LayerView, on_select: Callable[[], None], key: str,
                 exports: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]) -> None:
    """Coverage figures, the ranked list (click a row for its profile, ``key`` names its widget) and the
    downloads (``exports`` makes the all-wards and column-definitions tables, on click only)."""
    table, cov = view.table, view.coverage
    st.markdown("## Target wards")
    st.caption(plain_markdown(view.definition))
    c1, c2, c3 = st.columns([0.7, 1.4, 0.9])  # residents is the widest figure (up to 56,489,608)
    c1.metric("Wards", f"{cov.wards:,}")
    c2.metric("Residents", f"{cov.population:,}")
    c3.metric("Share of area", f"{cov.share:.1%}", help="Share of the area's Census 2021 usual residents "
              "living in the target wards (best-fit wards only, so no one is counted twice).")
    config = {name: st.column_config.NumberColumn(label, format=table.formats[name], help=plain_markdown(help_text),
                                                  width=86)
              for name, (label, help_text) in table.labels.items()}
    for name in table.labelled:  # suppressed counts read "<5" among the numbers: shown as text
        label, help_text = table.labels[name]
        config[name] = st.column_config.TextColumn(label, help=plain_markdown(help_text), width=72)
    config["Rank"] = st.column_config.NumberColumn("#", format="%d", width=36)
    config["Ward"] = st.column_config.TextColumn("Ward", width=150)  # not pinned: pinned text is faded (3.9:1)
    config["Local authority"] = st.column_config.TextColumn("Local authority", width=130)
    config["Population (Census 2021)"] = st.column_config.NumberColumn(
        "Residents", format="localized", help="Census 2021 usual residents", width=76)
    config["Ward code"] = None  # hidden on screen, kept in the downloads
    config["Values by"] = None
    height = min(MAP_HEIGHT - 250, 38 + 35 * max(len(table.frame), 1))
    st.dataframe(table.screen_frame(), hide_index=True, placeholder=NO_DATA_TEXT, column_config=config, height=height,
                 on_select=on_select, selection_mode="single-row", key=key)
    st.caption("Rank 1 = most disadvantaged by the definition. Tick the box at the start of a row (or, from the "
               "keyboard, Shift+Space on it) for the ward's profile. "
               "Population: Census 2021 usual residents.")
    downloads(view, exports)


def _stem(view: LayerView) -> str:
    """A file name stem that says the area, the layer and the definition."""
    return f"wardlens_{view.area.key.replace('/', '_')}_{view.record.id}_{view.targeting.id}"


def downloads(view: LayerView, exports: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]) -> None:
    """The list, every ward of the area, and the notes with column definitions, as CSV and one Excel workbook.
    Each file is made when its button is clicked, never on a rerun."""
    lines = view.export_notes(datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    stem, csv = _stem(view), "text/csv"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buttons = (("Target list (CSV)", lambda: to_csv(view.table.frame), f"{stem}_targets.csv", csv, "dl_csv"),
               ("All wards (CSV)", lambda: to_csv(exports()[0]), f"{stem}_all_wards.csv", csv, "dl_all_csv"),
               ("Notes and definitions (CSV)", lambda: notes_csv(lines, exports()[1]), f"{stem}_notes.csv", csv,
                "dl_notes_csv"),
               ("Workbook (Excel)", lambda: to_excel(view.table, lines, all_wards=exports()[0],
                                                     definitions=exports()[1]), f"{stem}.xlsx", xlsx, "dl_xlsx"))
    columns = st.columns(2)
    for i, (label, data, name, mime, key) in enumerate(buttons):
        columns[i % 2].download_button(label, data=data, file_name=name, mime=mime, key=key, on_click="ignore",
                                       icon=":material/download:", width="stretch")


def profile_panel(table: pd.DataFrame, ward: str, profile: pd.DataFrame, status: dict[str, str]) -> None:
    """Every indicator for one ward beside its local authority, ICB and England, where it stands in its
    ICB and in England, its target status, and each indicator's period and warning beside its row."""
    row = table.loc[ward]
    st.markdown(f"### {row['ward_name']}")
    overlay = row["method_flag"] == OVERLAY
    st.markdown(
        f"{row['lad_name']} · {row['icb_name']} · ward code `{ward}` · "
        f"{int(row['population']):,} residents (Census 2021)"
        + (" · **values by areal overlay**: a very small ward holding no Output Area of its own, valued from the "
           "LSOAs it overlaps" if overlay else ""))
    st.markdown("**Target ward?** " + " · ".join(f"{TARGETINGS[t].short}: **{s}**" for t, s in status.items()))
    text = st.column_config.TextColumn
    config = {"Indicator": text(width=230), "Ward": text(str(row["ward_name"]), width=85, help="This ward's value"),
              "Local authority": text(str(row["lad_name"]), width=100, help="The ward's local authority"),
              "ICB": text(width=100, help=str(row["icb_name"])), "England": text(width=85),
              "Rank in ICB (1 = worst)": text("Rank in ICB", width=150, help="Rank among the ICB's wards with a "
                                              "value, 1 = worst, and which fifth of them it is in"),
              "In England": text(width=100, help="Which fifth of England's wards it is in (by rank)"),
              "Unit": text(width=160), "Period": text(width=170), "Note": text("Read with care", width=320)}
    for i, (theme, rows) in enumerate(profile.groupby("Theme", sort=False)):  # one short table per theme
        st.markdown(f"#### {theme}")
        st.dataframe(rows[list(config)], hide_index=True, width="stretch", height=38 + 35 * len(rows),
                     key=f"profile_table_{i}", column_config=config)
    st.caption("Local authority, ICB and England values are computed by WardLens from ward values with Census 2021 "
               "weights, except those marked “· MHCLG”: MHCLG's published figure for the local authority or ICB. "
               "“(88 of 97 wards)” means the value rests on only the wards with data. Better or worse is shown by "
               "rank, not tested for significance: ward values here have no confidence intervals.")
    with st.expander("Full caveats and data periods for each indicator"):
        for _, r in profile.iterrows():
            st.markdown(f"- **{plain_markdown(r['Indicator'])}**, "
                        f"{plain_markdown(r['Period'])}: {plain_markdown(r['Caveat'])}")


def methods_panel() -> None:
    """How the numbers were made, each indicator's definition and source, and the licences."""
    _value_methods()
    _indicator_definitions()
    _other_methods()
    _sources_and_licences()


def _value_methods() -> None:
    """How ward and area values are made, classified and targeted."""
    st.markdown("## How the ward values were made")
    st.markdown(
        "Ward boundaries are ONS Wards (May 2025), generalised and simplified for the screen. Most "
        "indicators are published for small areas (LSOAs or MSOAs), not wards. Each LSOA (2021) is "
        "**best-fitted** to the ward holding its population-weighted centroid, and the ward value "
        "combines its LSOAs, weighted by Census 2021 usual residents (or the count the record names). "
        "A few very small wards (mostly in the City of London) contain no LSOA centroid: they take "
        "the values of the LSOAs they overlap, weighted by area (**areal overlay**). Their residents "
        "are also counted in a best-fit ward, so ICB and England values and population totals leave "
        "them out.")
    st.markdown(
        "**Area values** (ICB, England) combine ward values the way each indicator says: a weighted mean "
        "over best-fit wards (weights as named below), a sum for counts, or the share of wards flagged. "
        "They are computed here from ward values and can differ slightly from figures published for "
        "ICBs or local authorities.")
    st.markdown("## Classes and colours")
    st.markdown("\n".join(f"- **{s.label}**" for s in SCHEME_LIST) + "\n\n"
                "Colours are ColorBrewer sequential palettes (colour-blind safe); the darkest colour always "
                "marks the worst values, so the palette runs the other way for indicators where higher is "
                "better (e.g. life expectancy). Grey means no data.")
    st.markdown("## Most disadvantaged wards")
    st.markdown("\n".join(f"- **{t.label}.** {t.description.format(layer='the layer on the map')}"
                          for t in TARGETINGS.values()))
    st.markdown("Population covered and its share of the area count Census 2021 usual residents of "
                "best-fit wards.")


def _indicator_definitions() -> None:
    """Each indicator's definition, unit, period, method, direction, source and caveat, by theme."""
    st.markdown("## Indicators")
    for theme in THEMES:
        records = [r for r in INDICATORS.values() if r.theme == theme]
        if not records:
            continue
        with st.expander(f"{theme} ({len(records)} layers)"):
            st.markdown("\n".join(
                f"- **{r.title}** ({r.variant}). {r.definition} *Unit:* {r.unit}. *Period:* {r.period}. "
                f"*Published for:* {r.source_geography}; *ward value:* {r.method} — {r.method_note} "
                f"*Higher is {'worse' if r.higher_is_worse else 'better'}.* *Area value:* {r.aggregation}"
                + (f" weighted by {r.weight}" if r.weight else "") + f". *Source:* {r.source.dataset}, "
                f"{r.source.publisher} ({r.source.licence}). *Caveat:* {r.caveat}"
                + (f" *Coverage:* {r.coverage_note}" if r.coverage_note else "")
                for r in records))


def _other_methods() -> None:
    """The life expectancy by MSOA tab and the user's own data."""
    st.markdown("## Life expectancy by MSOA")
    st.markdown(
        "The **Life expectancy by MSOA** tab shows the ONS ad hoc life expectancies (REQ3292, 2016–20) at the "
        "geography they were published for, MSOA 2011, with their 95% confidence intervals. The file's levels "
        "run about 1.5–2.5 years above official figures, so the tab compares MSOAs with each other only and "
        "shows no official local authority, ICB or England figure. The ward layers of life expectancy are "
        "population-weighted estimates from these MSOAs.")
    st.markdown("## Your own data")
    st.markdown(
        "Under **Your data** in the sidebar you can map figures of your own (such as people with five or more "
        "long-term conditions from GP-linked data) by 2025 ward, LSOA 2021 or 2011, or ward name. The codes' "
        "geography and vintage are detected and every row is checked; **counts** are summed to wards through the "
        "same best-fit lookup (LSOA 2011 through the ONS lookup, split by population), **rates** are averaged "
        "weighted by a denominator column or by Census 2021 residents, and a ward gets a value only when all its "
        "areas are in the file. Counts from 1 to 4 (or a higher threshold you set) are **suppressed** everywhere "
        "— map, legend, profile, list and downloads — following NHS disclosure control: the map hatches them, "
        "tables write “<5”, and ICB and England values add up only the wards shown. Files that look like "
        "patient records (NHS numbers, dates of birth, full postcodes) are refused. The data stay in this browser "
        "session's memory only: never saved, logged, shared with other sessions or put in the link.")


def _sources_and_licences() -> None:
    """Every source with its licence and attribution, the boundaries and the map display."""
    st.markdown("## Sources and licences")
    sources = {r.source.dataset: r.source for r in INDICATORS.values()}
    st.markdown("\n".join(f"- **{s.dataset}** — {s.publisher}, {s.licence}."
                          + (f" [{s.url}]({s.url})" if s.url else "") + f" *{s.attribution}*"
                          for s in sources.values()))
    st.markdown(f"- **Ward and local authority boundaries** — {ONS_OS_ATTRIBUTION}")
    st.markdown("- **Map display** — Leaflet (BSD-2-Clause), served by this app; no map tiles are loaded "
                "unless the OpenStreetMap background is switched on (© OpenStreetMap contributors, ODbL).")
