"""Sidebar controls. Each function draws its widgets and returns plain values.

Widget state lives in ``st.session_state`` under the widget keys ("icb", "lad", "theme",
"family", "variant", "scheme", "targeting", "ward", "lads_on", "flags", "tiles"); :func:`seed`
fills them once from the URL's :class:`ui.state.View`, and :func:`current_view` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo.areas import ENGLAND, icb_short_name
from geo.upload import escape_markdown
from layers import INDICATORS
from layers.indicator import THEMES, Indicator
from layers.style import SCHEME_LIST, SCHEMES_BY_ID
from layers.targets import TARGETINGS
from ui import userlayers
from ui.state import View


def layer_records() -> dict[str, Indicator]:
    """The layers the user can pick: the registry's, then this session's uploaded ones (theme "Your data")."""
    return {**INDICATORS, **userlayers.records()}


def layer_tree() -> dict[str, dict[str, dict[str, str]]]:
    """Indicator ids by theme, family and variant, in the registry's order (themes in THEMES order)."""
    tree: dict[str, dict[str, dict[str, str]]] = {t: {} for t in THEMES}
    for r in layer_records().values():
        tree[r.theme].setdefault(r.family, {})[r.variant] = r.id
    return {t: fams for t, fams in tree.items() if fams}


def seed(view: View) -> None:
    """Put ``view`` into the widgets' session state (before they are drawn)."""
    record = INDICATORS[view.layer]
    st.session_state.update({
        "icb": view.icb or ENGLAND, "lad": view.lad or "", "theme": record.theme, "family": record.family,
        "variant": record.variant, "scheme": view.scheme or "", "targeting": view.targeting, "ward": view.ward,
    })


def _keep_valid(key: str, options: list, fallback: object = None) -> None:
    """Reset a widget's state to ``fallback`` (or the first option) when it is no longer an option."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback if fallback in options else options[0]


def area_controls(table: pd.DataFrame, on_change: Callable[[], None]) -> tuple[str | None, str | None]:
    """ICB (or all England) and optional local authority; returns ``(icb_code or None, lad_code or None)``."""
    icbs = (table.drop_duplicates("icb_code").set_index("icb_code")["icb_name"]
            .map(lambda n: icb_short_name(str(n))).sort_values())
    options = [ENGLAND, *icbs.index]
    _keep_valid("icb", options)
    icb = st.selectbox(
        "Area", options, key="icb", on_change=on_change,
        format_func=lambda c: f"All England ({len(table):,} wards)" if c == ENGLAND else icbs[c],
        help="One of England's 42 integrated care boards (ICBs), or all England. Type to search.")
    if icb == ENGLAND:
        st.session_state["lad"] = ""
        return None, None
    lads = (table.loc[table["icb_code"] == icb].drop_duplicates("lad_code")
            .set_index("lad_code")["lad_name"].astype(str).sort_values())
    lad_options = ["", *lads.index]  # "" = the whole ICB
    _keep_valid("lad", lad_options)
    lad = st.selectbox("Place (local authority)", lad_options, key="lad", on_change=on_change,
                       format_func=lambda c: lads[c] if c else "Whole ICB",
                       help="Narrow the map, the targeting and the list to one local authority in the ICB.")
    return icb, lad or None


def layer_controls(on_change: Callable[[], None]) -> tuple[str, str | None]:
    """Theme, measure, variant and classification; returns ``(indicator id, scheme id or None)``."""
    tree = layer_tree()
    _keep_valid("theme", list(tree))
    theme = st.selectbox("Theme", list(tree), key="theme", on_change=on_change)
    families = list(tree[theme])
    _keep_valid("family", families)
    family = st.selectbox("Measure", families, key="family", on_change=on_change)
    variants = list(tree[theme][family])
    _keep_valid("variant", variants)
    if len(variants) > 1:
        pick = st.radio if len(variants) <= 3 else st.selectbox
        kwargs = {"horizontal": True} if pick is st.radio else {}
        variant = pick("Edition, sex or type", variants, key="variant", on_change=on_change, **kwargs)
    else:
        variant = variants[0]
    layer = tree[theme][family][variant]
    record = layer_records()[layer]
    scheme_options = ["", *(s.id for s in SCHEME_LIST)]  # "" = the layer's own scheme
    _keep_valid("scheme", scheme_options)
    scheme = st.selectbox(
        "Classes", scheme_options, key="scheme", on_change=on_change,
        format_func=lambda s: SCHEMES_BY_ID[s].label if s else f"Layer default: {SCHEMES_BY_ID[record.scheme].label}",
        disabled=record.kind == "flag",
        help="How ward values are grouped into colours. Quantiles, equal interval and Fisher–Jenks "
             "use the area's wards; national deciles use all England's wards, so colours compare "
             "across areas.")
    return layer, scheme or None


def targeting_control(selected: Indicator, on_change: Callable[[], None]) -> str:
    """The targeting definition's id (radio; the plain-English definitions are in its help)."""
    ids = list(TARGETINGS)
    _keep_valid("targeting", ids)
    return st.radio("Most disadvantaged wards", ids, key="targeting", on_change=on_change,
                    format_func=lambda t: TARGETINGS[t].short,
                    help="\n\n".join(f"**{TARGETINGS[t].short}**: {escape_markdown(TARGETINGS[t].describe(selected))}"
                                     for t in ids))


def overlay_controls(on_change: Callable[[], None]) -> tuple[bool, list[str], bool]:
    """LAD boundaries on/off, flag layers to outline, OpenStreetMap tiles on/off."""
    lads = st.checkbox("Local authority boundaries", value=True, key="lads_on")
    flags = [r for r in INDICATORS.values() if r.kind == "flag"]
    chosen: list[str] = []
    if flags:
        chosen = st.multiselect("Outline flagged wards", [r.id for r in flags], key="flags",
                                format_func=lambda i: f"{INDICATORS[i].title} ({INDICATORS[i].variant})",
                                help="Draw an outline around wards with the flag set (e.g. coastal, rural).")
    tiles = st.toggle("OpenStreetMap background", value=False, key="tiles",
                      help="Adds street map tiles from openstreetmap.org (needs the internet). "
                           "Off, the map works offline.")
    return lads, chosen, tiles


def ward_picker(table: pd.DataFrame, codes: pd.Index) -> str | None:
    """A searchable list of the area's wards ("Ward — Local authority"); returns the ward code or None."""
    labels = (table.loc[codes, "ward_name"].astype(str) + " — " + table.loc[codes, "lad_name"].astype(str))
    options = list(labels.sort_values().index)
    if st.session_state.get("ward") not in options:
        st.session_state["ward"] = None
    return st.selectbox("Ward", options, key="ward", index=None, format_func=lambda c: labels[c],
                        placeholder="Type a ward name, or click a ward on the map")


def current_view() -> View:
    """The view the widgets show now (after they are drawn)."""
    s = st.session_state
    icb = s.get("icb")
    family_tree = layer_tree().get(s.get("theme"), {}).get(s.get("family"), {})
    return View(icb=None if icb == ENGLAND else icb, lad=s.get("lad") or None,
                layer=family_tree.get(s.get("variant"), View().layer), scheme=s.get("scheme") or None,
                targeting=s.get("targeting", View().targeting), ward=s.get("ward"))
