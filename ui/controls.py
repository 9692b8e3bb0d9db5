"""Sidebar controls. Each function draws its widgets and returns plain values.

Widget state lives in ``st.session_state`` under the keys :class:`ui.session.Keys` names;
:func:`ui.session.seed` fills them once from the link's :class:`ui.link.View`, and
:func:`current_view` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo.areas import ENGLAND, icb_short_name
from geo.upload import plain_markdown
from layers import INDICATORS
from layers.indicator import THEMES, Indicator
from layers.style import SCHEME_LIST, SCHEMES_BY_ID
from layers.targets import TARGETINGS
from ui import session, views
from ui.link import View
from ui.session import Keys, keep_valid


def layer_tree() -> dict[str, dict[str, dict[str, str]]]:
    """Layer ids by theme, family and variant: the registry's, then this session's uploads (themes in
    THEMES order)."""
    tree: dict[str, dict[str, dict[str, str]]] = {t: {} for t in THEMES}
    for source in views.catalogue().values():
        r = source.record
        tree[r.theme].setdefault(r.family, {})[r.variant] = r.id
    return {t: fams for t, fams in tree.items() if fams}


def area_controls(table: pd.DataFrame, on_change: Callable[[], None]) -> tuple[str | None, str | None]:
    """ICB (or all England) and optional local authority; returns ``(icb_code or None, lad_code or None)``."""
    icbs = (table.drop_duplicates("icb_code").set_index("icb_code")["icb_name"]
            .map(lambda n: icb_short_name(str(n))).sort_values())
    options = [ENGLAND, *icbs.index]
    names = {ENGLAND: f"All England ({len(table):,} wards)", **icbs.to_dict()}
    keep_valid(Keys.AREA, options)
    icb = st.selectbox(
        "Area", options, key=Keys.AREA, on_change=on_change,
        format_func=names.__getitem__,
        help="One of England's 42 integrated care boards (ICBs), or all England. Type to search.")
    if icb == ENGLAND:
        session.whole_icb()
        return None, None
    lads = (table.loc[table["icb_code"] == icb].drop_duplicates("lad_code")
            .set_index("lad_code")["lad_name"].astype(str).sort_values())
    lad_options = ["", *lads.index]  # "" = the whole ICB
    keep_valid(Keys.PLACE, lad_options)
    lad = st.selectbox("Place (local authority)", lad_options, key=Keys.PLACE, on_change=on_change,
                       format_func={"": "Whole ICB", **lads.to_dict()}.__getitem__,
                       help="Narrow the map, the targeting and the list to one local authority in the ICB.")
    return icb, lad or None


def layer_controls(on_change: Callable[[], None]) -> tuple[str, str | None]:
    """Theme, measure, variant and classification; returns ``(indicator id, scheme id or None)``."""
    tree = layer_tree()
    keep_valid(Keys.THEME, list(tree))
    theme = st.selectbox("Theme", list(tree), key=Keys.THEME, on_change=on_change)
    families = list(tree[theme])
    keep_valid(Keys.FAMILY, families)
    family = st.selectbox("Measure", families, key=Keys.FAMILY, on_change=on_change)
    variants = list(tree[theme][family])
    keep_valid(Keys.VARIANT, variants)
    if len(variants) > 1:
        pick = st.radio if len(variants) <= 3 else st.selectbox
        kwargs = {"horizontal": True} if pick is st.radio else {}
        variant = pick("Edition, sex or type", variants, key=Keys.VARIANT, on_change=on_change, **kwargs)
    else:
        variant = variants[0]
    layer = tree[theme][family][variant]
    record = views.record(layer)
    scheme_options = ["", *(s.id for s in SCHEME_LIST)]  # "" = the layer's own scheme
    keep_valid(Keys.SCHEME, scheme_options)
    scheme = st.selectbox(
        "Classes", scheme_options, key=Keys.SCHEME, on_change=on_change,
        format_func=lambda s: SCHEMES_BY_ID[s].choice if s else f"Default: {SCHEMES_BY_ID[record.scheme].short}",
        disabled=record.kind == "flag",
        help="How ward values are grouped into colours. Quantiles, equal interval and Fisher–Jenks "
             "make 5 classes from the area's wards; national deciles make 10 from all England's wards, so "
             "colours compare across areas. \"Default\": the layer's own choice.")
    return layer, scheme or None


def targeting_control(selected: Indicator, on_change: Callable[[], None]) -> str:
    """The targeting definition's id (radio; the plain-English definitions are in its help)."""
    ids = list(TARGETINGS)
    keep_valid(Keys.TARGETING, ids)
    return st.radio("Most disadvantaged wards", ids, key=Keys.TARGETING, on_change=on_change,
                    format_func=lambda t: TARGETINGS[t].short,
                    help="\n\n".join(f"**{TARGETINGS[t].short}**: {plain_markdown(TARGETINGS[t].describe(selected))}"
                                     for t in ids))


#: The overlay switches before the reader touches them: LAD boundaries on, OpenStreetMap tiles off.
LAD_LINES_ON, TILES_ON = True, False


def overlay_controls(on_change: Callable[[], None]) -> tuple[bool, list[str], bool]:
    """LAD boundaries on/off, flag layers to outline, OpenStreetMap tiles on/off."""
    lads = st.checkbox("Local authority boundaries", value=LAD_LINES_ON, key=Keys.LAD_LINES, on_change=on_change)
    flags = [r for r in INDICATORS.values() if r.kind == "flag"]
    chosen: list[str] = []
    if flags:
        chosen = st.multiselect("Outline flagged wards", [r.id for r in flags], key=Keys.FLAGS, on_change=on_change,
                                format_func=lambda i: f"{INDICATORS[i].full_title}",
                                help="Draw an outline around wards with the flag set (e.g. coastal, rural).")
    tiles = st.toggle("OpenStreetMap background", value=TILES_ON, key=Keys.TILES, on_change=on_change,
                      help="Adds street map tiles from openstreetmap.org (needs the internet). "
                           "Off, the map works offline.")
    return lads, chosen, tiles


def chosen_overlays() -> tuple[bool, list[str], bool]:
    """What :func:`overlay_controls` would return, without drawing its widgets (the first page)."""
    return (bool(session.get(Keys.LAD_LINES, LAD_LINES_ON)), list(session.get(Keys.FLAGS) or ()),
            bool(session.get(Keys.TILES, TILES_ON)))


def ward_labels(table: pd.DataFrame, codes) -> dict[str, str]:
    """"Ward — Local authority" for each ward code in ``codes``, in their order (how the pickers name wards)."""
    return (table.loc[codes, "ward_name"].astype(str) + " — " + table.loc[codes, "lad_name"].astype(str)).to_dict()


def ward_picker(table: pd.DataFrame, codes: pd.Index) -> str | None:
    """A search box over the area's wards ("Ward — Local authority"): choosing one selects it. Returns
    the selected ward's code (chosen here, on the map or in the list), or None."""
    labels = ward_labels(table, codes)
    options = sorted(labels, key=labels.__getitem__)
    session.clear_ward_if_not_in(options)
    st.selectbox("Find a ward", options, key=Keys.WARD_SEARCH, index=None, format_func=labels.__getitem__,
                 on_change=session.picked_ward, placeholder="Type a ward name, or click a ward on the map")
    return session.ward()


def current_view() -> View:
    """The view the widgets show now (after they are drawn)."""
    get = session.get
    icb = get(Keys.AREA)
    family_tree = layer_tree().get(get(Keys.THEME), {}).get(get(Keys.FAMILY), {})
    layer = family_tree.get(get(Keys.VARIANT), View().layer)
    classed = views.record(layer).kind != "flag"  # a flag draws two categories: no classes in its link
    return View(icb=None if icb == ENGLAND else icb, lad=get(Keys.PLACE) or None,
                layer=layer, scheme=(get(Keys.SCHEME) or None) if classed else None,
                targeting=get(Keys.TARGETING, View().targeting), ward=get(Keys.WARD),
                flags=tuple(get(Keys.FLAGS) or ()))
