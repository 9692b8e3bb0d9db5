"""Page sections: heading, map, attribution, target list, ward profile, methods and sources."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import streamlit as st

from geo.bestfit import OVERLAY
from geo.upload import SMALL_COUNT_THRESHOLD, plain_markdown
from geo.upload.limits import limits_text
from layers import INDICATORS
from layers.export import notes_csv, to_csv, to_excel
from layers.goals import DEFAULT_OVERDISPERSION
from layers.indicator import NO_DATA_TEXT, THEMES, Indicator
from layers.profile import CARE_MARK, profile_html
from layers.sources import FOUNDATION, Source, attribution_texts
from layers.style import SCHEME_LIST, SCHEMES_BY_ID
from layers.targets import TARGETINGS
from layers.view import LayerView
from stats.power import DEFAULT_ALPHA, DEFAULT_POWER
from stats.spc import LIMIT_FACTOR, MIN_POINTS_FOR_LIMITS
from ui.assets import STATIC
from ui.session import Keys
from ui.upload_card import MAX_THRESHOLD
from ui.upload_memory import PRIVACY_TEXT

MAP_HEIGHT = 640


#: The map's and the target list's shares of the page's width when they sit side by side.
MAP_LIST_SPLIT = (1, 1)
#: Below this page width the map and the target list stack (each full width), so that every column
#: of the list shows without scrolling sideways and the map is wide enough for its area beside the
#: legend: the list's columns (tick box, #, Ward, up to three indicators, Local authority,
#: Residents) take about 745 px, and beside the map it gets half of what the 360 px sidebar and the
#: page's margins (about 200 px) leave: 820 px at 2,200 px. (At 1,920 px, with 3/5 of it, the list
#: fitted but the map was 545 px wide and drew LLR in a third of it.)
SIDE_BY_SIDE_MIN_PX = 2200


#: The ward profile's tables and notes: full tables where there is room, a card per row where there is not.
PROFILE_CSS = STATIC / "wardlens" / "profile.css"
#: The print styles: the whole target list in print (ui/board_panel.py), the screen's grid and the sidebar hidden.
PRINT_CSS = STATIC / "wardlens" / "print.css"


def page_style() -> None:
    """Room under the app's header for the tabs (phones included), a compact title, the map and list
    side by side only on wide screens, the ward profile's styles (:data:`PROFILE_CSS`) and the print
    styles (:data:`PRINT_CSS`)."""
    st.html(f"""<style>
    [data-testid='stMainBlockContainer'] {{ padding-top: 3.6rem; }}
    [data-testid='stMainBlockContainer'] h1 {{ font-size: 1.8rem; padding-top: .2rem; }}
    [data-testid='stMainBlockContainer'] h2 {{ font-size: 1.35rem; }}
    [data-testid='stMainBlockContainer'] h3 {{ font-size: 1.15rem; }}
    [data-testid='stMainBlockContainer'] h4 {{ font-size: 1rem; padding: .6rem 0 .2rem; }}
    [data-testid='stCaptionContainer'] {{ color: #55575f; opacity: 1; }}  /* 7:1 on white: the theme's faded caption fails AA */
    /* A code block's copy button shows only on hover: a touch screen has none, so show it always,
       beside the text rather than over it. */
    [data-testid='stCode'] :is(div:has([data-testid='stElementToolbarButton']), [data-testid='stElementToolbarButton']) {{
      visibility: visible; opacity: 1; }}
    [data-testid='stCode'] pre {{ padding-right: 2.75rem; }}
    .st-key-{Keys.SHARE} {{ min-height: 2.5rem; }}  /* the "Link to this view" button's height, before it has loaded */
    @media (max-width: {SIDE_BY_SIDE_MIN_PX - 1}px) {{
      .st-key-map_and_list > [data-testid='stLayoutWrapper'] > [data-testid='stHorizontalBlock'] {{ flex-wrap: wrap; }}
      .st-key-map_and_list > [data-testid='stLayoutWrapper'] > [data-testid='stHorizontalBlock'] > [data-testid='stColumn'] {{
        flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important; }}
    }}
    </style>""")
    # Style-only HTML goes to the page's event container, which a fragment's rerun clears of what that
    # fragment drew: so every stylesheet is drawn here, by the full run, never inside a fragment.
    st.html(PROFILE_CSS)
    st.html(PRINT_CSS)


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
    """A "Link to this view" button: it opens the address of this exact view (area, place, layer, classes,
    targeting, ward), with a button that copies it."""
    page = urlsplit(st.context.url or "")  # (none under AppTest: the link is then its query alone)
    base = urlunsplit((page.scheme, page.netloc, page.path or "/", "", "")) if page.netloc else ""
    # Drawn only when open: the code block's script is large, and the first page waits for every script it holds.
    popover = st.popover("Link to this view", icon=":material/link:", key=Keys.COPY_LINK, on_change="rerun")
    if popover.open:
        with popover:
            st.caption("This link opens WardLens on this view: area, place, layer, classes, targeting and ward. "
                       "Data you uploaded never go in a link.")
            st.code(f"{base}?{urlencode(query)}", language=None, wrap_lines=True)


def attribution(records: Sequence[Indicator], extra: Sequence[Source] = ()) -> None:
    """The licence attributions for the boundaries, the Census Output Areas, every layer shown and
    ``extra`` sources drawn (always visible)."""
    st.caption(" ".join(attribution_texts([*extra, *(r.source for r in records)])))


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
              "living in the target wards (areal-overlay wards left out, so no one is counted twice).")
    config = {name: st.column_config.NumberColumn(label, format=table.formats[name], help=plain_markdown(help_text),
                                                  width=96)
              for name, (label, help_text) in table.labels.items()}
    for name in table.labelled:  # suppressed counts read "<5" among the numbers: shown as text
        label, help_text = table.labels[name]
        config[name] = st.column_config.TextColumn(label, help=plain_markdown(help_text), width=72)
    config["Rank"] = st.column_config.NumberColumn("#", format="%d", width=36)
    config["Ward"] = st.column_config.TextColumn("Ward", width=180)  # not pinned: pinned text is faded (3.9:1)
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
    ICB and in England, and its target status; under each theme's table, each indicator's unit, direction,
    period, warning, definition and caveat, numbered as the table's rows."""
    row = table.loc[ward]
    st.markdown(f"### {row['ward_name']}")
    overlay = row["method_flag"] == OVERLAY
    st.markdown(
        f"{row['lad_name']} · {row['icb_name']} · ward code `{ward}` · "
        f"{int(row['population']):,} residents (Census 2021)"
        + (" · **values by areal overlay**: a very small ward holding no Output Area of its own, valued from the "
           "LSOAs it overlaps" if overlay else ""))
    st.markdown("**Target ward?** " + " · ".join(f"{TARGETINGS[t].short}: **{s}**" for t, s in status.items()))
    # Per theme, a table of what changes with the ward and the notes under it, which are the same for every
    # ward: Streamlit sends those (and the caption) once, then only their hash (layers/profile.py).
    for theme in profile_html(profile, str(row["ward_name"]), str(row["lad_name"])):
        st.html(theme.table)
        st.html(theme.notes)
    st.caption("Local authority, ICB and England values are computed by WardLens from ward values with Census 2021 "
               "weights, except those marked “· MHCLG”: MHCLG's published figure for the local authority or ICB. "
               "“(from 88 of 97 wards)” means the value rests on only the wards with data. Better or worse is shown by "
               "rank, not tested for significance: ward values here have no confidence intervals. Rank in ICB: among "
               "the ICB's wards with a value, 1 = worst, and which fifth of them the ward is in; In England: which "
               "fifth of England's wards it is in, by rank. Each row's number leads to its note under the table; "
               f"{CARE_MARK} marks a figure to read with care.")


def indicator_notes(notes: Sequence[tuple[str, str]]) -> None:
    """Before a ward is chosen: what each indicator in its profile means (unit, direction, period,
    warning, definition and caveat), theme by theme (``notes``: :func:`ui.views.notes`)."""
    with st.expander("What a ward's profile shows: each indicator's unit, period and caveats"):
        for theme, html_notes in notes:
            st.markdown(f"#### {plain_markdown(theme)}")
            st.html(html_notes)


def methods_panel(register: pd.DataFrame) -> None:
    """How the numbers were made, each indicator's definition and source, and the licences.

    ``register``: the ward table (``method_flag``, ``population``, ``lad_name`` by ward code), from
    which the counts of wards quoted are taken."""
    _value_methods(register)
    _indicator_definitions()
    _goal_methods()
    _other_methods()
    _sources_and_licences()


def _value_methods(register: pd.DataFrame) -> None:
    """How ward and area values are made (Output Area best fit, in plain words), classified and targeted."""
    overlay = register[register["method_flag"] == OVERLAY]
    places = ", ".join(f"{n} in {lad}" for lad, n in overlay["lad_name"].value_counts().items())
    st.markdown("## How the ward values were made")
    st.markdown(
        "Ward boundaries are ONS Wards (May 2025), generalised and simplified for the screen. Most indicators are "
        "published for small areas, not wards: LSOAs (about 1,700 residents each) or MSOAs (about 8,000). An LSOA "
        "often straddles a ward boundary, so WardLens builds every ward from England's 178,605 Census 2021 "
        "**Output Areas**, the smallest census areas (about 300 residents each), in four steps:")
    st.markdown(
        "1. **Each Output Area goes wholly into one ward:** the ward that contains its *population-weighted "
        "centroid*, the point ONS places at the middle of where its residents live (ONS's own **best-fit** "
        "method). Twelve centroids lie just off the generalised coastline of the ward map (at most 123 m) and go to the nearest "
        "ward.\n"
        "2. **A ward's population is the sum of its Output Areas' residents** (Census 2021 usual residents). For "
        "the 161 Lancashire wards unchanged since the Census 2021 ward tables this is a median 0.03%, and at most "
        "3.2%, from the official ward figure.\n"
        "3. **An LSOA's value is shared by where its residents live:** it counts towards each ward its Output "
        "Areas lie in, in proportion to those Output Areas' residents (6,400 of England's 33,755 LSOAs are split "
        "between two to six wards). A ward's score or rate is the average of its LSOAs weighted this way; a "
        "count (such as disabled residents) is split in whole people and added up, so ward counts add up to "
        "local authority totals exactly. MSOA figures reach wards through the same LSOAs.\n"
        f"4. **{len(overlay)} very small wards hold no Output Area centroid** ({places}). They take the values of "
        "the LSOAs they overlap, weighted by area (**areal overlay**), and their profile and the downloads say so. Their "
        "residents are already counted in neighbouring wards, so area values and population totals leave them out.")
    st.markdown(
        "**Area values.** For local authorities and ICBs MHCLG publishes its own deprivation summaries (IMD "
        "average score, extent, domain scores): the profile shows those, marked “· MHCLG” (MHCLG published). "
        "Every other area value (England, the target wards, and what MHCLG does not publish) is **computed by "
        "WardLens with Census 2021 weights** from the ward values, as each indicator says: a weighted mean over "
        "the wards that hold Output Areas (weights as named below), a sum for counts, or the share of wards "
        "flagged. MHCLG weights LSOAs by its own mid-2022 populations, so a computed figure can differ slightly "
        "from a published one.")
    st.markdown("## Classes and colours")
    st.markdown("\n".join(f"- **{s.label}**" for s in SCHEME_LIST) + "\n\n"
                "Colours are ColorBrewer sequential palettes (colour-blind safe); the darkest colour always "
                "marks the worst values, so the palette runs the other way for indicators where higher is "
                "better (e.g. life expectancy). Grey means no data.")
    st.markdown("## Most disadvantaged wards")
    st.markdown("\n".join(f"- **{t.label}.** {t.description.format(layer='the layer on the map')}"
                          for t in TARGETINGS.values()))
    st.markdown("Population covered and its share of the area count the Census 2021 usual residents of the "
                "wards' Output Areas (areal-overlay wards left out, so no one is counted twice).")


def _indicator_definitions() -> None:
    """Each indicator's definition, unit, period, method, direction, source and caveat, by theme."""
    st.markdown("## Indicators")
    for theme in THEMES:
        records = [r for r in INDICATORS.values() if r.theme == theme]
        if not records:
            continue
        with st.expander(f"{theme} ({len(records)} layers)"):
            st.markdown("\n".join(
                f"- **{r.full_title}**. {r.definition} *Unit:* {r.unit}. *Period:* {r.period}. "
                f"*Published for:* {r.source_geography}; *ward value:* {r.method} — {r.method_note} "
                f"*Higher is {'worse' if r.higher_is_worse else 'better'}.* *Area value:* {r.aggregation}"
                + (f" weighted by {r.weight}" if r.weight else "") + f". *Source:* {r.source.dataset}, "
                f"{r.source.publisher} ({r.source.licence}). *Caveat:* {r.caveat}"
                + (f" *Coverage:* {r.coverage_note}" if r.coverage_note else "")
                for r in records))


def _goal_methods() -> None:
    """How the Goals tab models a goal and tracks it (each view repeats the notes that apply to it)."""
    st.markdown("## Goals and tracking")
    st.markdown(
        "- **Cohort.** A goal's wards are frozen on IMD 2025: the most disadvantaged 10% or 20% of the ICB's "
        "wards by average score (the number rounded up, ties kept), with England's most deprived decile or "
        "quintile and Core20 wards beside it as other readings. For a place the cohort stays the ICB's.\n"
        "- **Baseline and target.** The cohort's value is the residents-weighted value of its wards, with a 95% "
        "confidence interval where the measure allows one (the Goals tab says which method). The target applies the "
        "goal's change to it; the trajectory is a straight line from the goal's start to its deadline, a path to "
        "check progress against, not a forecast.\n"
        "- **Is it detectable?** The smallest change a before/after comparison of the cohort's counts could "
        f"detect at {DEFAULT_ALPHA:.0%} significance and {DEFAULT_POWER:.0%} power: a test of the log rate ratio "
        "with Poisson variance inflated by an over-dispersion factor "
        f"({DEFAULT_OVERDISPERSION:g} by default; Breslow and Day 1987). Counts WardLens only estimates are "
        "labelled as such.\n"
        "- **Is it plausible?** Where the target lies against the rest of the area and England, and the change a "
        "year it needs against the change ONS has published for England where there is one.\n"
        "- **Gradient.** The slope and relative indices of inequality (SII, RII) across deprivation groups, "
        "computed as OHID's PHEindicatormethods does (population-weighted regression on relative rank; 95% "
        "intervals by simulation). The SII is the least deprived end minus the most deprived end, on the fitted "
        "line.\n"
        "- **Tracking** (your own monthly or quarterly counts): rates per 1,000 residents for the cohort, the rest "
        "of the area and each place, with exact Poisson 95% intervals below 10 events and Byar's from 10; the "
        "change in the gap as a difference in differences with a quasi-Poisson interval; and an XmR chart of the "
        "cohort's rate by NHS England's Making Data Count rules (limits at the mean ± "
        f"{LIMIT_FACTOR} average moving ranges, trial limits below {MIN_POINTS_FOR_LIMITS} points; "
        "a point beyond a limit, a run of 7 on one side, 7 rising or falling, or 2 of 3 near a limit mark a special "
        "cause). Small counts are suppressed there as everywhere.")


def _other_methods() -> None:
    """The life expectancy by MSOA tab and the user's own data."""
    st.markdown("## Life expectancy by MSOA")
    st.markdown(
        "The **Life expectancy by MSOA** tab shows the ONS ad hoc life expectancies (REQ3292, 2016–20) at the "
        "geography they were published for, MSOA 2011, with their 95% confidence intervals. The file's levels "
        "run about 1.5–2.5 years above official figures, so the tab compares MSOAs with each other only and "
        "shows no official local authority, ICB or England figure. The ward layers of life expectancy are "
        "population-weighted estimates from these MSOAs.")
    _own_data_methods()


def _own_data_methods() -> None:
    """What happens to a user's file: how it reaches wards, what is hidden, the limits, and privacy."""
    st.markdown("## Your own data")
    st.markdown(
        "Under **Your data** in the sidebar you can map figures of your own (such as people with five or more "
        "long-term conditions from GP-linked data) by 2025 ward, LSOA 2021 or 2011, MSOA 2011, or ward name. The "
        "codes' geography and vintage are detected and every row is checked. **Counts** are shared among wards "
        "the way published LSOA figures are (by the residents of each LSOA's Output Areas in each ward; LSOA 2011 "
        "and MSOA 2011 through the ONS LSOA lookup first) and added up; **rates** are averaged, weighted by a "
        "denominator column or by Census 2021 residents. A ward gets a value only when all its areas are in the "
        "file (a ward file's values are used as given), and a rate only when its areas' denominators are not all "
        "0. A negative count or denominator is refused, naming its rows. Files that look like patient records "
        "(NHS numbers, dates of birth, full postcodes) are refused.")
    st.markdown(
        f"**Small numbers.** Ward counts from 1 to {SMALL_COUNT_THRESHOLD - 1} (or below a higher threshold you "
        f"set, up to {MAX_THRESHOLD}) are **suppressed** everywhere — map, legend, profile, list, packs and downloads — "
        "following NHS disclosure control: the map hatches them and tables write "
        f"“<{SMALL_COUNT_THRESHOLD}”. So is anything that would give one back (**secondary suppression**): the "
        "other part of a total in the same file, and a rate whose count (rate × its denominator column, or × the "
        "ward's Census 2021 residents when its unit is known) would be small. Local authority, ICB and England values add up only the "
        "wards shown.")
    st.markdown(f"**Limits.** A file (or pasted text) may be {limits_text()}. A file over a limit is refused "
                "with a message naming the limit and a fix.")
    st.markdown(f"**Privacy.** {PRIVACY_TEXT}")


def _sources_and_licences() -> None:
    """Every source with its licence and attribution: the ward figures' foundations, each layer's, the map display."""
    st.markdown("## Sources and licences")
    st.markdown("Every ward figure rests on these:")
    st.markdown(_source_list(FOUNDATION))
    st.markdown("The layers:")
    st.markdown(_source_list(dict.fromkeys(r.source for r in INDICATORS.values())))
    st.markdown("- **Map display** — Leaflet (BSD-2-Clause), served by this app; no map tiles are loaded "
                "unless the OpenStreetMap background is switched on (© OpenStreetMap contributors, ODbL).")
    st.markdown("Under every map, and in every pack and download: " + " ".join(attribution_texts([])))


def _source_list(sources: Iterable[Source]) -> str:
    """One bullet per source: dataset, publisher, licence, link, and the attribution its licence asks for."""
    return "\n".join(f"- **{s.dataset}** — {s.publisher}, {s.licence}." + (f" [{s.url}]({s.url})" if s.url else "")
                     + f" *{s.attribution}*" for s in sources)
