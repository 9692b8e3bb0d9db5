"""The map on the page: a Streamlit component (``st.components.v2``) drawn in the page itself.

It replaces an iframe per map: the page draws the map as soon as Leaflet and the app's map
script have loaded from its own static folder (``static/wardlens/component.js`` loads them once a
page), with no frame to build first. The map document (:func:`layers.mapview.map_document`) is
sent only when the area or the layer changes; the selected ward is a separate, tiny part of the
same component, so choosing a ward in the list sends a few bytes, not the map. Pan and zoom stay
in the browser and never rerun the script; a click does, through ``on_click``.

A session's first page can show the map before anything else (:func:`in_browser`,
:func:`report_drawn`): the browser then asks for the rest of the page once it has painted the map.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from layers.mappayload import MapPayload
from layers.mapview import MapFrame, map_document
from ui.assets import STATIC

_COMPONENT = st.components.v2.component(
    "wardlens_map", js=(STATIC / "wardlens" / "component.js").read_text(encoding="utf-8"), isolate_styles=False)


def ward_map(frame: MapFrame, payload: MapPayload, *, key: str, height: int,
             on_click: Callable[[], None] | None = None) -> None:
    """Draw ``payload`` on ``frame``, ``height`` px tall (at most 60% of the screen's height on a narrow
    screen: static/wardlens/wardlens.css, so the component takes the height of its content); ``key``
    names the map on the page and in the session (its clicks: ``clicked_point(key)``). ``on_click``:
    called when a ward is clicked."""
    callbacks = {"on_click_change": on_click} if on_click else {}
    _COMPONENT(data=map_document(frame, payload, height, name=key, clickable=on_click is not None), key=key,
               height="content", **callbacks)


def outline_ward(key: str, index: int, seq: int) -> None:
    """Outline the ward at ``index`` (-1: none) on the map ``key``; ``seq`` numbers selections made
    outside the map, so choosing the same ward again still redraws it."""
    _COMPONENT(data={"map": key, "select": int(index), "seq": int(seq)}, key=f"{key}_outline", height=0)


def reveal(anchor: str, seq: int) -> None:
    """A part of no height that scrolls the page to the element whose id is ``anchor`` (a heading's),
    once for each ``seq``: e.g. to a ward's profile after a row far below it was picked."""
    _COMPONENT(data={"reveal": anchor, "seq": int(seq)}, key=f"reveal_{anchor}", height=0)


def report_drawn(key: str) -> None:
    """A part of no height that reruns the script once the browser has painted the map ``key`` (or
    the map could not load): drawn on a session's first page when that page holds only the map, so
    the next run draws the rest. Its trigger has no callback: the rerun is all it asks for."""
    _COMPONENT(data={"report": key}, key=f"{key}_drawn", height=0)


def in_browser() -> bool:
    """Whether the run was asked for by a browser, which runs the map's script and so reports the
    map drawn (:func:`report_drawn`). A browser sends its page's address with each run; Streamlit's
    AppTest, which runs no script, sends none."""
    return st.context.url is not None


def clicked_point(key: str) -> tuple[float, float] | None:
    """(lat, lng) of the last click on the map ``key`` in this run, or None."""
    state = st.session_state.get(key)
    point = getattr(state, "click", None) if state is not None else None
    return (point["lat"], point["lng"]) if point else None
