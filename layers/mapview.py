"""The folium map: a base map that changes only with the area, a ward layer, and the selected ward.

The ward layer's :class:`~layers.mappayload.MapPayload` (:mod:`layers.mappayload`) is drawn
by the app's own script ``static/wardlens/wardlens.js`` as the choropleth, the outlines and the
legend (:class:`WardLayer`). The selected ward is its own small layer (:class:`SelectedWard`), so
moving the selection never resends the polygons. :func:`base_map` draws the area frame: no
basemap tiles by default (the app works offline), Leaflet and the app's script and styles
from its own static files, LAD boundaries on top.

The parts are separate so that streamlit-folium can swap the ward layer in place
(``feature_group_to_add``) without reloading the map, keeping the user's pan and zoom; for a
standalone HTML page, :func:`standalone` puts them together.

Every text that reaches the browser (ward and LAD names, labels, legend) is HTML-escaped
(:func:`layers.mappayload.escape_for_browser`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import folium
from branca.element import MacroElement
from folium.template import Template

from layers.mappayload import LAD_LINE, LINE_WEIGHTS, AreaGeometry, MapPayload, escape_for_browser

#: Where the app serves ./static (Streamlit static serving, see ui/assets.py): Leaflet under
#: ``vendor/leaflet``, the app's own map script and styles under ``wardlens``.
DEFAULT_STATIC_BASE = "/app/static"

#: Map panes above the ward fills (overlayPane, z-index 400), none catching the mouse. The dashed
#: flag outlines (coastal, rural) lie over the solid target outline, so a coastal target ward shows both.
PANES = (("lads", 410), ("targets", 420), ("flags", 430), ("selected", 440))

#: Pixels kept free on the right and bottom when fitting the map to the area (the legend's room).
LEGEND_CLEARANCE = (250, 10)
#: Zoom levels from which local authority names are written on the map.
LAD_LABEL_ZOOM = {"icb": 7, "england": 8}

OPENSTREETMAP_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                             "contributors")


class WardLayer(MacroElement):
    """The choropleth, target and flag outlines and legend, as one Leaflet layer drawn by
    ``WardLens.wardLayer`` (static/wardlens/wardlens.js). Add it to a :class:`folium.FeatureGroup`;
    removing the group removes the legend too."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = WardLens.wardLayer({{ this.payload }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, payload: MapPayload) -> None:
        super().__init__()
        self._name = "WardLayer"
        self.payload = payload.to_json()


class SelectedWard(MacroElement):
    """The selected ward's outline (``index`` into the ward layer's areas; -1 for none) as its own
    small layer, drawn by ``WardLens.selectedLayer``. ``seq`` numbers selections made outside the
    map, so choosing the same ward again from the list still redraws it."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = WardLens.selectedLayer({{ this.index }}, {{ this.seq }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, index: int, seq: int = 0) -> None:
        super().__init__()
        self._name = "SelectedWard"
        self.index, self.seq = int(index), int(seq)


class EncodedLines(MacroElement):
    """LAD boundaries decoded from polylines, drawn as thin dark lines in the ``lads`` pane
    (``WardLens.ladLines``)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = WardLens.ladLines({{ this.lines }}, {{ this.factor }},
                                                      {{ this.colour|tojson }}, {{ this.weight }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, fragments: Sequence[str], precision: int, colour: str = LAD_LINE, weight: float = 1.3) -> None:
        super().__init__()
        self._name = "EncodedLines"
        self.weight = weight
        self.lines = "[" + ",".join(fragments) + "]"
        self.factor = 10 ** precision
        self.colour = colour


class PlaceNames(MacroElement):
    """Local authority names at their part of the area (``WardLens.placeNames``), from ``min_zoom``;
    names that would overlap a bigger place's are left out at that zoom."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        WardLens.placeNames({{ this._parent.get_name() }}, {{ this.labels }}, {{ this.min_zoom }});
        {% endmacro %}
    """)

    def __init__(self, labels: Sequence[tuple[str, float, float]], min_zoom: int) -> None:
        super().__init__()
        self._name = "PlaceNames"
        self.labels = json.dumps([[escape_for_browser(n), lat, lng] for n, lat, lng in labels], ensure_ascii=False)
        self.min_zoom = int(min_zoom)


class TileNotice(MacroElement):
    """Says on the map when the OpenStreetMap background cannot load (offline), instead of failing silently."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        WardLens.tileNotice({{ this._parent.get_name() }}, {{ this.tiles }});
        {% endmacro %}
    """)

    def __init__(self, tiles: folium.TileLayer) -> None:
        super().__init__()
        self._name = "TileNotice"
        self.tiles = tiles.get_name()


def base_map(geometry: AreaGeometry, *, lad_boundaries: bool = True, tiles: bool = False,
             static_base: str = DEFAULT_STATIC_BASE) -> folium.Map:
    """The map frame for one area: fitted to it, panes for the outlines, LAD boundaries.

    ``tiles``: add OpenStreetMap tiles (needs the internet); without them the map has a plain
    background and works offline. ``static_base``: the URL of the app's static folder --
    folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome) are replaced by Leaflet and
    the app's map script and styles from there, the only files this map needs.
    """
    m = folium.Map(location=_centre(geometry), zoom_start=9, tiles=None, control_scale=True,
                   zoom_snap=0.25, zoom_delta=0.5, min_zoom=5, max_zoom=16)
    m.default_js = [("leaflet", f"{static_base}/vendor/leaflet/leaflet.js"),
                    ("wardlens", f"{static_base}/wardlens/wardlens.js")]
    m.default_css = [("leaflet_css", f"{static_base}/vendor/leaflet/leaflet.css"),
                     ("wardlens_css", f"{static_base}/wardlens/wardlens.css")]
    if tiles:
        basemap = folium.TileLayer("OpenStreetMap", attr=OPENSTREETMAP_ATTRIBUTION, max_zoom=19, opacity=0.55)
        basemap.add_to(m)
        TileNotice(basemap).add_to(m)
    for name, z in PANES:
        folium.map.CustomPane(name, z_index=z, pointer_events=False).add_to(m)
    if lad_boundaries and geometry.lad_lines:
        EncodedLines(geometry.lad_lines, geometry.precision, weight=LINE_WEIGHTS[geometry.level].lad).add_to(m)
    PlaceNames(geometry.lad_labels, LAD_LABEL_ZOOM[geometry.level]).add_to(m)
    # Keep the area clear of the legend, which sits in the bottom-right corner.
    m.fit_bounds([list(geometry.bounds[0]), list(geometry.bounds[1])], padding_top_left=(10, 10),
                 padding_bottom_right=LEGEND_CLEARANCE)
    return m


def _centre(geometry: AreaGeometry) -> list[float]:
    (s, w), (n, e) = geometry.bounds
    return [(s + n) / 2, (w + e) / 2]


def ward_group(payload: MapPayload) -> folium.FeatureGroup:
    """The feature group holding the ward layer (what streamlit-folium swaps in place)."""
    group = folium.FeatureGroup(name="Wards", control=False)
    WardLayer(payload).add_to(group)
    return group


def selection_group(index: int, seq: int = 0) -> folium.FeatureGroup:
    """The feature group holding the selected ward's outline (see :class:`SelectedWard`)."""
    group = folium.FeatureGroup(name="Selected ward", control=False)
    SelectedWard(index, seq).add_to(group)
    return group


def standalone(base: folium.Map, *groups: folium.FeatureGroup) -> folium.Map:
    """Base map and layer groups together, for a self-contained HTML page (tests, benchmarks)."""
    for group in groups:
        group.add_to(base)
    return base
